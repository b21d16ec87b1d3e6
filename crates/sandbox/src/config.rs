//! What a sandbox is started with: the provider, the data set, the key and the limits.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::time::Duration;

use crate::faults::Faults;

/// The API a sandbox emulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// microCMS Management API: `/api/v1/media`, `/api/v2/media`, `X-MICROCMS-API-KEY`.
    MicroCms,
    /// UTAGE public API: `/v1/media`, `Authorization: Bearer`.
    Utage,
    /// PostEverywhere API: `/api/v1/media`, `Authorization: Bearer`, `{data, error, meta}` envelope.
    PostEverywhere,
}

impl Provider {
    /// All providers, in a fixed order.
    pub const ALL: [Provider; 3] = [Provider::MicroCms, Provider::Utage, Provider::PostEverywhere];

    /// The path prefix a client's base URL carries (the vendor's production base URL has it too).
    pub fn base_path(self) -> &'static str {
        match self {
            Provider::MicroCms => "",
            Provider::Utage => "/v1",
            Provider::PostEverywhere => "/api/v1",
        }
    }

    /// A short lowercase name, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            Provider::MicroCms => "microcms",
            Provider::Utage => "utage",
            Provider::PostEverywhere => "posteverywhere",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Provider`] or a [`RateWindow`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(String);

impl FromStr for Provider {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
            "microcms" => Ok(Provider::MicroCms),
            "utage" => Ok(Provider::Utage),
            "posteverywhere" => Ok(Provider::PostEverywhere),
            _ => Err(ParseError(format!("unknown provider `{s}` (expected microcms, utage or posteverywhere)"))),
        }
    }
}

/// Longer periods are cut to this, so window arithmetic on `Instant` cannot overflow.
pub(crate) const MAX_PERIOD: Duration = Duration::from_secs(100 * 365 * 86_400);

/// One fixed window of a rate limit: at most `limit` requests per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateWindow {
    pub limit: u32,
    pub period: Duration,
}

impl RateWindow {
    pub fn new(limit: u32, period: Duration) -> Self {
        RateWindow { limit, period }
    }
}

impl FromStr for RateWindow {
    type Err = ParseError;

    /// `LIMIT/PERIOD`, where PERIOD is `min`, `h`, `d`, `s`, or a number with `ms`, `s`, `min`,
    /// `h` or `d`: `60/min`, `60/3s`, `1000/h`, `5/500ms`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParseError(format!("bad rate window `{s}` (expected e.g. 60/min or 60/3s)"));
        let (limit, period) = s.split_once('/').ok_or_else(bad)?;
        let limit: u32 = limit.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let split = period.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(period.len());
        let (number, unit) = period.split_at(split);
        let number: f64 = if number.is_empty() { 1.0 } else { number.parse().map_err(|_| bad())? };
        let unit_secs = match unit {
            "ms" => 0.001,
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" | "hour" => 3600.0,
            "d" | "day" => 86_400.0,
            _ => return Err(bad()),
        };
        let period = Duration::try_from_secs_f64(number * unit_secs).map_err(|_| bad())?;
        if limit == 0 || period.is_zero() {
            return Err(bad());
        }
        Ok(RateWindow::new(limit, period))
    }
}

/// Rate limits: every window must have room for a request to pass.
///
/// The `X-RateLimit-*` headers describe the window with the fewest requests left (the shortest
/// one on a tie), so a client that paces by them is never refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitConfig {
    pub windows: Vec<RateWindow>,
}

impl RateLimitConfig {
    /// Limits made of the given windows.
    pub fn new(windows: Vec<RateWindow>) -> Self {
        RateLimitConfig { windows }
    }

    /// A single window: `per(60, Duration::from_secs(3))` is 60 requests per 3 s.
    pub fn per(limit: u32, period: Duration) -> Self {
        RateLimitConfig::new(vec![RateWindow::new(limit, period)])
    }

    /// The limits the vendor documents: UTAGE 60/min and 10,000/day; PostEverywhere 60/min,
    /// 1,000/h and 10,000/day. microCMS documents no number, so `None`.
    pub fn documented(provider: Provider) -> Option<Self> {
        const MIN: Duration = Duration::from_secs(60);
        const HOUR: Duration = Duration::from_secs(3600);
        const DAY: Duration = Duration::from_secs(86_400);
        match provider {
            Provider::MicroCms => None,
            Provider::Utage => Some(RateLimitConfig::new(vec![RateWindow::new(60, MIN), RateWindow::new(10_000, DAY)])),
            Provider::PostEverywhere => Some(RateLimitConfig::new(vec![
                RateWindow::new(60, MIN),
                RateWindow::new(1_000, HOUR),
                RateWindow::new(10_000, DAY),
            ])),
        }
    }

    /// Shrinks every period by `factor` and keeps the limits, so tests see the documented
    /// behaviour quickly: 60/min scaled by 20 is 60 per 3 s.
    pub fn time_scaled(mut self, factor: f64) -> Self {
        if factor.is_finite() && factor > 0.0 {
            for w in &mut self.windows {
                w.period = Duration::try_from_secs_f64(w.period.as_secs_f64() / factor)
                    .unwrap_or(MAX_PERIOD)
                    .clamp(Duration::from_millis(1), MAX_PERIOD);
            }
        }
        self
    }
}

/// How a sandbox starts. Build it with [`SandboxConfig::new`] and the setters.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub provider: Provider,
    /// How many media items the seeded library holds at start (10 to 1,000,000 and more).
    pub items: usize,
    /// The seed of the generated data: the same seed and count give the same items.
    pub seed: u64,
    /// The only key the sandbox accepts.
    pub api_key: String,
    /// `None`: no limits and no `X-RateLimit-*` headers.
    pub rate_limit: Option<RateLimitConfig>,
    /// How long a microCMS v2 `token` stays valid.
    pub token_ttl: Duration,
    /// Faults active from the start; change them later through [`crate::FaultHandle`].
    pub faults: Faults,
    /// Where to listen; the default `127.0.0.1:0` picks a free port.
    pub bind: SocketAddr,
}

impl SandboxConfig {
    /// 100 items, seed 42, key `sandbox-key`, no rate limits, a 15 s token TTL, no faults,
    /// listening on a free loopback port.
    pub fn new(provider: Provider) -> Self {
        SandboxConfig {
            provider,
            items: 100,
            seed: 42,
            api_key: "sandbox-key".to_owned(),
            rate_limit: None,
            token_ttl: Duration::from_secs(15),
            faults: Faults::default(),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        }
    }

    pub fn items(mut self, items: usize) -> Self {
        self.items = items;
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    pub fn rate_limit(mut self, limits: RateLimitConfig) -> Self {
        self.rate_limit = Some(limits);
        self
    }

    /// The vendor's documented limits (none for microCMS), periods divided by `time_scale`
    /// (1.0 for real time).
    pub fn documented_rate_limit(mut self, time_scale: f64) -> Self {
        self.rate_limit = RateLimitConfig::documented(self.provider).map(|r| r.time_scaled(time_scale));
        self
    }

    pub fn no_rate_limit(mut self) -> Self {
        self.rate_limit = None;
        self
    }

    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// Listen on this port of the current bind address (0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.bind.set_port(port);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rate_windows() {
        let w: RateWindow = "60/min".parse().unwrap();
        assert_eq!(w, RateWindow::new(60, Duration::from_secs(60)));
        let w: RateWindow = "60/3s".parse().unwrap();
        assert_eq!(w, RateWindow::new(60, Duration::from_secs(3)));
        let w: RateWindow = "5/500ms".parse().unwrap();
        assert_eq!(w, RateWindow::new(5, Duration::from_millis(500)));
        assert!("0/min".parse::<RateWindow>().is_err());
        assert!("60".parse::<RateWindow>().is_err());
        assert!("60/fortnight".parse::<RateWindow>().is_err());
    }

    #[test]
    fn scales_documented_limits() {
        let r = RateLimitConfig::documented(Provider::Utage).unwrap().time_scaled(20.0);
        assert_eq!(r.windows[0], RateWindow::new(60, Duration::from_secs(3)));
        assert!(RateLimitConfig::documented(Provider::MicroCms).is_none());
    }
}
