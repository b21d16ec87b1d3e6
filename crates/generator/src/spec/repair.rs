//! Tolerant loading: what does not parse costs the smallest unit of the document holding it.
//!
//! A vendor's spec is large and imperfect; one malformed node must not throw away the other
//! thousand operations. The loader is run on the document as written; when it stops at a node,
//! that node's unit is given up and the loader runs again on what is left:
//!
//! | where the node is                         | what is given up                              |
//! |-------------------------------------------|-----------------------------------------------|
//! | inside an operation (`paths/<p>/<method>`) | that operation, skipped whole                 |
//! | inside a path item, outside its operations | the path item's operations                    |
//! | inside a schema component / definition    | nothing but precision: the schema becomes `{}` |
//! | inside another component                  | that component (what uses it follows suit)    |
//! | in metadata (`info`, `tags`, `servers`, `externalDocs`, `webhooks`, `x-…`) | that node |
//!
//! Each costs one warning or one [`Skipped`] entry naming the node and the loader's reason.
//! Anything else (the version, the document's root) is still an error.

use serde_json::Value;

use super::Pointer;
use crate::model::Skipped;
use crate::spec::version::Warning;

/// How many nodes a document may lose before the loader gives up on it whole: far above any
/// real spec's count, it bounds the work on a document that is not an API description at all.
pub const MAX_REPAIRS: usize = 2_000;

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const METADATA: &[&str] = &["info", "tags", "servers", "externalDocs", "webhooks", "x-tagGroups"];

/// What giving up a node cost.
pub enum Loss {
    Skipped(Vec<Skipped>),
    Warning(Warning),
}

/// Gives up the unit holding the node at `pointer` (`#/…`, in the document as written);
/// `None` when no unit can be given up for it.
pub fn give_up(doc: &mut Value, pointer: &str, reason: &str) -> Option<Loss> {
    let at = Pointer::parse(pointer)?;
    let tokens: Vec<String> = at.tokens().collect();
    let first = tokens.first()?.as_str();
    match first {
        "paths" if tokens.len() >= 2 => {
            let path = &tokens[1];
            let item = doc.get_mut("paths")?.get_mut(path.as_str())?.as_object_mut()?;
            let methods: Vec<String> = match tokens.get(2) {
                Some(m) if METHODS.contains(&m.as_str()) => vec![m.clone()],
                _ => METHODS.iter().filter(|m| item.contains_key(**m)).map(|m| (*m).to_owned()).collect(),
            };
            let mut skipped = Vec::new();
            for method in &methods {
                let op = item.remove(method.as_str());
                let id = op.as_ref().and_then(|o| o.get("operationId")).and_then(Value::as_str).unwrap_or_default();
                let reason = reason.to_owned();
                let (method, path, pointer) = (method.to_uppercase(), path.clone(), pointer.to_owned());
                skipped.push(Skipped { id: id.to_owned(), method, path, pointer, reason });
            }
            if tokens.get(2).is_none_or(|m| !METHODS.contains(&m.as_str())) {
                // The fault is in the path item itself (its parameters): none of it is usable.
                doc.get_mut("paths")?.as_object_mut()?.remove(path.as_str());
            }
            (!skipped.is_empty()).then_some(Loss::Skipped(skipped))
        }
        "components" if tokens.len() >= 3 => {
            let (section, name) = (tokens[1].as_str(), tokens[2].as_str());
            let parent = doc.get_mut("components")?.get_mut(section)?.as_object_mut()?;
            schema_or_remove(parent, section == "schemas", name, pointer, reason)
        }
        // Swagger 2.0's shared sections.
        "definitions" | "parameters" | "responses" if tokens.len() >= 2 => {
            let parent = doc.get_mut(first)?.as_object_mut()?;
            schema_or_remove(parent, first == "definitions", &tokens[1], pointer, reason)
        }
        _ if METADATA.contains(&first) || first.starts_with("x-") => {
            let message = format!("{reason}; this metadata is left out");
            let removed = remove(doc, &tokens)?;
            removed.then(|| Loss::Warning(Warning { pointer: pointer.to_owned(), message }))
        }
        _ => None,
    }
}

