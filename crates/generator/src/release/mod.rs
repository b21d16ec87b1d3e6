//! A release of a generated crate whose version and changelog follow the API diff
//! (`openapi-clientgen release`, `cargo xtask release <provider>`).
//!
//! # What records a release
//!
//! `<crate>/released/openapi.json` is the spec as generated (overlays applied, so one
//! self-contained file) at the crate's last release, and the crate's `Cargo.toml` `version` is
//! that release's version. Both are committed; nothing depends on git tags, so a fresh clone and
//! the tests see the same history.
//!
//! # What the command does
//!
//! 1. Refuses if the crate's committed generated code or API surface is stale (the release would
//!    describe code that is not in the tree): regenerate first.
//! 2. Compares the released spec with the current one (overlays applied) with `api-diff`;
//!    refuses when the generated API did not change.
//! 3. Bumps the version as the report says (0.x: breaking → 0.y+1.0, anything else → 0.y.z+1),
//!    in the crate's `Cargo.toml` and, inside a workspace, in the root `[workspace.dependencies]`
//!    entry.
//! 4. Writes the `CHANGELOG.md` entry (breaking / added / changed / docs, in Rust-API terms).
//! 5. Records the current spec in `released/openapi.json`.
//! 6. Where `cargo semver-checks` is installed, runs it on the two versions of the generated
//!    crate and prints its verdict beside ours (the two differ on purpose in known places: see
//!    `crates/generator/src/diff/mod.rs`).
//!
//! The first run, with no `released/` yet, records the current spec as the release of the
//! current version and starts the changelog.

pub mod plan;

use std::path::Path;
use std::process::Command;

use crate::diff;
use crate::generate::{self, package_version, RuntimeDependency};
use crate::model::{self, Api};
use crate::output::write_atomic;
use crate::project::{Project, Target};
use crate::spec::{overlay, Spec};
use crate::Error;

pub use plan::{plan, Plan, Version};

/// The released spec, inside the crate's folder.
pub const RELEASED_SPEC: &str = "released/openapi.json";

pub struct ReleaseOptions {
    /// The changelog's date (default: today, UTC).
    pub date: Option<String>,
    /// Print the plan; write nothing.
    pub dry_run: bool,
    /// Do not run `cargo semver-checks` even where it is installed.
    pub no_semver_checks: bool,
}

