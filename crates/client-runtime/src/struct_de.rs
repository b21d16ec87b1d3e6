//! What generated structs decode with. `#[derive(Deserialize)]` writes, for every struct, a
//! field enum with its own visitor (keys as text, bytes and numbers), a visitor for JSON arrays
//! and duplicate-key checks: most of what rustc spends on a large generated crate. A generated
//! struct instead matches its keys by position in one list of names, through the one generic
//! seed here, and takes objects only (an object schema is never sent as an array).
//!
//! Decoding is what the derive gives for the attributes the generator used: keys renamed,
//! unknown keys skipped, an absent or `null` optional field `None`, an absent required one an
//! error naming it. A key sent twice keeps its last value, as `serde_json::Value` does.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, Visitor};

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

/// A required field's value, or the error the derive gives when it is absent.
pub fn required<T, E: de::Error>(value: Option<T>, wire_name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(wire_name))
}

/// What a struct's visitor says it expected when given something other than an object.
pub fn expecting_object(f: &mut fmt::Formatter<'_>, schema: &str) -> fmt::Result {
    write!(f, "an object (the schema `{schema}`)")
}

#[cfg(test)]
mod tests {
    use serde::de::{IgnoredAny, MapAccess};
    use serde::Deserialize;

    use super::*;

    /// Written as the generator writes a struct: one required field, one optional, one renamed.
    #[derive(Debug, PartialEq)]
    struct Item {
        id: String,
        title: Option<String>,
        created_at: Option<u64>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Fields;
            impl<'de> Visitor<'de> for Fields {
                type Value = Item;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    expecting_object(f, "#/components/schemas/Item")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                    let (mut id, mut title, mut created_at) = (None, None, None);
                    while let Some(key) = map.next_key_seed(FieldIndex(&["id", "title", "createdAt"]))? {
                        match key {
                            0 => id = Some(map.next_value()?),
                            1 => title = map.next_value()?,
                            2 => created_at = map.next_value()?,
                            _ => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        }
                    }
                    Ok(Item { id: required(id, "id")?, title, created_at })
                }
            }
            deserializer.deserialize_map(Fields)
        }
    }

    fn decode(json: &str) -> Result<Item, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn keys_by_wire_name_unknown_skipped_absent_and_null_optional_are_none() {
        let item = decode(r#"{"extra":{"deep":[1,2]},"createdAt":7,"id":"a","title":null}"#);
        assert_eq!(item, Ok(Item { id: "a".into(), title: None, created_at: Some(7) }));
        assert_eq!(decode(r#"{"id":"b"}"#), Ok(Item { id: "b".into(), title: None, created_at: None }));
        assert_eq!(decode(r#"{"id":"a","id":"c"}"#).map(|i| i.id), Ok("c".into()), "the last value kept");
    }

    #[test]
    fn errors_name_the_missing_field_the_wrong_type_and_the_schema() {
        let missing = decode(r#"{"title":"t"}"#).unwrap_err();
        assert!(missing.starts_with("missing field `id`"), "{missing}");
        let wrong = decode(r#"{"id":"a","createdAt":"soon"}"#).unwrap_err();
        assert!(wrong.contains("invalid type: string \"soon\", expected u64"), "{wrong}");
        let array = decode(r#"["a", null, 7]"#).unwrap_err();
        assert!(array.contains("expected an object (the schema `#/components/schemas/Item`)"), "{array}");
    }

    #[test]
    fn keys_read_from_buffered_content_as_untagged_unions_do() {
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Item(Item),
            Other(Vec<u8>),
        }
        let item: Either = serde_json::from_str(r#"{"id":"x"}"#).unwrap_or(Either::Other(vec![]));
        assert_eq!(item, Either::Item(Item { id: "x".into(), title: None, created_at: None }));
        let other: Result<Either, _> = serde_json::from_str("[1,2]");
        assert_eq!(other.ok(), Some(Either::Other(vec![1, 2])), "an array is not taken for an object");
    }
}
