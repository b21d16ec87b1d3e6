//! A spec that sends two keys together (an app key and an app token, each in a header of its
//! own): both go to the API's origin and never elsewhere, both are redacted, and a client
//! missing one is refused at build time.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use client_runtime::__private::{ForeignBody, ForeignRequest, Request};
use client_runtime::http::Method;
use client_runtime::BuildError;

use crate::common::{client, lock, serve, shared, AppKeys, Shared, KEY};

const TOKEN: &str = "app-token-70k3n";

type Seen = Shared<Vec<(Option<String>, Option<String>)>>;

fn recording(seen: &Seen) -> axum::routing::MethodRouter {
    let seen = seen.clone();
    get(move |headers: HeaderMap| {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        lock(&seen).push((text("x-app-key"), text("x-app-token")));
        async { "{}" }
    })
}

#[tokio::test]
async fn both_keys_reach_the_api_and_neither_follows_a_redirect_elsewhere() {
    let elsewhere: Seen = shared();
    let other = serve(Router::new().route("/landing", recording(&elsewhere))).await;
    let home: Seen = shared();
    let app = Router::new()
        .route("/v1/cross", get(move || async move { Redirect::temporary(&format!("http://{other}/landing")) }))
        .route("/v1/same", recording(&home));
    let addr = serve(app).await;
    let client = client::<AppKeys>(addr).header_key("x-app-token", TOKEN).build().expect("client");

    client.get("/same").await.expect("a response");
    assert_eq!(lock(&home).as_slice(), [(Some(KEY.to_owned()), Some(TOKEN.to_owned()))]);
    client.get("/cross").await.expect("the redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(None, None)], "another origin saw a key");
}

#[tokio::test]
async fn a_missing_second_key_is_refused_at_build_time() {
    let addr = serve(Router::new()).await;
    match client::<AppKeys>(addr).build() {
        Err(BuildError::InvalidApiKey { reason }) => assert!(reason.contains(".header_key("), "{reason}"),
        other => panic!("expected a refusal naming .header_key, got {other:?}"),
    }
}

#[tokio::test]
async fn the_second_key_is_redacted_from_debug_echoes_and_storage_requests() {
    let app = Router::new().route(
        "/v1/echo",
        get(|headers: HeaderMap| async move {
            let token = headers.get("x-app-token").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            (StatusCode::IM_A_TEAPOT, format!("{{\"your_token\":\"{token}\"}}"))
        }),
    );
    let addr = serve(app).await;
    let client = client::<AppKeys>(addr).header_key("X-App-Token", TOKEN).build().expect("client");
    let debug = format!("{client:?}");
    assert!(!debug.contains(TOKEN) && !debug.contains(KEY), "{debug}");

    let raw = client.transport().execute::<()>(Request::new("testOp", Method::GET, "/echo".into())).await;
    let error = raw.expect("a response").unexpected::<()>();
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "the echoed token reached an error: {shown}");
    assert!(shown.contains("<redacted>"), "{shown}");

    let storage = serve(Router::new()).await;
    let request = ForeignRequest {
        method: Method::PUT,
        url: format!("http://{storage}/bucket/file").parse().expect("url"),
        headers: vec![("x-amz-meta-note".into(), format!("t={TOKEN}"))],
        body: ForeignBody::Raw { content_type: None, body: Vec::new().into() },
        timeout: None,
    };
    match client.transport().send_foreign(request).await {
        Err(e) => assert!(e.to_string().contains("may not carry"), "{e}"),
        Ok(response) => panic!("a storage request carrying the token was sent: {response:?}"),
    }
}
