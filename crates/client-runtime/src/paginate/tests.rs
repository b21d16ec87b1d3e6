//! Unit tests of the engine's decisions, and of the engine over an in-memory listing.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures::{FutureExt, TryStreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::decide::{self, Window};
use super::*;
use crate::error::InvalidRequest;

#[test]
fn shift_detection() {
    let past_start = Window { start: 99, has_ids: true, ..Window::default() };
    assert!(!decide::is_anchored(&past_start), "nothing seen past the start: shifted");
    assert!(decide::is_anchored(&Window { any_seen: true, ..past_start }));
    assert!(decide::is_anchored(&Window { start: 0, ..past_start }));
    assert!(decide::is_anchored(&Window { unanchored_ok: true, ..past_start }));
    assert!(
        !decide::is_anchored(&Window { empty: true, has_ids: false, ..past_start }),
        "an empty window proves nothing"
    );
    assert!(decide::is_anchored(&Window { has_ids: false, ..past_start }), "items without ids cannot be checked");
    let page = Window { is_page: true, prev_total: Some(500), total: Some(500), ..past_start };
    assert!(decide::is_anchored(&page), "same total: no shift");
    assert!(!decide::is_anchored(&Window { total: Some(498), ..page }));
    assert!(!decide::is_anchored(&Window { rereading: true, ..page }), "a re-read needs an item seen");
}

#[test]
fn drift_is_measured_by_the_last_item_read() {
    let hashes = [Some(1), Some(2), None, Some(4)];
    // Expected at 100; the window starts at 95, so item 4 sits at 98: moved down by 2.
    assert_eq!(decide::drift(100, 95, &hashes, 4), Some(2));
    assert_eq!(decide::drift(100, 99, &hashes, 2), Some(0), "moved up (inserts): no drift");
    assert_eq!(decide::drift(100, 95, &hashes, 7), None);
    assert_eq!(decide::lead(0, 100), 0);
    assert_eq!(decide::lead(3, 100), 6);
    assert_eq!(decide::lead(1_000, 100), 49, "a window always has room for new items");
    assert_eq!(decide::lead(5, 2), 0);
}

#[test]
fn token_stop_conditions() {
    let used = "t1".to_owned();
    let page = decide::TokenPage { received: 100, added: true, limit: Some(100), yielded: 300, total: Some(1_000) };
    let next = |token: Option<&str>, used: Option<&String>, page: decide::TokenPage| {
        decide::next_token(token.map(str::to_owned), used, &page)
    };
    assert_eq!(next(Some("t2"), Some(&used), page), Some("t2".into()));
    assert_eq!(next(Some("t1"), Some(&used), page), Some("t1".into()), "a session token, new items: go on");
    assert_eq!(next(Some("t1"), Some(&used), decide::TokenPage { added: false, ..page }), None, "stuck");
    assert_eq!(next(Some("t2"), Some(&used), decide::TokenPage { added: false, ..page }), Some("t2".into()));
    assert_eq!(next(Some(""), None, page), None);
    assert_eq!(next(None, None, page), None);
    assert_eq!(next(Some("t2"), Some(&used), decide::TokenPage { received: 0, ..page }), None, "an empty page");
    let counted = decide::TokenPage { yielded: 1_000, ..page };
    assert_eq!(next(Some("t2"), Some(&used), counted), Some("t2".into()), "a full page: ask once more");
    assert_eq!(next(Some("t2"), Some(&used), decide::TokenPage { received: 40, ..counted }), None, "total reached");
    // No page is known to be short: the count alone does not end it (yielded items may have
    // been deleted since, and as many added ahead).
    let unknown = decide::TokenPage { limit: None, received: 40, ..counted };
    assert_eq!(next(Some("t2"), Some(&used), unknown), Some("t2".into()), "no limit known: ask once more");
    assert_eq!(next(Some("t2"), Some(&used), decide::TokenPage { received: 0, ..unknown }), None, "then an empty page");
}

