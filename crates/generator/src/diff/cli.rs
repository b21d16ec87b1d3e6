//! The `api-diff` command: read each side (a file, or `<git-rev>:<path>` through `git show`),
//! apply the overlays beside it (`overlays/` next to the spec, from the same revision) so both
//! sides are the specs as generated, build both models, print the report. `--overlays-only`
//! compares one spec without and with its overlays: what the project asserts beyond the vendor.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{compare, report, Class};
use crate::model::{self, Api, Options};
use crate::spec::overlay::{self, Overlay};
use crate::Error;

/// How the report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            other => Err(format!("{other:?}: expected `markdown` or `json`")),
        }
    }
}

/// Whether a side is read with the overlays beside its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlays {
    Apply,
    Skip,
}

pub fn run(old: &str, new: &str, format: Format, fail_on_breaking: bool) -> Result<(), Error> {
    run_with(old, new, Overlays::Apply, format, fail_on_breaking)
}

pub fn run_with(old: &str, new: &str, overlays: Overlays, format: Format, fail_on_breaking: bool) -> Result<(), Error> {
    let (old_api, new_api) = (load_side(old, overlays)?, load_side(new, overlays)?);
    print_report(&old_api, &new_api, old, new, format, fail_on_breaking)
}

/// `api-diff --overlays-only <spec>`: the spec as written → the spec as generated.
pub fn run_overlays_only(spec: &Path, format: Format, fail_on_breaking: bool) -> Result<(), Error> {
    let spec = spec.to_path_buf();
    let side = spec.display().to_string();
    let (files, overlays) = file_overlays(&spec)?;
    if format == Format::Markdown {
        if files.is_empty() {
            println!("{side} has no overlays ({} is empty or missing)\n", overlay::overlay_dir(&spec).display());
        }
        for o in &overlays {
            println!("overlay {}: {} ({} action(s))", o.file.display(), o.title, o.len());
            for (target, description) in o.targets() {
                println!("  {target}{}", description.map(|d| format!(" — {d}")).unwrap_or_default());
            }
        }
    }
    let text = std::fs::read_to_string(&spec).map_err(|e| Error::io(&spec, e))?;
    let old_api = build(&spec, &text, &[], &side)?;
    let new_api = build(&spec, &text, &overlays, &side)?;
    print_report(
        &old_api,
        &new_api,
        &format!("{side} (as written)"),
        &format!("{side} (with overlays)"),
        format,
        fail_on_breaking,
    )
}

fn print_report(old_api: &Api, new_api: &Api, old: &str, new: &str, format: Format, fail: bool) -> Result<(), Error> {
    let report = compare(old_api, new_api);
    let text = match format {
        Format::Markdown => report::markdown(&report, old, new),
        Format::Json => report::json(&report, old, new),
    };
    print!("{text}");
    let breaking = report.count(Class::Breaking);
    if fail && breaking > 0 {
        return Err(Error::Breaking(breaking));
    }
    Ok(())
}

/// The model of one side as generated: overlays beside the spec applied.
pub fn load(side: &str) -> Result<Api, Error> {
    load_side(side, Overlays::Apply)
}

/// The model of one side. A path that exists is a file; otherwise `rev:path` is read from git
/// (so `HEAD:specs/utage/openapi.yaml` works, and a file whose name contains `:` still wins).
pub fn load_side(side: &str, overlays: Overlays) -> Result<Api, Error> {
    let path = Path::new(side);
    if path.is_file() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let overlays = match overlays {
            Overlays::Apply => file_overlays(path)?.1,
            Overlays::Skip => Vec::new(),
        };
        return build(path, &text, &overlays, side);
    }
    let Some((rev, file)) = side.split_once(':').filter(|(rev, file)| !rev.is_empty() && !file.is_empty()) else {
        return Err(Error::Usage(format!("{side}: no such file (to read a spec from git, write `<rev>:<path>`)")));
    };
    let text = git_show(rev, file)?;
    let overlays = match overlays {
        Overlays::Apply => git_overlays(rev, Path::new(file))?,
        Overlays::Skip => Vec::new(),
    };
    build(Path::new(file), &text, &overlays, side)
}

fn build(path: &Path, text: &str, overlays: &[Overlay], side: &str) -> Result<Api, Error> {
    let spec = overlay::parse_with(path, text, overlays)?;
    Ok(model::build(&spec, &Options { source: side.to_owned(), ..Options::default() })?)
}

fn file_overlays(spec: &Path) -> Result<(Vec<PathBuf>, Vec<Overlay>), Error> {
    let files = overlay::overlays_in(&overlay::overlay_dir(spec))?;
    let overlays = overlay::load_all(spec, &files)?;
    Ok((files, overlays))
}

/// The overlays beside `spec` at revision `rev`, in name order.
fn git_overlays(rev: &str, spec: &Path) -> Result<Vec<Overlay>, Error> {
    let dir = overlay::overlay_dir(spec);
    let dir_text = dir.display().to_string().replace('\\', "/");
    let listing = git(&["ls-tree", "--name-only", &format!("{rev}:{dir_text}")], &format!("{rev}:{dir_text}"));
    // No such folder at that revision: no overlays.
    let Ok(listing) = listing else { return Ok(Vec::new()) };
    let mut names: Vec<&str> =
        listing.lines().filter(|n| [".yaml", ".yml", ".json"].iter().any(|e| n.ends_with(e))).collect();
    names.sort_unstable();
    let mut overlays = Vec::new();
    for name in names {
        let file = dir.join(name);
        let text = git_show(rev, &format!("{dir_text}/{name}"))?;
        let overlay = Overlay::parse(&file, &text).map_err(|e| Error::Usage(format!("at {rev}: {e}")))?;
        overlay.check_extends(spec).map_err(|e| Error::Usage(format!("at {rev}: {e}")))?;
        overlays.push(overlay);
    }
    Ok(overlays)
}

fn git_show(rev: &str, file: &str) -> Result<String, Error> {
    let object = format!("{rev}:{file}");
    git(&["show", "--no-textconv", &object], &object)
}

fn git(args: &[&str], object: &str) -> Result<String, Error> {
    let output =
        Command::new("git").args(args).output().map_err(|e| Error::Usage(format!("{object}: cannot run git: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Error::Usage(format!("{object}: `git {}` failed: {}", args[0], stderr.trim())));
    }
    String::from_utf8(output.stdout).map_err(|_| Error::Usage(format!("{object}: the file is not UTF-8 text")))
}
