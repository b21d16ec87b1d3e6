//! Pacing: requests wait (without sending) rather than go out when a documented quota or the
//! server's last `X-RateLimit-*` headers say they would be refused.
//!
//! One [`Pacer`] lives in a client's shared transport, so every clone — and every task a
//! paginator spawns through them — draws from the same budget.
//!
//! Documented quotas are sliding windows counted from when each request *finished*: the server
//! counts a request when it arrives, which is somewhere between sending and the answer, so only
//! the answer's time is a safe bound. A request still in flight holds its place in every window
//! until it finishes. This keeps "at most N in any window" true as the server sees it, whatever
//! the latency, at the price of a window of slack about one round trip long.
//!
//! The server's `X-RateLimit-Remaining` (counted down by every request sent since, and by every
//! request then in flight, which it may not have counted yet) holds requests back once it reaches
//! 0, until its `X-RateLimit-Reset`: whole seconds, so up to a second late, plus a small margin.
//! That hold is dropped when this process's own requests explain the server's count (see
//! `Learned::explained_by`): the server has counted no more requests in its window than it
//! answered for us there — nobody else uses the key — and a configured quota fits the server's
//! window (no more requests than its `X-RateLimit-Limit`, a window no shorter than the server's
//! has visibly lasted). Counted from finishes, such a quota already keeps every stretch as long
//! as the server's window within its limit, so the quota's precise release times decide. If the
//! server says its window is used up, a fitting quota is full until the window is over; the hold
//! then only keeps the earliest the reset can be as a floor. When the counts disagree (another
//! process uses the key), after a 429 in the window, without an `X-RateLimit-Limit` header or
//! without a quota that fits, the header's reset and margin decide as before.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::config::Quota;
use crate::response::ResponseMeta;

/// Waiting for the server's reset, the pacer waits a little past it: the reset is a whole second
/// on the server's clock, and the two clocks may differ a little. Only where the header's reset
/// decides; where the pacer's own count explains the server's, the quotas' release times (which
/// count from finishes, a round trip later than the server counts) need none.
const RESET_MARGIN: Duration = Duration::from_millis(200);

/// `X-RateLimit-Reset` is in whole seconds: the real reset may come up to this much before it.
const RESET_PRECISION: Duration = Duration::from_secs(1);

/// Which quotas a client paces its requests to. Default: [`Pacing::documented`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pacing {
    quotas: QuotaSource,
    learn: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum QuotaSource {
    Documented,
    Custom(Vec<Quota>),
}

impl Default for Pacing {
    fn default() -> Self {
        Self::documented()
    }
}

impl Pacing {
    /// The quotas the provider documents (`ServiceSpec::rate_limits`), plus what the server's
    /// `X-RateLimit-*` and `Retry-After` headers say.
    pub fn documented() -> Self {
        Self { quotas: QuotaSource::Documented, learn: true }
    }
    /// These quotas instead of the documented ones (for a plan with other limits), plus the
    /// server's headers.
    pub fn quotas(quotas: impl Into<Vec<Quota>>) -> Self {
        Self { quotas: QuotaSource::Custom(quotas.into()), learn: true }
    }
    /// No pacing: requests go out at once.
    pub fn off() -> Self {
        Self { quotas: QuotaSource::Custom(Vec::new()), learn: false }
    }
    /// Whether the server's `X-RateLimit-Remaining`/`-Reset` and a 429's `Retry-After` hold
    /// requests back (default true).
    pub fn learn_from_headers(mut self, learn: bool) -> Self {
        self.learn = learn;
        self
    }
    /// A quota of 0 requests or a zero window would block or mean nothing; such quotas are dropped.
    pub(crate) fn quotas_for(&self, documented: &[Quota]) -> Vec<Quota> {
        let quotas = match &self.quotas {
            QuotaSource::Documented => documented,
            QuotaSource::Custom(quotas) => quotas.as_slice(),
        };
        quotas.iter().copied().filter(|q| q.requests > 0 && !q.window.is_zero()).collect()
    }
}

/// Why a request has to wait, for logs and [`Error::RateLimited`](crate::Error::RateLimited).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldBy {
    /// A documented (or configured) quota.
    Quota(Quota),
    /// The server's `X-RateLimit-Remaining: 0` until its `X-RateLimit-Reset`.
    ServerWindow,
    /// The server's `Retry-After`.
    RetryAfter,
}

