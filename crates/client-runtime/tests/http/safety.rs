//! Key safety: redirects, plain http, Debug, body caps.

use std::convert::Infallible;

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use client_runtime::__private::Request;
use client_runtime::http::Method;
use client_runtime::{BuildError, Error};

use crate::common::{client, lock, serve, shared, BasicAuth, Bearer, KeyHeader, Shared, Spec, TestClient, KEY};

/// Which key-carrying headers a landing saw: (authorization, x-microcms-api-key).
type Seen = Shared<Vec<(Option<String>, Option<String>)>>;

fn recording(seen: &Seen) -> axum::routing::MethodRouter {
    let seen = seen.clone();
    get(move |headers: HeaderMap| {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        lock(&seen).push((text("authorization"), text("x-microcms-api-key")));
        async { "{}" }
    })
}

async fn redirects_keep_the_key_home<S: Spec>(expected: (Option<String>, Option<String>)) {
    let elsewhere: Seen = shared();
    let other = serve(Router::new().route("/landing", recording(&elsewhere))).await;
    let home: Seen = shared();
    let app = Router::new()
        .route("/v1/cross", get(move || async move { Redirect::temporary(&format!("http://{other}/landing")) }))
        .route("/v1/same", get(|| async { Redirect::to("/v1/landing") }))
        .route("/v1/loop", get(|| async { Redirect::permanent("/v1/loop") }))
        .route("/v1/landing", recording(&home));
    let addr = serve(app).await;
    let client = client::<S>(addr).build().expect("client");

    client.get("/cross").await.expect("cross-origin redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(None, None)], "the other origin saw the key");

    client.get("/same").await.expect("same-origin redirect followed");
    assert_eq!(lock(&home).as_slice(), [expected], "the same origin lost the key");

    match client.get("/loop").await {
        Err(Error::Redirect(e)) => assert!(e.to_string().contains("10 redirects"), "{e}"),
        other => panic!("expected a redirect error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_bearer_key_never_follows_a_redirect_to_another_origin() {
    redirects_keep_the_key_home::<Bearer>((Some(format!("Bearer {KEY}")), None)).await;
}

#[tokio::test]
async fn a_custom_header_key_never_follows_a_redirect_to_another_origin() {
    redirects_keep_the_key_home::<KeyHeader>((None, Some(KEY.to_owned()))).await;
}

#[tokio::test]
async fn plain_http_is_refused_unless_loopback() {
    let refused = TestClient::<Bearer>::builder().base_url("http://api.example.com/v1").api_key(KEY).build();
    assert!(matches!(refused, Err(BuildError::InsecureBaseUrl { ref host }) if host == "api.example.com"));
    let text = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("use https"), "{text}");
    assert!(TestClient::<Bearer>::builder().base_url("http://127.0.0.1:9/v1").build().is_ok());
    assert!(TestClient::<Bearer>::builder().base_url("https://api.example.com/v1").build().is_ok());
    // The spec's default server is https.
    assert!(TestClient::<Bearer>::builder().build().is_ok());
}

#[tokio::test]
async fn debug_never_shows_the_key() {
    let builder =
        TestClient::<KeyHeader>::builder().api_key(KEY).http_client(client_runtime::__private::reqwest::Client::new());
    let text = format!("{builder:?}");
    assert!(!text.contains(KEY) && text.contains("redacted"), "{text}");
    let client = builder.build().expect("client");
    // A key that cannot be a header value is refused at build time, without being shown.
    let bad = TestClient::<KeyHeader>::builder().api_key("bad\nkey").build();
    let text = bad.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(text.contains("API key cannot be used") && !text.contains("bad"), "{text}");
    let text = format!("{client:?} {client:#?}");
    assert!(!text.contains(KEY) && text.contains("redacted"), "{text}");
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused_with_or_without_content_length() {
    const TEN_MB: usize = 10 * 1024 * 1024;
    let app = Router::new()
        .route("/v1/sized", get(|| async { vec![b'a'; TEN_MB] }))
        .route(
            "/v1/chunked",
            get(|| async {
                let chunks = (0..10).map(|_| Ok::<_, Infallible>(vec![b'a'; TEN_MB / 10]));
                Body::from_stream(futures::stream::iter(chunks))
            }),
        )
        .route("/v1/small", get(|| async { (StatusCode::OK, "[1,2,3]") }));
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    for path in ["/sized", "/chunked"] {
        match client.get(path).await {
            Err(Error::BodyTooLarge(e)) => {
                assert_eq!(e.limit, 6 * 1024 * 1024);
                assert!(e.to_string().contains(".max_response_bytes("), "{e}");
            }
            other => panic!("{path}: expected BodyTooLarge, got {:?}", other.map(|r| r.http().status())),
        }
    }
    assert!(client.get("/small").await.is_ok());
    let tight = crate::common::client::<Bearer>(addr).max_response_bytes(6).build().expect("client");
    assert!(matches!(tight.get("/small").await, Err(Error::BodyTooLarge(_))));
}

#[test]
fn execute_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = TestClient::<Bearer>::builder().build().expect("client");
    let future = client.get("/media");
    assert_send(&future);
}

/// An operation whose spec says `security: []` is sent without the key, even to its own origin.
#[tokio::test]
async fn anonymous_operations_carry_no_key() {
    let seen: Seen = shared();
    let addr = serve(Router::new().route("/v1/public", recording(&seen))).await;
    let client = client::<KeyHeader>(addr).build().expect("client");
    let mut request = Request::new("publicOp", Method::GET, "/public".to_owned());
    request.without_auth();
    client.transport().execute::<()>(request).await.expect("200");
    client.get("/public").await.expect("200");
    assert_eq!(lock(&seen).as_slice(), [(None, None), (None, Some(KEY.to_owned()))]);
}

/// Credentials a request carries as parameters (a `Cookie`, an `Authorization` of the caller's)
/// stay home too: a cross-origin redirect drops them.
#[tokio::test]
async fn caller_credentials_do_not_follow_a_redirect_to_another_origin() {
    let elsewhere: Shared<Vec<(Option<String>, Option<String>)>> = shared();
    let seen = elsewhere.clone();
    let other = serve(Router::new().route(
        "/landing",
        get(move |headers: HeaderMap| {
            let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
            lock(&seen).push((text("cookie"), text("x-trace")));
            async { "{}" }
        }),
    ))
    .await;
    let app = Router::new()
        .route("/v1/cross", get(move || async move { Redirect::temporary(&format!("http://{other}/landing")) }));
    let addr = serve(app).await;
    let client = client::<KeyHeader>(addr).build().expect("client");
    let mut request = Request::new("op", Method::GET, "/cross".to_owned());
    request.header("Cookie", "session=s3cret");
    request.header("X-Trace", "t1");
    client.transport().execute::<()>(request).await.expect("redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(None, Some("t1".to_owned()))]);
}

/// HTTP basic auth sends `user:password` base64-encoded, and Debug shows neither.
#[tokio::test]
async fn basic_auth_is_encoded_and_redacted() {
    let seen: Seen = shared();
    let addr = serve(Router::new().route("/v1/me", recording(&seen))).await;
    let builder =
        TestClient::<BasicAuth>::builder().base_url(format!("http://{addr}/v1")).basic_auth("aladdin", "opensesame");
    assert!(!format!("{builder:?}").contains("opensesame"));
    let client = builder.build().expect("client");
    assert!(!format!("{client:?}").contains("opensesame"));
    client.get("/me").await.expect("200");
    assert_eq!(lock(&seen).as_slice(), [(Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l".to_owned()), None)]);
}
