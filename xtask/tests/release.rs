//! `cargo xtask release`: versions and changelog entries follow the API diff. The api-diff corpus
//! (hand-written expected bumps and changes) drives the plan; a copy of the workspace drives the
//! command: first release, a breaking release, a docs-only one, refusals when stale or unchanged.

mod support;

use std::path::{Path, PathBuf};

use openapi_clientgen::diff;
use openapi_clientgen::release::{plan, Version};
use support::{copy_dir, text, workspace, xtask};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api_diff")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("old.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

fn expected(case: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).expect("expected.json")).expect("JSON")
}

fn v(text: &str) -> Version {
    Version::parse(text).expect("version")
}

/// The README's table: for 0.x, breaking → next minor, anything else → next patch; from 1.0 the
/// usual major/minor/patch.
fn next_version(previous: &str, bump: &str) -> Option<&'static str> {
    match (previous, bump) {
        (_, "none") => None,
        ("0.1.3", "major") => Some("0.2.0"),
        ("0.1.3", "minor" | "patch") => Some("0.1.4"),
        ("1.2.3", "major") => Some("2.0.0"),
        ("1.2.3", "minor") => Some("1.3.0"),
        ("1.2.3", "patch") => Some("1.2.4"),
        _ => panic!("no rule for {previous} {bump}"),
    }
}

/// The heading each change is listed under, from the corpus' hand-written class and kind.
fn section(class: &str, kind: &str) -> &'static str {
    match class {
        "breaking" => "### Breaking",
        "compatible" if kind.ends_with("_added") => "### Added",
        "compatible" => "### Changed",
        "docs-only" => "### Docs",
        other => panic!("unknown class {other}"),
    }
}

#[test]
fn every_corpus_case_gets_the_version_and_changelog_entry_the_diff_calls_for() {
    let cases = cases();
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for case in &cases {
        let name = case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let load = |f: &str| diff::load(&case.join(f).display().to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = diff::compare(&load("old.yaml"), &load("new.yaml"));
        let expected = expected(case);
        let bump = expected["bump"].as_str().expect("bump");
        for previous in ["0.1.3", "1.2.3"] {
            let planned = plan("x-client", v(previous), &report, "2026-12-01", "`spec.yaml`");
            let Some(want) = next_version(previous, bump) else {
                assert!(planned.is_none(), "{name}: no change, no release");
                continue;
            };
            let planned = planned.unwrap_or_else(|| panic!("{name}: a release"));
            assert_eq!(planned.next.to_string(), want, "{name} from {previous}");
            let entry = &planned.entry;
            assert!(
                entry.starts_with(&format!("## {want} — 2026-12-01\n\n`x-client` {previous} → {want}: ")),
                "{entry}"
            );
            for change in expected["changes"].as_array().expect("changes") {
                let (class, kind, item) = (change["class"].as_str(), change["kind"].as_str(), change["item"].as_str());
                let (class, kind, item) = (class.expect("class"), kind.expect("kind"), item.expect("item"));
                let heading = section(class, kind);
                let at_heading =
                    entry.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("{name}: {heading}\n{entry}"));
                let listed = entry[at_heading..].lines().skip(2).take_while(|l| !l.starts_with("###")).any(|l| {
                    l.starts_with(&format!("- `{item}`: ")) && l.ends_with(&format!("({})", kind.replace('_', " ")))
                });
                assert!(listed, "{name}: `{item}` ({kind}) under {heading}\n{entry}");
            }
        }
    }
}

#[test]
fn a_new_entry_goes_above_the_previous_ones() {
    let first = openapi_clientgen::release::plan::with_entry(None, "x", "## 0.1.0 — 2026-11-01\n\nFirst.\n");
    assert!(first.starts_with("# Changelog of x\n"));
    assert!(first.ends_with("\n\n## 0.1.0 — 2026-11-01\n\nFirst.\n"), "{first}");
    let second = openapi_clientgen::release::plan::with_entry(Some(&first), "x", "## 0.2.0 — 2026-12-01\n\nSecond.\n");
    let (new, old) = (second.find("## 0.2.0").expect("new"), second.find("## 0.1.0").expect("old"));
    assert!(new < old && second.starts_with("# Changelog of x\n"), "{second}");
    assert!(second.contains("Second.\n\n## 0.1.0"), "{second}");
    assert!(second.contains("docs change\").\n\n## 0.2.0"), "one blank line before the newest entry: {second}");
    assert_eq!(openapi_clientgen::release::plan::civil_date(0), "1970-01-01");
    assert_eq!(openapi_clientgen::release::plan::civil_date(20_423), "2025-12-01");
    assert_eq!(openapi_clientgen::release::plan::civil_date(11_016), "2000-02-29");
}

