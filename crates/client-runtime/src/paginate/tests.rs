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
    assert_eq!(decide::next_token(Some("t2".into()), Some(&used), 100, false), Some("t2".into()));
    assert_eq!(decide::next_token(Some("t1".into()), Some(&used), 100, false), None, "the same token again");
    assert_eq!(decide::next_token(Some(String::new()), None, 100, false), None);
    assert_eq!(decide::next_token(None, None, 100, false), None);
    assert_eq!(decide::next_token(Some("t2".into()), Some(&used), 0, false), None, "an empty page");
    assert_eq!(decide::next_token(Some("t2".into()), Some(&used), 100, true), None, "the total is reached");
}

#[test]
fn checkpoint_resume_validation() {
    let cp = Checkpoint { position: 40, last_id: Some(9), page_size: 20, yielded: 40 };
    let page = Style::PageNumber { max_per_page: 100 };
    let offset = Style::Offset { max_limit: 100, max_offset: None };
    assert_eq!(decide::checkpoint_problem(&cp, page), None);
    assert_eq!(decide::checkpoint_problem(&cp, offset), None);
    assert!(decide::checkpoint_problem(&Checkpoint { page_size: 0, ..cp.clone() }, offset).is_some());
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
        self.fetches.fetch_add(1, Ordering::Relaxed);
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
        // 30 windows of 100 without deletes; each drifting window gains 100 - 1 - 2 × deletes.
        let fetched = fetches.load(Ordering::Relaxed);
        assert!(fetched <= 3_000 / (99 - 2 * deletes) + 6, "{fetched} requests with {deletes} deletes per request");
    }
}
