//! `cargo xtask vendor utage <page>`: the OpenAPI block of a saved doc page becomes the spec,
//! byte for byte; a page without exactly one valid block changes nothing.

use std::path::{Path, PathBuf};

use xtask::vendor::{extract, vendor_into};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn saved_page() -> String {
    std::fs::read_to_string(workspace().join("specs/utage/source.md")).expect("the saved UTAGE page")
}

#[test]
fn the_saved_page_reproduces_the_committed_spec() {
    let dir = tempfile::tempdir().expect("temp dir");
    let outcome = vendor_into(&workspace().join("specs/utage/source.md"), dir.path()).expect("vendor");
    let committed = std::fs::read(workspace().join("specs/utage/openapi.yaml")).expect("committed spec");
    assert_eq!(std::fs::read(&outcome.spec).expect("written spec"), committed);
    assert_eq!(std::fs::read_to_string(&outcome.source).expect("written page"), saved_page());
}

#[test]
fn three_backtick_fences_and_crlf_pages_work() {
    let block = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths: {}\n";
    let page = format!("# Page\n\n```\nhttps://example.com\n```\n\n```yaml GET /x\n{block}```\n");
    assert_eq!(extract(&page).as_deref(), Ok(block));
    assert_eq!(extract(&page.replace('\n', "\r\n")).as_deref(), Ok(block));
    // Indented fences inside the block (a description's code sample) neither close nor open one.
    let nested = "openapi: 3.0.3\ninfo:\n  description: |\n    ```\n    code\n    ```\n";
    assert_eq!(extract(&format!("````yaml\n{nested}````")).as_deref(), Ok(nested));
}

/// Each bad page fails with a message naming the problem, and the current files stay as they were.
#[test]
fn bad_pages_leave_the_spec_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (spec, source) = (dir.path().join("openapi.yaml"), dir.path().join("source.md"));
    std::fs::write(&spec, "the current spec\n").expect("seed spec");
    std::fs::write(&source, "the current page\n").expect("seed page");
    let page = saved_page();
    let block_start = page.find("````yaml").expect("the page has a block");
    let second = page.replacen("````yaml GET /media", "````yaml GET /media\n", 1);
    let bad_yaml = page.replacen("openapi: 3.0.3\n", "openapi: 3.0.3\n  : [unbalanced\n", 1);
    let cases = [
        ("no-block.md", page[..block_start].to_owned(), "no ```yaml block"),
        ("two-blocks.md", format!("{page}\n\n{}", &second[block_start..]), "2 OpenAPI ```yaml blocks"),
        ("bad-yaml.md", bad_yaml, "not valid YAML: "),
        ("unclosed.md", page.trim_end_matches('`').to_owned(), "never closed"),
        ("not-openapi.md", "```yaml\nname: x\n```\n".to_owned(), "none with a top-level `openapi:` key"),
        ("swagger.md", "```yaml\nopenapi: 4.0.0\ninfo: {title: T, version: '1'}\n```\n".to_owned(), "only 3.0.x"),
        (
            "unsupported.md",
            "```yaml\nopenapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /x:\n    get:\n      parameters:\n        - {name: s, in: query, style: deepObject, schema: {type: string}}\n      responses:\n        '200': {description: ok}\n```\n"
                .to_owned(),
            "query style DeepObject is not supported",
        ),
    ];
    for (name, text, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write page");
        let error = match vendor_into(&path, dir.path()) {
            Ok(_) => panic!("{name}: vendored a bad page"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(message), "{name}: {error}");
        assert_eq!(std::fs::read_to_string(&spec).expect("spec"), "the current spec\n", "{name}");
        assert_eq!(std::fs::read_to_string(&source).expect("page"), "the current page\n", "{name}");
    }
    let missing = vendor_into(&dir.path().join("missing.md"), dir.path()).map(|_| ()).map_err(|e| e.to_string());
    assert!(missing.is_err_and(|e| e.contains("missing.md")));
}

#[test]
fn only_utage_is_vendored() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["vendor", "microcms", "page.md"])
        .output()
        .expect("xtask runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("by hand"));
}
