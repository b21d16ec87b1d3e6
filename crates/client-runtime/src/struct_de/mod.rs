//! What generated structs decode with. A generated struct's `Deserialize` names one slot per
//! field and calls [`object`]; everything generic over the deserializer is here, written once.
//! `#[derive(Deserialize)]` writes that generic code again for every struct (a field enum with
//! its own visitor, a visitor for arrays, duplicate checks), and even a written-out `visit_map`
//! per struct is a generic function rustc checks again for each: most of what a crate of two
//! thousand schemas cost to check. Each field's value reaches its slot through `erased_serde`,
//! so a slot is compiled once per field type, not once per field type and deserializer.
//!
//! Decoding is what the derive gives for the attributes the generator used: keys renamed,
//! unknown keys skipped, an absent or `null` optional field `None`, an absent required one an
//! error naming it, objects only (an object schema is never sent as an array). A key sent
//! twice keeps its last value, as `serde_json::Value` does. A value's error is the
//! deserializer's own (its message and, for JSON, its position), not a copy of its text.

mod capture;
mod keys;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use keys::FieldIndex;

/// Where one field's value goes while its object is read.
pub trait Slot<'de> {
    /// Decodes the field's value into the slot.
    fn fill(&mut self, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error>;
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

impl<'de, T: Deserialize<'de>> Slot<'de> for Required<T> {
    fn fill(&mut self, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error> {
        self.value = Some(erased_serde::deserialize(value)?);
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

impl<'de, T: Deserialize<'de>> Slot<'de> for Optional<T> {
    fn fill(&mut self, value: &mut dyn erased_serde::Deserializer<'de>) -> Result<(), erased_serde::Error> {
        self.0 = erased_serde::deserialize(value)?;
        Ok(())
    }

    fn missing(&self) -> Option<&'static str> {
        None
    }
}

/// Reads an object into `slots`, matched to the keys by position in `wire_names` (one slot per
/// name, in order). `schema` is the pointer an error names when the value is not an object.
pub fn object<'de, D: Deserializer<'de>>(
    deserializer: D,
    schema: &'static str,
    wire_names: &'static [&'static str],
    slots: &mut [&mut dyn Slot<'de>],
) -> Result<(), D::Error> {
    deserializer.deserialize_map(ObjectVisitor { schema, keys: FieldIndex(wire_names), slots })
}

struct ObjectVisitor<'a, 'b, 'de> {
    schema: &'static str,
    keys: FieldIndex,
    slots: &'a mut [&'b mut dyn Slot<'de>],
}

impl<'de> Visitor<'de> for ObjectVisitor<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object (the schema `{}`)", self.schema)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(index) = map.next_key_seed(self.keys)? {
            match self.slots.get_mut(index) {
                Some(slot) => map.next_value_seed(Fill(&mut **slot))?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match self.slots.iter().find_map(|slot| slot.missing()) {
            Some(wire_name) => Err(de::Error::missing_field(wire_name)),
            None => Ok(()),
        }
    }
}

/// One value into one slot.
struct Fill<'a, 'de>(&'a mut dyn Slot<'de>);

impl<'de> DeserializeSeed<'de> for Fill<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let mut original = None;
        let filled = self
            .0
            .fill(&mut <dyn erased_serde::Deserializer>::erase(capture::Capture::new(deserializer, &mut original)));
        // The deserializer's own error when it made one; an error of the erasure itself (none
        // is known) by its text.
        filled.map_err(|erased| original.take().unwrap_or_else(|| de::Error::custom(erased)))
    }
}
