//! `cargo xtask vendor utage <page>…`: every saved page is kept under `pages/` and the spec is
//! their OpenAPI blocks merged; one page gives its block byte for byte; re-vendoring a page
//! replaces only its part; a conflict or a bad page changes nothing; removing a page removes its
//! operations and the diff says so.

mod support;

use std::path::{Path, PathBuf};

use openapi_clientgen::diff::Class;
use openapi_clientgen::vendor::{expected_spec, extract, remove_from, vendor_into, Vendored};
use support::{copy_dir, text, workspace, xtask};

fn saved_page_path() -> PathBuf {
    workspace().join("specs/utage/pages/list-media.md")
}

fn saved_page() -> String {
    std::fs::read_to_string(saved_page_path()).expect("the saved UTAGE page")
}

fn vendored_block() -> String {
    extract(&saved_page()).expect("the saved page has a block")
}

/// A page of another endpoint, as the vendor's site would publish it: the same head (`info`,
/// `servers`, `tags`) and shared components as the list page, its own path and schemas.
fn other_page(paths: &str, schemas: &str) -> String {
    let block = vendored_block();
    let (head, rest) = block.split_once("\npaths:\n").expect("paths");
    let (_, components) = rest.split_once("\ncomponents:\n").expect("components");
    let components = components.replacen("  schemas:\n", &format!("  schemas:\n{schemas}"), 1);
    format!("# A UTAGE page\n\n````yaml\n{head}\npaths:\n{paths}components:\n{components}````\n")
}

const UPLOAD_URL_PATH: &str = "  /media/upload-url:
    post:
      tags: [メディア]
      summary: アップロードURL発行
      operationId: createMediaUploadUrl
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/UploadUrlRequest'}
      responses:
        '200':
          description: 署名付きURL
          content:
            application/json:
              schema: {$ref: '#/components/schemas/UploadUrl'}
        '401':
          $ref: '#/components/responses/Unauthorized'
";
const UPLOAD_URL_SCHEMAS: &str = "    UploadUrlRequest:
      type: object
      required: [filename, filetype]
      properties:
        filename: {type: string}
        filetype: {type: string}
    UploadUrl:
      type: object
      properties:
        media_id: {type: string}
";
const COMPLETE_PATH: &str = "  /media/complete:
    post:
      tags: [メディア]
      summary: アップロード完了
      operationId: completeMediaUpload
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [media_id]
              properties:
                media_id: {type: string}
      responses:
        '200':
          description: 登録されたメディア
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Media'}
        '401':
          $ref: '#/components/responses/Unauthorized'
";

fn write_page(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write page");
    path
}

fn operations(outcome: &Vendored) -> Vec<(Class, String, String)> {
    let report = outcome.report.as_ref().expect("a previous spec to compare with");
    report.changes.iter().map(|c| (c.class, c.kind.to_owned(), c.item.clone())).collect()
}

fn pages_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("pages"))
        .expect("pages dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_committed_pages_reproduce_the_committed_spec() {
    let committed = std::fs::read_to_string(workspace().join("specs/utage/openapi.yaml")).expect("committed spec");
    assert_eq!(expected_spec(&workspace().join("specs/utage")).expect("rebuild"), committed);
    // Vendoring the one page into an empty folder writes its block byte for byte and keeps the page.
    let dir = tempfile::tempdir().expect("temp dir");
    let outcome = vendor_into(&saved_page_path(), dir.path()).expect("vendor");
    assert_eq!(std::fs::read_to_string(&outcome.spec).expect("written spec"), committed);
    assert_eq!(outcome.page.as_deref(), Some(dir.path().join("pages/list-media.md").as_path()));
    assert_eq!(std::fs::read_to_string(dir.path().join("pages/list-media.md")).expect("kept page"), saved_page());
    assert!(outcome.report.is_none(), "nothing to compare with");
}

