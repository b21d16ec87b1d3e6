//! The next-URL and after-item styles, and tokens under other names, over listings held in
//! memory: honest ones end by themselves with every item once, hostile ones with an error.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::{FutureExt, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, HeaderValue, LINK};
use reqwest::StatusCode;
use serde_json::{json, Value};
use url::Url;

use super::*;
use crate::error::InvalidRequest;

const API: &str = "https://api.example";
const PAGE: u64 = 10;

/// How the listing hands out its next page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// An absolute URL in the body (`@odata.nextLink`).
    AbsoluteUrl,
    /// A path in the body (Twilio's `next_page_uri`).
    RelativeUrl,
    /// `Link: <…>; rel="next"` (GitHub).
    LinkHeader,
    /// `has_more` and `starting_after` (Stripe).
    AfterItem,
    /// A token at `pointer` in the body, `""` at the end (Slack).
    Token(&'static str),
}

/// What the server does wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Hostile {
    Honest,
    /// Ignores where it is asked to start: the first page, with the same continuation, forever.
    IgnoresCursor,
    /// Never ends: past the last item it serves the listing again from the start, each time
    /// under a new continuation.
    Wraps,
    /// The second page's continuation leads to another origin.
    Foreign,
}

#[derive(Clone)]
struct Listing {
    n: u64,
    mode: Mode,
    hostile: Hostile,
    sent: Arc<Mutex<Vec<Cursor>>>,
    fetches: Arc<AtomicUsize>,
}

fn listing(n: u64, mode: Mode, hostile: Hostile) -> Listing {
    Listing { n, mode, hostile, sent: Arc::default(), fetches: Arc::default() }
}

/// The position a URL of this listing asks for (`?start=`).
fn start_of(url: &str) -> u64 {
    let url = Url::parse(url).unwrap_or_else(|_| Url::parse(API).unwrap_or_else(|_| unreachable!()));
    let start = url.query_pairs().find(|(k, _)| k == "start").map(|(_, v)| v.into_owned());
    start.and_then(|v| v.parse().ok()).unwrap_or(0)
}

impl Source for Listing {
    type Item = String;
    type Body = Value;
    type Error = ();
    fn operation(&self) -> &'static str {
        "listTest"
    }
    fn style(&self) -> Style {
        match self.mode {
            Mode::AbsoluteUrl | Mode::RelativeUrl | Mode::LinkHeader => Style::NextUrl,
            Mode::AfterItem => Style::AfterItem,
            Mode::Token(_) => Style::Token,
        }
    }
    fn requested_page_size(&self) -> Option<u64> {
        Some(PAGE)
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, Value, ()> {
        let call = super::count_request(&self.fetches) as u64;
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).push(cursor.clone());
        let asked = match &cursor {
            Cursor::NextUrl(url) => start_of(url),
            Cursor::After(id) => id.trim_start_matches('i').parse::<u64>().map_or(0, |i| i + 1),
            Cursor::Token(Some(token)) => token.parse().unwrap_or(0),
            _ => 0,
        };
        let start = match self.hostile {
            Hostile::IgnoresCursor => 0,
            Hostile::Wraps => asked % self.n,
            _ => asked,
        };
        let end = (start + PAGE).min(self.n);
        let items: Vec<String> = (start..end).map(|i| format!("i{i}")).collect();
        let more = end < self.n || self.hostile == Hostile::Wraps;
        // A continuation that moves every call, while the items may not.
        let next = match self.hostile {
            Hostile::IgnoresCursor => PAGE,
            Hostile::Wraps => asked + PAGE,
            _ => end,
        };
        let origin = if self.hostile == Hostile::Foreign && call == 1 { "https://evil.example" } else { API };
        let url = format!("{origin}/v1/items?start={next}");
        let mut headers = HeaderMap::new();
        if self.mode == Mode::LinkHeader && more {
            let link = format!("<{url}>; rel=\"next\", <{API}/v1/items?start=0>; rel=\"first\"");
            headers.insert(LINK, HeaderValue::from_str(&link).unwrap_or_else(|_| HeaderValue::from_static("")));
        }
        let here = Url::parse(&format!("{API}/v1/items?start={asked}")).unwrap_or_else(|_| unreachable!());
        let meta = ResponseMeta::new("listTest", StatusCode::OK, headers, 1).with_url(here);
        let (body, token) = match self.mode {
            Mode::AbsoluteUrl => (json!({}), more.then_some(url)),
            Mode::RelativeUrl => {
                let path = url.trim_start_matches(origin).to_owned();
                (json!({}), more.then(|| if origin == API { path } else { url.clone() }))
            }
            Mode::LinkHeader => (json!({}), next_link(&meta)),
            Mode::AfterItem => (json!({ "has_more": more }), None),
            Mode::Token(pointer) => {
                let mut body = json!({});
                let value = if more { next.to_string() } else { String::new() };
                set_pointer(&mut body, pointer, value);
                // As a generated source reads the field, wherever the API puts it.
                let token = body.pointer(pointer).and_then(Value::as_str).map(str::to_owned);
                (body, token)
            }
        };
        let fetched = Fetched { items, body, meta, total: None, page_size: None, token };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
    fn has_more(body: &Value) -> Option<bool> {
        body.get("has_more").and_then(Value::as_bool)
    }
}