#[test]
fn checkpoint_resume_validation() {
    let cp = Checkpoint { position: 40, last_id: Some(9), page_size: 20, yielded: 40 };
    let page = Style::PageNumber { max_per_page: 100 };
    let offset = Style::Offset { max_limit: 100, max_offset: None };
    assert_eq!(decide::checkpoint_problem(&cp, page), None);
    assert_eq!(decide::checkpoint_problem(&cp, offset), None);
    assert!(decide::checkpoint_problem(&Checkpoint { page_size: 0, ..cp.clone() }, offset).is_some());
    // A server may clamp its pages to one item: the checkpoint it leads to resumes.
    assert_eq!(decide::checkpoint_problem(&Checkpoint { page_size: 1, ..cp.clone() }, page), None);
    // Pages of the API's largest size (the default) resume; one item more does not.
    assert_eq!(decide::checkpoint_problem(&Checkpoint { page_size: 100, ..cp.clone() }, page), None);
    assert!(decide::checkpoint_problem(&Checkpoint { page_size: 101, ..cp.clone() }, page).is_some());
    assert!(decide::checkpoint_problem(&Checkpoint { page_size: 200, ..cp.clone() }, page).is_some());
    assert!(decide::checkpoint_problem(&cp, Style::Token).is_some());
}

/// An offset listing held in memory (newest first) that deletes its newest items after every
/// request, like a library being emptied while a client pages it.
struct Shrinking {
    items: Arc<Mutex<Vec<String>>>,
    deletes: usize,
    fetches: Arc<AtomicUsize>,
}

