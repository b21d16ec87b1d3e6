use serde::Deserialize;

use super::*;

/// Written as the generator writes a struct: one required field, one optional, one renamed,
/// one nested struct.
#[derive(Debug, PartialEq)]
struct Item {
    id: String,
    title: Option<String>,
    created_at: Option<u64>,
    parent: Option<Box<Item>>,
}

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemFields;
        impl<'de> Visitor<'de> for ItemFields {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                expecting_object(f, "#/components/schemas/Item")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut id = Required::<String>::new("id");
                let mut title = Optional::<String>::new();
                let mut created_at = Optional::<u64>::new();
                let mut parent = Optional::<Box<Item>>::new();
                let names = &["id", "title", "createdAt", "parent"];
                read_object(&mut map, names, &mut [&mut id, &mut title, &mut created_at, &mut parent])?;
                Ok(Item { id: id.take(), title: title.take(), created_at: created_at.take(), parent: parent.take() })
            }
        }
        deserializer.deserialize_map(ItemFields)
    }
}

fn item(id: &str, title: Option<&str>, created_at: Option<u64>) -> Item {
    Item { id: id.into(), title: title.map(Into::into), created_at, parent: None }
}

fn decode(json: &str) -> Result<Item, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn keys_by_wire_name_unknown_skipped_absent_and_null_optional_are_none() {
    let decoded = decode(r#"{"extra":{"deep":[1,2]},"createdAt":7,"id":"a","title":null}"#);
    assert_eq!(decoded, Ok(item("a", None, Some(7))));
    assert_eq!(decode(r#"{"id":"b"}"#), Ok(item("b", None, None)));
    assert_eq!(decode(r#"{"id":"a","id":"c"}"#).map(|i| i.id), Ok("c".into()), "the last value kept");
    let nested = decode(r#"{"id":"a","parent":{"id":"p","title":"up"}}"#);
    assert_eq!(nested.map(|i| i.parent), Ok(Some(Box::new(item("p", Some("up"), None)))));
}

#[test]
fn errors_name_the_missing_field_the_wrong_type_and_the_schema_with_one_position() {
    let missing = decode(r#"{"title":"t"}"#).unwrap_err();
    assert_eq!(missing, "missing field `id` at line 1 column 13");
    let wrong = decode(r#"{"id":"a","createdAt":"soon"}"#).unwrap_err();
    assert_eq!(wrong, "invalid type: string \"soon\", expected u64 at line 1 column 28");
    let deep = decode(r#"{"id":"a","parent":{"id":"p","parent":{"id":5}}}"#).unwrap_err();
    assert_eq!(deep, "invalid type: integer `5`, expected a string at line 1 column 45");
    let deep_missing = decode(r#"{"id":"a","parent":{"title":"t"}}"#).unwrap_err();
    assert_eq!(deep_missing, "missing field `id` at line 1 column 32");
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
    let decoded: Either = serde_json::from_str(r#"{"id":"x"}"#).unwrap_or(Either::Other(vec![]));
    assert_eq!(decoded, Either::Item(item("x", None, None)));
    let other: Result<Either, _> = serde_json::from_str("[1,2]");
    assert_eq!(other.ok(), Some(Either::Other(vec![1, 2])), "an array is not taken for an object");
}
