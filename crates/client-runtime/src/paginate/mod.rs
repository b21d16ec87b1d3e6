//! The pagination engine: one engine, five styles ([`Style`]: offset, page number, token, next
//! URL, after the last item), yielding a [`futures::Stream`] of whole [`Page`]s ([`Pages`]) or
//! of items ([`Items`]).
//!
//! How a source serves each style (what [`Source::fetch`] receives, what it reports):
//!
//! | style | first request | follow-ups | the source reports |
//! |---|---|---|---|
//! | [`Style::Offset`] | [`Cursor::Offset`] | [`Cursor::Offset`] | `total` if known |
//! | [`Style::PageNumber`] | [`Cursor::Page`] | [`Cursor::Page`] | `total`, `page_size` |
//! | [`Style::Token`] | `Cursor::Token(None)` | `Cursor::Token(Some(t))` | [`Fetched::token`] from its field, whatever its name |
//! | [`Style::NextUrl`] | [`Cursor::First`] | [`Cursor::NextUrl`]: send with [`Request::set_url`](crate::__private::Request::set_url) | [`Fetched::token`]: the body's URL, or [`next_link`] |
//! | [`Style::AfterItem`] | [`Cursor::First`] | [`Cursor::After`]: e.g. `starting_after` | [`Source::has_more`] |
//!
//! A provider crate describes one paged operation with a [`Source`]: how to fetch one window
//! (a [`Cursor`]), how to split a response into its items and its metadata ([`Fetched`]), and
//! an item's id. The engine does the rest:
//!
//! - **each item once**: ids are remembered as 64-bit hashes, the most recent 65,536 of them
//!   (about 1.5 MB, so memory stays flat however long the listing); offset windows overlap the previous one by an item, so an insert
//!   or delete between requests (a shifted offset) is detected and the listing re-reads from a
//!   window that contains an item already seen ([`ShiftPolicy`]), or ends with
//!   [`PaginationError::Shifted`] — never silently; when items keep being deleted, the engine
//!   measures how far the listing moves per request and starts each window that much earlier.
//!
//!   *Limitation of page-number of page-number listings* (UTAGE): pages cannot overlap, so a shift is seen only
//!   as a change of the total the server reports. A delete before the current page and an
//!   insert after it (or the reverse) between two requests leave the total unchanged and go
//!   unnoticed: an item that moved back across the page boundary is then missed (one that moved
//!   forward is read again and left out by its id). Lower concurrency does not help — sequential
//!   requests have the same blind spot. A caller that must not miss an item should list again
//!   and compare, or narrow the listing with a filter whose contents stay put while paging
//!   (UTAGE: a `folder_id` or `keyword` that the concurrent changes do not touch);
//! - **concurrency**: when the first response reports the total (offset and page styles), later
//!   windows are fetched concurrently, at most [`PaginateConfig::concurrency`] (default 8) at once, and
//!   yielded in order; every request goes through the client's runtime (retries, pacing). An
//!   offset listing without a total reads ahead as far, and stops at the first short window
//!   (the windows then in flight, at most `concurrency - 1`, are wasted);
//! - **next URLs** are resolved against the URL of the response that gave them and followed
//!   only on the API's origin (the one the key goes to): a URL elsewhere ends the listing, after
//!   its page's items, with [`PaginationError::ForeignNextUrl`] — nothing is sent there;
//! - **tokens** (and next URLs, and after-item cursors): the next page is requested as soon as a page arrives, so a token is used while
//!   it is fresh; a lapsed token restarts the listing and skips what was yielded
//!   ([`TokenExpiry`]); a token repeated from the previous page is not taken as the end unless
//!   the page added nothing (one token may serve a whole session);
//! - **it ends by itself**: when [`STALL_LIMIT`] responses in a row add no new item (the same
//!   window again, an ignored offset or page number, new tokens for items already yielded), or
//!   a token page comes back unchanged under the same token, the listing ends with
//!   [`PaginationError::Stalled`]; what was yielded stays yielded, and nothing is yielded twice.
//!   Totals and page sizes from the server are not trusted to size anything or to grow a page;
//! - **resume**: offset and page listings expose a serializable [`Checkpoint`] (token, next-URL
//!   and after-item listings do not: a continuation may lapse, and they fail with
//!   [`PaginationError::BadCheckpoint`] when given one); resuming goes on
//!   right after the checkpoint's last item wherever it now stands (items inserted or deleted
//!   before it in the meantime are allowed for), or fails with
//!   [`PaginationError::BadCheckpoint`] when that item is gone.

// Reached through `__private`: only generated paging code converts counts.
pub(crate) mod count;
mod decide;
mod engine;
mod link;
mod resume;
mod seen;
mod stream;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::response::ResponseMeta;

