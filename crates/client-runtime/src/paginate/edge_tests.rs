//! The engine's edges, each as a caller sees it: how many requests a listing takes, what its
//! errors say, what its accessors return, and the values that must stay stable across releases.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::{FutureExt, TryStreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::count::{count_from_wire, count_to_wire};
use super::*;
use crate::error::InvalidRequest;

/// A fixed listing of `n` items, by offset, reporting its total; counts its fetches.
#[derive(Clone)]
struct Fixed {
    n: u64,
    style: Style,
    /// The caller's explicit `offset` or `page`, if any.
    start: Option<u64>,
    /// Whether responses carry the total.
    reports_total: bool,
    /// Whether each response reports a total one larger than the last (items keep arriving).
    total_grows: bool,
    fetches: Arc<AtomicUsize>,
}

impl Source for Fixed {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        "listFixed"
    }
    fn style(&self) -> Style {
        self.style
    }
    fn requested_page_size(&self) -> Option<u64> {
        Some(10)
    }
    fn requested_start(&self) -> Option<u64> {
        self.start
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        let fetched_before = super::count_request(&self.fetches) as u64;
        let (start, len) = match cursor {
            Cursor::Offset { offset, limit } => (offset, limit),
            Cursor::Page { page, per_page } => ((page - 1) * per_page, per_page),
            _ => (0, 10),
        };
        let items = (start..(start + len).min(self.n)).map(|i| format!("i{i}")).collect();
        let meta = ResponseMeta::new("listFixed", StatusCode::OK, HeaderMap::new(), 1);
        let total = self.reports_total.then_some(self.n + if self.total_grows { fetched_before } else { 0 });
        let fetched = Fetched { items, body: (), meta, total, page_size: None, token: None };
        async move { Ok(fetched) }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

fn fixed(n: u64, style: Style) -> Fixed {
    Fixed { n, style, start: None, reports_total: true, total_grows: false, fetches: Arc::default() }
}

fn names(range: std::ops::Range<u64>) -> Vec<String> {
    range.map(|i| format!("i{i}")).collect()
}

const BY_OFFSET: Style = Style::Offset { max_limit: 100, max_offset: None };
const BY_PAGE: Style = Style::PageNumber { max_per_page: 100 };

#[tokio::test]
async fn an_offset_listing_without_a_total_ends_quietly_on_a_window_of_only_the_overlap() {
    // Windows of 10 overlapping by one; the last holds only the item read before: the end, not
    // a stall. 19 items: 0..10, 9..19, 18..19; 10 items: 0..10, 9..10.
    for (n, windows) in [(19, 3), (10, 2)] {
        let src = Fixed { reports_total: false, ..fixed(n, BY_OFFSET) };
        let got: Vec<String> = Items::new(src.clone()).concurrency(1).try_collect().await.expect("listing");
        assert_eq!(got, names(0..n));
        assert_eq!(src.fetches.load(Ordering::Relaxed), windows, "{n} items");
    }
}

#[tokio::test]
async fn an_offset_listing_without_a_total_reads_ahead_within_the_window() {
    // 1,000 items in windows of 10 overlapping by one: 112 windows, the last short. Read ahead
    // by `concurrency`, at most `concurrency - 1` requests go past it.
    for concurrency in [1, 2, 8] {
        let src = Fixed { reports_total: false, ..fixed(1_000, BY_OFFSET) };
        let got: Vec<String> = Items::new(src.clone()).concurrency(concurrency).try_collect().await.expect("listing");
        assert_eq!(got, names(0..1_000), "concurrency {concurrency}");
        let fetches = src.fetches.load(Ordering::Relaxed);
        assert!((112..=111 + concurrency).contains(&fetches), "{fetches} requests at concurrency {concurrency}");
    }
}

#[tokio::test]
async fn windows_go_out_together_once_the_end_is_known_and_one_at_a_time_before() {
    // A total makes the end known; so does an offset listing without one once its first window
    // proved the offsets move (it reads ahead and stops at the first short window).
    let cases = [
        ("offset, total", fixed(1_000, BY_OFFSET)),
        ("page, total", fixed(1_000, BY_PAGE)),
        ("offset, no total", Fixed { reports_total: false, ..fixed(1_000, BY_OFFSET) }),
    ];
    for (case, src) in cases {
        let gauge = Gauged { inner: src, now: Arc::default(), most: Arc::default() };
        let most = Arc::clone(&gauge.most);
        let got: Vec<String> = Items::new(gauge).concurrency(8).try_collect().await.expect("listing");
        assert_eq!(got, names(0..1_000), "{case}");
        assert_eq!(most.load(Ordering::SeqCst), 8, "{case}: requests in flight at once");
    }
    // Page numbers without a total: a server ignoring the page number would be read ahead to
    // no end, so pages go one at a time.
    let src = Fixed { reports_total: false, ..fixed(1_000, BY_PAGE) };
    let gauge = Gauged { inner: src, now: Arc::default(), most: Arc::default() };
    let most = Arc::clone(&gauge.most);
    let got: Vec<String> = Items::new(gauge).concurrency(8).try_collect().await.expect("listing");
    assert_eq!(got, names(0..1_000));
    assert_eq!(most.load(Ordering::SeqCst), 1, "page, no total: one request at a time");
}

/// `Fixed`, measuring the most of its requests in flight at once: each is counted from the
/// moment the listing asks for it until its answer is read.
struct Gauged {
    inner: Fixed,
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Source for Gauged {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        self.inner.operation()
    }
    fn style(&self) -> Style {
        self.inner.style()
    }
    fn requested_page_size(&self) -> Option<u64> {
        self.inner.requested_page_size()
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        let in_flight = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(in_flight, Ordering::SeqCst);
        let (inner, now) = (self.inner.fetch(cursor), Arc::clone(&self.now));
        async move {
            // Answers come later than the asking, as over a network.
            tokio::task::yield_now().await;
            now.fetch_sub(1, Ordering::SeqCst);
            inner.await
        }
        .boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

#[tokio::test]
async fn pages_hold_new_items_only_and_an_empty_listing_is_one_empty_page() {
    // No total: the last window (only the overlap item, or an empty page) ends the listing
    // without a page of its own; an empty listing still gives one page, with its metadata.
    let cases =
        [(BY_OFFSET, 19, vec![10, 9]), (BY_PAGE, 20, vec![10, 10]), (BY_OFFSET, 0, vec![0]), (BY_PAGE, 0, vec![0])];
    for (style, n, sizes) in cases {
        let src = Fixed { reports_total: false, ..fixed(n, style) };
        let pages: Vec<Page<String, ()>> = Pages::new(src).try_collect().await.expect("listing");
        let got: Vec<usize> = pages.iter().map(|p| p.items().len()).collect();
        assert_eq!(got, sizes, "{style:?}, {n} items");
    }
}

#[tokio::test]
async fn max_rereads_ends_a_page_listing_whose_total_keeps_changing() {
    // Each new total is a shift: page 2 is re-read from page 1 once, then the next shift is one
    // re-read too many.
    let src = Fixed { total_grows: true, ..fixed(100, BY_PAGE) };
    let mut items = Items::new(src).max_rereads(1);
    let mut got = Vec::new();
    let err = loop {
        match items.try_next().await {
            Ok(Some(item)) => got.push(item),
            Ok(None) => break None,
            Err(e) => break Some(e),
        }
    };
    assert_eq!(got, names(0..10));
    assert_eq!(
        err.as_ref().and_then(PageError::pagination),
        Some(&PaginationError::Shifted { operation: "listFixed", position: 10, rereads: 1 })
    );
}

#[tokio::test]
async fn a_listing_starts_at_the_callers_offset_or_page() {
    let src = Fixed { start: Some(5), ..fixed(25, BY_OFFSET) };
    let got: Vec<String> = Items::new(src).try_collect().await.expect("listing");
    assert_eq!(got, names(5..25), "nothing before the offset asked for");
    let src = Fixed { start: Some(2), ..fixed(25, BY_PAGE) };
    let got: Vec<String> = Items::new(src).try_collect().await.expect("listing");
    assert_eq!(got, names(10..25), "page 2 of pages of 10");
}

#[tokio::test]
async fn a_page_size_clamped_on_the_first_page_costs_no_extra_request() {
    // Serves at most 5 items a page from the first request on, and says so (as UTAGE reports the
    // `per_page` it used).
    let clamping = |inner: &Fixed| ClampingLater { inner: inner.clone(), after: 0, ids: true };
    let src = fixed(12, BY_PAGE);
    let got: Vec<String> = Items::new(clamping(&src)).try_collect().await.expect("listing");
    assert_eq!(got, names(0..12));
    // Page 1 (asked for 10, served 5), then pages 2 and 3 of 5: nothing is read twice.
    assert_eq!(src.fetches.load(Ordering::Relaxed), 3);
    // A caller's page is the server's page under the size it used: page 3 of 5 starts at item 10.
    let src = Fixed { start: Some(3), ..fixed(22, BY_PAGE) };
    let got: Vec<String> = Items::new(clamping(&src)).try_collect().await.expect("listing");
    assert_eq!(got, names(10..22));
    assert_eq!(src.fetches.load(Ordering::Relaxed), 3, "pages 3, 4 and 5 of 5");
}

#[tokio::test]
async fn a_page_size_clamped_mid_listing_goes_on_from_the_first_item_not_yet_yielded() {
    // The server serves pages of 10 for its first `after` requests, then of 5, and says so.
    // Items without ids cannot be de-duplicated: only positions keep them from repeating.
    for (after, ids, total) in
        [(1, true, false), (1, false, false), (2, false, false), (1, false, true), (3, true, true)]
    {
        let case = format!("clamped after {after} requests, ids {ids}, total {total}");
        let src = Fixed { reports_total: total, ..fixed(42, BY_PAGE) };
        let clamping = ClampingLater { inner: src.clone(), after, ids };
        let got: Vec<String> = Items::new(clamping).concurrency(4).try_collect().await.expect(&case);
        let got: Vec<&str> = got.iter().map(|i| i.trim_start_matches('-')).collect();
        assert_eq!(got, names(0..42), "{case}");
        if (after, total) == (1, false) {
            // Page 1 (0..10); page 2 of 5 (5..10, all yielded); pages 3..9 (10..42, the last short).
            assert_eq!(src.fetches.load(Ordering::Relaxed), 9, "{case}: nothing asked for twice");
        }
    }
}

/// `Fixed`, serving pages of 10 for its first `after` requests and of 5 from then on, and saying
/// so; its items have no id unless `ids`.
struct ClampingLater {
    inner: Fixed,
    after: usize,
    ids: bool,
}

impl Source for ClampingLater {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        self.inner.operation()
    }
    fn requested_start(&self) -> Option<u64> {
        self.inner.requested_start()
    }
    fn style(&self) -> Style {
        self.inner.style()
    }
    fn requested_page_size(&self) -> Option<u64> {
        self.inner.requested_page_size()
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        let later = self.inner.fetches.load(Ordering::Relaxed) >= self.after;
        let size = if later { 5 } else { 10 };
        let cursor = match cursor {
            Cursor::Page { page, per_page } => Cursor::Page { page, per_page: per_page.min(size) },
            other => other,
        };
        let ids = self.ids;
        self.inner
            .fetch(cursor)
            .map(move |r| r.map(|f| Fetched { page_size: Some(size), ..f }))
            .map(move |r| {
                r.map(|f| Fetched {
                    items: f.items.into_iter().map(|i| if ids { i } else { format!("-{i}") }).collect(),
                    ..f
                })
            })
            .boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        // Items marked with a leading `-` have no id.
        (!item.starts_with('-')).then_some(item.as_str())
    }
}

#[tokio::test]
async fn a_checkpoint_at_the_start_resumes_as_a_fresh_listing_whatever_id_it_holds() {
    // Position 0 yielded nothing: its id (a hand-made checkpoint) has no item before it to find.
    for style in [BY_OFFSET, BY_PAGE] {
        let src = fixed(25, style);
        let checkpoint = Checkpoint { position: 0, last_id: Some(id_hash("i7")), page_size: 10, yielded: 0 };
        let got: Vec<String> = Items::new(src.clone()).resume_from(checkpoint).try_collect().await.expect("resumed");
        assert_eq!(got, names(0..25), "{style:?}");
    }
}

#[tokio::test]
async fn resuming_asks_first_for_the_window_where_the_checkpoint_left_off() {
    // The checkpoint's last item is still where it was: the first window holds it, and no
    // request is spent searching. Offset: 9..19, 18..25; pages: 1 (to find i9), 2, 3.
    for (style, requests) in [(BY_OFFSET, 2), (BY_PAGE, 3)] {
        let src = fixed(25, style);
        let checkpoint = Checkpoint { position: 10, last_id: Some(id_hash("i9")), page_size: 10, yielded: 10 };
        let got: Vec<String> = Items::new(src.clone()).resume_from(checkpoint).try_collect().await.expect("resumed");
        assert_eq!(got, names(10..25), "{style:?}");
        assert_eq!(src.fetches.load(Ordering::Relaxed), requests, "{style:?}");
    }
}

#[tokio::test]
async fn an_offset_listing_with_a_total_asks_for_no_window_past_it() {
    // Windows of 10 overlapping by one: 0, 9, 18 (18 + 1 < 25); 27 would hold nothing new.
    for (n, windows) in [(25, 3), (19, 2), (20, 3), (10, 1), (11, 2), (9, 1), (0, 1)] {
        let src = fixed(n, Style::Offset { max_limit: 100, max_offset: None });
        let got: Vec<String> = Items::new(src.clone()).try_collect().await.expect("listing");
        assert_eq!(got.len() as u64, n);
        assert_eq!(src.fetches.load(Ordering::Relaxed), windows, "{n} items");
    }
}

#[tokio::test]
async fn a_page_number_listing_with_a_total_asks_for_no_page_past_it() {
    // Pages of 10: a total of 30 is three pages, at any concurrency; 31 needs a fourth.
    for (n, pages) in [(30, 3), (31, 4), (10, 1), (0, 1)] {
        for concurrency in [1, 4] {
            let src = fixed(n, BY_PAGE);
            let got: Vec<String> =
                Items::new(src.clone()).concurrency(concurrency).try_collect().await.expect("listing");
            assert_eq!(got, names(0..n));
            assert_eq!(src.fetches.load(Ordering::Relaxed), pages, "{n} items, concurrency {concurrency}");
        }
    }
}

#[tokio::test]
async fn the_offset_guard_names_its_limit_and_the_provider_hint() {
    struct Hinted(Fixed);
    impl Source for Hinted {
        type Item = String;
        type Body = ();
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
            Ok(())
        }
        fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
            self.0.fetch(cursor)
        }
        fn item_id(item: &String) -> Option<&str> {
            Some(item)
        }
        fn offset_limit_hint(&self) -> Option<&'static str> {
            Some("use the other listing")
        }
    }
    let style = Style::Offset { max_limit: 100, max_offset: Some(30) };
    let err = Items::new(fixed(100, style)).try_collect::<Vec<_>>().await.expect_err("guarded");
    match err.pagination() {
        Some(PaginationError::OffsetLimit { max_offset, total, hint, .. }) => {
            assert_eq!((*max_offset, *total), (30, 100));
            assert!(!hint.contains("microCMS"), "the runtime names no provider: {hint}");
            assert!(hint.starts_with("narrow the listing with a filter"), "the generic hint: {hint}");
        }
        other => panic!("expected OffsetLimit, got {other:?}"),
    }
    assert!(err.request().is_none());
    let err = Items::new(Hinted(fixed(100, style))).try_collect::<Vec<_>>().await.expect_err("guarded");
    assert!(err.to_string().contains("use the other listing"), "{err}");
}

