//! PostEverywhere API: `GET /api/v1/media` with offset paging and no total, `GET` and `DELETE
//! /api/v1/media/{media_id}`, the three-step upload (`POST /media/upload`, the bytes to the
//! signed-storage origin, `POST /media/{media_id}/complete`) and `POST /media/upload-from-url`,
//! all in the `{data, error, meta}` envelope.
//!
//! What the docs leave open, decided here: `complete` before the file reached storage answers
//! 409 `upload_incomplete` ("not found in storage"); an unsupported type is 415, an oversize file
//! 400 `validation_error`; images go by multipart POST, videos and documents by PUT (the
//! upload-media page's split).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{error, invalid, json_response, meta, Invalid, Params};
use crate::data::{Filter, Kind, Store};
use crate::state::{lock, Shared};
use crate::uploads::Pending;
use crate::util::{fnv1a, iso8601_millis, mix, now_unix_ms, percent_encode};

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v1/media", get(list))
        .route("/api/v1/media/upload", post(upload))
        .route("/api/v1/media/upload-from-url", post(upload_from_url))
        .route("/api/v1/media/{media_id}", get(get_media).delete(delete_media))
        .route("/api/v1/media/{media_id}/complete", post(complete))
}

struct Query {
    kind: Option<Kind>,
    limit: u64,
    offset: u64,
}

fn parse(params: &Params) -> Result<Query, Invalid> {
    let kind = match params.get("type") {
        None => None,
        Some("image") => Some(Kind::Image),
        Some("video") => Some(Kind::Video),
        Some("document") => Some(Kind::Document),
        Some(_) => return Err(Invalid { field: "type", message: "type must be one of image, video, document".into() }),
    };
    Ok(Query { kind, limit: params.int("limit", 20, 1, 100)?, offset: params.int("offset", 0, 0, u64::MAX)? })
}

/// A listed item: an upload's own id and metadata, or the seeded item's.
fn item_of(shared: &Shared, store: &Store, serial: u64) -> Value {
    if let Some(u) = lock(&shared.uploads).by_serial(serial) {
        return json!({
            "media_id": u.media_id,
            "status": u.status,
            "type": u.kind.as_str(),
            "filename": u.filename,
            "content_type": u.content_type,
            "size": u.size,
            "width": u.width,
            "height": u.height,
            "duration": u.duration,
            "created_at": iso8601_millis(u.created_ms),
        });
    }
    item(store, serial)
}

fn item(store: &Store, serial: u64) -> Value {
    let item = store.item(serial);
    json!({
        "media_id": store.uuid(serial),
        "status": item.status,
        "type": item.kind.as_str(),
        "filename": item.name,
        "content_type": item.mime,
        "size": item.size,
        "width": item.width,
        "height": item.height,
        "duration": item.duration,
        "created_at": iso8601_millis(item.created_ms),
    })
}

async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let q = match parse(&Params::new(query.as_deref())) {
        Ok(q) => q,
        Err(e) => return invalid(&shared, e),
    };
    let data = {
        let store = lock(&shared.store);
        let of_kind = |s: u64| Some(store.kind(s)) == q.kind;
        let filter = q.kind.map(|k| Filter::new(format!("type:{k:?}"), &of_kind));
        let offset = usize::try_from(q.offset).unwrap_or(usize::MAX);
        let (page, _) = store.offset_page(offset, q.limit as usize, filter.as_ref());
        let items: Vec<Value> = page.into_iter().map(|s| item_of(&shared, &store, s)).collect();
        let ids: Vec<Value> = items.iter().map(|i| i["media_id"].clone()).collect();
        json!({
            "items": items,
            "media_ids": ids,
            "pagination": { "limit": q.limit, "offset": q.offset },
        })
    };
    shared.after_list();
    let body = json!({ "data": data, "error": null, "meta": meta(&shared) });
    json_response(StatusCode::OK, &body)
}

// ---- get, delete, the three-step upload and upload-from-url ----

const MB: u64 = 1024 * 1024;
/// Images and documents.
pub(crate) const MAX_IMAGE_BYTES: u64 = 20 * MB;
pub(crate) const MAX_VIDEO_BYTES: u64 = 500 * MB;
const MAX_URL_IMAGE_BYTES: u64 = 25 * MB;
const IMAGE_TYPES: [&str; 6] = ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif"];

fn envelope(shared: &Shared, status: StatusCode, data: Value) -> Response {
    json_response(status, &json!({ "data": data, "error": null, "meta": meta(shared) }))
}

fn validation(shared: &Shared, message: &str, details: Option<Value>) -> Response {
    error(shared, StatusCode::BAD_REQUEST, "validation_error", message, details)
}

fn media_not_found(shared: &Shared) -> Response {
    error(shared, StatusCode::NOT_FOUND, "not_found", "Media not found.", None)
}

