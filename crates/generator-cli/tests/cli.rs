//! The installed command, as a new user runs it: help that explains, a crate for a spec outside
//! this repository that builds and passes its own tests (README example included) where it was
//! written, with no flag; errors that say what to do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn clientgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_openapi-clientgen"))
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn help_names_every_command_and_how_to_start() {
    let help = clientgen().arg("--help").output().expect("runs");
    assert!(help.status.success());
    let help = text(&help);
    for command in ["generate", "api-diff", "release", "vendor", "openapi-clientgen generate openapi.yaml --out"] {
        assert!(help.contains(command), "{command} missing from:\n{help}");
    }
    let generate = text(&clientgen().args(["generate", "--help"]).output().expect("runs"));
    for flag in ["--out", "--name", "--overlay", "--runtime", "path:DIR", "--type", "--no-features"] {
        assert!(generate.contains(flag), "{flag} missing from:\n{generate}");
    }
}

#[test]
fn a_spec_outside_the_repository_gives_a_crate_that_builds_and_tests_where_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("spec/bookshelf.yaml");
    std::fs::create_dir_all(spec.parent().expect("parent")).expect("spec dir");
    std::fs::copy(workspace().join("examples/build-script/openapi.yaml"), &spec).expect("spec");
    let out = dir.path().join("bookshelf");
    let generated = clientgen().arg("generate").arg(&spec).arg("--out").arg(&out).output().expect("runs");
    assert!(generated.status.success(), "{}", text(&generated));
    assert!(text(&generated).contains("wrote crate bookshelf-client"), "{}", text(&generated));

    for file in ["Cargo.toml", "README.md", "CHANGELOG.md", "api-surface.txt", "src/lib.rs", "src/generated/mod.rs"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let readme = std::fs::read_to_string(out.join("README.md")).expect("readme");
    assert!(readme.contains("client.list_books().send().await?"), "a real call:\n{readme}");
    assert!(readme.contains(".api_key(std::env::var(\"BOOKSHELF_TOKEN\")?)"), "auth:\n{readme}");

    // Pinned like this workspace (no registry resolution beyond it), then built and tested,
    // doctests included, where it was written.
    std::fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file");
    let test = Command::new(env!("CARGO"))
        .args(["test", "--quiet"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", workspace().join("target/fixture-check"))
        .output()
        .expect("cargo runs");
    assert!(test.status.success(), "{}", text(&test));
    assert!(text(&test).contains("1 passed"), "the README's example ran as a doctest:\n{}", text(&test));
}

#[test]
fn a_type_of_your_own_replaces_a_generated_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("bookshelf");
    let spec = workspace().join("examples/build-script/openapi.yaml");
    let run = |mapping: &str| {
        clientgen().arg("generate").arg(&spec).arg("--out").arg(&out).args(["--type", mapping]).output().expect("runs")
    };
    let generated = run("Problem=serde_json::Value");
    assert!(generated.status.success(), "{}", text(&generated));
    let types = std::fs::read_to_string(out.join("src/generated/types.rs")).expect("types");
    assert!(types.contains("pub type Problem = serde_json::Value;"), "{types}");
    assert!(!types.contains("pub struct Problem"), "{types}");

    let unknown = run("Nope=my::Nope");
    assert!(!unknown.status.success());
    assert!(text(&unknown).contains("the spec generates no type \"Nope\""), "{}", text(&unknown));
    let bad = run("Problem");
    assert!(!bad.status.success() && text(&bad).contains("expected NAME=PATH"), "{}", text(&bad));
}

#[test]
fn errors_say_what_went_wrong_and_write_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("broken.yaml");
    std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n").expect("spec");
    let out = dir.path().join("out");
    let refused = clientgen().arg("generate").arg(&spec).arg("--out").arg(&out).arg("--strict").output().expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    let message = text(&refused);
    assert!(message.contains("broken.yaml") && message.contains("/paths/~1a/get/responses/200"), "{message}");
    assert!(!out.exists(), "nothing written for a refused spec");
    // Without --strict the operation is given up, said where and why, and the rest written.
    let tolerant = clientgen().arg("generate").arg(&spec).arg("--out").arg(&out).output().expect("runs");
    let message = text(&tolerant);
    assert!(tolerant.status.success(), "{message}");
    assert!(message.contains("generated 0 of 1 operations; 1 skipped"), "{message}");
    assert!(message.contains("warning: ") && message.contains("/paths/~1a/get/responses/200"), "{message}");
}

/// `api-diff` and `release` for a crate of anyone's: the first release is recorded, a compatible
/// spec change is classified so, and the next release bumps the patch version and writes the
/// changelog entry from the diff.
#[test]
fn api_diff_and_release_work_for_any_generated_crate() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec_dir = dir.path().join("spec");
    std::fs::create_dir_all(&spec_dir).expect("spec dir");
    let spec = spec_dir.join("openapi.yaml");
    let v1 = std::fs::read_to_string(workspace().join("examples/build-script/openapi.yaml")).expect("spec");
    std::fs::write(&spec, &v1).expect("v1");
    let out = dir.path().join("bookshelf");
    let generate = || clientgen().arg("generate").arg(&spec).arg("--out").arg(&out).output().expect("runs");
    assert!(generate().status.success());
    let release = || {
        clientgen()
            .arg("release")
            .arg("--crate")
            .arg(&out)
            .arg("--spec")
            .arg(&spec)
            .args(["--date", "2026-12-07", "--no-semver-checks"])
            .output()
            .expect("runs")
    };
    let first = release();
    assert!(first.status.success(), "{}", text(&first));
    assert!(out.join("released/openapi.json").is_file());

    let old = spec_dir.join("v1.yaml");
    std::fs::write(&old, &v1).expect("old");
    let v2 = v1.replace(
        "        - name: author\n",
        "        - name: genre\n          in: query\n          schema: {type: string}\n        - name: author\n",
    );
    assert_ne!(v1, v2, "the edit applies");
    std::fs::write(&spec, &v2).expect("v2");
    let diff = clientgen().arg("api-diff").arg(&old).arg(&spec).output().expect("runs");
    assert!(diff.status.success(), "{}", text(&diff));
    assert!(text(&diff).contains("ListBooksRequest::genre"), "{}", text(&diff));

    let stale = release();
    assert!(!stale.status.success() && text(&stale).contains("stale"), "refused until regenerated: {}", text(&stale));
    assert!(generate().status.success());
    let second = release();
    assert!(second.status.success(), "{}", text(&second));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("version = \"0.1.1\""), "{manifest}");
    let changelog = std::fs::read_to_string(out.join("CHANGELOG.md")).expect("changelog");
    assert!(changelog.contains("## 0.1.1 — 2026-12-07") && changelog.contains("genre"), "{changelog}");
}
