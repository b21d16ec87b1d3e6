//! Next-URL, after-item and renamed-token listings over real HTTP, through the transport (key,
//! retries, pacing), against servers shaped like GitHub, Twilio, Microsoft Graph, Stripe and
//! Slack — and hostile ones.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use client_runtime::__private::Request;
use client_runtime::http::Method;
use client_runtime::paginate::{self, Cursor, FetchFuture, Fetched, Pages, Source, Style};
use client_runtime::serde_json::{json, Value};
use client_runtime::{Error, InvalidRequest, PaginationError, ResponseMeta};
use futures::StreamExt;

use crate::common::{client, lock, serve, shared, Bearer, Shared, TestClient, TestError, KEY};

const ITEMS: usize = 45;
const PER_PAGE: usize = 10;

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("id{i:03}")).collect()
}

fn items(range: std::ops::Range<usize>) -> Vec<Value> {
    ids(range).into_iter().map(|id| json!({ "id": id })).collect()
}

/// Every request a server saw: its path and query, and whether it carried the key.
type Log = Shared<Vec<(String, bool)>>;

fn record(log: &Log, headers: &HeaderMap, what: String) {
    let keyed = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {KEY}"));
    lock(log).push((what, keyed));
}

type Params = Query<HashMap<String, String>>;

