//! Property tests of the engine against a scripted fake server whose answers are generated, in
//! each style (offset, page number, token, next URL, cursor from the last item):
//! page sizes, totals, items inserted and deleted between requests, failures, expired tokens,
//! and hostile answers (an ignored position, a page served again, a lying total, a server that
//! ignores positions or hands out new tokens for old items for good). Fixed seed, bounded
//! cases: they run with `cargo test`.
//!
//! What holds for every run: the listing ends within [`MAX_FETCHES`] requests, and no item is
//! yielded twice. What holds when the server only moves items as the docs allow (inserts,
//! deletes, failures, clamped pages, expired tokens): every item present throughout is listed,
//! or the listing ends with a typed error. A server that ignores positions for good ends with
//! [`PaginationError::Stalled`] (or, for items without progress, another typed error).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::{FutureExt, StreamExt};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::*;
use crate::error::{ApiError, InvalidRequest};

/// No listing in these tests may take more requests than this.
const MAX_FETCHES: usize = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Offset {
        reports_total: bool,
    },
    Page,
    Token,
    /// The next page's absolute URL on the API's origin (`?after=<last id>`), as a body field or
    /// a `Link` header gives it.
    NextUrl,
    /// `starting_after = <last id>` while the body's `has_more` says so (Stripe).
    AfterItem,
}

/// What the server does with one request.
#[derive(Clone, Copy, Debug)]
pub(super) enum Answer {
    Honest,
    /// Items inserted at `at` (modulo the length) before answering.
    Insert {
        at: usize,
        count: usize,
    },
    /// Items deleted at `at` before answering.
    Delete {
        at: usize,
        count: usize,
    },
    /// A failed request.
    Fail,
    /// Hostile: the first window, whatever was asked.
    IgnorePosition,
    /// Hostile: the previous answer again.
    Repeat,
    /// Hostile: a total far above the truth.
    BigTotal,
}

#[derive(Debug)]
pub(super) enum FakeError {
    Boom,
    Expired,
}

/// The previous answer, served again by [`Answer::Repeat`]: items, total, continuation, has_more.
type LastAnswer = (Vec<String>, Option<u64>, Option<String>, Option<bool>);

#[derive(Debug)]
struct Server {
    items: Vec<String>,
    next_id: usize,
    script: Vec<Answer>,
    /// After the script: every request answered as the last scripted answer says, when hostile
    /// for good; honestly otherwise.
    stuck: bool,
    fetches: usize,
    last: Option<LastAnswer>,
    /// The largest page the server serves (it clamps larger requests, and says so).
    clamp: u64,
    ever: Vec<String>,
    deleted: HashSet<String>,
    tokens: u64,
}

#[derive(Clone)]
struct Fake {
    kind: Kind,
    max: u64,
    page_size: Option<u64>,
    server: Arc<Mutex<Server>>,
}

impl Fake {
    fn lock(&self) -> std::sync::MutexGuard<'_, Server> {
        self.server.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn meta() -> ResponseMeta {
    ResponseMeta::new("listFake", StatusCode::OK, HeaderMap::new(), 1)
}

fn failure(error: FakeError) -> Error<FakeError> {
    Error::Api(ApiError { error, meta: Box::new(meta()) })
}

/// The fake's answers come from this origin, so next URLs on it are followed.
const ORIGIN: &str = "https://api.test/list";

impl Source for Fake {
    type Item = String;
    /// `has_more`, for the cursor-from-the-last-item style (the body holds nothing else).
    type Body = Option<bool>;
    type Error = FakeError;

    fn operation(&self) -> &'static str {
        "listFake"
    }
    fn style(&self) -> Style {
        match self.kind {
            Kind::Offset { .. } => Style::Offset { max_limit: self.max, max_offset: None },
            Kind::Page => Style::PageNumber { max_per_page: self.max },
            Kind::Token => Style::Token,
            Kind::NextUrl => Style::NextUrl,
            Kind::AfterItem => Style::AfterItem,
        }
    }
    fn has_more(body: &Option<bool>) -> Option<bool> {
        *body
    }
    fn requested_page_size(&self) -> Option<u64> {
        self.page_size
    }
    fn validate(&self) -> Result<(), InvalidRequest> {
        Ok(())
    }
    fn fetch(&self, cursor: Cursor) -> FetchFuture<String, Option<bool>, FakeError> {
        let answer = self.answer(cursor);
        async move { answer }.boxed()
    }
    fn item_id(item: &String) -> Option<&str> {
        Some(item)
    }
    fn is_token_expired(error: &Error<FakeError>) -> bool {
        matches!(error.api_error(), Some(FakeError::Expired))
    }
}

