//! OpenAPI Overlay 1.0: what the project adds to or corrects in a spec, kept beside it rather than
//! patched into it, so re-vendoring a page keeps every local fix.
//!
//! An overlay is `overlay: 1.0.0`, `info` (`title`, `version`), an optional `extends` (the spec it
//! is written for) and `actions`, each a JSONPath (RFC 9535) `target` with an `update` or
//! `remove: true`. Overlays apply to the document as a JSON tree, before it is read as OpenAPI, so
//! they can repair what would not load (a query string inside a path template, say).
//!
//! Semantics, as the Overlay specification gives them:
//! - `update` on an object merges: properties of the update replace or join the target's, objects
//!   merge recursively, arrays are appended to; on an array, the update is appended (an array
//!   update appends each of its items).
//! - `remove: true` removes every selected node from the object or array holding it (`update` is
//!   then ignored).
//! - Actions run in order, each on the result of the ones before.
//!
//! A target that selects nothing is an error naming the overlay file, the action's index and the
//! target: an overlay that silently stops applying after a vendor change is what this prevents.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use serde_json_path::JsonPath;

/// What went wrong with an overlay: which file, which action (if one), what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverlayError {
    pub file: PathBuf,
    /// The 0-based index of the action in `actions`, when the error is about one.
    pub action: Option<usize>,
    pub message: String,
}

impl fmt::Display for OverlayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.action {
            Some(index) => write!(f, "{}: actions[{index}]: {}", self.file.display(), self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}

impl std::error::Error for OverlayError {}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    overlay: String,
    info: Info,
    #[serde(default)]
    extends: Option<String>,
    actions: Vec<RawAction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Info {
    title: String,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    target: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    update: Option<Value>,
    #[serde(default)]
    remove: bool,
}

/// One parsed overlay document, checked and ready to apply.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub file: PathBuf,
    pub title: String,
    pub version: String,
    pub extends: Option<String>,
    actions: Vec<Action>,
}

#[derive(Debug, Clone)]
struct Action {
    target: String,
    path: JsonPath,
    description: Option<String>,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Update(Value),
    Remove,
}

