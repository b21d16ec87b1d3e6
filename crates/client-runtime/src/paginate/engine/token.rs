//! Token style: each page asks for the next one at once (a token is used while it is fresh); a
//! lapsed token restarts the listing and skips what was yielded.
//!
//! The end of a token listing: an empty page, no token, a repeated token on a page that added
//! nothing new (some APIs return one token for a whole session, so a repeated token alone is
//! not the end), or the reported total reached — see [`decide::next_token`].

use super::{decide, id_hash, start, Cursor, Engine, Outcome, Page, PageError, PaginationError, Source, TokenExpiry};

/// A fingerprint of a page's ids, to tell a page served again from the next one.
fn fingerprint(hashes: &[Option<u64>]) -> u64 {
    hashes.iter().fold(hashes.len() as u64, |acc, h| {
        acc.wrapping_mul(0x0000_0100_0000_01b3) ^ h.unwrap_or(0x9e37_79b9_7f4a_7c15)
    })
}

impl<S: Source> Engine<S> {
    pub(super) async fn next_token_page(&mut self) -> Outcome<S> {
        loop {
            let fut = match self.prefetch.take() {
                Some(f) => f,
                None => self.src.fetch(Cursor::Token(None)),
            };
            let f = match fut.await {
                Ok(f) => f,
                Err(e) if self.token.is_some() && S::is_token_expired(&e) => {
                    let give_up =
                        self.cfg.on_token_expired == TokenExpiry::Fail || self.rereads >= self.cfg.max_rereads;
                    if give_up {
                        return Some(Err(PaginationError::TokenExpired {
                            operation: self.src.operation(),
                            restarts: self.rereads,
                            yielded: self.yielded,
                        }
                        .into()));
                    }
                    // Start again; what was yielded is skipped by id.
                    tracing::debug!(yielded = self.yielded, "token expired; restarting the listing");
                    self.rereads += 1;
                    self.token = None;
                    self.catching_up = true;
                    // Some yielded ids were forgotten: skip the restarted listing up to the first
                    // item still remembered (everything before it was yielded, or is newer than
                    // the listing), then de-duplicate as usual.
                    self.skip_to_seen = self.seen.is_lossy();
                    continue;
                }
                Err(e) => return Some(Err(PageError::Request(e))),
            };
            self.total = f.total;
            let received = f.items.len();
            let hashes: Vec<Option<u64>> = f.items.iter().map(|i| S::item_id(i).map(id_hash)).collect();
            let print = fingerprint(&hashes);
            let served_again = self.last_print == Some(print);
            self.last_print = Some(print);
            let mut items = Vec::with_capacity(received);
            let mut marks = Vec::with_capacity(received);
            for (item, hash) in f.items.into_iter().zip(hashes) {
                if self.skip_to_seen {
                    self.skip_to_seen = !hash.is_some_and(|h| self.seen.contains(h));
                    continue;
                }
                if hash.is_some_and(|h| !self.seen.insert(h)) {
                    continue;
                }
                marks.push((self.yielded + items.len() as u64, hash));
                items.push(item);
            }
            self.yielded += items.len() as u64;
            if !items.is_empty() {
                self.catching_up = false;
            }
            let page = decide::TokenPage {
                received: received as u64,
                // After a restart, pages of items yielded before are expected: a page unlike
                // the previous one is progress.
                added: !items.is_empty() || (self.catching_up && !served_again),
                limit: self.src.requested_page_size(),
                yielded: self.yielded,
                total: self.total,
            };
            match decide::next_token(f.token, self.token.as_ref(), &page) {
                Some(token) => {
                    // Ask for the next page now, while the token is fresh.
                    self.prefetch = Some(start(self.src.fetch(Cursor::Token(Some(token.clone())))));
                    self.token = Some(token);
                }
                None => self.done = true,
            }
            if self.done && self.skip_to_seen {
                // The restarted listing never reached an item still remembered.
                return Some(Err(PaginationError::TokenExpired {
                    operation: self.src.operation(),
                    restarts: self.rereads,
                    yielded: self.yielded,
                }
                .into()));
            }
            if items.is_empty() && !self.done {
                continue;
            }
            if items.is_empty() && self.yielded > 0 {
                return None;
            }
            return Some(Ok(Page { items, body: f.body, meta: f.meta, total: f.total, checkpoint: None, marks }));
        }
    }
}