/// A copy of the workspace's specs, manifests and generated output, for the release command.
fn workspace_copy() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace().join("specs"), &root.path().join("specs"));
    std::fs::copy(workspace().join("Cargo.toml"), root.path().join("Cargo.toml")).expect("root manifest");
    for krate in ["microcms", "posteverywhere", "utage"] {
        let dir = format!("crates/{krate}");
        copy_dir(&workspace().join(&dir).join("src/generated"), &root.path().join(&dir).join("src/generated"));
        for file in ["api-surface.txt", "Cargo.toml"] {
            std::fs::copy(workspace().join(&dir).join(file), root.path().join(&dir).join(file)).expect("copy");
        }
        // Start from no recorded release, whatever the checkout has.
        let _ = std::fs::remove_dir_all(root.path().join(&dir).join("released"));
    }
    root
}

#[test]
fn the_release_command_follows_the_diff_and_refuses_stale_or_unchanged_output() {
    let root = workspace_copy();
    let run = |args: &[&str]| xtask().args(args).env("XTASK_ROOT", root.path()).output().expect("xtask runs");
    let file = |rel: &str| std::fs::read_to_string(root.path().join(rel)).unwrap_or_default();
    let version =
        || openapi_clientgen::release::package_field(&file("crates/utage/Cargo.toml"), "version").expect("version");
    let start = version();

    // First release: records the spec and starts the changelog, at the current version.
    let first = run(&["release", "utage", "--date", "2026-11-30", "--no-semver-checks"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(root.path().join("crates/utage/released/openapi.json").is_file());
    assert!(file("crates/utage/CHANGELOG.md").contains(&format!("## {start} — 2026-11-30\n\nFirst release")));
    assert_eq!(version(), start);

    let unchanged = run(&["release", "utage", "--no-semver-checks"]);
    assert!(!unchanged.status.success());
    assert!(text(&unchanged.stderr).contains("nothing to release"), "{}", text(&unchanged.stderr));

    // The vendor's revised page: a field removed (breaking), a filter and a field added.
    openapi_clientgen::vendor::vendor_into(
        &corpus().join("e2e_utage/revised-page.md"),
        &root.path().join("specs/utage"),
    )
    .expect("vendor the revision");
    let stale = run(&["release", "utage", "--no-semver-checks"]);
    assert!(!stale.status.success());
    let stderr = text(&stale.stderr);
    assert!(stderr.contains("stale") && stderr.contains("crates/utage/src/generated/types.rs"), "{stderr}");
    assert_eq!(version(), start, "a refused release writes nothing");

    assert!(run(&["codegen"]).status.success());
    let dry = run(&["release", "utage", "--date", "2026-12-01", "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    // Beside ours, cargo semver-checks' verdict, or why there is none.
    assert!(text(&dry.stdout).contains("cargo semver-checks"), "{}", text(&dry.stdout));
    assert_eq!(version(), start, "--dry-run writes nothing");

    let breaking = run(&["release", "utage", "--date", "2026-12-01", "--no-semver-checks"]);
    assert!(breaking.status.success(), "{}", text(&breaking.stderr));
    let next = v(&start).bumped(diff::Bump::Major).to_string();
    assert_eq!(version(), next);
    assert!(next.starts_with("0.") && next.ends_with(".0") && next != start, "0.x breaking → next minor: {next}");
    assert!(file("Cargo.toml").contains(&format!("utage-client = {{ path = \"crates/utage\", version = \"{next}\" }}")));
    let changelog = file("crates/utage/CHANGELOG.md");
    let entry = &changelog[changelog.find(&format!("## {next} — 2026-12-01")).expect("entry")
        ..changelog.find(&format!("## {start} —")).expect("older")];
    assert!(entry.contains("### Breaking\n\n- `types::Media::notice`: "), "{entry}");
    assert!(entry.contains("### Added\n\n- `ListMediaRequest::mime_type`: "), "{entry}");
    assert!(entry.contains("- `types::Media::thumbnail_url`: "), "{entry}");

    // An overlay that only documents: a docs-only patch release.
    let overlays = root.path().join("specs/utage/overlays");
    std::fs::create_dir_all(&overlays).expect("overlays");
    std::fs::write(
        overlays.join("docs.yaml"),
        "overlay: 1.0.0\ninfo: {title: docs, version: '1'}\nactions:\n  - target: \"$.paths['/media'].get\"\n    update: {description: Lists the media library.}\n",
    )
    .expect("overlay");
    assert!(run(&["codegen"]).status.success());
    let docs = run(&["release", "utage", "--date", "2026-12-02", "--no-semver-checks"]);
    assert!(docs.status.success(), "{}", text(&docs.stderr));
    let patch = v(&next).bumped(diff::Bump::Patch).to_string();
    assert_eq!(version(), patch);
    let changelog = file("crates/utage/CHANGELOG.md");
    assert!(changelog.find(&format!("## {patch} — 2026-12-02")) < changelog.find(&format!("## {next} —")));
    // Named among the overlays applied (the workspace may carry others, such as the media upload).
    assert!(changelog.contains("specs/utage/overlays/docs.yaml`"), "{changelog}");
    assert!(changelog.contains("### Docs\n\n- `Client::list_media`: "), "{changelog}");
}