#[test]
fn two_and_three_pages_merge_into_one_spec() {
    let (dir, downloads) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor_into(&saved_page_path(), dir.path()).expect("the list page");
    let upload = write_page(downloads.path(), "upload-url.md", &other_page(UPLOAD_URL_PATH, UPLOAD_URL_SCHEMAS));
    let two = vendor_into(&upload, dir.path()).expect("the upload page");
    assert_eq!(
        operations(&two),
        [
            (Class::Compatible, "operation_added".to_owned(), "Client::create_media_upload_url".to_owned()),
            (Class::Compatible, "type_added".to_owned(), "types::UploadUrl".to_owned()),
            (Class::Compatible, "type_added".to_owned(), "types::UploadUrlRequest".to_owned()),
        ]
    );
    let spec = std::fs::read_to_string(&two.spec).expect("spec");
    assert!(spec.starts_with(
        "# Written by `cargo xtask vendor`: the OpenAPI blocks of the saved pages list-media.md, upload-url.md"
    ));

    let complete = write_page(downloads.path(), "complete.md", &other_page(COMPLETE_PATH, ""));
    let three = vendor_into(&complete, dir.path()).expect("the complete page");
    assert_eq!(pages_in(dir.path()), ["complete.md", "list-media.md", "upload-url.md"]);
    assert_eq!(
        operations(&three),
        [
            (Class::Compatible, "operation_added".to_owned(), "Client::complete_media_upload".to_owned()),
            (Class::Compatible, "type_added".to_owned(), "types::CompleteMediaUploadBody".to_owned()),
        ]
    );
    let api = openapi_clientgen::diff::load(&three.spec.display().to_string()).expect("the merged spec builds");
    let mut ids: Vec<&str> = api.operations.iter().map(|o| o.fn_name.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["complete_media_upload", "create_media_upload_url", "list_media"]);
    // Shared components are merged, not repeated, and each page's own ones are there.
    let tree: serde_json::Value = serde_yaml::from_str(&spec_text(&three)).expect("YAML");
    let schemas = tree["components"]["schemas"].as_object().expect("schemas");
    let names: Vec<&String> = schemas.keys().collect();
    assert_eq!(names, ["Media", "PaginationMeta", "ErrorResponse", "UploadUrlRequest", "UploadUrl"]);
    assert_eq!(expected_spec(dir.path()).expect("rebuild"), spec_text(&three));
}

fn spec_text(outcome: &Vendored) -> String {
    std::fs::read_to_string(&outcome.spec).expect("spec")
}

/// A re-saved page, even under another file name, replaces the page with the same operations
/// and nothing else: the other pages stay byte for byte, the diff shows only its change.
#[test]
fn re_vendoring_one_page_replaces_only_its_part() {
    let (dir, downloads) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor_into(&saved_page_path(), dir.path()).expect("list");
    vendor_into(
        &write_page(downloads.path(), "upload-url.md", &other_page(UPLOAD_URL_PATH, UPLOAD_URL_SCHEMAS)),
        dir.path(),
    )
    .expect("upload");
    vendor_into(&write_page(downloads.path(), "complete.md", &other_page(COMPLETE_PATH, "")), dir.path())
        .expect("complete");
    let before = |name: &str| std::fs::read_to_string(dir.path().join("pages").join(name)).expect("page");
    let (list, complete) = (before("list-media.md"), before("complete.md"));

    let revised_schemas = UPLOAD_URL_SCHEMAS.replace(
        "        filetype: {type: string}\n",
        "        filetype: {type: string}\n        folder_id: {type: string}\n",
    );
    let revised =
        write_page(downloads.path(), "アップロードURL発行.md", &other_page(UPLOAD_URL_PATH, &revised_schemas));
    let outcome = vendor_into(&revised, dir.path()).expect("re-vendor");
    assert_eq!(outcome.pages, [format!("replaced page upload-url.md with {}", revised.display())]);
    assert_eq!(pages_in(dir.path()), ["complete.md", "list-media.md", "upload-url.md"]);
    assert_eq!((before("list-media.md"), before("complete.md")), (list, complete));
    assert!(before("upload-url.md").contains("folder_id: {type: string}"));
    assert_eq!(
        operations(&outcome),
        [(Class::Breaking, "field_added".to_owned(), "types::UploadUrlRequest::folder_id".to_owned())]
    );
}

#[test]
fn a_component_defined_differently_by_two_pages_is_refused_naming_both() {
    let (dir, downloads) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor_into(&saved_page_path(), dir.path()).expect("list");
    let spec_before = std::fs::read_to_string(dir.path().join("openapi.yaml")).expect("spec");
    let page = other_page(UPLOAD_URL_PATH, UPLOAD_URL_SCHEMAS).replace(
        "              description: エラーコード\n",
        "              description: エラーコード\n              enum: [unauthorized]\n",
    );
    let conflicting = write_page(downloads.path(), "upload-url.md", &page);
    let error = vendor_into(&conflicting, dir.path()).map(|_| ()).expect_err("ErrorResponse differs").to_string();
    assert!(
        error.contains(
            "#/components/schemas/ErrorResponse is defined differently by pages list-media.md and upload-url.md"
        ),
        "{error}"
    );
    assert!(error.contains("nothing was written"), "{error}");
    assert_eq!(std::fs::read_to_string(dir.path().join("openapi.yaml")).expect("spec"), spec_before);
    assert_eq!(pages_in(dir.path()), ["list-media.md"]);

    // A page that defines the operations of two saved pages cannot say which it replaces.
    vendor_into(&write_page(downloads.path(), "complete.md", &other_page(COMPLETE_PATH, "")), dir.path())
        .expect("complete");
    let both = other_page(&format!("{}{COMPLETE_PATH}", saved_paths()), "");
    let error =
        vendor_into(&write_page(downloads.path(), "both.md", &both), dir.path()).map(|_| ()).expect_err("ambiguous");
    assert!(
        error.to_string().contains("defines operations of several saved pages (complete.md, list-media.md)"),
        "{error}"
    );
}