fn schema_or_remove(
    parent: &mut serde_json::Map<String, Value>,
    is_schema: bool,
    name: &str,
    pointer: &str,
    reason: &str,
) -> Option<Loss> {
    let node = parent.get_mut(name)?;
    let message = if is_schema {
        if node.as_object().is_some_and(|o| o.is_empty()) {
            return None; // already given up: the fault is not in this schema
        }
        *node = Value::Object(serde_json::Map::new());
        format!("{reason}; the schema {name:?} is any JSON value (`serde_json::Value`) instead")
    } else {
        parent.remove(name);
        format!("{reason}; the component {name:?} is left out (what refers to it is given up too)")
    };
    Some(Loss::Warning(Warning { pointer: pointer.to_owned(), message }))
}

/// Removes the node at `tokens` (never the document's root, `info`'s required fields aside:
/// those become empty text). `Some(false)` when there was nothing to remove.
fn remove(doc: &mut Value, tokens: &[String]) -> Option<bool> {
    if let [info, field] = tokens {
        if info == "info" && (field == "title" || field == "version") {
            *doc.get_mut("info")?.get_mut(field.as_str())? = Value::String(String::new());
            return Some(true);
        }
    }
    let (last, parents) = tokens.split_last()?;
    let mut node = doc;
    for token in parents {
        node = match node {
            Value::Object(map) => map.get_mut(token.as_str())?,
            Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(match node {
        Value::Object(map) => map.remove(last.as_str()).is_some(),
        Value::Array(items) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    })
}

/// A deeper pointer for an error the typed parse reports at a container (`/paths`,
/// `/components/<section>`, the root): untagged enums (`$ref` or an item) lose the path inside
/// them, so each member is parsed alone to find the one at fault. `tree` is the normalised
/// document; the pointer returned is in its terms.
pub fn locate(tree: &Value, at: &str) -> Option<(String, String)> {
    let tokens: Vec<String> = Pointer::parse(&format!("#{at}"))?.tokens().collect();
    match tokens.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => ["paths", "components"].iter().find_map(|section| locate(tree, &format!("/{section}"))),
        ["paths"] => tree.get("paths")?.as_object()?.iter().find_map(|(path, item)| {
            let at = Pointer::root().push("paths").push(path);
            METHODS
                .iter()
                .filter_map(|m| item.get(*m).map(|op| (m, op)))
                .find_map(|(m, op)| probe::<openapiv3::Operation>(op, &at.push(m)))
                .or_else(|| probe::<openapiv3::PathItem>(item, &at))
        }),
        ["components"] => {
            let sections = tree.get("components")?.as_object()?;
            sections.keys().find_map(|section| locate(tree, &format!("/components/{section}")))
        }
        ["components", section] => {
            let members = tree.get("components")?.get(*section)?.as_object()?;
            members.iter().find_map(|(name, node)| {
                let at = Pointer::component(section, name);
                if node.get("$ref").is_some() {
                    return None;
                }
                match *section {
                    "schemas" => probe::<openapiv3::Schema>(node, &at),
                    "parameters" => probe::<openapiv3::Parameter>(node, &at),
                    "responses" => probe::<openapiv3::Response>(node, &at),
                    "requestBodies" => probe::<openapiv3::RequestBody>(node, &at),
                    "headers" => probe::<openapiv3::Header>(node, &at),
                    "securitySchemes" => probe::<openapiv3::SecurityScheme>(node, &at),
                    "examples" => probe::<openapiv3::Example>(node, &at),
                    "links" => probe::<openapiv3::Link>(node, &at),
                    _ => None,
                }
            })
        }
        _ => None,
    }
}

/// Where and why `node` does not parse as a `T`, if it does not.
fn probe<T: serde::de::DeserializeOwned>(node: &Value, at: &Pointer) -> Option<(String, String)> {
    let error = serde_path_to_error::deserialize::<_, T>(node).err()?;
    let inner = super::path_to_pointer(error.path());
    let pointer = format!("{}{}", at.to_string().trim_start_matches('#'), inner.trim_start_matches('#'));
    Some((format!("#{pointer}"), error.inner().to_string()))
}
