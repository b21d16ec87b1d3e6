//! UTAGE public API: `GET /v1/media` with page-number paging, and the upload a community guide
//! confirmed over REST: `POST /v1/media/upload-url` (`filename`, `filetype`, `folder_id`) →
//! `media_id` and `presigned_post {url, fields}`; a multipart POST of the fields and then `file`
//! to the storage origin (204); `POST /v1/media/complete` (`media_id`) → the `Media`.
//!
//! Decided here where nothing is documented: upload-url answers 200 with those two fields at the
//! top level; `complete` before the file reached storage answers 400 `upload_incomplete`, an
//! unknown id 404; a video MIME type is stored as normal media and `complete` adds the `notice`
//! the vendor's `Media` schema documents.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{error, invalid, json_response, Invalid, Params};
use crate::data::{Filter, Store};
use crate::state::{lock, Shared};
use crate::uploads::Pending;
use crate::util::{mix, now_unix_ms, percent_encode, ymd_hms};

pub(crate) const MAX_PER_PAGE: u64 = 100;
/// UTAGE is a Japanese service and its `Y-m-d H:i:s` carries no zone: we show JST.
const JST_OFFSET_SECS: i64 = 9 * 3600;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/v1/media", get(list))
        .route("/v1/media/upload-url", post(upload_url))
        .route("/v1/media/complete", post(complete))
}

fn paging(params: &Params) -> Result<(u64, u64), Invalid> {
    let page = params.int("page", 1, 1, u64::MAX)?;
    // Too large a per_page is clamped to 100, not refused (documented); below 1 is refused.
    let per_page = params.int("per_page", 20, 1, u64::MAX)?.min(MAX_PER_PAGE);
    Ok((page, per_page))
}

fn media_id(item_hash: u64, serial: u64) -> String {
    format!("{:016x}{:08x}", item_hash, serial as u32)
}

/// A listed item: an upload's own id and metadata, or the seeded item's.
fn media_of(shared: &Shared, store: &Store, serial: u64) -> Value {
    let Some(u) = lock(&shared.uploads).by_serial(serial).cloned() else {
        return media(store, serial);
    };
    json!({
        "id": u.media_id,
        "name": u.filename,
        "url": format!("https://utage-system.com/storage/media/{}/{}", u.media_id, percent_encode(&u.filename)),
        "size": u.size,
        "mime_type": u.content_type,
        "folder_id": u.folder_id,
        "created_at": ymd_hms(u.created_ms.div_euclid(1000) + JST_OFFSET_SECS),
    })
}

/// The folder of an item: an upload's chosen one, or the seeded item's.
fn folder_of(shared: &Shared, store: &Store, serial: u64) -> Option<usize> {
    match lock(&shared.uploads).by_serial(serial) {
        Some(u) => u.folder_id.as_ref().and_then(|id| store.folder_ids().iter().position(|f| f == id)),
        None => store.folder(serial),
    }
}

fn media(store: &Store, serial: u64) -> Value {
    let item = store.item(serial);
    let id = media_id(item.hash, serial);
    json!({
        "id": id,
        "name": item.name,
        "url": format!("https://utage-system.com/storage/media/{id}/{}", percent_encode(&item.name)),
        "size": item.size,
        "mime_type": item.mime,
        "folder_id": item.folder.map(|f| store.folder_ids()[f].clone()),
        "created_at": ymd_hms(item.created_ms.div_euclid(1000) + JST_OFFSET_SECS),
    })
}

async fn list(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = Params::new(query.as_deref());
    let (page, per_page) = match paging(&params) {
        Ok(v) => v,
        Err(e) => return invalid(&shared, e),
    };
    // Like SQL LIKE under a case-insensitive collation.
    let keyword = params.text("keyword").map(str::to_lowercase);
    let folder_id = params.text("folder_id");
    let body = {
        let store = lock(&shared.store);
        let folder_index = folder_id.map(|id| store.folder_ids().iter().position(|f| f == id));
        let matches = |s: u64| {
            let in_folder = match folder_index {
                // An unknown folder holds nothing.
                Some(index) => index.is_some() && folder_of(&shared, &store, s) == index,
                // Neither filter: the root folder only (documented).
                None if keyword.is_none() => folder_of(&shared, &store, s).is_none(),
                None => true,
            };
            in_folder && keyword.as_ref().is_none_or(|k| store.name(s).to_lowercase().contains(k.as_str()))
        };
        let offset = (page - 1).saturating_mul(per_page);
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let filter = Filter::new(format!("{keyword:?}/{folder_id:?}"), &matches);
        let (items, total) = store.offset_page(offset, per_page as usize, Some(&filter));
        let data: Vec<Value> = items.into_iter().map(|s| media_of(&shared, &store, s)).collect();
        json!({
            "data": data,
            "meta": { "current_page": page, "per_page": per_page, "total": total },
        })
    };
    shared.after_list();
    json_response(StatusCode::OK, &body)
}

