//! `cargo xtask release <provider>`: a release whose version and changelog follow the API diff.
//!
//! # What records a release
//!
//! `crates/<provider>/released/openapi.json` is the spec as generated (overlays applied, so one
//! self-contained file) at the crate's last release, and the crate's `Cargo.toml` `version` is
//! that release's version. Both are committed; nothing depends on git tags, so a fresh clone and
//! the tests see the same history.
//!
//! # What the command does
//!
//! 1. Refuses if the crate's committed generated code or API surface is stale (the release would
//!    describe code that is not in the tree): run `cargo xtask codegen` first.
//! 2. Compares the released spec with the current one (overlays applied) with `api-diff`;
//!    refuses when the generated API did not change.
//! 3. Bumps the version as the report says (0.x: breaking → 0.y+1.0, anything else → 0.y.z+1),
//!    in the crate's `Cargo.toml` and in the root `[workspace.dependencies]` entry.
//! 4. Writes the `CHANGELOG.md` entry (breaking / added / changed / docs, in Rust-API terms).
//! 5. Records the current spec in `released/openapi.json`.
//! 6. Where `cargo semver-checks` is installed, runs it on the two versions of the generated
//!    crate and prints its verdict beside ours (the two differ on purpose in known places: see
//!    `xtask/src/diff/mod.rs`).
//!
//! The first run, with no `released/` yet, records the current spec as the release of the
//! current version and starts the changelog.

pub mod plan;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::codegen::{find_workspace, provider_api, provider_stale, write_atomic};
use crate::diff;
use crate::generate::{self, package_version, Runtime};
use crate::model::{self, Api};
use crate::providers::{Provider, PROVIDERS};
use crate::spec::{overlay, Spec};
use crate::Failure;

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

