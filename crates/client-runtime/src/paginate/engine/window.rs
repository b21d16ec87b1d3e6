//! Offset and page-number listings: windows planned, fetched (concurrently when the total is
//! known), checked for shifts and de-duplicated, in order.

use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesOrdered, StreamExt};

use super::super::resume::ResumeSearch;
use super::super::seen::id_hash;
use super::{decide, start, Common, FetchResult, Outcome, SEEN_CAPACITY};
use crate::paginate::{
    Checkpoint, Cursor, Fetched, Page, PageError, PaginateConfig, PaginationError, ShiftPolicy, Source, Style,
};

/// What a caller is told when offsets past the API's limit would be needed and the provider
/// names no other way.
const OFFSET_HINT: &str = "narrow the listing with a filter, or use a listing that pages by token, to read further";

/// One planned window: where its first item sits and how it was asked for.
#[derive(Clone, Copy, Debug)]
struct Win {
    start: u64,
    /// Page number (page style) — the start is recomputed from the page size the server used.
    page: u64,
}

/// What proves that the next window continues the listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Proof {
    /// Nothing: the first window of a listing.
    NotNeeded,
    /// The overlap with the previous window (offset) or an unchanged total (page).
    Continuing,
    /// After a shift: an item already seen, one window at a time.
    Rereading,
}

pub(super) struct WindowState<S: Source> {
    style: Style,
    /// Items per window (offset: the limit; page: the server's page size).
    size: u64,
    /// The position of the next item not yet yielded.
    frontier: u64,
    /// Items before this position are skipped (a resumed checkpoint in the middle of a page).
    skip_below: u64,
    /// The latest total the server reported.
    total: Option<u64>,
    /// The total of the previous window (page style: a change means a shift).
    prev_total: Option<u64>,
    /// The next window to plan.
    next: Win,
    proof: Proof,
    /// Hash of the item at `frontier - 1` (the last one read), to measure drift.
    last_hash: Option<u64>,
    /// Positions the listing moved down between two requests, as last measured (offset style).
    drift: u64,
    /// Resuming from a checkpoint: looking for its last item (one window at a time).
    search: Option<ResumeSearch>,
    inflight: FuturesOrdered<BoxFuture<'static, (Win, FetchResult<S>)>>,
    /// The window accepted last ended the listing.
    ended: bool,
}

impl<S: Source> WindowState<S> {
    pub(super) fn new(style: Style) -> Self {
        Self {
            style,
            size: 2,
            frontier: 0,
            skip_below: 0,
            total: None,
            prev_total: None,
            next: Win { start: 0, page: 1 },
            proof: Proof::NotNeeded,
            last_hash: None,
            drift: 0,
            search: None,
            inflight: FuturesOrdered::new(),
            ended: false,
        }
    }

    fn is_page(&self) -> bool {
        matches!(self.style, Style::PageNumber { .. })
    }

    pub(super) fn stop(&mut self) {
        self.inflight = FuturesOrdered::new();
    }

    pub(super) fn init(
        &mut self,
        src: &S,
        cfg: &PaginateConfig,
        common: &mut Common,
        resume: Option<&Checkpoint>,
    ) -> Result<(), PageError<S::Error>> {
        let max = match self.style {
            Style::Offset { max_limit, .. } => max_limit,
            Style::PageNumber { max_per_page } => max_per_page,
            _ => 2,
        };
        let asked = cfg.page_size.or(src.requested_page_size());
        // An overlap of one item needs windows of two at least.
        self.size = asked.unwrap_or(max).clamp(2, max.max(2));
        let requested = src.requested_start().unwrap_or(0);
        self.frontier = match self.style {
            Style::PageNumber { .. } => requested.saturating_sub(1).saturating_mul(self.size),
            _ => requested,
        };
        if let Some(cp) = resume {
            if decide::checkpoint_problem(cp, self.style).is_some() {
                return Err(super::bad_checkpoint(src, cp));
            }
            if self.is_page() {
                self.size = cp.page_size;
            }
            self.frontier = cp.position;
            common.yielded = cp.yielded;
            self.last_hash = cp.last_id;
            match cp.last_id.filter(|_| cp.position > 0) {
                // Positions may have moved since: go on right after the last item, wherever it is.
                Some(h) => {
                    common.seen.insert(h);
                    self.proof = Proof::Continuing;
                    let mut search = ResumeSearch::new(h, cp.position - 1);
                    let start = search.next_start(self.size, self.is_page(), None).unwrap_or(0);
                    self.next = Win { start, page: start / self.size + 1 };
                    self.search = Some(search);
                    return Ok(());
                }
                // Items without ids: by position.
                None => self.skip_below = cp.position,
            }
        }
        self.next = match self.style {
            Style::PageNumber { .. } => {
                let page = self.frontier / self.size + 1;
                Win { start: (page - 1).saturating_mul(self.size), page }
            }
            // No window before this one to overlap (a checkpoint with an id returned above).
            _ => Win { start: self.frontier, page: 0 },
        };
        Ok(())
    }

