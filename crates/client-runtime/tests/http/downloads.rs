//! File responses: a 2xx body is handed over as it arrives, with its declared type and length;
//! a body that breaks off, ends short or stalls is a typed error and `save_to` leaves no file;
//! an error status is still read and decoded, and a 503 is still retried.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::Router;
use client_runtime::__private::Request;
use client_runtime::http::Method;
use client_runtime::DownloadError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{client, serve, Bearer};

const SIZE: usize = 3 * 1024 * 1024 + 17;

fn file_bytes() -> Vec<u8> {
    (0..SIZE).map(|i| (i % 251) as u8).collect()
}

fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("client-runtime-download-{}-{name}", std::process::id()))
}

#[tokio::test]
async fn a_file_streams_in_chunks_with_its_type_and_length_after_a_retried_503() {
    let calls = Arc::new(AtomicU32::new(0));
    let count = calls.clone();
    let app = Router::new().route(
        "/v1/files/cat",
        get(move || {
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            async move {
                match first {
                    true => {
                        (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, "application/json")], b"{}".to_vec())
                    }
                    false => (StatusCode::OK, [(header::CONTENT_TYPE, "image/png")], file_bytes()),
                }
            }
        }),
    );
    let addr = serve(app).await;
    // A body cap far below the file: a download is not held in memory, so the cap does not apply.
    let client = client::<Bearer>(addr).max_response_bytes(1024).build().expect("client");
    let raw = client.transport().download::<()>(Request::new("testOp", Method::GET, "/files/cat".into())).await;
    let raw = raw.expect("the file after one retry");
    assert_eq!(raw.meta().attempts(), 2);
    let mut download = raw.download().into_body();
    assert_eq!(download.content_type(), Some("image/png"));
    assert_eq!(download.content_length(), Some(SIZE as u64));
    let (mut body, mut chunks) = (Vec::new(), 0);
    while let Some(chunk) = download.chunk().await.expect("a chunk") {
        body.extend_from_slice(&chunk);
        chunks += 1;
    }
    assert_eq!(body, file_bytes());
    assert!(chunks > 1, "the body arrived in one piece: it was buffered, not streamed");
}

#[tokio::test]
async fn save_to_writes_the_whole_file_and_nothing_else() {
    let app =
        Router::new().route("/v1/files/cat", get(|| async { ([(header::CONTENT_TYPE, "image/png")], file_bytes()) }));
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let raw = client.transport().download::<()>(Request::new("testOp", Method::GET, "/files/cat".into())).await;
    let path = temp_path("whole.png");
    let written = raw.expect("a file").download().into_body().save_to(&path).await.expect("saved");
    assert_eq!(written, SIZE as u64);
    assert_eq!(std::fs::read(&path).expect("the file"), file_bytes());
    let leftovers: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .expect("temp dir")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name().to_string_lossy().contains(&format!("download-{}-whole.png.partial", std::process::id()))
        })
        .collect();
    assert!(leftovers.is_empty(), "a partial file was left beside the download");
    std::fs::remove_file(&path).expect("remove");
}

#[tokio::test]
async fn an_error_status_is_read_whole_not_streamed() {
    let app = Router::new()
        .route("/v1/files/none", get(|| async { (StatusCode::NOT_FOUND, r#"{"message":"no such file"}"#) }));
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let raw = client.transport().download::<()>(Request::new("testOp", Method::GET, "/files/none".into())).await;
    let raw = raw.expect("a response");
    assert_eq!(raw.status(), 404);
    assert_eq!(raw.body(), br#"{"message":"no such file"}"#);
}

/// Serves one HTTP response by hand: `head`, then `body`, then either closes or hangs.
async fn serve_raw(head: String, body: Vec<u8>, hang: bool) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let _ = socket.write_all(head.as_bytes()).await;
        let _ = socket.write_all(&body).await;
        let _ = socket.flush().await;
        if hang {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    });
    addr
}

#[tokio::test]
async fn a_body_that_ends_short_of_its_length_fails_and_leaves_no_file() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: 100000\r\nconnection: close\r\n\r\n";
    let addr = serve_raw(head.to_owned(), vec![1u8; 1000], false).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let raw = client.transport().download::<()>(Request::new("testOp", Method::GET, "/files/clip".into())).await;
    let path = temp_path("short.mp4");
    let error = raw.expect("headers arrive").download().into_body().save_to(&path).await.expect_err("cut short");
    match error {
        DownloadError::Broken { received, .. } | DownloadError::Truncated { received, .. } => assert!(received <= 1000),
        other => panic!("expected a broken or truncated download, got {other:?}"),
    }
    assert!(!path.exists(), "a truncated file was left at the path");
    assert!(!path
        .with_file_name(format!(".{}.partial", path.file_name().unwrap_or_default().to_string_lossy()))
        .exists());
}

#[tokio::test]
async fn a_body_that_stalls_ends_with_an_error_after_the_timeout() {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: video/mp4\r\ncontent-length: 100000\r\n\r\n";
    let addr = serve_raw(head.to_owned(), vec![1u8; 10], true).await;
    let client = client::<Bearer>(addr).timeout(Duration::from_millis(300)).build().expect("client");
    let raw = client.transport().download::<()>(Request::new("testOp", Method::GET, "/files/clip".into())).await;
    let download = raw.expect("headers arrive").download().into_body();
    match download.bytes(1 << 20).await {
        Err(DownloadError::Stalled { received, idle }) => {
            assert_eq!(received, 10);
            assert_eq!(idle, Duration::from_millis(300));
        }
        other => panic!("expected a stalled download, got {other:?}"),
    }
}
