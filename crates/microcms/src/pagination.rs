//! Paging of the media lists.
//!
//! - `listMediaV1`: `offset`/`limit` with `totalCount`. Offsets above 10,000 return wrong data
//!   (documented), so a listing that needs them ends with
//!   [`PaginationError::OffsetLimit`](client_runtime::PaginationError::OffsetLimit), pointing to v2.
//! - `listMediaV2`: a `token` valid for about 15 s. Follow-ups send the token and the filters;
//!   `limit` and `imageOnly` carry over and may not be sent again. A lapsed token (the server
//!   answers 400 saying it expired) restarts the listing, skipping what was yielded, or ends
//!   with [`PaginationError::TokenExpired`](client_runtime::PaginationError::TokenExpired).

use client_runtime::paginate::{
    count_from_wire, count_to_wire, Cursor, FetchFuture, Fetched, Paginated, Source, Style,
};
use futures::FutureExt;

use crate::operations::{ListMediaV1Error, ListMediaV1Request, ListMediaV2Error, ListMediaV2Request};
use crate::types;
use crate::Error;

/// The largest `limit` either version takes.
const MAX_LIMIT: u64 = 100;
/// Offsets above this return wrong data.
pub const MAX_V1_OFFSET: u64 = 10_000;

/// `listMediaV1` as the pagination engine sees it.
#[derive(Clone, Debug)]
pub struct ListMediaV1Paging(ListMediaV1Request);

impl Source for ListMediaV1Paging {
    type Item = types::MediaV1;
    type Body = types::MediaListV1;
    type Error = ListMediaV1Error;

    fn operation(&self) -> &'static str {
        ListMediaV1Request::OPERATION_ID
    }

    fn style(&self) -> Style {
        Style::Offset { max_limit: MAX_LIMIT, max_offset: Some(MAX_V1_OFFSET) }
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.get_limit().copied().and_then(count_from_wire)
    }

    fn requested_start(&self) -> Option<u64> {
        self.0.get_offset().copied().and_then(count_from_wire)
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.to_request().map(drop)
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::MediaV1, types::MediaListV1, ListMediaV1Error> {
        let request = match cursor {
            Cursor::Offset { offset, limit } => {
                self.0.clone().offset(count_to_wire(offset)).limit(count_to_wire(limit))
            }
            _ => self.0.clone(),
        };
        async move {
            let (mut body, meta) = request.send().await?.into_parts();
            Ok(Fetched {
                items: std::mem::take(&mut body.media),
                total: count_from_wire(body.total_count),
                page_size: None,
                token: None,
                body,
                meta,
            })
        }
        .boxed()
    }

    fn item_id(item: &types::MediaV1) -> Option<&str> {
        Some(&item.id)
    }

    fn offset_limit_hint(&self) -> Option<&'static str> {
        Some("page with the token-based listing (`list_media_v2()`) to read further")
    }
}

impl Paginated for ListMediaV1Request {
    type Source = ListMediaV1Paging;

    fn into_source(self) -> ListMediaV1Paging {
        ListMediaV1Paging(self)
    }
}

/// `listMediaV2` as the pagination engine sees it.
#[derive(Clone, Debug)]
pub struct ListMediaV2Paging(ListMediaV2Request);

impl Source for ListMediaV2Paging {
    type Item = types::MediaV2;
    type Body = types::MediaListV2;
    type Error = ListMediaV2Error;

    fn operation(&self) -> &'static str {
        ListMediaV2Request::OPERATION_ID
    }

    fn style(&self) -> Style {
        Style::Token
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.get_limit().copied().and_then(count_from_wire)
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.to_request().map(drop)
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::MediaV2, types::MediaListV2, ListMediaV2Error> {
        let request = match cursor {
            // limit and imageOnly carry over with the token and may not be sent again.
            Cursor::Token(Some(token)) => self.0.clone().set_limit(None).set_image_only(None).token(token),
            _ => self.0.clone(),
        };
        async move {
            let (mut body, meta) = request.send().await?.into_parts();
            Ok(Fetched {
                items: std::mem::take(&mut body.media),
                total: count_from_wire(body.total_count),
                page_size: None,
                token: Some(std::mem::take(&mut body.token)),
                body,
                meta,
            })
        }
        .boxed()
    }

    fn item_id(item: &types::MediaV2) -> Option<&str> {
        Some(&item.id)
    }

    fn is_token_expired(error: &Error<ListMediaV2Error>) -> bool {
        matches!(
            error.api_error(),
            Some(ListMediaV2Error::BadRequest(body)) if body.message.to_ascii_lowercase().contains("expire")
        )
    }
}

impl Paginated for ListMediaV2Request {
    type Source = ListMediaV2Paging;

    /// Without a `limit`, pages of 100 (the maximum) rather than the API's default 10.
    fn into_source(self) -> ListMediaV2Paging {
        let request =
            if self.get_limit().is_none() && self.get_token().is_none() { self.limit(MAX_LIMIT as i64) } else { self };
        ListMediaV2Paging(request)
    }
}
