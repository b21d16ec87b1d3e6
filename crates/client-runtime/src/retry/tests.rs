//! Unit tests of the retry policy, without I/O.

use std::time::SystemTime;

use super::*;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::Method;
use reqwest::StatusCode;

fn get() -> Request {
    Request::new("op", Method::GET, "/x".into())
}
fn post() -> Request {
    Request::new("op", Method::POST, "/x".into())
}
fn meta(status: u16, headers: &[(&'static str, &str)]) -> ResponseMeta {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(*name, value);
        }
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
    ResponseMeta::new("op", status, map, 1)
}

#[test]
fn classifier_retries_transient_outcomes_and_a_post_only_where_the_server_cannot_have_acted() {
    let c = StandardClassifier::default();
    for status in [429, 502, 503, 504] {
        let m = meta(status, &[]);
        assert_eq!(
            c.classify(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&m)),
            RetryClass::Retryable,
            "{status}"
        );
        // A 429 or 503 is a refusal to take the request; a 502 or 504 may come after it was done.
        let post_class = if matches!(status, 429 | 503) { RetryClass::Retryable } else { RetryClass::NotRetryable };
        assert_eq!(c.classify(&AttemptRequest::new(&post()), &AttemptOutcome::Response(&m)), post_class, "{status}");
    }
    for status in [200, 201, 400, 401, 403, 404, 500, 501] {
        let m = meta(status, &[]);
        assert_eq!(
            c.classify(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&m)),
            RetryClass::NotRetryable,
            "{status}"
        );
    }
    for kind in [FailureKind::Connect, FailureKind::Connection, FailureKind::Timeout] {
        assert_eq!(c.classify(&AttemptRequest::new(&get()), &AttemptOutcome::Failure(kind)), RetryClass::Retryable);
    }
    // Nothing reached the server: safe for any request. A broken connection or a timeout may
    // come after the server acted: not for a POST.
    assert_eq!(
        c.classify(&AttemptRequest::new(&post()), &AttemptOutcome::Failure(FailureKind::Connect)),
        RetryClass::Retryable
    );
    for kind in [FailureKind::Connection, FailureKind::Timeout] {
        assert_eq!(c.classify(&AttemptRequest::new(&post()), &AttemptOutcome::Failure(kind)), RetryClass::NotRetryable);
        let mut keyed = post();
        keyed.set_options(crate::RequestOptions::new().idempotency_key("k"));
        assert_eq!(
            c.classify(&AttemptRequest::new(&keyed), &AttemptOutcome::Failure(kind)),
            RetryClass::Retryable,
            "an idempotency key"
        );
        let mut marked = post();
        marked.set_idempotent(true);
        assert_eq!(
            c.classify(&AttemptRequest::new(&marked), &AttemptOutcome::Failure(kind)),
            RetryClass::Retryable,
            "a fixed-key POST"
        );
    }
    let permanent = AttemptOutcome::Failure(FailureKind::Permanent);
    assert_eq!(c.classify(&AttemptRequest::new(&get()), &permanent), RetryClass::NotRetryable);
    let put = Request::new("op", Method::PUT, "/x".into());
    let delete = Request::new("op", Method::DELETE, "/x".into());
    let m = meta(503, &[]);
    assert_eq!(c.classify(&AttemptRequest::new(&put), &AttemptOutcome::Response(&m)), RetryClass::Retryable);
    assert_eq!(c.classify(&AttemptRequest::new(&delete), &AttemptOutcome::Response(&m)), RetryClass::Retryable);
    let only_500 = StandardClassifier::with_statuses([500]);
    let m = meta(500, &[]);
    assert_eq!(only_500.classify(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&m)), RetryClass::Retryable);
}

#[test]
fn backoff_doubles_up_to_the_cap() {
    let b = Backoff::exponential(Duration::from_millis(100), Duration::from_secs(1)).with_jitter(Jitter::None);
    let delays: Vec<_> = (1..=6).map(|n| b.delay_with(n, Duration::ZERO, 0.5).as_millis()).collect();
    assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
    // Huge retry numbers saturate instead of overflowing.
    assert_eq!(b.delay_with(u32::MAX, Duration::ZERO, 0.5), Duration::from_secs(1));
}

