//! OpenAPI Overlay 1.0: update (deep merge, arrays appended), remove, a target that selects
//! nothing, order of overlays and of actions, `extends`, and a vendor spec with a broken path
//! template repaired by an overlay and generated, through the real `xtask` binary.

mod support;

use std::path::{Path, PathBuf};

use openapi_clientgen::spec::overlay::Overlay;
use serde_json::{json, Value};
use support::{copy_dir, runtime_arg, text, workspace, xtask};

fn overlay_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/overlay")
}

fn overlay(yaml: &str) -> Overlay {
    Overlay::parse(Path::new("test-overlay.yaml"), yaml).unwrap_or_else(|e| panic!("{e}"))
}

fn applied(yaml: &str, mut doc: Value) -> Result<Value, String> {
    overlay(yaml).apply(&mut doc).map_err(|e| e.to_string())?;
    Ok(doc)
}

const HEAD: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\n";

#[test]
fn update_merges_objects_deeply_and_appends_to_arrays() {
    let doc = json!({
        "info": {"title": "T", "contact": {"name": "vendor", "email": "a@b"}},
        "tags": [{"name": "media"}],
        "paths": {"/a": {"get": {"parameters": [{"name": "x", "in": "query"}]}}}
    });
    let yaml = format!(
        "{HEAD}actions:\n\
         - target: $.info\n  update: {{contact: {{name: project}}, x-note: added}}\n\
         - target: $\n  update: {{tags: [{{name: upload}}]}}\n\
         - target: $.paths.*.get.parameters\n  update: {{name: y, in: query}}\n"
    );
    let doc = applied(&yaml, doc).expect("applies");
    // Replaced where both have the key, kept where only the target has it, added otherwise.
    assert_eq!(doc["info"], json!({"title": "T", "contact": {"name": "project", "email": "a@b"}, "x-note": "added"}));
    // An array property of a merged object is appended to, never replaced.
    assert_eq!(doc["tags"], json!([{"name": "media"}, {"name": "upload"}]));
    // An update whose target is an array appends the update.
    assert_eq!(
        doc["paths"]["/a"]["get"]["parameters"],
        json!([{"name": "x", "in": "query"}, {"name": "y", "in": "query"}])
    );
}

#[test]
fn remove_takes_every_selected_node_and_keeps_the_order_of_the_rest() {
    let doc = json!({
        "paths": {
            "/a": {"get": {"parameters": [{"name": "debug"}, {"name": "keep"}, {"name": "debug"}]}},
            "/internal": {"get": {}},
            "/b": {"get": {}}
        }
    });
    let yaml = format!(
        "{HEAD}actions:\n\
         - target: \"$.paths['/internal']\"\n  remove: true\n\
         - target: \"$.paths.*.get.parameters[?@.name == 'debug']\"\n  remove: true\n  update: {{ignored: true}}\n"
    );
    let doc = applied(&yaml, doc).expect("applies");
    let paths: Vec<&String> = doc["paths"].as_object().expect("paths").keys().collect();
    assert_eq!(paths, ["/a", "/b"]);
    assert_eq!(doc["paths"]["/a"]["get"]["parameters"], json!([{"name": "keep"}]));
}

#[test]
fn actions_run_in_order_each_on_the_result_of_the_last() {
    let doc = json!({"components": {"schemas": {}}});
    let add_then_edit = format!(
        "{HEAD}actions:\n\
         - target: $.components.schemas\n  update: {{Upload: {{type: object}}}}\n\
         - target: $.components.schemas.Upload\n  update: {{description: added by the overlay}}\n"
    );
    let doc = applied(&add_then_edit, doc.clone()).expect("applies");
    assert_eq!(
        doc["components"]["schemas"]["Upload"],
        json!({"type": "object", "description": "added by the overlay"})
    );
    let edit_then_add = format!(
        "{HEAD}actions:\n\
         - target: $.components.schemas.Upload\n  update: {{description: too early}}\n\
         - target: $.components.schemas\n  update: {{Upload: {{type: object}}}}\n"
    );
    let error = applied(&edit_then_add, json!({"components": {"schemas": {}}})).expect_err("selects nothing yet");
    assert!(error.contains("actions[0]"), "{error}");
}

