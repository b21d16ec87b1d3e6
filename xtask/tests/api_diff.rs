//! `cargo xtask api-diff` against its corpus: each `tests/api_diff/<case>/` holds `old.yaml`,
//! `new.yaml` and `expected.json` (the bump and every change's class, kind and item, written by
//! hand), plus the UTAGE end-to-end case: a revised doc page through vendor → model → surface →
//! api-diff.

use std::path::{Path, PathBuf};
use std::process::Command;

use openapi_clientgen::diff::{self, Class};
use openapi_clientgen::{surface, vendor};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api_diff")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (class, kind, item), sorted: what a case pins down (details are prose and may be reworded).
fn projection(report: &diff::Report) -> Vec<(String, String, String)> {
    let mut changes: Vec<_> =
        report.changes.iter().map(|c| (c.class.as_str().to_owned(), c.kind.to_owned(), c.item.clone())).collect();
    changes.sort();
    changes
}

fn expected(path: &Path) -> (String, Vec<(String, String, String)>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let field = |v: &serde_json::Value, k: &str| v.get(k).and_then(|s| s.as_str()).unwrap_or_default().to_owned();
    let mut changes: Vec<_> = json
        .get("changes")
        .and_then(|c| c.as_array())
        .into_iter()
        .flatten()
        .map(|c| (field(c, "class"), field(c, "kind"), field(c, "item")))
        .collect();
    changes.sort();
    (field(&json, "bump"), changes)
}

fn compare_files(old: &Path, new: &Path) -> diff::Report {
    let load = |p: &Path| diff::load(&p.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
    diff::compare(&load(old), &load(new))
}

#[test]
fn corpus_cases_are_classified_as_expected() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("old.yaml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "the corpus should cover at least 25 kinds of change, has {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let report = compare_files(&case.join("old.yaml"), &case.join("new.yaml"));
        let (bump, changes) = expected(&case.join("expected.json"));
        let actual = projection(&report);
        if bump != report.bump().as_str() || changes != actual {
            let name = case.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            failures.push(format!(
                "{name}: expected bump {bump} and {changes:#?}\n got bump {} and {actual:#?}\n{}",
                report.bump().as_str(),
                diff::markdown(&report, "old", "new")
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(workspace()).output().expect("xtask runs")
}

#[test]
fn fail_on_breaking_sets_the_exit_code() {
    let case = |name: &str, file: &str| corpus().join(name).join(file).display().to_string();
    let breaking = xtask(&[
        "api-diff",
        &case("field_removed", "old.yaml"),
        &case("field_removed", "new.yaml"),
        "--fail-on-breaking",
    ]);
    assert!(!breaking.status.success());
    assert!(String::from_utf8_lossy(&breaking.stdout).contains("### Breaking"));
    assert!(String::from_utf8_lossy(&breaking.stderr).contains("1 breaking change"));

    let (old, new) = (case("enum_variant_added", "old.yaml"), case("enum_variant_added", "new.yaml"));
    let compatible = xtask(&["api-diff", &old, &new, "--fail-on-breaking", "--format", "json"]);
    assert!(compatible.status.success(), "{}", String::from_utf8_lossy(&compatible.stderr));
    let json: serde_json::Value = serde_json::from_slice(&compatible.stdout).expect("JSON report");
    assert_eq!(json["bump"], "minor");
    assert_eq!(json["bump_0x"], "patch");
    assert_eq!(json["changes"][0]["kind"], "enum_variant_added");
}

#[test]
fn a_side_can_be_a_git_revision() {
    let inside_git = Command::new("git").args(["rev-parse", "HEAD"]).current_dir(workspace()).output();
    if !inside_git.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: not a git checkout");
        return;
    }
    let result =
        xtask(&["api-diff", "HEAD:specs/utage/openapi.yaml", "HEAD:specs/utage/openapi.yaml", "--format", "json"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let json: serde_json::Value = serde_json::from_slice(&result.stdout).expect("JSON report");
    assert_eq!(json["bump"], "none");

    let missing = xtask(&["api-diff", "HEAD:specs/nope.yaml", "specs/utage/openapi.yaml"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("git show"));
}

/// A maintainer saves UTAGE's revised page (a new `mime_type` filter, a new `thumbnail_url`
/// field, `notice` dropped) and runs the loop; the report must call it a breaking release.
#[test]
fn revised_utage_page_end_to_end() {
    let (before, after) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor::vendor_into(&workspace().join("specs/utage/pages/list-media.md"), before.path())
        .expect("vendor the current page");
    let revised =
        vendor::vendor_into(&corpus().join("e2e_utage/revised-page.md"), after.path()).expect("vendor the revision");

    // vendor compared the revision with the spec it replaced: none here, so no report.
    assert!(revised.report.is_none());
    let old = diff::load(&before.path().join("openapi.yaml").display().to_string()).expect("old model");
    let new = diff::load(&after.path().join("openapi.yaml").display().to_string()).expect("new model");

    let (old_surface, new_surface) = (surface::render(&old), surface::render(&new));
    let text_diff = similar::TextDiff::from_lines(&old_surface, &new_surface);
    let changed: Vec<String> = text_diff
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| format!("{}{}", if c.tag() == similar::ChangeTag::Insert { "+" } else { "-" }, c.value().trim_end()))
        .filter(|l| !l.starts_with("+#") && !l.starts_with("-#"))
        .collect();
    assert_eq!(
        changed,
        [
            "+op list_media param mime_type: Option<String> query \"mime_type\"",
            "-type Media field notice: Option<String> wire=\"notice\" optional",
            "+type Media field thumbnail_url: Option<String> wire=\"thumbnail_url\" optional nullable",
        ]
    );

    let report = diff::compare(&old, &new);
    let changes: Vec<(Class, &str, &str)> = report.changes.iter().map(|c| (c.class, c.kind, c.item.as_str())).collect();
    assert_eq!(
        changes,
        [
            (Class::Breaking, "field_removed", "types::Media::notice"),
            (Class::Compatible, "optional_parameter_added", "ListMediaRequest::mime_type"),
            (Class::Compatible, "field_added", "types::Media::thumbnail_url"),
        ]
    );
    assert_eq!(report.bump(), diff::Bump::Major);
    assert_eq!(report.bump().for_0x(), diff::Bump::Minor);

    // Vendoring the revision over the old spec reports the same diff straight away.
    let over = vendor::vendor_into(&corpus().join("e2e_utage/revised-page.md"), before.path()).expect("re-vendor");
    let over = over.report.expect("a previous spec to compare with");
    assert_eq!(projection(&over), projection(&report));
}