pub use decide::STALL_LIMIT;
pub use link::{link_with_rel, next_link};
pub use seen::{id_hash, SeenIds};
pub use stream::{Items, Pages};

/// How an operation pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `offset` and `limit`. `max_limit` is the largest limit the API takes; `max_offset`, when
    /// set, is the largest offset that still returns correct data.
    Offset {
        /// The largest `limit` the API accepts.
        max_limit: u64,
        /// The largest offset that still returns correct data (microCMS v1: 10,000).
        max_offset: Option<u64>,
    },
    /// `page` (from 1) and a page size the server may clamp (it reports what it used).
    PageNumber {
        /// The largest page size the API honours.
        max_per_page: u64,
    },
    /// An opaque continuation token returned with every page ([`Fetched::token`]), under
    /// whatever name the API gives it (`next_cursor`, `nextPageToken`, `next_marker`, …); no
    /// token or an empty one (Slack's `next_cursor: ""`) ends the listing.
    Token,
    /// The next page is a URL ([`Fetched::token`]): from a body field (`next_page_uri`,
    /// `@odata.nextLink`, `links.next`, relative or absolute) or from the `Link` header's
    /// `rel="next"` ([`next_link`]). It is resolved against the response's URL and followed
    /// only on the API's origin ([`Cursor::NextUrl`]); one on another origin ends the listing
    /// with [`PaginationError::ForeignNextUrl`]. No URL, or an empty one, ends the listing.
    NextUrl,
    /// The next page starts after the last item of this one (`starting_after=<id>`, Stripe and
    /// OpenAI), while the body says more follow ([`Source::has_more`]); `has_more: false` or
    /// an empty page ends the listing ([`Cursor::After`]).
    AfterItem,
}

/// Which window to fetch. A source matches the variants of its style and sends the request as
/// the caller built it for any other (`_ =>`): more variants may come with more styles.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cursor {
    /// Items `offset .. offset + limit`.
    Offset {
        /// Position of the first item.
        offset: u64,
        /// How many items.
        limit: u64,
    },
    /// Page `page` (1-based) of `per_page` items.
    Page {
        /// 1-based page number.
        page: u64,
        /// Requested page size.
        per_page: u64,
    },
    /// The first request (`None`) or a follow-up with the token of the previous page.
    Token(Option<String>),
    /// The first request of a [`Style::NextUrl`] or [`Style::AfterItem`] listing: the request
    /// as the caller built it.
    First,
    /// A follow-up of a [`Style::NextUrl`] listing: a GET of this absolute URL, already checked
    /// to be on the API's origin. Send it through the client like any request (retries,
    /// pacing, auth) with [`Request::set_url`](crate::__private::Request::set_url).
    NextUrl(String),
    /// A follow-up of a [`Style::AfterItem`] listing: the items after the one with this id
    /// (the last item of the previous page, as the server sent it), e.g. `starting_after`.
    After(String),
}

/// One response, split by the provider adapter.
#[derive(Debug)]
pub struct Fetched<I, B> {
    /// The page's items, in order.
    pub items: Vec<I>,
    /// The rest of the body (the adapter moves the items out of it).
    pub body: B,
    /// Status, headers, rate-limit state, request id.
    pub meta: ResponseMeta,
    /// The number of items in the whole listing, when the API reports it.
    pub total: Option<u64>,
    /// The page size the server actually used, when it reports it (UTAGE clamps `per_page`).
    pub page_size: Option<u64>,
    /// The continuation: the token ([`Style::Token`]) or the next page's URL as the server
    /// gave it ([`Style::NextUrl`]: a body field, or [`next_link`] for the `Link` header).
    /// `None` or an empty string: no more pages. Unused by the other styles.
    pub token: Option<String>,
}

/// A future of one fetched window.
pub type FetchFuture<I, B, E> = futures::future::BoxFuture<'static, Result<Fetched<I, B>, Error<E>>>;

/// One paged operation, as a provider crate describes it to the engine.
pub trait Source: Send + Sync + 'static {
    /// A listed item.
    type Item: Send + 'static;
    /// The response body without its items.
    type Body: Send + 'static;
    /// The operation's typed error.
    type Error: Send + 'static;

    /// The `operationId`, for error messages.
    fn operation(&self) -> &'static str;
    /// How this operation pages.
    fn style(&self) -> Style;
    /// The page size the caller asked for on the request, if any.
    fn requested_page_size(&self) -> Option<u64>;
    /// The position the caller asked to start at (an explicit `offset` or `page`), if any.
    fn requested_start(&self) -> Option<u64> {
        None
    }
    /// Checks the caller's parameters before anything is sent (the builder's `to_request()`).
    fn validate(&self) -> Result<(), crate::error::InvalidRequest>;
    /// Fetches one window; retries and pacing happen inside (the runtime's policy).
    fn fetch(&self, cursor: Cursor) -> FetchFuture<Self::Item, Self::Body, Self::Error>;
    /// The item's id, if it has one (items without an id cannot be de-duplicated).
    fn item_id(item: &Self::Item) -> Option<&str>;
    /// Whether `error` says a continuation token has expired (token style; also next-URL and
    /// after-item listings, which then restart in the same way).
    fn is_token_expired(_error: &Error<Self::Error>) -> bool {
        false
    }
    /// [`Style::AfterItem`]: whether the body says more items follow (`has_more`). `None`, the
    /// default, when the body does not say: the listing then goes on until an empty page.
    fn has_more(_body: &Self::Body) -> Option<bool> {
        None
    }
    /// What to tell a caller whose listing needs offsets past [`Style::Offset`]'s `max_offset`
    /// (for instance, which other operation reads further); `None` for a generic hint.
    fn offset_limit_hint(&self) -> Option<&'static str> {
        None
    }
}

