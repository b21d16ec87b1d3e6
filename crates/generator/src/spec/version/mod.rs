//! The version step before `openapiv3` parses: OpenAPI 3.1 and Swagger 2.0 documents become
//! the OpenAPI 3.0 shape the model reads, at the JSON-value level. What 3.0 cannot say is kept
//! as `x-` extensions (`x-const`, `x-prefix-items`, `x-body-name`, …) so the model can still
//! tell; what the step drops is reported as a [`Warning`] naming it; what it cannot hold is a
//! [`Refusal`] at the node's pointer in the original document.
//!
//! The converted tree's pointers differ from the original's where nodes move (`definitions` →
//! `components/schemas`, a body parameter → `requestBody`, a `$ref` with siblings → `allOf`), so
//! [`Origin`] keeps a map from converted to original pointers and every later error is
//! translated through it.

mod swagger2;
mod v31;

pub use v31::TUPLE_ITEMS;

use serde_json::Value;

use super::Pointer;

/// The version a document was written in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    #[default]
    OpenApi30,
    OpenApi31,
    Swagger2,
}

/// Something the version step dropped, at its pointer in the original document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub pointer: String,
    pub message: String,
}

/// A node the version step cannot hold, at its pointer in the original document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub pointer: String,
    pub message: String,
}

impl Refusal {
    pub fn at(pointer: &Pointer, message: impl Into<String>) -> Self {
        Self { pointer: pointer.to_string(), message: message.into() }
    }
}

/// Where a document came from: its version, what was dropped, and where converted nodes were.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub source: Source,
    pub warnings: Vec<Warning>,
    /// Operations the tolerant loader gave up (see [`super::repair`]).
    pub skipped: Vec<crate::model::Skipped>,
    /// (converted pointer prefix, original pointer prefix), both `#/...`.
    moves: Vec<(String, String)>,
}

impl Origin {
    fn new(source: Source) -> Self {
        Self { source, warnings: Vec::new(), skipped: Vec::new(), moves: Vec::new() }
    }

    fn warn(&mut self, at: &Pointer, message: impl Into<String>) {
        self.warnings.push(Warning { pointer: at.to_string(), message: message.into() });
    }

    /// Records that the node now at `converted` was at `original`.
    fn moved(&mut self, converted: &Pointer, original: &Pointer) {
        let (converted, original) = (converted.to_string(), original.to_string());
        if converted != original {
            self.moves.push((converted, original));
        }
    }

    /// The pointer in the original document of a node of the converted one (`#`-prefixed or
    /// empty, as [`SpecError`](super::SpecError) holds them).
    pub fn original(&self, converted: &str) -> String {
        let best = self
            .moves
            .iter()
            .filter(|(from, _)| {
                converted.strip_prefix(from.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|(from, _)| from.len());
        match best {
            Some((from, to)) => format!("{to}{}", &converted[from.len()..]),
            None => converted.to_owned(),
        }
    }
}

/// Detects the document's version and brings it to the OpenAPI 3.0 shape.
pub fn normalize(tree: Value) -> Result<(Value, Origin), Refusal> {
    let root = Pointer::root();
    if let Some(version) = tree.get("openapi") {
        let Some(version) = version.as_str() else {
            return Err(Refusal::at(&root.push("openapi"), "the `openapi` version must be a string such as \"3.1.0\""));
        };
        if version.starts_with("3.0.") || version == "3.0" {
            return Ok((tree, Origin::new(Source::OpenApi30)));
        }
        if version.starts_with("3.1.") || version == "3.1" {
            return v31::convert(tree);
        }
        return Err(Refusal::at(
            &root.push("openapi"),
            format!("OpenAPI {version} is not supported; only 3.0.x, 3.1.x and Swagger 2.0 are"),
        ));
    }
    if let Some(version) = tree.get("swagger") {
        return match version.as_str() {
            Some("2.0") => swagger2::convert(tree),
            _ => Err(Refusal::at(
                &root.push("swagger"),
                format!("Swagger {version} is not supported; only Swagger \"2.0\" and OpenAPI 3.0/3.1 are"),
            )),
        };
    }
    Err(Refusal::at(&root, "not an OpenAPI document: no `openapi` or `swagger` version field"))
}

/// The object at `value`, or a refusal naming what it should have been.
fn object<'a>(
    value: &'a mut Value,
    at: &Pointer,
    what: &str,
) -> Result<&'a mut serde_json::Map<String, Value>, Refusal> {
    value.as_object_mut().ok_or_else(|| Refusal::at(at, format!("{what} must be an object")))
}

/// Rewrites every `$ref` string in `value` through `rewrite` (which returns `None` to keep it).
fn rewrite_refs(value: &mut Value, rewrite: &dyn Fn(&str) -> Option<String>) {
    rewrite_refs_in(value, rewrite, false);
}

/// `names`: the map's keys are names (of properties, definitions), not keywords, so a property
/// called `example` (Kubernetes' JSONSchemaProps) is a schema like any other.
fn rewrite_refs_in(value: &mut Value, rewrite: &dyn Fn(&str) -> Option<String>, names: bool) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::String(target) if key == "$ref" && !names => {
                        if let Some(new) = rewrite(target) {
                            *target = new;
                        }
                    }
                    // Examples are data, not references; extensions are their authors' business.
                    _ if !names && (key == "examples" || super::refs::is_opaque(key)) => {}
                    _ => rewrite_refs_in(child, rewrite, !names && super::refs::NAME_MAPS.contains(&key.as_str())),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs_in(item, rewrite, false)),
        _ => {}
    }
}

/// One token of a `#/...` pointer, unescaped (`~1` → `/`, `~0` → `~`, percent-decoding aside).
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_map_back_through_the_longest_move() {
        let mut origin = Origin::new(Source::Swagger2);
        let root = Pointer::root();
        origin.moved(&root.push("components").push("schemas"), &root.push("definitions"));
        origin.moved(&root.push("components").push("schemas").push("A").push("allOf").push("0"), &root.push("x"));
        assert_eq!(origin.original("#/components/schemas/B/properties/c"), "#/definitions/B/properties/c");
        assert_eq!(origin.original("#/components/schemas/A/allOf/0/type"), "#/x/type");
        assert_eq!(origin.original("#/components/schemasX"), "#/components/schemasX");
        assert_eq!(origin.original(""), "");
    }

    #[test]
    fn unknown_versions_are_refused_at_their_field() {
        let refusal = normalize(serde_json::json!({"openapi": "4.0.0"})).map(|_| ()).unwrap_err();
        assert_eq!(refusal.pointer, "#/openapi");
        let refusal = normalize(serde_json::json!({"swagger": "1.2"})).map(|_| ()).unwrap_err();
        assert_eq!(refusal.pointer, "#/swagger");
        assert!(normalize(serde_json::json!({"info": {}})).is_err());
    }
}
