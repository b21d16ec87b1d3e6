//! `openapi-clientgen`: typed, documented, async Rust clients from OpenAPI specs.
//!
//! spec (YAML/JSON, OpenAPI 3.0/3.1, Swagger 2.0) → [`spec`] (parse, overlays, resolve `$ref`s,
//! errors with file + JSON pointer) → [`model`] (every decision: names, arguments, types, body
//! kinds, paging, features) → [`emit`] (tokens, prettyplease) → files ([`output`]). Everything
//! else prints the same model: [`surface`] (the public API as sorted text), [`diff`] (what a
//! spec change does to callers), [`release`] (version and changelog from that diff). Two ways in:
//!
//! - [`generate::generate`]: a complete crate (manifest, README, changelog, API surface,
//!   `src/generated/`) for any spec, as the `openapi-clientgen` command does;
//! - [`generate_module`]: just the module's source, as one file, for a `build.rs`:
//!
//! ```no_run
//! // build.rs
//! let spec = std::path::Path::new("openapi.yaml");
//! let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("client.rs");
//! let settings = openapi_clientgen::Settings::default();
//! openapi_clientgen::generate_module(spec, &[], &settings, &out, &mut |w| eprintln!("{w}")).unwrap();
//! println!("cargo:rerun-if-changed=openapi.yaml");
//! // lib.rs: include!(concat!(env!("OUT_DIR"), "/client.rs"));  — a `pub mod generated`
//! ```
//!
//! A workspace that keeps several generated crates lists them in a TOML file ([`project`]);
//! `codegen` regenerates them all and `--check` names what is stale.

pub mod diff;
pub mod emit;
pub mod generate;
pub mod model;
pub mod output;
pub mod project;
pub mod release;
mod settings;
pub mod spec;
pub mod surface;
pub mod vendor;

use std::path::{Path, PathBuf};

pub use settings::{Layout, Settings};

/// Why the generator stopped; printed as one line a person can act on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec is not usable: names the file, the JSON pointer and what is unsupported.
    #[error("{0}")]
    Spec(#[from] spec::SpecError),
    #[error("{0}")]
    Overlay(#[from] spec::overlay::OverlayError),
    /// A generator bug: the emitted tokens were not valid Rust.
    #[error("{0}")]
    Emit(#[from] emit::EmitError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    /// `--check`: the committed output differs from what the specs give.
    #[error("generated files are stale; regenerate them:\n  {}", .0.join("\n  "))]
    Stale(Vec<String>),
    /// A request the generator cannot act on (a bad argument, a missing file, a bad manifest).
    #[error("{0}")]
    Usage(String),
    /// `api-diff --fail-on-breaking` found breaking changes (the report is already printed).
    #[error("{0} breaking change(s) (--fail-on-breaking)")]
    Breaking(usize),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io { path: path.to_owned(), source }
    }
}

/// The generated module for `spec` (with `overlays` applied in order) as one file at `out`,
/// written only if it changed (so Cargo does not rebuild for nothing). For `build.rs`: the file
/// holds `pub mod generated { … }`, to be `include!`d at the crate root of a crate that depends
/// on the runtime (`client-runtime`). Warnings (what the model holds less precisely than the
/// spec says) go to `warn`, one located line each.
pub fn generate_module(
    spec: &Path,
    overlays: &[PathBuf],
    settings: &Settings,
    out: &Path,
    warn: &mut dyn FnMut(&str),
) -> Result<(), Error> {
    let settings = Settings { layout: Layout::SingleFile, ..settings.clone() };
    let api = generate::load_model(spec, overlays, &settings, warn)?;
    let files = emit::emit(&api, &settings)?;
    let text: String = files.iter().map(|f| f.contents.as_str()).collect();
    output::write_if_changed(out, &text)
}
