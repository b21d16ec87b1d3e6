//! The two faces of a listing: a stream of [`Page`]s and a stream of items.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, FutureExt};
use futures::Stream;

use super::engine::Engine;
use super::{Checkpoint, Page, PageError, PaginateConfig, ShiftPolicy, Source, TokenExpiry};

/// A page's position and id hash, per item.
type Mark = (u64, Option<u64>);
type Running<S> = BoxFuture<'static, (Box<Engine<S>>, Option<PageResult<S>>)>;
type PageResult<S> = Result<Page<<S as Source>::Item, <S as Source>::Body>, PageError<<S as Source>::Error>>;

/// A stream of whole pages. Nothing is sent until it is first polled; configure it before.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<S: Source> {
    engine: Option<Box<Engine<S>>>,
    running: Option<Running<S>>,
    /// Where the listing stands: the checkpoint to resume from until the first poll, then the
    /// one after the last page (or, read through [`Items`], the last item) yielded. The one
    /// place a listing's checkpoint lives.
    checkpoint: Option<Checkpoint>,
}

impl<S: Source> Pages<S> {
    /// A listing of `source` with the default [`PaginateConfig`].
    pub fn new(source: S) -> Self {
        Self::with_config(source, PaginateConfig::default())
    }

    /// A listing of `source` with `config`.
    pub fn with_config(source: S, config: PaginateConfig) -> Self {
        Self { engine: Some(Box::new(Engine::new(source, config))), running: None, checkpoint: None }
    }

    fn configure(mut self, change: impl FnOnce(&mut PaginateConfig)) -> Self {
        if let Some(engine) = self.engine.as_mut() {
            change(engine.config_mut());
        }
        self
    }

    /// Windows in flight at once when the total is known (default 8; 1: sequential).
    pub fn concurrency(self, n: usize) -> Self {
        self.configure(|c| c.concurrency = n.max(1))
    }

    /// Items per request (default: the request's own limit, else the API's maximum).
    pub fn page_size(self, n: u64) -> Self {
        self.configure(|c| c.page_size = Some(n))
    }

    /// What to do when items move between requests.
    pub fn on_shift(self, policy: ShiftPolicy) -> Self {
        self.configure(|c| c.on_shift = policy)
    }

    /// What to do when a continuation token has expired.
    pub fn on_token_expired(self, policy: TokenExpiry) -> Self {
        self.configure(|c| c.on_token_expired = policy)
    }

    /// Re-reads (after shifts or expired tokens) allowed before giving up.
    pub fn max_rereads(self, n: u32) -> Self {
        self.configure(|c| c.max_rereads = n)
    }

    /// Replaces the whole configuration.
    pub fn config(self, config: PaginateConfig) -> Self {
        self.configure(|c| *c = config)
    }

    /// Continues a listing where `checkpoint` says it stood (offset and page styles). Only
    /// before the first poll: on a listing already started it changes nothing.
    pub fn resume_from(mut self, checkpoint: Checkpoint) -> Self {
        if !self.is_started() {
            self.checkpoint = Some(checkpoint);
        }
        self
    }

    /// Whether the listing was polled already.
    fn is_started(&self) -> bool {
        self.running.is_some() || self.engine.as_ref().is_none_or(|e| e.is_started())
    }

    /// Where the listing stands after the last page yielded (offset and page styles).
    pub fn checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoint.as_ref()
    }

    /// A stream of the items instead of the pages.
    pub fn items(self) -> Items<S> {
        Items { current: Vec::new().into_iter(), pages: self }
    }
}

impl<S: Source> Stream for Pages<S> {
    type Item = PageResult<S>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.running.is_none() {
            let Some(mut engine) = this.engine.take() else {
                return Poll::Ready(None);
            };
            let resume = (!engine.is_started()).then(|| this.checkpoint.clone()).flatten();
            this.running = Some(
                async move {
                    let out = engine.next_page(resume.as_ref()).await;
                    (engine, out)
                }
                .boxed(),
            );
        }
        let Some(running) = this.running.as_mut() else {
            return Poll::Ready(None);
        };
        match running.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((engine, out)) => {
                this.running = None;
                this.engine = Some(engine);
                if let Some(Ok(page)) = &out {
                    if page.checkpoint.is_some() {
                        this.checkpoint.clone_from(&page.checkpoint);
                    }
                }
                Poll::Ready(out)
            }
        }
    }
}

