//! The state machine behind [`Pages`](super::Pages): windows planned, fetched (concurrently
//! when the total is known), checked for shifts and de-duplicated, in order.

use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesOrdered, StreamExt};

use super::decide::{self, SEEN_CAPACITY};
use super::resume::ResumeSearch;
use super::seen::{id_hash, SeenIds};
use super::{
    Checkpoint, Cursor, Fetched, Page, PageError, PaginateConfig, PaginationError, ShiftPolicy, Source, Style,
    TokenExpiry,
};
use crate::error::Error;

mod token;

type Outcome<S> = Option<Result<Page<<S as Source>::Item, <S as Source>::Body>, PageError<<S as Source>::Error>>>;
type FetchResult<S> = Result<Fetched<<S as Source>::Item, <S as Source>::Body>, Error<<S as Source>::Error>>;

/// What the microCMS v1 guard tells a caller to use instead.
const OFFSET_HINT: &str = "page with the token-based listing (microCMS: `list_media_v2()`) to read further";

/// One planned window: where its first item sits and how it was asked for.
#[derive(Clone, Copy, Debug)]
struct Win {
    start: u64,
    /// Page number (page style) — the start is recomputed from the page size the server used.
    page: u64,
}

/// Runs `fut` on the Tokio runtime, when there is one, so it progresses while the consumer is
/// busy; dropping the returned future cancels it.
fn start<T: Send + 'static>(fut: BoxFuture<'static, T>) -> BoxFuture<'static, T> {
    match tokio::runtime::Handle::try_current() {
        Ok(rt) => {
            let (remote, handle) = fut.remote_handle();
            rt.spawn(remote);
            handle.boxed()
        }
        Err(_) => fut,
    }
}

pub(crate) struct Engine<S: Source> {
    src: S,
    cfg: PaginateConfig,
    style: Style,
    seen: SeenIds,
    yielded: u64,
    started: bool,
    done: bool,
    rereads: u32,
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
    /// The next window needs no proof that it continues the listing (the first one).
    unanchored_ok: bool,
    /// After a shift: one window at a time, proven by an item already seen.
    rereading: bool,
    /// Hash of the item at `frontier - 1` (the last one read), to measure drift.
    last_hash: Option<u64>,
    /// Positions the listing moved down between two requests, as last measured (offset style).
    drift: u64,
    /// Token style, after a restart with a lossy `seen`: skip items until one already seen.
    skip_to_seen: bool,
    /// Token style, after a restart: no new item since (pages of yielded items are expected).
    catching_up: bool,
    /// Token style: a fingerprint of the last page's ids (a page served again adds nothing).
    last_print: Option<u64>,
    /// Resuming from a checkpoint: looking for its last item (one window at a time).
    search: Option<ResumeSearch>,
    inflight: FuturesOrdered<BoxFuture<'static, (Win, FetchResult<S>)>>,
    /// Token style: the token of the last page, and the request for the next one.
    token: Option<String>,
    prefetch: Option<BoxFuture<'static, FetchResult<S>>>,
    resume: Option<Checkpoint>,
}

impl<S: Source> Engine<S> {
    pub(crate) fn new(src: S, cfg: PaginateConfig) -> Self {
        let style = src.style();
        Self {
            src,
            cfg,
            style,
            seen: SeenIds::bounded(SEEN_CAPACITY),
            yielded: 0,
            started: false,
            done: false,
            rereads: 0,
            size: 1,
            frontier: 0,
            skip_below: 0,
            total: None,
            prev_total: None,
            next: Win { start: 0, page: 1 },
            unanchored_ok: true,
            rereading: false,
            last_hash: None,
            drift: 0,
            skip_to_seen: false,
            catching_up: false,
            last_print: None,
            search: None,
            inflight: FuturesOrdered::new(),
            token: None,
            prefetch: None,
            resume: None,
        }
    }

    pub(crate) fn config_mut(&mut self) -> &mut PaginateConfig {
        &mut self.cfg
    }

    /// Resumes from `checkpoint` — only before the listing started; false if it had.
    pub(crate) fn resume_from(&mut self, checkpoint: Checkpoint) -> bool {
        if !self.started {
            self.resume = Some(checkpoint);
        }
        !self.started
    }

    pub(crate) fn is_started(&self) -> bool {
        self.started
    }

