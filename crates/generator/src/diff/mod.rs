//! `cargo xtask api-diff <old> <new>`: two versions of a spec, compared as the Rust API a caller
//! of the generated crate uses, every change classified and the semver bump named.
//!
//! # Classes
//!
//! - **breaking**: code that compiled against the old crate may stop compiling, or a call that
//!   worked may now fail (a request the client used to send is refused by its own checks, a
//!   response it used to decode no longer decodes). Needs a major bump (for 0.x: minor).
//! - **compatible**: additions and relaxations; old code compiles and behaves as before, or
//!   differs only where the server now behaves differently (a new default). Minor (0.x: patch).
//! - **docs-only**: the rustdoc changes and nothing else, or a wire detail the Rust type already
//!   absorbs. Patch.
//!
//! # The rules, and why
//!
//! The generated code decides most of them:
//! - Required parameters and a required body are arguments of `Client::<op>()`, so adding,
//!   removing, reordering or retyping one, or moving a parameter between required and optional,
//!   changes that signature: breaking. Optional parameters are builder setters: adding one is
//!   compatible, removing one is breaking.
//! - `to_request()` checks numeric bounds before sending, so a tightened bound turns a call that
//!   worked into an `InvalidRequest` error: breaking. A loosened bound is compatible. Defaults are
//!   applied by the server, not the client: a changed default is compatible (callers who leave
//!   the parameter unset see the server's new behaviour), reported so it reaches the changelog.
//! - Optional and nullable fields are both `Option<T>`. A field whose Rust type moves between `T`
//!   and `Option<T>` is breaking in either direction and in either kind of type, even where the
//!   wire stays compatible (becoming required in a response): the readers' and constructors' code
//!   no longer type-checks. A change of `required`/`nullable` that keeps the Rust type (an
//!   optional field becoming nullable) is docs-only.
//! - String enums are `#[non_exhaustive]` with an `Unknown(String)` catch-all: adding a value is
//!   compatible, removing one breaking. `oneOf` unions are exhaustive enums: any variant change
//!   is breaking. Error enums are `#[non_exhaustive]`: a new error status is compatible, a removed
//!   one breaking. The success type is `send()`'s return type: changing it is breaking.
//! - Structs have public fields and no `#[non_exhaustive]`, so strictly every new field breaks a
//!   struct literal. Whether that matters depends on who builds the struct, so each named type is
//!   classified by where operations use it (followed through fields, arrays, maps, unions):
//!   * used in a **request** (parameter, body, multipart part) or in both: callers construct it,
//!     so a new field, required or optional, is **breaking**;
//!   * used **only in responses**: the client constructs it and callers read it, so a new field
//!     (and losing the `Default` impl with it) is **compatible**; building such a struct by hand,
//!     say as a test fixture, is not covered by this guarantee and the report says so.
//!     `cargo semver-checks` knows nothing of this and calls these major
//!     (`constructible_struct_adds_field`);
//!   * used by **no operation** (a schema only listed in `components`): treated like a request
//!     type, since nothing says callers do not build it.
//!
//!   The same reasoning covers `ServerVariables`: callers call its setters and never implement
//!   it, so a new server variable is compatible.
//! - A changed auth scheme is breaking (callers need a different credential); dropping auth is
//!   compatible. A changed server URL is compatible: the Rust API is the same and callers who set
//!   `base_url` are unaffected, but it changes where default clients go, so it is reported.
//! - Removing anything a caller can name (operation, parameter, type, field, variant) is breaking;
//!   a removal and an addition of the same shape in the same place (for fields and parameters:
//!   the same type and description) is reported as a rename.
//! - A type that becomes a `pub type` alias of a type of the same shape (an inline shape that
//!   gained a second use, and with it a name for both) is the same Rust type under both names:
//!   compatible, and a parameter, field or body that now names the target is no change at all.
//! - Descriptions, summaries, titles and the spec's `info.version` are docs-only.

mod cli;
mod operations;
mod report;
mod types;
mod usage;

use serde::Serialize;

use crate::model::Api;

pub use cli::{load, load_side, run, run_overlays_only, run_with, Format, Overlays};
pub use report::{json, markdown};

/// How a change affects callers, most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    Breaking,
    Compatible,
    DocsOnly,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
            Class::DocsOnly => "docs-only",
        }
    }
}

/// One change: what kind, how severe, which Rust item (`ListMediaRequest::per_page`,
/// `types::Media::notice`) and what happened to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub class: Class,
    /// A stable snake_case id (`field_removed`), for tools and the test corpus.
    pub kind: &'static str,
    pub item: String,
    pub detail: String,
}

