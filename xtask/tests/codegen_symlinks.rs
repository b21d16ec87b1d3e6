//! `codegen`'s tree writer never follows a symlink out of `src/generated/`: a linked directory
//! is refused, a linked or planted file is replaced as a link, a stale link is removed as a link.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use openapi_clientgen::emit::GeneratedFile;
use openapi_clientgen::output::write_tree;

fn file(path: &str, contents: &str) -> GeneratedFile {
    GeneratedFile { path: path.to_owned(), contents: contents.to_owned() }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

struct Tree {
    _tmp: tempfile::TempDir,
    generated: PathBuf,
    outside: PathBuf,
}

fn tree() -> Tree {
    let tmp = tempfile::tempdir().expect("tempdir");
    let generated = tmp.path().join("src/generated");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&generated).expect("generated");
    std::fs::create_dir_all(&outside).expect("outside");
    std::fs::write(outside.join("victim.rs"), "precious").expect("victim");
    Tree { _tmp: tmp, generated, outside }
}

#[test]
fn a_linked_directory_inside_the_tree_is_refused() {
    let t = tree();
    symlink(&t.outside, t.generated.join("operations")).expect("link");
    let err = write_tree(&t.generated, &[file("operations/victim.rs", "generated")]).expect_err("refused");
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(read(&t.outside.join("victim.rs")), "precious");
}

#[test]
fn a_linked_generated_directory_is_refused() {
    let t = tree();
    let linked = t.generated.parent().expect("src").join("linked");
    symlink(&t.outside, &linked).expect("link");
    let err = write_tree(&linked, &[file("victim.rs", "generated")]).expect_err("refused");
    assert!(err.to_string().contains("symlink"), "{err}");
    assert_eq!(read(&t.outside.join("victim.rs")), "precious");
}

#[test]
fn linked_files_are_replaced_and_stale_links_removed_never_followed() {
    let t = tree();
    let victim = t.outside.join("victim.rs");
    // A generated file that is a link, a planted temporary file, a stale link to a directory.
    symlink(&victim, t.generated.join("client.rs")).expect("link");
    symlink(&victim, t.generated.join(".types.rs.tmp")).expect("link");
    symlink(&t.outside, t.generated.join("old")).expect("link");
    write_tree(&t.generated, &[file("client.rs", "client"), file("types.rs", "types")]).expect("written");
    assert_eq!(read(&victim), "precious", "nothing written through a link");
    assert!(t.outside.join("victim.rs").exists(), "nothing removed through a link");
    let client = t.generated.join("client.rs");
    assert!(!std::fs::symlink_metadata(&client).expect("client").file_type().is_symlink());
    assert_eq!(read(&client), "client");
    assert_eq!(read(&t.generated.join("types.rs")), "types");
    assert!(std::fs::symlink_metadata(t.generated.join("old")).is_err(), "the stale link is gone");
}