/// Releases `target` of `project` (the project's root is where the root manifest is updated).
pub fn run(project: &Project, target: &Target, options: &ReleaseOptions) -> Result<(), Error> {
    let root = project.root.clone();
    let provider = target;
    let stale = project.stale(target)?;
    if !stale.is_empty() {
        return Err(Error::Usage(format!(
            "refusing to release {}: its committed generated output is stale (regenerate it and commit):\n  {}",
            provider.name,
            stale.join("\n  ")
        )));
    }
    let crate_dir = root.join(&provider.dir);
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let package = package_field(&manifest, "name")
        .ok_or_else(|| Error::Usage(format!("{}: no package name", manifest_path.display())))?;
    let version_text = package_version(&manifest).ok_or_else(|| {
        Error::Usage(format!("{}: no `version = \"…\"` of its own in [package]", manifest_path.display()))
    })?;
    let previous =
        Version::parse(&version_text).map_err(|e| Error::Usage(format!("{}: {e}", manifest_path.display())))?;
    let date = options.date.clone().unwrap_or_else(plan::today);
    let released_path = crate_dir.join(RELEASED_SPEC);
    let current_tree = current_spec(project, provider)?;
    let changelog_path = crate_dir.join("CHANGELOG.md");
    let changelog = std::fs::read_to_string(&changelog_path).ok();

    if !released_path.is_file() {
        let entry = format!(
            "## {previous} — {date}\n\nFirst release recorded: the API generated from {} as of this release.\n",
            spec_label(project, provider)?
        );
        println!("{package}: no release recorded yet; recording {previous} as released");
        if options.dry_run {
            print!("\n{entry}");
            return Ok(());
        }
        write_atomic(&changelog_path, &plan::with_entry(changelog.as_deref(), &package, &entry))?;
        write_atomic(&released_path, &pretty(&current_tree))?;
        println!("wrote {} and {}", rel(&root, &changelog_path), rel(&root, &released_path));
        return Ok(());
    }

    let released = released_api(&released_path, project, provider)?;
    let current = project.api(provider)?;
    let report = diff::compare(&released, &current);
    let source = spec_label(project, provider)?;
    let Some(plan) = plan::plan(&package, previous, &report, &date, &source) else {
        return Err(Error::Usage(format!(
            "nothing to release: the API generated for {package} is the same as in the {previous} release"
        )));
    };
    println!("{package}: {} → {} ({} under 1.x rules)", plan.previous, plan.next, plan.bump.as_str());
    if !options.no_semver_checks {
        println!("{}", semver_checks(project, provider, &package, &released_path, &plan));
    }
    if options.dry_run {
        print!("\n{}", plan.entry);
        return Ok(());
    }
    let manifest = with_package_version(&manifest, &plan.next.to_string())
        .ok_or_else(|| Error::Usage(format!("{}: cannot find its version line", manifest_path.display())))?;
    write_atomic(&manifest_path, &manifest)?;
    let root_manifest = root.join("Cargo.toml");
    if root_manifest != manifest_path {
        if let Ok(text) = std::fs::read_to_string(&root_manifest) {
            if let Some(updated) = with_dependency_version(&text, &package, &plan.next.to_string()) {
                write_atomic(&root_manifest, &updated)?;
            }
        }
    }
    write_atomic(&changelog_path, &plan::with_entry(changelog.as_deref(), &package, &plan.entry))?;
    write_atomic(&released_path, &pretty(&current_tree))?;
    print!("\n{}", plan.entry);
    println!(
        "\nwrote {}, {} and {}; commit them with the Cargo.lock the next build updates",
        rel(&root, &manifest_path),
        rel(&root, &changelog_path),
        rel(&root, &released_path)
    );
    Ok(())
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// `specs/utage/openapi.yaml` (with overlays …), for the changelog.
fn spec_label(project: &Project, target: &Target) -> Result<String, Error> {
    let overlays = project.overlays(target)?;
    let spec = project.relative(&project.spec_path(target));
    Ok(format!("`{}`", generate::source_name(&spec, &overlays, |p| project.relative(p))))
}

fn current_spec(project: &Project, target: &Target) -> Result<serde_json::Value, Error> {
    overlay::overlaid_tree(&project.spec_path(target), &project.overlays(target)?)
}

/// The released spec's model, built as the crate's is (so features and names match).
pub fn released_api(path: &Path, project: &Project, target: &Target) -> Result<Api, Error> {
    let spec = Spec::load(path)?;
    let options = model::Options {
        source: project.relative(&project.spec_path(target)),
        features_by_tag: target.settings.features_by_tag,
        type_mappings: target.settings.type_mappings.clone(),
        strict: target.settings.strict,
    };
    Ok(model::build(&spec, &options)?)
}

fn pretty(tree: &serde_json::Value) -> String {
    // A JSON tree of strings, numbers and maps always serialises.
    serde_json::to_string_pretty(tree).unwrap_or_default() + "\n"
}

/// `key = "…"` of a manifest's `[package]` table.
pub fn package_field(manifest: &str, key: &str) -> Option<String> {
    let table: toml::Table = manifest.parse().ok()?;
    Some(table.get("package")?.get(key)?.as_str()?.to_owned())
}

/// The manifest with `[package]`'s own `version` set (formatting and comments kept); `None`
/// when it has none of its own (`version.workspace = true`) or does not parse.
pub fn with_package_version(manifest: &str, version: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let package = doc.get_mut("package")?.as_table_like_mut()?;
    let current = package.get_mut("version")?;
    current.as_str()?;
    let decor = current.as_value()?.decor().clone();
    let mut value = toml_edit::Value::from(version);
    *value.decor_mut() = decor;
    *current = toml_edit::Item::Value(value);
    Some(doc.to_string())
}

/// The root manifest with the `[workspace.dependencies]` entry of `package` requiring `version`
/// (formatting kept); `None` if it has no such entry with a version.
pub fn with_dependency_version(manifest: &str, package: &str, version: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = manifest.parse().ok()?;
    let entry = doc.get_mut("workspace")?.get_mut("dependencies")?.get_mut(package)?;
    let table = entry.as_table_like_mut()?;
    let current = table.get_mut("version")?;
    current.as_str()?;
    let decor = current.as_value()?.decor().clone();
    let mut value = toml_edit::Value::from(version);
    *value.decor_mut() = decor;
    *current = toml_edit::Item::Value(value);
    Some(doc.to_string())
}

/// `cargo semver-checks` on the generated crate, released spec → current spec, as one line.
fn semver_checks(project: &Project, provider: &Target, package: &str, released: &Path, plan: &Plan) -> String {
    let root = &project.root;
    let installed = Command::new("cargo").args(["semver-checks", "--version"]).output();
    if !installed.is_ok_and(|o| o.status.success()) {
        return "cargo semver-checks: not installed, skipped (cargo install cargo-semver-checks --locked)".to_owned();
    }
    let work = root.join("target/release-check").join(&provider.name);
    let _ = std::fs::remove_dir_all(&work);
    let overlays = match project.overlays(provider) {
        Ok(files) => files,
        Err(e) => return format!("cargo semver-checks: skipped: {e}"),
    };
    let (old, new) = (work.join("old"), work.join("new"));
    let sides = [(released.to_path_buf(), Vec::new(), &old), (project.spec_path(provider), overlays, &new)];
    for (spec, overlays, out) in &sides {
        let request = generate::Request {
            spec: spec.clone(),
            out: (*out).clone(),
            name: Some(package.to_owned()),
            overlays: overlays.clone(),
            runtime: Some(RuntimeDependency::default_for()),
            settings: provider.settings.clone(),
        };
        if let Err(e) = generate::generate(&request, &mut |_| {}) {
            return format!("cargo semver-checks: skipped: cannot generate {}: {e}", out.display());
        }
    }
    let release_type = plan.previous.release_type(plan.next);
    let output = Command::new("cargo")
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(&old)
        .args(["--release-type", release_type])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output();
    let output = match output {
        Ok(output) => output,
        Err(e) => return format!("cargo semver-checks: could not run: {e}"),
    };
    let log = work.join("semver-checks.log");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::write(&log, &text);
    let verdict = if output.status.success() {
        format!("no semver violation for a {release_type} release")
    } else if text.contains("requires new major version") {
        "requires a new major version".to_owned()
    } else if text.contains("requires new minor version") {
        "requires a new minor version".to_owned()
    } else {
        "failed".to_owned()
    };
    format!(
        "cargo semver-checks (generated crate, {} → {}): {verdict}; ours: {} ({}); log: {}",
        plan.previous,
        plan.next,
        plan.bump.as_str(),
        release_type,
        rel(root, &log)
    )
}
