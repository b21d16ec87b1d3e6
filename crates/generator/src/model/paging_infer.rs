//! Paging inferred where a spec does not declare it: from the names and types of a list
//! operation's query parameters, the fields of its success body and its documented response
//! headers. Conservative by design — a wrong guess makes `.items()` skip or repeat items
//! silently, while no guess only costs a hand-written loop — so every style needs evidence on
//! both sides (what the request sends and what the response gives back), and anything
//! ambiguous yields [`Inference::Unsure`] with the reason instead of a pick.
//!
//! Rules, tried in this order (the first that resolves wins):
//!
//! 1. **after-item**: a string `starting_after`/`after` parameter, a boolean `has_more` in the
//!    body and items with a string `id` (Stripe, OpenAI);
//! 2. **token**: a string `cursor`/`page_token`/`marker`/`continue`/… parameter and exactly one
//!    body field carrying the next one (`next_cursor`, `response_metadata.next_cursor`,
//!    `nextPageToken`, `next_marker`, `metadata.continue`, `next_page.offset`, …), a string or
//!    an integer (Box's `next_marker: 3000`, sent back as its decimal text); skipped when an
//!    integer offset parameter resolves too (the token is then an opt-in mode, Box's
//!    `usemarker`);
//! 3. **next-url**: exactly one string body field holding the next page's URL
//!    (`next_page_uri`, `@odata.nextLink`, `links.next`, `next_page.uri`, `meta.next_page_url`,
//!    or `next` described as a URL);
//! 4. **link-header**: a documented `Link` response header beside a `page` or page-size
//!    parameter (GitHub);
//! 5. **offset**: a count `offset`/`skip`/`startAt` and a page size with a maximum or default;
//! 6. **page**: a count `page` and a page size with a maximum or default — or, when the body
//!    reports the page size the server used (Cloudflare's `result_info.per_page`), with only a
//!    documented example: the engine then steps by the size reported, whatever the server
//!    clamped the request to, so the size asked for need only be one the API takes.
//!
//! A count is an integer, a `number`, or a string whose default is a whole number (Jira's
//! `startAt: "0"`, `maxResults: "50"`: sent as decimal text); counts in the body (a total, the
//! page size used) are integers or whole `number`s. A string parameter with such a default is
//! a count, never an opaque token.
//!
//! The success body is the one JSON body among the 2xx statuses; the others must have no body
//! (an empty page). The items are the body itself (a JSON array) or its one array field (see
//! [`Body::items`]).

use super::pagination::{item_id, BodyPath, PagingOrigin};
use super::paging_body::{norm, Body, Hit};
use super::{Method, Operation, Pagination, PagingStyle, Param, ParamLocation, RustType, TypeDef, TypeRef};

/// What the inference concluded for one operation.
pub enum Inference {
    /// Not a listing, or nothing about it suggests paging.
    None,
    Paged(Box<Pagination>),
    /// It looks paged, but the evidence does not settle how: why not.
    Unsure(String),
}

const OFFSET: &[&str] = &["offset", "skip", "startat", "startindex", "start"];
const PAGE: &[&str] = &["page", "pagenumber", "pageno", "pagenum"];
const SIZE: &[&str] =
    &["limit", "perpage", "pagesize", "maxresults", "maxpagesize", "maxitems", "size", "count", "top", "take"];
const TOKEN: &[&str] = &[
    "cursor",
    "pagetoken",
    "startingtoken",
    "marker",
    "continue",
    "nexttoken",
    "continuationtoken",
    "pagecursor",
    "starttoken",
    "nextpagetoken",
    "after",
    "offset",
    "page",
];
const AFTER: &[&str] = &["startingafter", "after"];
const NEXT_TOKEN: &[&str] = &[
    "nextcursor",
    "nextpagetoken",
    "nextmarker",
    "nexttoken",
    "continue",
    "continuationtoken",
    "nextcontinuationtoken",
    "nextpagecursor",
];
/// Objects whose field named like the token parameter is the next token (`metadata.continue`,
/// `next_page.offset`, `paging.cursors.after`).
const TOKEN_PARENTS: &[&str] =
    &["metadata", "meta", "responsemetadata", "pagination", "paging", "cursors", "nextpage", "next"];