impl Fake {
    fn answer(&self, cursor: Cursor) -> Result<Fetched<String, Option<bool>>, Error<FakeError>> {
        let mut s = self.lock();
        s.fetches += 1;
        // Far past the limit the engine is not awaiting what it asks for (a loop that only
        // plans requests): fail here, or the test would hang instead of failing.
        assert!(s.fetches < 100 * MAX_FETCHES, "{} requests: the listing spins", s.fetches);
        if s.fetches > MAX_FETCHES {
            // The property fails on this; the listing is stopped so the test ends.
            return Err(failure(FakeError::Boom));
        }
        let index = s.fetches - 1;
        let answer = match s.script.get(index) {
            Some(a) => *a,
            None if s.stuck => s.script.last().copied().unwrap_or(Answer::Honest),
            None => Answer::Honest,
        };
        match answer {
            Answer::Insert { at, count } => {
                let at = at % (s.items.len() + 1);
                for _ in 0..count {
                    let id = format!("n{}", s.next_id);
                    s.next_id += 1;
                    s.ever.push(id.clone());
                    s.items.insert(at, id);
                }
            }
            Answer::Delete { at, count } if !s.items.is_empty() => {
                let at = at % s.items.len();
                let end = (at + count).min(s.items.len());
                let gone: Vec<String> = s.items.drain(at..end).collect();
                s.deleted.extend(gone);
            }
            Answer::Fail => return Err(failure(FakeError::Boom)),
            Answer::Repeat => {
                if let Some((items, total, token, more)) = s.last.clone() {
                    return Ok(Fetched { items, body: more, meta: meta(), total, page_size: None, token });
                }
            }
            _ => {}
        }
        let len = s.items.len() as u64;
        let (start, size, page_size) = match (&cursor, answer) {
            (Cursor::Offset { limit, .. }, Answer::IgnorePosition) => (0, *limit, None),
            (Cursor::Page { per_page, .. }, Answer::IgnorePosition) => {
                (0, (*per_page).min(s.clamp), Some((*per_page).min(s.clamp)))
            }
            (Cursor::Token(_) | Cursor::NextUrl(_) | Cursor::After(_), Answer::IgnorePosition) => {
                (0, self.page_size.unwrap_or(10), None)
            }
            (Cursor::Offset { offset, limit }, _) => (*offset, *limit, None),
            (Cursor::Page { page, per_page }, _) => {
                let used = (*per_page).min(s.clamp);
                (page.saturating_sub(1).saturating_mul(used), used, Some(used))
            }
            (Cursor::Token(None), _) => (0, self.page_size.unwrap_or(10), None),
            (Cursor::Token(Some(token)), _) => {
                let after = token.split(':').next().unwrap_or_default();
                match s.items.iter().position(|id| id == after) {
                    Some(i) => (i as u64 + 1, self.page_size.unwrap_or(10), None),
                    None => return Err(failure(FakeError::Expired)),
                }
            }
            // The item a URL or a cursor points after was deleted: the server refuses, as
            // Stripe does for a `starting_after` that no longer exists.
            (Cursor::NextUrl(url), _) => {
                let after = url.split("after=").nth(1).and_then(|rest| rest.split('&').next()).unwrap_or_default();
                match s.items.iter().position(|id| id == after) {
                    Some(i) => (i as u64 + 1, self.page_size.unwrap_or(10), None),
                    None => return Err(failure(FakeError::Boom)),
                }
            }
            (Cursor::After(after), _) => match s.items.iter().position(|id| id == after) {
                Some(i) => (i as u64 + 1, self.page_size.unwrap_or(10), None),
                None => return Err(failure(FakeError::Boom)),
            },
            (_, _) => (0, self.page_size.unwrap_or(10), None),
        };
        let size = size.max(1);
        let from = start.min(len) as usize;
        let to = start.saturating_add(size).min(len) as usize;
        let items: Vec<String> = s.items[from..to].to_vec();
        let reports_total = matches!(self.kind, Kind::Offset { reports_total: true } | Kind::Page)
            || (self.kind == Kind::Token && s.tokens % 2 == 0);
        let total = match answer {
            Answer::BigTotal => Some(u64::MAX / 2),
            _ => reports_total.then_some(len),
        };
        let token = (self.kind == Kind::Token).then(|| {
            s.tokens += 1;
            let last = items.last().cloned().unwrap_or_default();
            // A new token every time: a server may mint one per page.
            format!("{last}:{}", s.tokens)
        });
        let more = to < s.items.len() || answer == Answer::IgnorePosition;
        let token = token.filter(|_| more);
        let token = match self.kind {
            Kind::NextUrl => {
                s.tokens += 1;
                let last = items.last().cloned().unwrap_or_default();
                more.then(|| format!("{ORIGIN}?after={last}&n={}", s.tokens))
            }
            _ => token,
        };
        let has_more = (self.kind == Kind::AfterItem).then_some(more);
        s.last = Some((items.clone(), total, token.clone(), has_more));
        let meta = match url::Url::parse(ORIGIN) {
            Ok(url) => meta().with_url(url),
            Err(_) => meta(),
        };
        Ok(Fetched {
            items,
            body: has_more,
            meta,
            total,
            page_size: page_size.filter(|_| self.kind == Kind::Page),
            token,
        })
    }
}