/// The serial of a listed item by its media id: an upload's own id, or a seeded item's UUID
/// (found by a scan; test libraries are small).
fn find(shared: &Shared, store: &Store, media_id: &str) -> Option<u64> {
    if let Some(serial) = lock(&shared.uploads).serial_of(media_id) {
        return store.contains(serial).then_some(serial);
    }
    store.iter_below(u64::MAX).find(|s| lock(&shared.uploads).by_serial(*s).is_none() && store.uuid(*s) == media_id)
}

fn detail(shared: &Shared, store: &Store, serial: u64) -> Value {
    let mut value = item_of(shared, store, serial);
    let id = value["media_id"].clone();
    value["media_ids"] = json!([id]);
    value
}

async fn get_media(State(shared): State<Arc<Shared>>, Path(media_id): Path<String>) -> Response {
    let store = lock(&shared.store);
    match find(&shared, &store, &media_id) {
        Some(serial) => envelope(&shared, StatusCode::OK, detail(&shared, &store, serial)),
        None => media_not_found(&shared),
    }
}

async fn delete_media(State(shared): State<Arc<Shared>>, Path(media_id): Path<String>) -> Response {
    if let Some(posts) = lock(&shared.uploads).posts_of(&media_id) {
        let details = json!({ "post_ids": posts });
        let message = "Cannot delete media that is attached to scheduled posts.";
        return error(&shared, StatusCode::CONFLICT, "media_in_use", message, Some(details));
    }
    // An announced upload that never completed can be deleted too (a client cleaning up).
    if lock(&shared.uploads).forget_pending(&media_id) {
        shared.storage.remove(&media_id);
        return envelope(&shared, StatusCode::OK, json!({ "media_id": media_id, "deleted": true }));
    }
    let mut store = lock(&shared.store);
    let Some(serial) = find(&shared, &store, &media_id) else {
        return media_not_found(&shared);
    };
    store.remove(serial);
    lock(&shared.uploads).remove(&media_id);
    shared.storage.remove(&media_id);
    envelope(&shared, StatusCode::OK, json!({ "media_id": media_id, "deleted": true }))
}

#[derive(Deserialize)]
struct UploadRequest {
    filename: Option<String>,
    content_type: Option<String>,
    size: Option<u64>,
    width: Option<u64>,
    height: Option<u64>,
    duration: Option<f64>,
}

fn max_size_of(content_type: &str) -> Option<u64> {
    match content_type {
        t if IMAGE_TYPES.contains(&t) || t == "application/pdf" => Some(MAX_IMAGE_BYTES),
        "video/mp4" => Some(MAX_VIDEO_BYTES),
        _ => None,
    }
}

/// The body as JSON, or the 400 to answer (boxed: a `Response` is large).
fn json_body<T: serde::de::DeserializeOwned>(shared: &Shared, body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(error(shared, StatusCode::BAD_REQUEST, "bad_request", &format!("Invalid JSON body: {e}"), None))
    })
}