impl fmt::Display for HeldBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeldBy::Quota(quota) => write!(f, "the rate limit of {quota}"),
            HeldBy::ServerWindow => f.write_str("the server's X-RateLimit-Remaining: 0"),
            HeldBy::RetryAfter => f.write_str("the server's Retry-After"),
        }
    }
}

/// A request could not be admitted before the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// How long until it could have been sent (at least).
    pub wait: Duration,
    /// What holds it back.
    pub by: HeldBy,
}

/// The shared limiter. See the [module docs](self).
pub struct Pacer {
    state: Mutex<State>,
    /// Woken whenever a request finishes or the server's advice changes.
    changed: Notify,
    learn: bool,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let quotas: Vec<Quota> = state.windows.iter().map(|w| w.quota).collect();
        f.debug_struct("Pacer")
            .field("quotas", &quotas)
            .field("learn_from_headers", &self.learn)
            .field("in_flight", &state.in_flight)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct State {
    windows: Vec<Window>,
    in_flight: u32,
    learned: Option<Learned>,
    blocked_until: Option<Instant>,
    /// No server header holds requests back longer than this from when it arrived.
    wait_cap: Duration,
    /// The headers behind the last `Retry-After` hold and the last learned window, as sent.
    retry_after_header: Option<String>,
    window_header: Option<String>,
}

#[derive(Debug)]
struct Window {
    quota: Quota,
    /// Finish times within the last window, oldest first (finishes come in time order).
    finished: VecDeque<Instant>,
}

/// What the server's `X-RateLimit-*` headers say about its current window.
#[derive(Debug, Clone, Copy)]
struct Learned {
    /// Requests that may still start before `reset`: the server's `Remaining` less every request
    /// sent since (or in flight then, which it may not have counted yet).
    remaining: u64,
    /// The header's reset plus [`RESET_MARGIN`].
    reset: Instant,
    /// The earliest the server's window can really reset: the header's reset less
    /// [`RESET_PRECISION`].
    reset_floor: Instant,
    /// The reset as the server sent it, to tell its windows apart.
    reset_wire: SystemTime,
    /// The server's count for this window; `None` if a response lacked `X-RateLimit-Limit` or
    /// was a 429: then nothing explains the count.
    count: Option<ServerCount>,
    /// Requests of ours the server answered in this window (their responses carried this reset).
    ours: u64,
    /// When the first response of this window arrived: the window began no later.
    first_seen: Instant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ServerCount {
    /// `X-RateLimit-Limit`.
    limit: u64,
    /// The most requests it said it had counted (`Limit − Remaining`).
    used: u64,
}

impl Learned {
    /// Whether this process's own requests explain the server's count, so that `windows` (the
    /// configured quotas) keep the server's window within its limit and its coarse reset adds
    /// nothing:
    /// - the server counted no more requests in this window than it answered for us there: as far
    ///   as can be seen, nobody else uses the key (no foreign count, no 429);
    /// - a quota fits the server's window: no more requests than its `Limit`, and a window no
    ///   shorter than the server's has visibly lasted (from its first answer to the earliest
    ///   reset). Counted from finishes, such a quota lets at most `Limit` of our requests arrive
    ///   in any stretch as long as the server's window.
    fn explained_by(&self, windows: &[Window]) -> bool {
        self.count.is_some_and(|count| {
            count.used <= self.ours
                && windows.iter().any(|w| {
                    u64::from(w.quota.requests) <= count.limit && self.first_seen + w.quota.window >= self.reset_floor
                })
        })
    }