const NEXT_URL: &[&str] = &["nextpageuri", "nextpageurl", "odatanextlink", "nextlink", "nexturl", "nexthref"];
const URL_PARENTS: &[&str] = &["links", "pagination", "paging", "meta", "pages"];
const TOTAL: &[&str] = &["total", "totalcount", "totalresults", "totalitems", "totalsize", "totalrecords"];

pub fn infer(op: &Operation, types: &[TypeDef]) -> Inference {
    if op.method != Method::Get {
        return Inference::None;
    }
    let Some(body) = Body::of(op, types) else { return Inference::None };
    let mut notes = Vec::new();
    let size = size_param(op);
    let found = after_item(op, &body, &mut notes)
        .or_else(|| token(op, &body, &mut notes))
        .or_else(|| next_url(op, &body, size))
        .or_else(|| link_header(op, size))
        .or_else(|| offset(op, &body, size, &mut notes))
        .or_else(|| page(op, &body, size, &mut notes));
    let Some(found) = found else {
        return notes.into_iter().next().map_or(Inference::None, Inference::Unsure);
    };
    let items = match body.items(op) {
        Ok(items) => items,
        Err(why) => return Inference::Unsure(why),
    };
    let TypeRef::Array(item) = &items.path.leaf else { return Inference::None };
    let id = item_id(types, item, "id");
    if matches!(found.style, PagingStyle::AfterItem { .. }) && id.is_none() {
        return Inference::Unsure(format!("{}, but the items have no string `id` to continue after", found.evidence));
    }
    let evidence = format!("{}; items {}", found.evidence, items.wire);
    Inference::Paged(Box::new(Pagination {
        style: found.style,
        item: RustType::of(item),
        items: items.path,
        total: found.total,
        next_token: found.next,
        page_size: found.page_size,
        item_id: id,
        source: format!("{}Paging", op.type_stem),
        customized: false,
        has_more: found.has_more,
        success_variant: body.variant.clone(),
        origin: PagingOrigin::Inferred(evidence),
    }))
}

/// A style recognised, before the items are looked for.
struct Found {
    style: PagingStyle,
    evidence: String,
    next: Option<BodyPath>,
    total: Option<BodyPath>,
    page_size: Option<BodyPath>,
    has_more: Option<BodyPath>,
}

impl Found {
    fn new(style: PagingStyle, evidence: String) -> Self {
        Found { style, evidence, next: None, total: None, page_size: None, has_more: None }
    }
}

fn is_string(ty: &TypeRef) -> bool {
    *ty == TypeRef::String
}

/// A count in the body (a total, the page size used): an integer or a `number` (Cloudflare's
/// `result_info`; the emitter takes whole values only).
fn is_count(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_) | TypeRef::Float(_))
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_))
}

/// A field carrying the next token: a string, or an integer sent back as its decimal text.
fn is_token_field(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String | TypeRef::Integer(_))
}

fn is_bool(ty: &TypeRef) -> bool {
    *ty == TypeRef::Boolean
}

/// A string parameter's default when it is a whole number (`"0"`, `"50"`): the parameter is
/// then a count written as text, not an opaque token. (Defaults are kept as JSON text.)
fn whole_default(p: &Param) -> Option<u64> {
    let text: String = serde_json::from_str(p.default.as_deref()?).ok()?;
    let whole = !text.is_empty() && text.len() <= 18 && text.bytes().all(|b| b.is_ascii_digit());
    whole.then(|| text.parse().ok()).flatten()
}

/// A count parameter: an integer, a `number` (Cloudflare's `page`; the emitter converts), or a
/// string whose default is a whole number (Jira's `startAt: "0"`; sent as decimal text).
fn is_count_param(p: &Param) -> bool {
    is_count(&p.ty) || (is_string(&p.ty) && whole_default(p).is_some())
}

/// An opaque string parameter (a token, a cursor, an id to continue after).
fn is_text_param(p: &Param) -> bool {
    is_string(&p.ty) && whole_default(p).is_none()
}

/// The first query parameter (in `names` order) with one of `names` that `want` accepts.
fn query<'o>(op: &'o Operation, names: &[&str], want: fn(&Param) -> bool) -> Option<&'o Param> {
    names.iter().find_map(|name| {
        op.params.iter().find(|p| p.location == ParamLocation::Query && norm(&p.wire_name) == *name && want(p))
    })
}