/// `.pages()` and `.items()` on a paged request builder. Provider crates implement it for each
/// paged operation and export it from their `prelude`.
pub trait Paginated: Sized {
    /// The engine's view of the operation.
    type Source: Source;
    /// The request, as a [`Source`].
    fn into_source(self) -> Self::Source;
    /// Every page of the listing, with its metadata.
    fn pages(self) -> Pages<Self::Source> {
        Pages::new(self.into_source())
    }
    /// Every item of the listing, in order, each once.
    fn items(self) -> Items<Self::Source> {
        self.pages().items()
    }
}

/// What to do when an offset shift (items inserted or deleted between requests) is detected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ShiftPolicy {
    /// Step back to a window that holds an item already seen and read on from there.
    #[default]
    Reread,
    /// End with [`PaginationError::Shifted`].
    Fail,
}

/// What to do when a continuation token has expired (a consumer paused longer than its life).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenExpiry {
    /// Start again from the first request and skip the items already yielded.
    #[default]
    Restart,
    /// End with [`PaginationError::TokenExpired`].
    Fail,
}

/// Knobs of a paged listing. The defaults suit every provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaginateConfig {
    /// Windows in flight at once when the total is known (default 8; 1 is sequential).
    pub concurrency: usize,
    /// Items per request (default: the request's own limit, else the API's maximum).
    pub page_size: Option<u64>,
    /// On an offset shift.
    pub on_shift: ShiftPolicy,
    /// On an expired token.
    pub on_token_expired: TokenExpiry,
    /// Re-reads (shifts or token restarts) allowed before giving up with an error (default 256).
    pub max_rereads: u32,
}

impl Default for PaginateConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            page_size: None,
            on_shift: ShiftPolicy::Reread,
            on_token_expired: TokenExpiry::Restart,
            max_rereads: 256,
        }
    }
}

/// Where an offset or page listing stands: everything before `position` has been yielded.
/// Serializable, so a crashed job can resume with `.resume_from(checkpoint)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Items before this position (0-based, in the listing's order) are done.
    pub position: u64,
    /// Hash ([`id_hash`]) of the item at `position - 1`, checked when resuming.
    pub last_id: Option<u64>,
    /// The page size in use (page style: the server's `per_page`).
    pub page_size: u64,
    /// Items yielded so far, across resumes.
    pub yielded: u64,
}

/// A whole page with its metadata. Its `items` are the ones new to this listing, in order
/// (the overlap item and anything already yielded are left out).
#[derive(Debug)]
pub struct Page<I, B> {
    /// The new items.
    pub items: Vec<I>,
    /// The response body, its item list moved into `items`.
    pub body: B,
    /// Status, headers, rate-limit state, request id.
    pub meta: ResponseMeta,
    /// The total the server reported with this page, if it reports one.
    pub total: Option<u64>,
    /// Where the listing stands after this page (offset and page styles).
    pub checkpoint: Option<Checkpoint>,
    /// Position and id hash of each item of `items` (for per-item checkpoints).
    pub(crate) marks: Vec<(u64, Option<u64>)>,
}

impl<I, B> Page<I, B> {
    /// The new items.
    pub fn items(&self) -> &[I] {
        &self.items
    }
    /// The response body without its items.
    pub fn body(&self) -> &B {
        &self.body
    }
    /// Status, headers, rate-limit state, request id.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }
    /// The total the server reported with this page.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
    /// Where the listing stands after this page.
    pub fn checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoint.as_ref()
    }
}