/// The version bump a set of changes needs under the 1.x rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// The same under Cargo's 0.x rules, where `0.y` is the compatibility boundary: breaking →
    /// bump `y`; anything else → bump `z` (an addition may also bump `y` if you want callers to
    /// opt in, but Cargo does not require it).
    pub fn for_0x(self) -> Bump {
        match self {
            Bump::Major => Bump::Minor,
            Bump::Minor | Bump::Patch => Bump::Patch,
            Bump::None => Bump::None,
        }
    }
}

/// Every change between two models, sorted (most severe first, then by item).
#[derive(Clone, Debug)]
pub struct Report {
    pub changes: Vec<Change>,
}

impl Report {
    pub fn bump(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| match c.class {
                Class::Breaking => Bump::Major,
                Class::Compatible => Bump::Minor,
                Class::DocsOnly => Bump::Patch,
            })
            .max()
            .unwrap_or(Bump::None)
    }

    pub fn count(&self, class: Class) -> usize {
        self.changes.iter().filter(|c| c.class == class).count()
    }
}

/// Collects changes; the comparison functions only ever push.
#[derive(Default)]
pub(crate) struct Changes(Vec<Change>);

impl Changes {
    pub(crate) fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.0.push(Change { class, kind, item: item.into(), detail: detail.into() });
    }
}

/// Compares two models of the same API.
pub fn compare(old: &Api, new: &Api) -> Report {
    // A type the new crate keeps as an alias of an identical one (a shape that gained a use and
    // with it a shared name) is the same Rust type: code naming it compiles unchanged.
    let old = &types::through_kept_aliases(old, new);
    let mut out = Changes::default();
    api_level(old, new, &mut out);
    operations::compare(old, new, &mut out);
    let usage = usage::Usage::of(old, new);
    types::compare(old, new, &usage, &mut out);
    let mut changes = out.0;
    changes.sort_by(|a, b| (a.class, &a.item, a.kind, &a.detail).cmp(&(b.class, &b.item, b.kind, &b.detail)));
    changes.dedup();
    Report { changes }
}

fn api_level(old: &Api, new: &Api, out: &mut Changes) {
    use crate::model::Auth;
    if old.auth != new.auth {
        let describe = |a: &Auth| match a {
            Auth::None => "no auth".to_owned(),
            Auth::Bearer => "`Authorization: Bearer`".to_owned(),
            Auth::ApiKeyHeader(h) => format!("API key in header `{h}`"),
            Auth::ApiKeyQuery(q) => format!("API key in query parameter `{q}`"),
            Auth::ApiKeyCookie(c) => format!("API key in cookie `{c}`"),
            Auth::ApiKeyHeaders(h) => format!("API keys in headers `{}`", h.join("`, `")),
            Auth::Basic => "HTTP basic auth".to_owned(),
        };
        let class = if new.auth == Auth::None { Class::Compatible } else { Class::Breaking };
        let detail = format!(
            "{} → {}; callers need the credential the new scheme expects",
            describe(&old.auth),
            describe(&new.auth)
        );
        out.push(class, "auth_changed", "Client (auth)", detail);
    }
    if old.server.url != new.server.url {
        let detail = format!(
            "default base URL `{}` → `{}`; clients that do not set `base_url` now go there",
            old.server.url, new.server.url
        );
        out.push(Class::Compatible, "server_url_changed", "Client (server)", detail);
    }
    for v in &old.server.variables {
        let item = format!("ServerVariables::{}", v.rust_name);
        match new.server.variables.iter().find(|n| n.rust_name == v.rust_name) {
            None => out.push(
                Class::Breaking,
                "server_variable_removed",
                item,
                format!("`{{{}}}` is gone from the server URL", v.name),
            ),
            Some(n) if n.default != v.default => {
                let detail = format!("default {:?} → {:?}", v.default, n.default);
                out.push(Class::Compatible, "server_variable_default_changed", item, detail);
            }
            Some(n) if n.description != v.description => {
                out.push(Class::DocsOnly, "server_variable_docs_changed", item, "description changed");
            }
            Some(_) => {}
        }
    }
    for v in new.server.variables.iter().filter(|v| !old.server.variables.iter().any(|o| o.rust_name == v.rust_name)) {
        let detail = format!(
            "new setter for `{{{}}}` (default {:?}); callers call it, they do not implement the trait",
            v.name, v.default
        );
        out.push(Class::Compatible, "server_variable_added", format!("ServerVariables::{}", v.rust_name), detail);
    }
    let docs = [
        ("title", Some(&old.title), Some(&new.title)),
        ("description", old.description.as_ref(), new.description.as_ref()),
        ("info.version", Some(&old.version), Some(&new.version)),
    ];
    for (what, a, b) in docs {
        if a != b {
            out.push(Class::DocsOnly, "api_docs_changed", "crate docs", format!("{what} changed"));
        }
    }
}