impl PartialEq for Answer {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

fn answer(hostile: bool) -> impl Strategy<Value = Answer> {
    let honest = prop_oneof![
        8 => Just(Answer::Honest),
        2 => (0usize..60, 1usize..4).prop_map(|(at, count)| Answer::Insert { at, count }),
        2 => (0usize..60, 1usize..4).prop_map(|(at, count)| Answer::Delete { at, count }),
        1 => Just(Answer::Fail),
    ];
    let lies = prop_oneof![Just(Answer::IgnorePosition), Just(Answer::Repeat), Just(Answer::BigTotal)];
    if hostile {
        prop_oneof![3 => honest, 1 => lies].boxed()
    } else {
        honest.boxed()
    }
}

/// Every kind: one strategy for all, so a case that only one style gets wrong (a token
/// restart after deletes and inserts, ending one item short) is generated for every style.
fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Offset { reports_total: true }),
        Just(Kind::Offset { reports_total: false }),
        Just(Kind::Page),
        Just(Kind::Token),
        Just(Kind::NextUrl),
        Just(Kind::AfterItem),
    ]
}

/// The styles whose continuation comes from the server's last answer, in cases of their own
/// besides [`kind`]'s: a calm server must list them whole without any error.
fn continuation_kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::NextUrl), Just(Kind::AfterItem)]
}

#[derive(Debug)]
pub(super) struct Run {
    pub yielded: Vec<String>,
    pub error: Option<PageError<FakeError>>,
    pub fetches: usize,
    pub present_throughout: Vec<String>,
}

/// One generated scenario.
pub(super) struct Case {
    pub kind: Kind,
    pub n: usize,
    pub max: u64,
    pub page_size: Option<u64>,
    pub clamp: u64,
    pub script: Vec<Answer>,
    pub stuck: bool,
    pub concurrency: usize,
}

pub(super) fn run(case: Case) -> Run {
    let Case { kind, n, max, page_size, clamp, script, stuck, concurrency } = case;
    let items: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
    let server = Server {
        ever: items.clone(),
        items,
        next_id: 0,
        script,
        stuck,
        fetches: 0,
        last: None,
        clamp: if kind == Kind::Page { clamp } else { u64::MAX },
        deleted: HashSet::new(),
        tokens: 0,
    };
    let fake = Fake { kind, max, page_size, server: Arc::new(Mutex::new(server)) };
    let cfg = PaginateConfig { concurrency, max_rereads: 8, ..PaginateConfig::default() };
    let mut stream = Items::new(fake.clone()).config(cfg);
    let mut yielded = Vec::new();
    let mut error = None;
    futures::executor::block_on(async {
        while let Some(next) = stream.next().await {
            match next {
                Ok(id) => yielded.push(id),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
    });
    let s = fake.lock();
    let present_throughout =
        s.ever.iter().filter(|id| id.starts_with('i') && !s.deleted.contains(*id)).cloned().collect();
    Run { yielded, error, fetches: s.fetches, present_throughout }
}

fn config(cases: u32, seed: u64) -> Config {
    Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(256, 0x5eed_0001))]

    /// An honest server (items moving between requests as the docs allow, failures): every
    /// item present throughout, or a typed error; never twice; within the bound.
    #[test]
    fn honest_servers_are_listed_whole_or_fail_with_a_typed_error(
        kind in kind(),
        n in 0usize..60,
        max in 2u64..12,
        page_size in proptest::option::of(1u64..12),
        clamp in 2u64..12,
        script in proptest::collection::vec(answer(false), 0..10),
        concurrency in 1usize..4,
    ) {
        let r = run(Case { kind, n, max, page_size, clamp, script, stuck: false, concurrency });
        prop_assert!(r.fetches <= MAX_FETCHES, "{} fetches", r.fetches);
        prop_assert_eq!(r.yielded.iter().collect::<HashSet<_>>().len(), r.yielded.len(), "a duplicate: {:?}", r.yielded);
        if r.error.is_none() {
            let got: HashSet<&String> = r.yielded.iter().collect();
            let missing: Vec<&String> = r.present_throughout.iter().filter(|id| !got.contains(id)).collect();
            prop_assert!(missing.is_empty(), "missing {:?}; yielded {:?}", missing, r.yielded);
        }
    }

    /// Any server, lies included: the listing ends within the bound and never repeats an item;
    /// a server that keeps lying ends it with a typed error.
    #[test]
    fn hostile_servers_cannot_make_a_listing_spin_or_repeat(
        kind in kind(),
        n in 0usize..60,
        max in 2u64..12,
        page_size in proptest::option::of(1u64..12),
        clamp in 2u64..12,
        script in proptest::collection::vec(answer(true), 1..10),
        stuck in any::<bool>(),
        concurrency in 1usize..4,
    ) {
        // A server answering the first window, or its last answer again, whatever is asked,
        // for good.
        let persistent = stuck && script.last().is_some_and(|a| matches!(a, Answer::IgnorePosition | Answer::Repeat));
        let r = run(Case { kind, n, max, page_size, clamp, script, stuck, concurrency });
        prop_assert!(r.fetches <= MAX_FETCHES, "{} fetches", r.fetches);
        prop_assert_eq!(r.yielded.iter().collect::<HashSet<_>>().len(), r.yielded.len(), "a duplicate: {:?}", r.yielded);
        if persistent && r.error.is_none() {
            // Ending without an error is right only when nothing was left unread.
            let got: HashSet<&String> = r.yielded.iter().collect();
            let missing: Vec<&String> = r.present_throughout.iter().filter(|id| !got.contains(id)).collect();
            prop_assert!(missing.is_empty(), "silently short: missing {:?}", missing);
        }
    }
}