async fn upload(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: UploadRequest = match json_body(&shared, &body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let (Some(filename), Some(content_type), Some(size)) = (req.filename, req.content_type, req.size) else {
        return validation(&shared, "filename, content_type and size are required.", None);
    };
    if filename.is_empty() || filename.chars().count() > 255 {
        return validation(&shared, "filename must be 1 to 255 characters.", Some(json!({ "field": "filename" })));
    }
    let Some(max_size) = max_size_of(&content_type) else {
        let message = format!(
            "Unsupported content type {content_type}. Supported: JPEG, PNG, GIF, WebP, HEIC, HEIF, MP4 (H.264), PDF."
        );
        return error(&shared, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", &message, None);
    };
    if size > max_size {
        let message = format!("File is too large: {size} bytes; the limit for {content_type} is {max_size} bytes.");
        return validation(&shared, &message, Some(json!({ "field": "size", "max_size": max_size })));
    }
    let pending = Pending {
        filename,
        content_type: content_type.clone(),
        size: Some(size),
        width: req.width,
        height: req.height,
        duration: req.duration,
        folder_id: None,
    };
    let seed = lock(&shared.store).seed();
    let media_id =
        lock(&shared.uploads).announce(pending, |n| crate::util::uuid(mix(seed, n, 0xA1), mix(seed, n, 0xA2)));
    // As the upload-media page has it: images as a multipart POST, videos and documents as a PUT.
    let image = content_type.starts_with("image/");
    let (method, upload_method) = if image {
        ("POST", json!({ "method": "POST", "content_type": "multipart/form-data", "field_name": "file" }))
    } else {
        ("PUT", json!({ "method": "PUT", "content_type": content_type, "headers": { "Content-Type": content_type } }))
    };
    let data = json!({
        "media_id": media_id,
        "media_ids": [media_id],
        "upload_url": shared.storage.signed_url(method, &media_id),
        "upload_method": upload_method,
        "provider": if image { "cloudflare_images" } else { "r2" },
        "expires_in": shared.storage.url_ttl().as_secs(),
        "max_size": max_size,
        "next_step": format!("Upload the file to upload_url, then call POST /media/{media_id}/complete."),
    });
    envelope(&shared, StatusCode::CREATED, data)
}

async fn complete(State(shared): State<Arc<Shared>>, Path(media_id): Path<String>) -> Response {
    if let Some(status) = lock(&shared.uploads).take_fail_complete() {
        return super::status_error(
            &shared,
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            None,
        );
    }
    let pending = lock(&shared.uploads).pending(&media_id).cloned();
    let Some(pending) = pending else {
        // Completing twice answers the item again.
        let store = lock(&shared.store);
        return match lock(&shared.uploads).serial_of(&media_id).filter(|s| store.contains(*s)) {
            Some(serial) => envelope(&shared, StatusCode::OK, completed(&shared, &store, serial)),
            None => media_not_found(&shared),
        };
    };
    let object = shared.storage.object(&media_id);
    let not_ready = lock(&shared.uploads).take_not_ready();
    let Some(object) = object.filter(|_| !not_ready) else {
        let message = "The file has not reached storage yet (not found in storage). Upload it to upload_url, then call complete again.";
        return error(&shared, StatusCode::CONFLICT, "upload_incomplete", message, None);
    };
    if pending.size.is_some_and(|announced| announced != object.size) {
        let message =
            format!("The stored file is {} bytes; {} were announced.", object.size, pending.size.unwrap_or(0));
        return validation(&shared, &message, Some(json!({ "field": "size" })));
    }
    let mut store = lock(&shared.store);
    let serial = store.insert_uploaded(pending.filename.clone());
    lock(&shared.uploads).complete(&media_id, serial, object.size, now_unix_ms());
    envelope(&shared, StatusCode::OK, completed(&shared, &store, serial))
}

fn completed(shared: &Shared, store: &Store, serial: u64) -> Value {
    let mut value = detail(shared, store, serial);
    if let Some(map) = value.as_object_mut() {
        map.remove("filename");
        map.insert("next_step".into(), json!("Attach it to a post with media_ids."));
    }
    value
}

#[derive(Deserialize)]
struct FromUrlRequest {
    url: Option<String>,
    filename: Option<String>,
}

/// Private, loopback and link-local hosts are refused (documented), by their literal form.
fn is_private_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.starts_with("fe80:")
        || host.starts_with("fc")
        || host.starts_with("fd")
    {
        return true;
    }
    match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_private() || ip.is_loopback() || ip.is_link_local() || ip.is_unspecified(),
        Err(_) => false,
    }
}

async fn upload_from_url(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: FromUrlRequest = match json_body(&shared, &body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let Some(url) = req.url.filter(|u| !u.is_empty()) else {
        return validation(&shared, "url is required.", Some(json!({ "field": "url" })));
    };
    let Some(rest) = url.strip_prefix("https://") else {
        return validation(&shared, "url must be a public HTTPS URL.", Some(json!({ "field": "url" })));
    };
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_once(']').map_or(host, |(h, _)| h)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    if host.is_empty() || is_private_host(host) {
        return validation(
            &shared,
            "url must be a public HTTPS URL (private, loopback and link-local addresses are refused).",
            Some(json!({ "field": "url" })),
        );
    }
    let path = path.split(['?', '#']).next().unwrap_or("");
    let filename = req
        .filename
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| crate::util::percent_decode(path.rsplit('/').next().unwrap_or("")).unwrap_or_default());
    let (kind, content_type) = crate::data::ext_kind(&filename);
    if kind != Kind::Image || !IMAGE_TYPES.contains(&content_type) {
        let message = "Only images (JPEG, PNG, GIF, WebP, HEIC, HEIF) up to 25 MB can be uploaded from a URL. Use POST /media/upload for videos and documents.";
        return error(&shared, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", message, None);
    }
    // The sandbox fetches nothing: the size is derived from the URL, always under the limit.
    let size = 10_000 + fnv1a(0, url.as_bytes()) % (MAX_URL_IMAGE_BYTES / 2);
    let pending = Pending {
        filename: filename.clone(),
        content_type: content_type.into(),
        size: Some(size),
        width: None,
        height: None,
        duration: None,
        folder_id: None,
    };
    let seed = lock(&shared.store).seed();
    let media_id =
        lock(&shared.uploads).announce(pending, |n| crate::util::uuid(mix(seed, n, 0xB1), mix(seed, n, 0xB2)));
    let serial = lock(&shared.store).insert_uploaded(filename.clone());
    lock(&shared.uploads).complete(&media_id, serial, size, now_unix_ms());
    let data = json!({
        "media_id": media_id,
        "media_ids": [media_id],
        "media_status": "ready",
        "type": "image",
        "url": format!("https://cdn.posteverywhere.example/media/{media_id}/{}", percent_encode(&filename)),
        "filename": filename,
        "size": size,
        "content_type": content_type,
        "source_url": url,
        "next_step": "Attach it to a post with media_ids.",
    });
    envelope(&shared, StatusCode::OK, data)
}
