//! What the spec's paging extensions cannot say about the media lists. The generated sources
//! (`operations::ListMediaV1Paging`, `operations::ListMediaV2Paging`, from
//! `x-speakeasy-pagination`) know the parameters and where the items, the total and the token
//! are; these wrappers add microCMS's quirks:
//!
//! - `listMediaV1`: offsets above 10,000 return wrong data (documented), so a listing that needs
//!   them ends with [`PaginationError::OffsetLimit`](client_runtime::PaginationError::OffsetLimit),
//!   pointing to v2.
//! - `listMediaV2`: a `token` valid for about 15 s. Follow-ups send the token and the filters;
//!   `limit` and `imageOnly` carry over and may not be sent again. A lapsed token (the server
//!   answers 400 saying it expired) restarts the listing, skipping what was yielded, or ends
//!   with [`PaginationError::TokenExpired`](client_runtime::PaginationError::TokenExpired).
//!   Without a `limit`, pages are of 100 (the maximum) rather than the API's default 10.

use client_runtime::paginate::{Cursor, FetchFuture, Paginated, Source, Style};

use crate::operations::{self, ListMediaV1Error, ListMediaV1Request, ListMediaV2Error, ListMediaV2Request};
use crate::types;
use crate::Error;

/// Offsets above this return wrong data.
pub const MAX_V1_OFFSET: u64 = 10_000;

/// `listMediaV1` as the pagination engine sees it: the spec's paging, with the offset guard.
#[derive(Clone, Debug)]
pub struct ListMediaV1Paging(operations::ListMediaV1Paging);

impl Source for ListMediaV1Paging {
    type Item = types::MediaV1;
    type Body = types::MediaListV1;
    type Error = ListMediaV1Error;

    fn operation(&self) -> &'static str {
        self.0.operation()
    }

    fn style(&self) -> Style {
        match self.0.style() {
            Style::Offset { max_limit, .. } => Style::Offset { max_limit, max_offset: Some(MAX_V1_OFFSET) },
            other => other,
        }
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.requested_page_size()
    }

    fn requested_start(&self) -> Option<u64> {
        self.0.requested_start()
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.validate()
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::MediaV1, types::MediaListV1, ListMediaV1Error> {
        self.0.fetch(cursor)
    }

    fn item_id(item: &types::MediaV1) -> Option<&str> {
        operations::ListMediaV1Paging::item_id(item)
    }
}

impl Paginated for ListMediaV1Request {
    type Source = ListMediaV1Paging;

    fn into_source(self) -> ListMediaV1Paging {
        ListMediaV1Paging(operations::ListMediaV1Paging::new(self))
    }
}

/// `listMediaV2` as the pagination engine sees it: the spec's paging, with what carries over
/// with the token and how a lapsed token shows.
#[derive(Clone, Debug)]
pub struct ListMediaV2Paging(operations::ListMediaV2Paging);

impl Source for ListMediaV2Paging {
    type Item = types::MediaV2;
    type Body = types::MediaListV2;
    type Error = ListMediaV2Error;

    fn operation(&self) -> &'static str {
        self.0.operation()
    }

    fn style(&self) -> Style {
        self.0.style()
    }

    fn requested_page_size(&self) -> Option<u64> {
        self.0.requested_page_size()
    }

    fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
        self.0.validate()
    }

    fn fetch(&self, cursor: Cursor) -> FetchFuture<types::MediaV2, types::MediaListV2, ListMediaV2Error> {
        let request = match cursor {
            // limit and imageOnly carry over with the token and may not be sent again.
            Cursor::Token(Some(token)) => self.0.request().clone().set_limit(None).set_image_only(None).token(token),
            _ => self.0.request().clone(),
        };
        operations::ListMediaV2Paging::fetch_request(request)
    }

    fn item_id(item: &types::MediaV2) -> Option<&str> {
        operations::ListMediaV2Paging::item_id(item)
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
        let request = if self.get_limit().is_none() && self.get_token().is_none() { self.limit(100) } else { self };
        ListMediaV2Paging(operations::ListMediaV2Paging::new(request))
    }
}
