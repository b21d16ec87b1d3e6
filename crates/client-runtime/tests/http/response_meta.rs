//! A response's HTTP metadata and its body's own `meta` field, as a caller's code sees them: the
//! body's field through `Deref`, the metadata through `.http()`.

use client_runtime::http::{HeaderMap, HeaderValue, StatusCode};
use client_runtime::{Response, ResponseMeta};

/// A body with a `meta` field of its own, as UTAGE's and PostEverywhere's envelopes have.
struct Page {
    meta: Envelope,
}

struct Envelope {
    request_id: &'static str,
}

#[test]
fn the_body_meta_field_and_the_http_metadata_never_meet() {
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("req-http"));
    let http = ResponseMeta::new("listMedia", StatusCode::OK, headers, 1);
    let page = Response::new(Page { meta: Envelope { request_id: "req-body" } }, http);

    assert_eq!(page.meta.request_id, "req-body", "the body's own field, through Deref");
    assert_eq!(page.http().request_id(), Some("req-http"));
    assert_eq!(page.http().status(), StatusCode::OK, "http's StatusCode, the one reqwest uses");
    #[allow(deprecated)]
    let old = page.meta().request_id();
    assert_eq!(old, Some("req-http"), "the deprecated name answers what .http() does, for one release");
}
