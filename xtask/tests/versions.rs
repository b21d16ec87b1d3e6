//! OpenAPI 3.1 and Swagger 2.0 input: the same API written in 3.0 and 3.1 is the same Rust API,
//! the vendor loop takes a 3.1 page, and what the version step drops is named in a warning.

mod support;

use std::path::Path;

use openapi_clientgen::diff::{self, Class};
use openapi_clientgen::vendor;
use support::{fixture, generate, text, workspace};

/// The spec as written: `diff::load` would add the workspace's UTAGE overlays to one side only.
fn load(path: &Path) -> openapi_clientgen::model::Api {
    let spec = openapi_clientgen::spec::Spec::load(path).unwrap_or_else(|e| panic!("{e}"));
    openapi_clientgen::model::build(&spec, &openapi_clientgen::model::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// UTAGE's spec and a hand-made 3.1 rewrite of it (type lists with "null" for `nullable`,
/// `examples`, a `$ref` beside a description) give the same API: the one difference is the
/// description the 3.1 form could attach to a `$ref`.
#[test]
fn api_diff_between_the_30_and_31_forms_finds_nothing_breaking() {
    let report = diff::compare(&load(&workspace().join("specs/utage/openapi.yaml")), &load(&fixture("utage31.yaml")));
    let changes: Vec<(Class, &str, &str)> = report.changes.iter().map(|c| (c.class, c.kind, c.item.as_str())).collect();
    assert!(changes.iter().all(|(class, ..)| *class != Class::Breaking), "{changes:?}");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].2, "types::ListMediaResponse::meta");
    assert_eq!(changes[0].0, Class::DocsOnly);
}

/// The day UTAGE republishes its page as `openapi: 3.1.0` (type lists with "null" instead of
/// `nullable`), `vendor` takes it in place of the 3.0 page and finds nothing breaking.
#[test]
fn vendor_takes_a_page_whose_block_is_openapi_31() {
    let saved = workspace().join("specs/utage/pages/list-media.md");
    let page = std::fs::read_to_string(&saved).expect("the saved UTAGE page");
    let rewrites = [
        ("openapi: 3.0.3\n", "openapi: 3.1.0\n"),
        (
            "        folder_id:\n          type: string\n          nullable: true\n",
            "        folder_id:\n          type: [string, 'null']\n",
        ),
        (
            "            details:\n              type: object\n              nullable: true\n",
            "            details:\n              type: [object, 'null']\n",
        ),
    ];
    let mut page31 = page.clone();
    for (from, to) in rewrites {
        assert!(page31.contains(from), "the saved page no longer has {from:?}");
        page31 = page31.replacen(from, to, 1);
    }
    let (dir, downloads) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    vendor::vendor_into(&saved, dir.path()).unwrap_or_else(|e| panic!("the 3.0 page: {e}"));
    let path = downloads.path().join("list-media.md");
    std::fs::write(&path, page31).expect("write page");
    let outcome = vendor::vendor_into(&path, dir.path()).unwrap_or_else(|e| panic!("the 3.1 page: {e}"));
    assert!(std::fs::read_to_string(&outcome.spec).expect("spec").contains("openapi: 3.1.0"));
    let report = outcome.report.expect("compared with the 3.0 spec it replaced");
    let breaking: Vec<&str> =
        report.changes.iter().filter(|c| c.class == Class::Breaking).map(|c| c.item.as_str()).collect();
    assert!(breaking.is_empty(), "{breaking:?}");
}

/// Webhooks, unused path items and tuples are named on stderr; the crate is still written.
#[test]
fn dropped_constructs_are_named_in_warnings() {
    let out = tempfile::tempdir().expect("temp dir");
    let result = generate(&fixture("constructs31.yaml"), out.path(), "fx-constructs31");
    let stderr = text(&result.stderr);
    assert!(result.status.success(), "{stderr}");
    let file = fixture("constructs31.yaml").display().to_string();
    for expected in [
        "at #/webhooks: webhooks ignored (readingCreated)",
        "at #/components/pathItems: components/pathItems ignored (Readings, Unused)",
        "at #/components/schemas/Reading/properties/samples/prefixItems: a tuple of 1 item(s) that allows more",
        "at #/components/schemas/Reading/properties/legacy: a property whose schema is `false` is left out",
    ] {
        assert!(stderr.contains(&format!("warning: {file}: {expected}")), "{expected:?} not in:\n{stderr}");
    }
    // Closed tuples are Rust tuples, with no warning.
    assert!(!stderr.contains("range/prefixItems") && !stderr.contains("tag/prefixItems"), "{stderr}");
    let types = std::fs::read_to_string(out.path().join("src/generated/types.rs")).expect("types");
    assert!(
        types.contains("pub range: Option<(f64, f64)>") && types.contains("pub tag: Option<(String, i64)>"),
        "{types}"
    );
    // The shared path item was inlined; the unused one generated nothing.
    let operations = std::fs::read_to_string(out.path().join("src/generated/operations/mod.rs")).expect("ops");
    assert!(operations.contains("list_readings"), "{operations}");
    assert!(!operations.contains("never_generated"), "{operations}");
}

/// Swagger 2.0 without `host` keeps `basePath` as a relative server; `x-nullable` is `Option`.
#[test]
fn swagger2_servers_and_nullability() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = dir.path().join("relative.yaml");
    std::fs::write(
        &spec,
        "swagger: '2.0'\ninfo: {title: Rel, version: '1'}\nbasePath: /api/\npaths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          schema: {$ref: '#/definitions/A'}\ndefinitions:\n  A:\n    type: object\n    required: [n]\n    properties:\n      n: {type: string, x-nullable: true}\n",
    )
    .expect("write spec");
    let out = dir.path().join("out");
    let result = generate(&spec, &out, "rel");
    assert!(result.status.success(), "{}", text(&result.stderr));
    let client = std::fs::read_to_string(out.join("src/generated/client.rs")).expect("client");
    assert!(client.contains("server_url: \"/api\""), "{client}");
    let types = std::fs::read_to_string(out.join("src/generated/types.rs")).expect("types");
    assert!(types.contains("pub n: Option<String>"), "{types}");
}