fn number(q: &HashMap<String, String>, name: &str, default: usize) -> usize {
    q.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// How a test listing finds its items and its next page in a response.
#[derive(Clone, Copy)]
struct Shape {
    style: Style,
    path: &'static str,
    /// Where the items are (`""`: the body is the array).
    items: &'static str,
    /// The first request's query.
    first: &'static [(&'static str, &'static str)],
    /// Reads the continuation, as generated code reads its field.
    next: fn(&Value, &ResponseMeta) -> Option<String>,
}

/// A handwritten [`Source`] such as the generator emits for these styles.
struct Listing {
    client: TestClient<Bearer>,
    shape: Shape,
}

impl Source for Listing {
    type Item = Value;
    type Body = Value;
    type Error = TestError;
    fn operation(&self) -> &'static str {
        "listThings"
    }
    fn style(&self) -> Style {
        self.shape.style
    }
    fn requested_page_size(&self) -> Option<u64> {
        Some(PER_PAGE as u64)
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<Value, Value, TestError> {
        let shape = self.shape;
        let mut request = Request::new("listThings", Method::GET, shape.path.to_owned());
        for (name, value) in shape.first {
            request.query(name, value);
        }
        let prepared = match cursor {
            Cursor::NextUrl(url) => request.set_url(&url),
            Cursor::After(id) => {
                request.query("starting_after", id);
                Ok(())
            }
            Cursor::Token(Some(token)) => {
                request.query("cursor", token);
                Ok(())
            }
            _ => Ok(()),
        };
        let transport = self.client.transport().clone();
        Box::pin(async move {
            prepared.map_err(Error::InvalidRequest)?;
            let (mut body, meta) = transport.execute::<TestError>(request).await?.json::<Value, _>()?.into_parts();
            let list = if shape.items.is_empty() { Some(&mut body) } else { body.pointer_mut(shape.items) };
            let items = match list.map(Value::take) {
                Some(Value::Array(items)) => items,
                _ => Vec::new(),
            };
            let token = (shape.next)(&body, &meta);
            Ok(Fetched { items, body, meta, total: None, page_size: None, token })
        })
    }
    fn item_id(item: &Value) -> Option<&str> {
        item.get("id").and_then(Value::as_str)
    }
    fn has_more(body: &Value) -> Option<bool> {
        body.get("has_more").and_then(Value::as_bool)
    }
}

/// The ids listed and how the listing ended.
async fn list(client: TestClient<Bearer>, shape: Shape) -> (Vec<String>, Option<PaginationError>) {
    let mut stream = Pages::new(Listing { client, shape }).items();
    let mut got = Vec::new();
    while let Some(next) = stream.next().await {
        match next {
            Ok(item) => got.push(Listing::item_id(&item).unwrap_or_default().to_owned()),
            Err(e) => {
                let pagination = e.pagination().cloned();
                assert!(pagination.is_some(), "a request failed: {e}");
                return (got, pagination);
            }
        }
    }
    (got, None)
}

fn body_text(pointer: &'static str) -> impl Fn(&Value) -> Option<String> {
    move |body| body.pointer(pointer).and_then(Value::as_str).map(str::to_owned)
}

const GITHUB: Shape = Shape {
    style: Style::NextUrl,
    path: "/repos/o/r/issues",
    items: "",
    first: &[("per_page", "10")],
    next: |_, meta| paginate::next_link(meta),
};

/// GitHub: the body is the array; `Link` gives `next`, `last`, `first` with `per_page` and
/// `page`. With `stuck`, the server ignores `page` and links to page 2 forever.
fn github(log: &Log, stuck: bool) -> Router {
    let log = log.clone();
    let handler = move |headers: HeaderMap, Query(q): Params| {
        let page = if stuck { 1 } else { number(&q, "page", 1) };
        let per_page = number(&q, "per_page", 30);
        record(&log, &headers, format!("page={page}"));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let start = (page - 1) * per_page;
        let end = (start + per_page).min(ITEMS);
        let last = ITEMS.div_ceil(per_page);
        let link = |p: usize, rel: &str| {
            format!("<http://{host}/v1/repos/o/r/issues?per_page={per_page}&page={p}>; rel=\"{rel}\"")
        };
        let mut links = vec![link(1, "first"), link(last, "last")];
        if end < ITEMS {
            links.insert(0, link(page + 1, "next"));
        }
        async move { ([(header::LINK, links.join(", "))], Json(Value::Array(items(start.min(end)..end)))) }
    };
    Router::new().route("/v1/repos/o/r/issues", get(handler))
}

#[tokio::test]
async fn a_github_link_header_listing() {
    let log: Log = shared();
    let addr = serve(github(&log, false)).await;
    let (got, error) = list(client::<Bearer>(addr).build().expect("client"), GITHUB).await;
    assert_eq!((got, error), (ids(0..ITEMS), None));
    let seen = lock(&log).clone();
    let pages: Vec<String> = (1..=5).map(|p| format!("page={p}")).collect();
    assert_eq!(seen.iter().map(|(w, _)| w.clone()).collect::<Vec<_>>(), pages, "one request per page");
    assert!(seen.iter().all(|(_, keyed)| *keyed), "every page on the API's origin carries the key");
}

#[tokio::test]
async fn twilio_relative_and_graph_absolute_next_urls_in_the_body() {
    let log: Log = shared();
    let twilio_log = log.clone();
    let twilio = move |headers: HeaderMap, Query(q): Params| {
        let (page, size) = (number(&q, "Page", 0), number(&q, "PageSize", 50));
        record(&twilio_log, &headers, format!("twilio {page}"));
        let (start, end) = (page * size, ((page + 1) * size).min(ITEMS));
        let next = (end < ITEMS)
            .then(|| format!("/v1/Accounts/AC1/Messages.json?Page={}&PageSize={size}&PageToken=PA{end}", page + 1));
        async move { Json(json!({ "messages": items(start..end), "next_page_uri": next, "page": page })) }
    };
    let graph_log = log.clone();
    let graph = move |headers: HeaderMap, Query(q): Params| {
        let skip = number(&q, "$skiptoken", 0);
        record(&graph_log, &headers, format!("graph {skip}"));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        let end = (skip + PER_PAGE).min(ITEMS);
        let mut body = json!({ "value": items(skip..end) });
        if end < ITEMS {
            body["@odata.nextLink"] = json!(format!("http://{host}/v1/users?$top=10&$skiptoken={end}"));
        }
        async move { Json(body) }
    };
    let app = Router::new().route("/v1/Accounts/AC1/Messages.json", get(twilio)).route("/v1/users", get(graph));
    let addr = serve(app).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let twilio = Shape {
        style: Style::NextUrl,
        path: "/Accounts/AC1/Messages.json",
        items: "/messages",
        first: &[("PageSize", "10")],
        next: |body, _| body_text("/next_page_uri")(body),
    };
    assert_eq!(list(client.clone(), twilio).await, (ids(0..ITEMS), None));
    let graph = Shape {
        style: Style::NextUrl,
        path: "/users",
        items: "/value",
        first: &[("$top", "10")],
        next: |body, _| body.get("@odata.nextLink").and_then(Value::as_str).map(str::to_owned),
    };
    assert_eq!(list(client, graph).await, (ids(0..ITEMS), None));
    let seen = lock(&log).clone();
    assert_eq!(seen.len(), 10, "five pages each: {seen:?}");
    assert!(seen.iter().all(|(_, keyed)| *keyed));
}

const STRIPE: Shape =
    Shape { style: Style::AfterItem, path: "/customers", items: "/data", first: &[("limit", "10")], next: |_, _| None };

/// Stripe: `has_more` and `starting_after`. With `stuck`, `starting_after` is ignored.
fn stripe(log: &Log, stuck: bool) -> Router {
    let log = log.clone();
    let handler = move |headers: HeaderMap, Query(q): Params| {
        let after = q.get("starting_after").cloned();
        record(&log, &headers, format!("after {after:?}"));
        let start = match after.filter(|_| !stuck) {
            Some(id) => ids(0..ITEMS).iter().position(|i| *i == id).map_or(ITEMS, |p| p + 1),
            None => 0,
        };
        let end = (start + number(&q, "limit", 10)).min(ITEMS);
        async move { Json(json!({ "object": "list", "data": items(start..end), "has_more": end < ITEMS })) }
    };
    Router::new().route("/v1/customers", get(handler))
}

#[tokio::test]
async fn a_stripe_has_more_listing() {
    let log: Log = shared();
    let addr = serve(stripe(&log, false)).await;
    let (got, error) = list(client::<Bearer>(addr).build().expect("client"), STRIPE).await;
    assert_eq!((got, error), (ids(0..ITEMS), None));
    let sent: Vec<String> = lock(&log).iter().map(|(w, _)| w.clone()).collect();
    let expected = ["None", "Some(\"id009\")", "Some(\"id019\")", "Some(\"id029\")", "Some(\"id039\")"];
    assert_eq!(sent, expected.map(|a| format!("after {a}")));
}

#[tokio::test]
async fn a_slack_nested_cursor_ends_on_an_empty_string() {
    let log: Log = shared();
    let handler = {
        let log = log.clone();
        move |headers: HeaderMap, Query(q): Params| {
            let start = number(&q, "cursor", 0);
            record(&log, &headers, format!("cursor {start}"));
            let end = (start + PER_PAGE).min(ITEMS);
            let next = if end < ITEMS { end.to_string() } else { String::new() };
            async move {
                Json(json!({ "ok": true, "channels": items(start..end), "response_metadata": { "next_cursor": next } }))
            }
        }
    };
    let addr = serve(Router::new().route("/v1/conversations.list", get(handler))).await;
    let slack = Shape {
        style: Style::Token,
        path: "/conversations.list",
        items: "/channels",
        first: &[("limit", "10")],
        next: |body, _| body_text("/response_metadata/next_cursor")(body),
    };
    assert_eq!(list(client::<Bearer>(addr).build().expect("client"), slack).await, (ids(0..ITEMS), None));
    assert_eq!(lock(&log).len(), 5, "no request after the empty cursor");
}

#[tokio::test]
async fn a_next_url_on_another_origin_ends_the_listing_and_is_never_sent() {
    let elsewhere: Log = shared();
    let other_log = elsewhere.clone();
    let other = get(move |headers: HeaderMap| {
        record(&other_log, &headers, "elsewhere".into());
        async { Json(json!({ "value": [] })) }
    });
    let other_addr = serve(Router::new().route("/v1/users", other)).await;
    let home: Log = shared();
    let home_log = home.clone();
    let handler = move |headers: HeaderMap, Query(q): Params| {
        let skip = number(&q, "$skiptoken", 0);
        record(&home_log, &headers, format!("home {skip}"));
        // The second page links away: to another port of the same host, another origin.
        let host = if skip == 0 {
            headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
        } else {
            other_addr.to_string()
        };
        let body = json!({ "value": items(skip..skip + PER_PAGE), "@odata.nextLink": format!("http://{host}/v1/users?$skiptoken={}", skip + PER_PAGE) });
        async move { Json(body) }
    };
    let addr = serve(Router::new().route("/v1/users", get(handler))).await;
    let shape = Shape {
        style: Style::NextUrl,
        path: "/users",
        items: "/value",
        first: &[],
        next: |body, _| body.get("@odata.nextLink").and_then(Value::as_str).map(str::to_owned),
    };
    let (got, error) = list(client::<Bearer>(addr).build().expect("client"), shape).await;
    assert_eq!(got, ids(0..20), "the two pages from home are yielded");
    let expected = PaginationError::ForeignNextUrl {
        operation: "listThings",
        origin: format!("http://{other_addr}"),
        expected: format!("http://{addr}"),
        yielded: 20,
    };
    assert_eq!(error, Some(expected));
    assert!(lock(&elsewhere).is_empty(), "nothing was sent to the other origin");
    assert_eq!(lock(&home).len(), 2);
}

#[tokio::test]
async fn a_request_to_another_origin_is_refused_by_the_transport() {
    let elsewhere: Log = shared();
    let other_log = elsewhere.clone();
    let other = get(move |headers: HeaderMap| {
        record(&other_log, &headers, "elsewhere".into());
        async { "{}" }
    });
    let other_addr = serve(Router::new().route("/x", other)).await;
    let addr = serve(Router::new()).await;
    let client = client::<Bearer>(addr).build().expect("client");
    let mut request = Request::new("listThings", Method::GET, "/x".into());
    request.set_url(&format!("http://{other_addr}/x")).expect("an absolute URL");
    let result = client.transport().execute::<TestError>(request).await;
    assert!(matches!(result, Err(Error::InvalidRequest(e)) if e.parameter == "url"));
    assert!(lock(&elsewhere).is_empty());
}

#[tokio::test]
async fn hostile_servers_whose_cursor_does_not_move_stall() {
    let log: Log = shared();
    let addr = serve(github(&log, true).merge(stripe(&log, true))).await;
    let client = client::<Bearer>(addr).build().expect("client");
    for shape in [GITHUB, STRIPE] {
        lock(&log).clear();
        let (got, error) = list(client.clone(), shape).await;
        assert_eq!(got, ids(0..PER_PAGE), "{}: the first page once", shape.path);
        assert!(matches!(error, Some(PaginationError::Stalled { .. })), "{}: {error:?}", shape.path);
        assert!(lock(&log).len() <= 1 + paginate::STALL_LIMIT as usize, "{}", shape.path);
    }
}
