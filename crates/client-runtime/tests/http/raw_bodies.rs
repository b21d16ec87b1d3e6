//! Raw request bodies: a file streams from disk with its length, and is opened afresh for a
//! retry, so the second attempt carries the whole file again.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::put;
use axum::Router;
use client_runtime::__private::Request;
use client_runtime::http::Method;
use client_runtime::{Error, RawBody};

use crate::common::{client, lock, serve, shared, Bearer, Shared};

/// What each attempt delivered: (content type, content length header, body length).
type Seen = Shared<Vec<(String, String, usize)>>;

#[tokio::test]
async fn a_file_body_is_streamed_with_its_length_and_resent_whole_on_a_retry() {
    let seen: Seen = shared();
    let attempts = Arc::new(AtomicU32::new(0));
    let (record, count) = (seen.clone(), attempts.clone());
    let app = Router::new().route(
        "/v1/upload",
        put(move |headers: HeaderMap, body: Bytes| {
            let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            lock(&record).push((text("content-type"), text("content-length"), body.len()));
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                match first {
                    true => (StatusCode::SERVICE_UNAVAILABLE, "{}"),
                    false => (StatusCode::OK, "{}"),
                }
            }
        }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let size = 1024 * 1024 + 3;
    let path = std::env::temp_dir().join(format!("client-runtime-raw-{}", std::process::id()));
    std::fs::write(&path, vec![7u8; size]).expect("write the file");
    let mut request = Request::new("testOp", Method::PUT, "/upload".into());
    request.raw_body("application/octet-stream", RawBody::from_file(&path).content_type("video/mp4"));
    let outcome = client.transport().execute::<()>(request).await;
    std::fs::remove_file(&path).expect("remove the file");
    assert_eq!(outcome.expect("retried to success").status(), 200);
    let expected = ("video/mp4".to_owned(), size.to_string(), size);
    assert_eq!(lock(&seen).as_slice(), [expected.clone(), expected]);
}

#[tokio::test]
async fn a_file_that_cannot_be_opened_fails_before_anything_is_sent() {
    let app = Router::new().route("/v1/upload", put(|| async { "{}" }));
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let mut request = Request::new("testOp", Method::PUT, "/upload".into());
    request.raw_body("image/*", RawBody::from_file("/nonexistent/client-runtime/file.png"));
    match client.transport().execute::<()>(request).await {
        Err(Error::InvalidRequest(e)) => assert!(e.problem.contains("cannot open the file"), "{e}"),
        other => panic!("expected an invalid request, got {other:?}"),
    }
}
