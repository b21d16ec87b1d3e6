//! The client generated in build.rs, against a local Bookshelf server over real HTTP.

use std::sync::{Arc, Mutex};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use bookshelf_build_script_example::operations::GetBookError;
use bookshelf_build_script_example::Client;
use futures::TryStreamExt;
use serde_json::{json, Value};

const BOOKS: usize = 23;

#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

async fn list(
    State(seen): State<Seen>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> (StatusCode, Json<Value>) {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    seen.0.lock().unwrap().push(auth.clone());
    if auth != "Bearer secret" {
        return (StatusCode::UNAUTHORIZED, Json(json!({"message": "bad token"})));
    }
    let get = |k: &str| q.iter().find(|(key, _)| key == k).and_then(|(_, v)| v.parse::<usize>().ok());
    let (offset, limit) = (get("offset").unwrap_or(0), get("limit").unwrap_or(10));
    let books: Vec<Value> = (offset..BOOKS.min(offset + limit))
        .map(|i| json!({"id": format!("b{i}"), "title": format!("Book {i}"), "year": 1900 + i}))
        .collect();
    (StatusCode::OK, Json(json!({ "books": books })))
}

async fn one(Path(id): Path<String>) -> (StatusCode, Json<Value>) {
    match id.as_str() {
        "dune" => {
            (StatusCode::OK, Json(json!({"id": "dune", "title": "Dune", "author": "Frank Herbert", "year": 1965})))
        }
        _ => (StatusCode::NOT_FOUND, Json(json!({"message": format!("no book {id}")}))),
    }
}

async fn serve() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new().route("/books", get(list)).route("/books/{book_id}", get(one)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn client(url: &str) -> Client {
    Client::builder().base_url(url).api_key("secret").build().unwrap()
}

#[tokio::test]
async fn one_request_decodes_the_typed_body_and_errors() {
    let (url, _) = serve().await;
    let book = client(&url).get_book("dune").send().await.unwrap();
    assert_eq!((book.title.as_str(), book.year), ("Dune", Some(1965)));

    let missing = client(&url).get_book("nope").send().await.unwrap_err();
    match missing.api_error() {
        Some(GetBookError::NotFound(problem)) => assert_eq!(problem.message, "no book nope"),
        other => panic!("expected a typed 404, got {other:?}"),
    }
}

#[tokio::test]
async fn items_pages_through_every_book_once_with_the_key() {
    let (url, seen) = serve().await;
    // `.items()` is the request builder's own method: no trait to import.
    let books: Vec<_> = client(&url).list_books().limit(5).items().try_collect().await.unwrap();
    let ids: Vec<&str> = books.iter().map(|b| b.id.as_str()).collect();
    let expected: Vec<String> = (0..BOOKS).map(|i| format!("b{i}")).collect();
    assert_eq!(ids, expected);
    let seen = seen.0.lock().unwrap();
    assert!(seen.len() >= BOOKS / 5, "{} requests for {BOOKS} books of 5", seen.len());
    assert!(seen.iter().all(|auth| auth == "Bearer secret"));
}
