//! OpenAPI 3.1 → the 3.0 shape. The document's structure is the same; its schemas are full JSON
//! Schema 2020-12, so most of the work is there ([`Schemas::schema`]).

use std::collections::{BTreeMap, BTreeSet};

mod keywords;

use serde_json::{json, Map, Value};

use self::keywords::{annotations, binary_strings, nulls, numbers, split_types};
use super::{object, rewrite_refs, Origin, Pointer, Refusal, Source};

/// Where a closed tuple's item schemas travel to the model (see `Schemas::tuple`).
pub const TUPLE_ITEMS: &str = "x-tuple-items";
/// Marks, between two steps of the conversion, a `prefixItems` whose `items: false` was removed.
const CLOSED: &str = "x-closed-tuple";
/// The longest tuple serde (and so the generated code) supports.
const MAX_TUPLE: usize = 16;

pub(super) fn convert(mut tree: Value) -> Result<(Value, Origin), Refusal> {
    let root = Pointer::root();
    let mut cx = Schemas { origin: Origin::new(Source::OpenApi31), hoisted: Vec::new(), refs: BTreeMap::new() };
    let doc = object(&mut tree, &root, "the document")?;
    drop_mutual_tls(doc, &mut cx.origin);
    let version = doc.insert("openapi".into(), json!("3.0.3"));
    doc.insert("x-openapi-source".into(), version.unwrap_or(Value::Null));
    // The dialect only matters to JSON Schema validators; the model reads the keywords.
    doc.remove("jsonSchemaDialect");
    if let Some(hooks) = doc.remove("webhooks") {
        let names = keys(&hooks);
        cx.origin.warn(&root.push("webhooks"), format!("webhooks ignored ({names}): they describe calls to the user"));
    }
    doc.entry("paths").or_insert_with(|| json!({}));
    let path_items = doc.get_mut("components").and_then(Value::as_object_mut).and_then(|c| c.remove("pathItems"));
    let mut taken: BTreeSet<String> = doc
        .get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(defs) = doc.remove("$defs") {
        cx.hoist(defs, &root.push("$defs"), &mut taken)?;
    }
    let mut inlined = BTreeSet::new();
    if let Some(items) = &path_items {
        inlined = inline_path_items(doc, items, &mut cx, &mut taken)?;
        let at = root.push("components").push("pathItems");
        cx.origin
            .warn(&at, format!("components/pathItems ignored ({}), except where paths refer to them", keys(items)));
    }
    // Every schema position; a schema's inside is `Schemas::schema`'s business.
    for (key, value) in doc.iter_mut() {
        if key == "paths" {
            let at = root.push(key);
            for (path, item) in object(value, &at, "paths")?.iter_mut() {
                // 3.1 made `responses` optional.
                for method in METHODS {
                    if let Some(operation) = item.get_mut(*method).and_then(Value::as_object_mut) {
                        operation.entry("responses").or_insert_with(|| json!({}));
                    }
                }
                // The inlined ones are converted already.
                if !inlined.contains(path) {
                    walk(item, &at.push(path), &at.push(path), &mut cx, &mut taken)?;
                }
            }
        } else if key == "components" {
            let at = root.push(key);
            let components = object(value, &at, "components")?;
            for (section, entries) in components.iter_mut() {
                let at = at.push(section);
                if section == "schemas" {
                    for (name, schema) in object(entries, &at, "components/schemas")?.iter_mut() {
                        let at = at.push(name);
                        cx.schema(schema, &at, &at, &mut taken)?;
                    }
                } else if !section.starts_with("x-") {
                    walk(entries, &at, &at, &mut cx, &mut taken)?;
                }
            }
        }
    }
    let Schemas { mut origin, hoisted, refs } = cx;
    if !hoisted.is_empty() {
        let components = doc.entry("components").or_insert_with(|| json!({}));
        let components = object(components, &root.push("components"), "components")?;
        let schemas = components.entry("schemas").or_insert_with(|| json!({}));
        let schemas = object(schemas, &root.push("components").push("schemas"), "components/schemas")?;
        for (name, schema) in hoisted {
            schemas.insert(name, schema);
        }
    }
    if !refs.is_empty() {
        rewrite_refs(&mut tree, &|target| refs.get(target).cloned());
    }
    origin.warnings.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    Ok((tree, origin))
}