#[test]
fn full_jitter_stays_within_zero_and_the_exponential() {
    let b = Backoff::exponential(Duration::from_millis(100), Duration::from_secs(1));
    assert_eq!(b.delay_with(3, Duration::ZERO, 0.0), Duration::ZERO);
    assert_eq!(b.delay_with(3, Duration::ZERO, 1.0), Duration::from_millis(400));
    assert_eq!(b.delay_with(3, Duration::ZERO, 0.25), Duration::from_millis(100));
    assert_eq!(b.delay_with(3, Duration::ZERO, f64::NAN), Duration::ZERO);
    for _ in 0..1000 {
        let d = b.delay(4, Duration::ZERO);
        assert!(d <= Duration::from_millis(800), "{d:?}");
    }
    // The draws actually spread (not all the same value).
    let draws: std::collections::HashSet<_> = (0..50).map(|_| b.delay(5, Duration::ZERO)).collect();
    assert!(draws.len() > 1);
}

#[test]
fn decorrelated_jitter_grows_from_the_previous_delay() {
    let b = Backoff::exponential(Duration::from_millis(100), Duration::from_secs(2)).with_jitter(Jitter::Decorrelated);
    assert_eq!(b.delay_with(1, Duration::ZERO, 0.0), Duration::from_millis(100));
    assert_eq!(b.delay_with(1, Duration::ZERO, 1.0), Duration::from_millis(300));
    assert_eq!(b.delay_with(2, Duration::from_millis(500), 1.0), Duration::from_millis(1500));
    assert_eq!(b.delay_with(3, Duration::from_secs(5), 1.0), Duration::from_secs(2));
    for _ in 0..1000 {
        let d = b.delay(2, Duration::from_millis(400));
        assert!(d >= Duration::from_millis(100) && d <= Duration::from_millis(1200), "{d:?}");
    }
}

#[test]
fn server_wait_prefers_retry_after_then_reset_when_exhausted() {
    let now = SystemTime::now();
    assert_eq!(server_wait(&meta(429, &[("retry-after", "3")])), Some(Duration::from_secs(3)));
    let in_5 = (now + Duration::from_secs(5)).duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs());
    let reset = in_5.map(|s| s.to_string()).unwrap_or_default();
    let exhausted = meta(200, &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]);
    let wait = server_wait(&exhausted).unwrap_or_default();
    assert!(wait > Duration::from_secs(3) && wait <= Duration::from_secs(5), "{wait:?}");
    let not_exhausted = meta(503, &[("x-ratelimit-remaining", "7"), ("x-ratelimit-reset", &reset)]);
    assert_eq!(server_wait(&not_exhausted), None);
    assert_eq!(server_wait(&meta(503, &[])), None);
}

#[test]
fn decisions_honour_attempts_deadline_and_retry_after() {
    let policy = RetryPolicy::default()
        .with_max_attempts(3)
        .with_backoff(Backoff::exponential(Duration::from_millis(100), Duration::from_secs(1)));
    let now = Instant::now();
    let mut state = RetryState::new(Some(now + Duration::from_secs(10)));
    state.record_attempt();
    let busy = meta(503, &[]);
    let outcome = AttemptOutcome::Response(&busy);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &outcome, &state, now, 1.0),
        RetryDecision::RetryAfter(Duration::from_millis(100))
    );
    let gateway = meta(504, &[]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&post()), &AttemptOutcome::Response(&gateway), &state, now, 1.0),
        RetryDecision::GiveUp(GiveUpReason::NotRetryable)
    );
    let ok = meta(200, &[]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&ok), &state, now, 1.0),
        RetryDecision::GiveUp(GiveUpReason::NotRetryable)
    );
    // Retry-After wins over a shorter backoff.
    let throttled = meta(429, &[("retry-after", "2")]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&throttled), &state, now, 1.0),
        RetryDecision::RetryAfter(Duration::from_secs(2))
    );
    // A wait past the deadline gives up at once.
    let far = meta(429, &[("retry-after", "60")]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&far), &state, now, 1.0),
        RetryDecision::GiveUp(GiveUpReason::OutOfTime { wait: Duration::from_secs(60) })
    );
    state.record_attempt();
    state.record_attempt();
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &outcome, &state, now, 1.0),
        RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted)
    );
    let mut once = RetryState::new(None);
    once.record_attempt();
    assert_eq!(
        RetryPolicy::disabled().decide_with(&AttemptRequest::new(&get()), &outcome, &once, now, 1.0),
        RetryDecision::GiveUp(GiveUpReason::AttemptsExhausted)
    );
}