    /// Until when the server's window holds requests back, once `remaining` is 0.
    fn hold(&self, windows: &[Window]) -> Option<Instant> {
        if !self.explained_by(windows) {
            return Some(self.reset);
        }
        match self.count {
            // The server says its window is used up, by us: a quota that fits is then full until
            // the window is over; this only bounds it by the earliest the reset can be.
            Some(count) if count.used >= count.limit => Some(self.reset_floor),
            // Only the countdown reached 0, by assuming that every request in flight still had to
            // reach the server (most had been counted already): the quotas decide alone.
            _ => None,
        }
    }
}

enum Wait {
    Until(Instant, HeldBy),
    /// Every slot is held by a request in flight: only a finish can free one.
    Finish(HeldBy),
}

impl State {
    fn try_take(&mut self, now: Instant) -> Result<(), Wait> {
        let mut wait: Option<Wait> = None;
        let mut later = |candidate: Wait| {
            let replace = match (&wait, &candidate) {
                (None, _) | (Some(Wait::Finish(_)), Wait::Until(..)) => true,
                (Some(Wait::Until(at, _)), Wait::Until(new, _)) => new > at,
                _ => false,
            };
            if replace {
                wait = Some(candidate);
            }
        };
        if let Some(until) = self.blocked_until {
            if until > now {
                later(Wait::Until(until, HeldBy::RetryAfter));
            } else {
                self.blocked_until = None;
            }
        }
        if let Some(learned) = self.learned {
            if learned.reset <= now {
                self.learned = None;
            } else if learned.remaining == 0 {
                // The header's reset, unless this process's own requests explain the server's count.
                if let Some(until) = learned.hold(&self.windows).filter(|&until| until > now) {
                    later(Wait::Until(until, HeldBy::ServerWindow));
                }
            }
        }
        for window in &mut self.windows {
            while window.finished.front().is_some_and(|&t| t + window.quota.window <= now) {
                window.finished.pop_front();
            }
            let used = window.finished.len() as u64 + u64::from(self.in_flight);
            if used >= u64::from(window.quota.requests) {
                later(match window.finished.front() {
                    Some(&oldest) => Wait::Until(oldest + window.quota.window, HeldBy::Quota(window.quota)),
                    None => Wait::Finish(HeldBy::Quota(window.quota)),
                });
            }
        }
        if let Some(wait) = wait {
            return Err(wait);
        }
        self.in_flight += 1;
        if let Some(learned) = &mut self.learned {
            learned.remaining = learned.remaining.saturating_sub(1);
        }
        Ok(())
    }

    fn finish(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        for window in &mut self.windows {
            window.finished.push_back(now);
        }
    }

    /// Takes in what a response (whose request is still counted in flight) says: its status,
    /// `Retry-After`, `X-RateLimit-Limit` and (`X-RateLimit-Remaining`, `X-RateLimit-Reset`).
    fn observe(
        &mut self,
        status: StatusCode,
        retry_after: Option<Duration>,
        limit: Option<u64>,
        window: Option<(u64, SystemTime)>,
        now: Instant,
        wall: SystemTime,
    ) {
        if let (Some(wait), StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) = (retry_after, status) {
            // A server's number is not trusted further than the cap.
            if let Some(until) = now.checked_add(wait.min(self.wait_cap)) {
                self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
            }
        }
        let Some((remaining, reset_wire)) = window else {
            return;
        };
        let Ok(until_reset) = reset_wire.duration_since(wall) else {
            return;
        };
        let until_reset = until_reset.min(self.wait_cap);
        let Some(reset) = now.checked_add(until_reset).and_then(|at| at.checked_add(RESET_MARGIN)) else {
            return;
        };
        let reset_floor = now + until_reset.saturating_sub(RESET_PRECISION);
        // A refusal means the server counts something this process does not.
        let refused = status == StatusCode::TOO_MANY_REQUESTS;
        let count =
            limit.filter(|_| !refused).map(|limit| ServerCount { limit, used: limit.saturating_sub(remaining) });
        let ours = u64::from(!refused);
        // Requests still in flight may not have reached the server when it counted; assume each
        // will use one of the remaining slots.
        let others = u64::from(self.in_flight.saturating_sub(1));
        let remaining = remaining.saturating_sub(others);
        match &mut self.learned {
            Some(known) if known.reset_wire == reset_wire => {
                known.remaining = known.remaining.min(remaining);
                known.count = known.count.zip(count).and_then(|(a, b)| {
                    (a.limit == b.limit).then_some(ServerCount { limit: a.limit, used: a.used.max(b.used) })
                });
                known.ours += ours;
            }
            // An answer to an older request, overtaken by a newer window's news.
            Some(known) if reset_wire < known.reset_wire => {}
            slot => *slot = Some(Learned { remaining, reset, reset_floor, reset_wire, count, ours, first_seen: now }),
        }
    }
}

impl Pacer {
    /// A pacer for `quotas`; `learn` makes it heed the server's rate-limit headers.
    pub fn new(quotas: Vec<Quota>, learn: bool) -> Self {
        let windows = quotas.into_iter().map(|quota| Window { quota, finished: VecDeque::new() }).collect();
        Self {
            state: Mutex::new(State {
                windows,
                in_flight: 0,
                learned: None,
                blocked_until: None,
                wait_cap: Duration::MAX,
                retry_after_header: None,
                window_header: None,
            }),
            changed: Notify::new(),
            learn,
        }
    }

