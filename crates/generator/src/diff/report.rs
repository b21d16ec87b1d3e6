//! The report as Markdown (for a pull request) or JSON (for tools and the test corpus).

use super::{Bump, Class, Report};

/// What each bump means for the 1.x rules and for these 0.x crates.
fn bump_sentence(bump: Bump) -> String {
    match bump {
        Bump::None => "No change to the generated API: no release needed.".to_owned(),
        Bump::Major => "**major** under 1.x rules. These crates are 0.x, where the minor version is the breaking \
                        boundary: bump it (0.1.3 → 0.2.0)."
            .to_owned(),
        Bump::Minor => "**minor** under 1.x rules. For these 0.x crates that is a patch release (0.1.3 → 0.1.4): Cargo \
                        treats 0.1.x versions as compatible; bump the minor version instead only if callers should opt in."
            .to_owned(),
        Bump::Patch => "**patch** (0.1.3 → 0.1.4), under 1.x and 0.x rules alike.".to_owned(),
    }
}

pub fn markdown(report: &Report, old: &str, new: &str) -> String {
    let mut text = format!("## API diff: `{old}` → `{new}`\n\n");
    text.push_str(&format!(
        "Semver: {}\n\n{} breaking, {} compatible, {} docs-only.\n",
        bump_sentence(report.bump()),
        report.count(Class::Breaking),
        report.count(Class::Compatible),
        report.count(Class::DocsOnly)
    ));
    let sections = [
        (Class::Breaking, "Breaking", "callers' code may stop compiling or working"),
        (Class::Compatible, "Compatible", "additions and relaxations"),
        (Class::DocsOnly, "Docs only", "rustdoc or wire details the Rust types absorb"),
    ];
    for (class, title, blurb) in sections {
        let changes: Vec<_> = report.changes.iter().filter(|c| c.class == class).collect();
        if changes.is_empty() {
            continue;
        }
        text.push_str(&format!("\n### {title} ({blurb})\n\n"));
        for c in changes {
            text.push_str(&format!("- `{}` ({}): {}\n", c.item, c.kind.replace('_', " "), c.detail));
        }
    }
    text
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    old: &'a str,
    new: &'a str,
    /// Under 1.x rules.
    bump: Bump,
    /// Under Cargo's 0.x rules (what these crates need).
    bump_0x: Bump,
    breaking: usize,
    compatible: usize,
    docs_only: usize,
    changes: &'a [super::Change],
}

pub fn json(report: &Report, old: &str, new: &str) -> String {
    let value = JsonReport {
        old,
        new,
        bump: report.bump(),
        bump_0x: report.bump().for_0x(),
        breaking: report.count(Class::Breaking),
        compatible: report.count(Class::Compatible),
        docs_only: report.count(Class::DocsOnly),
        changes: &report.changes,
    };
    // Serialising plain strings and numbers cannot fail; fall back to an empty object anyway.
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned()) + "\n"
}
