//! The storage step through the one pipeline: retried with its body sent again (a file opened
//! afresh), never with a credential; a one-shot body sent once, with the reason in the error.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::put;
use axum::Router;
use client_runtime::__private::upload::{Progress, UploadSource};
use client_runtime::__private::{ForeignBody, ForeignRequest, Request, StreamForm, STORAGE_OPERATION};
use client_runtime::http::Method;
use client_runtime::RequestOptions;
use client_runtime::StorageError;

use crate::common::{client, lock, serve, shared, Bearer};
use crate::retries::hang_up_server;

/// Each PUT's body and whether it carried `Authorization`.
type Arrivals = Arc<std::sync::Mutex<Vec<(Vec<u8>, bool)>>>;

/// Answers the first PUT 503 `SlowDown` after reading it, stores the second.
fn slow_down_once(seen: Arrivals) -> Router {
    Router::new().route(
        "/bucket/{key}",
        put(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let mut seen = lock(&seen);
                seen.push((body.to_vec(), headers.contains_key("authorization")));
                if seen.len() == 1 {
                    (StatusCode::SERVICE_UNAVAILABLE, "<Error><Code>SlowDown</Code></Error>")
                } else {
                    (StatusCode::OK, "")
                }
            }
        }),
    )
}

#[tokio::test]
async fn a_storage_put_answered_503_is_sent_again_from_the_file_without_credentials() {
    let seen = shared::<Vec<(Vec<u8>, bool)>>();
    let storage = serve(slow_down_once(seen.clone())).await;
    let api = serve(Router::new()).await;
    let client = client::<Bearer>(api).build().expect("client");
    let dir = std::env::temp_dir().join(format!("storage-retry-{}", std::process::id()));
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&dir, &content).expect("write");
    let last = Arc::new(AtomicU64::new(0));
    let report = last.clone();
    let progress: Progress = Arc::new(move |sent, _| report.store(sent, Ordering::SeqCst));
    let url = format!("http://{storage}/bucket/obj?signature=s1").parse().expect("url");
    let mut request = Request::storage(STORAGE_OPERATION, Method::PUT, url);
    request.stream_body("image/png", UploadSource::file(&dir).await.expect("file"), Some(progress));
    let response = client.transport().send_storage(request).await;
    let _ = std::fs::remove_file(&dir);
    assert_eq!(response.expect("the second attempt is stored").status, 200);
    let seen = lock(&seen);
    assert_eq!(seen.len(), 2, "one retry");
    assert!(seen.iter().all(|(body, auth)| *body == content && !auth), "the whole file each time, no credential");
    assert_eq!(last.load(Ordering::SeqCst), content.len() as u64);
}

#[tokio::test]
async fn a_one_shot_storage_body_is_sent_once_and_the_error_says_why() {
    let (storage, accepted) = hang_up_server().await;
    let api = serve(Router::new()).await;
    let client = client::<Bearer>(api).build().expect("client");
    let request = ForeignRequest {
        method: Method::PUT,
        url: format!("http://{storage}/bucket/obj").parse().expect("url"),
        headers: Vec::new(),
        body: ForeignBody::Raw { content_type: None, body: vec![1u8; 10].into() },
        timeout: None,
    };
    match client.transport().send_foreign(request).await {
        Err(StorageError::Transport(text)) => {
            assert!(text.contains("not retried") && text.contains("one-shot"), "{text}")
        }
        other => panic!("expected a transport failure, got {other:?}"),
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_signed_post_is_retried_after_a_broken_connection_only_when_marked_idempotent() {
    let (storage, accepted) = hang_up_server().await;
    let api = serve(Router::new()).await;
    let client = client::<Bearer>(api).build().expect("client");
    for (idempotent, attempts) in [(false, 1), (true, 3)] {
        let url = format!("http://{storage}/bucket").parse().expect("url");
        let mut request = Request::storage(STORAGE_OPERATION, Method::POST, url);
        request.stream_form(StreamForm {
            fields: vec![("key".into(), "k1".into())],
            file_field: "file".into(),
            file_name: "a.png".into(),
            content_type: "image/png".into(),
            source: UploadSource::Bytes(vec![9u8; 100].into()),
            progress: None,
        });
        if idempotent {
            request.set_idempotent(true);
        }
        let error = client.transport().send_storage(request).await.expect_err("hung up");
        assert!(matches!(error, StorageError::Transport(_)), "{error:?}");
        assert_eq!(accepted.swap(0, Ordering::SeqCst), attempts, "idempotent: {idempotent}");
    }
}

#[tokio::test]
async fn a_one_shot_api_body_answered_503_is_returned_with_the_reason() {
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    let app = Router::new().route(
        "/v1/media",
        axum::routing::post(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { (StatusCode::SERVICE_UNAVAILABLE, "busy") }
        }),
    );
    let api = serve(app).await;
    let client = client::<Bearer>(api).build().expect("client");
    let form = client_runtime::__private::reqwest::multipart::Form::new().text("a", "b");
    let raw = client.transport().execute_streamed::<()>("uploadMedia", Method::POST, "/media", form).await;
    let raw = raw.expect("the 503 is handed back for decoding");
    assert_eq!((raw.status(), count.load(Ordering::SeqCst)), (503, 1));
    assert!(raw.meta().not_retried().is_some_and(|why| why.contains("one-shot")));
}

#[tokio::test]
async fn per_call_options_set_headers_the_idempotency_key_and_the_attempts() {
    let seen = shared::<Vec<(Option<String>, Option<String>)>>();
    let record = seen.clone();
    let app = Router::new().route(
        "/v1/media",
        axum::routing::post(move |headers: HeaderMap| {
            let record = record.clone();
            async move {
                let get = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
                lock(&record).push((get("idempotency-key"), get("x-trace")));
                (StatusCode::BAD_GATEWAY, "down")
            }
        }),
    );
    let api = serve(app).await;
    let client = client::<Bearer>(api).build().expect("client");
    let mut request = Request::new("uploadMedia", Method::POST, "/media".into());
    request.set_options(RequestOptions::new().idempotency_key("once-1").header("X-Trace", "t"));
    let raw = client.transport().execute::<()>(request).await.expect("502");
    // The key makes a 502 safe to retry: all three attempts carry it.
    assert_eq!(raw.meta().attempts(), 3);
    assert!(lock(&seen).iter().all(|h| *h == (Some("once-1".into()), Some("t".into()))));
    let mut request = Request::new("uploadMedia", Method::POST, "/media".into());
    request.set_options(RequestOptions::new().idempotency_key("once-2").no_retries());
    let raw = client.transport().execute::<()>(request).await.expect("502");
    assert_eq!(raw.meta().attempts(), 1, "retries off for this call");
}