#[test]
fn a_target_selecting_nothing_names_the_file_the_action_and_the_target() {
    let yaml = format!(
        "{HEAD}actions:\n\
         - target: $.info\n  update: {{x-a: 1}}\n\
         - target: \"$.paths['/media/upload-url']\"\n  update: {{post: {{}}}}\n"
    );
    let error = applied(&yaml, json!({"info": {}, "paths": {}})).expect_err("the second action selects nothing");
    assert!(error.starts_with("test-overlay.yaml: actions[1]: "), "{error}");
    assert!(error.contains("$.paths['/media/upload-url']"), "{error}");
    assert!(error.contains("selects nothing"), "{error}");
}

#[test]
fn malformed_overlays_are_refused_with_a_reason() {
    let cases = [
        ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: [{target: $, update: {}}]\n", "only 1.0.x"),
        (&format!("{HEAD}actions: []\n") as &str, "at least one action"),
        (&format!("{HEAD}actions: [{{target: 'paths.x', update: {{}}}}]\n"), "is not a JSONPath"),
        (&format!("{HEAD}actions: [{{target: $.info}}]\n"), "neither `update` nor `remove: true`"),
        ("info: {title: t, version: '1'}\nactions: [{target: $, remove: true}]\n", "missing field `overlay`"),
        (&format!("{HEAD}actions: [{{target: $, updte: {{}}}}]\n"), "unknown field `updte`"),
    ];
    for (yaml, message) in cases {
        let error = Overlay::parse(Path::new("bad.yaml"), yaml).map(|_| ()).expect_err(yaml);
        assert!(error.to_string().contains(message), "{yaml}: {error}");
        assert!(error.to_string().starts_with("bad.yaml: "), "{error}");
    }
    let on_a_string = format!("{HEAD}actions: [{{target: $.info.title, update: {{x: 1}}}}]\n");
    let error = applied(&on_a_string, json!({"info": {"title": "T"}})).expect_err("a string cannot be merged into");
    assert!(error.contains("selects a string"), "{error}");
    let the_root = format!("{HEAD}actions: [{{target: $, remove: true}}]\n");
    assert!(applied(&the_root, json!({})).expect_err("root").contains("whole document"));
}

#[test]
fn extends_must_name_the_spec_it_is_applied_to() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openapi.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\n").expect("spec");
    let write = |name: &str, extends: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("{HEAD}extends: {extends}\nactions: [{{target: $, update: {{}}}}]\n"))
            .expect("overlay");
        Overlay::load(&path).expect("parses")
    };
    assert!(write("right.yaml", "openapi.yaml").check_extends(&spec).is_ok());
    assert!(write("url.yaml", "https://vendor.example/openapi.yaml").check_extends(&spec).is_ok());
    let error = write("wrong.yaml", "other.yaml").check_extends(&spec).expect_err("names another spec");
    assert!(error.to_string().contains("wrong.yaml: `extends: other.yaml` names another document"), "{error}");
}

fn generate(out: &Path, overlays: &[&str]) -> std::process::Output {
    let mut command = xtask();
    command.arg("generate").arg(overlay_dir().join("broken_path.yaml")).arg("--out").arg(out);
    command.args(["--name", "broken-path"]).arg(runtime_arg());
    for file in overlays {
        command.arg("--overlay").arg(overlay_dir().join(file));
    }
    command.output().expect("xtask runs")
}

