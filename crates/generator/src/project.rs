//! A workspace of generated crates, listed in a small TOML file (this repository's is
//! `specs/providers.toml`), each regenerated from its spec and the overlays beside it:
//!
//! ```toml
//! generated-by = "`cargo xtask codegen`"   # the @generated header's wording
//! features-by-tag = false                   # small APIs: no Cargo feature per tag
//!
//! [[crate]]
//! name = "utage"                            # what commands call it
//! spec = "specs/utage/openapi.yaml"         # overlays: specs/utage/overlays/*.yaml, in name order
//! dir = "crates/utage"                      # writes dir/src/generated/ and dir/api-surface.txt
//! ```
//!
//! Paths are relative to the folder holding the file's workspace (`root`). Everything a crate's
//! output depends on is in its spec (service facts are `x-` extensions: [`crate::model::service`])
//! or here, so a crate of anyone's is generated the same way as this repository's.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::emit::{self, GeneratedFile};
use crate::model::Api;
use crate::output::{stale_files, write_atomic, write_tree};
use crate::{generate, surface, Error, Settings};

/// The API surface snapshot beside each crate's `src/` (see [`crate::surface`]).
pub const SURFACE_FILE: &str = "api-surface.txt";

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ProjectFile {
    generated_by: Option<String>,
    features_by_tag: Option<bool>,
    runtime_crate: Option<String>,
    strict: Option<bool>,
    #[serde(default)]
    type_mappings: std::collections::BTreeMap<String, String>,
    #[serde(rename = "crate", default)]
    crates: Vec<TargetFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    name: String,
    spec: PathBuf,
    dir: PathBuf,
}

/// The generated crates of one workspace.
#[derive(Clone, Debug)]
pub struct Project {
    /// The folder the paths are relative to.
    pub root: PathBuf,
    pub targets: Vec<Target>,
}

/// One generated crate: its spec, its folder and how it is generated.
#[derive(Clone, Debug)]
pub struct Target {
    pub name: String,
    /// The spec, relative to the project's root.
    pub spec: PathBuf,
    /// The crate's folder, relative to the project's root.
    pub dir: PathBuf,
    pub settings: Settings,
}

impl Project {
    /// Reads the list at `file`; its paths are relative to `root`.
    pub fn load(root: &Path, file: &Path) -> Result<Project, Error> {
        let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
        let parsed: ProjectFile =
            toml::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", file.display())))?;
        let defaults = Settings::default();
        let settings = Settings {
            generated_by: parsed.generated_by.unwrap_or(defaults.generated_by),
            features_by_tag: parsed.features_by_tag.unwrap_or(defaults.features_by_tag),
            runtime_crate: parsed.runtime_crate.unwrap_or(defaults.runtime_crate),
            layout: defaults.layout,
            type_mappings: parsed.type_mappings,
            strict: parsed.strict.unwrap_or(defaults.strict),
        };
        let mut targets: Vec<Target> = Vec::new();
        for t in parsed.crates {
            if targets.iter().any(|other| other.name == t.name) {
                return Err(Error::Usage(format!("{}: two crates named {:?}", file.display(), t.name)));
            }
            targets.push(Target { name: t.name, spec: t.spec, dir: t.dir, settings: settings.clone() });
        }
        Ok(Project { root: root.to_owned(), targets })
    }

