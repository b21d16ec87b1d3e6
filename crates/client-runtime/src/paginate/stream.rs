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
        if let Some(engine) = self.engine.as_mut() {
            if engine.resume_from(checkpoint.clone()) {
                self.checkpoint = Some(checkpoint);
            }
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
        Items {
            current: Vec::new().into_iter(),
            page_size: self.checkpoint.as_ref().map(|c| c.page_size),
            yielded: self.checkpoint.as_ref().map_or(0, |c| c.yielded),
            checkpoint: self.checkpoint.clone(),
            pages: self,
        }
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
            this.running = Some(
                async move {
                    let out = engine.next_page().await;
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
    pages: Pages<S>,
    current: std::vec::IntoIter<(S::Item, Mark)>,
    /// The page size of checkpoints (none for token listings).
    page_size: Option<u64>,
    yielded: u64,
    checkpoint: Option<Checkpoint>,
}

impl<S: Source> Items<S> {
    /// A listing of `source` with the default [`PaginateConfig`].
    pub fn new(source: S) -> Self {
        Pages::new(source).items()
    }

    /// Changes the listing's knobs; what was yielded and the per-item checkpoint stay as they
    /// are (a running listing goes on where it stood).
    fn map_pages(self, f: impl FnOnce(Pages<S>) -> Pages<S>) -> Self {
        let Items { pages, current, page_size, yielded, checkpoint } = self;
        Items { pages: f(pages), current, page_size, yielded, checkpoint }
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
    pub fn resume_from(mut self, checkpoint: Checkpoint) -> Self {
        if self.pages.is_started() {
            return self;
        }
        self.page_size = Some(checkpoint.page_size);
        self.yielded = checkpoint.yielded;
        self.checkpoint = Some(checkpoint.clone());
        self.pages = self.pages.resume_from(checkpoint);
        self
    }

    /// Where the listing stands after the last item yielded (offset and page styles): save it,
    /// and pass it to `resume_from` to continue after a crash.
    pub fn checkpoint(&self) -> Option<&Checkpoint> {
        self.checkpoint.as_ref()
    }
}

// Nothing is pinned structurally: the engine is boxed and the items are only moved out.
impl<S: Source> Unpin for Items<S> {}
impl<S: Source> Unpin for Pages<S> {}

impl<S: Source> Stream for Items<S> {
    type Item = Result<S::Item, PageError<S::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some((item, (position, hash))) = this.current.next() {
                this.yielded += 1;
                if let Some(page_size) = this.page_size {
                    this.checkpoint =
                        Some(Checkpoint { position: position + 1, last_id: hash, page_size, yielded: this.yielded });
                }
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    this.page_size = page.checkpoint.as_ref().map(|c| c.page_size);
                    let marks = page.marks;
                    this.current = page.items.into_iter().zip(marks).collect::<Vec<_>>().into_iter();
                }
            }
        }
    }
}
