//! The errors a caller cannot build (their fields may grow) chain like the others: each level
//! once through `{:#}` (the rest of these checks are in `tests/http/error_chains.rs`).

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use super::{BodyTooLarge, Error, RateLimited, RedirectError, TimeoutError, TimeoutKind, WaitTooLong};
use crate::response::ResponseMeta;

fn check_chain<E: std::error::Error + Send + Sync + 'static>(error: E) {
    let mut levels = vec![error.to_string()];
    let mut cause = error.source();
    while let Some(inner) = cause {
        levels.push(inner.to_string());
        cause = inner.source();
    }
    let shown = format!("{:#}", anyhow::Error::new(error));
    assert_eq!(shown, levels.join(": "), "the chain must hold every level");
    for level in &levels {
        assert!(!level.is_empty(), "a level of {shown:?} says nothing");
        assert_eq!(shown.matches(level.as_str()).count(), 1, "{level:?} appears twice in {shown:?}");
    }
}

#[test]
fn errors_built_inside_the_crate_chain_without_repeating() {
    let operation = "listMedia";
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", http::HeaderValue::from_static("req-9"));
    let wait = ResponseMeta::new(operation, StatusCode::TOO_MANY_REQUESTS, headers, 1);
    let errors: Vec<Error<()>> = vec![
        Error::Timeout(TimeoutError {
            operation,
            elapsed: Duration::from_secs(3),
            kind: TimeoutKind::Total,
            attempts: 2,
        }),
        Error::BodyTooLarge(BodyTooLarge { operation, limit: 10 }),
        Error::RateLimited(RateLimited {
            operation,
            wait: Duration::from_secs(9),
            reason: "60/min".into(),
            attempts: 0,
        }),
        Error::Redirect(RedirectError { operation, problem: "stopped after 10 redirects".into() }),
        Error::WaitTooLong(WaitTooLong {
            wait: Duration::from_secs(90_000),
            cap: Duration::from_secs(3600),
            header: "Retry-After: 90000".into(),
            meta: Box::new(wait),
        }),
    ];
    for error in errors {
        check_chain(error);
    }
}
