//! The parts of a Swagger 2.0 document that convert on their own: schemas, security
//! definitions, servers, media type lists.

use serde_json::{json, Map, Value};

use super::super::{object, Pointer, Refusal};

/// `host` + `basePath` under each of `schemes` (https first); only `basePath` without a host.
pub(super) fn servers(doc: &Map<String, Value>) -> Option<Value> {
    let base = doc.get("basePath").and_then(Value::as_str).unwrap_or_default().trim_end_matches('/');
    let Some(host) = doc.get("host").and_then(Value::as_str) else {
        return (!base.is_empty()).then(|| json!([{ "url": base }]));
    };
    let mut schemes: Vec<&str> = doc
        .get("schemes")
        .and_then(Value::as_array)
        .map(|s| s.iter().filter_map(Value::as_str).filter(|s| matches!(*s, "http" | "https")).collect())
        .unwrap_or_default();
    schemes.sort_by_key(|s| *s != "https");
    if schemes.is_empty() {
        schemes.push("https");
    }
    Some(Value::Array(schemes.iter().map(|s| json!({ "url": format!("{s}://{host}{base}") })).collect()))
}

pub(super) fn media_types(value: Option<&Value>, at: &Pointer) -> Result<Vec<String>, Refusal> {
    let Some(value) = value else { return Ok(Vec::new()) };
    let list = value.as_array().ok_or_else(|| Refusal::at(at, "must be a list of media types"))?;
    list.iter()
        .map(|m| m.as_str().map(str::to_owned).ok_or_else(|| Refusal::at(at, "must be a list of media types")))
        .collect()
}

/// The media types of a body or response: the operation's, else the document's, else JSON.
pub(super) fn or_json(types: &[String]) -> Vec<String> {
    if types.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        types.to_vec()
    }
}

/// A Swagger schema in place: `x-nullable`, `type: file` and string discriminators; the rest of
/// 2.0's schema keywords mean the same in 3.0.
pub(super) fn schema_2to3(schema: &mut Value, at: &Pointer) -> Result<(), Refusal> {
    let map = object(schema, at, "a schema")?;
    if map.contains_key("$ref") {
        return Ok(());
    }
    if map.remove("x-nullable") == Some(json!(true)) {
        map.insert("nullable".into(), json!(true));
    }
    type_list(map);
    if map.get("type") == Some(&json!("file")) {
        map.insert("type".into(), json!("string"));
        map.insert("format".into(), json!("binary"));
    }
    if let Some(Value::String(property)) = map.get("discriminator") {
        let discriminator = json!({ "propertyName": property });
        map.insert("discriminator".into(), discriminator);
    }
    // Draft 4 applies `items` only to arrays, and Slack writes `items: [A, B]` with no
    // `type: array` where the value is one of A, B (a conversation: an object in every example):
    // read as a list, it would never decode.
    let one_of_items =
        map.get("items").is_some_and(Value::is_array) && !map.contains_key("type") && !map.contains_key("oneOf");
    for (key, child) in map.iter_mut() {
        let at = at.push(key);
        match key.as_str() {
            "properties" => {
                for (name, property) in object(child, &at, "properties")?.iter_mut() {
                    schema_2to3(property, &at.push(name))?;
                }
            }
            "items" if child.is_array() => tuple_items(child, &at)?,
            "items" | "not" => schema_2to3(child, &at)?,
            "additionalProperties" if child.is_object() => schema_2to3(child, &at)?,
            "allOf" => {
                let members = child.as_array_mut().ok_or_else(|| Refusal::at(&at, "`allOf` must be a list"))?;
                for (i, member) in members.iter_mut().enumerate() {
                    schema_2to3(member, &at.push(&i.to_string()))?;
                }
            }
            _ => {}
        }
    }
    if one_of_items {
        match map.remove("items") {
            Some(Value::Object(mut items)) if items.len() == 1 && items.contains_key("oneOf") => {
                // Draft 4 checks none of them on a value that is not a list, so a last branch
                // takes any object (Slack's users lack fields its user schemas require).
                if let Some(Value::Array(mut branches)) = items.remove("oneOf") {
                    branches.push(json!({}));
                    map.insert("oneOf".into(), Value::Array(branches));
                }
            }
            Some(item) => match map.get_mut("allOf") {
                Some(Value::Array(members)) => members.push(item),
                _ => {
                    map.insert("allOf".into(), json!([item]));
                }
            },
            None => {}
        }
    }
    Ok(())
}

/// Draft 4's type list, which 2.0 leaves out but specs use (Slack's `type: [null, string]`):
/// `null` is `nullable`, one other type stays `type`, several become a `oneOf` of each.
fn type_list(map: &mut Map<String, Value>) {
    let Some(Value::Array(types)) = map.get("type") else { return };
    let names: Vec<String> = types.iter().filter_map(Value::as_str).map(str::to_owned).collect();
    let others: Vec<&String> = names.iter().filter(|t| *t != "null").collect();
    if others.len() < names.len() {
        map.insert("nullable".into(), json!(true));
    }
    match others.as_slice() {
        [] => {
            map.remove("type");
        }
        [one] => {
            map.insert("type".into(), json!(one));
        }
        several => {
            let branches: Vec<Value> = several.iter().map(|t| json!({ "type": t })).collect();
            map.remove("type");
            map.insert("oneOf".into(), Value::Array(branches));
        }
    }
}

/// Draft 4's tuple form, `items: [A, B]`: a list whose items are any of those schemas (3.0 has
/// no tuple), each converted; without `type: array`, the value itself is one of them.
fn tuple_items(items: &mut Value, at: &Pointer) -> Result<(), Refusal> {
    let Value::Array(list) = items else { return Ok(()) };
    let mut distinct: Vec<Value> = Vec::new();
    for (i, member) in list.iter_mut().enumerate() {
        schema_2to3(member, &at.push(&i.to_string()))?;
        if !distinct.contains(member) {
            distinct.push(member.clone());
        }
    }
    *items = match distinct.len() {
        0 => json!({}),
        1 => distinct.remove(0),
        _ => json!({ "oneOf": distinct }),
    };
    Ok(())
}

pub(super) fn security_scheme(scheme: &mut Value, at: &Pointer) -> Result<(), Refusal> {
    let map = object(scheme, at, "a security definition")?;
    let description = map.get("description").cloned();
    let kind = map.get("type").and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut converted = match kind.as_str() {
        "basic" => json!({ "type": "http", "scheme": "basic" }),
        "apiKey" => json!({ "type": "apiKey", "name": map.get("name"), "in": map.get("in") }),
        "oauth2" => {
            let flow = match map.get("flow").and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                Some("accessCode") => "authorizationCode",
                other => {
                    return Err(Refusal::at(
                        &at.push("flow"),
                        format!("OAuth2 flow {other:?} is not one of Swagger 2.0's"),
                    ))
                }
            };
            let mut details = Map::new();
            for key in ["authorizationUrl", "tokenUrl"] {
                if let Some(url) = map.get(key) {
                    details.insert(key.into(), url.clone());
                }
            }
            details.insert("scopes".into(), map.get("scopes").cloned().unwrap_or(json!({})));
            json!({ "type": "oauth2", "flows": { flow: details } })
        }
        other => {
            return Err(Refusal::at(&at.push("type"), format!("security type {other:?} is not one of Swagger 2.0's")))
        }
    };
    if let Some(description) = description {
        converted["description"] = description;
    }
    *scheme = converted;
    Ok(())
}