/// The list page's own `paths:` entries.
fn saved_paths() -> String {
    let block = vendored_block();
    let rest = block.split_once("\npaths:\n").expect("paths").1;
    rest.split_once("\ncomponents:\n").expect("components").0.to_owned() + "\n"
}

#[test]
fn removing_a_page_removes_its_operations_and_the_diff_says_so() {
    let (dir, downloads) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor_into(&saved_page_path(), dir.path()).expect("list");
    vendor_into(
        &write_page(downloads.path(), "upload-url.md", &other_page(UPLOAD_URL_PATH, UPLOAD_URL_SCHEMAS)),
        dir.path(),
    )
    .expect("upload");
    let outcome = remove_from("upload-url.md", dir.path()).expect("remove");
    assert_eq!(outcome.pages, ["removed page upload-url.md (POST /media/upload-url)"]);
    assert_eq!(pages_in(dir.path()), ["list-media.md"]);
    assert_eq!(
        operations(&outcome),
        [
            (Class::Breaking, "operation_removed".to_owned(), "Client::create_media_upload_url".to_owned()),
            (Class::Breaking, "type_removed".to_owned(), "types::UploadUrl".to_owned()),
            (Class::Breaking, "type_removed".to_owned(), "types::UploadUrlRequest".to_owned()),
        ]
    );
    // Back to one page: its block, byte for byte.
    assert_eq!(spec_text(&outcome), vendored_block());

    let missing = remove_from("nope.md", dir.path()).map(|_| ()).expect_err("no such page").to_string();
    assert!(missing.contains("no saved page \"nope.md\"") && missing.contains("list-media.md"), "{missing}");
    let last = remove_from("list-media.md", dir.path()).map(|_| ()).expect_err("the last page").to_string();
    assert!(last.contains("would leave no page"), "{last}");
    assert_eq!(pages_in(dir.path()), ["list-media.md"]);
}

/// Through the binary, in a copy of the workspace: add a page, then `--remove` it.
#[test]
fn the_vendor_command_adds_and_removes_pages() {
    let root = tempfile::tempdir().expect("temp dir");
    copy_dir(&workspace().join("specs"), &root.path().join("specs"));
    // The vendored pages alone: the workspace's own overlay already adds POST /media/upload-url.
    let _ = std::fs::remove_dir_all(root.path().join("specs/utage/overlays"));
    std::fs::write(root.path().join("Cargo.toml"), "[workspace]\n").expect("a workspace to find");
    let downloads = tempfile::tempdir().expect("temp dir");
    let page = write_page(downloads.path(), "upload-url.md", &other_page(UPLOAD_URL_PATH, UPLOAD_URL_SCHEMAS));
    let run = |args: &[&str]| xtask().args(args).current_dir(root.path().join("specs")).output().expect("xtask runs");
    let added = run(&["vendor", "utage", &page.display().to_string()]);
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(
        text(&added.stdout).contains("added page upload-url.md (POST /media/upload-url)"),
        "{}",
        text(&added.stdout)
    );
    assert!(
        text(&added.stdout).contains("`Client::create_media_upload_url` (operation added)"),
        "{}",
        text(&added.stdout)
    );
    let removed = run(&["vendor", "utage", "--remove", "upload-url.md"]);
    assert!(removed.status.success(), "{}", text(&removed.stderr));
    assert!(text(&removed.stdout).contains("### Breaking"), "{}", text(&removed.stdout));
    assert!(text(&removed.stdout).contains("`Client::create_media_upload_url` (operation removed)"));
    let spec = std::fs::read_to_string(root.path().join("specs/utage/openapi.yaml")).expect("spec");
    assert_eq!(spec, std::fs::read_to_string(workspace().join("specs/utage/openapi.yaml")).expect("committed"));
}

