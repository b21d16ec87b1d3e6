//! API keys in the query string and in a cookie: they reach the configured origin, never another
//! one after a redirect, and every URL an error shows has the key redacted.

use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Redirect;
use axum::routing::get;
use axum::Router;
use client_runtime::__private::Request;
use client_runtime::http::Method;
use client_runtime::Error;

use crate::common::{client, lock, serve, shared, CookieKey, QueryKey, Shared, KEY};

/// What a landing saw: (raw query, Cookie header).
type Seen = Shared<Vec<(String, Option<String>)>>;

fn recording(seen: &Seen) -> axum::routing::MethodRouter {
    let seen = seen.clone();
    get(move |RawQuery(query): RawQuery, headers: HeaderMap| {
        let cookie = headers.get("cookie").and_then(|v| v.to_str().ok()).map(str::to_owned);
        lock(&seen).push((query.unwrap_or_default(), cookie));
        async { "{}" }
    })
}

#[tokio::test]
async fn a_query_key_reaches_the_origin_beside_the_request_parameters() {
    let home: Seen = shared();
    let addr = serve(Router::new().route("/v1/media", recording(&home))).await;
    let client = client::<QueryKey>(addr).build().expect("client");
    let mut request = Request::new("testOp", Method::GET, "/media".into());
    request.query("page", 2);
    // A parameter that happens to share the key's name cannot replace or duplicate the key.
    request.query("api_key", "caller-value");
    client.transport().execute::<()>(request).await.expect("answered");
    assert_eq!(lock(&home).as_slice(), [(format!("page=2&api_key={KEY}"), None)]);
}

#[tokio::test]
async fn a_query_key_never_follows_a_redirect_to_another_origin() {
    let elsewhere: Seen = shared();
    let other = serve(Router::new().route("/landing", recording(&elsewhere))).await;
    let home: Seen = shared();
    let app = Router::new()
        // The redirect echoes the key, as a careless server might: it still must not travel on.
        .route(
            "/v1/cross",
            get(move |RawQuery(query): RawQuery| async move {
                Redirect::temporary(&format!("http://{other}/landing?{}", query.unwrap_or_default()))
            }),
        )
        .route("/v1/same", get(|| async { Redirect::to("/v1/landing?x=1") }))
        .route("/v1/landing", recording(&home));
    let addr = serve(app).await;
    let client = client::<QueryKey>(addr).build().expect("client");

    client.get("/cross").await.expect("cross-origin redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(String::new(), None)], "the other origin saw the key");

    client.get("/same").await.expect("same-origin redirect followed");
    assert_eq!(lock(&home).as_slice(), [(format!("x=1&api_key={KEY}"), None)], "the same origin lost the key");
}

#[tokio::test]
async fn a_cookie_key_joins_the_cookies_and_stays_home() {
    let elsewhere: Seen = shared();
    let other = serve(Router::new().route("/landing", recording(&elsewhere))).await;
    let home: Seen = shared();
    let app = Router::new()
        .route("/v1/cross", get(move || async move { Redirect::temporary(&format!("http://{other}/landing")) }))
        .route("/v1/media", recording(&home));
    let addr = serve(app).await;
    let client = client::<CookieKey>(addr).build().expect("client");

    let mut request = Request::new("testOp", Method::GET, "/media".into());
    request.cookie("theme", "dark");
    client.transport().execute::<()>(request).await.expect("answered");
    assert_eq!(lock(&home).as_slice(), [(String::new(), Some(format!("theme=dark; sid={KEY}")))]);

    client.get("/cross").await.expect("cross-origin redirect followed");
    assert_eq!(lock(&elsewhere).as_slice(), [(String::new(), None)], "the other origin saw the key");
}

#[tokio::test]
async fn an_error_shows_the_url_with_the_query_key_redacted() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = client::<QueryKey>(addr).no_retries().build().expect("client");
    let error = client.get("/media").await.expect_err("nothing listens");
    let Error::Transport(transport) = &error else { panic!("expected a transport error, got {error:?}") };
    // The URL is in the cause (reqwest's error), which the chain shows.
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    let debug = format!("{error:?} {transport:?}");
    assert!(text.contains(&format!("http://{addr}/v1/media?api_key=REDACTED")), "{text}");
    for shown in [&text, &debug] {
        assert!(!shown.contains(KEY), "the key leaked: {shown}");
    }
    assert!(!format!("{client:?}").contains(KEY));
}