#[derive(Deserialize)]
struct UploadUrlRequest {
    filename: Option<String>,
    filetype: Option<String>,
    folder_id: Option<String>,
}

fn validation(shared: &Shared, field: &str, message: &str) -> Response {
    error(shared, StatusCode::BAD_REQUEST, "validation_error", message, Some(json!({ "field": field })))
}

/// The body as JSON, or the 400 to answer (boxed: a `Response` is large).
fn json_body<T: serde::de::DeserializeOwned>(shared: &Shared, body: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|_| {
        Box::new(error(shared, StatusCode::BAD_REQUEST, "validation_error", "リクエストボディが不正です", None))
    })
}

async fn upload_url(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: UploadUrlRequest = match json_body(&shared, &body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let Some(filename) = req.filename.filter(|f| !f.is_empty()) else {
        return validation(&shared, "filename", "filename is required.");
    };
    let Some(filetype) = req.filetype.filter(|t| t.contains('/')) else {
        return validation(&shared, "filetype", "filetype must be a MIME type.");
    };
    let folder_id = req.folder_id.filter(|f| !f.is_empty());
    if let Some(id) = &folder_id {
        if !lock(&shared.store).folder_ids().contains(id) {
            return error(&shared, StatusCode::NOT_FOUND, "not_found", "フォルダが見つかりません", None);
        }
    }
    let pending = Pending {
        filename,
        content_type: filetype.clone(),
        size: None,
        width: None,
        height: None,
        duration: None,
        folder_id,
    };
    let seed = lock(&shared.store).seed();
    let media_id = lock(&shared.uploads).announce(pending, |n| format!("{:016x}{:08x}", mix(seed, n, 0xC1), n as u32));
    let post = shared.storage.presigned_post(&media_id, &filetype);
    let fields: serde_json::Map<String, Value> = post.fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
    json_response(
        StatusCode::OK,
        &json!({ "media_id": media_id, "presigned_post": { "url": post.url, "fields": fields } }),
    )
}

#[derive(Deserialize)]
struct CompleteRequest {
    media_id: Option<String>,
}

async fn complete(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let req: CompleteRequest = match json_body(&shared, &body) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    let Some(media_id) = req.media_id.filter(|m| !m.is_empty()) else {
        return validation(&shared, "media_id", "media_id is required.");
    };
    if let Some(status) = lock(&shared.uploads).take_fail_complete() {
        return super::status_error(
            &shared,
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            None,
        );
    }
    let pending = lock(&shared.uploads).pending(&media_id).cloned();
    let Some(pending) = pending else {
        let store = lock(&shared.store);
        return match lock(&shared.uploads).serial_of(&media_id).filter(|s| store.contains(*s)) {
            Some(serial) => json_response(StatusCode::OK, &media_of(&shared, &store, serial)),
            None => error(&shared, StatusCode::NOT_FOUND, "not_found", "メディアが見つかりません", None),
        };
    };
    let object = shared.storage.object(&media_id);
    let not_ready = lock(&shared.uploads).take_not_ready();
    let Some(object) = object.filter(|_| !not_ready) else {
        let message = "The file has not reached storage yet (not found in storage).";
        return error(&shared, StatusCode::BAD_REQUEST, "upload_incomplete", message, None);
    };
    let mut store = lock(&shared.store);
    let serial = store.insert_uploaded(pending.filename.clone());
    lock(&shared.uploads).complete(&media_id, serial, object.size, now_unix_ms());
    let mut media = media_of(&shared, &store, serial);
    if pending.content_type.starts_with("video/") {
        media["notice"] = json!("動画ファイルは通常メディアとして登録されました。動画要素では再生できません。");
    }
    json_response(StatusCode::OK, &media)
}