/// Why a listing ended early, when no request failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PaginationError {
    /// Past this offset the API returns wrong data.
    #[error("{operation}: cannot read past offset {max_offset} by offset ({position} of {total} items read); {hint}")]
    OffsetLimit {
        /// The `operationId`.
        operation: &'static str,
        /// The largest offset that returns correct data.
        max_offset: u64,
        /// Items read so far.
        position: u64,
        /// Items the server reports.
        total: u64,
        /// What to use instead.
        hint: &'static str,
    },
    /// Items were inserted or deleted while paging, and the listing could not re-read
    /// (policy [`ShiftPolicy::Fail`], or too many re-reads).
    #[error("{operation}: the listing shifted at position {position} (items inserted or deleted while paging) after {rereads} re-read(s); items may be missing, start again")]
    Shifted {
        /// The `operationId`.
        operation: &'static str,
        /// Where the shift was seen.
        position: u64,
        /// Re-reads done before giving up.
        rereads: u32,
    },
    /// A continuation token expired before it was used (policy [`TokenExpiry::Fail`], or too
    /// many restarts).
    #[error("{operation}: the continuation token expired before the next page was requested (consumer paused too long?) after {restarts} restart(s); {yielded} items were yielded, start again")]
    TokenExpired {
        /// The `operationId`.
        operation: &'static str,
        /// Restarts done before giving up.
        restarts: u32,
        /// Items yielded before the end.
        yielded: u64,
    },
    /// The server's answers stopped adding items: [`STALL_LIMIT`] responses in a row brought
    /// only items already yielded (the same window again, a page number it ignores, new tokens
    /// for old items). Items yielded before stay yielded; none was yielded twice.
    #[error("{operation}: the server's last {responses} responses added no new item ({what}); stopped after {yielded} items rather than request the same items again")]
    Stalled {
        /// The `operationId`.
        operation: &'static str,
        /// Responses in a row that added nothing.
        responses: u32,
        /// Items yielded before the end.
        yielded: u64,
        /// What the server did.
        what: &'static str,
    },
    /// The next page's URL is on another origin than the API's. It is not followed — the key
    /// goes only to the API's origin, and a listing elsewhere is not the API's — and the
    /// listing ends here rather than stop silently short.
    #[error("{operation}: the next page's URL is on another origin ({origin}) than the API's ({expected}); not followed, the key is sent to the API's origin only; stopped after {yielded} items")]
    ForeignNextUrl {
        /// The `operationId`.
        operation: &'static str,
        /// The URL's origin (scheme, host, port), e.g. `https://other.example`.
        origin: String,
        /// The API's origin.
        expected: String,
        /// Items yielded before the end.
        yielded: u64,
    },
    /// The server's next page cannot be asked for: its next-page URL is not a usable URL, or
    /// the body says more items follow while the last item has no id to continue after.
    #[error("{operation}: cannot ask for the next page: {problem}; stopped after {yielded} items")]
    NoNextPage {
        /// The `operationId`.
        operation: &'static str,
        /// What is wrong (the URL itself is not shown: it may carry secrets).
        problem: String,
        /// Items yielded before the end.
        yielded: u64,
    },
    /// The checkpoint does not fit the listing (another page size, or its last item is gone).
    #[error("{operation}: cannot resume from the checkpoint: {problem}")]
    BadCheckpoint {
        /// The `operationId`.
        operation: &'static str,
        /// What does not fit.
        problem: String,
    },
}

/// An item (or page) of a paged listing failed: a request, or the paging itself.
#[derive(Debug)]
pub enum PageError<E> {
    /// A request failed (after the runtime's retries gave up), or was refused before sending.
    Request(Error<E>),
    /// The listing could not go on correctly.
    Pagination(PaginationError),
}

impl<E> PageError<E> {
    /// The request error, if a request failed.
    pub fn request(&self) -> Option<&Error<E>> {
        match self {
            PageError::Request(e) => Some(e),
            PageError::Pagination(_) => None,
        }
    }
    /// The pagination error, if paging could not go on.
    pub fn pagination(&self) -> Option<&PaginationError> {
        match self {
            PageError::Pagination(e) => Some(e),
            PageError::Request(_) => None,
        }
    }
}

impl<E> From<Error<E>> for PageError<E> {
    fn from(e: Error<E>) -> Self {
        PageError::Request(e)
    }
}

impl<E> From<PaginationError> for PageError<E> {
    fn from(e: PaginationError) -> Self {
        PageError::Pagination(e)
    }
}

impl<E> fmt::Display for PageError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Request(e) => e.fmt(f),
            PageError::Pagination(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for PageError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Request(e) => e.source(),
            PageError::Pagination(_) => None,
        }
    }
}

/// Counts one request of a test listing. A listing that spins would make its test hang until
/// the harness gives up; past this many requests the test fails at once and says why.
#[cfg(test)]
fn count_request(fetches: &std::sync::atomic::AtomicUsize) -> usize {
    const SPIN_GUARD: usize = 10_000;
    let n = fetches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    assert!(n < SPIN_GUARD, "{n} requests: the listing spins instead of ending");
    n
}

#[cfg(test)]
mod continuation_tests;
#[cfg(test)]
mod edge_tests;
#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod token_edge_tests;