impl Source for Shrinking {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        "listTest"
    }
    fn style(&self) -> Style {
        Style::Offset { max_limit: 100, max_offset: None }
    }
    fn requested_page_size(&self) -> Option<u64> {
        None
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        let Cursor::Offset { offset, limit } = cursor else { unreachable!("offset style") };
        super::count_request(&self.fetches);
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        let page: Vec<String> = items.iter().skip(offset as usize).take(limit as usize).cloned().collect();
        let deleted = self.deletes.min(items.len());
        items.drain(..deleted);
        let meta = ResponseMeta::new("listTest", StatusCode::OK, HeaderMap::new(), 1);
        let fetched = Fetched { items: page, body: (), meta, total: None, page_size: None, token: None };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

#[tokio::test]
async fn continuous_deletes_are_outpaced() {
    for deletes in [1, 2, 5] {
        let all: Vec<String> = (0..3_000).map(|i| format!("id{i}")).collect();
        let items = Arc::new(Mutex::new(all.clone()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let src = Shrinking { items: Arc::clone(&items), deletes, fetches: Arc::clone(&fetches) };
        let got: Vec<String> = Pages::new(src).items().try_collect().await.expect("listing");
        let unique: std::collections::HashSet<&String> = got.iter().collect();
        assert_eq!(unique.len(), got.len(), "an item was yielded twice (deletes {deletes})");
        let survivors = items.lock().unwrap_or_else(|e| e.into_inner()).clone();
        assert!(survivors.iter().all(|id| unique.contains(id)), "an item present throughout was missed");
        // 30 windows of 100 without deletes; each drifting window gains 100 - 1 - 2 × deletes;
        // the windows read ahead (8) before the first drift is measured may all be re-read.
        let fetched = fetches.load(Ordering::Relaxed);
        assert!(fetched <= 3_000 / (99 - 2 * deletes) + 6 + 8, "{fetched} requests with {deletes} deletes per request");
    }
}

/// A listing held in memory (`i0`, `i1`, …), in any style, with pages of 10, that a test can
/// change between requests. Token style: the token names the last item returned, or with
/// `session` one token serves the whole listing and the server keeps the cursor.
#[derive(Clone)]
struct Memory {
    items: Arc<Mutex<Vec<String>>>,
    style: Style,
    session: bool,
    cursor: Arc<Mutex<Option<String>>>,
    fetches: Arc<AtomicUsize>,
    /// Applied to the listing right after the fetch with this number (1-based).
    change: Option<(usize, Edit)>,
}

/// A change to a listing.
type Edit = fn(&mut Vec<String>);

const PAGE: u64 = 10;

impl Memory {
    fn new(style: Style, n: usize) -> Self {
        Self {
            items: Arc::new(Mutex::new((0..n).map(|i| format!("i{i}")).collect())),
            style,
            session: false,
            cursor: Arc::default(),
            fetches: Arc::default(),
            change: None,
        }
    }
    fn ids(&self) -> Vec<String> {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    fn edit(&self, f: impl FnOnce(&mut Vec<String>)) {
        f(&mut self.items.lock().unwrap_or_else(|e| e.into_inner()));
    }
}

impl Source for Memory {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        "listTest"
    }
    fn style(&self) -> Style {
        self.style
    }
    fn requested_page_size(&self) -> Option<u64> {
        Some(PAGE)
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        let n = super::count_request(&self.fetches) + 1;
        let mut items = self.items.lock().unwrap_or_else(|e| e.into_inner());
        let window = |start: u64, len: u64| -> Vec<String> {
            items.iter().skip(start as usize).take(len as usize).cloned().collect()
        };
        let (page, page_size, token) = match cursor {
            Cursor::Offset { offset, limit } => (window(offset, limit), None, None),
            Cursor::Page { page, per_page } => (window((page - 1) * per_page, per_page), Some(per_page), None),
            Cursor::Token(token) => {
                let mut cursor = self.cursor.lock().unwrap_or_else(|e| e.into_inner());
                let after = match (token, self.session) {
                    (None, _) => None,
                    (Some(_), true) => cursor.clone(),
                    (Some(t), false) => Some(t),
                };
                let start = after.and_then(|a| items.iter().position(|i| *i == a)).map_or(0, |p| p + 1);
                let page = window(start as u64, PAGE);
                let last = page.last().cloned().or(cursor.clone());
                *cursor = last.clone();
                let token = if self.session { Some("session".to_owned()) } else { last };
                (page, None, token)
            }
            _ => (Vec::new(), None, None),
        };
        let total = Some(items.len() as u64);
        if let Some((_, change)) = self.change.filter(|(after, _)| *after == n) {
            change(&mut items);
        }
        let meta = ResponseMeta::new("listTest", StatusCode::OK, HeaderMap::new(), 1);
        let fetched = Fetched { items: page, body: (), meta, total, page_size, token };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

const OFFSET: Style = Style::Offset { max_limit: 100, max_offset: None };
const PAGES: Style = Style::PageNumber { max_per_page: 100 };

/// Reads 50 of 100 items, checkpoints, lets `change` edit the listing, resumes: the rest comes
/// exactly once, and is exactly what now follows the last item read.
async fn resume_after(style: Style, change: Edit) {
    let src = Memory::new(style, 100);
    let mut items = Pages::new(src.clone()).items();
    let mut got = Vec::new();
    for _ in 0..50 {
        got.push(items.try_next().await.expect("item").expect("more"));
    }
    let checkpoint = items.checkpoint().cloned().expect("checkpoint");
    assert_eq!((checkpoint.position, checkpoint.yielded), (50, 50));
    drop(items);
    src.edit(change);
    let rest: Vec<String> = Pages::new(src.clone()).items().resume_from(checkpoint).try_collect().await.expect("rest");
    let now = src.ids();
    let after_last = now.iter().position(|i| i == "i49").expect("i49 is there") + 1;
    assert_eq!(rest, now[after_last..], "{style:?}");
    got.extend(rest);
    let original: Vec<String> = (0..100).map(|i| format!("i{i}")).collect();
    assert_eq!(got, original, "{style:?}: lost or repeated items");
}

fn insert_5_before(ids: &mut Vec<String>) {
    ids.splice(0..0, (0..5).map(|i| format!("new{i}")));
}

fn delete_5_before(ids: &mut Vec<String>) {
    ids.drain(0..5);
}

#[tokio::test]
async fn page_resume_after_deletes_before_the_checkpoint() {
    resume_after(PAGES, delete_5_before).await;
}

#[tokio::test]
async fn page_resume_after_inserts_before_the_checkpoint() {
    resume_after(PAGES, insert_5_before).await;
}

#[tokio::test]
async fn offset_resume_after_inserts_before_the_checkpoint() {
    resume_after(OFFSET, insert_5_before).await;
}

#[tokio::test]
async fn offset_resume_after_deletes_before_the_checkpoint() {
    resume_after(OFFSET, delete_5_before).await;
}

#[tokio::test]
async fn resume_fails_when_the_last_item_is_gone() {
    for style in [OFFSET, PAGES] {
        let src = Memory::new(style, 100);
        let mut items = Pages::new(src.clone()).items();
        for _ in 0..50 {
            items.try_next().await.expect("item").expect("more");
        }
        let checkpoint = items.checkpoint().cloned().expect("checkpoint");
        src.edit(|ids| ids.retain(|i| i != "i49"));
        let err = Pages::new(src.clone()).items().resume_from(checkpoint).try_next().await.expect_err("gone");
        assert!(matches!(err.pagination(), Some(PaginationError::BadCheckpoint { .. })), "{style:?}: {err}");
        // The message says which item is missing, and that starting again is the way out.
        let message = err.to_string();
        assert!(message.contains("last item (at position 49) is gone"), "{style:?}: {message}");
        assert!(message.contains("start the listing again"), "{style:?}: {message}");
    }
}

#[tokio::test]
async fn knobs_on_a_running_listing_keep_its_checkpoint() {
    let src = Memory::new(OFFSET, 100);
    let mut items = Pages::new(src.clone()).items();
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(items.try_next().await.expect("item").expect("more"));
    }
    let mut items = items.concurrency(2).max_rereads(9);
    let checkpoint = items.checkpoint().cloned().expect("checkpoint");
    assert_eq!((checkpoint.position, checkpoint.yielded), (5, 5));
    for _ in 0..2 {
        got.push(items.try_next().await.expect("item").expect("more"));
    }
    let checkpoint = items.checkpoint().cloned().expect("checkpoint");
    assert_eq!((checkpoint.position, checkpoint.yielded), (7, 7));
    // A resume asked of a running listing changes nothing.
    let mut items = items.resume_from(Checkpoint { position: 1, ..checkpoint.clone() });
    assert_eq!(items.checkpoint(), Some(&checkpoint));
    assert_eq!(items.try_next().await.expect("item").as_deref(), Some("i7"));
    drop(items);
    let rest: Vec<String> = Pages::new(src).items().resume_from(checkpoint).try_collect().await.expect("rest");
    got.extend(rest);
    assert_eq!(got, (0..100).map(|i| format!("i{i}")).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_session_token_repeated_on_every_page_is_followed() {
    let src = Memory { session: true, ..Memory::new(Style::Token, 35) };
    let got: Vec<String> = Pages::new(src.clone()).items().try_collect().await.expect("listing");
    assert_eq!(got, src.ids());
    // A server stuck on one page (the same token and items again) ends the listing.
    let stuck = Memory { change: Some((1, |ids| ids.truncate(10))), ..Memory::new(Style::Token, 35) };
    let got: Vec<String> = Pages::new(stuck.clone()).items().try_collect().await.expect("listing");
    assert_eq!(got, stuck.ids());
}

#[tokio::test]
async fn a_token_listing_reaching_its_total_after_changes_reads_on() {
    // After the first page, 5 yielded items are deleted and 5 added ahead of the cursor: the
    // total stays 30, but 25 items remain after the 10 yielded.
    fn change(ids: &mut Vec<String>) {
        ids.drain(0..5);
        let at = ids.iter().position(|i| i == "i20").expect("i20");
        ids.splice(at..at, (0..5).map(|i| format!("new{i}")));
    }
    let src = Memory { change: Some((1, change)), ..Memory::new(Style::Token, 30) };
    let got: Vec<String> = Pages::new(src.clone()).items().try_collect().await.expect("listing");
    let mut want: Vec<String> = (0..10).map(|i| format!("i{i}")).collect();
    want.extend(src.ids().into_iter().skip(5));
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_shift_after_the_oldest_ids_were_forgotten_still_rereads_near_the_frontier() {
    // Past 65,536 items the oldest ids are forgotten; a re-read of the last window or two only
    // needs recent ones, so a delete there is still survived rather than ended with `Shifted`.
    let n = 67_000;
    let src = Memory { change: Some((670, delete_5_before)), ..Memory::new(OFFSET, n) };
    let got: Vec<String> = Pages::new(src.clone()).page_size(100).items().try_collect().await.expect("listing");
    let unique: std::collections::HashSet<&String> = got.iter().collect();
    assert_eq!((got.len(), unique.len()), (n, n), "every item once");
    assert!(src.fetches.load(Ordering::Relaxed) > 670, "the change happened while listing");
}

#[tokio::test]
async fn a_listing_that_shrank_to_one_new_item_is_reread_from_its_start() {
    // Right after the first window, everything is deleted and one item added: the next window
    // is empty (a shift), and the re-read from position 0 finds the newcomer.
    fn replace_all_with_one(ids: &mut Vec<String>) {
        *ids = vec!["new".to_owned()];
    }
    let src = Memory { change: Some((1, replace_all_with_one)), ..Memory::new(OFFSET, 20) };
    let got: Vec<String> = Pages::new(src).items().try_collect().await.expect("listing");
    let mut expected: Vec<String> = (0..10).map(|i| format!("i{i}")).collect();
    expected.push("new".into());
    assert_eq!(got, expected);
}