    pub(crate) async fn next_page(&mut self) -> Outcome<S> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            if let Err(e) = self.init() {
                self.done = true;
                return Some(Err(e));
            }
        }
        let out = match self.style {
            Style::Token => self.next_token_page().await,
            _ => self.next_window_page().await,
        };
        if matches!(out, None | Some(Err(_))) {
            self.done = true;
            self.inflight = FuturesOrdered::new();
            self.prefetch = None;
        }
        out
    }

    fn init(&mut self) -> Result<(), PageError<S::Error>> {
        self.src.validate().map_err(|e| PageError::Request(Error::InvalidRequest(e)))?;
        let max = match self.style {
            Style::Offset { max_limit, .. } => max_limit,
            Style::PageNumber { max_per_page } => max_per_page,
            Style::Token => return Ok(()),
        };
        let asked = self.cfg.page_size.or(self.src.requested_page_size());
        // An overlap of one item needs windows of two at least.
        self.size = asked.unwrap_or(max).clamp(2, max.max(2));
        let requested = self.src.requested_start().unwrap_or(0);
        self.frontier = match self.style {
            Style::PageNumber { .. } => requested.saturating_sub(1).saturating_mul(self.size),
            _ => requested,
        };
        if let Some(cp) = self.resume.take() {
            if let Some(problem) = decide::checkpoint_problem(&cp, self.style) {
                return Err(PaginationError::BadCheckpoint { operation: self.src.operation(), problem }.into());
            }
            if matches!(self.style, Style::PageNumber { .. }) {
                self.size = cp.page_size;
            }
            self.frontier = cp.position;
            self.yielded = cp.yielded;
            self.last_hash = cp.last_id;
            match cp.last_id.filter(|_| cp.position > 0) {
                // Positions may have moved since: go on right after the last item, wherever it is.
                Some(h) => {
                    self.seen.insert(h);
                    self.unanchored_ok = false;
                    let mut search = ResumeSearch::new(h, cp.position - 1);
                    let is_page = matches!(self.style, Style::PageNumber { .. });
                    let start = search.next_start(self.size, is_page, None).unwrap_or(0);
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
                Win { start: (page - 1) * self.size, page }
            }
            _ if self.unanchored_ok => Win { start: self.frontier, page: 0 },
            _ => Win { start: self.frontier.saturating_sub(1), page: 0 },
        };
        Ok(())
    }

    fn is_useful(&self, w: Win) -> bool {
        match self.total {
            None => true,
            // An offset window's first item is the overlap: it is useful if it reaches past it.
            Some(t) => match self.style {
                Style::Offset { .. } if w.start > 0 && !self.unanchored_ok => w.start + 1 < t,
                _ => w.start < t,
            },
        }
    }

    fn blocked_by_max_offset(&self, w: Win) -> bool {
        matches!(self.style, Style::Offset { max_offset: Some(m), .. } if w.start > m)
    }

    /// Plans windows: one at a time until the total is known (and while re-reading), then up
    /// to `concurrency`.
    fn fill(&mut self) {
        // While the listing drifts, windows go one at a time, each placed by the last measure.
        let steady = self.total.is_some() && !self.rereading && self.drift == 0 && self.search.is_none();
        let width = if steady { self.cfg.concurrency.max(1) } else { 1 };
        while self.inflight.len() < width
            && (self.search.is_some() || self.is_useful(self.next))
            && !self.blocked_by_max_offset(self.next)
        {
            let w = self.next;
            let cursor = match self.style {
                Style::PageNumber { .. } => Cursor::Page { page: w.page, per_page: self.size },
                _ => Cursor::Offset { offset: w.start, limit: self.size },
            };
            let fut = self.src.fetch(cursor).map(move |r| (w, r)).boxed();
            self.inflight.push_back(start(fut));
            self.next = match self.style {
                Style::PageNumber { .. } => Win { start: w.start + self.size, page: w.page + 1 },
                // The next window overlaps this one's last item (and more, while items are deleted).
                _ => Win { start: w.start + self.size - 1 - decide::lead(self.drift, self.size), page: 0 },
            };
        }
    }

    async fn next_window_page(&mut self) -> Outcome<S> {
        loop {
            self.fill();
            let Some((win, result)) = self.inflight.next().await else {
                if self.blocked_by_max_offset(self.next) && self.total.is_none_or(|t| self.frontier < t) {
                    return Some(Err(PaginationError::OffsetLimit {
                        operation: self.src.operation(),
                        max_offset: match self.style {
                            Style::Offset { max_offset: Some(m), .. } => m,
                            _ => 0,
                        },
                        position: self.frontier,
                        total: self.total.unwrap_or(0),
                        hint: OFFSET_HINT,
                    }
                    .into()));
                }
                return None;
            };
            let fetched = match result {
                Ok(f) => f,
                Err(e) => return Some(Err(PageError::Request(e))),
            };
            match self.accept(win, fetched) {
                Ok(Some(page)) => return Some(Ok(page)),
                Ok(None) if self.done => return None,
                Ok(None) => continue,
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Checks one window and takes its new items; `None` when it holds nothing to yield.
    #[allow(clippy::type_complexity)]
    fn accept(
        &mut self,
        mut win: Win,
        f: Fetched<S::Item, S::Body>,
    ) -> Result<Option<Page<S::Item, S::Body>>, PageError<S::Error>> {
        let is_page = matches!(self.style, Style::PageNumber { .. });
        let mut size_changed = false;
        if let (true, Some(reported)) = (is_page, f.page_size.filter(|s| *s >= 1)) {
            if reported != self.size {
                // The server clamped the page size: positions follow what it used.
                size_changed = (self.yielded > 0 || !self.inflight.is_empty()) && self.search.is_none();
                self.size = reported;
                win.start = (win.page - 1) * reported;
                self.next = Win { start: win.page * reported, page: win.page + 1 };
            }
        }
        let hashes: Vec<Option<u64>> = f.items.iter().map(|i| S::item_id(i).map(id_hash)).collect();
        if let Some(search) = self.search.as_mut() {
            match hashes.iter().position(|h| *h == Some(search.hash)) {
                // Found: only what follows it is new.
                Some(i) => {
                    self.search = None;
                    self.frontier = win.start + i as u64 + 1;
                    self.skip_below = self.frontier;
                }
                None => {
                    self.total = f.total.or(self.total);
                    let Some(start) = search.next_start(self.size, is_page, self.total) else {
                        let problem = search.problem();
                        return Err(PaginationError::BadCheckpoint { operation: self.src.operation(), problem }.into());
                    };
                    self.next = Win { start, page: start / self.size + 1 };
                    return Ok(None);
                }
            }
        }
        let has_ids = hashes.iter().any(Option::is_some);
        let any_seen = hashes.iter().flatten().any(|h| self.seen.contains(*h));
        let anchored = decide::is_anchored(&decide::Window {
            start: win.start,
            unanchored_ok: self.unanchored_ok,
            empty: f.items.is_empty(),
            has_ids,
            any_seen,
            is_page,
            rereading: self.rereading,
            prev_total: self.prev_total,
            total: f.total,
        });
        self.total = f.total.or(self.total);
        if !anchored || size_changed {
            return self.shifted(win).map(|()| None);
        }
        let is_offset = matches!(self.style, Style::Offset { .. });
        if let (true, Some(last)) = (is_offset, self.last_hash) {
            if let Some(moved) = decide::drift(self.frontier.saturating_sub(1), win.start, &hashes, last) {
                self.drift = moved;
            }
        }
        self.unanchored_ok = false;
        self.rereading = false;
        self.prev_total = f.total;
        let n = f.items.len() as u64;
        let mut items = Vec::with_capacity(f.items.len());
        let mut marks = Vec::with_capacity(f.items.len());
        for (i, (item, hash)) in f.items.into_iter().zip(hashes.iter()).enumerate() {
            let pos = win.start + i as u64;
            if pos < self.skip_below {
                continue;
            }
            if let Some(h) = hash {
                if !self.seen.insert(*h) {
                    continue;
                }
            }
            items.push(item);
            marks.push((pos, *hash));
        }
        self.skip_below = 0;
        self.frontier = win.start + n;
        if let Some(last) = hashes.last() {
            self.last_hash = *last;
        }
        if is_offset && self.inflight.is_empty() {
            // Place the next window by what was just measured.
            let back = 1 + decide::lead(self.drift, self.size);
            self.next = Win { start: self.frontier.saturating_sub(back), page: 0 };
        }
        self.yielded += items.len() as u64;
        let short = n < self.size;
        if short || self.total.is_some_and(|t| self.frontier >= t) {
            self.done = true;
        }
        if items.is_empty() && !(self.done && self.yielded == 0) {
            return Ok(None);
        }
        let checkpoint = Some(Checkpoint {
            position: self.frontier,
            last_id: hashes.last().copied().flatten(),
            page_size: self.size,
            yielded: self.yielded,
        });
        Ok(Some(Page { items, body: f.body, meta: f.meta, total: f.total, checkpoint, marks }))
    }

    /// Items moved between requests: drop what is in flight and step back to a window that
    /// holds an item already seen.
    fn shifted(&mut self, win: Win) -> Result<(), PageError<S::Error>> {
        if self.cfg.on_shift == ShiftPolicy::Fail || self.rereads >= self.cfg.max_rereads {
            return Err(PaginationError::Shifted {
                operation: self.src.operation(),
                position: win.start,
                rereads: self.rereads,
            }
            .into());
        }
        let next = match self.style {
            Style::PageNumber { .. } => {
                let page = win.page.saturating_sub(1).max(1);
                Win { start: (page - 1) * self.size, page }
            }
            _ => Win { start: win.start.saturating_sub(self.size - 1), page: 0 },
        };
        // Items that far back may have been forgotten: re-reading them could repeat one.
        let reach = self.frontier.saturating_sub(next.start).saturating_add(self.size);
        if self.seen.is_lossy() && reach > SEEN_CAPACITY as u64 {
            return Err(PaginationError::Shifted {
                operation: self.src.operation(),
                position: win.start,
                rereads: self.rereads,
            }
            .into());
        }
        self.rereads += 1;
        self.rereading = true;
        self.inflight = FuturesOrdered::new();
        tracing::debug!(position = win.start, "listing shifted; re-reading");
        self.next = next;
        Ok(())
    }
}
