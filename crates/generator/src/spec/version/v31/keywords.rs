//! Keyword-level rewrites of one 3.1 schema object into its 3.0 spelling.

use serde_json::{json, Map, Value};

use super::super::{Origin, Pointer, Refusal};

/// `examples` (a list in JSON Schema) → `example`; `const` → a one-value `enum`.
pub(super) fn annotations(map: &mut Map<String, Value>) {
    if let Some(examples) = map.remove("examples") {
        if let (false, Some(first)) = (map.contains_key("example"), examples.as_array().and_then(|e| e.first())) {
            map.insert("example".into(), first.clone());
        }
    }
    if let Some(constant) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([constant]));
        map.insert("x-const".into(), json!(true));
    }
}

/// `null` as an `enum` value or as a `oneOf`/`anyOf` member means `nullable: true`.
pub(super) fn nulls(map: &mut Map<String, Value>, orig: &Pointer, now: &Pointer, origin: &mut Origin) {
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        let before = values.len();
        values.retain(|v| !v.is_null());
        if values.len() < before {
            map.insert("nullable".into(), json!(true));
        }
    }
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else { continue };
        let is_null = |m: &Value| m.get("type").is_some_and(|t| *t == json!("null") || *t == json!(["null"]));
        if !members.iter().any(is_null) {
            continue;
        }
        let mut kept = Vec::new();
        for (i, member) in std::mem::take(members).into_iter().enumerate() {
            if !is_null(&member) {
                origin.moved(&now.push(key).push(&kept.len().to_string()), &orig.push(key).push(&i.to_string()));
                kept.push(member);
            }
        }
        *members = kept;
        map.insert("nullable".into(), json!(true));
    }
}

/// Which keywords go with which JSON type when a list of types becomes `oneOf`.
fn keyword_type(keyword: &str) -> Option<&'static [&'static str]> {
    Some(match keyword {
        "minLength" | "maxLength" | "pattern" | "contentEncoding" | "contentMediaType" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => &["number", "integer"],
        "format" => &["string", "number", "integer"],
        "items" | "prefixItems" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => &["object"],
        _ => return None,
    })
}

/// `type: [..]` or `type: "null"`: `null` becomes `nullable`; one other type stays `type`; more
/// become one branch each (returned, with their keywords moved out of `map`).
pub(super) fn split_types(map: &mut Map<String, Value>, orig: &Pointer) -> Result<Option<Vec<Value>>, Refusal> {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|t| t.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| Refusal::at(&orig.push("type"), "a list of types must hold strings"))?,
        _ => return Ok(None),
    };
    let others: Vec<String> = types.iter().filter(|t| *t != "null").cloned().collect();
    if others.len() < types.len() {
        map.insert("nullable".into(), json!(true));
    }
    match others.as_slice() {
        [] => {
            map.remove("type");
            return Ok(None);
        }
        [only] => {
            map.insert("type".into(), json!(only));
            return Ok(None);
        }
        _ => {}
    }
    map.remove("type");
    let enumeration = map.remove("enum");
    let mut branches: Vec<Map<String, Value>> =
        others.iter().map(|t| Map::from_iter([("type".into(), json!(t))])).collect();
    for key in map.keys().cloned().collect::<Vec<_>>() {
        let Some(for_types) = keyword_type(&key) else { continue };
        let Some(value) = map.remove(&key) else { continue };
        for (branch, ty) in branches.iter_mut().zip(&others) {
            if for_types.contains(&ty.as_str()) {
                branch.insert(key.clone(), value.clone());
            }
        }
    }
    if let Some(Value::Array(values)) = enumeration {
        for (branch, ty) in branches.iter_mut().zip(&others) {
            let mine: Vec<Value> = values.iter().filter(|v| json_type_is(v, ty)).cloned().collect();
            if !mine.is_empty() {
                branch.insert("enum".into(), Value::Array(mine));
            }
        }
    }
    Ok(Some(branches.into_iter().map(Value::Object).collect()))
}

fn json_type_is(value: &Value, ty: &str) -> bool {
    match ty {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// Numeric `exclusiveMinimum: 5` → `minimum: 5, exclusiveMinimum: true` (the stricter bound wins).
pub(super) fn numbers(map: &mut Map<String, Value>) {
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        let Some(bound) = map.get(exclusive).and_then(Value::as_f64) else { continue };
        let Some(raw) = map.remove(exclusive) else { continue };
        let lower = exclusive == "exclusiveMinimum";
        let stricter = match map.get(inclusive).and_then(Value::as_f64) {
            Some(current) => (lower && bound >= current) || (!lower && bound <= current),
            None => true,
        };
        if stricter {
            map.insert(inclusive.into(), raw);
            map.insert(exclusive.into(), json!(true));
        }
    }
}

/// `contentEncoding: base64` → `format: byte`; a non-text `contentMediaType` → `format: binary`.
pub(super) fn binary_strings(map: &mut Map<String, Value>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    let format = match (encoding.as_ref().and_then(Value::as_str), media.as_ref().and_then(Value::as_str)) {
        (Some("base64" | "base64url"), _) => Some("byte"),
        (Some(_), _) => None,
        (None, Some(m)) if !(m.starts_with("text/") || m.contains("json") || m.contains("xml")) => Some("binary"),
        _ => None,
    };
    if let Some(format) = format {
        map.entry("format").or_insert_with(|| json!(format));
    }
    if let Some(media) = media {
        map.insert("x-content-media-type".into(), media);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn the_stricter_numeric_bound_wins() {
        let mut lower = map(json!({"minimum": -5, "exclusiveMinimum": 0}));
        numbers(&mut lower);
        assert_eq!(Value::Object(lower), json!({"minimum": 0, "exclusiveMinimum": true}));
        let mut upper = map(json!({"maximum": 5, "exclusiveMaximum": 10}));
        numbers(&mut upper);
        assert_eq!(Value::Object(upper), json!({"maximum": 5}));
    }

    #[test]
    fn a_type_list_becomes_branches_with_their_own_keywords() {
        let mut schema = map(json!({
            "type": ["string", "integer", "null"],
            "enum": ["a", 1, null],
            "minLength": 1,
            "maximum": 9,
            "description": "kept outside",
        }));
        let branches = split_types(&mut schema, &Pointer::root()).ok().flatten();
        assert_eq!(
            branches,
            Some(vec![
                json!({"type": "string", "enum": ["a"], "minLength": 1}),
                json!({"type": "integer", "enum": [1], "maximum": 9}),
            ])
        );
        assert_eq!(Value::Object(schema), json!({"description": "kept outside", "nullable": true}));
    }

    #[test]
    fn null_members_and_values_mean_nullable() {
        let mut origin = Origin::default();
        let mut schema = map(json!({"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}]}));
        nulls(&mut schema, &Pointer::root(), &Pointer::root(), &mut origin);
        assert_eq!(Value::Object(schema), json!({"oneOf": [{"$ref": "#/components/schemas/A"}], "nullable": true}));
        // The member that moved up keeps its original place for errors.
        assert_eq!(origin.original("#/oneOf/0/x"), "#/oneOf/1/x");
    }

    #[test]
    fn encodings_become_formats() {
        let mut encoded = map(json!({"type": "string", "contentEncoding": "base64"}));
        binary_strings(&mut encoded);
        assert_eq!(Value::Object(encoded), json!({"type": "string", "format": "byte"}));
        let mut image = map(json!({"type": "string", "contentMediaType": "image/png"}));
        binary_strings(&mut image);
        assert_eq!(
            Value::Object(image),
            json!({"type": "string", "format": "binary", "x-content-media-type": "image/png"})
        );
    }
}