#[test]
fn accessors_report_what_was_configured() {
    let classifier = StandardClassifier::with_statuses([500u16, 429]);
    assert_eq!(classifier.statuses(), [500, 429]);
    assert_eq!(StandardClassifier::default().statuses(), [429, 502, 503, 504]);
    let backoff = Backoff::exponential(Duration::from_millis(20), Duration::from_secs(3));
    assert_eq!(
        (backoff.base(), backoff.cap(), backoff.jitter()),
        (Duration::from_millis(20), Duration::from_secs(3), Jitter::Full)
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    assert_eq!(RetryState::new(Some(deadline)).deadline(), Some(deadline));
    assert_eq!(RetryState::new(None).deadline(), None);
    assert_eq!(RetryPolicy::default().budget(), Some(&RetryBudget::default()));
    assert_eq!(RetryPolicy::default().without_budget().budget(), None);
    assert_eq!(RetryPolicy::default().with_budget(RetryBudget::new(3)).budget().map(RetryBudget::retries), Some(3));
    assert_eq!(RetryPolicy::default().max_attempts(), 4);
    assert_eq!(RetryPolicy::default().with_max_attempts(7).max_attempts(), 7);
    assert_eq!(RetryPolicy::default().with_max_attempts(0).max_attempts(), 1, "at least the first attempt");
    assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
    let defaults = Backoff::default().with_jitter(Jitter::None);
    assert_eq!(
        RetryPolicy::default().backoff().compute(3, Duration::ZERO, 1.0),
        defaults.delay_with(3, Duration::ZERO, 1.0)
    );
    assert_eq!(
        RetryPolicy::default().with_backoff(backoff).backoff().compute(2, Duration::ZERO, 1.0),
        Duration::from_millis(40)
    );
}

/// A bucket of the caller's own: what a client built from the policy reports is its state.
#[derive(Debug)]
struct Fixed;

impl RetryBucket for Fixed {
    fn withdraw(&self, _: &AttemptOutcome<'_>) -> Result<(), BudgetState> {
        Err(BudgetState { available: 0, capacity: 7 })
    }
    fn settle(&self, _: &AttemptOutcome<'_>, _: u32) {}
    fn state(&self) -> Option<BudgetState> {
        Some(BudgetState { available: 5, capacity: 7 })
    }
}

#[test]
fn a_custom_bucket_is_the_one_clients_draw_from() {
    let fixed = Some(BudgetState { available: 5, capacity: 7 });
    assert_eq!(RetryPolicy::default().with_bucket(Fixed).new_bucket().state(), fixed);
    // Without one, each client gets a fresh, full bucket of the policy's budget.
    let own = RetryPolicy::default().with_budget(RetryBudget::new(3)).new_bucket().state();
    assert_eq!(own, Some(BudgetState { available: 3, capacity: 3 }));
    assert_eq!(RetryPolicy::default().without_budget().new_bucket().state(), None);
}

#[test]
fn a_custom_classifier_decides() {
    let policy = RetryPolicy::default().with_classifier(StandardClassifier::with_statuses([500u16]));
    let mut state = RetryState::new(None);
    state.record_attempt();
    let failed = meta(500, &[]);
    let now = Instant::now();
    assert!(matches!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&failed), &state, now, 0.0),
        RetryDecision::RetryAfter(_)
    ));
    let busy = meta(503, &[]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&busy), &state, now, 0.0),
        RetryDecision::GiveUp(GiveUpReason::NotRetryable)
    );
}

#[test]
fn a_wait_past_the_cap_gives_up_at_once_and_one_within_it_is_waited() {
    let policy = RetryPolicy::default();
    let mut state = RetryState::new(None).with_wait_cap(Duration::from_secs(60));
    state.record_attempt();
    let now = Instant::now();
    let far = meta(429, &[("retry-after", "61")]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&far), &state, now, 0.0),
        RetryDecision::GiveUp(GiveUpReason::WaitTooLong {
            wait: Duration::from_secs(61),
            cap: Duration::from_secs(60)
        })
    );
    let near = meta(429, &[("retry-after", "60")]);
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&near), &state, now, 0.0),
        RetryDecision::RetryAfter(Duration::from_secs(60))
    );
    let wait = server_wait(&far);
    assert_eq!(wait, Some(Duration::from_secs(61)));
    assert_eq!(far.server_wait().header.as_deref(), Some("Retry-After: 61"));
}

