//! Retries as policy objects, after smithy-rs: a [classifier](ClassifyRetry) says whether an
//! attempt's outcome is worth another try, a [`Backoff`] says how long to wait, and
//! [`RetryPolicy::decide`] combines them with the server's own wait (`Retry-After`,
//! `X-RateLimit-Reset`) and the attempt and time budgets. The send loop only asks and obeys.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::request::Request;
use crate::response::ResponseMeta;

/// What one attempt ended with, as the retry policy sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AttemptOutcome<'a> {
    /// The server answered, whatever the status.
    Response(&'a ResponseMeta),
    /// No answer to classify by status.
    Failure(FailureKind),
}

/// Why an attempt got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// No connection (refused, DNS, TLS handshake).
    Connect,
    /// The connection broke while sending or reading (reset, closed early).
    Connection,
    /// The attempt ran out of time.
    Timeout,
    /// Nothing another attempt could fix (body too large, unusable redirect, bad header value).
    Permanent,
}

/// Whether an outcome is worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// Trying again may succeed.
    Retryable,
    /// Trying again will not help, or is not safe.
    NotRetryable,
}

/// Decides which outcomes are worth another attempt.
pub trait ClassifyRetry: fmt::Debug + Send + Sync {
    /// Classifies one attempt's outcome for `request`.
    fn classify(&self, request: &Request, outcome: &AttemptOutcome<'_>) -> RetryClass;
}

/// The default classifier: the listed statuses (429, 502, 503, 504) and connection failures or
/// timeouts of one attempt are retryable — for idempotent requests only, because a POST whose
/// answer was lost may have been carried out, and sending it again could upload twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardClassifier {
    statuses: Vec<u16>,
}

impl Default for StandardClassifier {
    fn default() -> Self {
        Self { statuses: vec![429, 502, 503, 504] }
    }
}

impl StandardClassifier {
    /// Retries these statuses instead of 429, 502, 503 and 504.
    pub fn with_statuses(statuses: impl Into<Vec<u16>>) -> Self {
        Self { statuses: statuses.into() }
    }
    /// The statuses retried.
    pub fn statuses(&self) -> &[u16] {
        &self.statuses
    }
}

impl ClassifyRetry for StandardClassifier {
    fn classify(&self, request: &Request, outcome: &AttemptOutcome<'_>) -> RetryClass {
        if !request.is_idempotent() {
            return RetryClass::NotRetryable;
        }
        let retryable = match outcome {
            AttemptOutcome::Response(meta) => self.statuses.contains(&meta.status().as_u16()),
            AttemptOutcome::Failure(kind) => {
                matches!(kind, FailureKind::Connect | FailureKind::Connection | FailureKind::Timeout)
            }
        };
        if retryable {
            RetryClass::Retryable
        } else {
            RetryClass::NotRetryable
        }
    }
}

/// How the exponential delay is randomised, so clones retrying at once do not stampede together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly `base · 2ⁿ⁻¹`, capped.
    None,
    /// Uniform in `[0, min(cap, base · 2ⁿ⁻¹)]` ("full jitter").
    Full,
    /// Uniform in `[base, min(cap, 3 · previous delay)]` ("decorrelated jitter").
    Decorrelated,
}

/// Exponential backoff between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    jitter: Jitter,
}

impl Default for Backoff {
    /// 500 ms base, 30 s cap, full jitter.
    fn default() -> Self {
        Self::exponential(Duration::from_millis(500), Duration::from_secs(30))
    }
}

impl Backoff {
    /// Doubles from `base` up to `cap`, with full jitter.
    pub const fn exponential(base: Duration, cap: Duration) -> Self {
        Self { base, cap, jitter: Jitter::Full }
    }
    /// Changes the jitter.
    pub const fn with_jitter(mut self, jitter: Jitter) -> Self {
        self.jitter = jitter;
        self
    }
    /// The first retry's (unjittered) delay.
    pub fn base(&self) -> Duration {
        self.base
    }
    /// No delay is longer.
    pub fn cap(&self) -> Duration {
        self.cap
    }
    /// The jitter kind.
    pub fn jitter(&self) -> Jitter {
        self.jitter
    }

    /// The delay before retry number `retry` (1 for the first), after `previous` was waited.
    pub fn delay(&self, retry: u32, previous: Duration) -> Duration {
        self.delay_with(retry, previous, rand::random::<f64>())
    }

    /// [`delay`](Self::delay) with the random draw given: `unit` in `[0, 1]`, for tests.
    pub fn delay_with(&self, retry: u32, previous: Duration, unit: f64) -> Duration {
        let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.0 };
        let doubling = 1u32.checked_shl(retry.saturating_sub(1)).unwrap_or(u32::MAX);
        let exponential = self.base.saturating_mul(doubling).min(self.cap);
        match self.jitter {
            Jitter::None => exponential,
            Jitter::Full => exponential.mul_f64(unit),
            Jitter::Decorrelated => {
                let high = previous.max(self.base).saturating_mul(3).min(self.cap);
                let low = self.base.min(high);
                low + (high - low).mul_f64(unit)
            }
        }
    }
}

