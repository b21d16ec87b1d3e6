//! PostEverywhere API: `GET /api/v1/media` with offset paging and no total, in the
//! `{data, error, meta}` envelope.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::{invalid, json_response, meta, Invalid, Params};
use crate::data::{Filter, Kind, Store};
use crate::state::{lock, Shared};
use crate::util::iso8601_millis;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new().route("/api/v1/media", get(list))
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
        let ids: Vec<String> = page.iter().map(|s| store.uuid(*s)).collect();
        let items: Vec<Value> = page.into_iter().map(|s| item(&store, s)).collect();
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