/// A stream of items, in order, each once. Nothing is sent until it is first polled.
///
/// Set its knobs before that. On a running listing, between two items, `concurrency`,
/// `on_shift`, `on_token_expired` and `max_rereads` apply from the next request, while
/// `page_size` and `resume_from` change nothing; what was yielded and [`Items::checkpoint`]
/// carry on either way.
#[must_use = "streams do nothing unless polled"]
pub struct Items<S: Source> {
    /// The pages, and the checkpoint: after each item, the pages' checkpoint is that item's.
    pages: Pages<S>,
    /// The current page's items, each with its mark and the checkpoint after it.
    current: std::vec::IntoIter<(S::Item, Mark, Option<Checkpoint>)>,
}

impl<S: Source> Items<S> {
    /// A listing of `source` with the default [`PaginateConfig`].
    pub fn new(source: S) -> Self {
        Pages::new(source).items()
    }

    /// Changes the listing's knobs; what was yielded and the per-item checkpoint stay as they
    /// are (a running listing goes on where it stood).
    fn map_pages(self, f: impl FnOnce(Pages<S>) -> Pages<S>) -> Self {
        let Items { pages, current } = self;
        Items { pages: f(pages), current }
    }

    /// Windows in flight at once when the total is known (default 8; 1: sequential).
    pub fn concurrency(self, n: usize) -> Self {
        self.map_pages(|p| p.concurrency(n))
    }

    /// Items per request (default: the request's own limit, else the API's maximum).
    pub fn page_size(self, n: u64) -> Self {
        self.map_pages(|p| p.page_size(n))
    }

    /// What to do when items move between requests.
    pub fn on_shift(self, policy: ShiftPolicy) -> Self {
        self.map_pages(|p| p.on_shift(policy))
    }

    /// What to do when a continuation token has expired.
    pub fn on_token_expired(self, policy: TokenExpiry) -> Self {
        self.map_pages(|p| p.on_token_expired(policy))
    }

    /// Re-reads (after shifts or expired tokens) allowed before giving up.
    pub fn max_rereads(self, n: u32) -> Self {
        self.map_pages(|p| p.max_rereads(n))
    }

    /// Replaces the whole configuration.
    pub fn config(self, config: PaginateConfig) -> Self {
        self.map_pages(|p| p.config(config))
    }

    /// Continues a listing where `checkpoint` says it stood (offset and page styles). Only
    /// before the first poll: on a listing already started it changes nothing.
    pub fn resume_from(self, checkpoint: Checkpoint) -> Self {
        self.map_pages(|p| p.resume_from(checkpoint))
    }

    /// Where the listing stands after the last item yielded (offset and page styles): save it,
    /// and pass it to `resume_from` to continue after a crash.
    pub fn checkpoint(&self) -> Option<&Checkpoint> {
        self.pages.checkpoint()
    }
}

/// The checkpoint after each item of a page whose checkpoint (after its last item) is `page`:
/// the item's position and id, and the count yielded once it is.
fn item_checkpoints(page: Option<&Checkpoint>, marks: &[Mark]) -> Vec<Option<Checkpoint>> {
    let n = marks.len() as u64;
    marks
        .iter()
        .enumerate()
        .map(|(i, &(position, last_id))| {
            page.map(|c| Checkpoint {
                position: position.saturating_add(1),
                last_id,
                page_size: c.page_size,
                yielded: c.yielded.saturating_sub(n - 1 - i as u64),
            })
        })
        .collect()
}

// Nothing is pinned structurally: the engine is boxed and the items are only moved out.
impl<S: Source> Unpin for Items<S> {}
impl<S: Source> Unpin for Pages<S> {}

impl<S: Source> Stream for Items<S> {
    type Item = Result<S::Item, PageError<S::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((item, _, checkpoint)) = this.current.next() {
                if checkpoint.is_some() {
                    this.pages.checkpoint = checkpoint;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            // The page's own checkpoint (after its last item) is reached item by item instead.
            let before = this.pages.checkpoint.clone();
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    this.pages.checkpoint = before;
                    let per_item = item_checkpoints(page.checkpoint.as_ref(), &page.marks);
                    let Page { items, marks, .. } = page;
                    this.current = items
                        .into_iter()
                        .zip(marks)
                        .zip(per_item)
                        .map(|((i, m), c)| (i, m, c))
                        .collect::<Vec<_>>()
                        .into_iter();
                }
            }
        }
    }
}
