//! What generated structs decode with. A generated struct's `Deserialize` is one small
//! `visit_map`: a slot per field, handed as a list to [`read_object`], which matches each key by
//! its position in the struct's wire names, reads the value into that slot and checks that every
//! required field came; then the struct is built from the slots.
//!
//! `#[derive(Deserialize)]` writes much more per struct (a field enum with its own visitor, a
//! visitor for arrays, a `?` and an error path per field): most of what a crate of two thousand
//! schemas cost to check. Here the loop, the keys and the error paths are written once; a
//! struct's own `visit_map` has no loop, no `match` and one `?`, so what rustc checks per struct
//! grows by one line per field. A value reaches its slot through one dynamic call, nothing
//! erased or boxed.
//!
//! Decoding is what the derive gives for the attributes the generator used: keys renamed,
//! unknown keys skipped, an absent or `null` optional field `None`, an absent required one an
//! error naming it, objects only (an object schema is never sent as an array). A key sent
//! twice keeps its last value, as `serde_json::Value` does. Values decode straight from the
//! deserializer, as fast as the derive.

mod keys;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess};
use serde::Deserialize;

use keys::FieldIndex;
pub use serde::de::{Deserializer, Visitor};

/// Where one field's value goes while its object is read from `A`.
pub trait Slot<'de, A: MapAccess<'de>> {
    /// Reads the value of the key just read.
    fn read(&mut self, map: &mut A) -> Result<(), A::Error>;
    /// The wire name of a required field the object did not have.
    fn missing(&self) -> Option<&'static str>;
}

/// A required field: absent is an error naming it.
pub struct Required<T> {
    wire_name: &'static str,
    value: Option<T>,
}

impl<T> Required<T> {
    pub fn new(wire_name: &'static str) -> Self {
        Self { wire_name, value: None }
    }

    /// The decoded value, once [`read_object`] has succeeded.
    pub fn take(self) -> T {
        match self.value {
            Some(value) => value,
            // `read_object` returns `missing_field` for every required slot it leaves empty, and
            // a generated `Deserialize` takes its slots only after `read_object` succeeded.
            None => unreachable!("the required field `{}` was checked present by `read_object`", self.wire_name),
        }
    }
}

impl<'de, A: MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Required<T> {
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.value = Some(map.next_value()?);
        Ok(())
    }

    fn missing(&self) -> Option<&'static str> {
        self.value.is_none().then_some(self.wire_name)
    }
}

/// An optional (or nullable) field of type `Option<T>`: absent and `null` are both `None`.
pub struct Optional<T>(Option<T>);

impl<T> Optional<T> {
    #[allow(clippy::new_without_default)] // named like `Required::new` in generated code
    pub fn new() -> Self {
        Self(None)
    }

    pub fn take(self) -> Option<T> {
        self.0
    }
}

impl<'de, A: MapAccess<'de>, T: Deserialize<'de>> Slot<'de, A> for Optional<T> {
    /// `null` is `None`.
    fn read(&mut self, map: &mut A) -> Result<(), A::Error> {
        self.0 = map.next_value()?;
        Ok(())
    }

    fn missing(&self) -> Option<&'static str> {
        None
    }
}

/// Reads the rest of an object from `map` into `slots`, one per name in `wire_names` and in
/// that order; keys not among the names are skipped. Then the error the derive gives for the
/// first required field absent.
pub fn read_object<'de, A: MapAccess<'de>>(
    map: &mut A,
    wire_names: &'static [&'static str],
    slots: &mut [&mut dyn Slot<'de, A>],
) -> Result<(), A::Error> {
    let keys = FieldIndex(wire_names);
    while let Some(index) = map.next_key_seed(keys)? {
        match slots.get_mut(index) {
            Some(slot) => slot.read(map)?,
            None => {
                map.next_value::<IgnoredAny>()?;
            }
        }
    }
    match slots.iter().find_map(|slot| slot.missing()) {
        Some(wire_name) => Err(de::Error::missing_field(wire_name)),
        None => Ok(()),
    }
}

/// What a struct's visitor says it expected when given something other than an object.
pub fn expecting_object(f: &mut fmt::Formatter<'_>, schema: &str) -> fmt::Result {
    write!(f, "an object (the schema `{schema}`)")
}
