//! What the generator infers about paging is said: `paging-report.txt` beside the crate and
//! the API surface name each operation's style, declared or inferred and from what, and each
//! listing left unpaged with the reason; strict mode infers too; `x-pagination: false` wins.

mod support;

use support::{fixture, generate, generate_with, text};

fn report_and_surface(flags: &[&str]) -> (String, String) {
    let out = tempfile::tempdir().expect("temp dir");
    let result = generate_with(&fixture("paging-inferred.yaml"), out.path(), "fx-paging-inferred", flags);
    assert!(result.status.success(), "{}", text(&result.stderr));
    let read = |file: &str| std::fs::read_to_string(out.path().join(file)).expect(file);
    (read("paging-report.txt"), read("api-surface.txt"))
}

#[test]
fn the_report_names_each_style_and_its_evidence() {
    let (report, _) = report_and_surface(&[]);
    for line in [
        "paging: listGhThings (GET /gh/things): link-header, inferred from header `Link`, query `page`, `per_page`; items the body",
        "paging: listStripeThings (GET /stripe/things): after-item, inferred from query `starting_after`, body `has_more`; items `data`",
        "paging: listTwilioThings (GET /twilio/Things.json): next-url, inferred from body `next_page_uri`; items `things`",
        "paging: listK8sThings (GET /k8s/things): token, inferred from query `continue`, body `metadata.continue`; items `items`",
        "paging: listJiraThings (GET /jira/things): offset, inferred from query `startAt`, `maxResults` (at most 50); items `values`",
        "paging: listMsThings (GET /ms/things): next-url, declared by x-ms-pageable",
        "paging: listAmbiguous at #/paths/~1ambiguous/get: none, query `page` without a page-size parameter",
        "paging: 11 operation(s) paged (10 inferred), 3 listing(s) left unpaged",
    ] {
        assert!(report.lines().any(|l| l == line), "missing {line:?} in:\n{report}");
    }
    assert!(!report.contains("listNotPaged"), "x-pagination: false must turn inference off:\n{report}");
}

/// The shapes vendors' specs use beyond the plain ones, each recognised from its evidence —
/// and the look-alikes that are not paging, declined. (The generated code of each pages a fake
/// server over HTTP: `paging_inferred_listing.rs`.)
#[test]
fn the_report_names_the_shapes_beyond_the_plain_ones() {
    let (report, _) = report_and_surface(&[]);
    for line in [
        // Cloudflare: no bound on `per_page`, but the body says which size it used.
        "paging: listCfThings (GET /cf/things): page, inferred from query `page`, `per_page` (example 20; the size used in `result_info.per_page`); items `result`",
        // Jira: counts written as strings with whole defaults.
        "paging: listJiraTextThings (GET /jira/text-things): offset, inferred from query `startAt`, `maxResults` (at most 50); items `values`",
        // GitHub: a list under 200 beside a 204 without a body.
        "paging: listGhContributors (GET /gh/contributors): link-header, inferred from header `Link`, query `page`, `per_page`; items the body",
        // Box: the next marker is an integer.
        "paging: listBoxPins (GET /box/pins): token, inferred from query `marker`, body `next_marker`; items `entries`",
        // A `number` called `total` does not make an offset listing's total (see the listing test).
        "paging: listAmountThings (GET /amounts/things): offset, inferred from query `offset`, `limit` (at most 10); items `items`",
        // Declined: a `limit` beside a reported `per_page` may be another setting.
        "paging: listCfLimited at #/paths/~1cf~1limited/get: none, the page-size parameter `limit` has no maximum or default",
        // Declined: `paging.page` is the page just served, not the next token.
        "paging: listSlackFiles at #/paths/~1slack~1files/get: none, query `page` looks like a page token, but no body field carries the next one",
    ] {
        assert!(report.lines().any(|l| l == line), "missing {line:?} in:\n{report}");
    }
    // Two success bodies (a list under 200, an object under 202): which one pages is unclear.
    assert!(!report.contains("listTwoBodies"), "{report}");
}

#[test]
fn the_surface_says_declared_or_inferred() {
    let (_, surface) = report_and_surface(&[]);
    for line in [
        "op list_ms_things paging next-url: declared x-ms-pageable",
        "op list_stripe_things paging after-item: inferred from query `starting_after`, body `has_more`; items `data`",
        "op list_ambiguous paging none: query `page` without a page-size parameter",
    ] {
        assert!(surface.lines().any(|l| l == line), "missing {line:?} in:\n{surface}");
    }
    assert!(!surface.contains("op list_not_paged paging"), "{surface}");
}

/// Inference is not an error in strict mode: the same paging, the same notes.
#[test]
fn strict_mode_infers_the_same() {
    assert_eq!(report_and_surface(&["--strict"]), report_and_surface(&[]));
}

/// A declared extension that does not resolve is still an error in strict mode, and a warning
/// (no inference in its place) otherwise.
#[test]
fn a_broken_declaration_is_not_replaced_by_a_guess() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = std::fs::read_to_string(fixture("paging-inferred.yaml")).expect("fixture");
    let broken = spec.replace(
        "      x-ms-pageable: {nextLinkName: \"@odata.nextLink\"}",
        "      x-ms-pageable: {nextLinkName: \"nextLink\"}",
    );
    assert_ne!(spec, broken);
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, broken).expect("write spec");
    let strict = generate_with(&path, &dir.path().join("strict"), "broken", &["--strict"]);
    assert!(!strict.status.success());
    let stderr = text(&strict.stderr);
    assert!(stderr.contains("#/paths/~1ms~1things/get/x-ms-pageable"), "{stderr}");
    assert!(stderr.contains("\"nextLink\""), "{stderr}");
    let tolerant = generate(&path, &dir.path().join("tolerant"), "broken");
    assert!(tolerant.status.success(), "{}", text(&tolerant.stderr));
    let report = std::fs::read_to_string(dir.path().join("tolerant/paging-report.txt")).expect("report");
    assert!(!report.contains("listMsThings"), "{report}");
}