    /// No server header (`Retry-After`, `X-RateLimit-Reset`) holds requests back longer than
    /// `cap` from when it arrived.
    pub fn with_wait_cap(self, cap: Duration) -> Self {
        self.lock().wait_cap = cap;
        self
    }

    /// What holds a request back, for an error: `by`, with the server's header when it is one.
    pub fn explain(&self, by: &HeldBy) -> String {
        let state = self.lock();
        let header = match by {
            HeldBy::Quota(_) => None,
            HeldBy::ServerWindow => state.window_header.as_deref(),
            HeldBy::RetryAfter => state.retry_after_header.as_deref(),
        };
        match header {
            Some(header) => format!("{by} ({header})"),
            None => by.to_string(),
        }
    }

    /// A pacer as `pacing` configures it for a service documenting `documented`.
    pub fn from_config(pacing: &Pacing, documented: &[Quota]) -> Self {
        Self::new(pacing.quotas_for(documented), pacing.learn)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent across a panic elsewhere: every update is a few plain writes.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until a request may be sent and takes its slot. Fails at once, without waiting, if
    /// the slot would only come after `deadline`. Dropping the future gives up nothing.
    pub async fn acquire(&self, deadline: Option<Instant>) -> Result<Permit<'_>, Held> {
        loop {
            // Registered before looking, so a finish between the look and the wait is not missed.
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let now = Instant::now();
            let wait = match self.lock().try_take(now) {
                Ok(()) => return Ok(Permit { pacer: self }),
                Err(wait) => wait,
            };
            match wait {
                Wait::Until(at, by) => {
                    if deadline.is_some_and(|d| at > d) {
                        return Err(Held { wait: at - now, by });
                    }
                    tracing::debug!(wait = ?(at - now), held_by = %by, "pacing");
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = &mut changed => {}
                    }
                }
                Wait::Finish(by) => match deadline {
                    Some(deadline) => tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            // A slot frees a window after an in-flight request finishes: at least this.
                            let wait = match &by { HeldBy::Quota(q) => q.window, _ => Duration::ZERO };
                            return Err(Held { wait, by });
                        }
                        () = &mut changed => {}
                    },
                    None => changed.await,
                },
            }
        }
    }

    /// Takes in a response's rate-limit headers. Call it while the request's permit is held.
    pub fn observe(&self, meta: &ResponseMeta) {
        if !self.learn {
            return;
        }
        let limit = meta.rate_limit();
        let wait = meta.server_wait();
        let window = limit.remaining.zip(limit.reset);
        if wait.retry_after.is_none() && window.is_none() {
            return;
        }
        {
            let mut state = self.lock();
            state.observe(meta.status(), wait.retry_after, limit.limit, window, Instant::now(), SystemTime::now());
            let quote = |name: &str| {
                let value = meta.headers().get(name)?;
                let value: String = String::from_utf8_lossy(value.as_bytes()).chars().take(64).collect();
                Some(format!("{name}: {value}"))
            };
            if wait.retry_after.is_some() {
                state.retry_after_header = quote("Retry-After");
            }
            if window.is_some() {
                state.window_header = quote("X-RateLimit-Reset");
            }
        }
        self.changed.notify_waiters();
    }
}

/// A slot taken by a request. Dropping it marks the request finished, which is when it starts to
/// age out of the quota windows.
#[must_use = "the slot is released when the permit is dropped"]
pub struct Permit<'a> {
    pacer: &'a Pacer,
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit")
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.pacer.lock().finish(Instant::now());
        self.pacer.changed.notify_waiters();
    }
}

mod pace;
pub use pace::{Acquire, NoPacing, Pace, PacePermit};

#[cfg(test)]
mod tests;