fn set_pointer(body: &mut Value, pointer: &str, value: String) {
    let mut at = body;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let Some(object) = at.as_object_mut() else { return };
        let slot = object.entry((*part).to_owned()).or_insert_with(|| json!({}));
        if i + 1 == parts.len() {
            *slot = Value::String(value.clone());
            return;
        }
        at = slot;
    }
}

fn names(n: u64) -> Vec<String> {
    (0..n).map(|i| format!("i{i}")).collect()
}

/// Every item of `src`, and how the listing ended.
async fn drain(src: Listing) -> (Vec<String>, Option<PaginationError>) {
    let mut items = Pages::new(src).items();
    let mut got = Vec::new();
    while let Some(next) = items.next().await {
        match next {
            Ok(item) => got.push(item),
            Err(e) => return (got, e.pagination().cloned()),
        }
    }
    (got, None)
}

const HONEST_MODES: [Mode; 4] = [Mode::AbsoluteUrl, Mode::RelativeUrl, Mode::LinkHeader, Mode::AfterItem];

#[tokio::test]
async fn honest_listings_yield_every_item_once_and_end() {
    for mode in HONEST_MODES {
        for n in [0, 1, 10, 35] {
            let src = listing(n, mode, Hostile::Honest);
            let (got, error) = drain(src.clone()).await;
            assert_eq!((got, error), (names(n), None), "{mode:?}, {n} items");
            // One request per page, none after the last (an empty listing still takes one).
            let pages = n.div_ceil(PAGE).max(1) as usize;
            assert_eq!(src.fetches.load(Ordering::Relaxed), pages, "{mode:?}, {n} items");
        }
    }
}

#[tokio::test]
async fn next_urls_are_sent_resolved_and_after_item_sends_the_last_id() {
    let src = listing(25, Mode::RelativeUrl, Hostile::Honest);
    drain(src.clone()).await;
    let sent = src.sent.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let expected = vec![
        Cursor::First,
        Cursor::NextUrl(format!("{API}/v1/items?start=10")),
        Cursor::NextUrl(format!("{API}/v1/items?start=20")),
    ];
    assert_eq!(sent, expected);
    let src = listing(25, Mode::AfterItem, Hostile::Honest);
    drain(src.clone()).await;
    let sent = src.sent.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert_eq!(sent, vec![Cursor::First, Cursor::After("i9".into()), Cursor::After("i19".into())]);
}