/// The vendor's query-string-in-path mistake is repaired by an overlay, not an edit of the spec:
/// the generated client sends `GET /files` with `kind` as a typed query setter.
#[test]
fn an_overlay_repairs_a_broken_path_template_and_the_crate_is_generated_from_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let as_vendored = generate(&dir.path().join("raw"), &[]);
    assert!(as_vendored.status.success(), "{}", text(&as_vendored.stderr));
    let raw = std::fs::read_to_string(dir.path().join("raw/src/generated/operations/list_files.rs")).expect("op");
    assert!(raw.contains("\"/files?kind=image\""), "the raw spec keeps the vendor's mistake");

    let fixed = generate(&dir.path().join("fixed"), &["broken_path.fix.yaml"]);
    assert!(fixed.status.success(), "{}", text(&fixed.stderr));
    let generated = dir.path().join("fixed/src/generated");
    let op = std::fs::read_to_string(generated.join("operations/list_files.rs")).expect("op");
    assert!(op.contains("String::from(\"/files\")") && !op.contains("?kind="), "{op}");
    assert!(op.contains("pub fn kind("), "`kind` is a query setter now");
    let header = std::fs::read_to_string(generated.join("mod.rs")).expect("mod.rs");
    assert!(
        header.starts_with(
            "// @generated by `openapi-clientgen` from broken_path.yaml with overlay broken_path.fix.yaml."
        ),
        "{}",
        header.lines().next().unwrap_or_default()
    );
    // Overlays are applied in the order given: the repair's second action removes the broken
    // path, so repeating the repair fails on that action, naming it.
    let twice = generate(&dir.path().join("twice"), &["broken_path.fix.yaml", "broken_path.fix.yaml"]);
    assert_eq!(twice.status.code(), Some(1));
    let stderr = text(&twice.stderr);
    assert!(stderr.contains("broken_path.fix.yaml: actions[1]: target \"$.paths['/files?kind=image']\""), "{stderr}");
}

#[test]
fn api_diff_shows_what_the_overlays_change_and_compares_specs_as_generated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("openapi.yaml");
    std::fs::copy(overlay_dir().join("broken_path.yaml"), &spec).expect("spec");
    std::fs::create_dir(dir.path().join("overlays")).expect("overlays dir");
    let fix = std::fs::read_to_string(overlay_dir().join("broken_path.fix.yaml")).expect("fix");
    std::fs::write(
        dir.path().join("overlays/10-fix.yaml"),
        fix.replace("extends: broken_path.yaml", "extends: ../openapi.yaml"),
    )
    .expect("overlay");
    let run = |args: &[&str]| {
        let output = xtask().args(args).current_dir(dir.path()).output().expect("xtask runs");
        assert!(output.status.success(), "{args:?}: {}", text(&output.stderr));
        text(&output.stdout)
    };
    let report = run(&["api-diff", "--overlays-only", "openapi.yaml"]);
    assert!(report.contains("overlay ") && report.contains("10-fix.yaml"), "{report}");
    assert!(report.contains("ListFilesRequest::kind"), "{report}");
    assert!(report.contains("operation route changed") || report.contains("route"), "{report}");

    // Two files with the same overlays beside them: the overlaid specs are equal.
    let same = run(&["api-diff", "openapi.yaml", "openapi.yaml", "--format", "json"]);
    assert!(same.contains("\"bump\": \"none\""), "{same}");
    // Against a copy elsewhere without overlays, the overlays' change shows; `--no-overlays` hides it.
    let other = tempfile::tempdir().expect("temp dir");
    std::fs::copy(&spec, other.path().join("openapi.yaml")).expect("copy");
    let raw = other.path().join("openapi.yaml").display().to_string();
    let with = run(&["api-diff", &raw, "openapi.yaml"]);
    assert!(with.contains("ListFilesRequest::kind"), "{with}");
    let without = run(&["api-diff", "--no-overlays", &raw, "openapi.yaml", "--format", "json"]);
    assert!(without.contains("\"bump\": \"none\""), "{without}");
}

