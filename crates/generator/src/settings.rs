//! Every choice the generator takes from its caller rather than from the spec.

use std::collections::BTreeMap;

/// How generated code is written and what it depends on. [`Settings::default`] is what the
/// `openapi-clientgen` command uses; a `build.rs` or a workspace task changes what it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Who the `@generated` header (and the crate's README) says wrote the files, e.g.
    /// `` `cargo xtask codegen` ``.
    pub generated_by: String,
    /// The runtime crate as generated code names it in Rust (`client_runtime`). Another name —
    /// a renamed dependency, a fork — is brought in as `client_runtime` by one `use` per file.
    pub runtime_crate: String,
    /// Group operations by their first tag behind Cargo features (all on by default), so a user
    /// of a few endpoints of a big API compiles only those and the types they reach.
    pub features_by_tag: bool,
    /// Files under `src/generated/`, or one file for `include!` from a `build.rs`.
    pub layout: Layout,
    /// Generated type name → a Rust type of the caller's own used in its place (a path such as
    /// `my_crate::Money`; it must serialize and deserialize the same JSON and derive `Clone`,
    /// `Debug`, `PartialEq`), as progenitor's replacements: the named type is not generated,
    /// every field and operation naming it takes the caller's type.
    pub type_mappings: BTreeMap<String, String>,
    /// Refuse the spec at the first construct the model cannot hold. Off: what the model cannot
    /// hold costs the smallest unit containing it — a field or type (`serde_json::Value`), an
    /// optional parameter, an operation (skipped whole, never half-built) — with one located
    /// warning each, and the API surface lists the skipped operations.
    pub strict: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            generated_by: "`openapi-clientgen`".to_owned(),
            runtime_crate: "client_runtime".to_owned(),
            features_by_tag: true,
            layout: Layout::Modules,
            type_mappings: BTreeMap::new(),
            strict: false,
        }
    }
}

/// The shape of the generated source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `mod.rs`, `client.rs`, `types.rs`, `operations/*.rs`: a module tree to commit, mounted
    /// with `mod generated;`.
    Modules,
    /// One `generated.rs` holding `pub mod generated { … }` with the same modules inline, for
    /// `include!(concat!(env!("OUT_DIR"), "/generated.rs"))`.
    SingleFile,
}