fn size_param(op: &Operation) -> Option<&Param> {
    query(op, SIZE, is_count_param)
}

/// The largest page size the server surely honours: the documented maximum, else its default
/// (a number, or a whole number written as a string).
fn honoured(p: &Param) -> Option<u64> {
    let default = p.default.as_deref().and_then(|d| d.parse::<f64>().ok());
    let default = default.or_else(|| whole_default(p).map(|d| d as f64));
    p.maximum.or(default).filter(|m| *m >= 1.0 && m.fract() == 0.0).map(|m| m as u64)
}

/// A page size the API takes, as its documented example shows (a whole number from 1).
fn example_size(p: &Param) -> Option<u64> {
    let example: serde_json::Value = serde_json::from_str(p.example.as_deref()?).ok()?;
    let number = example.as_f64().or_else(|| example.as_str().and_then(|t| t.parse::<f64>().ok()))?;
    (number >= 1.0 && number.fract() == 0.0 && number <= u32::MAX as f64).then_some(number as u64)
}

/// The number of items in the whole listing. A `number` counts only under a name that says it
/// counts items (`total_count`): a bare `total` or `total_size` written as a `number` may be an
/// amount or a size, and a total too small would end a listing early.
fn total(body: &Body<'_>) -> Option<BodyPath> {
    let counted = |h: &Hit<'_>| {
        let name = h.name();
        TOTAL.contains(&name.as_str()) && (is_integer(h.leaf()) || !matches!(name.as_str(), "total" | "totalsize"))
    };
    body.one(is_count, counted).ok().flatten().map(Hit::path)
}

fn after_item(op: &Operation, body: &Body<'_>, notes: &mut Vec<String>) -> Option<Found> {
    let after = query(op, AFTER, is_text_param)?;
    let has_more = match body.one(is_bool, |h| h.fields.len() == 1 && h.name() == "hasmore") {
        Ok(Some(hit)) => hit,
        Ok(None) => {
            // An `after` with its own continuation field is a token (rule 2); without either,
            // the end of the listing cannot be told from the body.
            notes.push(format!("query `{}` without a `has_more` in the body", after.wire_name));
            return None;
        }
        Err(_) => return None,
    };
    let limit = size_param(op).map(|p| p.rust_name.clone());
    let evidence = format!("query `{}`, body {}", after.wire_name, has_more.wire());
    let mut found = Found::new(PagingStyle::AfterItem { after: after.rust_name.clone(), limit }, evidence);
    found.has_more = Some(has_more.path());
    Some(found)
}

fn token(op: &Operation, body: &Body<'_>, notes: &mut Vec<String>) -> Option<Found> {
    let param = query(op, TOKEN, is_text_param)?;
    let wire = norm(&param.wire_name);
    let next = body.one(is_token_field, |h| {
        let parent = h.parent();
        let next_named = NEXT_TOKEN.contains(&h.name().as_str());
        // An integer is a token only under a name that says it is the next one: a field named
        // like the parameter (`paging.page`) may be the page just served.
        next_named
            || (is_string(h.leaf())
                && ((h.name() == wire && parent.as_deref().is_some_and(|p| TOKEN_PARENTS.contains(&p)))
                    || (wire == "page" && h.fields.len() == 1 && h.name() == "nextpage")))
    });
    let next = match next {
        Ok(Some(hit)) => hit,
        Ok(None) => {
            let message =
                format!("query `{}` looks like a page token, but no body field carries the next one", param.wire_name);
            notes.push(message);
            return None;
        }
        Err(several) => {
            notes.push(format!("query `{}`: several fields may carry the next token ({several})", param.wire_name));
            return None;
        }
    };
    // A token beside integer offsets is an opt-in mode (Box's `marker` with `usemarker=true`):
    // without the opt-in the server pages by offset and gives no token.
    if query(op, OFFSET, is_count_param).is_some() {
        notes.push(format!("query `{}` beside an integer offset: the token is an opt-in mode", param.wire_name));
        return None;
    }
    let limit = size_param(op).map(|p| p.rust_name.clone());
    let evidence = format!("query `{}`, body {}", param.wire_name, next.wire());
    let mut found = Found::new(PagingStyle::Token { token: param.rust_name.clone(), limit }, evidence);
    found.next = Some(next.path());
    Some(found)
}

