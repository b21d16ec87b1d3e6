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
fn a_pacing_told_not_to_learn_keeps_its_quotas_and_ignores_the_servers_headers() {
    let documented = [Quota::per_minute(60)];
    let pacing = Pacing::quotas([Quota::per_hour(5)]).learn_from_headers(false);
    assert_eq!(pacing.quotas_for(&documented), [Quota::per_hour(5)], "its own quotas kept");
    assert!(!Pacer::from_config(&pacing, &documented).learn);
    assert!(Pacer::from_config(&Pacing::documented(), &documented).learn, "learning is the default");
    assert!(Pacer::from_config(&Pacing::off().learn_from_headers(true), &documented).learn);
}

#[test]
fn a_pacer_shows_its_quotas_and_whether_it_learns_when_debugged() {
    let shown = format!("{:?}", Pacer::new(vec![Quota::per_minute(60)], false));
    assert!(shown.starts_with("Pacer {"), "{shown}");
    assert!(shown.contains("learn_from_headers: false") && shown.contains("in_flight: 0"), "{shown}");
    assert!(shown.contains(&format!("{:?}", Quota::per_minute(60))), "{shown}");
}

#[test]
fn remaining_zero_waits_for_the_reset() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[]);
    assert!(s.try_take(t0).is_ok());
    s.observe(StatusCode::OK, None, None, Some((0, wall + secs(2))), t0, wall);
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
    s.observe(StatusCode::OK, None, None, Some((3, wall + secs(60))), t0, wall);
    assert!(s.try_take(t0).is_ok());
    assert!(matches!(s.try_take(t0), Err(Wait::Until(_, HeldBy::ServerWindow))));
    // A stale answer from an older window changes nothing; a newer window replaces it.
    s.observe(StatusCode::OK, None, None, Some((50, wall + secs(30))), t0, wall);
    assert!(s.try_take(t0).is_err());
    s.observe(StatusCode::OK, None, None, Some((50, wall + secs(120))), t0, wall);
    assert!(s.try_take(t0).is_ok());
}

#[test]
fn retry_after_on_429_blocks_everyone() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[]);
    s.observe(StatusCode::TOO_MANY_REQUESTS, Some(secs(3)), None, None, t0, wall);
    assert!(matches!(s.try_take(t0 + secs(1)), Err(Wait::Until(at, HeldBy::RetryAfter)) if at == t0 + secs(3)));
    assert!(s.try_take(t0 + secs(3)).is_ok());
    // A Retry-After on a success is not a block.
    s.observe(StatusCode::OK, Some(secs(30)), None, None, t0 + secs(3), wall);
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

// Paused time: a pacer that wrongly waits reaches its deadline at once and fails the test
// instead of hanging it.
#[tokio::test(start_paused = true)]
async fn acquire_fails_fast_past_the_deadline_and_waits_within_it() {
    let pacer = Pacer::new(vec![Quota::new(1, Duration::from_millis(100))], true);
    let first = pacer.acquire(Some(Instant::now() + secs(1))).await.expect("the first slot is free");
    assert_eq!(format!("{first:?}"), "Permit");
    drop(first);
    let soon = Instant::now() + Duration::from_millis(10);
    let held = pacer.acquire(Some(soon)).await.map(drop).err();
    assert!(matches!(held, Some(Held { by: HeldBy::Quota(_), .. })), "{held:?}");
    let started = Instant::now();
    let permit = pacer.acquire(Some(started + secs(5))).await;
    assert!(permit.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(50));
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// When and why a request is held back, if it is (`None`: it was admitted, or waits for a finish).
fn held(taken: Result<(), Wait>) -> Option<(Instant, HeldBy)> {
    match taken {
        Err(Wait::Until(at, by)) => Some((at, by)),
        _ => None,
    }
}

/// The server's window in the tests below: its header says it resets at t0 + 11 s (really at
/// t0 + 10.x s, rounded up to the second), limit 3.
const RESET_IN: u64 = 11;

/// Three requests one after another, sent at t0, t0 + 100 ms, t0 + 200 ms and answered 50 ms
/// later with `statuses`, `limit` and `remaining`; then what holds a fourth back at t0 + 1 s.
fn after_three(
    quotas: &[Quota],
    statuses: [StatusCode; 3],
    limit: Option<u64>,
    remaining: [u64; 3],
) -> (State, Instant, Option<(Instant, HeldBy)>) {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(quotas);
    for (i, (status, remaining)) in statuses.into_iter().zip(remaining).enumerate() {
        let sent = ms(100 * i as u64);
        assert!(s.try_take(t0 + sent).is_ok(), "request {i}");
        let answered = sent + ms(50);
        s.observe(status, None, limit, Some((remaining, wall + secs(RESET_IN))), t0 + answered, wall + answered);
        s.finish(t0 + answered);
    }
    let wait = held(s.try_take(t0 + secs(1)));
    (s, t0, wait)
}

const OK3: [StatusCode; 3] = [StatusCode::OK; 3];

#[test]
fn own_requests_that_explain_remaining_zero_let_the_quota_decide() {
    let quota = Quota::new(3, secs(10));
    // The server counted exactly the three requests it answered us in this window.
    let (mut s, t0, wait) = after_three(&[quota], OK3, Some(3), [2, 1, 0]);
    // The quota frees a slot 10 s after the first finish, not at the header's reset + margin.
    let release = t0 + ms(50) + secs(10);
    assert!(matches!(wait, Some((at, HeldBy::Quota(q))) if at == release && q == quota), "{:?}", wait.map(|w| w.1));
    assert!(release < t0 + secs(RESET_IN));
    assert!(s.try_take(release).is_ok());
}

#[test]
fn an_explanation_waits_for_the_answers_still_out() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let quota = Quota::new(3, secs(10));
    let mut s = state(&[quota]);
    for _ in 0..3 {
        assert!(s.try_take(t0).is_ok());
    }
    let reset = wall + secs(RESET_IN);
    let fallback = t0 + secs(RESET_IN) + RESET_MARGIN;
    // The last to arrive is answered first: the server has counted three, we know of one.
    s.observe(StatusCode::OK, None, Some(3), Some((0, reset)), t0 + ms(50), wall + ms(50));
    assert!(matches!(held(s.try_take(t0 + ms(50))), Some((at, HeldBy::ServerWindow)) if at == fallback));
    for remaining in [2, 1] {
        s.observe(StatusCode::OK, None, Some(3), Some((remaining, reset)), t0 + ms(60), wall + ms(60));
    }
    for _ in 0..3 {
        s.finish(t0 + ms(60));
    }
    // All three answered in the window: the quota's release decides.
    let release = t0 + ms(60) + secs(10);
    assert!(matches!(held(s.try_take(t0 + secs(1))), Some((at, HeldBy::Quota(_))) if at == release));
}

