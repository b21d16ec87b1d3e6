//! Continuation styles — a token, a next-page URL, the last item's id — share one state: each
//! page asks for the next one at once (a continuation is used while it is fresh); a lapsed one
//! restarts the listing and skips what was yielded. Only where the continuation comes from and
//! how it is sent differ ([`Kind`]).
//!
//! The end of such a listing: an empty page, no continuation, a repeated one on a page that
//! added nothing new (some APIs return one token for a whole session, so a repeated token alone
//! is not the end), or the reported total reached on a short page — see [`decide::next_token`]. A server that
//! keeps handing out new continuations for items already yielded is stopped by the stall limit.
//! A next URL off the API's origin, or more items announced after an item without an id, end
//! the listing with an error after the page that carried it.

use futures::future::BoxFuture;

use super::super::link::{self, NextUrlProblem};
use super::super::seen::id_hash;
use super::{decide, start, Common, FetchResult, Outcome};
use crate::paginate::{Cursor, Fetched, Page, PageError, PaginateConfig, PaginationError, Source, TokenExpiry};

/// Where a listing's continuation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// [`Fetched::token`], sent back as [`Cursor::Token`].
    Token,
    /// [`Fetched::token`] as a URL, resolved and checked, sent as [`Cursor::NextUrl`].
    NextUrl,
    /// The last item's id while [`Source::has_more`] allows, sent as [`Cursor::After`].
    AfterItem,
}

impl Kind {
    fn first(self) -> Cursor {
        match self {
            Kind::Token => Cursor::Token(None),
            Kind::NextUrl | Kind::AfterItem => Cursor::First,
        }
    }

    fn cursor(self, continuation: String) -> Cursor {
        match self {
            Kind::Token => Cursor::Token(Some(continuation)),
            Kind::NextUrl => Cursor::NextUrl(continuation),
            Kind::AfterItem => Cursor::After(continuation),
        }
    }

    /// What a listing that stalls is told.
    fn stall_what(self) -> &'static str {
        match self {
            Kind::Token => "new tokens for items already yielded",
            Kind::NextUrl => "new next-page URLs for items already yielded",
            Kind::AfterItem => "pages of items already yielded while it says more follow",
        }
    }

    /// What a listing whose continuation does not move is told.
    fn stuck_what(self) -> &'static str {
        match self {
            Kind::Token => "the same page under the same token: the cursor does not move",
            Kind::NextUrl => "the same page under the same next-page URL: the link does not move",
            Kind::AfterItem => "the same page after the same item: the cursor does not move",
        }
    }
}

/// A fingerprint of a page's ids, to tell a page served again from the next one.
fn fingerprint(hashes: &[Option<u64>]) -> u64 {
    hashes.iter().fold(hashes.len() as u64, |acc, h| {
        acc.wrapping_mul(0x0000_0100_0000_01b3) ^ h.unwrap_or(0x9e37_79b9_7f4a_7c15)
    })
}

/// After a restart (the token lapsed), the listing is read again from its start.
#[derive(Clone, Copy, Debug, Default)]
struct CatchUp {
    /// Some yielded ids were forgotten: skip the restarted listing up to the first item still
    /// remembered (everything before it was yielded, or is newer than the listing).
    skip_to_seen: bool,
    /// Items received since the restart. The restarted listing holds at most every item
    /// yielded before it; past that, pages without a new item are a stall.
    received: u64,
    /// Items yielded when it restarted.
    yielded_before: u64,
}

pub(super) struct TokenState<S: Source> {
    kind: Kind,
    /// The continuation of the last page (for [`Kind::NextUrl`], the resolved URL).
    token: Option<String>,
    /// The request for the next page, sent when the last one arrived.
    prefetch: Option<BoxFuture<'static, FetchResult<S>>>,
    /// The last page's fingerprint (a page served again adds nothing).
    last_print: Option<u64>,
    /// Set after a restart, until a new item arrives.
    catch_up: Option<CatchUp>,
    ended: bool,
    /// Why the listing cannot go on past the page just yielded: returned on the next call.
    deferred: Option<PaginationError>,
}

impl<S: Source> TokenState<S> {
    pub(super) fn new(kind: Kind) -> Self {
        Self { kind, token: None, prefetch: None, last_print: None, catch_up: None, ended: false, deferred: None }
    }