#[tokio::test]
async fn pages_give_the_servers_total_and_where_the_listing_stands() {
    let src = fixed(25, Style::Offset { max_limit: 100, max_offset: None });
    let pages: Vec<Page<String, ()>> = Pages::new(src).try_collect().await.expect("listing");
    let seen: Vec<(Option<u64>, usize, Option<u64>)> =
        pages.iter().map(|p| (p.total(), p.items().len(), p.checkpoint().map(|c| c.position))).collect();
    // Windows 0..10, 9..19 and 18..25: the overlap item is not repeated.
    assert_eq!(seen, [(Some(25), 10, Some(10)), (Some(25), 9, Some(19)), (Some(25), 6, Some(25))]);
    assert!(pages.iter().all(|p| p.meta().operation() == "listFixed" && p.meta().status() == StatusCode::OK));
}

#[test]
fn page_errors_give_what_they_hold() {
    let request: PageError<()> = PageError::Request(Error::InvalidRequest(InvalidRequest {
        operation: "op",
        parameter: "limit".into(),
        problem: "is too large".into(),
    }));
    assert!(matches!(request.request(), Some(Error::InvalidRequest(_))));
    assert!(request.pagination().is_none());
    assert!(request.to_string().contains("is too large"));
    let stalled: PageError<()> =
        PaginationError::Stalled { operation: "op", responses: 3, yielded: 7, what: "the same window" }.into();
    assert!(stalled.request().is_none());
    assert!(stalled.to_string().contains("3 responses") && stalled.to_string().contains("7 items"), "{stalled}");
}