/// `cargo xtask codegen` applies `specs/<provider>/overlays/*.yaml` in name order, names them in
/// the `@generated` header, and fails naming the overlay when one stops applying.
#[test]
fn codegen_applies_provider_overlays_in_name_order() {
    let root = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace().join("specs"), &root.path().join("specs"));
    for krate in ["microcms", "posteverywhere", "utage"] {
        let generated = format!("crates/{krate}/src/generated");
        copy_dir(&workspace().join(&generated), &root.path().join(&generated));
        let surface = format!("crates/{krate}/api-surface.txt");
        std::fs::copy(workspace().join(&surface), root.path().join(&surface)).expect("copy the API surface");
    }
    let run = |args: &[&str]| xtask().args(args).env("XTASK_ROOT", root.path()).output().expect("xtask runs");
    let overlays = root.path().join("specs/posteverywhere/overlays");
    std::fs::create_dir_all(&overlays).expect("overlays dir");
    // 10 adds a query parameter; 20 documents the parameter 10 added (so 20 needs 10 first).
    let add = format!(
        "{HEAD}extends: ../openapi.yaml\nactions:\n\
         - target: $.paths['/media'].get.parameters\n  update: {{name: folder, in: query, schema: {{type: string}}}}\n"
    );
    let describe = format!(
        "{HEAD}actions:\n\
         - target: \"$.paths['/media'].get.parameters[?@.name == 'folder']\"\n  update: {{description: Only this folder.}}\n"
    );
    std::fs::write(overlays.join("10-folder.yaml"), &add).expect("overlay");
    std::fs::write(overlays.join("20-folder-docs.yaml"), &describe).expect("overlay");
    let check = run(&["codegen", "--check"]);
    assert!(!check.status.success(), "the overlays change the generated crate");
    let codegen = run(&["codegen"]);
    assert!(codegen.status.success(), "{}", text(&codegen.stderr));
    let generated = root.path().join("crates/posteverywhere/src/generated");
    let header = std::fs::read_to_string(generated.join("mod.rs")).expect("mod.rs");
    assert!(header.starts_with(
        "// @generated by `cargo xtask codegen` from specs/posteverywhere/openapi.yaml with overlays \
         specs/posteverywhere/overlays/10-folder.yaml, specs/posteverywhere/overlays/20-folder-docs.yaml."
    ));
    let op = std::fs::read_to_string(generated.join("operations/list_media.rs")).expect("op");
    assert!(op.contains("Only this folder.") && op.contains("pub fn folder("), "{op}");
    let surface = std::fs::read_to_string(root.path().join("crates/posteverywhere/api-surface.txt")).expect("surface");
    assert!(surface.contains("op list_media param folder: Option<String> query \"folder\""), "{surface}");
    assert!(run(&["codegen", "--check"]).status.success());

    // Renamed so the documenting overlay runs first: it selects nothing and codegen names it.
    std::fs::rename(overlays.join("10-folder.yaml"), overlays.join("30-folder.yaml")).expect("rename");
    let failed = run(&["codegen"]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = text(&failed.stderr);
    assert!(stderr.contains("20-folder-docs.yaml: actions[0]: target"), "{stderr}");
    assert!(stderr.contains("selects nothing"), "{stderr}");
}

/// A git side reads the overlays of the same revision: a commit that only adds an overlay shows
/// in `api-diff HEAD~1:spec HEAD:spec`, and not with `--no-overlays`.
#[test]
fn a_git_side_applies_the_overlays_of_its_own_revision() {
    let repo = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let output = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
            .args(args)
            .current_dir(repo.path())
            .output();
        output.is_ok_and(|o| o.status.success())
    };
    if !git(&["init", "--quiet"]) {
        eprintln!("skipped: git is not available");
        return;
    }
    std::fs::create_dir_all(repo.path().join("spec/overlays")).expect("dirs");
    std::fs::copy(overlay_dir().join("broken_path.yaml"), repo.path().join("spec/openapi.yaml")).expect("spec");
    assert!(git(&["add", "-A"]) && git(&["commit", "--quiet", "-m", "vendor"]));
    let fix = std::fs::read_to_string(overlay_dir().join("broken_path.fix.yaml")).expect("fix");
    std::fs::write(
        repo.path().join("spec/overlays/fix.yaml"),
        fix.replace("extends: broken_path.yaml", "extends: ../openapi.yaml"),
    )
    .expect("overlay");
    assert!(git(&["add", "-A"]) && git(&["commit", "--quiet", "-m", "fix"]));
    // The working tree is back at the old revision's files, so only git can show the overlay.
    std::fs::remove_file(repo.path().join("spec/overlays/fix.yaml")).expect("rm");
    let diff = |extra: &[&str]| {
        let output = xtask()
            .args(["api-diff", "HEAD~1:spec/openapi.yaml", "HEAD:spec/openapi.yaml", "--format", "json"])
            .args(extra)
            .current_dir(repo.path())
            .output()
            .expect("xtask runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };
    let with = diff(&[]);
    assert!(with.contains("\"item\": \"ListFilesRequest::kind\""), "{with}");
    assert!(diff(&["--no-overlays"]).contains("\"bump\": \"none\""));
}