/// A path item that is `$ref: '#/components/pathItems/X'` becomes a copy of X.
fn inline_path_items(
    doc: &mut Map<String, Value>,
    items: &Value,
    cx: &mut Schemas,
    taken: &mut BTreeSet<String>,
) -> Result<BTreeSet<String>, Refusal> {
    let root = Pointer::root();
    let mut inlined = BTreeSet::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return Ok(inlined) };
    for (path, item) in paths.iter_mut() {
        let target = item.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/pathItems/"));
        let Some(name) = target.map(super::unescape) else { continue };
        let now = root.push("paths").push(path);
        let orig = root.push("components").push("pathItems").push(&name);
        let mut copy = items
            .get(&name)
            .cloned()
            .ok_or_else(|| Refusal::at(&now, format!("$ref to components/pathItems/{name}, which does not exist")))?;
        walk(&mut copy, &orig, &now, cx, taken)?;
        cx.origin.moved(&now, &orig);
        *item = copy;
        inlined.insert(path.clone());
    }
    Ok(inlined)
}

/// Finds the schemas inside non-schema objects: the value of every `schema` key.
fn walk(
    value: &mut Value,
    orig: &Pointer,
    now: &Pointer,
    cx: &mut Schemas,
    taken: &mut BTreeSet<String>,
) -> Result<(), Refusal> {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                let (orig, now) = (orig.push(key), now.push(key));
                match key.as_str() {
                    "schema" => cx.schema(child, &orig, &now, taken)?,
                    "example" | "examples" => {}
                    _ if key.starts_with("x-") => {}
                    _ => walk(child, &orig, &now, cx, taken)?,
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let index = i.to_string();
                walk(child, &orig.push(&index), &now.push(&index), cx, taken)?;
            }
        }
        _ => {}
    }
    Ok(())
}

struct Schemas {
    origin: Origin,
    /// `$defs` moved into components/schemas: (new name, converted schema).
    hoisted: Vec<(String, Value)>,
    /// Original `$ref` target → its new target.
    refs: BTreeMap<String, String>,
}

/// Keywords that describe a value without shaping it: they stay on a wrapper.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "summary",
    "default",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "externalDocs",
    "xml",
];

/// JSON Schema keywords the 3.0 model has no place for. The first group shapes values, so
/// dropping them is worth a warning; the second only restricts what is already typed.
const DROPPED_WITH_WARNING: &[&str] =
    &["if", "then", "else", "dependentSchemas", "patternProperties", "$dynamicAnchor"];
const DROPPED: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$vocabulary",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
];

impl Schemas {
    fn schema(
        &mut self,
        value: &mut Value,
        orig: &Pointer,
        now: &Pointer,
        taken: &mut BTreeSet<String>,
    ) -> Result<(), Refusal> {
        let map = match value {
            Value::Bool(true) => {
                *value = json!({});
                return Ok(());
            }
            Value::Bool(false) => {
                return Err(Refusal::at(orig, "the schema `false` (no value is valid) is not supported here"))
            }
            Value::Object(map) => map,
            _ => return Err(Refusal::at(orig, "a schema must be an object or a boolean")),
        };
        for keyword in ["$dynamicRef", "$recursiveRef"] {
            if map.contains_key(keyword) {
                return Err(Refusal::at(&orig.push(keyword), format!("`{keyword}` is not supported")));
            }
        }
        // `definitions` is the pre-2019 spelling, still common.
        for key in ["$defs", "definitions"] {
            if let Some(defs) = map.remove(key) {
                self.hoist(defs, &orig.push(key), taken)?;
            }
        }
        for keyword in DROPPED {
            map.remove(*keyword);
        }
        for keyword in DROPPED_WITH_WARNING {
            if map.remove(*keyword).is_some() {
                self.origin
                    .warn(&orig.push(keyword), format!("`{keyword}` ignored: the generated type does not check it"));
            }
        }
        annotations(map);
        if map.contains_key("$ref") && map.keys().any(|k| k != "$ref") {
            return self.ref_with_siblings(map, orig, now, taken);
        }
        nulls(map, orig, now, &mut self.origin);
        if let Some(types) = split_types(map, orig)? {
            let key = ["oneOf", "anyOf"].into_iter().find(|k| !map.contains_key(*k)).ok_or_else(|| {
                Refusal::at(&orig.push("type"), "a list of types beside both `oneOf` and `anyOf` is not supported")
            })?;
            let mut branches = Vec::with_capacity(types.len());
            for (i, mut branch) in types.into_iter().enumerate() {
                let now = now.push(key).push(&i.to_string());
                self.origin.moved(&now, orig);
                self.schema(&mut branch, orig, &now, taken)?;
                branches.push(branch);
            }
            map.insert(key.into(), Value::Array(branches));
        }
        self.children(map, orig, now, taken)?;
        numbers(map);
        binary_strings(map);
        if map.contains_key("prefixItems") {
            self.tuple(map, orig, now);
        }
        Ok(())
    }

