//! What the three APIs have in common: query parsing, auth, error envelopes.

pub(crate) mod microcms;
pub(crate) mod posteverywhere;
pub(crate) mod utage;

use std::sync::Arc;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use crate::config::Provider;
use crate::state::Shared;
use crate::util::{iso8601_millis, now_unix_ms, percent_decode};

pub(crate) fn router(provider: Provider) -> Router<Arc<Shared>> {
    let routes = match provider {
        Provider::MicroCms => microcms::routes(),
        Provider::Utage => utage::routes(),
        Provider::PostEverywhere => posteverywhere::routes(),
    };
    routes.fallback(not_found)
}

async fn not_found(axum::extract::State(shared): axum::extract::State<Arc<Shared>>) -> Response {
    error(&shared, StatusCode::NOT_FOUND, "not_found", "Not found.", None)
}

/// Decodes `application/x-www-form-urlencoded` pairs; a bad escape is kept as written rather
/// than refused, as lenient servers do.
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        let s = s.replace('+', " ");
        percent_decode(&s).unwrap_or(s)
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The query of one request.
pub(crate) struct Params(Vec<(String, String)>);

/// A refused parameter: its name and why.
pub(crate) struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Params {
    pub fn new(query: Option<&str>) -> Self {
        Params(parse_query(query.unwrap_or("")))
    }

    /// The first value; duplicates after it are ignored.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The value, unless absent or empty (PHP frameworks treat `?keyword=` as not given).
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// An integer in `min..=max`, or the default when absent.
    pub fn int(&self, field: &'static str, default: u64, min: u64, max: u64) -> Result<u64, Invalid> {
        let Some(raw) = self.get(field) else {
            return Ok(default);
        };
        match raw.trim().parse::<u64>() {
            Ok(v) if (min..=max).contains(&v) => Ok(v),
            _ => Err(Invalid { field, message: format!("{field} must be an integer between {min} and {max}") }),
        }
    }

    /// `true` or `false`, or the default when absent.
    pub fn boolean(&self, field: &'static str, default: bool) -> Result<bool, Invalid> {
        match self.get(field) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(_) => Err(Invalid { field, message: format!("{field} must be true or false") }),
        }
    }
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    resp.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    resp
}

/// An error in the provider's own envelope: `{message}` for microCMS,
/// `{error:{code,message,details}}` for UTAGE, and the same inside `{data:null, error, meta}`
/// for PostEverywhere.
pub(crate) fn error(
    shared: &Shared,
    status: StatusCode,
    code: &str,
    message: &str,
    details: Option<Value>,
) -> Response {
    let body = match shared.provider {
        Provider::MicroCms => json!({ "message": message }),
        Provider::Utage => {
            json!({ "error": { "code": code, "message": message, "details": details } })
        }
        Provider::PostEverywhere => json!({
            "data": null,
            "error": { "code": code, "message": message, "details": details },
            "meta": meta(shared),
        }),
    };
    json_response(status, &body)
}

pub(crate) fn invalid(shared: &Shared, e: Invalid) -> Response {
    let details = json!({ "field": e.field });
    error(shared, StatusCode::BAD_REQUEST, "validation_error", &e.message, Some(details))
}

/// The PostEverywhere `meta` object.
pub(crate) fn meta(shared: &Shared) -> Value {
    json!({ "request_id": shared.request_id(), "timestamp": iso8601_millis(now_unix_ms()) })
}

/// The error every provider answers for a 5xx or 429 it was told to give.
pub(crate) fn status_error(shared: &Shared, status: StatusCode, retry_after: Option<u64>) -> Response {
    let (code, message) = match status.as_u16() {
        429 => ("rate_limit_exceeded", "Too many requests."),
        500 => ("internal_error", "Internal server error."),
        502 => ("bad_gateway", "Bad gateway."),
        503 => ("service_unavailable", "Service unavailable."),
        504 => ("gateway_timeout", "Gateway timeout."),
        _ => ("error", status.canonical_reason().unwrap_or("Error.")),
    };
    let details = retry_after.map(|s| json!({ "retry_after": s }));
    let mut resp = error(shared, status, code, message, details);
    if let Some(secs) = retry_after {
        resp.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    }
    resp
}

/// Checks the key the way the provider does: the error response if it is missing or wrong.
pub(crate) fn refuse_unauthorized(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    match shared.provider {
        Provider::MicroCms => {
            let ok = headers.get("x-microcms-api-key").is_some_and(|v| v.as_bytes() == shared.api_key.as_bytes());
            (!ok).then(|| {
                error(shared, StatusCode::FORBIDDEN, "forbidden", "X-MICROCMS-API-KEY header is invalid.", None)
            })
        }
        Provider::Utage | Provider::PostEverywhere => {
            let token = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                .map(|(_, token)| token.trim());
            if token == Some(shared.api_key.as_str()) {
                None
            } else {
                let message = match shared.provider {
                    Provider::Utage => "認証に失敗しました",
                    _ => "Missing or invalid API key",
                };
                Some(error(shared, StatusCode::UNAUTHORIZED, "unauthorized", message, None))
            }
        }
    }
}
