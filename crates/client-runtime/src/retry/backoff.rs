//! How long to wait before a retry: the [`ComputeBackoff`] policy and its default, [`Backoff`].

use std::fmt;
use std::time::Duration;

/// Computes the wait before a retry when the server does not say (`Retry-After` wins over it
/// when longer).
pub trait ComputeBackoff: fmt::Debug + Send + Sync {
    /// The delay before retry number `retry` (1 for the first), after `previous` was waited.
    /// `unit` is a random draw in `[0, 1]` the caller supplies, so a test can fix it.
    fn compute(&self, retry: u32, previous: Duration, unit: f64) -> Duration;
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

impl ComputeBackoff for Backoff {
    fn compute(&self, retry: u32, previous: Duration, unit: f64) -> Duration {
        self.delay_with(retry, previous, unit)
    }
}

/// The same delay before every retry: for tests and for servers that ask for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantBackoff(pub Duration);

impl ComputeBackoff for ConstantBackoff {
    fn compute(&self, _retry: u32, _previous: Duration, _unit: f64) -> Duration {
        self.0
    }
}