#[tokio::test]
async fn a_page_error_leads_to_the_cause_of_the_request_error_it_holds() {
    use std::error::Error as _;
    // A real connection failure: nothing listens on the port once the listener is dropped.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port());
    let refused = reqwest::get(format!("http://127.0.0.1:{}/", port.unwrap_or(9))).await.err();
    let Some(cause) = refused else { panic!("a closed port answered") };
    let want = cause.to_string();
    let transport =
        crate::TransportError { operation: "op", attempts: 1, source: cause, retry_budget: None, not_retried: None };
    let page: PageError<()> = PageError::Request(Error::Transport(transport));
    let source = page.source().map(ToString::to_string);
    assert_eq!(source, Some(want), "the request error's own cause, not the request error again");
    let stalled: PageError<()> =
        PaginationError::Stalled { operation: "op", responses: 3, yielded: 7, what: "the same window" }.into();
    assert!(stalled.source().is_none(), "a paging decision has no cause below it");
}

#[test]
fn counts_from_the_wire_are_never_negative() {
    assert_eq!(count_from_wire(-1), None);
    assert_eq!(count_from_wire(i64::MIN), None);
    assert_eq!(count_from_wire(0), Some(0));
    assert_eq!(count_from_wire(i64::MAX), Some(i64::MAX as u64));
    assert_eq!(count_to_wire(u64::MAX), i64::MAX);
    assert_eq!(count_to_wire(42), 42);
}

