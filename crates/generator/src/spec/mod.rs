//! Stage 1: read a spec file into `openapiv3` structures, and resolve `$ref`s with errors that
//! name the file and the JSON pointer of the offending node.

mod encoding;
mod external;
pub mod overlay;
mod pointer;
mod refs;
pub mod repair;
pub mod version;
mod yaml;

use std::fmt;
use std::path::{Path, PathBuf};

use openapiv3::{Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema, SecurityScheme};

pub use pointer::Pointer;

/// An error in a spec: which file, where in it, and what is wrong or unsupported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: PathBuf,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "#" } else { &self.pointer };
        write!(f, "{}: at {}: {}", self.file.display(), pointer, self.message)
    }
}

impl std::error::Error for SpecError {}

/// The generic tree of spec text (JSON when the file says `.json`, else YAML, where an integer
/// outside 64 bits is kept as a float: see the `yaml` module).
pub fn read_tree(path: &Path, text: &str) -> Result<serde_json::Value, SpecError> {
    let error = |message: String| SpecError { file: path.to_owned(), pointer: String::new(), message };
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(text).map_err(|e| error(format!("invalid JSON: {e}")));
    }
    yaml::from_str(text).map_err(|e| error(format!("invalid YAML: {e}")))
}

/// A parsed spec and the file it came from.
pub struct Spec {
    pub file: PathBuf,
    pub doc: OpenAPI,
    /// The version it was written in, what converting it dropped, where its nodes were.
    pub origin: version::Origin,
}

