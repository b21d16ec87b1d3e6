//! Crates that build where they are written and package for a registry: a crate written by
//! `generate` asks for the runtime this generator was built from, by path and version (so it
//! builds on this machine with no flag, and packages once the runtime is published), or by
//! version, path or git as told; `cargo xtask` finds its workspace from the current directory.

mod support;

use std::process::Command;

use support::{copy_dir, fixture, text, workspace, xtask};

#[test]
fn a_generated_crate_depends_on_the_runtime_beside_the_generator_unless_told_otherwise() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("petstore");
    let default =
        xtask().arg("generate").arg(fixture("petstore.yaml")).arg("--out").arg(&out).output().expect("xtask runs");
    assert!(default.status.success(), "{}", text(&default.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    let runtime_manifest =
        std::fs::read_to_string(workspace().join("crates/client-runtime/Cargo.toml")).expect("runtime");
    let version =
        openapi_clientgen::generate::package_version(&runtime_manifest).expect("the runtime has a version of its own");
    // The generator writes code for one version of the runtime; the two move together.
    assert_eq!(openapi_clientgen::generate::RUNTIME_VERSION, version, "bump RUNTIME_VERSION with the runtime");
    let runtime_dir = workspace().join("crates/client-runtime").canonicalize().expect("runtime checkout");
    let expected = format!("client-runtime = {{ path = \"{}\", version = \"{version}\" }}\n", runtime_dir.display());
    assert!(manifest.contains(&expected), "{manifest}");
    // Inside the checkout, the path is relative to the crate.
    let inside = workspace().join("target/generated-inside/petstore");
    let _ = std::fs::remove_dir_all(&inside);
    let output =
        xtask().arg("generate").arg(fixture("petstore.yaml")).arg("--out").arg(&inside).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    let manifest = std::fs::read_to_string(inside.join("Cargo.toml")).expect("manifest");
    let relative =
        format!("client-runtime = {{ path = \"../../../crates/client-runtime\", version = \"{version}\" }}\n");
    assert!(manifest.contains(&relative), "{manifest}");
    let _ = std::fs::remove_dir_all(&inside);

    let pinned = xtask()
        .arg("generate")
        .arg(fixture("petstore.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--runtime=version:0.1.7")
        .output()
        .expect("xtask runs");
    assert!(pinned.status.success(), "{}", text(&pinned.stderr));
    assert!(std::fs::read_to_string(out.join("Cargo.toml"))
        .expect("manifest")
        .contains("client-runtime = \"0.1.7\"\n"));

    let bad =
        xtask().arg("generate").arg(fixture("petstore.yaml")).arg("--out").arg(&out).arg("--runtime=svn:x").output();
    let bad = bad.expect("xtask runs");
    assert!(!bad.status.success() && text(&bad.stderr).contains("expected `version:X`"), "{}", text(&bad.stderr));
    let git = xtask()
        .arg("generate")
        .arg(fixture("petstore.yaml"))
        .arg("--out")
        .arg(&out)
        .arg("--runtime=git:https://example.com/clients.git")
        .output()
        .expect("xtask runs");
    assert!(git.status.success(), "{}", text(&git.stderr));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("manifest");
    assert!(manifest.contains("client-runtime = { git = \"https://example.com/clients.git\" }\n"), "{manifest}");
    let not_runtime = dir.path().join("not-runtime");
    std::fs::create_dir_all(&not_runtime).expect("dir");
    std::fs::write(not_runtime.join("Cargo.toml"), "[package]\nname = \"other\"\n").expect("manifest");
    let wrong = xtask()
        .arg("generate")
        .arg(fixture("petstore.yaml"))
        .arg("--out")
        .arg(&out)
        .arg(format!("--runtime=path:{}", not_runtime.display()))
        .output()
        .expect("xtask runs");
    assert!(text(&wrong.stderr).contains("is not the client-runtime package"), "{}", text(&wrong.stderr));
}

#[test]
fn xtask_finds_the_workspace_it_runs_in() {
    // From a subfolder of a workspace that is not the generator's checkout.
    let root = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace().join("specs"), &root.path().join("specs"));
    std::fs::write(root.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").expect("manifest");
    let check =
        xtask().args(["codegen", "--check"]).current_dir(root.path().join("specs/utage")).output().expect("runs");
    assert!(!check.status.success());
    // It looked for crates/ of *that* workspace (none there yet), not of this checkout.
    assert!(text(&check.stderr).contains("crates/utage/src/generated"), "{}", text(&check.stderr));
    // Outside any workspace: a clear error, not this checkout's files.
    let nowhere = tempfile::tempdir_in(std::env::temp_dir()).expect("temp dir");
    let lost = xtask().args(["codegen", "--check"]).current_dir(nowhere.path()).output().expect("runs");
    let has_workspace_above = nowhere.path().ancestors().any(|d| {
        std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.lines().any(|l| l.trim() == "[workspace]"))
    });
    if !has_workspace_above {
        assert!(text(&lost.stderr).contains("no Cargo workspace at or above"), "{}", text(&lost.stderr));
    }
}

/// `cargo package` (verification included) of a generated crate and the runtime it depends on
/// by version, in a workspace of their own, as a user publishing a generated client would.
#[test]
fn a_generated_crate_packages_with_verification() {
    let root = tempfile::tempdir().expect("temp dir");
    let runtime = root.path().join("client-runtime");
    for item in ["src", "Cargo.toml", "README.md"] {
        let from = workspace().join("crates/client-runtime").join(item);
        if from.is_dir() {
            copy_dir(&from, &runtime.join(item));
        } else {
            std::fs::copy(&from, runtime.join(item)).expect("copy the runtime");
        }
    }
    let out = root.path().join("petstore-client");
    let generated = xtask()
        .arg("generate")
        .arg(fixture("petstore.yaml"))
        .arg("--out")
        .arg(&out)
        .args(["--name", "petstore-client"])
        .arg(format!("--runtime=path:{}", runtime.display()))
        .output()
        .expect("xtask runs");
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let manifest_path = out.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("manifest");
    let version = openapi_clientgen::generate::package_version(
        &std::fs::read_to_string(runtime.join("Cargo.toml")).expect("runtime"),
    )
    .expect("runtime version");
    assert!(
        manifest.contains(&format!("client-runtime = {{ path = \"../client-runtime\", version = \"{version}\" }}")),
        "{manifest}"
    );
    // Members of one workspace (the runtime inherits its package fields and pins from it).
    std::fs::write(&manifest_path, manifest.replace("[workspace]\n", "")).expect("manifest");
    let root_manifest = std::fs::read_to_string(workspace().join("Cargo.toml")).expect("root manifest");
    let (_, pins) = root_manifest.split_once("[workspace.package]").expect("workspace.package");
    let pins = pins.split("# in-workspace crates").next().unwrap_or(pins);
    std::fs::write(
        root.path().join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [\"client-runtime\", \"petstore-client\"]\n\n[workspace.package]{pins}"),
    )
    .expect("workspace manifest");
    std::fs::copy(workspace().join("Cargo.lock"), root.path().join("Cargo.lock")).expect("lock file");
    // Verification builds the packaged runtime as a registry crate, which Cargo never rebuilds for
    // the same version: a build left from an earlier run would be checked against instead of this
    // runtime (its code changes while its version stays), so the verification starts clean.
    let _ = std::fs::remove_dir_all(workspace().join("target/package-check"));
    // Cargo also unpacks that temporary registry's crates under `$CARGO_HOME/registry/src/-<hash>/`
    // and reuses an unpacked copy of the same version, so a runtime changed since an earlier
    // run would be verified stale; those copies (never crates.io's) go too.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")));
    if let Some(sources) = cargo_home.map(|home| home.join("registry/src")) {
        for registry in std::fs::read_dir(&sources).into_iter().flatten().flatten() {
            let local = registry.file_name().to_string_lossy().starts_with('-');
            for unpacked in std::fs::read_dir(registry.path()).into_iter().flatten().flatten() {
                if local && unpacked.file_name().to_string_lossy().starts_with("client-runtime-") {
                    let _ = std::fs::remove_dir_all(unpacked.path());
                }
            }
        }
    }
    let output = Command::new(env!("CARGO"))
        .args(["package", "--quiet", "--allow-dirty", "-p", "client-runtime", "-p", "petstore-client"])
        .current_dir(root.path())
        .env("CARGO_TARGET_DIR", workspace().join("target/package-check"))
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "cargo package failed:\n{}", text(&output.stderr));
    let packaged = workspace().join("target/package-check/package/petstore-client-0.1.0.crate");
    assert!(packaged.is_file(), "{} is written", packaged.display());
}
