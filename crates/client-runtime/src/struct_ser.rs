//! What generated structs serialize with: a struct lists its fields as [`Field`]s and calls
//! [`object`], the one function generic over the serializer (see `struct_de` for why). Each
//! value goes through `erased_serde`; request bodies are small, and this costs a dynamic call
//! per field.

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// One field as written: its wire name, and its value unless it is left out.
pub struct Field<'a> {
    wire_name: &'static str,
    value: Option<&'a dyn erased_serde::Serialize>,
}

/// A field always written (a required one, or a required-but-nullable one, as `null`).
pub fn value<'a, T: Serialize>(wire_name: &'static str, value: &'a T) -> Field<'a> {
    Field { wire_name, value: Some(value) }
}

/// An optional field: left out when `None`.
pub fn optional<'a, T: Serialize>(wire_name: &'static str, value: &'a Option<T>) -> Field<'a> {
    Field { wire_name, value: value.as_ref().map(|v| v as &dyn erased_serde::Serialize) }
}

/// Writes `fields` as the struct `name` (an object, in JSON), in order.
pub fn object<S: Serializer>(serializer: S, name: &'static str, fields: &[Field<'_>]) -> Result<S::Ok, S::Error> {
    let written = fields.iter().filter(|f| f.value.is_some()).count();
    let mut object = serializer.serialize_struct(name, written)?;
    for field in fields {
        match field.value {
            Some(value) => object.serialize_field(field.wire_name, value)?,
            None => object.skip_field(field.wire_name)?,
        }
    }
    object.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        id: String,
        title: Option<String>,
        parent: Option<u64>,
    }

    impl Serialize for Item {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            object(
                serializer,
                "Item",
                &[value("id", &self.id), optional("title", &self.title), value("parentId", &self.parent)],
            )
        }
    }

    #[test]
    fn optional_none_is_left_out_a_nullable_one_is_null_names_are_the_wire_names() {
        let item = Item { id: "a".into(), title: None, parent: None };
        assert_eq!(serde_json::to_string(&item).ok().as_deref(), Some(r#"{"id":"a","parentId":null}"#));
        let item = Item { id: "b".into(), title: Some("T".into()), parent: Some(7) };
        assert_eq!(serde_json::to_string(&item).ok().as_deref(), Some(r#"{"id":"b","title":"T","parentId":7}"#));
    }

    #[test]
    fn a_value_that_cannot_be_written_is_the_serializers_error() {
        struct Nested(std::collections::BTreeMap<Vec<u8>, u8>);
        impl Serialize for Nested {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                object(serializer, "Nested", &[value("map", &self.0)])
            }
        }
        let err = serde_json::to_string(&Nested([(vec![1], 1)].into())).unwrap_err().to_string();
        assert!(err.contains("key must be a string"), "{err}");
    }
}