/// An overlay written for the old spec that no longer applies is reported, naming the overlay.
#[test]
fn an_overlay_that_stops_applying_is_reported_by_vendor() {
    let dir = tempfile::tempdir().expect("temp dir");
    vendor_into(&saved_page_path(), dir.path()).expect("list");
    std::fs::create_dir(dir.path().join("overlays")).expect("overlays");
    std::fs::write(
        dir.path().join("overlays/upload.yaml"),
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: \"$.paths['/media'].get\"\n    update: {x-checked: true}\n",
    )
    .expect("overlay");
    assert!(vendor_into(&saved_page_path(), dir.path()).expect("still applies").overlay_problem.is_none());
    let moved = saved_page().replace("  /media:\n    get:", "  /media/list:\n    get:");
    let downloads = tempfile::tempdir().expect("temp dir");
    let outcome = vendor_into(&write_page(downloads.path(), "list-media.md", &moved), dir.path()).expect("vendored");
    let problem = outcome.overlay_problem.expect("the overlay selects nothing now").to_string();
    assert!(problem.contains("upload.yaml: actions[0]: target \"$.paths['/media'].get\" selects nothing"), "{problem}");
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
    vendor_into(&saved_page_path(), dir.path()).expect("list");
    let spec = dir.path().join("openapi.yaml");
    let (spec_before, page_before) = (std::fs::read(&spec).expect("spec"), saved_page());
    let page = saved_page();
    let block_start = page.find("````yaml").expect("the page has a block");
    let second = page.replacen("````yaml GET /media", "````yaml GET /media\n", 1);
    let bad_yaml = page.replacen("openapi: 3.0.3\n", "openapi: 3.0.3\n  : [unbalanced\n", 1);
    let cases = [
        ("no-block.md", page[..block_start].to_owned(), "no ```yaml block"),
        ("two-blocks.md", format!("{page}\n\n{}", &second[block_start..]), "2 OpenAPI ```yaml blocks"),
        ("bad-yaml.md", bad_yaml, "not valid YAML: "),
        ("unclosed.md", page.trim_end_matches('`').to_owned(), "never closed"),
        (
            "not-openapi.md",
            "```yaml\nname: x\n```\n".to_owned(),
            "none with a top-level `openapi:` (or `swagger:`) key",
        ),
        (
            "unsupported.md",
            page.replacen(
                "          description: 名前で部分一致検索\n          schema:\n            type: string\n",
                "          description: 名前で部分一致検索\n          schema:\n            not: {type: integer}\n",
                1,
            ),
            "`not` schemas are not supported",
        ),
    ];
    let downloads = tempfile::tempdir().expect("temp dir");
    for (name, text, message) in cases {
        let path = write_page(downloads.path(), name, &text);
        let error = match vendor_into(&path, dir.path()) {
            Ok(_) => panic!("{name}: vendored a bad page"),
            Err(e) => e.to_string(),
        };
        assert!(error.contains(message), "{name}: {error}");
        assert_eq!(std::fs::read(&spec).expect("spec"), spec_before, "{name}");
        assert_eq!(pages_in(dir.path()), ["list-media.md"], "{name}");
        assert_eq!(std::fs::read_to_string(dir.path().join("pages/list-media.md")).expect("page"), page_before);
    }
    let missing = vendor_into(&downloads.path().join("missing.md"), dir.path()).map(|_| ()).map_err(|e| e.to_string());
    assert!(missing.is_err_and(|e| e.contains("missing.md")));
}

/// Which OpenAPI versions a page may carry is the loader's decision: a 3.1 page vendors exactly
/// when `Spec::parse` accepts its block, and is otherwise refused with the loader's own message.
#[test]
fn the_loader_decides_which_openapi_versions_a_page_may_carry() {
    let page = saved_page().replacen("openapi: 3.0.3\n", "openapi: 3.1.0\n", 1);
    let block = extract(&page).expect("block");
    let loader =
        openapi_clientgen::spec::Spec::parse(Path::new("list-media.md"), &block).map(|_| ()).map_err(|e| e.message);
    let dir = tempfile::tempdir().expect("temp dir");
    let downloads = tempfile::tempdir().expect("temp dir");
    let vendored = vendor_into(&write_page(downloads.path(), "list-media.md", &page), dir.path());
    match (loader, vendored) {
        (Ok(()), Ok(outcome)) => assert_eq!(spec_text(&outcome), block),
        (Err(message), Err(e)) => assert!(e.to_string().contains(&message), "{e}"),
        (loader, vendored) => {
            panic!("loader: {loader:?}; vendor: {:?}", vendored.map(|_| ()).map_err(|e| e.to_string()))
        }
    }
}

#[test]
fn only_utage_is_vendored() {
    let output = xtask().args(["vendor", "microcms", "page.md"]).output().expect("xtask runs");
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("by hand"));
}