#[test]
fn id_hashes_are_stable_across_releases() {
    // Checkpoints store these: a change would break every saved checkpoint.
    assert_eq!(id_hash(""), 17_665_956_581_633_026_203);
    assert_eq!(id_hash("abc"), id_hash("abc"));
    let mut seen = SeenIds::default();
    assert!(seen.is_empty());
    seen.insert(id_hash("x"));
    assert!(!seen.is_empty());
    assert_eq!(seen.capacity(), None);
    assert_eq!(SeenIds::bounded(0).capacity(), Some(1));
}

#[tokio::test]
async fn a_listing_that_fails_cancels_its_windows_in_flight_at_once() {
    /// Counts the windows whose request was dropped before it was answered.
    struct Cancelled(Arc<AtomicUsize>);
    impl Drop for Cancelled {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
    /// Window 0 answers (100 items in all), window 9 fails, every later one never answers.
    struct Hanging(Arc<AtomicUsize>);
    impl Source for Hanging {
        type Item = String;
        type Body = ();
        type Error = ();
        fn operation(&self) -> &'static str {
            "listHanging"
        }
        fn style(&self) -> Style {
            BY_OFFSET
        }
        fn requested_page_size(&self) -> Option<u64> {
            Some(10)
        }
        fn validate(&self) -> Result<(), InvalidRequest> {
            Ok(())
        }
        fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
            let offset = match cursor {
                Cursor::Offset { offset, .. } => offset,
                _ => 0,
            };
            let meta = ResponseMeta::new("listHanging", StatusCode::OK, HeaderMap::new(), 1);
            match offset {
                0 => {
                    let items = names(0..10);
                    let page = Fetched { items, body: (), meta, total: Some(100), page_size: None, token: None };
                    async move { Ok(page) }.boxed()
                }
                9 => async move { Err(Error::Api(crate::error::ApiError { error: (), meta: Box::new(meta) })) }.boxed(),
                // Windows overlap by one item: a window anywhere else is planned wrong, and one
                // past 72 is more than the eight the concurrency allows.
                o if o % 9 != 0 || o > 72 => panic!("a window at {o}: expected 9, 18, …, 72"),
                _ => {
                    let guard = Cancelled(Arc::clone(&self.0));
                    async move {
                        futures::future::pending::<()>().await;
                        drop(guard);
                        Err(Error::Api(crate::error::ApiError { error: (), meta: Box::new(meta) }))
                    }
                    .boxed()
                }
            }
        }
        fn item_id(item: &String) -> Option<&str> {
            Some(item)
        }
    }
    let cancelled = Arc::new(AtomicUsize::new(0));
    let mut pages = Pages::new(Hanging(Arc::clone(&cancelled)));
    assert!(pages.try_next().await.expect("first page").is_some());
    // Eight windows go out at once (9, 18, …, 72); the one at 9 fails and ends the listing.
    assert!(matches!(pages.try_next().await, Err(PageError::Request(_))));
    // The caller still holds the stream: the seven left in flight are dropped all the same.
    for _ in 0..100 {
        if cancelled.load(Ordering::Relaxed) == 7 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(cancelled.load(Ordering::Relaxed), 7);
    assert!(pages.try_next().await.expect("ended").is_none());
}

