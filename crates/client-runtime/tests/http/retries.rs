//! Retries, timeouts and their errors, seen from the server.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::Router;
use client_runtime::{Error, TimeoutKind};
use tokio::io::AsyncReadExt;
use tokio::time::Instant;

use crate::common::{client, lock, quick_retries, serve, shared, Bearer};

fn json(body: &'static str) -> ([(&'static str, &'static str); 1], &'static str) {
    ([("content-type", "application/json")], body)
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let arrivals = shared::<Vec<Instant>>();
    let seen = arrivals.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || {
            let seen = seen.clone();
            async move {
                let mut seen = lock(&seen);
                seen.push(Instant::now());
                if seen.len() == 1 {
                    (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], r#"{"message":"slow down"}"#)
                } else {
                    (StatusCode::OK, [("x-request-id", "req-42")], r#"{"ok":true}"#)
                }
            }
        }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let started = Instant::now();
    let response = client.get("/media").await.expect("retried into a success");
    assert_eq!(response.http().attempts(), 2);
    assert_eq!(response.http().request_id(), Some("req-42"));
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
    let seen = lock(&arrivals);
    assert_eq!(seen.len(), 2);
    assert!(seen[1] - seen[0] >= Duration::from_millis(990), "{:?}", seen[1] - seen[0]);
}

#[tokio::test]
async fn a_503_storm_ends_in_a_typed_error_after_the_configured_attempts() {
    let count = Arc::new(AtomicU32::new(0));
    let counter = count.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    json(r#"{"error":{"code":"busy","message":"try later"},"meta":{"request_id":"env-7"}}"#),
                )
            }
        }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).retry_policy(quick_retries(4)).build().expect("client");
    let error = client.get("/media").await.expect_err("storm");
    assert_eq!(count.load(Ordering::SeqCst), 4);
    let Error::Api(api) = &error else { panic!("expected Error::Api, got {error:?}") };
    assert_eq!(api.status(), 503);
    assert_eq!(api.meta.attempts(), 4);
    assert_eq!(api.request_id(), Some("env-7"), "request id from the envelope");
    let crate::common::TestError::Unavailable(body) = &api.error;
    assert_eq!(body["error"]["code"], "busy");
    let text = error.to_string();
    assert!(text.contains("after 4 attempts") && text.contains("env-7"), "{text}");

    // Switched off: one attempt.
    count.store(0, Ordering::SeqCst);
    let once = crate::common::client::<Bearer>(addr).no_retries().build().expect("client");
    assert_eq!(once.get("/media").await.expect_err("503").status(), Some(503));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_post_is_retried_on_503_which_refused_it_but_not_on_502() {
    for (status, attempts) in [(StatusCode::SERVICE_UNAVAILABLE, 3), (StatusCode::BAD_GATEWAY, 1)] {
        let count = Arc::new(AtomicU32::new(0));
        let counter = count.clone();
        let app = Router::new().route(
            "/v1/media",
            axum::routing::post(move || {
                counter.fetch_add(1, Ordering::SeqCst);
                async move { (status, json(r#"{"message":"busy"}"#)) }
            }),
        );
        let addr = serve(app).await;
        let client = client::<Bearer>(addr).build().expect("client");
        assert_eq!(client.post("/media").await.expect_err("an error").status(), Some(status.as_u16()));
        // A 503 says the server did not take the request; a 502 may come after it acted.
        assert_eq!(count.load(Ordering::SeqCst), attempts, "{status}");
    }
}

#[tokio::test]
async fn connection_refused_is_retried_for_get_and_post_alike() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = client::<Bearer>(addr).build().expect("client");
    // Nothing reached a server, so even a POST cannot have been carried out.
    for result in [client.get("/media").await, client.post("/media").await] {
        match result {
            Err(Error::Transport(e)) => {
                assert_eq!(e.attempts(), 3);
                let text = e.to_string();
                assert!(text.contains("could not reach the server"), "{text}");
            }
            other => panic!("expected a transport error, got {other:?}"),
        }
    }
}

/// A server that reads the request head and hangs up without answering.
pub(crate) async fn hang_up_server() -> (std::net::SocketAddr, Arc<AtomicU32>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            drop(socket);
        }
    });
    (addr, accepted)
}

#[tokio::test]
async fn a_dropped_connection_is_retried_for_get_but_not_for_post() {
    let (addr, accepted) = hang_up_server().await;
    let client = client::<Bearer>(addr).build().expect("client");
    let get = client.get("/media").await;
    assert!(matches!(get, Err(Error::Transport(ref e)) if e.attempts() == 3), "{get:?}");
    assert_eq!(accepted.swap(0, Ordering::SeqCst), 3);
    let post = client.post("/media").await;
    assert!(matches!(post, Err(Error::Transport(ref e)) if e.attempts() == 1), "{post:?}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn attempt_and_total_timeouts() {
    let app = Router::new().route(
        "/v1/slow",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        }),
    );
    let addr = serve(app).await;
    let one = client::<Bearer>(addr).timeout(Duration::from_millis(100)).build().expect("client");
    match one.get("/slow").await {
        Err(Error::Timeout(e)) => {
            assert_eq!((e.kind, e.attempts), (TimeoutKind::Attempt, 3));
            assert!(e.to_string().contains(".timeout("), "{e}");
        }
        other => panic!("expected an attempt timeout, got {other:?}"),
    }
    let total = client::<Bearer>(addr).max_total_time(Duration::from_millis(300)).build().expect("client");
    let started = Instant::now();
    match total.get("/slow").await {
        Err(Error::Timeout(e)) => {
            assert_eq!(e.kind, TimeoutKind::Total);
            assert!(e.to_string().contains(".max_total_time("), "{e}");
        }
        other => panic!("expected the total time limit, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "the limit ends the call, not the server");
}

#[tokio::test]
async fn a_retry_after_past_the_time_limit_gives_up_at_once() {
    let app = Router::new().route(
        "/v1/media",
        get(|| async { (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "3600")], r#"{"message":"later"}"#) }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).max_total_time(Duration::from_secs(10)).build().expect("client");
    let error = client.get("/media").await.expect_err("429");
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.http().map(|m| m.attempts()), Some(1));
    let text = error.to_string();
    assert!(text.contains("wait 1 h 0 min"), "{text}");
}

#[tokio::test]
async fn headers_and_undecodable_bodies_make_clear_errors() {
    let app = Router::new().route(
        "/v1/media",
        get(|headers: HeaderMap| async move {
            let ua = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            (StatusCode::OK, format!("not json; ua={ua}; key was {}", crate::common::KEY))
        }),
    );
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    match client.get("/media").await {
        Err(Error::Decode(e)) => {
            assert_eq!(e.status, Some(200));
            assert!(e.excerpt.contains("ua=test-client/0.0.1"), "{}", e.excerpt);
            let text = e.to_string();
            assert!(!text.contains(crate::common::KEY) && text.contains("<redacted>"), "{text}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}