    /// `$ref` beside other keywords (3.0 ignores them): the annotations stay, the reference
    /// becomes `allOf: [{$ref}]`, and shaping keywords become a second `allOf` member.
    fn ref_with_siblings(
        &mut self,
        map: &mut Map<String, Value>,
        orig: &Pointer,
        now: &Pointer,
        taken: &mut BTreeSet<String>,
    ) -> Result<(), Refusal> {
        let reference = map.remove("$ref").unwrap_or(Value::Null);
        let mut shape = Map::new();
        for key in map.keys().cloned().collect::<Vec<_>>() {
            if !ANNOTATIONS.contains(&key.as_str()) && !key.starts_with("x-") {
                if let Some(value) = map.remove(&key) {
                    shape.insert(key, value);
                }
            }
        }
        let mut members = vec![json!({ "$ref": reference })];
        self.origin.moved(&now.push("allOf").push("0"), orig);
        if !shape.is_empty() {
            let mut shape = Value::Object(shape);
            let at = now.push("allOf").push("1");
            self.origin.moved(&at, orig);
            self.schema(&mut shape, orig, &at, taken)?;
            members.push(shape);
        }
        map.insert("allOf".into(), Value::Array(members));
        Ok(())
    }

    fn children(
        &mut self,
        map: &mut Map<String, Value>,
        orig: &Pointer,
        now: &Pointer,
        taken: &mut BTreeSet<String>,
    ) -> Result<(), Refusal> {
        // The pre-2020 tuple form `items: [..]` is `prefixItems`.
        if map.get("items").is_some_and(Value::is_array) && !map.contains_key("prefixItems") {
            if let Some(items) = map.remove("items") {
                map.insert("prefixItems".into(), items);
            }
        }
        if map.get("items") == Some(&Value::Bool(false)) {
            map.remove("items");
            // No items beyond the prefix: a closed tuple (read by `tuple`).
            if map.contains_key("prefixItems") {
                map.insert(CLOSED.into(), Value::Bool(true));
            }
        }
        for (key, child) in map.iter_mut() {
            let (orig, now) = (orig.push(key), now.push(key));
            match key.as_str() {
                "properties" => {
                    let properties = object(child, &orig, "properties")?;
                    // `name: false`: the property must be absent, so the type has no field for it.
                    properties.retain(|name, property| {
                        let keep = *property != Value::Bool(false);
                        if !keep {
                            self.origin.warn(&orig.push(name), "a property whose schema is `false` is left out");
                        }
                        keep
                    });
                    for (name, property) in properties.iter_mut() {
                        self.schema(property, &orig.push(name), &now.push(name), taken)?;
                    }
                }
                "items" | "not" => self.schema(child, &orig, &now, taken)?,
                "additionalProperties" if child.is_object() => self.schema(child, &orig, &now, taken)?,
                "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                    let members = child
                        .as_array_mut()
                        .ok_or_else(|| Refusal::at(&orig, format!("`{key}` must be a list of schemas")))?;
                    for (i, member) in members.iter_mut().enumerate() {
                        let index = i.to_string();
                        self.schema(member, &orig.push(&index), &now.push(&index), taken)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// `prefixItems`: an array of the union of its item types, which 3.0 can say; a closed
    /// tuple (`items: false`, or `maxItems` equal to the prefix) also keeps its item schemas in
    /// order under `x-tuple-items`, for the model to make a Rust tuple of.
    fn tuple(&mut self, map: &mut Map<String, Value>, orig: &Pointer, now: &Pointer) {
        let Some(Value::Array(prefix)) = map.remove("prefixItems") else { return };
        let count = prefix.len();
        let closed = map.remove(CLOSED).is_some()
            || map.get("maxItems").and_then(Value::as_u64).is_some_and(|max| max == count as u64);
        if closed && count > 0 && count <= MAX_TUPLE {
            for i in 0..count {
                let index = i.to_string();
                self.origin.moved(&now.push(TUPLE_ITEMS).push(&index), &orig.push("prefixItems").push(&index));
            }
            map.insert(TUPLE_ITEMS.into(), Value::Array(prefix.clone()));
        }
        let mut distinct: Vec<(Value, Pointer)> = Vec::new();
        let rest = map.remove("items").map(|items| (items, orig.push("items")));
        let members = prefix.into_iter().enumerate().map(|(i, s)| (s, orig.push("prefixItems").push(&i.to_string())));
        for (schema, at) in members.chain(rest) {
            if !distinct.iter().any(|(seen, _)| *seen == schema) {
                distinct.push((schema, at));
            }
        }
        let items = match distinct.len() {
            0 => json!({}),
            1 => {
                let (schema, at) = distinct.remove(0);
                self.origin.moved(&now.push("items"), &at);
                schema
            }
            _ => {
                for (i, (_, at)) in distinct.iter().enumerate() {
                    self.origin.moved(&now.push("items").push("oneOf").push(&i.to_string()), at);
                }
                json!({ "oneOf": distinct.into_iter().map(|(s, _)| s).collect::<Vec<_>>() })
            }
        };
        map.insert("items".into(), items);
        map.insert("x-prefix-items".into(), json!(count));
        if !map.contains_key(TUPLE_ITEMS) {
            let message = match count > MAX_TUPLE {
                true => {
                    format!("a tuple of {count} items (more than {MAX_TUPLE}) is generated as a list of its item types")
                }
                false => format!(
                    "a tuple of {count} item(s) that allows more items after them (no `items: false`) is generated \
                     as a list of its item types"
                ),
            };
            self.origin.warn(&orig.push("prefixItems"), message);
        }
    }

    /// Moves `$defs` into components/schemas under a free name, remembering the new `$ref`.
    fn hoist(&mut self, defs: Value, at: &Pointer, taken: &mut BTreeSet<String>) -> Result<(), Refusal> {
        let Value::Object(defs) = defs else { return Err(Refusal::at(at, "`$defs` must be an object")) };
        for (name, mut def) in defs {
            let orig = at.push(&name);
            let mut free = name.clone();
            let mut n = 2;
            while !taken.insert(free.clone()) {
                free = format!("{name}{n}");
                n += 1;
            }
            let now = Pointer::component("schemas", &free);
            self.origin.moved(&now, &orig);
            self.schema(&mut def, &orig, &now, taken)?;
            self.refs.insert(orig.to_string(), now.to_string());
            self.hoisted.push((free, def));
        }
        Ok(())
    }
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// 3.1's `mutualTLS` happens below HTTP, where the generated client has no say: the scheme is
/// dropped with a warning saying where the certificate goes, and requirements stop naming it (a
/// requirement of mutual TLS alone then asks nothing of the HTTP client).
fn drop_mutual_tls(doc: &mut Map<String, Value>, origin: &mut Origin) {
    let at = Pointer::root().push("components").push("securitySchemes");
    let schemes = doc.get_mut("components").and_then(|c| c.get_mut("securitySchemes")).and_then(Value::as_object_mut);
    let Some(schemes) = schemes else { return };
    let names: Vec<String> =
        schemes.iter().filter(|(_, s)| s.get("type") == Some(&json!("mutualTLS"))).map(|(n, _)| n.clone()).collect();
    for name in &names {
        schemes.remove(name);
        let message = "mutualTLS happens below HTTP: give the client certificate to a reqwest::Client of your own \
                       (`.http_client(…)`)";
        origin.warn(&at.push(name), message);
    }
    if names.is_empty() {
        return;
    }
    let strip = |security: Option<&mut Value>| {
        for requirement in security.and_then(Value::as_array_mut).into_iter().flatten() {
            if let Some(requirement) = requirement.as_object_mut() {
                requirement.retain(|scheme, _| !names.contains(scheme));
            }
        }
    };
    strip(doc.get_mut("security"));
    for item in doc.get_mut("paths").and_then(Value::as_object_mut).into_iter().flat_map(|p| p.values_mut()) {
        for method in METHODS {
            strip(item.get_mut(*method).and_then(|op| op.get_mut("security")));
        }
    }
}

fn keys(value: &Value) -> String {
    value.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>().join(", ")).unwrap_or_default()
}