/// `Fixed`, recording the cursors it is sent.
struct Recording {
    inner: Fixed,
    sent: Arc<std::sync::Mutex<Vec<Cursor>>>,
}

impl Source for Recording {
    type Item = String;
    type Body = ();
    type Error = ();
    fn operation(&self) -> &'static str {
        self.inner.operation()
    }
    fn style(&self) -> Style {
        self.inner.style()
    }
    fn requested_page_size(&self) -> Option<u64> {
        self.inner.requested_page_size()
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, (), ()> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).push(cursor.clone());
        self.inner.fetch(cursor)
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
}

#[tokio::test]
async fn each_style_is_asked_in_its_own_terms() {
    let cases = [
        (BY_PAGE, (1..=3).map(|page| Cursor::Page { page, per_page: 10 }).collect::<Vec<_>>()),
        (BY_OFFSET, [0, 9, 18].map(|offset| Cursor::Offset { offset, limit: 10 }).to_vec()),
    ];
    for (style, expected) in cases {
        let sent = Arc::default();
        let src = Recording { inner: Fixed { start: None, ..fixed(25, style) }, sent: Arc::clone(&sent) };
        let got: Vec<String> = Items::new(src).page_size(10).concurrency(1).try_collect().await.expect("listing");
        assert_eq!(got, names(0..25), "{style:?}");
        assert_eq!(*sent.lock().unwrap_or_else(|e| e.into_inner()), expected, "{style:?}");
    }
}
