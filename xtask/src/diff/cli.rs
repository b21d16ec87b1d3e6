//! The `api-diff` command: read each side (a file, or `<git-rev>:<path>` through `git show`),
//! build both models, print the report.

use std::path::Path;
use std::process::Command;

use super::{compare, report, Class};
use crate::model::{self, Api, Options};
use crate::spec::Spec;
use crate::Failure;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

pub fn run(old: &str, new: &str, format: Format, fail_on_breaking: bool) -> Result<(), Failure> {
    let (old_api, new_api) = (load(old)?, load(new)?);
    let report = compare(&old_api, &new_api);
    let text = match format {
        Format::Markdown => report::markdown(&report, old, new),
        Format::Json => report::json(&report, old, new),
    };
    print!("{text}");
    let breaking = report.count(Class::Breaking);
    if fail_on_breaking && breaking > 0 {
        return Err(Failure::Breaking(breaking));
    }
    Ok(())
}

/// The model of one side. A path that exists is a file; otherwise `rev:path` is read from git
/// (so `HEAD:specs/utage/openapi.yaml` works, and a file whose name contains `:` still wins).
pub fn load(side: &str) -> Result<Api, Failure> {
    let path = Path::new(side);
    let text = if path.is_file() {
        std::fs::read_to_string(path).map_err(|e| Failure::io(path, e))?
    } else if let Some((rev, file)) = side.split_once(':').filter(|(rev, file)| !rev.is_empty() && !file.is_empty()) {
        git_show(rev, file)?
    } else {
        return Err(Failure::Usage(format!("{side}: no such file (to read a spec from git, write `<rev>:<path>`)")));
    };
    let spec = Spec::parse(path, &text)?;
    Ok(model::build(&spec, &Options { source: side.to_owned(), rate_limits: Vec::new(), ..Options::default() })?)
}

fn git_show(rev: &str, file: &str) -> Result<String, Failure> {
    let object = format!("{rev}:{file}");
    let output = Command::new("git")
        .args(["show", "--no-textconv", &object])
        .output()
        .map_err(|e| Failure::Usage(format!("{object}: cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Failure::Usage(format!("{object}: `git show` failed: {}", stderr.trim())));
    }
    String::from_utf8(output.stdout).map_err(|_| Failure::Usage(format!("{object}: the file is not UTF-8 text")))
}
