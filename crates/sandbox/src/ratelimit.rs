//! Fixed-window rate limiting with the `X-RateLimit-*` headers the vendors send.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue};

use crate::config::{RateLimitConfig, MAX_PERIOD};

struct Window {
    limit: u32,
    period: Duration,
    start: Instant,
    used: u32,
}

impl Window {
    fn roll(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.start);
        if elapsed >= self.period {
            // Windows stay aligned to the first one so `Reset` is predictable.
            let periods = elapsed.as_nanos() / self.period.as_nanos().max(1);
            let periods = u32::try_from(periods).unwrap_or(u32::MAX);
            self.start += self.period.saturating_mul(periods);
            self.used = 0;
        }
    }

    fn end(&self) -> Instant {
        self.start + self.period
    }

    fn remaining(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }
}

/// What the `X-RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateState {
    pub limit: u32,
    pub remaining: u32,
    /// Unix seconds when the described window resets.
    pub reset: u64,
}

impl RateState {
    pub fn apply(&self, headers: &mut HeaderMap) {
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
    }
}

pub(crate) enum Decision {
    Allowed(RateState),
    /// Refused; `retry_after` is in whole seconds, rounded up.
    Limited {
        state: RateState,
        retry_after: u64,
    },
}

pub(crate) struct RateLimiter {
    windows: Vec<Window>,
}

/// Unix seconds at `at`, rounded up so a client that waits until then is past the reset.
pub(crate) fn unix_secs_at(at: Instant) -> u64 {
    let now = Instant::now();
    let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default() + at.saturating_duration_since(now);
    ceil_secs(wall)
}

pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        let now = Instant::now();
        let mut windows: Vec<Window> = config
            .windows
            .into_iter()
            .filter(|w| !w.period.is_zero())
            .map(|w| Window { limit: w.limit, period: w.period.min(MAX_PERIOD), start: now, used: 0 })
            .collect();
        windows.sort_by_key(|w| w.period);
        RateLimiter { windows }
    }

    /// Counts one request if every window has room.
    pub fn check(&mut self) -> Option<Decision> {
        let now = Instant::now();
        for w in &mut self.windows {
            w.roll(now);
        }
        let blocked_until = self.windows.iter().filter(|w| w.remaining() == 0).map(Window::end).max();
        if let Some(until) = blocked_until {
            let state = self.state()?;
            let retry_after = ceil_secs(until.saturating_duration_since(now)).max(1);
            return Some(Decision::Limited { state, retry_after });
        }
        for w in &mut self.windows {
            w.used += 1;
        }
        self.state().map(Decision::Allowed)
    }

    /// The window with the fewest requests left; the shortest one on a tie, since the windows
    /// are sorted by period.
    fn state(&self) -> Option<RateState> {
        let w = self.windows.iter().min_by_key(|w| w.remaining())?;
        Some(RateState { limit: w.limit, remaining: w.remaining(), reset: unix_secs_at(w.end()) })
    }

    /// The headers to show without counting a request (on responses the limiter did not see).
    pub fn peek(&mut self) -> Option<RateState> {
        let now = Instant::now();
        for w in &mut self.windows {
            w.roll(now);
        }
        self.state()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RateWindow;

    #[test]
    fn refuses_after_the_limit_and_reports_the_tightest_window() {
        let mut rl = RateLimiter::new(RateLimitConfig::new(vec![
            RateWindow::new(3, Duration::from_secs(3600)),
            RateWindow::new(5, Duration::from_secs(60)),
        ]));
        for expected in [2, 1, 0] {
            match rl.check() {
                Some(Decision::Allowed(s)) => {
                    assert_eq!(s.limit, 3);
                    assert_eq!(s.remaining, expected);
                }
                _ => panic!("expected a pass"),
            }
        }
        match rl.check() {
            Some(Decision::Limited { state, retry_after }) => {
                assert_eq!(state.remaining, 0);
                assert!(retry_after > 3000, "{retry_after}");
            }
            _ => panic!("expected a refusal"),
        }
    }

    #[test]
    fn window_resets() {
        let mut rl = RateLimiter::new(RateLimitConfig::per(1, Duration::from_millis(300)));
        assert!(matches!(rl.check(), Some(Decision::Allowed(_))));
        assert!(matches!(rl.check(), Some(Decision::Limited { .. })));
        std::thread::sleep(Duration::from_millis(350));
        assert!(matches!(rl.check(), Some(Decision::Allowed(_))));
    }
}
