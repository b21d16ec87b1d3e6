//! The generator's unit tests: insta snapshots of each fixture's output, determinism, the
//! committed provider output being fresh, `--check` catching a stale tree, and the fixtures'
//! output compiling.

mod support;

use std::process::Command;

use support::{copy_dir, fixture, generate, read_tree, text, workspace, xtask};

const FIXTURES: &[&str] = &[
    "constructs",
    "models",
    "operations",
    "pagination",
    "paging-inferred",
    "petstore",
    "petstore31",
    "petstore-swagger2",
    "constructs31",
    "shared-names",
    "encodings",
];

#[test]
fn fixture_output_matches_snapshots() {
    for name in FIXTURES {
        let out = tempfile::tempdir().expect("temp dir");
        let result = generate(&fixture(&format!("{name}.yaml")), out.path(), &format!("fx-{name}"));
        assert!(result.status.success(), "{name}: {}", text(&result.stderr));
        insta::assert_snapshot!(*name, read_tree(&out.path().join("src/generated")));
    }
}

/// What the model holds less precisely than the spec says is a warning naming the node, and the
/// crate is still written.
#[test]
fn loose_types_are_warned_about_at_their_pointer() {
    let out = tempfile::tempdir().expect("temp dir");
    let result = generate(&fixture("models.yaml"), out.path(), "fx-models");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let stderr = text(&result.stderr);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains("at #/components/schemas/Tagged/properties/incompatible/allOf/0: "), "{stderr}");
    assert!(warnings[0].contains("`serde_json::Value`"), "{stderr}");
}

/// A shape a spec writes out inline again (Akeneo's `_links: {self: {href}}` in every response)
/// is one definition, named for the slot its uses share (`Links`), or, for a body or response
/// whose operations have too little in common, after the alphabetically first use; every use's
/// own name is an alias of it, and the objects around it are alike too.
#[test]
fn a_shape_written_out_twice_is_defined_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let links = "{type: object, properties: {_links: {type: object, properties: {self: {type: object, properties: {href: {type: string}}}}}}}";
    let op = |id: &str| {
        format!("    get:\n      operationId: {id}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {links}\n")
    };
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: Twice, version: '1'}}\npaths:\n  /a:\n{}  /b:\n{}",
        op("getA"),
        op("getB")
    );
    let path = dir.path().join("twice.yaml");
    std::fs::write(&path, spec).expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&path, &out, "twice");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let types = std::fs::read_to_string(out.join("src/generated/types.rs")).expect("types.rs");
    assert_eq!(types.matches("pub struct ").count(), 3, "{types}");
    for alias in [
        "pub type GetBResponse = types::GetAResponse;",
        "pub type GetAResponseLinks = types::Links;",
        "pub type GetBResponseLinks = types::Links;",
        "pub type GetAResponseLinksSelf = types::LinksSelf;",
        "pub type GetBResponseLinksSelf = types::LinksSelf;",
    ] {
        assert!(types.contains(alias), "{alias} missing from:\n{types}");
    }
}

/// A shared shape's name depends on its uses, not on where the spec lists them: moving the
/// operations around and adding an unrelated one renames no type.
#[test]
fn shared_names_do_not_follow_the_order_of_operations() {
    let op = |path: &str, id: &str, values: &str| {
        format!(
            "  {path}:\n    get:\n      operationId: {id}\n      parameters:\n        - {{name: direction, in: query, \
             schema: {{type: string, enum: [asc, desc]}}}}\n        - {{name: sort, in: query, schema: {{type: string, \
             enum: [{values}]}}}}\n      responses: {{'200': {{description: ok}}}}\n"
        )
    };
    let repos = [
        op("/orgs/repos", "reposListForOrg", "created, pushed"),
        op("/users/repos", "reposListForUser", "created, pushed"),
    ];
    let issues = [
        op("/orgs/issues", "issuesListForOrg", "created, comments"),
        op("/repos/issues", "issuesListForRepo", "created, comments"),
    ];
    let unrelated = "  /ping:\n    get:\n      operationId: ping\n      responses: {'200': {description: ok}}\n";
    let dir = tempfile::tempdir().expect("temp dir");
    let types_of = |name: &str, paths: String| {
        std::fs::create_dir_all(dir.path().join(name)).expect("dir");
        let path = dir.path().join(name).join("order.yaml");
        std::fs::write(&path, format!("openapi: 3.0.3\ninfo: {{title: Order, version: '1'}}\npaths:\n{paths}"))
            .expect("spec");
        let out = dir.path().join(name).join("out");
        let result = generate(&path, &out, "order");
        assert!(result.status.success(), "{}", text(&result.stderr));
        std::fs::read_to_string(out.join("src/generated/types.rs")).expect("types.rs")
    };
    let listed = types_of("listed", [&repos[..], &issues[..]].concat().concat());
    let moved = types_of("moved", format!("{unrelated}{}{}{}{}", issues[1], repos[1], issues[0], repos[0]));
    assert_eq!(listed, moved);
    for name in ["pub enum Direction ", "pub enum ReposListSort ", "pub enum IssuesListSort "] {
        assert!(listed.contains(name), "{name} missing from:\n{listed}");
    }
}

#[test]
fn two_runs_give_identical_bytes() {
    let (a, b) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    for dir in [&a, &b] {
        let result = generate(&fixture("models.yaml"), dir.path(), "fx-models");
        assert!(result.status.success(), "{}", text(&result.stderr));
    }
    assert_eq!(read_tree(a.path()), read_tree(b.path()));
}

#[test]
fn committed_provider_output_is_fresh() {
    let result = xtask().args(["codegen", "--check"]).output().expect("xtask runs");
    assert!(result.status.success(), "stale generated code:\n{}", text(&result.stderr));
}