    /// The continuation a page offers, before the end checks of [`decide::next_token`]; an
    /// error when the page says the listing goes on but it cannot be followed.
    fn continuation(&self, src: &S, f: &Fetched<S::Item, S::Body>) -> Result<Option<String>, PaginationError> {
        let (operation, yielded) = (src.operation(), 0);
        match self.kind {
            Kind::Token => Ok(f.token.clone()),
            Kind::NextUrl => match f.token.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                // An empty page ends the listing wherever its link points.
                Some(_) if f.items.is_empty() => Ok(None),
                Some(raw) => match link::resolve(raw, &f.meta) {
                    Ok(url) => Ok(Some(url)),
                    Err(NextUrlProblem::Foreign { origin, expected }) => {
                        Err(PaginationError::ForeignNextUrl { operation, origin, expected, yielded })
                    }
                    Err(NextUrlProblem::Bad(why)) => Err(PaginationError::NoNextPage {
                        operation,
                        problem: format!("the next page's URL cannot be followed: {why}"),
                        yielded,
                    }),
                },
            },
            Kind::AfterItem => match (S::has_more(&f.body), f.items.last()) {
                (Some(false), _) | (_, None) => Ok(None),
                (_, Some(last)) => match S::item_id(last).filter(|id| !id.is_empty()) {
                    Some(id) => Ok(Some(id.to_owned())),
                    None => Err(PaginationError::NoNextPage {
                        operation,
                        problem: "more items follow, but the page's last item has no id to continue after".into(),
                        yielded,
                    }),
                },
            },
        }
    }

    fn expired(&self, src: &S, common: &Common) -> PageError<S::Error> {
        PaginationError::TokenExpired { operation: src.operation(), restarts: common.rereads, yielded: common.yielded }
            .into()
    }

    pub(super) async fn next_page(&mut self, src: &S, cfg: &PaginateConfig, common: &mut Common) -> Outcome<S> {
        loop {
            if let Some(e) = self.deferred.take() {
                return Some(Err(e.into()));
            }
            if self.ended {
                return None;
            }
            let fut = match self.prefetch.take() {
                Some(f) => f,
                None => src.fetch(self.kind.first()),
            };
            let f = match fut.await {
                Ok(f) => f,
                Err(e) if self.token.is_some() && S::is_token_expired(&e) => {
                    if cfg.on_token_expired == TokenExpiry::Fail || common.rereads >= cfg.max_rereads {
                        return Some(Err(self.expired(src, common)));
                    }
                    // Start again; what was yielded is skipped by id.
                    tracing::debug!(yielded = common.yielded, "token expired; restarting the listing");
                    common.rereads += 1;
                    self.token = None;
                    self.catch_up = Some(CatchUp {
                        skip_to_seen: common.seen.is_lossy(),
                        received: 0,
                        yielded_before: common.yielded,
                    });
                    continue;
                }
                Err(e) => return Some(Err(PageError::Request(e))),
            };
            // Read before the items move: the after-item cursor is the page's last item as sent.
            let continuation = self.continuation(src, &f);
            let received = f.items.len();
            let hashes: Vec<Option<u64>> = f.items.iter().map(|i| S::item_id(i).map(id_hash)).collect();
            let print = fingerprint(&hashes);
            let served_again = self.last_print == Some(print);
            self.last_print = Some(print);
            let mut items = Vec::with_capacity(received);
            let mut marks = Vec::with_capacity(received);
            for (item, hash) in f.items.into_iter().zip(hashes.iter().copied()) {
                if let Some(c) = self.catch_up.as_mut().filter(|c| c.skip_to_seen) {
                    c.skip_to_seen = !hash.is_some_and(|h| common.seen.contains(h));
                    continue;
                }
                if hash.is_some_and(|h| !common.seen.insert(h)) {
                    continue;
                }
                marks.push((common.yielded + items.len() as u64, hash));
                items.push(item);
            }
            common.yielded += items.len() as u64;
            let catching_up = match self.catch_up.as_mut() {
                Some(_) if !items.is_empty() => {
                    self.catch_up = None;
                    None
                }
                Some(c) => {
                    c.received = c.received.saturating_add(received as u64);
                    Some(*c)
                }
                None => None,
            };
            let has_ids = hashes.iter().any(Option::is_some);
            // After a restart, pages of items yielded before are expected (as many as were
            // yielded): a page unlike the previous one is progress until then.
            let catching_up = catching_up.is_some_and(|c| !served_again && c.received <= c.yielded_before);
            let added = !items.is_empty() || catching_up;
            let page = decide::TokenPage {
                received: received as u64,
                added,
                limit: src.requested_page_size(),
                yielded: common.yielded,
                total: f.total,
            };
            let continuation = match continuation {
                Ok(c) => c,
                Err(e) => {
                    // This page's items are good: yield them, then end with the error.
                    self.ended = true;
                    self.deferred = Some(with_yielded(e, common.yielded));
                    None
                }
            };
            let stuck = decide::token_stuck(continuation.as_ref(), self.token.as_ref(), &page);
            match decide::next_token(continuation, self.token.as_ref(), &page) {
                // The same page and token again: the cursor does not move. Ending here could
                // stop short of the listing's end.
                None if stuck => {
                    let what = self.kind.stuck_what();
                    common.stalled = decide::STALL_LIMIT;
                    return Some(Err(PaginationError::Stalled {
                        operation: src.operation(),
                        responses: 1,
                        yielded: common.yielded,
                        what,
                    }
                    .into()));
                }
                Some(token) => {
                    // A stall ends the listing before another request is sent.
                    if let Err(e) = common.progress(src.operation(), added || !has_ids, self.kind.stall_what()) {
                        return Some(Err(e));
                    }
                    // Ask for the next page now, while the token is fresh.
                    self.prefetch = Some(start(src.fetch(self.kind.cursor(token.clone()))));
                    self.token = Some(token);
                }
                None => self.ended = true,
            }
            if self.ended && self.catch_up.is_some_and(|c| c.skip_to_seen) {
                // The restarted listing never reached an item still remembered.
                return Some(Err(self.expired(src, common)));
            }
            if items.is_empty() && !self.ended {
                continue;
            }
            if items.is_empty() && (common.yielded > 0 || self.deferred.is_some()) {
                return self.deferred.take().map(|e| Err(e.into()));
            }
            return Some(Ok(Page { items, body: f.body, meta: f.meta, total: f.total, checkpoint: None, marks }));
        }
    }
}

/// `error` with the count of items yielded once the page that carried it is.
fn with_yielded(error: PaginationError, count: u64) -> PaginationError {
    match error {
        PaginationError::ForeignNextUrl { operation, origin, expected, .. } => {
            PaginationError::ForeignNextUrl { operation, origin, expected, yielded: count }
        }
        PaginationError::NoNextPage { operation, problem, .. } => {
            PaginationError::NoNextPage { operation, problem, yielded: count }
        }
        other => other,
    }
}
