//! Token style: each page asks for the next one at once (a token is used while it is fresh); a
//! lapsed token restarts the listing and skips what was yielded.
//!
//! The end of a token listing: an empty page, no token, a repeated token on a page that added
//! nothing new (some APIs return one token for a whole session, so a repeated token alone is
//! not the end), or the reported total reached — see [`decide::next_token`]. A server that keeps
//! handing out new tokens for items already yielded is stopped by the stall limit.

use futures::future::BoxFuture;

use super::super::seen::id_hash;
use super::{decide, start, Common, FetchResult, Outcome};
use crate::paginate::{Cursor, Page, PageError, PaginateConfig, PaginationError, Source, TokenExpiry};

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
    /// The token of the last page.
    token: Option<String>,
    /// The request for the next page, sent when the last one arrived.
    prefetch: Option<BoxFuture<'static, FetchResult<S>>>,
    /// The last page's fingerprint (a page served again adds nothing).
    last_print: Option<u64>,
    /// Set after a restart, until a new item arrives.
    catch_up: Option<CatchUp>,
    ended: bool,
}

impl<S: Source> Default for TokenState<S> {
    fn default() -> Self {
        Self { token: None, prefetch: None, last_print: None, catch_up: None, ended: false }
    }
}

impl<S: Source> TokenState<S> {
    pub(super) fn stop(&mut self) {
        self.prefetch = None;
    }

    fn expired(&self, src: &S, common: &Common) -> PageError<S::Error> {
        PaginationError::TokenExpired { operation: src.operation(), restarts: common.rereads, yielded: common.yielded }
            .into()
    }

    pub(super) async fn next_page(&mut self, src: &S, cfg: &PaginateConfig, common: &mut Common) -> Outcome<S> {
        loop {
            if self.ended {
                return None;
            }
            let fut = match self.prefetch.take() {
                Some(f) => f,
                None => src.fetch(Cursor::Token(None)),
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
            let stuck = decide::token_stuck(f.token.as_ref(), self.token.as_ref(), &page);
            match decide::next_token(f.token, self.token.as_ref(), &page) {
                // The same page and token again: the cursor does not move. Ending here could
                // stop short of the listing's end.
                None if stuck => {
                    let what = "the same page under the same token: the cursor does not move";
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
                    // Ask for the next page now, while the token is fresh.
                    self.prefetch = Some(start(src.fetch(Cursor::Token(Some(token.clone())))));
                    self.token = Some(token);
                }
                None => self.ended = true,
            }
            if self.ended && self.catch_up.is_some_and(|c| c.skip_to_seen) {
                // The restarted listing never reached an item still remembered.
                return Some(Err(self.expired(src, common)));
            }
            if !self.ended {
                if let Err(e) = common.progress(src.operation(), added || !has_ids, STALL_WHAT) {
                    return Some(Err(e));
                }
            }
            if items.is_empty() && !self.ended {
                continue;
            }
            if items.is_empty() && common.yielded > 0 {
                return None;
            }
            return Some(Ok(Page { items, body: f.body, meta: f.meta, total: f.total, checkpoint: None, marks }));
        }
    }
}

/// What a token listing that stalls is told.
const STALL_WHAT: &str = "new tokens for items already yielded";
