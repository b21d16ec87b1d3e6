//! Paging of `listMedia`: `offset`/`limit` (at most 100) with no total, so a listing ends on a
//! short or empty page. The envelope's `data.media_ids` stays in each page's body.

use client_runtime::paginate::{
    count_from_wire, count_to_wire, Cursor, FetchFuture, Fetched, Paginated, Source, Style,
};
use futures::FutureExt;

use crate::operations::{ListMediaError, ListMediaRequest};
use crate::types;

/// The largest `limit` the API takes.
const MAX_LIMIT: u64 = 100;

/// `listMedia` as the pagination engine sees it.
#[derive(Clone, Debug)]
pub struct ListMediaPaging(ListMediaRequest);

impl Source for ListMediaPaging {
    type Item = types::MediaItem;
    type Body = types::MediaListEnvelope;
    type Error = ListMediaError;

    fn operation(&self) -> &'static str {
        ListMediaRequest::OPERATION_ID
    }

    fn style(&self) -> Style {
        Style::Offset { max_limit: MAX_LIMIT, max_offset: None }
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.get_limit().and_then(count_from_wire)
    }

    fn requested_start(&self) -> Option<u64> {
        self.0.get_offset().and_then(count_from_wire)
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.to_request().map(drop)
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::MediaItem, types::MediaListEnvelope, ListMediaError> {
        let request = match cursor {
            Cursor::Offset { offset, limit } => {
                self.0.clone().offset(count_to_wire(offset)).limit(count_to_wire(limit))
            }
            _ => self.0.clone(),
        };
        async move {
            let (mut body, meta) = request.send().await?.into_parts();
            Ok(Fetched {
                items: std::mem::take(&mut body.data.items),
                total: None,
                page_size: None,
                token: None,
                body,
                meta,
            })
        }
        .boxed()
    }

    fn item_id(item: &types::MediaItem) -> Option<&str> {
        Some(&item.media_id)
    }
}

impl Paginated for ListMediaRequest {
    type Source = ListMediaPaging;

    fn into_source(self) -> ListMediaPaging {
        ListMediaPaging(self)
    }
}
