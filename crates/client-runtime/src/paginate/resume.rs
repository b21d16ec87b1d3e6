//! Resuming from a [`Checkpoint`](super::Checkpoint) whose listing may have changed since.
//!
//! Positions are not trusted: the engine fetches the window that should hold the checkpoint's
//! last item, finds that item in it and yields only what follows it. When items were inserted
//! or deleted before it in the meantime, the item has moved: the windows around the expected one
//! are searched, nearest first, up to [`RESUME_REACH`] windows on each side; when it is in none of
//! them (it was deleted, or moved further), resuming fails with
//! [`PaginationError::BadCheckpoint`](super::PaginationError::BadCheckpoint).

/// Windows searched on each side of the expected one before giving up.
pub(super) const RESUME_REACH: u64 = 4;

/// The search for a checkpoint's last item.
#[derive(Clone, Debug)]
pub(super) struct ResumeSearch {
    /// Hash of the checkpoint's last item.
    pub hash: u64,
    /// Where that item stood when the checkpoint was taken (`position - 1`).
    pub expected: u64,
    /// Candidates planned so far (0: the expected window, then +1, -1, +2, -2, … windows).
    tried: u64,
}

impl ResumeSearch {
    pub fn new(hash: u64, expected: u64) -> Self {
        Self { hash, expected, tried: 0 }
    }

    /// The `k`-th candidate, in windows from the expected one: 0, +1, -1, +2, -2, …
    fn step(k: u64) -> i128 {
        let half = i128::from(k.div_ceil(2));
        if k % 2 == 1 {
            half
        } else {
            -half
        }
    }

    /// The start of the next window to search, for windows of `size` (page style: aligned to
    /// pages), skipping windows that lie wholly before the listing or at or past `total`;
    /// `None` when the search is over.
    pub fn next_start(&mut self, size: u64, is_page: bool, total: Option<u64>) -> Option<u64> {
        let size = i128::from(size.max(1));
        while self.tried <= 2 * RESUME_REACH {
            let d = Self::step(self.tried);
            self.tried += 1;
            let start = if is_page {
                (i128::from(self.expected) / size + d) * size
            } else {
                i128::from(self.expected) + d * size
            };
            if start + size <= 0 {
                continue;
            }
            let start = u64::try_from(start.max(0)).unwrap_or(u64::MAX);
            if total.is_some_and(|t| start >= t) {
                continue;
            }
            return Some(start);
        }
        None
    }

    /// Why the search failed, for [`PaginationError::BadCheckpoint`](super::PaginationError::BadCheckpoint).
    pub fn problem(&self) -> String {
        format!(
            "its last item (at position {}) is gone: it is not within {RESUME_REACH} windows either side \
             (deleted, or the listing moved further); start the listing again",
            self.expected
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(mut s: ResumeSearch, size: u64, is_page: bool, total: Option<u64>) -> Vec<u64> {
        // Bounded, so a search that never ends fails the test instead of hanging it.
        std::iter::from_fn(|| s.next_start(size, is_page, total)).take(1_000).collect()
    }

    #[test]
    fn searches_nearest_windows_first_within_the_listing() {
        assert_eq!(all(ResumeSearch::new(1, 49), 10, false, None), [49, 59, 39, 69, 29, 79, 19, 89, 9]);
        // Page style: the page holding position 49, then its neighbours.
        assert_eq!(all(ResumeSearch::new(1, 49), 10, true, None), [40, 50, 30, 60, 20, 70, 10, 80, 0]);
        // Nothing before 0 (a partial window is kept), nothing at or past the total.
        assert_eq!(all(ResumeSearch::new(1, 14), 10, false, Some(30)), [14, 24, 4, 0]);
        assert_eq!(all(ResumeSearch::new(1, 14), 10, true, Some(30)), [10, 20, 0]);
    }
}
