//! microCMS Management API: `GET /api/v1/media`, `GET /api/v2/media` (token paging),
//! `POST /api/v1/media` (multipart upload), `DELETE /api/v2/media?url=…`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{error, invalid, json_response, Params};
use crate::data::{Filter, Kind, Store};
use crate::state::{lock, Shared};
use crate::util::{base64_decode, base64_encode, fnv1a, iso8601_millis, mix, now_unix_ms, percent_encode};

/// The documented known issue: offsets above this return wrong data.
pub(crate) const V1_OFFSET_LIMIT: u64 = 10_000;
/// The documented upload limit.
pub(crate) const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Bodies read before giving up on an upload (anything between this and the limit is refused
/// with a proper 400 rather than a cut connection).
const MAX_READ_BYTES: usize = 32 * 1024 * 1024;
const ASSET_HOST: &str = "https://images.microcms-assets.io/assets";

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/api/v1/media", get(list_v1).post(upload)).route("/api/v2/media", get(list_v2).delete(delete))
}

fn bad_request(shared: &Shared, message: &str) -> Response {
    error(shared, StatusCode::BAD_REQUEST, "bad_request", message, None)
}

fn service_id(store: &Store) -> String {
    format!("{:016x}{:016x}", mix(store.seed(), 1, 1), mix(store.seed(), 2, 2))
}

fn serial_mask(store: &Store) -> u64 {
    mix(store.seed(), 0x5E, 0x5E)
}

/// The URL carries the serial (masked) and a check hash, so `DELETE ?url=` can find the item
/// without an index.
fn url(store: &Store, serial: u64, name: &str) -> String {
    let check = mix(store.seed(), serial, 0x0C);
    format!(
        "{ASSET_HOST}/{}/{check:016x}{:016x}/{}",
        service_id(store),
        serial ^ serial_mask(store),
        percent_encode(name)
    )
}

fn serial_from_url(store: &Store, url: &str) -> Option<u64> {
    let rest = url.strip_prefix(ASSET_HOST)?.strip_prefix('/')?;
    let rest = rest.strip_prefix(service_id(store).as_str())?.strip_prefix('/')?;
    let segment = rest.split('/').next()?;
    if segment.len() != 32 {
        return None;
    }
    let check = u64::from_str_radix(segment.get(..16)?, 16).ok()?;
    let serial = u64::from_str_radix(segment.get(16..)?, 16).ok()? ^ serial_mask(store);
    (check == mix(store.seed(), serial, 0x0C)).then_some(serial)
}

async fn list_v1(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::new(query.as_deref());
    let parsed = (|| {
        Ok((
            params.int("limit", 10, 1, 100)?,
            params.int("offset", 0, 0, u64::MAX)?,
            params.boolean("imageOnly", false)?,
        ))
    })();
    let (limit, offset, image_only) = match parsed {
        Ok(v) => v,
        Err(e) => return invalid(&shared, e),
    };
    // The real API cannot page past 10,000: emulate it by wrapping round to the start, so a
    // client sees duplicates of items it already has.
    let effective = if offset > V1_OFFSET_LIMIT { offset % V1_OFFSET_LIMIT } else { offset };
    let body = {
        let store = lock(&shared.store);
        let images = |s: u64| store.kind(s) == Kind::Image;
        let filter = image_only.then(|| Filter::new("v1:imageOnly", &images));
        let offset_usize = usize::try_from(effective).unwrap_or(usize::MAX);
        let (page, total) = store.offset_page(offset_usize, limit as usize, filter.as_ref());
        let media: Vec<Value> = page
            .into_iter()
            .map(|s| {
                let item = store.item(s);
                let mut m = Map::new();
                m.insert("id".into(), store.uuid(s).into());
                m.insert("url".into(), url(&store, s, &item.name).into());
                if item.kind == Kind::Image {
                    m.insert("width".into(), item.width.into());
                    m.insert("height".into(), item.height.into());
                }
                Value::Object(m)
            })
            .collect();
        json!({ "media": media, "totalCount": total, "limit": limit, "offset": offset })
    };
    shared.after_list();
    json_response(StatusCode::OK, &body)
}