#[test]
fn a_count_this_process_did_not_send_falls_back_to_the_reset() {
    let quota = Quota::new(3, secs(10));
    // The first answer already says two are used: someone else spent one. Two of ours leave the
    // quota a slot, but the server says none are left until its reset.
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let mut s = state(&[quota]);
    for (i, remaining) in [1, 0].into_iter().enumerate() {
        let answered = ms(100 * i as u64 + 50);
        assert!(s.try_take(t0 + answered - ms(50)).is_ok());
        s.observe(
            StatusCode::OK,
            None,
            Some(3),
            Some((remaining, wall + secs(RESET_IN))),
            t0 + answered,
            wall + answered,
        );
        s.finish(t0 + answered);
    }
    let reset = t0 + secs(RESET_IN) + RESET_MARGIN;
    assert!(matches!(held(s.try_take(t0 + secs(1))), Some((at, HeldBy::ServerWindow)) if at == reset));
    // A 429 in the window says the same (someone took the last slot), whatever the counts.
    let (_, t0, wait) =
        after_three(&[quota], [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS], Some(3), [2, 1, 0]);
    assert!(matches!(wait, Some((at, HeldBy::ServerWindow)) if at == t0 + secs(RESET_IN) + RESET_MARGIN));
}

#[test]
fn without_a_quota_that_fits_the_reset_decides() {
    let reset = |t0: Instant| t0 + secs(RESET_IN) + RESET_MARGIN;
    let cases: [(&str, Vec<Quota>, Option<u64>); 4] = [
        ("no quota configured", vec![], Some(3)),
        ("a quota looser than the server's limit", vec![Quota::new(4, secs(10))], Some(3)),
        // The server's window has visibly lasted longer than the quota's 5 s.
        ("a quota window shorter than the server's", vec![Quota::new(3, secs(5))], Some(3)),
        ("no X-RateLimit-Limit", vec![Quota::new(3, secs(10))], None),
    ];
    for (case, quotas, limit) in cases {
        let (_, t0, wait) = after_three(&quotas, OK3, limit, [2, 1, 0]);
        assert!(matches!(wait, Some((at, HeldBy::ServerWindow)) if at == reset(t0)), "{case}: {:?}", wait.map(|w| w.1));
    }
}

#[test]
fn the_countdowns_allowance_for_requests_in_flight_ends_when_they_are_answered() {
    let t0 = Instant::now();
    let wall = SystemTime::now();
    let quota = Quota::new(3, secs(10));
    let mut s = state(&[quota]);
    assert!(s.try_take(t0).is_ok());
    assert!(s.try_take(t0).is_ok());
    let reset = wall + secs(RESET_IN);
    // The server has counted both and has one left, but the other might not have reached it yet:
    // the countdown says 0 (and the quota would allow one more).
    s.observe(StatusCode::OK, None, Some(3), Some((1, reset)), t0 + ms(50), wall + ms(50));
    s.finish(t0 + ms(50));
    let fallback = t0 + secs(RESET_IN) + RESET_MARGIN;
    assert!(matches!(held(s.try_take(t0 + ms(50))), Some((at, HeldBy::ServerWindow)) if at == fallback));
    // It had: both counted requests are ours, so the quota decides, and it has a slot.
    s.observe(StatusCode::OK, None, Some(3), Some((1, reset)), t0 + ms(60), wall + ms(60));
    s.finish(t0 + ms(60));
    assert!(s.try_take(t0 + ms(60)).is_ok());
    assert!(matches!(held(s.try_take(t0 + ms(60))), Some((at, HeldBy::Quota(_))) if at == t0 + ms(50) + secs(10)));
}

#[tokio::test]
async fn a_slot_freed_exactly_at_the_deadline_is_waited_for() {
    let window = Duration::from_millis(300);
    let pacer = Pacer::new(vec![Quota::new(1, window)], true);
    let finished = Instant::now();
    pacer.lock().finish(finished);
    // The slot frees at `finished + window`: a deadline then is met, not missed.
    let permit = pacer.acquire(Some(finished + window)).await;
    assert!(permit.is_ok(), "{:?}", permit.err());
    drop(permit);
    let held = pacer.acquire(Some(Instant::now() + window / 2)).await.map(drop).err();
    assert!(matches!(held, Some(Held { by: HeldBy::Quota(_), .. })), "{held:?}");
}