fn next_url(op: &Operation, body: &Body<'_>, size: Option<&Param>) -> Option<Found> {
    let token_param = query(op, TOKEN, is_text_param).is_some();
    let hit = body
        .one(is_string, |h| {
            let (name, parent) = (h.name(), h.parent());
            let described = h.fields.last().and_then(|f| f.description.as_deref()).is_some_and(|d| {
                let d = d.to_ascii_lowercase();
                d.contains("url") || d.contains("uri") || d.contains("link")
            });
            NEXT_URL.contains(&name.as_str())
                || (name == "next" && parent.as_deref().is_some_and(|p| URL_PARENTS.contains(&p)))
                || (parent.as_deref() == Some("nextpage") && matches!(name.as_str(), "uri" | "url" | "href"))
                || (name == "next" && h.fields.len() == 1 && described && !token_param)
        })
        .ok()??;
    let limit = size.map(|p| p.rust_name.clone());
    let mut found = Found::new(PagingStyle::NextUrl { link_header: false, limit }, format!("body {}", hit.wire()));
    found.next = Some(hit.path());
    Some(found)
}

fn link_header(op: &Operation, size: Option<&Param>) -> Option<Found> {
    let documented = op.success.iter().any(|case| case.headers.iter().any(|h| h.eq_ignore_ascii_case("link")));
    let page = query(op, PAGE, is_count_param);
    if !documented || (page.is_none() && size.is_none()) {
        return None;
    }
    let params: Vec<&str> = page.into_iter().chain(size).map(|p| p.wire_name.as_str()).collect();
    let evidence = format!("header `Link`, query `{}`", params.join("`, `"));
    let limit = size.map(|p| p.rust_name.clone());
    Some(Found::new(PagingStyle::NextUrl { link_header: true, limit }, evidence))
}

/// The page size and the largest value honoured, or a note why it cannot be used.
fn sized<'o>(position: &Param, size: Option<&'o Param>, notes: &mut Vec<String>) -> Option<(&'o Param, u64)> {
    let Some(size) = size else {
        notes.push(format!("query `{}` without a page-size parameter", position.wire_name));
        return None;
    };
    match honoured(size) {
        Some(max) => Some((size, max)),
        None => {
            notes.push(format!("the page-size parameter `{}` has no maximum or default", size.wire_name));
            None
        }
    }
}

fn offset(op: &Operation, body: &Body<'_>, size: Option<&Param>, notes: &mut Vec<String>) -> Option<Found> {
    let offset = query(op, OFFSET, is_count_param)?;
    let (limit, max_limit) = sized(offset, size, notes)?;
    let evidence = format!("query `{}`, `{}` (at most {max_limit})", offset.wire_name, limit.wire_name);
    let style = PagingStyle::Offset { offset: offset.rust_name.clone(), limit: limit.rust_name.clone(), max_limit };
    let mut found = Found::new(style, evidence);
    found.total = total(body);
    Some(found)
}

fn page(op: &Operation, body: &Body<'_>, size: Option<&Param>, notes: &mut Vec<String>) -> Option<Found> {
    let page = query(op, PAGE, is_count_param)?;
    let reported = body.one(is_count, |h| matches!(h.name().as_str(), "perpage" | "pagesize")).ok().flatten();
    let (per_page, max_size, bound) = match sized(page, size, notes) {
        Some((per_page, max)) => (per_page, max, format!("at most {max}")),
        None => {
            // No documented bound, but the server reports the size it used, under the
            // parameter's own name: the engine steps by that (a clamped request included), so
            // any size the API takes will do. (A `limit` beside a reported `per_page` may be
            // another setting: not taken.)
            let (per_page, reported) = size.zip(reported).filter(|(p, r)| norm(&p.wire_name) == r.name())?;
            let example = example_size(per_page)?;
            (per_page, example, format!("example {example}; the size used in {}", reported.wire()))
        }
    };
    let evidence = format!("query `{}`, `{}` ({bound})", page.wire_name, per_page.wire_name);
    let style = PagingStyle::PageNumber { page: page.rust_name.clone(), size: per_page.rust_name.clone(), max_size };
    let mut found = Found::new(style, evidence);
    found.total = total(body);
    found.page_size = reported.map(Hit::path);
    Some(found)
}
