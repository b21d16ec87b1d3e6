//! Specs split over several local files (DigitalOcean publishes a folder: one file per
//! operation, shared responses and models beside them) become one document before anything else
//! reads them. A `$ref` to another file (`models/droplet.yml`, `../shared/errors.yml#/Error`) is
//! resolved against the folder of the file that holds it:
//!
//! - in a schema's place, the target becomes a component schema named after its file (or its
//!   fragment's last token), referenced as `#/components/schemas/<Name>` — so a model shared by
//!   fifty operations is one Rust type, and a schema that refers to itself across files stays
//!   finite;
//! - anywhere else (an operation, a response, a parameter), the target is copied in place.
//!
//! `#/…` references inside another file point into that file, and are resolved the same way.
//! A URL (`https://…`) is refused: the generator never reaches the network. Nothing is read
//! outside what the references name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::{Pointer, SpecError};

/// How deep copies may nest (a chain of files each copying the next) before it is taken for a
/// cycle that never reaches a schema.
const MAX_DEPTH: usize = 64;

/// Whether `tree` refers to any other file (the common case, one file, costs one walk).
pub fn has_external_refs(tree: &Value) -> bool {
    match tree {
        Value::Object(map) => map.iter().any(|(key, value)| match (key.as_str(), value) {
            ("$ref", Value::String(target)) => !target.starts_with('#'),
            (key, _) if super::refs::is_opaque(key) => false,
            (_, value) => has_external_refs(value),
        }),
        Value::Array(items) => items.iter().any(has_external_refs),
        _ => false,
    }
}

/// Replaces every reference to another file in `tree` (the document at `path`) as the module
/// says. `strict`: the first reference that cannot be resolved is the error; otherwise it is
/// left as it is (the loader then gives up the unit holding it) and the problem returned.
pub fn bundle(path: &Path, tree: &mut Value, strict: bool) -> Result<Vec<(String, String)>, SpecError> {
    let root = path.to_path_buf();
    let mut bundler = Bundler {
        root: root.clone(),
        files: BTreeMap::new(),
        hoisted: BTreeMap::new(),
        schemas: Map::new(),
        problems: Vec::new(),
        strict,
    };
    bundler.files.insert(canonical(&root), tree.clone());
    // A root component that is only a reference to a file names that file's schema, even where
    // an operation met before the components refers to the file.
    if let Some(Value::Object(schemas)) = tree.pointer("/components/schemas") {
        for (name, node) in schemas {
            let Some(target) = node.get("$ref").and_then(Value::as_str).filter(|t| !t.starts_with('#')) else {
                continue;
            };
            if let Some(key) = bundler.key(target, &root) {
                bundler.hoisted.entry(key).or_insert_with(|| name.clone());
            }
        }
    }
    let mut walked = tree.clone();
    bundler.walk(&mut walked, &root, &Pointer::root(), Place::Other, 0)?;
    if !bundler.schemas.is_empty() {
        let components =
            walked.as_object_mut().map(|doc| doc.entry("components").or_insert_with(|| Value::Object(Map::new())));
        if let Some(Value::Object(components)) = components {
            let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(schemas) = schemas {
                for (name, schema) in std::mem::take(&mut bundler.schemas) {
                    schemas.entry(name).or_insert(schema);
                }
            }
        }
    }
    *tree = walked;
    Ok(bundler.problems)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Schema,
    Other,
}

struct Bundler {
    root: PathBuf,
    /// Every file read, by canonical path (the root document included).
    files: BTreeMap<PathBuf, Value>,
    /// (file, fragment) → the component name it was hoisted under.
    hoisted: BTreeMap<(PathBuf, String), String>,
    /// Hoisted schemas, to add to the root document's components.
    schemas: Map<String, Value>,
    problems: Vec<(String, String)>,
    strict: bool,
}

