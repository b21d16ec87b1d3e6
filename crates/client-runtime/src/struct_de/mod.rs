//! What generated structs decode with. A generated struct's `Deserialize` is one small
//! `visit_map`: a slot per field, one `match` from a key's position (in the struct's list of
//! wire names) to the slot that reads the value, one check that every required field came,
//! and the struct built from the slots. `#[derive(Deserialize)]` writes much more per struct (a
//! field enum with its own visitor, a visitor for arrays, a `?` and an error path per field):
//! most of what a crate of two thousand schemas cost to check. Slots and keys are generic code
//! here, written once.
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

pub use keys::FieldIndex;
pub use serde::de::{Deserializer, Visitor};

/// A slot that may be left empty by an object without its field.
pub trait Slot {
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

    /// The decoded value, once [`object`] has succeeded.
    pub fn take(self) -> T {
        match self.value {
            Some(value) => value,
            // `object` returns `missing_field` for every required slot it leaves empty, and a
            // generated `Deserialize` takes its slots only after `object` succeeded.
            None => unreachable!("the required field `{}` was checked present by `object`", self.wire_name),
        }
    }
}

impl<T> Required<T> {
    /// Reads the value of the key just read.
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        self.value = Some(map.next_value()?);
        Ok(())
    }
}

impl<T> Slot for Required<T> {
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

impl<T> Optional<T> {
    /// Reads the value of the key just read (`null` is `None`).
    pub fn read<'de, A: MapAccess<'de>>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        T: Deserialize<'de>,
    {
        self.0 = map.next_value()?;
        Ok(())
    }
}

impl<T> Slot for Optional<T> {
    fn missing(&self) -> Option<&'static str> {
        None
    }
}

/// Skips the value of a key the struct does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// After the last key: the error the derive gives for the first required field absent.
pub fn present<E: de::Error>(slots: &[&dyn Slot]) -> Result<(), E> {
    match slots.iter().find_map(|slot| slot.missing()) {
        Some(wire_name) => Err(E::missing_field(wire_name)),
        None => Ok(()),
    }
}

/// What a struct's visitor says it expected when given something other than an object.
pub fn expecting_object(f: &mut fmt::Formatter<'_>, schema: &str) -> fmt::Result {
    write!(f, "an object (the schema `{schema}`)")
}
