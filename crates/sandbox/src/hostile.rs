//! Hostile switches: a server that breaks its own docs, as a client must survive. They sit
//! around the provider's routes (after the key check and the ordinary faults), rewriting the
//! request before a handler sees it and the response after:
//!
//! - `ignore_position`: `offset` and `page` are dropped, so every list request answers the
//!   first window (a server that ignores them);
//! - `fresh_tokens` (microCMS v2): the `token` is dropped, so every request answers the first
//!   page, and each answer carries a token never seen before;
//! - `headers`: set on every answer (an absurd `X-RateLimit-Reset` or `Retry-After`);
//! - `refusals`: the next N answers are a 429 in the provider's envelope, with `headers`;
//! - `numbers`: values put at JSON pointers of every JSON answer (a `total` near `i64::MAX`, a
//!   negative count).
//!
//! Each switch is counted in [`HostileHandle::rewritten`], so a test can tell it was hit.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::providers;
use crate::state::Shared;

/// The switches. All off by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hostile {
    /// Drop `offset` and `page` from every request.
    pub ignore_position: bool,
    /// Drop `token` from every request and answer with a new token each time.
    pub fresh_tokens: bool,
    /// Headers set on every answer.
    pub headers: Vec<(String, String)>,
    /// The next N answers are 429s.
    pub refusals: u32,
    /// `(JSON pointer, value)` put into every JSON answer where the pointer leads to a value.
    pub numbers: Vec<(String, Value)>,
}

#[derive(Debug, Default)]
pub(crate) struct HostileState {
    switches: Hostile,
    /// Tokens handed out, to make each one new.
    tokens: u64,
    /// Requests or responses a switch changed.
    rewritten: u64,
}

/// Sets the hostile switches of a running sandbox.
#[derive(Clone, Debug)]
pub struct HostileHandle {
    pub(crate) state: Arc<Mutex<HostileState>>,
}

pub(crate) fn lock(state: &Mutex<HostileState>) -> MutexGuard<'_, HostileState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl HostileHandle {
    /// Replaces every switch.
    pub fn set(&self, switches: Hostile) {
        lock(&self.state).switches = switches;
    }
    /// Drops `offset` and `page` from every request.
    pub fn ignore_position(&self) {
        lock(&self.state).switches.ignore_position = true;
    }
    /// Answers the first page with a new token to every microCMS v2 request.
    pub fn fresh_tokens(&self) {
        lock(&self.state).switches.fresh_tokens = true;
    }
    /// Sets `name: value` on every answer.
    pub fn header(&self, name: &str, value: &str) {
        lock(&self.state).switches.headers.push((name.to_owned(), value.to_owned()));
    }
    /// Answers the next `n` requests with a 429 (and the headers set).
    pub fn refuse(&self, n: u32) {
        lock(&self.state).switches.refusals = n;
    }
    /// Puts `value` at `pointer` in every JSON answer that has it.
    pub fn number(&self, pointer: &str, value: impl Into<Value>) {
        lock(&self.state).switches.numbers.push((pointer.to_owned(), value.into()));
    }
    /// Requests or answers a switch changed so far.
    pub fn rewritten(&self) -> u64 {
        lock(&self.state).rewritten
    }
}

/// The middleware: `State` is the sandbox's shared state and the switches.
pub(crate) async fn apply(
    State((shared, state)): State<(Arc<Shared>, Arc<Mutex<HostileState>>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let (switches, token) = {
        let mut s = lock(&state);
        s.tokens += 1;
        (s.switches.clone(), s.tokens)
    };
    let mut changed = 0;
    if switches.refusals > 0 {
        lock(&state).switches.refusals -= 1;
        let mut response = providers::status_error(&shared, StatusCode::TOO_MANY_REQUESTS, None);
        set_headers(&mut response, &switches.headers);
        lock(&state).rewritten += 1;
        return response;
    }
    let mut dropped = Vec::new();
    if switches.ignore_position {
        dropped.extend(["offset", "page"]);
    }
    if switches.fresh_tokens {
        dropped.push("token");
    }
    if let Some(uri) = without_params(request.uri(), &dropped) {
        *request.uri_mut() = uri;
        changed += 1;
    }
    let mut response = next.run(request).await;
    if switches.fresh_tokens || !switches.numbers.is_empty() {
        let (parts, body) = response.into_parts();
        let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
        response = match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut json) => {
                if switches.fresh_tokens {
                    if let Some(Value::String(t)) = json.get_mut("token") {
                        t.push_str(&format!("~{token}"));
                        changed += 1;
                    }
                }
                for (pointer, value) in &switches.numbers {
                    if let Some(slot) = json.pointer_mut(pointer) {
                        *slot = value.clone();
                        changed += 1;
                    }
                }
                let mut r = (parts.status, json.to_string()).into_response();
                r.headers_mut().extend(
                    parts
                        .headers
                        .into_iter()
                        .filter(|(n, _)| n.as_ref().is_none_or(|n| n != axum::http::header::CONTENT_LENGTH)),
                );
                r
            }
            Err(_) => Response::from_parts(parts, Body::from(bytes)),
        };
    }
    if !switches.headers.is_empty() {
        set_headers(&mut response, &switches.headers);
        changed += 1;
    }
    lock(&state).rewritten += changed;
    response
}

fn set_headers(response: &mut Response, headers: &[(String, String)]) {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            response.headers_mut().insert(name, value);
        }
    }
}

/// `uri` without the query parameters named in `names`; `None` when it has none of them.
fn without_params(uri: &Uri, names: &[&str]) -> Option<Uri> {
    let query = uri.query()?;
    let named = |pair: &str| names.contains(&pair.split('=').next().unwrap_or(pair));
    if !query.split('&').any(named) {
        return None;
    }
    let kept: Vec<&str> = query.split('&').filter(|p| !named(p)).collect();
    let path = if kept.is_empty() { uri.path().to_owned() } else { format!("{}?{}", uri.path(), kept.join("&")) };
    path.parse().ok()
}
