//! The response decoders and header parsers on arbitrary bytes: a value or a typed error, never
//! a panic, whatever a server sends. Fixed seed, bounded cases: they run with `cargo test`.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, LOCATION};
use reqwest::{Method, StatusCode};

use crate::config::RequestIdSource;
use crate::error::{excerpt_redacted, Error, EXCERPT_BYTES};
use crate::response::{RateLimit, RawResponse, ResponseMeta, ServerWait};

fn config(cases: u32, seed: u64) -> Config {
    Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, ..Config::default() }
}

const NAMES: [&str; 5] =
    ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "x-request-id"];

/// Header values as a server could send them: any bytes a header may carry, and numbers around
/// the edges of every integer type.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        any::<i64>().prop_map(|n| n.to_string().into_bytes()),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        Just(b"18446744073709551616".to_vec()),
        Just(b"Fri, 31 Dec 9999 23:59:59 GMT".to_vec()),
        Just(b"Thu, 01 Jan 1970 00:00:00 GMT".to_vec()),
    ]
}

fn headers(values: &[(usize, Vec<u8>)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, bytes) in values {
        if let Ok(v) = HeaderValue::from_bytes(bytes) {
            map.append(HeaderName::from_static(NAMES[name % NAMES.len()]), v);
        }
    }
    map
}

proptest! {
    #![proptest_config(config(512, 0x5eed_0002))]

    #[test]
    fn rate_limit_headers_never_panic_and_waits_stay_finite(
        values in proptest::collection::vec((0usize..5, value()), 0..8),
        status in 100u16..600,
        now_secs in 0u64..4_000_000_000,
    ) {
        let map = headers(&values);
        let now = UNIX_EPOCH + Duration::from_secs(now_secs);
        let limit = RateLimit::from_headers_at(&map, now);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        let wait = ServerWait::read(status, &map, &limit, now);
        if let Some(header) = &wait.header {
            prop_assert!(header.chars().count() <= 64 + "X-RateLimit-Reset: ".len(), "{header}");
        }
        let meta = ResponseMeta::new("op", status, map, 1);
        let _ = meta.server_wait().wait();
        let _ = crate::retry::server_wait(&meta);
    }

    #[test]
    fn retry_after_parses_or_is_absent(text in "\\PC{0,40}") {
        let _ = crate::response::parse_retry_after(&text);
        if let Ok(n) = text.trim().parse::<u64>() {
            prop_assert_eq!(crate::response::parse_retry_after(&text), Some(Duration::from_secs(n)));
        }
    }

    #[test]
    fn bodies_decode_or_fail_with_a_decode_error(body in proptest::collection::vec(any::<u8>(), 0..300), json_like in any::<bool>()) {
        let mut body = body;
        if json_like {
            body.insert(0, b'{');
        }
        let source = RequestIdSource { headers: RequestIdSource::COMMON_HEADERS, body_pointers: &["/meta/request_id", "/a/0/b", "/"] };
        let meta = ResponseMeta::new("op", StatusCode::OK, HeaderMap::new(), 1);
        let raw = RawResponse::with_request_id(meta, Bytes::from(body.clone()), &source);
        match raw.json::<serde_json::Value, ()>() {
            Ok(_) => {}
            Err(Error::Decode(e)) => prop_assert!(e.excerpt.len() <= EXCERPT_BYTES + '…'.len_utf8()),
            Err(other) => prop_assert!(false, "not a decode error: {other:?}"),
        }
        let _ = crate::response::request_id_from_body(&body, &["/meta/request_id"]);
    }

    #[test]
    fn request_ids_are_found_at_any_pointer_in_any_json(
        id in "[a-z0-9-]{1,12}",
        noise in proptest::collection::vec(("[a-z_]{1,6}", any::<i32>()), 0..6),
    ) {
        let mut meta = serde_json::Map::new();
        for (k, v) in &noise {
            meta.insert(k.clone(), serde_json::json!(v));
        }
        meta.insert("requestId".into(), serde_json::json!(id));
        let body = serde_json::json!({ "data": [1, {"x": null}], "meta": meta }).to_string();
        prop_assert_eq!(crate::response::request_id_from_body(body.as_bytes(), &["/meta/request_id", "/meta/requestId"]), Some(id));
    }

    #[test]
    fn excerpts_are_short_and_hide_the_secret(body in proptest::collection::vec(any::<u8>(), 0..600), secret in "[a-zA-Z0-9]{0,20}") {
        let text = excerpt_redacted(&body, Some(&secret));
        prop_assert!(text.len() <= EXCERPT_BYTES + '…'.len_utf8());
        if secret.len() >= 4 {
            prop_assert!(!text.contains(&secret));
        }
    }

    #[test]
    fn any_location_is_a_hop_or_an_error(location in proptest::collection::vec(any::<u8>(), 0..80), code in prop_oneof![Just(301u16), Just(302), Just(303), Just(307), Just(308)]) {
        let here = url::Url::parse("https://a.test/v1/media").map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut headers = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_bytes(&location) {
            headers.insert(LOCATION, v);
        }
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND);
        if let Ok(hop) = crate::redirect::next_hop(&here, &Method::POST, status, &headers) {
            prop_assert!(matches!(hop.url.scheme(), "http" | "https"));
        }
    }

    #[test]
    fn json_pointers_parse_or_are_refused(text in "\\PC{0,30}", body in "\\PC{0,60}") {
        if let Some(path) = crate::json_pointer::segments(&text) {
            let _ = crate::json_pointer::string_at(body.as_bytes(), &path);
        } else {
            prop_assert!(!text.starts_with('/'));
        }
    }
}
