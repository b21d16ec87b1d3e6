//! `cargo xtask codegen [--check]`: every provider's spec → its crate's `src/generated/`.
//! All output is built in memory first, so a bad spec writes nothing; files are then replaced
//! atomically and stale ones removed.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::{self, GeneratedFile};
use crate::model::{self, Api};
use crate::providers::{Provider, PROVIDERS};
use crate::spec::overlay;
use crate::{surface, Failure};

/// The workspace root, or `.` when there is none (see [`find_workspace`] for the error).
pub fn workspace_root() -> PathBuf {
    find_workspace().unwrap_or_else(|_| PathBuf::from("."))
}

/// The workspace `cargo xtask` runs in: `$XTASK_ROOT` (tests point it at a copy), else the
/// nearest folder at or above the current directory whose `Cargo.toml` has a `[workspace]`
/// table. Never a path compiled into the binary: an installed or copied xtask works on the
/// checkout it is run in.
pub fn find_workspace() -> Result<PathBuf, Failure> {
    if let Some(root) = std::env::var_os("XTASK_ROOT") {
        return Ok(PathBuf::from(root));
    }
    let cwd = std::env::current_dir().map_err(|e| Failure::io(Path::new("."), e))?;
    for dir in cwd.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else { continue };
        if text.lines().any(|line| line.trim() == "[workspace]") {
            return Ok(dir.to_path_buf());
        }
    }
    Err(Failure::Usage(format!(
        "no Cargo workspace at or above {}; run `cargo xtask` inside the checkout",
        cwd.display()
    )))
}

/// The model of one provider's spec, with its overlays (`specs/<provider>/overlays/*.yaml`, in
/// name order) applied.
pub fn provider_api(root: &Path, provider: &Provider) -> Result<Api, Failure> {
    let spec_path = root.join(provider.spec);
    let overlays = overlay::overlays_in(&overlay::overlay_dir(&spec_path))?;
    let spec = overlay::load_with(&spec_path, &overlays)?;
    let relative = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string().replace('\\', "/");
    let options = provider.model_options(source_name(&relative(&spec_path), &overlays, relative));
    let api = model::build(&spec, &options)?;
    for warning in spec.origin.warnings.iter().chain(&api.warnings) {
        eprintln!("warning: {}: at {}: {}", relative(&spec_path), warning.pointer, warning.message);
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

/// The files of one provider's `src/generated/`, in memory.
pub fn provider_files(root: &Path, provider: &Provider) -> Result<Vec<GeneratedFile>, Failure> {
    Ok(emit::emit(&provider_api(root, provider)?)?)
}

/// The API surface snapshot beside each crate's `src/` (see [`crate::surface`]).
pub const SURFACE_FILE: &str = "api-surface.txt";

pub fn run(check: bool) -> Result<(), Failure> {
    let root = find_workspace()?;
    let mut outputs = Vec::new();
    let mut surfaces = Vec::new();
    for provider in PROVIDERS {
        let dir = root.join(provider.crate_dir).join("src/generated");
        let api = provider_api(&root, provider)?;
        outputs.push((dir, emit::emit(&api)?));
        surfaces.push((root.join(provider.crate_dir).join(SURFACE_FILE), surface::render(&api)));
    }
    if check {
        let stale_surfaces = surfaces
            .iter()
            .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()))
            .map(|(path, _)| path.clone());
        let stale: Vec<String> = outputs
            .iter()
            .flat_map(|(dir, files)| stale_files(dir, files))
            .chain(stale_surfaces)
            .map(|p| p.strip_prefix(&root).unwrap_or(&p).display().to_string())
            .collect();
        if stale.is_empty() {
            println!("generated code is up to date");
            return Ok(());
        }
        return Err(Failure::Stale(stale));
    }
    for (dir, files) in &outputs {
        write_tree(dir, files)?;
        println!("wrote {} files to {}", files.len(), dir.strip_prefix(&root).unwrap_or(dir).display());
    }
    for (path, text) in &surfaces {
        if std::fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
            write_atomic(path, text)?;
            println!("updated {}", path.strip_prefix(&root).unwrap_or(path).display());
        }
    }
    Ok(())
}

/// The committed files of one provider's crate (`src/generated/`, the API surface) that differ
/// from what its spec and overlays give, relative to `root`; empty when fresh.
pub fn provider_stale(root: &Path, provider: &Provider) -> Result<Vec<String>, Failure> {
    let api = provider_api(root, provider)?;
    let dir = root.join(provider.crate_dir).join("src/generated");
    let mut stale = stale_files(&dir, &emit::emit(&api)?);
    let surface_path = root.join(provider.crate_dir).join(SURFACE_FILE);
    if std::fs::read_to_string(&surface_path).ok().as_deref() != Some(surface::render(&api).as_str()) {
        stale.push(surface_path);
    }
    Ok(stale.iter().map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string()).collect())
}

/// Files that differ from, are missing from, or are not part of the expected output.
pub fn stale_files(dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for file in files {
        let path = dir.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            stale.push(path);
        }
    }
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    stale.extend(existing_files(dir).into_iter().filter(|p| !expected.contains(p)));
    stale
}

/// Replaces `dir`'s contents with `files`: each written to a temporary file and renamed, so no
/// reader ever sees half a file; files not in the new set are removed.
///
/// Nothing is written or removed through a symlink: a link at `dir`, or at a directory inside it,
/// is refused (it could lead out of the tree); a link in place of a file is replaced, not followed.
pub fn write_tree(dir: &Path, files: &[GeneratedFile]) -> Result<(), Failure> {
    for file in files {
        let path = dir.join(&file.path);
        refuse_linked_dirs(dir, &path)?;
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link && std::fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        write_atomic(&path, &file.contents)?;
    }
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| dir.join(&f.path)).collect();
    for path in existing_files(dir) {
        if !expected.contains(&path) {
            std::fs::remove_file(&path).map_err(|e| Failure::io(&path, e))?;
        }
    }
    Ok(())
}

/// Refuses `path` when `dir`, or a directory between it and `path`, is a symlink.
fn refuse_linked_dirs(dir: &Path, path: &Path) -> Result<(), Failure> {
    let mut at = path.parent();
    while let Some(d) = at {
        if std::fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink()) {
            let problem = std::io::Error::other("is a symlink: refusing to write generated code through it");
            return Err(Failure::io(d, problem));
        }
        if d == dir {
            break;
        }
        at = d.parent();
    }
    Ok(())
}

pub fn write_atomic(path: &Path, contents: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Failure::io(parent, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = parent.join(format!(".{name}.tmp"));
    // A leftover (or planted) temporary file, a symlink included, is removed rather than
    // written through: `create_new` never follows a link.
    if std::fs::symlink_metadata(&temp).is_ok() {
        std::fs::remove_file(&temp).map_err(|e| Failure::io(&temp, e))?;
    }
    let mut out =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&temp).map_err(|e| Failure::io(&temp, e))?;
    out.write_all(contents.as_bytes()).map_err(|e| Failure::io(&temp, e))?;
    drop(out);
    // Renaming over a symlink replaces the link itself, never its target.
    std::fs::rename(&temp, path).map_err(|e| Failure::io(path, e))
}

fn existing_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    // A linked `dir` is not walked: its files are elsewhere.
    if std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return found;
    }
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            // The entry's own type: a symlink to a directory is a link to remove, not a
            // directory to walk (it could lead out of the tree).
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
