use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sandbox::{Provider, RateLimitConfig, SandboxConfig};

use crate::support::{get, start, Reply};

fn list_path(provider: Provider) -> &'static str {
    match provider {
        Provider::MicroCms => "/api/v1/media",
        Provider::Utage => "/v1/media",
        Provider::PostEverywhere => "/api/v1/media",
    }
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn assert_rate_headers(r: &Reply) {
    for h in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] {
        assert!(r.header_u64(h).is_some(), "{h} missing on {} ({:?})", r.status, r.headers);
    }
}

fn assert_429_envelope(provider: Provider, r: &Reply) {
    assert_eq!(r.status, 429);
    assert!(r.header_u64("retry-after").is_some_and(|s| s >= 1), "{:?}", r.headers);
    match provider {
        Provider::MicroCms => assert!(r.body["message"].is_string()),
        Provider::Utage => assert_eq!(r.body["error"]["code"], "rate_limit_exceeded"),
        Provider::PostEverywhere => {
            assert_eq!(r.body["error"]["code"], "rate_limit_exceeded");
            assert!(r.body["data"].is_null());
            assert!(r.body["error"]["details"]["retry_after"].is_u64());
        }
    }
}

#[tokio::test]
async fn every_provider_limits_with_headers_and_retry_after() {
    for provider in Provider::ALL {
        let window = Duration::from_millis(1500);
        let sb = start(SandboxConfig::new(provider).items(10).rate_limit(RateLimitConfig::per(3, window))).await;
        let started = Instant::now();
        for expected_remaining in [2, 1, 0] {
            let r = get(&sb, list_path(provider)).await;
            assert_eq!(r.status, 200, "{provider}");
            assert_rate_headers(&r);
            assert_eq!(r.header_u64("x-ratelimit-limit"), Some(3));
            assert_eq!(r.header_u64("x-ratelimit-remaining"), Some(expected_remaining));
            assert!(r.header_u64("x-ratelimit-reset").unwrap() >= now_secs());
        }
        let r = get(&sb, list_path(provider)).await;
        assert_429_envelope(provider, &r);
        assert_rate_headers(&r);
        assert_eq!(r.header_u64("x-ratelimit-remaining"), Some(0));
        assert_eq!(sb.stats().rate_limited, 1);
        // The window ends and requests pass again.
        tokio::time::sleep((started + window + Duration::from_millis(100)).saturating_duration_since(Instant::now()))
            .await;
        let r = get(&sb, list_path(provider)).await;
        assert_eq!(r.status, 200, "{provider} after the window");
    }
}

#[tokio::test]
async fn documented_limits_scaled_for_tests() {
    // 60/min scaled by 10 is 60 per 6 s: room for 61 requests on a busy machine, and the test
    // never waits for the window. The longer windows never bind here.
    for provider in [Provider::Utage, Provider::PostEverywhere] {
        let sb = start(SandboxConfig::new(provider).items(10).documented_rate_limit(10.0)).await;
        let mut statuses = Vec::new();
        for _ in 0..61 {
            let r = get(&sb, list_path(provider)).await;
            assert_eq!(r.header_u64("x-ratelimit-limit"), Some(60), "{provider}");
            statuses.push(r.status);
        }
        assert!(statuses[..60].iter().all(|s| *s == 200), "{provider}: {statuses:?}");
        assert_eq!(statuses[60], 429, "{provider}");
    }
    let micro = SandboxConfig::new(Provider::MicroCms).documented_rate_limit(1.0);
    assert!(micro.rate_limit.is_none(), "microCMS documents no number");
}

#[tokio::test]
async fn headers_absent_when_off_and_switchable_at_run_time() {
    let sb = start(SandboxConfig::new(Provider::Utage).items(10)).await;
    let r = get(&sb, "/v1/media").await;
    assert!(r.header("x-ratelimit-limit").is_none());
    sb.faults().set_rate_limit(Some(RateLimitConfig::per(1, Duration::from_secs(60))));
    assert_eq!(get(&sb, "/v1/media").await.status, 200);
    assert_eq!(get(&sb, "/v1/media").await.status, 429);
    sb.faults().set_rate_limit(None);
    let r = get(&sb, "/v1/media").await;
    assert_eq!(r.status, 200);
    assert!(r.header("x-ratelimit-remaining").is_none());
}

#[tokio::test]
async fn auth_failures_count_and_carry_headers() {
    let sb = start(
        SandboxConfig::new(Provider::PostEverywhere)
            .items(10)
            .rate_limit(RateLimitConfig::per(5, Duration::from_secs(60))),
    )
    .await;
    let r = crate::support::send(&sb, reqwest::Method::GET, "/api/v1/media", None).await;
    assert_eq!(r.status, 401);
    assert_rate_headers(&r);
    assert_eq!(r.header_u64("x-ratelimit-remaining"), Some(4));
}