#[tokio::test]
async fn tokens_under_other_names_end_on_an_empty_string() {
    let pointers = [
        "/next_cursor",
        "/response_metadata/next_cursor",
        "/nextPageToken",
        "/next_marker",
        "/metadata/continue",
        "/next_page_token",
    ];
    for pointer in pointers {
        let src = listing(35, Mode::Token(pointer), Hostile::Honest);
        let (got, error) = drain(src.clone()).await;
        assert_eq!((got, error), (names(35), None), "{pointer}");
        assert_eq!(src.fetches.load(Ordering::Relaxed), 4, "{pointer}: no request after the empty token");
    }
}

#[tokio::test]
async fn a_cursor_that_does_not_move_is_a_stall() {
    for mode in HONEST_MODES.into_iter().chain([Mode::Token("/next_cursor")]) {
        let src = listing(100, mode, Hostile::IgnoresCursor);
        let (got, error) = drain(src.clone()).await;
        assert_eq!(got, names(10), "{mode:?}: the first page once");
        assert!(matches!(error, Some(PaginationError::Stalled { .. })), "{mode:?}: {error:?}");
        assert!(src.fetches.load(Ordering::Relaxed) <= 1 + STALL_LIMIT as usize, "{mode:?}");
    }
}

#[tokio::test]
async fn a_listing_that_never_ends_stalls_after_its_items() {
    for mode in HONEST_MODES.into_iter().chain([Mode::Token("/next_cursor")]) {
        let src = listing(30, mode, Hostile::Wraps);
        let (got, error) = drain(src.clone()).await;
        assert_eq!(got, names(30), "{mode:?}: each item once");
        assert!(matches!(error, Some(PaginationError::Stalled { .. })), "{mode:?}: {error:?}");
        // Three pages of items, then at most STALL_LIMIT pages of old ones.
        assert!(src.fetches.load(Ordering::Relaxed) <= 3 + STALL_LIMIT as usize, "{mode:?}");
        // The error says what the server kept sending, in the listing's own terms.
        let said = match mode {
            Mode::AfterItem => "pages of items already yielded while it says more follow",
            Mode::Token(_) => "new tokens for items already yielded",
            _ => "new next-page URLs for items already yielded",
        };
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains(said), "{mode:?}: {text}");
    }
}

#[tokio::test]
async fn a_next_url_on_another_origin_ends_with_an_error_after_the_page() {
    for mode in [Mode::AbsoluteUrl, Mode::RelativeUrl, Mode::LinkHeader] {
        let src = listing(100, mode, Hostile::Foreign);
        let (got, error) = drain(src.clone()).await;
        assert_eq!(got, names(20), "{mode:?}: both pages' items are yielded");
        let expected = PaginationError::ForeignNextUrl {
            operation: "listTest",
            origin: "https://evil.example".into(),
            expected: API.into(),
            yielded: 20,
        };
        assert_eq!(error, Some(expected), "{mode:?}");
        assert_eq!(src.fetches.load(Ordering::Relaxed), 2, "{mode:?}: nothing sent there");
    }
}

#[tokio::test]
async fn continuation_listings_do_not_resume_from_a_position() {
    let checkpoint = Checkpoint { position: 10, last_id: None, page_size: 10, yielded: 10 };
    for mode in [Mode::LinkHeader, Mode::AfterItem] {
        let src = listing(30, mode, Hostile::Honest);
        let first = Pages::new(src.clone()).resume_from(checkpoint.clone()).next().await;
        let error = first.and_then(|r| r.err()).and_then(|e| e.pagination().cloned());
        assert!(matches!(error, Some(PaginationError::BadCheckpoint { .. })), "{mode:?}: {error:?}");
        assert_eq!(src.fetches.load(Ordering::Relaxed), 0, "{mode:?}");
    }
}

/// An after-item listing whose items have no id.
struct Anonymous;

