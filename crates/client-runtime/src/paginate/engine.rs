//! The state machine behind [`Pages`](super::Pages). What every style tracks (the ids yielded,
//! re-reads, stalls) is here; each style keeps its own state beside it: [`window`] for offset
//! and page-number listings, [`token`] for continuation tokens. The decisions themselves are
//! the pure functions of `decide.rs`.

use futures::future::{BoxFuture, FutureExt};

use super::decide::{self, SEEN_CAPACITY};
use super::seen::SeenIds;
use super::{Checkpoint, Page, PageError, PaginateConfig, PaginationError, Source, Style};
use crate::error::Error;

mod token;
mod window;

type Outcome<S> = Option<Result<Page<<S as Source>::Item, <S as Source>::Body>, PageError<<S as Source>::Error>>>;
type FetchResult<S> = Result<super::Fetched<<S as Source>::Item, <S as Source>::Body>, Error<<S as Source>::Error>>;

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

/// Where the listing is in its life.
enum Phase {
    /// Not polled yet.
    Ready,
    Running,
    /// Ended (normally or with an error): nothing more is sent.
    Done,
}

/// The state of one style of listing.
enum StyleState<S: Source> {
    Window(window::WindowState<S>),
    Token(token::TokenState<S>),
}

/// What every style tracks.
struct Common {
    seen: SeenIds,
    /// Items yielded so far (across resumes).
    yielded: u64,
    /// Re-reads (shifts, token restarts) so far.
    rereads: u32,
    /// Responses in a row that added no item (see [`decide::stall`]).
    stalled: u32,
}

pub(crate) struct Engine<S: Source> {
    src: S,
    cfg: PaginateConfig,
    phase: Phase,
    common: Common,
    state: StyleState<S>,
}

impl<S: Source> Engine<S> {
    pub(crate) fn new(src: S, cfg: PaginateConfig) -> Self {
        let state = match src.style() {
            Style::Token => StyleState::Token(token::TokenState::new(token::Kind::Token)),
            Style::NextUrl => StyleState::Token(token::TokenState::new(token::Kind::NextUrl)),
            Style::AfterItem => StyleState::Token(token::TokenState::new(token::Kind::AfterItem)),
            style => StyleState::Window(window::WindowState::new(style)),
        };
        let common = Common { seen: SeenIds::bounded(SEEN_CAPACITY), yielded: 0, rereads: 0, stalled: 0 };
        Self { src, cfg, phase: Phase::Ready, common, state }
    }

    pub(crate) fn config_mut(&mut self) -> &mut PaginateConfig {
        &mut self.cfg
    }

    pub(crate) fn is_started(&self) -> bool {
        !matches!(self.phase, Phase::Ready)
    }

    /// The next page; the first call starts the listing, from `resume` when given.
    pub(crate) async fn next_page(&mut self, resume: Option<&Checkpoint>) -> Outcome<S> {
        match self.phase {
            Phase::Done => return None,
            Phase::Running => {}
            Phase::Ready => {
                self.phase = Phase::Running;
                if let Err(e) = self.init(resume) {
                    self.phase = Phase::Done;
                    return Some(Err(e));
                }
            }
        }
        let out = match &mut self.state {
            StyleState::Token(state) => state.next_page(&self.src, &self.cfg, &mut self.common).await,
            StyleState::Window(state) => state.next_page(&self.src, &self.cfg, &mut self.common).await,
        };
        if matches!(out, None | Some(Err(_))) {
            self.phase = Phase::Done;
            // Nothing more is sent: drop what is in flight. (A token listing has nothing out
            // when it ends: it asks for the next page only on a page that continues it.)
            if let StyleState::Window(state) = &mut self.state {
                state.stop();
            }
        }
        out
    }

    fn init(&mut self, resume: Option<&Checkpoint>) -> Result<(), PageError<S::Error>> {
        self.src.validate().map_err(|e| PageError::Request(Error::InvalidRequest(e)))?;
        match &mut self.state {
            StyleState::Token(_) => match resume {
                Some(cp) => Err(bad_checkpoint(&self.src, cp)),
                None => Ok(()),
            },
            StyleState::Window(state) => state.init(&self.src, &self.cfg, &mut self.common, resume),
        }
    }
}

fn bad_checkpoint<S: Source>(src: &S, cp: &Checkpoint) -> PageError<S::Error> {
    let problem = decide::checkpoint_problem(cp, src.style()).unwrap_or_default();
    PaginationError::BadCheckpoint { operation: src.operation(), problem }.into()
}

impl Common {
    /// Counts one response towards the stall limit: `added` says whether it brought an item
    /// not yielded before. Errs once [`decide::STALL_LIMIT`] responses in a row added nothing.
    fn progress<E>(
        &mut self,
        src_operation: &'static str,
        added: bool,
        what: &'static str,
    ) -> Result<(), PageError<E>> {
        self.stalled = decide::stall(self.stalled, added);
        if self.stalled >= decide::STALL_LIMIT {
            return Err(PaginationError::Stalled {
                operation: src_operation,
                responses: self.stalled,
                yielded: self.yielded,
                what,
            }
            .into());
        }
        Ok(())
    }
}