impl Overlay {
    pub fn load(path: &Path) -> Result<Overlay, OverlayError> {
        let text = std::fs::read_to_string(path).map_err(|e| OverlayError {
            file: path.to_owned(),
            action: None,
            message: format!("cannot read the file: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// Parses overlay text (YAML or JSON); `path` names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Overlay, OverlayError> {
        let error = |action: Option<usize>, message: String| OverlayError { file: path.to_owned(), action, message };
        let tree: Value = serde_yaml::from_str(text).map_err(|e| error(None, format!("invalid YAML: {e}")))?;
        let doc: Document = serde_path_to_error::deserialize(tree)
            .map_err(|e| error(None, format!("not an Overlay 1.0 document: at {}: {}", e.path(), e.inner())))?;
        if !(doc.overlay == "1.0.0" || doc.overlay.starts_with("1.0.")) {
            return Err(error(None, format!("overlay version {:?} is not supported; only 1.0.x is", doc.overlay)));
        }
        if doc.actions.is_empty() {
            return Err(error(None, "`actions` is empty; an overlay needs at least one action".to_owned()));
        }
        let mut actions = Vec::with_capacity(doc.actions.len());
        for (index, raw) in doc.actions.into_iter().enumerate() {
            let path = JsonPath::parse(&raw.target).map_err(|e| {
                error(Some(index), format!("target {:?} is not a JSONPath (RFC 9535): {e}", raw.target))
            })?;
            let change = match (raw.remove, raw.update) {
                (true, _) => Change::Remove,
                (false, Some(update)) => Change::Update(update),
                (false, None) => {
                    return Err(error(
                        Some(index),
                        format!("target {:?}: the action has neither `update` nor `remove: true`", raw.target),
                    ))
                }
            };
            actions.push(Action { target: raw.target, path, description: raw.description, change });
        }
        Ok(Overlay {
            file: path.to_owned(),
            title: doc.info.title,
            version: doc.info.version,
            extends: doc.extends,
            actions,
        })
    }

    /// How many actions the overlay has.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The actions as `(target, description)`, for reports.
    pub fn targets(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.actions.iter().map(|a| (a.target.as_str(), a.description.as_deref()))
    }

    /// Checks `extends` against the spec it is applied to: a relative reference is resolved
    /// against the overlay's folder and must name that spec; an absolute URL is not checked (the
    /// vendor's address of a document we keep a copy of).
    pub fn check_extends(&self, spec: &Path) -> Result<(), OverlayError> {
        let Some(extends) = &self.extends else { return Ok(()) };
        if extends.contains("://") {
            return Ok(());
        }
        let relative = extends.strip_prefix("file:").unwrap_or(extends);
        let base = self.file.parent().unwrap_or(Path::new("."));
        let named = base.join(relative);
        let same = normalize(&named) == normalize(spec)
            || matches!((named.canonicalize(), spec.canonicalize()), (Ok(a), Ok(b)) if a == b);
        if same {
            Ok(())
        } else {
            Err(OverlayError {
                file: self.file.clone(),
                action: None,
                message: format!("`extends: {extends}` names another document than {}", spec.display()),
            })
        }
    }

    /// Applies every action in order to `doc`.
    pub fn apply(&self, doc: &mut Value) -> Result<(), OverlayError> {
        for (index, action) in self.actions.iter().enumerate() {
            let error = |message: String| OverlayError { file: self.file.clone(), action: Some(index), message };
            // Locations, not references: the tree is changed after the query.
            let located: Vec<Vec<Step>> = action
                .path
                .query_located(doc)
                .locations()
                .map(|l| {
                    l.iter()
                        .map(|e| match e.as_index() {
                            Some(i) => Step::Index(i),
                            None => Step::Name(e.as_name().unwrap_or_default().to_owned()),
                        })
                        .collect()
                })
                .collect();
            if located.is_empty() {
                return Err(error(format!(
                    "target {:?} selects nothing in the document (did the vendor's spec change?)",
                    action.target
                )));
            }
            match &action.change {
                Change::Update(update) => {
                    for location in &located {
                        let node = node_mut(doc, location)
                            .ok_or_else(|| error(format!("target {:?}: a selected node vanished", action.target)))?;
                        update_node(node, update).map_err(|m| error(format!("target {:?}: {m}", action.target)))?;
                    }
                }
                Change::Remove => {
                    // Deepest and highest-index first, so earlier removals do not move later ones.
                    let mut located = located;
                    located.sort();
                    located.dedup();
                    for location in located.iter().rev() {
                        remove_node(doc, location).map_err(|m| error(format!("target {:?}: {m}", action.target)))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system (a spec read from git has no file).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Name(String),
    Index(usize),
}

fn node_mut<'a>(mut node: &'a mut Value, location: &[Step]) -> Option<&'a mut Value> {
    for step in location {
        node = match step {
            Step::Name(name) => node.as_object_mut()?.get_mut(name)?,
            Step::Index(index) => node.as_array_mut()?.get_mut(*index)?,
        };
    }
    Some(node)
}

fn update_node(target: &mut Value, update: &Value) -> Result<(), String> {
    match target {
        Value::Object(_) if !update.is_object() => {
            Err(format!("selects an object, but the update is {}; an object's update is an object", kind(update)))
        }
        Value::Object(_) => {
            merge(target, update);
            Ok(())
        }
        Value::Array(items) => {
            match update {
                Value::Array(more) => items.extend(more.iter().cloned()),
                other => items.push(other.clone()),
            }
            Ok(())
        }
        other => Err(format!(
            "selects {}; an update applies to objects and arrays (select the object holding it)",
            kind(other)
        )),
    }
}

/// Deep merge: objects recursively, arrays appended, anything else replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(into), Value::Object(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(into), Value::Array(from)) => into.extend(from.iter().cloned()),
        (target, update) => *target = update.clone(),
    }
}

fn remove_node(doc: &mut Value, location: &[Step]) -> Result<(), String> {
    let Some((last, parent)) = location.split_last() else {
        return Err("selects the whole document, which cannot be removed".to_owned());
    };
    let parent = node_mut(doc, parent).ok_or("a selected node vanished")?;
    match (parent, last) {
        (Value::Object(map), Step::Name(name)) => {
            // shift_remove keeps the order of the remaining keys (and so of generated items).
            map.shift_remove(name);
        }
        (Value::Array(items), Step::Index(index)) if *index < items.len() => {
            items.remove(*index);
        }
        _ => return Err("a selected node vanished".to_owned()),
    }
    Ok(())
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A spec's overlays folder (`specs/<provider>/overlays/`): its `*.yaml`/`*.yml`/`*.json` files
/// in name order. A missing folder is no overlays.
pub fn overlays_in(dir: &Path) -> Result<Vec<PathBuf>, OverlayError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(OverlayError { file: dir.to_owned(), action: None, message: format!("cannot list: {e}") })
        }
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// The overlays folder that belongs to a spec file: `overlays/` beside it.
pub fn overlay_dir(spec: &Path) -> PathBuf {
    spec.parent().unwrap_or(Path::new(".")).join("overlays")
}

/// Reads spec text into a JSON tree, as [`super::Spec::parse`] would (JSON by extension, else YAML).
pub fn read_tree(path: &Path, text: &str) -> Result<Value, super::SpecError> {
    super::read_tree(path, text)
}

/// Spec text with `overlays` applied, in order, parsed by the normal loader. `path` names the
/// spec in errors. Without overlays this is exactly [`super::Spec::parse`].
pub fn parse_with(path: &Path, text: &str, overlays: &[Overlay]) -> Result<super::Spec, crate::Error> {
    parse_with_mode(path, text, overlays, true)
}

/// [`parse_with`], strict or tolerant ([`super::Spec::parse_tolerant`]).
pub fn parse_with_mode(
    path: &Path,
    text: &str,
    overlays: &[Overlay],
    strict: bool,
) -> Result<super::Spec, crate::Error> {
    let parse =
        |text: &str| if strict { super::Spec::parse(path, text) } else { super::Spec::parse_tolerant(path, text) };
    if overlays.is_empty() {
        return Ok(parse(text)?);
    }
    let mut tree = read_tree(path, text)?;
    for overlay in overlays {
        overlay.apply(&mut tree)?;
    }
    // Back to text for the loader, which owns the version checks and conversions: JSON is also
    // YAML, so this reads the same whatever the spec's extension.
    let text = serde_json::to_string(&tree)
        .map_err(|e| crate::Error::Usage(format!("{}: cannot re-serialise the overlaid spec: {e}", path.display())))?;
    Ok(parse(&text)?)
}

/// A spec file's tree with the overlay files given applied, in order: the spec as generated.
pub fn overlaid_tree(spec: &Path, overlay_files: &[PathBuf]) -> Result<Value, crate::Error> {
    let text = std::fs::read_to_string(spec).map_err(|e| crate::Error::io(spec, e))?;
    let mut tree = read_tree(spec, &text)?;
    for overlay in load_all(spec, overlay_files)? {
        overlay.apply(&mut tree)?;
    }
    Ok(tree)
}

/// Loads a spec file with the overlay files given, in that order.
pub fn load_with(spec: &Path, overlay_files: &[PathBuf]) -> Result<super::Spec, crate::Error> {
    load_with_mode(spec, overlay_files, true)
}

/// [`load_with`], strict or tolerant.
pub fn load_with_mode(spec: &Path, overlay_files: &[PathBuf], strict: bool) -> Result<super::Spec, crate::Error> {
    let text = std::fs::read_to_string(spec).map_err(|e| crate::Error::io(spec, e))?;
    let overlays = load_all(spec, overlay_files)?;
    parse_with_mode(spec, &text, &overlays, strict)
}

/// Parses overlay files and checks each one's `extends` against `spec`.
pub fn load_all(spec: &Path, overlay_files: &[PathBuf]) -> Result<Vec<Overlay>, OverlayError> {
    overlay_files
        .iter()
        .map(|file| {
            let overlay = Overlay::load(file)?;
            overlay.check_extends(spec)?;
            Ok(overlay)
        })
        .collect()
}
