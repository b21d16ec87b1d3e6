//! A paged operation's `Source` for the pagination engine, printed from the model's
//! [`Pagination`]: which setters move the window, where the items, the total, the next token and
//! the page size the server used are in the body, and the item's id.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::pagination_read::Reader;
use super::{ident, rust_type};
use crate::model::{BodyPath, Operation, Pagination, PagingStyle, RustType, Step};

pub fn source(op: &Operation) -> TokenStream {
    let Some(paging) = &op.pagination else { return TokenStream::new() };
    let source = ident(&paging.source);
    let request = ident(&op.request_type);
    let error = ident(&op.error_type);
    let body = rust_type(&op.success_type);
    let item = rust_type(&paging.item);
    let doc = format!(
        " `{}` as the pagination engine sees it: `.items()` and `.pages()` on [`{}`] make one.",
        op.id, op.request_type
    );
    let wrap_doc = " Wraps a request, as `.pages()` does (a crate's own paging layer may wrap it too).";
    let paginated = (!paging.customized).then(|| {
        quote! {
            impl paginate::Paginated for #request {
                type Source = #source;

                fn into_source(self) -> #source {
                    #source::new(self)
                }
            }
        }
    });
    // Inherent, so paging needs no trait in scope; through `Paginated`, so a crate that
    // implements it by hand (a quirk no extension says) is what runs.
    let inherent = quote! {
        impl #request {
            /// Every item of the listing, in order, each once; pages are fetched as the stream is
            /// read (`futures::TryStreamExt::try_next`, or the crate's `prelude`).
            pub fn items(self) -> paginate::Items<<Self as paginate::Paginated>::Source> {
                paginate::Paginated::items(self)
            }

            /// Whole pages with their metadata (total, position, the response's own fields).
            pub fn pages(self) -> paginate::Pages<<Self as paginate::Paginated>::Source> {
                paginate::Paginated::pages(self)
            }
        }
    };
    let style = style(&paging.style);
    let (page_size, start) = requested(op, &paging.style);
    let request_for = request_for(op, &paging.style);
    let split = split(op, paging);
    let item_id = item_id(paging.item_id.as_ref(), &item);
    let has_more = has_more(op, paging, &body);
    let (fetch, fetch_url) = match paging.style {
        PagingStyle::NextUrl { .. } => (
            quote! {
                match cursor {
                    paginate::Cursor::NextUrl(url) => Self::fetch_url(self.0.clone(), url),
                    cursor => Self::fetch_request(self.request_for(cursor)),
                }
            },
            fetch_url(op, &item, &body),
        ),
        _ => (quote!(Self::fetch_request(self.request_for(cursor))), TokenStream::new()),
    };
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub struct #source(#request);

        impl #source {
            #[doc = #wrap_doc]
            pub fn new(request: #request) -> Self {
                Self(request)
            }

            /// The request the listing starts from.
            pub fn request(&self) -> &#request {
                &self.0
            }

            /// The request for one window of the listing.
            pub fn request_for(&self, cursor: paginate::Cursor) -> #request {
                #request_for
            }

            /// Sends one request and splits the body into the page's items and its paging facts.
            pub fn fetch_request(
                request: #request,
            ) -> paginate::FetchFuture<#item, #body, #error> {
                client_runtime::__private::fetch_page(request.send(), Self::split)
            }

            #fetch_url

            /// Moves the page's items out of the body and reads its paging facts.
            fn split(
                mut body: #body,
                meta: client_runtime::ResponseMeta,
            ) -> paginate::Fetched<#item, #body> {
                #split
            }
        }

        impl paginate::Source for #source {
            type Item = #item;
            type Body = #body;
            type Error = #error;

            fn operation(&self) -> &'static str {
                #request::OPERATION_ID
            }

            fn style(&self) -> paginate::Style {
                #style
            }

            fn requested_page_size(&self) -> Option<u64> {
                #page_size
            }

            fn requested_start(&self) -> Option<u64> {
                #start
            }

            fn validate(&self) -> Result<(), client_runtime::InvalidRequest> {
                self.0.to_request().map(drop)
            }

            fn fetch(
                &self,
                cursor: paginate::Cursor,
            ) -> paginate::FetchFuture<#item, #body, #error> {
                #fetch
            }

            #item_id
            #has_more
        }

        #paginated
        #inherent
    }
}