/// A field deleted from a spec disappears from the generated crate, and `--check` names the
/// stale file until `codegen` runs.
#[test]
fn check_catches_a_spec_change_and_codegen_applies_it() {
    let root = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace().join("specs"), &root.path().join("specs"));
    for krate in ["microcms", "posteverywhere", "utage"] {
        let generated = format!("crates/{krate}/src/generated");
        copy_dir(&workspace().join(&generated), &root.path().join(&generated));
        let surface = format!("crates/{krate}/api-surface.txt");
        std::fs::copy(workspace().join(&surface), root.path().join(&surface)).expect("copy the API surface");
    }
    let run = |args: &[&str]| xtask().args(args).env("XTASK_ROOT", root.path()).output().expect("xtask runs");
    assert!(run(&["codegen", "--check"]).status.success());

    let spec_path = root.path().join("specs/utage/openapi.yaml");
    let spec = std::fs::read_to_string(&spec_path).expect("spec");
    let without_mime =
        spec.replace("        mime_type:\n          type: string\n          description: MIMEタイプ\n", "");
    assert_ne!(spec, without_mime, "the fixture edit must apply");
    std::fs::write(&spec_path, without_mime).expect("write spec");

    let check = run(&["codegen", "--check"]);
    assert!(!check.status.success());
    assert!(text(&check.stderr).contains("crates/utage/src/generated/types.rs"), "{}", text(&check.stderr));

    let types = root.path().join("crates/utage/src/generated/types.rs");
    assert!(std::fs::read_to_string(&types).expect("types").contains("pub mime_type"));
    assert!(run(&["codegen"]).status.success());
    assert!(!std::fs::read_to_string(&types).expect("types").contains("pub mime_type"));
    assert!(run(&["codegen", "--check"]).status.success());
}

/// The fixtures' generated crates build (and pass clippy) against the real runtime.
#[test]
fn fixture_output_compiles() {
    let root = tempfile::tempdir().expect("temp dir");
    let mut members = Vec::new();
    for name in FIXTURES {
        let dir = root.path().join(name);
        let result = generate(&fixture(&format!("{name}.yaml")), &dir, &format!("fx-{name}"));
        assert!(result.status.success(), "{name}: {}", text(&result.stderr));
        // Members of the one workspace below, so the dependencies build once.
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("manifest").replace("[workspace]\n", "");
        std::fs::write(&manifest, text).expect("manifest");
        members.push(format!("{name:?}"));
    }
    let workspace_manifest = format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", "));
    std::fs::write(root.path().join("Cargo.toml"), workspace_manifest).expect("workspace manifest");
    std::fs::copy(workspace().join("Cargo.lock"), root.path().join("Cargo.lock")).expect("lock file");
    let target = workspace().join("target/fixture-check");
    let status = Command::new(env!("CARGO"))
        .args(["clippy", "--quiet", "--workspace", "--", "-D", "warnings"])
        .current_dir(root.path())
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the fixtures' generated code does not compile cleanly");

    // Operations are grouped by tag behind features, types no operation uses behind
    // `other-types`: one tag alone, those types alone, and none, compile cleanly too.
    let petstore_manifest = std::fs::read_to_string(root.path().join("petstore/Cargo.toml")).expect("manifest");
    assert!(petstore_manifest.contains("\nother-types = []\n"), "{petstore_manifest}");
    // A tag named `default` does not take Cargo's own feature of that name.
    let constructs_manifest = std::fs::read_to_string(root.path().join("constructs/Cargo.toml")).expect("manifest");
    assert!(
        constructs_manifest.contains("default = [\"default2\", \"other-types\"]\ndefault2 = []\n"),
        "{constructs_manifest}"
    );
    for features in [
        &["--no-default-features", "--features", "store"][..],
        &["--no-default-features", "--features", "other-types"][..],
        &["--no-default-features"][..],
    ] {
        let status = Command::new(env!("CARGO"))
            .args(["clippy", "--quiet", "-p", "fx-petstore"])
            .args(features)
            .args(["--", "-D", "warnings"])
            .current_dir(root.path())
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the petstore crate with {features:?} does not compile cleanly");
    }

    // The paging fixtures' `.items()` (declared and inferred), and what the constructs,
    // encodings and Swagger 2.0 fixtures put on the wire, against fake servers over real HTTP.
    for (name, test) in [
        ("pagination", "pagination_listing.rs"),
        ("paging-inferred", "paging_inferred_listing.rs"),
        ("constructs", "constructs_wire.rs"),
        ("encodings", "encodings_wire.rs"),
        ("petstore-swagger2", "petstore_swagger2_wire.rs"),
    ] {
        let crate_dir = root.path().join(name);
        std::fs::create_dir_all(crate_dir.join("tests")).expect("tests dir");
        std::fs::copy(fixture(test), crate_dir.join("tests").join(test)).expect("fixture test");
        let manifest = crate_dir.join("Cargo.toml");
        let mut text = std::fs::read_to_string(&manifest).expect("manifest");
        // The generated manifest has a `[dev-dependencies]` table (tokio, for its README's example).
        text = text.replace(
            "[dev-dependencies]\n",
            "[dev-dependencies]\naxum = \"0.8\"\nfutures = \"0.3\"\nserde_json = \"1\"\n",
        );
        std::fs::write(&manifest, text).expect("manifest");
        let status = Command::new(env!("CARGO"))
            .args(["test", "--quiet", "-p", &format!("fx-{name}")])
            .current_dir(root.path())
            .env("CARGO_TARGET_DIR", &target)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the {name} fixture's generated client fails its test ({test})");
    }
}