/// What a v2 token carries: where to continue and the conditions of the first request.
/// Stateless, so the server keeps nothing per client and a retried token gives the same page.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
struct Cursor {
    /// Continue below this serial.
    #[serde(rename = "c")]
    below: u64,
    #[serde(rename = "l")]
    limit: u64,
    #[serde(rename = "i")]
    image_only: bool,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    file_name: Option<String>,
    #[serde(rename = "t", default, skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    alt: Option<String>,
    /// Unix milliseconds after which the token is refused.
    #[serde(rename = "x")]
    expires_ms: i64,
}

fn encode_token(seed: u64, cursor: &Cursor) -> String {
    let mut bytes = serde_json::to_vec(cursor).unwrap_or_default();
    let sum = fnv1a(seed, &bytes);
    bytes.extend_from_slice(&sum.to_be_bytes());
    base64_encode(&bytes)
}

fn decode_token(seed: u64, token: &str) -> Option<Cursor> {
    let bytes = base64_decode(token)?;
    let split = bytes.len().checked_sub(8)?;
    let (payload, sum) = bytes.split_at(split);
    if fnv1a(seed, payload).to_be_bytes() != sum {
        return None;
    }
    serde_json::from_slice(payload).ok()
}

async fn list_v2(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::new(query.as_deref());
    let seed = lock(&shared.store).seed();
    let cursor = if let Some(token) = params.get("token") {
        if params.has("limit") || params.has("imageOnly") {
            return bad_request(
                &shared,
                "limit and imageOnly cannot be specified together with token; they carry over from the first request.",
            );
        }
        // Filters sent again with a token are ignored: the token's own win, as the docs say
        // the conditions of the first request carry over.
        let Some(cursor) = decode_token(seed, token) else {
            return bad_request(&shared, "token is invalid.");
        };
        if now_unix_ms() > cursor.expires_ms {
            return bad_request(&shared, "token has expired. Send the first request again.");
        }
        cursor
    } else {
        let parsed = (|| Ok((params.int("limit", 10, 1, 100)?, params.boolean("imageOnly", false)?)))();
        let (limit, image_only) = match parsed {
            Ok(v) => v,
            Err(e) => return invalid(&shared, e),
        };
        let tags = params
            .text("tags")
            .map(|t| t.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        Cursor {
            below: u64::MAX,
            limit,
            image_only,
            file_name: params.text("fileName").map(str::to_owned),
            tags,
            alt: params.text("alt").map(str::to_owned),
            expires_ms: 0,
        }
    };

    let body = {
        let store = lock(&shared.store);
        let by_item = cursor.file_name.is_some() || !cursor.tags.is_empty() || cursor.alt.is_some();
        let matches = |s: u64| {
            if cursor.image_only && store.kind(s) != Kind::Image {
                return false;
            }
            if !by_item {
                return true;
            }
            // Cheapest test first: the name is the only one that allocates.
            cursor.alt.as_ref().is_none_or(|a| store.alt(s).is_some_and(|alt| alt.contains(a.as_str())))
                && (cursor.tags.is_empty() || {
                    let tags = store.tags(s);
                    cursor.tags.iter().all(|t| tags.contains(&t.as_str()))
                })
                && cursor.file_name.as_ref().is_none_or(|f| store.name(s).contains(f.as_str()))
        };
        let filtered = cursor.image_only || by_item;
        // The filter's key: the conditions the token carries, nothing else.
        let key = || format!("v2:{:?}/{:?}/{:?}/{:?}", cursor.image_only, cursor.file_name, cursor.tags, cursor.alt);
        let filter = filtered.then(|| Filter::new(key(), &matches));
        let (page, total) = store.cursor_page(cursor.below, cursor.limit as usize, filter.as_ref());
        let next = Cursor {
            below: page.last().copied().unwrap_or(cursor.below),
            expires_ms: now_unix_ms().saturating_add(i64::try_from(shared.token_ttl.as_millis()).unwrap_or(i64::MAX)),
            ..cursor.clone()
        };
        let media: Vec<Value> = page.into_iter().map(|s| media_v2(&store, s)).collect();
        json!({ "media": media, "totalCount": total, "token": encode_token(seed, &next) })
    };
    shared.after_list();
    json_response(StatusCode::OK, &body)
}

fn media_v2(store: &Store, serial: u64) -> Value {
    let item = store.item(serial);
    let mut m = Map::new();
    m.insert("id".into(), store.uuid(serial).into());
    m.insert("createdAt".into(), iso8601_millis(item.created_ms).into());
    m.insert("updatedAt".into(), iso8601_millis(item.updated_ms).into());
    m.insert("url".into(), url(store, serial, &item.name).into());
    if item.kind == Kind::Image {
        m.insert("width".into(), item.width.into());
        m.insert("height".into(), item.height.into());
    }
    if let Some(alt) = item.alt {
        m.insert("alt".into(), alt.into());
    }
    m.insert("tags".into(), item.tags.into());
    Value::Object(m)
}

async fn delete(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::new(query.as_deref());
    let Some(target) = params.text("url") else {
        return bad_request(&shared, "url is required.");
    };
    let mut store = lock(&shared.store);
    match serial_from_url(&store, target).filter(|s| store.contains(*s)) {
        Some(serial) => {
            let id = store.uuid(serial);
            store.remove(serial);
            json_response(StatusCode::OK, &json!({ "id": id }))
        }
        None => error(&shared, StatusCode::NOT_FOUND, "not_found", "Media not found.", None),
    }
}

async fn upload(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Ok(bytes) = axum::body::to_bytes(body, MAX_READ_BYTES).await else {
        return bad_request(&shared, "File size exceeds 5MB.");
    };
    let (name, len) = match multipart_file(content_type, &bytes) {
        Ok(found) => found,
        Err(message) => return bad_request(&shared, message),
    };
    if len > MAX_UPLOAD_BYTES {
        return bad_request(&shared, "File size exceeds 5MB.");
    }
    let mut store = lock(&shared.store);
    let serial = store.insert_uploaded(name.clone());
    json_response(StatusCode::CREATED, &json!({ "url": url(&store, serial, &name) }))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        let at = i + haystack.get(i..)?.iter().position(|&b| b == first)?;
        if haystack.get(at..at + needle.len())? == needle {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The file name and size of the `file` part of a multipart/form-data body.
fn multipart_file(content_type: &str, body: &[u8]) -> Result<(String, usize), &'static str> {
    const NOT_MULTIPART: &str = "The request must be multipart/form-data with a file field.";
    if !content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(NOT_MULTIPART);
    }
    let boundary = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("boundary="))
        .map(|b| b.trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or(NOT_MULTIPART)?;
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let mut pos = find(body, delimiter.as_bytes(), 0).ok_or(NOT_MULTIPART)? + delimiter.len();
    while !body.get(pos..).is_some_and(|rest| rest.starts_with(b"--")) {
        let head_end = find(body, b"\r\n\r\n", pos).ok_or(NOT_MULTIPART)?;
        let head = String::from_utf8_lossy(body.get(pos..head_end).unwrap_or_default());
        let start = head_end + 4;
        let end = find(body, next_delimiter.as_bytes(), start).ok_or(NOT_MULTIPART)?;
        let disposition =
            head.lines().find(|l| l.to_ascii_lowercase().starts_with("content-disposition:")).unwrap_or("");
        let attr = |key: &str| {
            disposition.split(';').map(str::trim).find_map(|p| {
                p.strip_prefix(key).and_then(|v| v.strip_prefix('=')).map(|v| v.trim_matches('"').to_owned())
            })
        };
        if attr("name").as_deref() == Some("file") {
            let name = attr("filename").filter(|n| !n.is_empty()).unwrap_or_else(|| "file".to_owned());
            return Ok((name, end - start));
        }
        pos = end + next_delimiter.len();
    }
    Err(NOT_MULTIPART)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trip_and_tamper() {
        let c = Cursor {
            below: 12,
            limit: 5,
            image_only: true,
            file_name: Some("猫".into()),
            tags: vec!["animals".into()],
            alt: None,
            expires_ms: 99,
        };
        let t = encode_token(7, &c);
        assert_eq!(decode_token(7, &t), Some(c));
        assert_eq!(decode_token(8, &t), None);
        assert_eq!(decode_token(7, "garbage"), None);
        assert_eq!(decode_token(7, ""), None);
    }

    #[test]
    fn urls_lead_back_to_the_item() {
        let store = Store::new(3, 50);
        let u = url(&store, 17, &store.name(17));
        assert_eq!(serial_from_url(&store, &u), Some(17));
        assert_eq!(serial_from_url(&store, "https://example.com/x"), None);
    }

    #[test]
    fn parses_a_multipart_body() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n12345\r\n--XX--\r\n";
        assert_eq!(multipart_file("multipart/form-data; boundary=XX", body), Ok(("a.png".into(), 5)));
        assert!(multipart_file("application/json", body).is_err());
        assert!(multipart_file("multipart/form-data; boundary=YY", body).is_err());
    }
}