fn style(style: &PagingStyle) -> TokenStream {
    match style {
        PagingStyle::Offset { max_limit, .. } => {
            let max = Literal::u64_unsuffixed(*max_limit);
            quote!(paginate::Style::Offset { max_limit: #max, max_offset: None })
        }
        PagingStyle::PageNumber { max_size, .. } => {
            let max = Literal::u64_unsuffixed(*max_size);
            quote!(paginate::Style::PageNumber { max_per_page: #max })
        }
        PagingStyle::Token { .. } => quote!(paginate::Style::Token),
        PagingStyle::NextUrl { .. } => quote!(paginate::Style::NextUrl),
        PagingStyle::AfterItem { .. } => quote!(paginate::Style::AfterItem),
    }
}

/// A next-URL listing's follow-up: the caller's request sent to the URL the engine resolved
/// and checked, decoded by the request's own `decode` (the statuses and typed errors `send()`
/// decodes).
fn fetch_url(op: &Operation, item: &TokenStream, body: &TokenStream) -> TokenStream {
    let request = ident(&op.request_type);
    let error = ident(&op.error_type);
    quote! {
        /// Sends the request to a next page's URL (absolute, on the API's origin) and splits the body.
        pub fn fetch_url(
            request: #request,
            url: String,
        ) -> paginate::FetchFuture<#item, #body, #error> {
            let next = client_runtime::__private::to_url(request.to_request(), &url);
            let response = client_runtime::__private::send(request.client.transport(), next, #request::decode);
            client_runtime::__private::fetch_page(response, Self::split)
        }
    }
}

/// `has_more` for after-item listings: the body's boolean, when it is there.
fn has_more(op: &Operation, paging: &Pagination, body: &TokenStream) -> TokenStream {
    let Some(path) = &paging.has_more else { return TokenStream::new() };
    let read = Reader::new(op, paging).copy(path);
    quote! {
        fn has_more(body: &#body) -> Option<bool> {
            #read
        }
    }
}

/// `requested_page_size` and `requested_start`: what the caller set on the request.
fn requested(op: &Operation, style: &PagingStyle) -> (TokenStream, TokenStream) {
    let read = |setter: &str| {
        let get = ident(&format!("get_{}", setter.trim_start_matches("r#")));
        let from = from_wire(op, setter);
        // A required parameter's getter gives the value itself, an optional one's an `Option`.
        let required = op.params.iter().any(|p| p.rust_name == setter && p.required);
        match required {
            true => quote!(Some(self.0.#get()).and_then(#from)),
            false => quote!(self.0.#get().and_then(#from)),
        }
    };
    match style {
        PagingStyle::Offset { offset, limit, .. } => (read(limit), read(offset)),
        PagingStyle::PageNumber { page, size, .. } => (read(size), read(page)),
        PagingStyle::Token { limit, .. }
        | PagingStyle::NextUrl { limit, .. }
        | PagingStyle::AfterItem { limit, .. } => (limit.as_deref().map_or(quote!(None), read), quote!(None)),
    }
}

/// The parameter's Rust type: counts are `i64` on the engine's side of the conversions.
fn param_type(op: &Operation, setter: &str) -> RustType {
    op.params.iter().find(|p| p.rust_name == setter).map_or(RustType::I64, |p| p.rust_type.clone())
}

/// A count from the parameter's type (the getter's value) to the engine's `Option<u64>`.
fn from_wire(op: &Operation, setter: &str) -> TokenStream {
    match param_type(op, setter) {
        RustType::I32 => quote!(|v| client_runtime::__private::count_from_wire(i64::from(v))),
        // A `number` page size: whole values only, as a count.
        RustType::F32 | RustType::F64 => {
            quote!(|v| (v.fract() == 0.0).then(|| client_runtime::__private::count_from_wire(v as i64)).flatten())
        }
        // A count written as text (Jira's `startAt: "0"`).
        RustType::String => quote!(client_runtime::__private::count_from_text),
        _ => quote!(client_runtime::__private::count_from_wire),
    }
}

/// A count from the engine to the parameter's type.
fn to_wire(op: &Operation, setter: &str, count: &TokenStream) -> TokenStream {
    match param_type(op, setter) {
        RustType::I32 => quote!(i32::try_from(#count).unwrap_or(i32::MAX)),
        RustType::F32 => quote!(#count as f32),
        RustType::F64 => quote!(#count as f64),
        RustType::String => quote!(#count.to_string()),
        _ => quote!(client_runtime::__private::count_to_wire(#count)),
    }
}

fn request_for(op: &Operation, style: &PagingStyle) -> TokenStream {
    let (cursor, position, size, window) = match style {
        PagingStyle::Offset { offset, limit, .. } => {
            (quote!(Offset { offset, limit }), ident(offset), ident(limit), (quote!(offset), quote!(limit)))
        }
        PagingStyle::PageNumber { page, size, .. } => {
            (quote!(Page { page, per_page }), ident(page), ident(size), (quote!(page), quote!(per_page)))
        }
        PagingStyle::Token { token, .. } => {
            let token = ident(token);
            return quote! {
                match cursor {
                    paginate::Cursor::Token(Some(token)) => self.0.clone().#token(token),
                    _ => self.0.clone(),
                }
            };
        }
        PagingStyle::AfterItem { after, .. } => {
            let after = ident(after);
            return quote! {
                match cursor {
                    paginate::Cursor::After(id) => self.0.clone().#after(id),
                    _ => self.0.clone(),
                }
            };
        }
        // Follow-ups go to the URL (`fetch_url`); every other window is the request as built.
        PagingStyle::NextUrl { .. } => {
            return quote! {
                let _ = cursor;
                self.0.clone()
            };
        }
    };
    let (at, count) = window;
    let at = to_wire(op, &position.to_string(), &at);
    let count = to_wire(op, &size.to_string(), &count);
    quote! {
        match cursor {
            paginate::Cursor::#cursor => {
                self.0.clone().#position(#at).#size(#count)
            }
            _ => self.0.clone(),
        }
    }
}

/// The body split into a `Fetched`: the items moved out, the paging facts read.
fn split(op: &Operation, paging: &Pagination) -> TokenStream {
    let read = Reader::new(op, paging);
    let items = read.take_items(&paging.items);
    let count = |path: &Option<BodyPath>| path.as_ref().map_or(quote!(None), |path| read.count(path));
    let total = count(&paging.total);
    let page_size = count(&paging.page_size);
    let token = match (&paging.next_token, &paging.style) {
        (Some(path), _) => read.token(path),
        (None, PagingStyle::NextUrl { link_header: true, .. }) => quote!(paginate::next_link(&meta)),
        (None, _) => quote!(None),
    };
    quote! {
        let items = #items;
        paginate::Fetched {
            items,
            total: #total,
            page_size: #page_size,
            token: #token,
            body,
            meta,
        }
    }
}

/// `item_id`: the item's string `id`, or none (items are then told apart by position only).
fn item_id(id: Option<&Step>, item: &TokenStream) -> TokenStream {
    let read = match id {
        Some(Step { field, option: true, .. }) => {
            let field = ident(field);
            quote!(item.#field.as_deref())
        }
        Some(Step { field, .. }) => {
            let field = ident(field);
            quote!(Some(&item.#field))
        }
        None => return quote!(fn item_id(_: &#item) -> Option<&str> { None }),
    };
    quote!(fn item_id(item: &#item) -> Option<&str> { #read })
}
