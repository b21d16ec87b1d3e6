//! Several pages' OpenAPI blocks → one spec. Each UTAGE page carries the document of its own
//! endpoint: the same `info`, `servers` and `security`, its own path, and the components that
//! path uses (shared ones, such as the error envelope, repeated on every page).
//!
//! - `paths` are united; two pages defining the same method on the same path is an error, and a
//!   path both define must agree on its path-level keys (`parameters`, `summary`, …);
//! - `components` are merged per section and name: the same definition on two pages is one
//!   component, two different definitions are an error naming both pages;
//! - `tags` are united by name (a tag defined differently is an error too);
//! - every other top-level key (`openapi`, `info`, `servers`, `security`, …) must be the same on
//!   every page that has it: the pages come from one document, and a difference means one of
//!   them is outdated (save it again).
//!
//! Pages merge in name order, each page's keys in its own order, so the result is deterministic.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// One saved page: its file name under `pages/` and its OpenAPI block as a tree.
pub struct PageSpec {
    pub name: String,
    pub tree: Value,
}

/// HTTP methods of a path item (the keys that are operations).
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// What each page defines, for replacing and removing pages: `GET /media` and so on.
pub fn operations(tree: &Value) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(paths) = tree.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(*method).is_some() {
                    found.push(format!("{} {path}", method.to_ascii_uppercase()));
                }
            }
        }
    }
    found
}

/// Merges pages (already in name order) into one document.
pub fn merge(pages: &[PageSpec]) -> Result<Value, String> {
    let mut out = Map::new();
    // Which page put each node there, by a readable location (`paths./media.get`).
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for page in pages {
        let Some(doc) = page.tree.as_object() else {
            return Err(format!("{}: the OpenAPI block is not a mapping", page.name));
        };
        for (key, value) in doc {
            match key.as_str() {
                "paths" => merge_paths(&mut out, value, page, &mut owner)?,
                "components" => merge_components(&mut out, value, page, &mut owner)?,
                "tags" => merge_tags(&mut out, value, page, &mut owner)?,
                _ => same_everywhere(&mut out, key, value, page, &mut owner, key)?,
            }
        }
    }
    Ok(Value::Object(out))
}

/// Puts `value` at `map[key]` if absent; if present it must be equal.
fn same_everywhere<'a>(
    map: &mut Map<String, Value>,
    key: &str,
    value: &Value,
    page: &'a PageSpec,
    owner: &mut BTreeMap<String, &'a str>,
    location: &str,
) -> Result<(), String> {
    match map.get(key) {
        None => {
            map.insert(key.to_owned(), value.clone());
            owner.insert(location.to_owned(), &page.name);
        }
        Some(existing) if existing == value => {}
        Some(_) => {
            let first = owner.get(location).copied().unwrap_or("another page");
            return Err(format!(
                "pages {first} and {} disagree on `{location}`; they come from one document, so one of them is \
                 outdated: save it again (or remove it with --remove)",
                page.name
            ));
        }
    }
    Ok(())
}

fn object<'v>(value: &'v Value, page: &PageSpec, location: &str) -> Result<&'v Map<String, Value>, String> {
    value.as_object().ok_or_else(|| format!("{}: `{location}` is not a mapping", page.name))
}

fn slot<'m>(map: &'m mut Map<String, Value>, key: &str) -> Result<&'m mut Map<String, Value>, String> {
    map.entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| format!("`{key}` is not a mapping"))
}

fn merge_paths<'a>(
    out: &mut Map<String, Value>,
    value: &Value,
    page: &'a PageSpec,
    owner: &mut BTreeMap<String, &'a str>,
) -> Result<(), String> {
    let paths = slot(out, "paths")?;
    for (path, item) in object(value, page, "paths")? {
        let item = object(item, page, &format!("paths.{path}"))?;
        let merged = slot(paths, path)?;
        for (key, value) in item {
            let location = format!("paths.{path}.{key}");
            if METHODS.contains(&key.as_str()) && merged.contains_key(key) {
                let first = owner.get(&location).copied().unwrap_or("another page");
                return Err(format!(
                    "{} {path} is defined by pages {first} and {}; keep one of them (--remove the other)",
                    key.to_ascii_uppercase(),
                    page.name
                ));
            }
            same_everywhere(merged, key, value, page, owner, &location)?;
        }
    }
    Ok(())
}

fn merge_components<'a>(
    out: &mut Map<String, Value>,
    value: &Value,
    page: &'a PageSpec,
    owner: &mut BTreeMap<String, &'a str>,
) -> Result<(), String> {
    let components = slot(out, "components")?;
    for (section, entries) in object(value, page, "components")? {
        let Some(entries) = entries.as_object() else {
            return Err(format!("{}: `components.{section}` is not a mapping", page.name));
        };
        let merged = slot(components, section)?;
        for (name, definition) in entries {
            let location = format!("components.{section}.{name}");
            match merged.get(name) {
                Some(existing) if existing != definition => {
                    let first = owner.get(&location).copied().unwrap_or("another page");
                    return Err(format!(
                        "#/components/{section}/{name} is defined differently by pages {first} and {}; the pages \
                         come from one document, so one of them is outdated: save it again",
                        page.name
                    ));
                }
                Some(_) => {}
                None => {
                    merged.insert(name.clone(), definition.clone());
                    owner.insert(location, &page.name);
                }
            }
        }
    }
    Ok(())
}

fn merge_tags<'a>(
    out: &mut Map<String, Value>,
    value: &Value,
    page: &'a PageSpec,
    owner: &mut BTreeMap<String, &'a str>,
) -> Result<(), String> {
    let Some(tags) = value.as_array() else {
        return Err(format!("{}: `tags` is not a list", page.name));
    };
    let merged = out.entry("tags").or_insert_with(|| Value::Array(Vec::new()));
    let Some(merged) = merged.as_array_mut() else { return Err("`tags` is not a list".to_owned()) };
    for tag in tags {
        let name = tag.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        let location = format!("tags.{name}");
        match merged.iter().find(|t| t.get("name").and_then(Value::as_str) == Some(name.as_str())) {
            Some(existing) if existing != tag => {
                let first = owner.get(&location).copied().unwrap_or("another page");
                return Err(format!("tag {name:?} is defined differently by pages {first} and {}", page.name));
            }
            Some(_) => {}
            None => {
                merged.push(tag.clone());
                owner.insert(location, &page.name);
            }
        }
    }
    Ok(())
}
