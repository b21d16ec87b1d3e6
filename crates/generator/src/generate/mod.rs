//! A complete client crate for any spec: `Cargo.toml` (the runtime by relative path and
//! version, features by tag), `README.md` (what API, how to build the client, auth, one real
//! call, the features), `CHANGELOG.md`, `api-surface.txt`, `src/lib.rs` and `src/generated/`.
//! The crate builds where it is written, with no flag: see [`RuntimeDependency`].
//!
//! Everything is built in memory first; a spec the generator refuses writes nothing, and each
//! file is replaced atomically. Files a user owns once written (`README.md`, `CHANGELOG.md`,
//! `src/lib.rs`) are written only when missing; the manifest's version is kept when the crate
//! exists already (a `release` moved it on).

mod crate_name;
mod manifest;
mod readme;

use std::path::{Path, PathBuf};

pub use crate_name::crate_name;
pub use manifest::{package_version, RuntimeDependency, RUNTIME_PACKAGE, RUNTIME_VERSION};

use crate::model::{self, Api, Options};
use crate::output::{write_atomic, write_tree};
use crate::spec::overlay;
use crate::{emit, surface, Error, Settings};

/// What to generate and where.
#[derive(Clone, Debug)]
pub struct Request {
    pub spec: PathBuf,
    /// Overlay documents applied to the spec first, in order.
    pub overlays: Vec<PathBuf>,
    /// The crate's folder.
    pub out: PathBuf,
    /// The package name (default: from the spec's title: [`crate_name`]).
    pub name: Option<String>,
    /// Where the crate gets the runtime (default: [`RuntimeDependency::default_for`]).
    pub runtime: Option<RuntimeDependency>,
    pub settings: Settings,
}

/// What [`generate`] wrote.
#[derive(Debug)]
pub struct Generated {
    pub name: String,
    pub operations: usize,
    /// Operations given up (tolerant mode), each also reported as a warning.
    pub skipped: usize,
    pub files: usize,
    /// The runtime dependency as written into the manifest.
    pub runtime: String,
}

/// The model of `spec` with `overlays` applied, warnings passed to `warn` one located line each.
pub fn load_model(
    spec: &Path,
    overlays: &[PathBuf],
    settings: &Settings,
    warn: &mut dyn FnMut(&str),
) -> Result<Api, Error> {
    let file_name = |p: &Path| p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let source = source_name(&file_name(spec), overlays, file_name);
    build_model(spec, overlays, source, settings, warn)
}

/// [`load_model`] with the `@generated` header's `source` chosen by the caller.
pub fn build_model(
    spec_path: &Path,
    overlays: &[PathBuf],
    source: String,
    settings: &Settings,
    warn: &mut dyn FnMut(&str),
) -> Result<Api, Error> {
    let spec = overlay::load_with_mode(spec_path, overlays, settings.strict)?;
    for warning in &spec.origin.warnings {
        warn(&format!("at {}: {}", warning.pointer, warning.message));
    }
    let api = model::build(
        &spec,
        &Options {
            source,
            features_by_tag: settings.features_by_tag,
            type_mappings: settings.type_mappings.clone(),
            strict: settings.strict,
        },
    )?;
    for warning in &api.warnings {
        warn(&format!("at {}: {}", warning.pointer, warning.message));
    }
    for skipped in &api.skipped {
        warn(&format!(
            "at {}: {}; operation {} ({} {}) skipped",
            skipped.pointer, skipped.reason, skipped.id, skipped.method, skipped.path
        ));
    }
    Ok(api)
}

/// What the `@generated` header names: the spec, and the overlays applied to it, if any.
pub fn source_name(spec: &str, overlays: &[PathBuf], name: impl Fn(&Path) -> String) -> String {
    if overlays.is_empty() {
        return spec.to_owned();
    }
    let names: Vec<String> = overlays.iter().map(|p| name(p)).collect();
    format!("{spec} with overlay{} {}", if names.len() == 1 { "" } else { "s" }, names.join(", "))
}

/// Writes the crate `request` describes; warnings go to `warn`.
pub fn generate(request: &Request, warn: &mut dyn FnMut(&str)) -> Result<Generated, Error> {
    let api = load_model(&request.spec, &request.overlays, &request.settings, warn)?;
    let files = emit::emit(&api, &request.settings)?;
    let name = match &request.name {
        Some(name) => name.clone(),
        None => crate_name(&api.title),
    };
    crate_name::check(&name)?;
    let runtime = match &request.runtime {
        Some(runtime) => runtime.clone(),
        None => RuntimeDependency::default_for(),
    };
    let out = &request.out;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let runtime_entry = runtime.entry(out)?;
    let manifest_path = out.join("Cargo.toml");
    let previous = std::fs::read_to_string(&manifest_path).ok();
    let version = previous.as_deref().and_then(package_version).unwrap_or_else(|| "0.1.0".to_owned());
    let manifest = manifest::manifest(&api, &name, &version, &runtime_entry);
    let readme = readme::readme(&api, &name, &request.settings);
    let changelog = readme::changelog(&api, &name, &request.settings);

    write_tree(&out.join("src/generated"), &files)?;
    write_atomic(&out.join(crate::project::SURFACE_FILE), &surface::render(&api))?;
    for (file, text) in [("README.md", readme), ("CHANGELOG.md", changelog), ("src/lib.rs", LIB_RS.to_owned())] {
        let path = out.join(file);
        if !path.exists() {
            write_atomic(&path, &text)?;
        }
    }
    write_atomic(&manifest_path, &manifest)?;
    write_atomic(&out.join(PAGING_REPORT), &paging_report(&api))?;
    let (operations, skipped) = (api.operations.len(), api.skipped.len());
    Ok(Generated { name, operations, skipped, files: files.len(), runtime: runtime_entry })
}

/// Beside the crate: how each list operation pages and on what evidence.
pub const PAGING_REPORT: &str = "paging-report.txt";

/// One line per paged operation (style, declared by which extension or inferred from what) and
/// per listing left unpaged with the reason, so a reader can check each guess against the docs.
pub fn paging_report(api: &Api) -> String {
    let mut lines = Vec::new();
    for op in &api.operations {
        let Some(paging) = &op.pagination else { continue };
        let origin = match &paging.origin {
            model::PagingOrigin::Declared(key) => format!("declared by {key}"),
            model::PagingOrigin::Inferred(evidence) => format!("inferred from {evidence}"),
        };
        let route = format!("{} {}", op.method.as_str(), op.path);
        lines.push(format!("paging: {} ({route}): {}, {origin}", op.id, paging.style.name()));
    }
    for note in &api.paging_notes {
        lines.push(format!("paging: {} at {}: none, {}", note.id, note.pointer, note.reason));
    }
    let (paged, inferred) = (
        api.operations.iter().filter(|op| op.pagination.is_some()).count(),
        api.operations
            .iter()
            .filter(|op| op.pagination.as_ref().is_some_and(|p| matches!(p.origin, model::PagingOrigin::Inferred(_))))
            .count(),
    );
    lines.push(format!(
        "paging: {paged} operation(s) paged ({inferred} inferred), {} listing(s) left unpaged",
        api.paging_notes.len()
    ));
    lines.join("\n") + "\n"
}

/// The crate root: the README is its documentation (so the README's example is a doctest).
const LIB_RS: &str =
    "#![doc = include_str!(\"../README.md\")]\n\n#[rustfmt::skip]\nmod generated;\n\npub use generated::*;\n";