pub fn run(provider_name: &str, options: &ReleaseOptions) -> Result<(), Failure> {
    let root = find_workspace()?;
    let provider = PROVIDERS.iter().find(|p| p.name == provider_name).ok_or_else(|| {
        let names: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
        Failure::Usage(format!("no provider {provider_name:?}; one of {names:?}"))
    })?;
    let stale = provider_stale(&root, provider)?;
    if !stale.is_empty() {
        return Err(Failure::Usage(format!(
            "refusing to release {}: its committed generated output is stale (run `cargo xtask codegen` and commit):\n  {}",
            provider.name,
            stale.join("\n  ")
        )));
    }
    let crate_dir = root.join(provider.crate_dir);
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| Failure::io(&manifest_path, e))?;
    let package = package_field(&manifest, "name")
        .ok_or_else(|| Failure::Usage(format!("{}: no package name", manifest_path.display())))?;
    let version_text = package_version(&manifest).ok_or_else(|| {
        Failure::Usage(format!("{}: no `version = \"…\"` of its own in [package]", manifest_path.display()))
    })?;
    let previous =
        Version::parse(&version_text).map_err(|e| Failure::Usage(format!("{}: {e}", manifest_path.display())))?;
    let date = options.date.clone().unwrap_or_else(plan::today);
    let released_path = crate_dir.join(RELEASED_SPEC);
    let current_tree = current_spec(&root, provider)?;
    let changelog_path = crate_dir.join("CHANGELOG.md");
    let changelog = std::fs::read_to_string(&changelog_path).ok();

    if !released_path.is_file() {
        let entry = format!(
            "## {previous} — {date}\n\nFirst release recorded by `cargo xtask release`: the API generated from \
             {} as of this release.\n",
            spec_label(provider, &root)?
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

    let released = released_api(&released_path, provider)?;
    let current = provider_api(&root, provider)?;
    let report = diff::compare(&released, &current);
    let source = spec_label(provider, &root)?;
    let Some(plan) = plan::plan(&package, previous, &report, &date, &source) else {
        return Err(Failure::Usage(format!(
            "nothing to release: the API generated for {package} is the same as in the {previous} release"
        )));
    };
    println!("{package}: {} → {} ({} under 1.x rules)", plan.previous, plan.next, plan.bump.as_str());
    if !options.no_semver_checks {
        println!("{}", semver_checks(&root, provider, &package, &released_path, &plan));
    }
    if options.dry_run {
        print!("\n{}", plan.entry);
        return Ok(());
    }
    let manifest = with_package_version(&manifest, &plan.next.to_string())
        .ok_or_else(|| Failure::Usage(format!("{}: cannot find its version line", manifest_path.display())))?;
    write_atomic(&manifest_path, &manifest)?;
    let root_manifest = root.join("Cargo.toml");
    if let Ok(text) = std::fs::read_to_string(&root_manifest) {
        if let Some(updated) = with_dependency_version(&text, &package, &plan.next.to_string()) {
            write_atomic(&root_manifest, &updated)?;
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

fn overlay_files(root: &Path, provider: &Provider) -> Result<Vec<PathBuf>, Failure> {
    Ok(overlay::overlays_in(&overlay::overlay_dir(&root.join(provider.spec)))?)
}

/// `specs/utage/openapi.yaml` (with overlays …), for the changelog.
fn spec_label(provider: &Provider, root: &Path) -> Result<String, Failure> {
    let overlays = overlay_files(root, provider)?;
    let name = |p: &Path| rel(root, p).replace('\\', "/");
    Ok(format!("`{}`", crate::codegen::source_name(provider.spec, &overlays, name)))
}

fn current_spec(root: &Path, provider: &Provider) -> Result<serde_json::Value, Failure> {
    overlay::overlaid_tree(&root.join(provider.spec), &overlay_files(root, provider)?)
}

/// The released spec's model, built as the provider's (so rate limits and names match).
pub fn released_api(path: &Path, provider: &Provider) -> Result<Api, Failure> {
    let spec = Spec::load(path)?;
    let options = provider.model_options(provider.spec.to_owned());
    Ok(model::build(&spec, &options)?)
}

fn pretty(tree: &serde_json::Value) -> String {
    // A JSON tree of strings, numbers and maps always serialises.
    serde_json::to_string_pretty(tree).unwrap_or_default() + "\n"
}

/// `key = "…"` of a manifest's `[package]` table.
pub fn package_field(manifest: &str, key: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            let Some(rest) = line.strip_prefix(key) else { continue };
            let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
            return Some(value.trim().trim_matches('"').to_owned());
        }
    }
    None
}

/// The manifest with `[package]`'s `version = "…"` set to `version`, other lines untouched.
pub fn with_package_version(manifest: &str, version: &str) -> Option<String> {
    let mut in_package = false;
    let mut done = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package && !done && trimmed.starts_with("version") && trimmed[7..].trim_start().starts_with('=') {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
            continue;
        }
        out.push_str(line);
    }
    done.then_some(out)
}

/// The root manifest with the `package = { path = …, version = "…" }` entry of
/// `[workspace.dependencies]` requiring `version`; `None` if there is no such entry.
pub fn with_dependency_version(manifest: &str, package: &str, version: &str) -> Option<String> {
    let mut changed = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let is_entry = line.trim_start().strip_prefix(package).is_some_and(|r| r.trim_start().starts_with('='));
        if let (true, Some(start)) = (is_entry, line.find("version = \"")) {
            let value_start = start + "version = \"".len();
            if let Some(len) = line[value_start..].find('"') {
                out.push_str(&line[..value_start]);
                out.push_str(version);
                out.push_str(&line[value_start + len..]);
                changed = true;
                continue;
            }
        }
        out.push_str(line);
    }
    changed.then_some(out)
}

/// `cargo semver-checks` on the generated crate, released spec → current spec, as one line.
fn semver_checks(root: &Path, provider: &Provider, package: &str, released: &Path, plan: &Plan) -> String {
    let installed = Command::new("cargo").args(["semver-checks", "--version"]).output();
    if !installed.is_ok_and(|o| o.status.success()) {
        return "cargo semver-checks: not installed, skipped (cargo install cargo-semver-checks --locked)".to_owned();
    }
    let work = root.join("target/release-check").join(provider.name);
    let _ = std::fs::remove_dir_all(&work);
    let runtime = Some(Runtime::Path(root.join("crates/client-runtime")));
    let overlays = match overlay_files(root, provider) {
        Ok(files) => files,
        Err(e) => return format!("cargo semver-checks: skipped: {e}"),
    };
    let (old, new) = (work.join("old"), work.join("new"));
    let sides = [(released.to_path_buf(), Vec::new(), &old), (root.join(provider.spec), overlays, &new)];
    for (spec, overlays, out) in &sides {
        let request = generate::Request { spec, out, name: Some(package), overlays, runtime: runtime.clone() };
        if let Err(e) = generate::run(&request) {
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