impl Bundler {
    fn walk(
        &mut self,
        node: &mut Value,
        file: &Path,
        at: &Pointer,
        place: Place,
        depth: usize,
    ) -> Result<(), SpecError> {
        if let Some(target) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) {
            let local_in_root = target.starts_with('#') && canonical(file) == canonical(&self.root);
            if let (false, Some(name)) = (local_in_root, root_component(at, file == self.root)) {
                // `components/schemas/Owner: {$ref: models/owner.yaml}`: the file's schema *is*
                // `Owner`, whoever else refers to the file.
                if let Some(key) = self.key(&target, file) {
                    self.hoisted.entry(key).or_insert_with(|| name.clone());
                }
                match self.resolve_content(&target, file, at, depth) {
                    Ok(content) => *node = content,
                    Err(message) if self.strict => return Err(self.error(at, message)),
                    Err(message) => self.problems.push((at.to_string(), message)),
                }
                return Ok(());
            }
            if !local_in_root {
                match self.resolve(&target, file, at, place, depth) {
                    Ok(replacement) => *node = replacement,
                    Err(message) if self.strict => return Err(self.error(at, message)),
                    Err(message) => self.problems.push((at.to_string(), message)),
                }
                return Ok(());
            }
        }
        match node {
            Value::Object(map) => {
                let names = at.tokens().last().is_some_and(|k| super::refs::NAME_MAPS.contains(&k.as_str()));
                for (key, child) in map.iter_mut() {
                    if !names && super::refs::is_opaque(key) {
                        continue;
                    }
                    let place = child_place(names, key, at);
                    self.walk(child, file, &at.push(key), place, depth)?;
                }
            }
            Value::Array(items) => {
                let place = match at.tokens().last().as_deref() {
                    Some("allOf" | "oneOf" | "anyOf" | "prefixItems") => Place::Schema,
                    _ => Place::Other,
                };
                for (i, item) in items.iter_mut().enumerate() {
                    self.walk(item, file, &at.push(&i.to_string()), place, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// (canonical file, fragment) of a reference written in `file`; `None` for a URL.
    fn key(&self, target: &str, file: &Path) -> Option<(PathBuf, String)> {
        if target.contains("://") {
            return None;
        }
        let (file_part, fragment) = target.split_once('#').unwrap_or((target, ""));
        let target_file = if file_part.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().unwrap_or(Path::new(".")).join(file_part)
        };
        Some((canonical(&target_file), fragment.to_owned()))
    }

    /// The target's content, its own references resolved, copied in place.
    fn resolve_content(&mut self, target: &str, file: &Path, at: &Pointer, depth: usize) -> Result<Value, String> {
        let key = self.key(target, file).ok_or_else(|| url_refused(target))?;
        let mut content = self.load(&key.0, &key.1, target)?;
        let here = key.0.clone();
        self.walk(&mut content, &here, at, Place::Other, depth + 1).map_err(|e| e.message)?;
        Ok(content)
    }

    /// The node that replaces `{$ref: target}` written in `file`.
    fn resolve(
        &mut self,
        target: &str,
        file: &Path,
        at: &Pointer,
        place: Place,
        depth: usize,
    ) -> Result<Value, String> {
        let key = self.key(target, file).ok_or_else(|| url_refused(target))?;
        let (target_file, fragment) = (key.0.clone(), key.1.clone());
        let fragment = fragment.as_str();
        if key.0 == canonical(&self.root) {
            // Back into the root document: an ordinary local reference.
            return Ok(serde_json::json!({ "$ref": format!("#{fragment}") }));
        }
        if place == Place::Schema {
            if let Some(name) = self.hoisted.get(&key) {
                return Ok(schema_ref(name));
            }
        }
        if depth >= MAX_DEPTH {
            return Err(format!("$ref {target:?}: files refer to each other more than {MAX_DEPTH} deep (a cycle?)"));
        }
        let mut content = self.load(&target_file, fragment, target)?;
        if place == Place::Schema {
            let name = self.name_for(&key);
            self.hoisted.insert(key.clone(), name.clone());
            // Registered before its content is walked, so a schema that refers to itself
            // (across files) resolves to its own name.
            let here = Pointer::component("schemas", &name);
            self.walk(&mut content, &target_file, &here, Place::Other, depth + 1).map_err(|e| e.message)?;
            self.schemas.insert(name.clone(), content);
            return Ok(schema_ref(&name));
        }
        self.walk(&mut content, &target_file, at, place, depth + 1).map_err(|e| e.message)?;
        Ok(content)
    }

    fn load(&mut self, path: &Path, fragment: &str, target: &str) -> Result<Value, String> {
        let key = canonical(path);
        if !self.files.contains_key(&key) {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("$ref {target:?}: cannot read {}: {e}", path.display()))?;
            let tree = super::read_tree(path, &text).map_err(|e| format!("$ref {target:?}: {}", e.message))?;
            self.files.insert(key.clone(), tree);
        }
        let tree = &self.files[&key];
        let pointer =
            Pointer::parse(&format!("#{fragment}")).ok_or_else(|| format!("$ref {target:?}: a malformed fragment"))?;
        let mut node = tree;
        for token in pointer.tokens() {
            node = match node {
                Value::Object(map) => map.get(&token),
                Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
                _ => None,
            }
            .ok_or_else(|| format!("$ref {target:?} points to nothing in {}", path.display()))?;
        }
        Ok(node.clone())
    }

    /// A component name from the file (and fragment), unique among the root's schemas and the
    /// ones hoisted so far, as Rust names them (`owner` and `Owner` are one name).
    fn name_for(&self, (file, fragment): &(PathBuf, String)) -> String {
        use heck::ToUpperCamelCase;
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Schema".to_owned());
        let base = fragment.rsplit('/').next().filter(|last| !last.is_empty()).map(str::to_owned).unwrap_or(stem);
        let root_schemas = self.files.get(&canonical(&self.root)).and_then(|doc| doc.pointer("/components/schemas"));
        let taken = |name: &str| {
            let rust = name.to_upper_camel_case();
            let clash = |other: &String| other.to_upper_camel_case() == rust;
            self.schemas.keys().any(clash)
                || root_schemas.and_then(Value::as_object).is_some_and(|m| m.keys().any(clash))
        };
        let mut name = base.clone();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }

    fn error(&self, at: &Pointer, message: String) -> SpecError {
        SpecError { file: self.root.clone(), pointer: at.to_string(), message }
    }
}

/// Whether a member called `key` of the object at `at` is a schema.
fn child_place(names: bool, key: &str, at: &Pointer) -> Place {
    if names {
        // `properties: {x: …}` holds schemas; `schemas: {X: …}` too.
        return match at.tokens().last().as_deref() {
            Some("properties" | "patternProperties" | "schemas" | "definitions" | "$defs") => Place::Schema,
            _ => Place::Other,
        };
    }
    match key {
        "schema" | "items" | "additionalProperties" | "not" | "contains" => Place::Schema,
        _ => Place::Other,
    }
}

fn url_refused(target: &str) -> String {
    format!(
        "$ref {target:?} is a URL: the generator never reaches the network; save the file beside the spec and \
         refer to it by a relative path"
    )
}

/// `Some(name)` at `#/components/schemas/<name>` of the root document.
fn root_component(at: &Pointer, in_root: bool) -> Option<String> {
    let tokens: Vec<String> = at.tokens().collect();
    match tokens.as_slice() {
        [components, schemas, name] if in_root && components == "components" && schemas == "schemas" => {
            Some(name.clone())
        }
        _ => None,
    }
}

fn schema_ref(name: &str) -> Value {
    serde_json::json!({ "$ref": Pointer::component("schemas", name).to_string() })
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}