impl Spec {
    /// Reads and parses a YAML or JSON spec (OpenAPI 3.0.x or 3.1.x, or Swagger 2.0).
    pub fn load(path: &Path) -> Result<Spec, SpecError> {
        let text = std::fs::read_to_string(path).map_err(|e| SpecError {
            file: path.to_owned(),
            pointer: String::new(),
            message: format!("cannot read the file: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// Parses spec text; `path` only names it in errors and decides JSON vs YAML.
    pub fn parse(path: &Path, text: &str) -> Result<Spec, SpecError> {
        let mut tree = read_tree(path, text)?;
        if external::has_external_refs(&tree) {
            external::bundle(path, &mut tree, true)?;
        }
        Self::from_tree(path, tree)
    }

    /// [`Spec::parse`], giving up the smallest unit holding a node that does not parse (an
    /// operation, a schema's precision, a piece of metadata; see [`repair`]) instead of the
    /// whole document. What was given up is in `origin.skipped` and `origin.warnings`.
    pub fn parse_tolerant(path: &Path, text: &str) -> Result<Spec, SpecError> {
        let mut tree = read_tree(path, text)?;
        let mut skipped = Vec::new();
        let mut warnings = Vec::new();
        if external::has_external_refs(&tree) {
            for (pointer, message) in external::bundle(path, &mut tree, false)? {
                warnings.push(version::Warning { pointer, message });
            }
        }
        for _ in 0..=repair::MAX_REPAIRS {
            match Self::from_tree(path, tree.clone()) {
                Ok(mut spec) => {
                    spec.origin.skipped = skipped;
                    spec.origin.warnings.extend(warnings);
                    return Ok(spec);
                }
                Err(e) => match repair::give_up(&mut tree, &e.pointer, &e.message) {
                    Some(repair::Loss::Skipped(ops)) => skipped.extend(ops),
                    Some(repair::Loss::Warning(w)) => warnings.push(w),
                    None => return Err(e),
                },
            }
        }
        Err(SpecError {
            file: path.to_owned(),
            pointer: String::new(),
            message: format!("more than {} nodes do not parse: not usable as an API description", repair::MAX_REPAIRS),
        })
    }

    /// The loader proper, from the generic tree of the document as written.
    fn from_tree(path: &Path, tree: serde_json::Value) -> Result<Spec, SpecError> {
        let error = |pointer: String, message: String| SpecError { file: path.to_owned(), pointer, message };
        let (mut tree, origin) = version::normalize(tree).map_err(|r| error(r.pointer, r.message))?;
        // `$ref`s to any node of the (normalised) document, inlined before the typed parse.
        refs::inline(&mut tree).map_err(|(pointer, message)| error(origin.original(&pointer), message))?;
        encoding::explicit_explode(&mut tree);
        let doc: OpenAPI = match serde_path_to_error::deserialize::<_, OpenAPI>(&tree) {
            Ok(doc) => doc,
            Err(e) => {
                let at = path_to_pointer(e.path());
                // At a container, the member at fault says more than the container does.
                let (at, message) =
                    repair::locate(&tree, at.trim_start_matches('#')).unwrap_or_else(|| (at, e.inner().to_string()));
                let message = format!("does not match the OpenAPI 3.0 schema: {message}");
                return Err(error(origin.original(&at), message));
            }
        };
        Ok(Spec { file: path.to_owned(), doc, origin })
    }

    pub fn error(&self, at: &Pointer, message: impl Into<String>) -> SpecError {
        SpecError { file: self.file.clone(), pointer: self.origin.original(&at.to_string()), message: message.into() }
    }

    /// A note about a node the model holds less precisely than the spec says, at its pointer in
    /// the original document.
    pub fn warning(&self, at: &Pointer, message: impl Into<String>) -> version::Warning {
        version::Warning { pointer: self.origin.original(&at.to_string()), message: message.into() }
    }

    /// Follows a schema reference (and chains of them) to its target, returning the name of the
    /// last component it passed through.
    pub fn schema<'a>(
        &'a self,
        item: &'a ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Result<(&'a Schema, Option<&'a str>, Pointer), SpecError> {
        let mut current = item;
        let mut name = None;
        let mut pointer = at.clone();
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(schema) => return Ok((schema, name, pointer)),
                ReferenceOr::Reference { reference } => {
                    let target = self.component_name(reference, "schemas", &pointer)?;
                    let schemas = self.doc.components.as_ref().map(|c| &c.schemas);
                    let (key, schema) = schemas
                        .and_then(|s| s.get_key_value(&target))
                        .ok_or_else(|| self.error(&pointer, format!("$ref {reference:?} points to no schema")))?;
                    current = schema;
                    name = Some(key.as_str());
                    pointer = Pointer::component("schemas", key);
                }
            }
        }
        Err(self.error(at, "$ref chain is longer than 64 links (a cycle of references?)"))
    }

    /// Like [`schema`](Self::schema) for the boxed references of object properties.
    pub fn boxed_schema<'a>(
        &'a self,
        item: &'a ReferenceOr<Box<Schema>>,
        at: &Pointer,
    ) -> Result<(&'a Schema, Option<&'a str>, Pointer), SpecError> {
        match item {
            ReferenceOr::Item(schema) => Ok((schema, None, at.clone())),
            ReferenceOr::Reference { reference } => {
                let name = self.component_name(reference, "schemas", at)?;
                let (name, target) = self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get_key_value(&name))
                    .ok_or_else(|| self.error(at, format!("$ref {reference:?} points to no schema")))?;
                let (schema, last, pointer) = self.schema(target, &Pointer::component("schemas", name))?;
                Ok((schema, last.or(Some(name.as_str())), pointer))
            }
        }
    }

    pub fn parameter<'a>(
        &'a self,
        item: &'a ReferenceOr<Parameter>,
        at: &Pointer,
    ) -> Result<(&'a Parameter, Pointer), SpecError> {
        self.follow(item, at, "parameters", |c| &c.parameters)
    }

    pub fn response<'a>(
        &'a self,
        item: &'a ReferenceOr<Response>,
        at: &Pointer,
    ) -> Result<(&'a Response, Pointer), SpecError> {
        self.follow(item, at, "responses", |c| &c.responses)
    }

    pub fn request_body<'a>(
        &'a self,
        item: &'a ReferenceOr<RequestBody>,
        at: &Pointer,
    ) -> Result<(&'a RequestBody, Pointer), SpecError> {
        self.follow(item, at, "requestBodies", |c| &c.request_bodies)
    }

    pub fn header<'a>(
        &'a self,
        item: &'a ReferenceOr<Header>,
        at: &Pointer,
    ) -> Result<(&'a Header, Pointer), SpecError> {
        self.follow(item, at, "headers", |c| &c.headers)
    }

    pub fn security_scheme<'a>(
        &'a self,
        item: &'a ReferenceOr<SecurityScheme>,
        at: &Pointer,
    ) -> Result<(&'a SecurityScheme, Pointer), SpecError> {
        self.follow(item, at, "securitySchemes", |c| &c.security_schemes)
    }

    fn follow<'a, T>(
        &'a self,
        item: &'a ReferenceOr<T>,
        at: &Pointer,
        section: &str,
        map: impl Fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Result<(&'a T, Pointer), SpecError> {
        let mut current = item;
        let mut pointer = at.clone();
        for _ in 0..64 {
            match current {
                ReferenceOr::Item(value) => return Ok((value, pointer)),
                ReferenceOr::Reference { reference } => {
                    let name = self.component_name(reference, section, &pointer)?;
                    current = self.doc.components.as_ref().map(&map).and_then(|m| m.get(&name)).ok_or_else(|| {
                        self.error(&pointer, format!("$ref {reference:?} points to nothing in components/{section}"))
                    })?;
                    pointer = Pointer::component(section, &name);
                }
            }
        }
        Err(self.error(at, "$ref chain is longer than 64 links (a cycle of references?)"))
    }

    /// The component a `$ref` names (percent-encoding and `~0`/`~1` escapes undone); any other
    /// local target was inlined on loading (`refs.rs`).
    fn component_name(&self, reference: &str, section: &str, at: &Pointer) -> Result<String, SpecError> {
        if !reference.starts_with('#') {
            return Err(self.error(
                at,
                format!("external $ref {reference:?} is not supported; bundle the spec into one file first"),
            ));
        }
        let tokens: Vec<String> = Pointer::parse(reference).map(|p| p.tokens().collect()).unwrap_or_default();
        match <[String; 3]>::try_from(tokens) {
            Ok([components, s, name]) if components == "components" && s == section => Ok(name),
            _ => Err(self.error(at, format!("$ref {reference:?} must point into #/components/{section}/"))),
        }
    }
}

pub(super) fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = Pointer::root();
    for segment in path.iter() {
        pointer = match segment {
            Segment::Seq { index } => pointer.push(&index.to_string()),
            Segment::Map { key } => pointer.push(key),
            Segment::Enum { variant } => pointer.push(variant),
            Segment::Unknown => pointer,
        };
    }
    pointer.to_string()
}
