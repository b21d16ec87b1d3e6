//! Unit tests of the pacing policy, without I/O.

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn state(quotas: &[Quota]) -> State {
    Pacer::new(quotas.to_vec(), true).state.into_inner().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn a_window_admits_its_quota_then_waits_for_the_oldest_finish() {
    let t0 = Instant::now();
    let quota = Quota::new(2, secs(10));
    let mut s = state(&[quota]);
    assert!(s.try_take(t0).is_ok());
    assert!(s.try_take(t0).is_ok());
    // Both in flight: only a finish can free a slot.
    assert!(matches!(s.try_take(t0), Err(Wait::Finish(HeldBy::Quota(q))) if q == quota));
    s.finish(t0 + secs(1));
    s.finish(t0 + secs(3));
    assert!(matches!(s.try_take(t0 + secs(5)), Err(Wait::Until(at, _)) if at == t0 + secs(11)));
    assert!(s.try_take(t0 + secs(11)).is_ok());
    assert!(matches!(s.try_take(t0 + secs(11)), Err(Wait::Until(at, _)) if at == t0 + secs(13)));
}

#[test]
fn the_strictest_quota_decides() {
    let t0 = Instant::now();
    let mut s = state(&[Quota::new(3, secs(1)), Quota::new(4, secs(100))]);
    for i in 0..4 {
        assert!(s.try_take(t0 + secs(2 * i)).is_ok(), "request {i}");
        s.finish(t0 + secs(2 * i));
    }
    assert!(
        matches!(s.try_take(t0 + secs(8)), Err(Wait::Until(at, HeldBy::Quota(q))) if at == t0 + secs(100) && q.requests == 4)
    );
}

#[test]
fn remaining_zero_waits_for_the_reset() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[]);
    assert!(s.try_take(t0).is_ok());
    s.observe(StatusCode::OK, None, Some((0, wall + secs(2))), t0, wall);
    s.finish(t0);
    let reset = t0 + secs(2) + RESET_MARGIN;
    assert!(matches!(s.try_take(t0 + secs(1)), Err(Wait::Until(at, HeldBy::ServerWindow)) if at == reset));
    assert!(s.try_take(reset).is_ok());
    assert!(s.learned.is_none(), "a passed reset forgets the window");
}

#[test]
fn remaining_counts_down_and_accounts_for_requests_in_flight() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[]);
    for _ in 0..3 {
        assert!(s.try_take(t0).is_ok());
    }
    // One answer says 3 left, but two other requests are still out.
    s.observe(StatusCode::OK, None, Some((3, wall + secs(60))), t0, wall);
    assert!(s.try_take(t0).is_ok());
    assert!(matches!(s.try_take(t0), Err(Wait::Until(_, HeldBy::ServerWindow))));
    // A stale answer from an older window changes nothing; a newer window replaces it.
    s.observe(StatusCode::OK, None, Some((50, wall + secs(30))), t0, wall);
    assert!(s.try_take(t0).is_err());
    s.observe(StatusCode::OK, None, Some((50, wall + secs(120))), t0, wall);
    assert!(s.try_take(t0).is_ok());
}

#[test]
fn retry_after_on_429_blocks_everyone() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[]);
    s.observe(StatusCode::TOO_MANY_REQUESTS, Some(secs(3)), None, t0, wall);
    assert!(matches!(s.try_take(t0 + secs(1)), Err(Wait::Until(at, HeldBy::RetryAfter)) if at == t0 + secs(3)));
    assert!(s.try_take(t0 + secs(3)).is_ok());
    // A Retry-After on a success is not a block.
    s.observe(StatusCode::OK, Some(secs(30)), None, t0 + secs(3), wall);
    assert!(s.try_take(t0 + secs(3)).is_ok());
}

#[test]
fn configuration_picks_the_quotas() {
    let documented = [Quota::per_minute(60), Quota::per_day(10_000)];
    assert_eq!(Pacing::documented().quotas_for(&documented), documented);
    assert_eq!(Pacing::quotas([Quota::per_hour(5)]).quotas_for(&documented), [Quota::per_hour(5)]);
    assert!(Pacing::off().quotas_for(&documented).is_empty());
    assert!(Pacing::quotas([Quota::new(0, secs(1)), Quota::new(1, Duration::ZERO)]).quotas_for(&documented).is_empty());
}

#[tokio::test]
async fn acquire_fails_fast_past_the_deadline_and_waits_within_it() {
    let pacer = Pacer::new(vec![Quota::new(1, Duration::from_millis(100))], true);
    drop(pacer.acquire(None).await);
    let soon = Instant::now() + Duration::from_millis(10);
    let held = pacer.acquire(Some(soon)).await.map(drop).err();
    assert!(matches!(held, Some(Held { by: HeldBy::Quota(_), .. })), "{held:?}");
    let started = Instant::now();
    let permit = pacer.acquire(Some(started + secs(5))).await;
    assert!(permit.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(50));
}
