//! UTAGE public API: `GET /v1/media` with page-number paging.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{invalid, json_response, Invalid, Params};
use crate::data::{Filter, Store};
use crate::state::{lock, Shared};
use crate::util::{percent_encode, ymd_hms};

pub(crate) const MAX_PER_PAGE: u64 = 100;
/// UTAGE is a Japanese service and its `Y-m-d H:i:s` carries no zone: we show JST.
const JST_OFFSET_SECS: i64 = 9 * 3600;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/v1/media", get(list))
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
                Some(index) => index.is_some() && store.folder(s) == index,
                // Neither filter: the root folder only (documented).
                None if keyword.is_none() => store.folder(s).is_none(),
                None => true,
            };
            in_folder && keyword.as_ref().is_none_or(|k| store.name(s).to_lowercase().contains(k.as_str()))
        };
        let offset = (page - 1).saturating_mul(per_page);
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let filter = Filter::new(format!("{keyword:?}/{folder_id:?}"), &matches);
        let (items, total) = store.offset_page(offset, per_page as usize, Some(&filter));
        let data: Vec<Value> = items.into_iter().map(|s| media(&store, s)).collect();
        json!({
            "data": data,
            "meta": { "current_page": page, "per_page": per_page, "total": total },
        })
    };
    shared.after_list();
    json_response(StatusCode::OK, &body)
}