    /// The crate called `name`; the error lists the names there are.
    pub fn target(&self, name: &str) -> Result<&Target, Error> {
        self.targets.iter().find(|t| t.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
            Error::Usage(format!("no generated crate {name:?}; one of {names:?}"))
        })
    }

    /// The crate whose spec is `spec` (either path form), if any.
    pub fn target_for_spec(&self, spec: &Path) -> Option<&Target> {
        self.targets.iter().find(|t| spec == t.spec || spec == self.root.join(&t.spec))
    }

    pub fn spec_path(&self, target: &Target) -> PathBuf {
        self.root.join(&target.spec)
    }

    /// `path` relative to the root, with `/` separators: what headers and messages show.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string().replace('\\', "/")
    }

    /// The overlays beside the target's spec, in name order.
    pub fn overlays(&self, target: &Target) -> Result<Vec<PathBuf>, Error> {
        Ok(crate::spec::overlay::overlays_in(&crate::spec::overlay::overlay_dir(&self.spec_path(target)))?)
    }

    /// The model of one crate's spec, overlays applied; warnings printed to stderr.
    pub fn api(&self, target: &Target) -> Result<Api, Error> {
        let spec = self.spec_path(target);
        let overlays = self.overlays(target)?;
        let label = self.relative(&spec);
        let source = generate::source_name(&label, &overlays, |p| self.relative(p));
        generate::build_model(&spec, &overlays, source, &target.settings, &mut |w| eprintln!("warning: {label}: {w}"))
    }

    /// A crate's `src/generated/` files and its API surface, in memory.
    pub fn outputs(&self, target: &Target) -> Result<Output, Error> {
        let api = self.api(target)?;
        Ok(Output {
            generated_dir: self.root.join(&target.dir).join("src/generated"),
            files: emit::emit(&api, &target.settings)?,
            surface_path: self.root.join(&target.dir).join(SURFACE_FILE),
            surface: surface::render(&api),
        })
    }

    /// Regenerates every crate (`check`: writes nothing, fails naming the stale files). All output
    /// is built before anything is written, so a bad spec leaves every crate as it was.
    pub fn codegen(&self, check: bool) -> Result<(), Error> {
        let outputs = self.targets.iter().map(|t| self.outputs(t)).collect::<Result<Vec<_>, _>>()?;
        if check {
            let stale: Vec<String> = outputs.iter().flat_map(Output::stale).map(|p| self.relative(&p)).collect();
            if stale.is_empty() {
                println!("generated code is up to date");
                return Ok(());
            }
            return Err(Error::Stale(stale));
        }
        for output in &outputs {
            write_tree(&output.generated_dir, &output.files)?;
            println!("wrote {} files to {}", output.files.len(), self.relative(&output.generated_dir));
            if std::fs::read_to_string(&output.surface_path).ok().as_deref() != Some(output.surface.as_str()) {
                write_atomic(&output.surface_path, &output.surface)?;
                println!("updated {}", self.relative(&output.surface_path));
            }
        }
        Ok(())
    }

    /// The committed files of one crate that differ from what its spec gives; empty when fresh.
    pub fn stale(&self, target: &Target) -> Result<Vec<String>, Error> {
        Ok(self.outputs(target)?.stale().iter().map(|p| self.relative(p)).collect())
    }
}

/// What one crate's generation writes.
pub struct Output {
    pub generated_dir: PathBuf,
    pub files: Vec<GeneratedFile>,
    pub surface_path: PathBuf,
    pub surface: String,
}

impl Output {
    /// Files on disk that differ from this output (generated files and the surface).
    pub fn stale(&self) -> Vec<PathBuf> {
        let mut stale = stale_files(&self.generated_dir, &self.files);
        if std::fs::read_to_string(&self.surface_path).ok().as_deref() != Some(self.surface.as_str()) {
            stale.push(self.surface_path.clone());
        }
        stale
    }
}

/// The workspace a command runs in: `$XTASK_ROOT` (tests point it at a copy), else the nearest
/// folder at or above the current directory whose `Cargo.toml` has a `[workspace]` table. Never
/// a path compiled into the binary: an installed generator works on the checkout it is run in.
pub fn find_workspace() -> Result<PathBuf, Error> {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return Ok(PathBuf::from(root));
    }
    let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
    for dir in cwd.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        let Ok(table) = text.parse::<toml::Table>() else { continue };
        if table.contains_key("workspace") {
            return Ok(dir.to_path_buf());
        }
    }
    Err(Error::Usage(format!("no Cargo workspace at or above {}; run the command inside the checkout", cwd.display())))
}