#[test]
fn the_wait_recorded_grows_the_next_decorrelated_delay() {
    let backoff =
        Backoff::exponential(Duration::from_millis(100), Duration::from_secs(10)).with_jitter(Jitter::Decorrelated);
    let policy = RetryPolicy::default().with_max_attempts(5).with_backoff(backoff);
    let mut state = RetryState::new(None);
    state.record_attempt();
    let failure = AttemptOutcome::Failure(FailureKind::Connect);
    let now = Instant::now();
    // The highest draw: three times the previous wait (the base, before any wait).
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &failure, &state, now, 1.0),
        RetryDecision::RetryAfter(Duration::from_millis(300))
    );
    state.record_wait(Duration::from_secs(1));
    state.record_attempt();
    assert_eq!(
        policy.decide_with(&AttemptRequest::new(&get()), &failure, &state, now, 1.0),
        RetryDecision::RetryAfter(Duration::from_secs(3))
    );
}

#[test]
fn a_one_shot_body_gives_up_with_the_reason_instead_of_retrying() {
    let policy = RetryPolicy::default();
    let mut state = RetryState::new(None).one_shot();
    state.record_attempt();
    let busy = meta(503, &[]);
    let decision =
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&busy), &state, Instant::now(), 0.0);
    assert_eq!(decision, RetryDecision::GiveUp(GiveUpReason::NotReplayable));
    assert!(GiveUpReason::NotReplayable.not_retried().is_some_and(|why| why.contains("one-shot")));
    assert_eq!(GiveUpReason::NotRetryable.not_retried(), None);
    let ok = meta(200, &[]);
    let decision =
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&ok), &state, Instant::now(), 0.0);
    assert_eq!(decision, RetryDecision::GiveUp(GiveUpReason::NotRetryable), "a success is no reason to mention");
}

#[test]
fn a_replaced_backoff_and_classifier_are_what_decides() {
    #[derive(Debug)]
    struct OnlyTeapots;
    impl ClassifyRetry for OnlyTeapots {
        fn classify(&self, _: &AttemptRequest<'_>, outcome: &AttemptOutcome<'_>) -> RetryClass {
            match outcome {
                AttemptOutcome::Response(m) if m.error_code() == Some("brewing") => RetryClass::Retryable,
                _ => RetryClass::NotRetryable,
            }
        }
    }
    let policy =
        RetryPolicy::default().with_classifier(OnlyTeapots).with_backoff(ConstantBackoff(Duration::from_millis(7)));
    let mut state = RetryState::new(None);
    state.record_attempt();
    let brewing = crate::response::RawResponse::new(
        meta(418, &[]),
        bytes::Bytes::from_static(br#"{"error":{"code":"brewing"}}"#),
    );
    let decision = policy.decide_with(
        &AttemptRequest::new(&get()),
        &AttemptOutcome::Response(brewing.meta()),
        &state,
        Instant::now(),
        1.0,
    );
    assert_eq!(decision, RetryDecision::RetryAfter(Duration::from_millis(7)), "the decoded error code decides");
    let busy = meta(503, &[]);
    let decision =
        policy.decide_with(&AttemptRequest::new(&get()), &AttemptOutcome::Response(&busy), &state, Instant::now(), 1.0);
    assert_eq!(decision, RetryDecision::GiveUp(GiveUpReason::NotRetryable));
}

#[test]
fn one_call_pays_each_retry_from_the_bucket_and_settles_once() {
    let bucket = TokenBucket::new(Some(RetryBudget::new(1).refill_per_success(0)));
    let policy = RetryPolicy::default().with_backoff(ConstantBackoff(Duration::ZERO));
    let mut call = CallRetries::new(&policy, &bucket, RetryState::new(None));
    let failed = AttemptOutcome::Failure(FailureKind::Connection);
    call.record_attempt();
    assert_eq!(call.decide(&get(), &failed), RetryDecision::RetryAfter(Duration::ZERO));
    call.record_attempt();
    let spent = BudgetState { available: 0, capacity: 1 };
    assert_eq!(call.decide(&get(), &failed), RetryDecision::GiveUp(GiveUpReason::BudgetSpent(spent)));
    let ok = meta(200, &[]);
    call.settle(&AttemptOutcome::Response(&ok));
    assert_eq!(bucket.state(), Some(BudgetState { available: 1, capacity: 1 }), "its retry came back");
}