    fn is_useful(&self, w: Win) -> bool {
        match self.total {
            None => true,
            // An offset window's first item is the overlap: it is useful if it reaches past it.
            Some(t) => match self.style {
                Style::Offset { .. } if w.start > 0 && self.proof != Proof::NotNeeded => w.start.saturating_add(1) < t,
                _ => w.start < t,
            },
        }
    }

    fn blocked_by_max_offset(&self, w: Win) -> bool {
        matches!(self.style, Style::Offset { max_offset: Some(m), .. } if w.start > m)
    }

    /// Plans windows: one at a time until the total is known (and while re-reading), then up
    /// to `concurrency`. An offset listing without a total goes on speculatively after its
    /// first window: up to `concurrency` windows ahead, until one comes back short; the windows
    /// then in flight are dropped (at most `concurrency - 1` requests wasted). Each window
    /// still overlaps the one before, so a shift is seen as without speculation.
    fn fill(&mut self, src: &S, cfg: &PaginateConfig) {
        let known_end =
            self.total.is_some() || (matches!(self.style, Style::Offset { .. }) && self.proof == Proof::Continuing);
        // While the listing drifts, windows go one at a time, each placed by the last measure.
        let steady = known_end && self.proof != Proof::Rereading && self.drift == 0 && self.search.is_none();
        let width = if steady { cfg.concurrency.max(1) } else { 1 };
        while self.inflight.len() < width
            && (self.search.is_some() || self.is_useful(self.next))
            && !self.blocked_by_max_offset(self.next)
        {
            let w = self.next;
            let cursor = match self.style {
                Style::PageNumber { .. } => Cursor::Page { page: w.page, per_page: self.size },
                _ => Cursor::Offset { offset: w.start, limit: self.size },
            };
            let fut = src.fetch(cursor).map(move |r| (w, r)).boxed();
            self.inflight.push_back(start(fut));
            self.next = match self.style {
                Style::PageNumber { .. } => {
                    Win { start: w.start.saturating_add(self.size), page: w.page.saturating_add(1) }
                }
                // The next window overlaps this one's last item (and more, while items are deleted).
                _ => {
                    let back = 1 + decide::lead(self.drift, self.size);
                    Win { start: w.start.saturating_add(self.size).saturating_sub(back), page: 0 }
                }
            };
        }
    }