proptest! {
    #![proptest_config(config(256, 0x5eed_0002))]

    /// Next URLs and cursors from the last item, on an honest server: every item present
    /// throughout, or a typed error (a cursor item deleted under the listing is refused, as
    /// Stripe does); never twice; within the bound.
    #[test]
    fn continuation_listings_on_honest_servers_are_whole_or_fail_with_a_typed_error(
        kind in continuation_kind(),
        n in 0usize..60,
        page_size in proptest::option::of(1u64..12),
        script in proptest::collection::vec(answer(false), 0..10),
    ) {
        // Nothing moved and nothing failed: the listing must be whole, with no error at all.
        let calm = script.iter().all(|a| *a == Answer::Honest);
        let case = Case { kind, n, max: 12, page_size, clamp: 12, script, stuck: false, concurrency: 1 };
        let r = run(case);
        prop_assert!(r.fetches <= MAX_FETCHES, "{} fetches", r.fetches);
        prop_assert_eq!(r.yielded.iter().collect::<HashSet<_>>().len(), r.yielded.len(), "a duplicate: {:?}", r.yielded);
        if calm {
            prop_assert!(r.error.is_none(), "{:?} on a calm server", r.error);
            prop_assert_eq!(r.yielded.len(), n, "every item of a calm server");
        }
        if r.error.is_none() {
            let got: HashSet<&String> = r.yielded.iter().collect();
            let missing: Vec<&String> = r.present_throughout.iter().filter(|id| !got.contains(id)).collect();
            prop_assert!(missing.is_empty(), "missing {:?}; yielded {:?}", missing, r.yielded);
        }
    }

    /// Next URLs and cursors on any server, lies included: the listing ends within the bound,
    /// never repeats an item, and a server that keeps lying ends it with a typed error.
    #[test]
    fn continuation_listings_on_hostile_servers_cannot_spin_or_repeat(
        kind in continuation_kind(),
        n in 0usize..60,
        page_size in proptest::option::of(1u64..12),
        script in proptest::collection::vec(answer(true), 1..10),
        stuck in any::<bool>(),
    ) {
        let persistent = stuck && script.last().is_some_and(|a| matches!(a, Answer::IgnorePosition | Answer::Repeat));
        let case = Case { kind, n, max: 12, page_size, clamp: 12, script, stuck, concurrency: 1 };
        let r = run(case);
        prop_assert!(r.fetches <= MAX_FETCHES, "{} fetches", r.fetches);
        prop_assert_eq!(r.yielded.iter().collect::<HashSet<_>>().len(), r.yielded.len(), "a duplicate: {:?}", r.yielded);
        if persistent && r.error.is_none() {
            let got: HashSet<&String> = r.yielded.iter().collect();
            let missing: Vec<&String> = r.present_throughout.iter().filter(|id| !got.contains(id)).collect();
            prop_assert!(missing.is_empty(), "silently short: missing {:?}", missing);
        }
    }
}
