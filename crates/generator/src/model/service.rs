//! What a provider's docs say about its service that OpenAPI has no keyword for, read from
//! `x-` extensions at the document's root, so any spec (or an overlay on it) can say them:
//!
//! ```yaml
//! x-rate-limits:                      # documented quotas; the client paces itself under them
//!   - {requests: 60, window-seconds: 60}
//!   - {requests: 10000, window-seconds: 86400}
//! x-request-id:                       # where a response carries its request id
//!   headers: [x-request-id]           # default: the runtime's common headers
//!   body-pointers: [/meta/request_id] # JSON pointers into a body, tried after the headers
//! x-max-response-bytes: 6291456       # the documented largest body (a cap for the client)
//! ```
//!
//! and, on an operation that declares its paging, `x-pagination-handwritten: true`: the crate
//! implements the operation's `Paginated` itself around the generated source (for a quirk no
//! paging extension can say).

use serde_json::Value;

use super::{RateLimit, ServiceFacts};
use crate::spec::{Pointer, Spec, SpecError};

pub const RATE_LIMITS: &str = "x-rate-limits";
pub const REQUEST_ID: &str = "x-request-id";
pub const MAX_RESPONSE_BYTES: &str = "x-max-response-bytes";
pub const PAGINATION_HANDWRITTEN: &str = "x-pagination-handwritten";

/// The documented quotas (`x-rate-limits`), in the order written.
pub fn rate_limits(spec: &Spec) -> Result<Vec<RateLimit>, SpecError> {
    let Some(value) = spec.doc.extensions.get(RATE_LIMITS) else { return Ok(Vec::new()) };
    let at = Pointer::root().push(RATE_LIMITS);
    let entries = value.as_array().ok_or_else(|| spec.error(&at, "must be a list of {requests, window-seconds}"))?;
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let at = at.push(&i.to_string());
            let number = |key: &str| {
                entry.get(key).and_then(Value::as_u64).filter(|n| *n > 0).ok_or_else(|| {
                    spec.error(
                        &at,
                        format!("needs `{key}`, a whole number above zero (e.g. {{requests: 60, window-seconds: 60}})"),
                    )
                })
            };
            let requests = u32::try_from(number("requests")?)
                .map_err(|_| spec.error(&at, "`requests` is larger than a client can count (2^32)"))?;
            Ok(RateLimit { requests, window_secs: number("window-seconds")? })
        })
        .collect()
}

/// Where the request id lives (`x-request-id`) and the body cap (`x-max-response-bytes`).
pub fn facts(spec: &Spec) -> Result<ServiceFacts, SpecError> {
    let mut facts = ServiceFacts::default();
    if let Some(value) = spec.doc.extensions.get(REQUEST_ID) {
        let at = Pointer::root().push(REQUEST_ID);
        let object = value.as_object().ok_or_else(|| spec.error(&at, "must be an object: {headers, body-pointers}"))?;
        for (key, list) in object {
            let strings = string_list(spec, &at.push(key), list)?;
            match key.as_str() {
                "headers" => facts.request_id_headers = strings,
                "body-pointers" => {
                    if let Some(bad) = strings.iter().find(|p| !p.starts_with('/')) {
                        return Err(
                            spec.error(&at.push(key), format!("{bad:?} is not a JSON pointer (starts with `/`)"))
                        );
                    }
                    facts.request_id_pointers = strings;
                }
                other => {
                    return Err(spec.error(&at.push(other), "unknown key: expected `headers` or `body-pointers`"));
                }
            }
        }
    }
    if let Some(value) = spec.doc.extensions.get(MAX_RESPONSE_BYTES) {
        let at = Pointer::root().push(MAX_RESPONSE_BYTES);
        let bytes = value.as_u64().filter(|n| *n > 0);
        facts.max_response_bytes =
            Some(bytes.ok_or_else(|| spec.error(&at, "must be a whole number of bytes above zero"))?);
    }
    Ok(facts)
}

fn string_list(spec: &Spec, at: &Pointer, value: &Value) -> Result<Vec<String>, SpecError> {
    let list = value.as_array().ok_or_else(|| spec.error(at, "must be a list of strings"))?;
    list.iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(|| spec.error(at, "must be a list of strings")))
        .collect()
}

/// Whether an operation's `Paginated` impl is handwritten by the crate (`x-pagination-handwritten`).
pub fn paging_handwritten(op: &openapiv3::Operation) -> bool {
    op.extensions.get(PAGINATION_HANDWRITTEN).and_then(Value::as_bool).unwrap_or(false)
}
