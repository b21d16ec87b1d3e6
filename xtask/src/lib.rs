//! `cargo xtask`: the project's generator and maintenance commands, as a library so the
//! integration tests under `xtask/tests/` can drive each stage directly.
//!
//! spec (YAML/JSON) → [`spec`] (parse, resolve) → [`model`] (validate, name, type) →
//! [`emit`] (tokens, prettyplease) → files ([`codegen`], [`generate`]). The review loop reads the
//! model too: [`surface`] (the public API as sorted text), [`diff`] (`api-diff`), [`vendor`] and
//! [`release`]. Overlays ([`spec::overlay`]) apply to a spec's JSON tree before it is parsed.

pub mod codegen;
pub mod diff;
pub mod emit;
pub mod generate;
pub mod model;
pub mod providers;
pub mod release;
pub mod spec;
pub mod surface;
pub mod vendor;

use std::path::{Path, PathBuf};

/// Why a command failed; printed as one line a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("{0}")]
    Spec(#[from] spec::SpecError),
    #[error("{0}")]
    Overlay(#[from] spec::overlay::OverlayError),
    #[error("{0}")]
    Emit(#[from] emit::EmitError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("generated files are stale; run `cargo xtask codegen`:\n  {}", .0.join("\n  "))]
    Stale(Vec<String>),
    #[error("{0}")]
    Usage(String),
    /// `api-diff --fail-on-breaking` found breaking changes (the report is already printed).
    #[error("{0} breaking change(s) (--fail-on-breaking)")]
    Breaking(usize),
}

impl Failure {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Failure::Io { path: path.to_owned(), source }
    }
}
