//! Runs the real `xtask` binary, as a maintainer would.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn xtask() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
}

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn generate(spec: &Path, out: &Path, name: &str) -> Output {
    generate_with(spec, out, name, &[])
}

/// [`generate`] with more flags (`--strict`).
pub fn generate_with(spec: &Path, out: &Path, name: &str, flags: &[&str]) -> Output {
    xtask()
        .arg("generate")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        .arg(runtime_arg())
        .args(flags)
        .output()
        .expect("the xtask binary runs")
}

/// `--runtime path:<this checkout's runtime>`: the generated crates build against it, not a
/// registry (client-runtime is not published from tests).
pub fn runtime_arg() -> String {
    format!("--runtime=path:{}", workspace().join("crates/client-runtime").display())
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file below `dir`, sorted, as `==> path` headers followed by the contents.
pub fn read_tree(dir: &Path) -> String {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("readable dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
            format!("==> {rel}\n{}", std::fs::read_to_string(f).expect("utf-8 file"))
        })
        .collect()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("readable dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
