//! `cargo xtask vendor utage <saved-page.md>`: UTAGE publishes its OpenAPI document inside each
//! doc page, as one fenced YAML block (```` ````yaml GET /media ````). This extracts that block
//! into `specs/utage/openapi.yaml` and keeps the page beside it as `source.md`, so the spec can
//! always be traced to, and re-derived from, what the vendor published.
//!
//! The new spec must parse as YAML, load as OpenAPI 3.0 and build into the generator's model
//! before anything is written: a bad page leaves the current spec untouched. Afterwards the
//! command prints the API diff against the spec it replaced.

use std::path::{Path, PathBuf};

use crate::codegen::{find_workspace, write_atomic};
use crate::model::{self, Options};
use crate::spec::Spec;
use crate::{diff, Failure};

/// Providers whose docs carry their spec; the others' specs are written by hand.
const VENDORED: &[&str] = &["utage"];

pub fn run(provider: &str, page: &Path) -> Result<(), Failure> {
    if !VENDORED.contains(&provider) {
        return Err(Failure::Usage(format!(
            "cannot vendor {provider:?}: only {VENDORED:?} publish their spec in their docs; edit specs/{provider}/openapi.yaml by hand"
        )));
    }
    let dir = find_workspace()?.join("specs").join(provider);
    let outcome = vendor_into(page, &dir)?;
    println!("wrote {} and {}", outcome.spec.display(), outcome.source.display());
    match outcome.report {
        Some(report) if report.changes.is_empty() => println!("the generated API is unchanged"),
        Some(report) => print!("\n{}", diff::markdown(&report, "previous spec", "vendored spec")),
        None => {}
    }
    println!(
        "\nnext: `cargo xtask codegen`; review `git diff crates/{provider}/api-surface.txt` and \
         `cargo xtask api-diff HEAD:specs/{provider}/openapi.yaml specs/{provider}/openapi.yaml`; commit"
    );
    Ok(())
}

/// What [`vendor_into`] wrote, and how the API changed if there was a spec before.
pub struct Vendored {
    pub spec: PathBuf,
    pub source: PathBuf,
    /// `None` when there was no previous spec, or it no longer loads.
    pub report: Option<diff::Report>,
}

/// Extracts the page's spec into `dir/openapi.yaml` and copies the page to `dir/source.md`,
/// after validating it; `dir` is a parameter so tests need not touch `specs/`.
pub fn vendor_into(page: &Path, dir: &Path) -> Result<Vendored, Failure> {
    let text = std::fs::read_to_string(page).map_err(|e| Failure::io(page, e))?;
    let yaml = extract(&text).map_err(|message| Failure::Usage(format!("{}: {message}", page.display())))?;
    let spec_path = dir.join("openapi.yaml");
    let refused = |reason: String| {
        Failure::Usage(format!("{reason}\n  (in the OpenAPI block of the page; {} is unchanged)", spec_path.display()))
    };
    // serde_yaml first: its errors carry the line inside the block, which `Spec::parse` rewords.
    if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&yaml) {
        return Err(refused(format!("{}: not valid YAML: {e}", page.display())));
    }
    // Errors name the page: the spec file is not written yet.
    let spec = Spec::parse(page, &yaml).map_err(|e| refused(e.to_string()))?;
    let api =
        model::build(&spec, &Options::default()).map_err(|e| refused(format!("the generator cannot use it: {e}")))?;
    let report = previous(&spec_path).map(|old| diff::compare(&old, &api));
    let source = dir.join("source.md");
    write_atomic(&spec_path, &yaml)?;
    write_atomic(&source, &text)?;
    Ok(Vendored { spec: spec_path, source, report })
}

fn previous(path: &Path) -> Option<model::Api> {
    let text = std::fs::read_to_string(path).ok()?;
    let spec = Spec::parse(path, &text).ok()?;
    model::build(&spec, &Options::default()).ok()
}

/// A fenced code block: its info string, its lines and where it starts (1-based).
struct Block {
    info: String,
    line: usize,
    content: String,
}

/// The one OpenAPI YAML block of a page, with a trailing newline. Fences follow CommonMark: three
/// or more backticks or tildes indented by at most three spaces, closed by a longer-or-equal run
/// of the same character; so the ```` ``` ```` examples inside the spec's descriptions, which are
/// indented, neither open nor close anything.
pub fn extract(page: &str) -> Result<String, String> {
    let blocks = fenced_blocks(page)?;
    let yaml: Vec<&Block> = blocks
        .iter()
        .filter(|b| {
            matches!(b.info.split_whitespace().next().map(str::to_ascii_lowercase).as_deref(), Some("yaml" | "yml"))
        })
        .collect();
    let openapi: Vec<&&Block> = yaml.iter().filter(|b| b.content.lines().any(|l| l.starts_with("openapi:"))).collect();
    match openapi.as_slice() {
        [only] => Ok(only.content.clone()),
        [] if yaml.is_empty() => {
            Err("no ```yaml block found; save the doc page that shows the OpenAPI document".to_owned())
        }
        [] => Err(format!(
            "found {} ```yaml block(s) but none with a top-level `openapi:` key; is this a UTAGE API reference page?",
            yaml.len()
        )),
        several => {
            let lines: Vec<String> = several.iter().map(|b| b.line.to_string()).collect();
            Err(format!(
                "found {} OpenAPI ```yaml blocks (at lines {}); expected exactly one — save a single endpoint's page",
                several.len(),
                lines.join(", ")
            ))
        }
    }
}

fn fenced_blocks(page: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, Block)> = None;
    for (index, raw) in page.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        match &mut open {
            Some((fence, len, block)) => {
                if closes(line, *fence, *len) {
                    if let Some((_, _, block)) = open.take() {
                        blocks.push(block);
                    }
                } else {
                    block.content.push_str(line);
                    block.content.push('\n');
                }
            }
            None => {
                if let Some((fence, len, info)) = opens(line) {
                    open = Some((fence, len, Block { info, line: index + 1, content: String::new() }));
                }
            }
        }
    }
    match open {
        Some((_, _, block)) => {
            Err(format!("the code block opened at line {} is never closed (was the page saved whole?)", block.line))
        }
        None => Ok(blocks),
    }
}

/// `(fence character, run length, info string)` if `line` opens a fenced block.
fn opens(line: &str) -> Option<(char, usize, String)> {
    let rest = strip_indent(line)?;
    let fence = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == fence).count();
    let info = rest[len * fence.len_utf8()..].trim();
    // A backtick fence's info string may not contain backticks (that is inline code).
    (len >= 3 && !(fence == '`' && info.contains('`'))).then(|| (fence, len, info.to_owned()))
}

fn closes(line: &str, fence: char, open_len: usize) -> bool {
    let Some(rest) = strip_indent(line) else { return false };
    let len = rest.chars().take_while(|c| *c == fence).count();
    len >= open_len && rest[len * fence.len_utf8()..].trim().is_empty()
}

/// The line without up to three leading spaces; `None` if it is indented further (code).
fn strip_indent(line: &str) -> Option<&str> {
    let spaces = line.len() - line.trim_start_matches(' ').len();
    (spaces <= 3).then(|| &line[spaces..])
}
