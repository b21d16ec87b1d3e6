//! The pure part of a release: the next version from the API diff's report, and the changelog
//! entry in Rust-API terms. No files, so the corpus tests can drive it directly.

use std::fmt;

use crate::diff::{Bump, Change, Class, Report};

/// A `major.minor.patch` version (pre-release and build suffixes are not used by these crates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(text: &str) -> Result<Version, String> {
        let parts: Vec<&str> = text.trim().split('.').collect();
        let number = |s: &str| s.parse::<u64>().map_err(|_| format!("{text:?} is not a major.minor.patch version"));
        match parts.as_slice() {
            [major, minor, patch] => {
                Ok(Version { major: number(major)?, minor: number(minor)?, patch: number(patch)? })
            }
            _ => Err(format!("{text:?} is not a major.minor.patch version")),
        }
    }

    /// The next version for a change that needs `bump` under the 1.x rules. Below 1.0, Cargo
    /// treats `0.y` as the compatibility boundary: breaking bumps `y`, anything else `z` (the
    /// README's table).
    pub fn bumped(self, bump: Bump) -> Version {
        let bump = if self.major == 0 { bump.for_0x() } else { bump };
        match bump {
            Bump::Major => Version { major: self.major + 1, minor: 0, patch: 0 },
            Bump::Minor => Version { minor: self.minor + 1, patch: 0, ..self },
            Bump::Patch => Version { patch: self.patch + 1, ..self },
            Bump::None => self,
        }
    }

    /// Which number moved, as `cargo semver-checks --release-type` names it.
    pub fn release_type(self, next: Version) -> &'static str {
        if next.major != self.major {
            "major"
        } else if next.minor != self.minor {
            "minor"
        } else {
            "patch"
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The changelog's sections, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Breaking,
    Added,
    Changed,
    Docs,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Breaking => "Breaking",
            Section::Added => "Added",
            Section::Changed => "Changed",
            Section::Docs => "Docs",
        }
    }

    /// Breaking changes first whatever they are; among compatible ones, what is new (a new
    /// operation, setter, type, field, variant or error) is "added", the rest "changed".
    pub fn of(change: &Change) -> Section {
        match change.class {
            Class::Breaking => Section::Breaking,
            Class::Compatible if change.kind.ends_with("_added") => Section::Added,
            Class::Compatible => Section::Changed,
            Class::DocsOnly => Section::Docs,
        }
    }
}

/// What a release will do.
#[derive(Clone, Debug)]
pub struct Plan {
    pub previous: Version,
    pub next: Version,
    /// The report's bump under the 1.x rules.
    pub bump: Bump,
    /// The entry for `CHANGELOG.md`, from its `## version` heading to a blank line.
    pub entry: String,
}

/// The release of `package` at `previous`, given the report of the released spec → the current.
/// `None` when the generated API did not change: nothing to release.
pub fn plan(package: &str, previous: Version, report: &Report, date: &str, source: &str) -> Option<Plan> {
    let bump = report.bump();
    if bump == Bump::None {
        return None;
    }
    let next = previous.bumped(bump);
    let (breaking, compatible, docs) =
        (report.count(Class::Breaking), report.count(Class::Compatible), report.count(Class::DocsOnly));
    let why = match (bump, previous.major) {
        (Bump::Major, 0) => "breaking changes: a new 0.y series (Cargo's compatibility boundary below 1.0)",
        (Bump::Major, _) => "breaking changes: a major release",
        (Bump::Minor, 0) => "additions only: a patch release under Cargo's 0.x rules",
        (Bump::Minor, _) => "additions only: a minor release",
        _ => "documentation only: a patch release",
    };
    let mut entry = format!(
        "## {next} — {date}\n\n`{package}` {previous} → {next}: {why}. From `cargo xtask api-diff` of {source} against \
         the {previous} release ({breaking} breaking, {compatible} compatible, {docs} docs-only).\n"
    );
    for section in [Section::Breaking, Section::Added, Section::Changed, Section::Docs] {
        let changes: Vec<&Change> = report.changes.iter().filter(|c| Section::of(c) == section).collect();
        if changes.is_empty() {
            continue;
        }
        entry.push_str(&format!("\n### {}\n\n", section.title()));
        for change in changes {
            entry.push_str(&format!("- `{}`: {} ({})\n", change.item, change.detail, change.kind.replace('_', " ")));
        }
    }
    Some(Plan { previous, next, bump, entry })
}

/// The changelog with `entry` as its newest release: after the title and preamble, before the
/// previous entries. A missing changelog gets a title.
pub fn with_entry(changelog: Option<&str>, package: &str, entry: &str) -> String {
    let existing = changelog.unwrap_or_default();
    let preamble = if existing.trim().is_empty() {
        format!(
            "# Changelog of {package}\n\nEach entry is written by `cargo xtask release` from the API diff between the \
             last release's spec and the current one; the version follows the diff (README, \"When the vendor's \
             docs change\").\n"
        )
    } else {
        String::new()
    };
    let text = format!("{preamble}{existing}");
    match text.find("\n## ") {
        Some(at) => format!("{}{entry}\n{}", &text[..at + 1], &text[at + 1..]),
        None => format!("{}\n{entry}", text.trim_end_matches('\n').to_owned() + "\n"),
    }
}

/// `YYYY-MM-DD` of a day counted from 1970-01-01 (the civil calendar, proleptic Gregorian).
pub fn civil_date(days_since_epoch: i64) -> String {
    // Howard Hinnant's days_from_civil inverse.
    let z = days_since_epoch + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Today's date (UTC).
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date(i64::try_from(secs / 86_400).unwrap_or(0))
}