/// The wait a response asks for: `Retry-After`, or — when it says the window is used up (a 429
/// or `X-RateLimit-Remaining: 0`) — the time until `X-RateLimit-Reset`. Read once, when the
/// response arrived ([`ResponseMeta::server_wait`]); `_now` is kept for callers of old.
pub fn server_wait(meta: &ResponseMeta, _now: SystemTime) -> Option<Duration> {
    meta.server_wait().wait()
}

/// Where a call stands: attempts made, the last wait, the call's deadline, the longest wait it
/// accepts from a server.
#[derive(Debug, Clone, Copy)]
pub struct RetryState {
    attempts: u32,
    previous_delay: Duration,
    deadline: Option<Instant>,
    wait_cap: Option<Duration>,
}

impl RetryState {
    /// A call that has made no attempt yet and must end by `deadline`.
    pub fn new(deadline: Option<Instant>) -> Self {
        Self { attempts: 0, previous_delay: Duration::ZERO, deadline, wait_cap: None }
    }
    /// A server asking for a longer wait than `cap` is not waited for: the call gives up at
    /// once ([`GiveUpReason::WaitTooLong`]).
    pub fn with_wait_cap(mut self, cap: Duration) -> Self {
        self.wait_cap = Some(cap);
        self
    }
    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// When the call must be over.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
    /// Counts an attempt about to be made.
    pub fn record_attempt(&mut self) {
        self.attempts = self.attempts.saturating_add(1);
    }
    /// Records the wait before the next attempt (decorrelated jitter grows from it).
    pub fn record_wait(&mut self, wait: Duration) {
        self.previous_delay = wait;
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then try again.
    RetryAfter(Duration),
    /// Return this outcome to the caller.
    GiveUp(GiveUpReason),
}

/// Why an outcome is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUpReason {
    /// A success, or a failure the classifier does not retry.
    NotRetryable,
    /// The attempt budget is spent.
    AttemptsExhausted,
    /// The wait before the next attempt would end past the call's deadline.
    OutOfTime {
        /// The wait that did not fit.
        wait: Duration,
    },
    /// The server asked for a wait longer than the client accepts from a server.
    WaitTooLong {
        /// What it asked for.
        wait: Duration,
        /// The longest wait accepted.
        cap: Duration,
    },
    /// The client's retry budget, shared by all its requests, is spent.
    BudgetSpent(BudgetState),
}

/// When and how a call's failed attempts are retried. Cheap to clone.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    max_attempts: u32,
    backoff: Backoff,
    classifier: Arc<dyn ClassifyRetry>,
    budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    /// 4 attempts in all, [`Backoff::default`], [`StandardClassifier`], [`RetryBudget::default`].
    fn default() -> Self {
        Self {
            max_attempts: 4,
            backoff: Backoff::default(),
            classifier: Arc::new(StandardClassifier::default()),
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }
    /// Attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }
    /// Replaces the backoff.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }
    /// Replaces the classifier.
    pub fn with_classifier(mut self, classifier: impl ClassifyRetry + 'static) -> Self {
        self.classifier = Arc::new(classifier);
        self
    }
    /// Replaces the client's retry budget (shared by every clone and concurrent request).
    pub fn with_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }
    /// No shared budget: each call retries up to its own attempts.
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }
    /// The client's retry budget, if any.
    pub fn budget(&self) -> Option<&RetryBudget> {
        self.budget.as_ref()
    }
    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }
    /// The backoff.
    pub fn backoff(&self) -> &Backoff {
        &self.backoff
    }

    /// Decides what follows the attempt `state` last counted.
    pub fn decide(&self, request: &Request, outcome: &AttemptOutcome<'_>, state: &RetryState) -> RetryDecision {
        self.decide_with(request, outcome, state, Instant::now(), rand::random::<f64>())
    }

    /// [`decide`](Self::decide) at a given moment and random draw, for tests.
    pub fn decide_with(
        &self,
        request: &Request,
        outcome: &AttemptOutcome<'_>,
        state: &RetryState,
        now: Instant,
        unit: f64,
    ) -> RetryDecision {
        if self.classifier.classify(request, outcome) == RetryClass::NotRetryable {
            return RetryDecision::GiveUp(GiveUpReason::NotRetryable);
        }
        if state.attempts >= self.max_attempts {
            return RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted);
        }
        let backoff = self.backoff.delay_with(state.attempts, state.previous_delay, unit);
        let asked = match outcome {
            AttemptOutcome::Response(meta) => server_wait(meta, SystemTime::now()),
            AttemptOutcome::Failure(_) => None,
        };
        if let (Some(asked), Some(cap)) = (asked, state.wait_cap) {
            if asked > cap {
                return RetryDecision::GiveUp(GiveUpReason::WaitTooLong { wait: asked, cap });
            }
        }
        // The server knows when it will take requests again; backoff only spreads retries out
        // when it does not say.
        let wait = asked.map_or(backoff, |asked| asked.max(backoff));
        match state.deadline {
            Some(deadline) if now.checked_add(wait).is_none_or(|at| at >= deadline) => {
                RetryDecision::GiveUp(GiveUpReason::OutOfTime { wait })
            }
            _ => RetryDecision::RetryAfter(wait),
        }
    }
}

pub(crate) use budget::Bucket;
pub use budget::{BudgetState, RetryBudget};

mod budget;

#[cfg(test)]
mod tests;
