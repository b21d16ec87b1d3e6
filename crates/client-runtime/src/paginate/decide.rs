//! The engine's decisions as pure functions: whether a window continues the listing, how far
//! the listing drifted, when a token listing stops, whether a checkpoint can be resumed.

use super::{Checkpoint, Style};

/// Hashes of yielded ids kept for de-duplication: the most recent 65,536 (about 1.5 MB), so
/// memory stays flat whatever the listing's length.
pub(super) const SEEN_CAPACITY: usize = 1 << 16;

/// Responses in a row that may add no new item before a listing ends with
/// [`PaginationError::Stalled`](super::PaginationError::Stalled): a window of items already
/// yielded (a server ignoring the offset or page number), a new token for items already
/// yielded, or a shift that brought nothing. Honest listings never need more than one in a row
/// outside a re-read, so three tell a stuck server from one that moved items.
pub const STALL_LIMIT: u32 = 3;

/// The count of responses in a row that added nothing, after one more that did (`added`) or
/// did not.
pub(super) fn stall(stalled: u32, added: bool) -> u32 {
    if added {
        0
    } else {
        stalled.saturating_add(1)
    }
}

/// What is known about one fetched window when deciding whether it continues the listing.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Window {
    /// Position of its first item.
    pub start: u64,
    /// No proof is needed (the first window of a listing).
    pub unanchored_ok: bool,
    pub empty: bool,
    /// Whether any of its items has an id.
    pub has_ids: bool,
    /// Whether any of its items was yielded already.
    pub any_seen: bool,
    /// Page-number style.
    pub is_page: bool,
    /// The engine is re-reading after a shift.
    pub rereading: bool,
    /// Totals reported by the previous window and by this one.
    pub prev_total: Option<u64>,
    pub total: Option<u64>,
}

/// Whether the window provably continues what was yielded; if not, the listing shifted.
pub(super) fn is_anchored(w: &Window) -> bool {
    w.start == 0
        || w.unanchored_ok
        // An empty window past the start proves nothing: the items may have moved below it.
        || (!w.empty && !w.has_ids)
        || w.any_seen
        || (w.is_page && !w.rereading && (w.prev_total.is_none() || w.total == w.prev_total))
}

/// How many positions the listing moved down (items deleted before the frontier) since the last
/// yielded item (hash `last`, expected at `expected`) was read: `None` when the window, starting
/// at `start`, does not hold it; 0 when it did not move down (or moved up).
pub(super) fn drift(expected: u64, start: u64, hashes: &[Option<u64>], last: u64) -> Option<u64> {
    let index = hashes.iter().position(|h| *h == Some(last))?;
    Some(expected.saturating_sub(start + index as u64))
}

/// How far before the last yielded item the next offset window starts, so that a listing that
/// keeps moving down by `drift` per request still overlaps it: twice the drift, and always
/// leaving room for new items in a window of `size`.
pub(super) fn lead(drift: u64, size: u64) -> u64 {
    drift.saturating_mul(2).min(size.saturating_sub(2) / 2)
}

/// What one page of a token listing says about the listing's end.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct TokenPage {
    /// Items the page held (yielded before or not).
    pub received: u64,
    /// Whether the page added something: an item not yielded before (or, while catching up
    /// after a restart, a page unlike the previous one).
    pub added: bool,
    /// The page size asked for, if known.
    pub limit: Option<u64>,
    /// Distinct items yielded so far, this page's included.
    pub yielded: u64,
    /// The total the server reported with this page.
    pub total: Option<u64>,
}

/// The token to ask for next, or `None` when the token listing is over:
///
/// - no token, or an empty one, or an empty page;
/// - the token just used, on a page that added nothing: the cursor is stuck (a repeated token
///   alone is not the end — an API may return one token for a whole session, as the microCMS
///   v2 docs can be read: "specify the value of token included in the initial response");
/// - the reported total reached on a short page: as many distinct items yielded as the total,
///   on a page shorter than the page size asked for. The count alone could end early: items
///   yielded and then deleted still count, so when as many are added ahead of the cursor (or
///   re-read after a restart) the total is reached while items remain unread. Only a short page
///   says the server had nothing after it; when the page size is unknown no page is known to
///   be short, so the count never ends the listing (the token, or an empty page, does).
pub(super) fn next_token(token: Option<String>, used: Option<&String>, page: &TokenPage) -> Option<String> {
    token.filter(|t| !t.is_empty() && page.received > 0 && !is_complete(page) && (Some(t) != used || page.added))
}

fn is_complete(page: &TokenPage) -> bool {
    let counted = page.total.is_some_and(|t| page.yielded >= t);
    counted && page.limit.is_some_and(|limit| page.received < limit)
}

/// Whether [`next_token`] stopped only because the cursor is stuck — the token just used, on a
/// page of items that added nothing, before the total was reached — rather than because the
/// listing is over: ending there could stop short, so the engine ends with an error. (`used`
/// is never empty: [`next_token`] never continues with an empty token.)
pub(super) fn token_stuck(token: Option<&String>, used: Option<&String>, page: &TokenPage) -> bool {
    token.is_some() && token == used && page.received > 0 && !page.added && !is_complete(page)
}

/// Why `checkpoint` cannot be resumed by a listing of `style`, if it cannot.
pub(super) fn checkpoint_problem(checkpoint: &Checkpoint, style: Style) -> Option<String> {
    match style {
        _ if checkpoint.page_size < 1 => Some("its page size is 0".into()),
        Style::Token => Some("token listings cannot resume from a position".into()),
        // A next URL may lapse and a position means nothing to either: not offered.
        Style::NextUrl => Some("next-URL listings cannot resume from a position".into()),
        Style::AfterItem => Some("after-item listings cannot resume from a position".into()),
        Style::PageNumber { max_per_page } if checkpoint.page_size > max_per_page => {
            Some(format!("its page size {} is larger than the API's maximum {max_per_page}", checkpoint.page_size))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stalls_count_responses_in_a_row_and_a_new_item_resets_them() {
        assert_eq!(stall(0, false), 1);
        assert_eq!(stall(1, false), 2);
        assert_eq!(stall(STALL_LIMIT - 1, false), STALL_LIMIT);
        assert_eq!(stall(2, true), 0);
        assert_eq!(stall(u32::MAX, false), u32::MAX, "saturates: a count never wraps to zero");
    }

    #[test]
    fn only_window_listings_resume_from_a_position() {
        let cp = Checkpoint { position: 40, last_id: None, page_size: 10, yielded: 40 };
        for (style, words) in [(Style::Token, "token"), (Style::NextUrl, "next-URL"), (Style::AfterItem, "after-item")]
        {
            let problem = checkpoint_problem(&cp, style).unwrap_or_default();
            assert!(problem.starts_with(words) && problem.ends_with("cannot resume from a position"), "{problem}");
        }
        assert_eq!(checkpoint_problem(&cp, Style::Offset { max_limit: 100, max_offset: None }), None);
        assert_eq!(checkpoint_problem(&cp, Style::PageNumber { max_per_page: 100 }), None);
        let wide = checkpoint_problem(&cp, Style::PageNumber { max_per_page: 5 }).unwrap_or_default();
        assert!(wide.contains("page size 10 is larger than the API's maximum 5"), "{wide}");
        let empty = Checkpoint { page_size: 0, ..cp };
        assert_eq!(
            checkpoint_problem(&empty, Style::Offset { max_limit: 100, max_offset: None }).as_deref(),
            Some("its page size is 0")
        );
    }
}
