//! Credentials a spec does not declare: `.api_key(…)` is refused rather than silently dropped,
//! and `.bearer_token`, `.auth_header`, `.basic_auth` are sent, and kept home, like the key.

use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use client_runtime::__private::{ForeignBody, ForeignRequest, Request};
use client_runtime::http::Method;
use client_runtime::BuildError;

use crate::common::{lock, quick_retries, serve, shared, NoAuth, Shared, TestClient};

const TOKEN: &str = "ghp_t0ken-0f-the-caller";

/// What a landing saw: (authorization, x-api-token).
type Seen = Shared<Vec<(Option<String>, Option<String>)>>;

fn recording(seen: &Seen) -> axum::routing::MethodRouter {
    let seen = seen.clone();
    get(move |headers: HeaderMap| {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        lock(&seen).push((text("authorization"), text("x-api-token")));
        async { "{}" }
    })
}

/// An API at `/v1` (`/me` records, `/cross` redirects to another origin that records, `/echo`
/// answers 500 quoting the request's credentials) and what each origin saw.
async fn servers() -> (std::net::SocketAddr, Seen, Seen) {
    let elsewhere: Seen = shared();
    let other = serve(Router::new().route("/landing", recording(&elsewhere))).await;
    let home: Seen = shared();
    let app = Router::new()
        .route("/v1/me", recording(&home))
        .route("/v1/cross", get(move || async move { Redirect::temporary(&format!("http://{other}/landing")) }))
        .route(
            "/v1/echo",
            get(|headers: HeaderMap| async move {
                let quoted: Vec<String> =
                    headers.values().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
                (axum::http::StatusCode::IM_A_TEAPOT, format!("you sent {quoted:?}"))
            }),
        );
    (serve(app).await, home, elsewhere)
}

fn builder(addr: std::net::SocketAddr) -> client_runtime::ClientBuilder<TestClient<NoAuth>> {
    TestClient::<NoAuth>::builder().base_url(format!("http://{addr}/v1")).retry_policy(quick_retries(1))
}

#[tokio::test]
async fn a_spec_without_a_scheme_refuses_an_api_key_at_build() {
    let (addr, home, _) = servers().await;
    let error = builder(addr).api_key(TOKEN).build().expect_err("the key would go nowhere");
    assert!(matches!(error, BuildError::KeyNotSent { .. }), "{error:?}");
    let text = error.to_string();
    for needed in [
        "declares no way to send a key",
        "`.bearer_token(token)`",
        "`.auth_header(name, value)`",
        "`.basic_auth(user, password)`",
    ] {
        assert!(text.contains(needed), "{needed:?} missing from {text}");
    }
    assert!(!format!("{text} {error:?}").contains(TOKEN), "{text}");
    assert!(lock(&home).is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_bearer_token_reaches_the_api_and_never_another_origin() {
    let (addr, home, elsewhere) = servers().await;
    let builder = builder(addr).bearer_token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
    let client = builder.build().expect("a token whatever the spec says");
    assert!(!format!("{client:?}").contains(TOKEN));

    client.get("/me").await.expect("200");
    assert_eq!(lock(&home).as_slice(), [(Some(format!("Bearer {TOKEN}")), None)]);
    client.get("/cross").await.expect("cross-origin redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(None, None)], "the other origin saw the token");

    let error = client.get("/echo").await.expect_err("418 is not declared");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN) && shown.contains("<redacted>"), "the echoed token reached an error: {shown}");
}

#[tokio::test]
async fn any_header_and_basic_auth_go_home_only() {
    let (addr, home, elsewhere) = servers().await;
    let client = builder(addr).auth_header("X-Api-Token", TOKEN).basic_auth("aladdin", "opensesame").build();
    let client = client.expect("explicit credentials");
    client.get("/me").await.expect("200");
    client.get("/cross").await.expect("cross-origin redirect followed");
    let basic = Some("Basic YWxhZGRpbjpvcGVuc2VzYW1l".to_owned());
    assert_eq!(lock(&home).as_slice(), [(basic, Some(TOKEN.to_owned()))]);
    assert_eq!(lock(&elsewhere).as_slice(), [(None, None)]);

    // The same origin by redirect keeps them; storage never gets them, even inside another header.
    let storage = serve(Router::new()).await;
    for headers in
        [vec![("X-Api-Token".to_owned(), "x".to_owned())], vec![("x-amz-meta-note".into(), format!("t={TOKEN}"))]]
    {
        let request = ForeignRequest {
            method: Method::PUT,
            url: format!("http://{storage}/bucket/file").parse().expect("url"),
            headers,
            body: ForeignBody::Raw { content_type: None, body: Vec::new().into() },
            timeout: None,
        };
        match client.transport().send_foreign(request).await {
            Err(e) => assert!(e.to_string().contains("may not carry"), "{e}"),
            Ok(response) => panic!("a storage request carrying the credential was sent: {response:?}"),
        }
    }
    // A request the spec marks as needing no credential carries none.
    let mut open = Request::new("testOp", Method::GET, "/me".into());
    open.without_auth();
    client.transport().execute::<()>(open).await.expect("200");
    assert_eq!(lock(&home).last(), Some(&(None, None)));
}
