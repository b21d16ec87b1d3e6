//! Validating a value against a response schema of the spec with the `jsonschema` crate.
//!
//! OpenAPI 3.0 and Swagger 2.0 schemas are a dialect of JSON Schema draft 4 (`$ref` hides its
//! siblings, `exclusiveMinimum` is a boolean) plus `nullable` (`x-nullable` in 2.0), which no
//! draft knows: each `nullable: true` schema `S` becomes `{"anyOf": [S, {"type": "null"}]}` and
//! the document is validated as draft 4. A wrapper rather than adding `"null"` to `type`, so a
//! nullable `allOf`/`$ref`/`enum` lets null through too. OpenAPI 3.1 schemas are draft 2020-12
//! as written. `format`s are asserted: an example with a malformed date is not a valid example.

use jsonschema::{Draft, Registry, Validator};
use serde_json::{json, Map, Value};

/// Where the response schemas are put in the registered copy of the document, so their
/// `$ref`s (`#/components/schemas/…`, `#/definitions/…`) resolve against the document itself.
const SLOT: &str = "x-fidelity-schemas";
const BASE: &str = "urn:fidelity:spec";

/// One validator per distinct schema.
pub struct Schemas {
    validators: Vec<Option<Validator>>,
    /// Why a schema could not be compiled (reported, and its examples count as not valid).
    pub errors: Vec<(usize, String)>,
    distinct: Vec<Value>,
}

impl Schemas {
    pub fn new(tree: &Value, schemas: &[&Value]) -> Result<Schemas, String> {
        let mut distinct: Vec<Value> = Vec::new();
        for schema in schemas {
            if !distinct.contains(schema) {
                distinct.push((*schema).clone());
            }
        }
        let openapi31 = tree.get("openapi").and_then(Value::as_str).is_some_and(|v| v.starts_with("3.1"));
        let draft = if openapi31 { Draft::Draft202012 } else { Draft::Draft4 };
        let mut doc = tree.clone();
        if let Value::Object(root) = &mut doc {
            root.insert(SLOT.to_owned(), Value::Array(distinct.clone()));
        }
        if !openapi31 {
            nullable_as_any_of(&mut doc);
        }
        let registry = Registry::new()
            .draft(draft)
            .add(BASE, draft.create_resource(doc))
            .and_then(|b| b.prepare())
            .map_err(|e| format!("cannot register the spec as a schema document: {e}"))?;
        let mut validators = Vec::new();
        let mut errors = Vec::new();
        for i in 0..distinct.len() {
            let root = json!({ "$ref": format!("{BASE}#/{SLOT}/{i}") });
            let built = jsonschema::options()
                .with_draft(draft)
                .with_registry(&registry)
                .should_validate_formats(true)
                .build(&root);
            match built {
                Ok(v) => validators.push(Some(v)),
                Err(e) => {
                    errors.push((i, e.to_string()));
                    validators.push(None);
                }
            }
        }
        Ok(Schemas { validators, errors, distinct })
    }

    /// `Ok` when `value` is valid against `schema`; else the first error with its location.
    pub fn validate(&self, schema: &Value, value: &Value) -> Result<(), String> {
        let index = self.distinct.iter().position(|s| s == schema).ok_or("schema not registered")?;
        let Some(validator) = &self.validators[index] else { return Err("schema does not compile".to_owned()) };
        match validator.iter_errors(value).next() {
            None => Ok(()),
            Some(e) => Err(format!("at {:?}: {}", e.instance_path().to_string(), truncate(&e.to_string()))),
        }
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn nullable_as_any_of(node: &mut Value) {
    match node {
        Value::Array(items) => items.iter_mut().for_each(nullable_as_any_of),
        Value::Object(map) => {
            map.values_mut().for_each(nullable_as_any_of);
            let flagged = |key: &str| map.get(key) == Some(&Value::Bool(true));
            if flagged("nullable") || flagged("x-nullable") {
                let mut rest: Map<String, Value> = std::mem::take(map);
                rest.remove("nullable");
                rest.remove("x-nullable");
                map.insert("anyOf".to_owned(), json!([Value::Object(rest), {"type": "null"}]));
            }
        }
        _ => {}
    }
}
