//! Writing generated files: all output is built in memory first, so a bad spec writes nothing;
//! each file is then replaced atomically (a reader never sees half a file) and stale ones removed.
//! Nothing is written or removed through a symlink.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::emit::GeneratedFile;
use crate::Error;

/// Writes `contents` to `path` unless the file already holds exactly that (so a `build.rs` does
/// not make Cargo rebuild for nothing).
pub fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    write_atomic(path, contents)
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
pub fn write_tree(dir: &Path, files: &[GeneratedFile]) -> Result<(), Error> {
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
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Refuses `path` when `dir`, or a directory between it and `path`, is a symlink.
fn refuse_linked_dirs(dir: &Path, path: &Path) -> Result<(), Error> {
    let mut at = path.parent();
    while let Some(d) = at {
        if std::fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink()) {
            let problem = std::io::Error::other("is a symlink: refusing to write generated code through it");
            return Err(Error::io(d, problem));
        }
        if d == dir {
            break;
        }
        at = d.parent();
    }
    Ok(())
}

pub fn write_atomic(path: &Path, contents: &str) -> Result<(), Error> {
    use std::io::Write as _;
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = parent.join(format!(".{name}.tmp"));
    // A leftover (or planted) temporary file, a symlink included, is removed rather than
    // written through: `create_new` never follows a link.
    if std::fs::symlink_metadata(&temp).is_ok() {
        std::fs::remove_file(&temp).map_err(|e| Error::io(&temp, e))?;
    }
    let mut out =
        std::fs::OpenOptions::new().write(true).create_new(true).open(&temp).map_err(|e| Error::io(&temp, e))?;
    out.write_all(contents.as_bytes()).map_err(|e| Error::io(&temp, e))?;
    drop(out);
    // Renaming over a symlink replaces the link itself, never its target.
    std::fs::rename(&temp, path).map_err(|e| Error::io(path, e))
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
