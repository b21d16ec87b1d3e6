//! An object key as its position in a struct's wire names.

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};
use std::fmt;

/// Reads one object key as its position in a struct's wire names; a key not among them reads
/// as the number of names (to be skipped).
#[derive(Clone, Copy)]
pub struct FieldIndex(pub &'static [&'static str]);

impl FieldIndex {
    fn position(self, key: &[u8]) -> usize {
        self.0.iter().position(|name| name.as_bytes() == key).unwrap_or(self.0.len())
    }
}

impl<'de> DeserializeSeed<'de> for FieldIndex {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldIndex {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        Ok(self.position(key.as_bytes()))
    }
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<usize, E> {
        Ok(self.position(key))
    }
}