    pub(super) async fn next_page(&mut self, src: &S, cfg: &PaginateConfig, common: &mut Common) -> Outcome<S> {
        loop {
            if self.ended {
                return None;
            }
            self.fill(src, cfg);
            let Some((win, result)) = self.inflight.next().await else {
                if self.blocked_by_max_offset(self.next) && self.total.is_none_or(|t| self.frontier < t) {
                    return Some(Err(PaginationError::OffsetLimit {
                        operation: src.operation(),
                        max_offset: match self.style {
                            Style::Offset { max_offset: Some(m), .. } => m,
                            _ => 0,
                        },
                        position: self.frontier,
                        total: self.total.unwrap_or(0),
                        hint: src.offset_limit_hint().unwrap_or(OFFSET_HINT),
                    }
                    .into()));
                }
                return None;
            };
            let fetched = match result {
                Ok(f) => f,
                Err(e) => return Some(Err(PageError::Request(e))),
            };
            match self.accept(src, cfg, common, win, fetched) {
                Ok(Some(page)) => return Some(Ok(page)),
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Checks one window and takes its new items; `None` when it holds nothing to yield.
    #[allow(clippy::type_complexity)]
    fn accept(
        &mut self,
        src: &S,
        cfg: &PaginateConfig,
        common: &mut Common,
        mut win: Win,
        f: Fetched<S::Item, S::Body>,
    ) -> Result<Option<Page<S::Item, S::Body>>, PageError<S::Error>> {
        let is_page = self.is_page();
        // Set when the page size changed under a listing already under way: the position of the
        // first item not yet yielded, which the listing goes on from.
        let mut resize_from = None;
        // A server may clamp the page size (report less than asked); a larger one is not believed.
        if let (true, Some(reported)) = (is_page, f.page_size.filter(|s| (1..=self.size).contains(s))) {
            if reported != self.size {
                // The server clamped the page size: positions follow what it used.
                self.size = reported;
                win.start = win.page.saturating_sub(1).saturating_mul(reported);
                self.next = Win { start: win.page.saturating_mul(reported), page: win.page.saturating_add(1) };
                if (common.yielded > 0 || !self.inflight.is_empty()) && self.search.is_none() {
                    // Pages asked for under the old size hold other positions: drop them. This
                    // page starts at or before the frontier; what it holds before it was yielded
                    // (by position: items without ids cannot be told apart by id).
                    self.inflight = FuturesOrdered::new();
                    self.skip_below = self.skip_below.max(self.frontier);
                    resize_from = Some(self.frontier);
                }
            }
        }
        let hashes: Vec<Option<u64>> = f.items.iter().map(|i| S::item_id(i).map(id_hash)).collect();
        if let Some(search) = self.search.as_mut() {
            match hashes.iter().position(|h| *h == Some(search.hash)) {
                // Found: only what follows it is new.
                Some(i) => {
                    self.search = None;
                    self.frontier = win.start.saturating_add(i as u64 + 1);
                    self.skip_below = self.frontier;
                }
                None => {
                    self.total = f.total.or(self.total);
                    let Some(start) = search.next_start(self.size, is_page, self.total) else {
                        let problem = search.problem();
                        return Err(PaginationError::BadCheckpoint { operation: src.operation(), problem }.into());
                    };
                    self.next = Win { start, page: start / self.size + 1 };
                    return Ok(None);
                }
            }
        }
        let has_ids = hashes.iter().any(Option::is_some);
        let any_seen = hashes.iter().flatten().any(|h| common.seen.contains(*h));
        let anchored = decide::is_anchored(&decide::Window {
            start: win.start,
            unanchored_ok: self.proof == Proof::NotNeeded,
            empty: f.items.is_empty(),
            has_ids,
            any_seen,
            is_page,
            rereading: self.proof == Proof::Rereading,
            prev_total: self.prev_total,
            total: f.total,
        });
        self.total = f.total.or(self.total);
        if !anchored {
            // A shift that brought nothing new counts towards the stall limit: a server that
            // answers every window so that it looks shifted cannot keep the listing going.
            common.progress(src.operation(), false, STALL_WHAT)?;
            return self.shifted(src, cfg, common, win).map(|()| None);
        }
        let is_offset = matches!(self.style, Style::Offset { .. });
        if let (true, Some(last)) = (is_offset, self.last_hash) {
            if let Some(moved) = decide::drift(self.frontier.saturating_sub(1), win.start, &hashes, last) {
                self.drift = moved;
            }
        }
        let rereading = self.proof == Proof::Rereading;
        self.proof = Proof::Continuing;
        self.prev_total = f.total;
        let n = f.items.len() as u64;
        let mut items = Vec::with_capacity(f.items.len());
        let mut marks = Vec::with_capacity(f.items.len());
        for (i, (item, hash)) in f.items.into_iter().zip(hashes.iter()).enumerate() {
            let pos = win.start.saturating_add(i as u64);
            if pos < self.skip_below {
                continue;
            }
            if let Some(h) = hash {
                if !common.seen.insert(*h) {
                    continue;
                }
            }
            items.push(item);
            marks.push((pos, *hash));
        }
        self.skip_below = 0;
        self.frontier = win.start.saturating_add(n);
        if let Some(from) = resize_from.filter(|from| *from > self.frontier) {
            // The page ended before the frontier: go on from the page that holds it.
            self.frontier = from;
            self.skip_below = from;
            let page = from / self.size + 1;
            self.next = Win { start: (page - 1).saturating_mul(self.size), page };
        }
        if let Some(last) = hashes.last() {
            self.last_hash = *last;
        }
        if is_offset && self.inflight.is_empty() {
            // Place the next window by what was just measured.
            let back = 1 + decide::lead(self.drift, self.size);
            self.next = Win { start: self.frontier.saturating_sub(back), page: 0 };
        }
        common.yielded += items.len() as u64;
        let short = n < self.size;
        if short || self.total.is_some_and(|t| self.frontier >= t) {
            self.ended = true;
        }
        // A full window of items already yielded: the server may be ignoring the offset or the
        // page number. Items without ids cannot be told apart, so they always count as new. A
        // re-read window is expected to hold items seen before: it only counts when it adds.
        // A short window ends the listing as the docs say; a full one that ends it by the total
        // still counts (a server ignoring the page number reaches any total by itself).
        let added = !items.is_empty() || !has_ids;
        if !short && (added || !rereading) {
            common.progress(src.operation(), added, STALL_WHAT)?;
            if self.ended && common.stalled > 0 {
                // The total was reached by windows of items already yielded: the positions
                // before it were never really read.
                return Err(PaginationError::Stalled {
                    operation: src.operation(),
                    responses: common.stalled,
                    yielded: common.yielded,
                    what: STALL_WHAT,
                }
                .into());
            }
        }
        if items.is_empty() && !(self.ended && common.yielded == 0) {
            return Ok(None);
        }
        let checkpoint = Some(Checkpoint {
            position: self.frontier,
            last_id: hashes.last().copied().flatten(),
            page_size: self.size,
            yielded: common.yielded,
        });
        Ok(Some(Page { items, body: f.body, meta: f.meta, total: f.total, checkpoint, marks }))
    }

    /// Items moved between requests: drop what is in flight and step back to a window that
    /// holds an item already seen.
    fn shifted(
        &mut self,
        src: &S,
        cfg: &PaginateConfig,
        common: &mut Common,
        win: Win,
    ) -> Result<(), PageError<S::Error>> {
        let shifted =
            PaginationError::Shifted { operation: src.operation(), position: win.start, rereads: common.rereads };
        if cfg.on_shift == ShiftPolicy::Fail || common.rereads >= cfg.max_rereads {
            return Err(shifted.into());
        }
        let next = match self.style {
            Style::PageNumber { .. } => {
                let page = win.page.saturating_sub(1).max(1);
                Win { start: (page - 1).saturating_mul(self.size), page }
            }
            _ => Win { start: win.start.saturating_sub(self.size - 1), page: 0 },
        };
        // Items that far back may have been forgotten: re-reading them could repeat one.
        let reach = self.frontier.saturating_sub(next.start).saturating_add(self.size);
        if common.seen.is_lossy() && reach > SEEN_CAPACITY as u64 {
            return Err(shifted.into());
        }
        common.rereads += 1;
        self.proof = Proof::Rereading;
        self.inflight = FuturesOrdered::new();
        tracing::debug!(position = win.start, "listing shifted; re-reading");
        self.next = next;
        Ok(())
    }
}

/// What a window listing that stalls is told.
const STALL_WHAT: &str = "windows of items already yielded: the server may be ignoring the offset or page parameter";
