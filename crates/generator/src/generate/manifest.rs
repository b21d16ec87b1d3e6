//! The generated crate's `Cargo.toml`, and where it gets the runtime from.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use crate::model::Api;
use crate::Error;

/// The runtime's package name.
pub const RUNTIME_PACKAGE: &str = "client-runtime";

/// The runtime version this generator writes code for (checked against the runtime's manifest
/// by a test, so the two move together).
pub const RUNTIME_VERSION: &str = "0.4.0";

/// The runtime beside this generator in the checkout it was built from (`crates/client-runtime`),
/// if that checkout is still there: the default dependency of a generated crate, so the crate
/// builds on this machine before the runtime is published.
fn runtime_beside_generator() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?.join("client-runtime");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    let table: toml::Table = manifest.parse().ok()?;
    let package = table.get("package")?.as_table()?;
    let matches = package.get("name")?.as_str() == Some(RUNTIME_PACKAGE)
        && package.get("version")?.as_str() == Some(RUNTIME_VERSION);
    matches.then_some(dir)
}

/// Where a generated crate gets the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// From a registry: `client-runtime = "X"` (once the runtime is published).
    Version(String),
    /// A local checkout of the runtime, written as a path relative to the crate, with its
    /// version beside it so the crate still passes `cargo package` once the runtime is published.
    Path(PathBuf),
    /// A git repository holding the runtime (Cargo finds the package in it).
    Git(String),
}

impl RuntimeDependency {
    /// The runtime this generator was built from, by relative path and version, when its
    /// checkout is still there (a `cargo install --path` of this repository); else by version.
    pub fn default_for() -> RuntimeDependency {
        match runtime_beside_generator() {
            Some(dir) => RuntimeDependency::Path(dir),
            None => RuntimeDependency::Version(RUNTIME_VERSION.to_owned()),
        }
    }

    /// The value of `client-runtime = …` in the manifest of a crate at `out` (which exists).
    pub fn entry(&self, out: &Path) -> Result<String, Error> {
        match self {
            RuntimeDependency::Version(version) => Ok(toml_string(version)),
            RuntimeDependency::Git(url) => Ok(format!("{{ git = {} }}", toml_string(url))),
            RuntimeDependency::Path(dir) => {
                let manifest_path = dir.join("Cargo.toml");
                let manifest = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
                let table: toml::Table = manifest
                    .parse()
                    .map_err(|e| Error::Usage(format!("{}: not a Cargo manifest: {e}", manifest_path.display())))?;
                let package = table.get("package").and_then(|p| p.as_table());
                if package.and_then(|p| p.get("name")).and_then(|n| n.as_str()) != Some(RUNTIME_PACKAGE) {
                    return Err(Error::Usage(format!(
                        "--runtime path:{}: {} is not the {RUNTIME_PACKAGE} package",
                        dir.display(),
                        manifest_path.display()
                    )));
                }
                let absolute = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
                let out = out.canonicalize().map_err(|e| Error::io(out, e))?;
                let path = relative_path(&out, &absolute).unwrap_or(absolute);
                let path = toml_string(&path.display().to_string().replace('\\', "/"));
                Ok(match package.and_then(|p| p.get("version")).and_then(|v| v.as_str()) {
                    Some(version) => format!("{{ path = {path}, version = {} }}", toml_string(version)),
                    None => format!("{{ path = {path} }}"),
                })
            }
        }
    }
}

impl FromStr for RuntimeDependency {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some(("version", v)) if !v.trim().is_empty() => Ok(RuntimeDependency::Version(v.trim().to_owned())),
            Some(("path", p)) if !p.is_empty() => Ok(RuntimeDependency::Path(PathBuf::from(p))),
            Some(("git", url)) if !url.is_empty() => Ok(RuntimeDependency::Git(url.to_owned())),
            _ => Err(format!("{s:?}: expected `version:X` (e.g. version:0.2), `path:DIR` or `git:URL`")),
        }
    }
}

/// `[package] version` of a manifest.
pub fn package_version(manifest: &str) -> Option<String> {
    let table: toml::Table = manifest.parse().ok()?;
    Some(table.get("package")?.get("version")?.as_str()?.to_owned())
}

/// A TOML basic string (quotes and escapes as TOML wants them).
fn toml_string(text: &str) -> String {
    toml_edit::Value::from(text).to_string().trim().to_owned()
}

/// `to` as seen from `from` (both absolute), e.g. `../client-runtime`.
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common <= 1 {
        return None;
    }
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part.as_os_str());
    }
    Some(path)
}

/// The crate's manifest: a workspace of its own (so it builds even inside another workspace),
/// one feature per tag, all on by default.
pub fn manifest(api: &Api, name: &str, version: &str, runtime: &str) -> String {
    let description = toml_string(&format!("An async Rust client for {} (API version {}).", api.title, api.version));
    let mut text = format!(
        "[package]\nname = {}\nversion = {}\nedition = \"2021\"\nrust-version = \"1.85\"\ndescription = {description}\n\
         license = \"MIT OR Apache-2.0\"\nreadme = \"README.md\"\n\n\
         # A crate of its own, even when written inside another workspace.\n[workspace]\n\n\
         [dependencies]\n{RUNTIME_PACKAGE} = {runtime}\n\n\
         [dev-dependencies]\n# For the README's example (a doctest).\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        toml_string(name),
        toml_string(version),
    );
    if !api.features.is_empty() {
        let quoted: Vec<String> = api.features.iter().map(|f| toml_string(f)).collect();
        text.push_str(&format!("\n[features]\ndefault = [{}]\n", quoted.join(", ")));
        for feature in &api.features {
            text.push_str(&format!("{} = []\n", toml_edit::Key::new(feature.as_str())));
        }
    }
    text
}
