//! Paging of `listMedia`: page numbers from 1, `meta.total`, and the page size the server
//! reports (`per_page` above 100 is clamped, so `meta.per_page` is what counts).

use client_runtime::paginate::{
    count_from_wire, count_to_wire, Cursor, FetchFuture, Fetched, Paginated, Source, Style,
};
use futures::FutureExt;

use crate::operations::{ListMediaError, ListMediaRequest};
use crate::types;
use crate::Error;

/// The largest `per_page` UTAGE honours.
const MAX_PER_PAGE: u64 = 100;

/// `listMedia` as the pagination engine sees it; made by [`Paginated::pages`] and
/// [`Paginated::items`] on [`ListMediaRequest`].
#[derive(Clone, Debug)]
pub struct ListMediaPaging(ListMediaRequest);

impl Source for ListMediaPaging {
    type Item = types::Media;
    type Body = types::ListMediaResponse;
    type Error = ListMediaError;

    fn operation(&self) -> &'static str {
        ListMediaRequest::OPERATION_ID
    }

    fn style(&self) -> Style {
        Style::PageNumber { max_per_page: MAX_PER_PAGE }
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.get_per_page().and_then(count_from_wire)
    }

    fn requested_start(&self) -> Option<u64> {
        self.0.get_page().and_then(count_from_wire)
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.to_request().map(drop)
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::Media, types::ListMediaResponse, ListMediaError> {
        let request = match cursor {
            Cursor::Page { page, per_page } => {
                self.0.clone().page(count_to_wire(page)).per_page(count_to_wire(per_page))
            }
            _ => self.0.clone(),
        };
        async move {
            let (mut body, meta) = request.send().await?.into_parts();
            let items = body.data.take().unwrap_or_default();
            let paging = body.meta.as_ref();
            Ok(Fetched {
                items,
                total: paging.and_then(|m| m.total).and_then(count_from_wire),
                page_size: paging.and_then(|m| m.per_page).and_then(count_from_wire),
                token: None,
                body,
                meta,
            })
        }
        .boxed()
    }

    fn item_id(item: &types::Media) -> Option<&str> {
        item.id.as_deref()
    }

    fn is_token_expired(_: &Error<ListMediaError>) -> bool {
        false
    }
}

impl Paginated for ListMediaRequest {
    type Source = ListMediaPaging;

    fn into_source(self) -> ListMediaPaging {
        ListMediaPaging(self)
    }
}