impl Source for Anonymous {
    type Item = String;
    type Body = bool;
    type Error = ();
    fn operation(&self) -> &'static str {
        "listAnon"
    }
    fn style(&self) -> Style {
        Style::AfterItem
    }
    fn requested_page_size(&self) -> Option<u64> {
        None
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, bool, ()> {
        // Nothing can follow an item without an id: a second request means the listing went on.
        assert!(matches!(cursor, Cursor::First), "asked for {cursor:?} after a page it cannot continue");
        let meta = ResponseMeta::new("listAnon", StatusCode::OK, HeaderMap::new(), 1);
        let fetched = Fetched { items: vec!["a".into()], body: true, meta, total: None, page_size: None, token: None };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(_: &String) -> Option<&str> {
        None
    }
    fn has_more(body: &bool) -> Option<bool> {
        Some(*body)
    }
}

#[tokio::test]
async fn more_items_after_one_without_an_id_is_an_error_not_an_end() {
    let result: Result<Vec<String>, _> = Pages::new(Anonymous).items().try_collect().await;
    let error = result.err().and_then(|e| e.pagination().cloned());
    assert!(matches!(error, Some(PaginationError::NoNextPage { yielded: 1, .. })), "{error:?}");
}

/// An after-item listing whose source cannot tell `has_more` (the trait's default).
struct Untold(Listing);

impl Source for Untold {
    type Item = String;
    type Body = Value;
    type Error = ();
    fn operation(&self) -> &'static str {
        self.0.operation()
    }
    fn style(&self) -> Style {
        self.0.style()
    }
    fn requested_page_size(&self) -> Option<u64> {
        self.0.requested_page_size()
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        self.0.validate()
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, Value, ()> {
        self.0.fetch(cursor)
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

#[tokio::test]
async fn an_after_item_listing_that_cannot_tell_has_more_goes_on_to_an_empty_page() {
    let src = listing(25, Mode::AfterItem, Hostile::Honest);
    let got: Result<Vec<String>, _> = Pages::new(Untold(src.clone())).items().try_collect().await;
    assert_eq!(got.ok(), Some(names(25)));
    assert_eq!(src.fetches.load(Ordering::Relaxed), 4, "three pages, then the empty one that ends it");
    // The trait's defaults: no start of the caller's, and nothing read from the body, not even
    // a body that says.
    assert_eq!(Untold(src.clone()).requested_start(), None);
    assert_eq!(Untold::has_more(&json!({ "has_more": false })), None);
    assert_eq!(Untold::has_more(&json!({ "has_more": true })), None);
}

/// A next-URL listing of one item whose second, empty page still links on: to another origin.
struct EmptyLinksAway(Arc<AtomicUsize>);

impl Source for EmptyLinksAway {
    type Item = String;
    type Body = Value;
    type Error = ();
    fn operation(&self) -> &'static str {
        "listAway"
    }
    fn style(&self) -> Style {
        Style::NextUrl
    }
    fn requested_page_size(&self) -> Option<u64> {
        None
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, _: Cursor) -> FetchFuture<String, Value, ()> {
        let call = super::count_request(&self.0);
        let (items, next) = match call {
            0 => (vec!["a".to_owned()], format!("{API}/v1/items?start=1")),
            _ => (Vec::new(), "https://evil.example/v1/items?start=2".to_owned()),
        };
        let here = Url::parse(&format!("{API}/v1/items")).unwrap_or_else(|_| unreachable!());
        let meta = ResponseMeta::new("listAway", StatusCode::OK, HeaderMap::new(), 1).with_url(here);
        let fetched = Fetched { items, body: json!({}), meta, total: None, page_size: None, token: Some(next) };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

#[tokio::test]
async fn an_empty_page_ends_a_next_url_listing_wherever_its_link_points() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let got: Result<Vec<String>, _> = Pages::new(EmptyLinksAway(Arc::clone(&fetches))).items().try_collect().await;
    assert_eq!(got.map_err(|e| e.to_string()), Ok(vec!["a".to_owned()]), "the end, not a foreign link");
    assert_eq!(fetches.load(Ordering::Relaxed), 2);
}
