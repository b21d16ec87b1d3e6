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
//!    string body field carrying the next one (`next_cursor`, `response_metadata.next_cursor`,
//!    `nextPageToken`, `next_marker`, `metadata.continue`, `next_page.offset`, …); skipped when
//!    an integer offset parameter resolves too (the token is then an opt-in mode, Box's
//!    `usemarker`);
//! 3. **next-url**: exactly one string body field holding the next page's URL
//!    (`next_page_uri`, `@odata.nextLink`, `links.next`, `next_page.uri`, `meta.next_page_url`,
//!    or `next` described as a URL);
//! 4. **link-header**: a documented `Link` response header beside a `page` or page-size
//!    parameter (GitHub);
//! 5. **offset**: integer `offset`/`skip`/`startAt` and a page size with a maximum or default;
//! 6. **page**: integer `page` and a page size with a maximum or default.
//!
//! The items are the body itself (a JSON array) or its one array field (one level down when
//! the top has none); `errors`/`messages`/`warnings` arrays are never items, and of several
//! arrays only one with a conventional name (`data`, `items`, `results`, the path's last
//! segment, …) is taken.

use super::pagination::{item_id, struct_fields, BodyPath, PagingOrigin, Step};
use super::{Field, Method, Operation, Pagination, PagingStyle, Param, ParamLocation, ResponseBody, RustType};
use super::{TypeDef, TypeRef};

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
const NOT_ITEMS: &[&str] = &["errors", "messages", "warnings"];
const ITEM_NAMES: &[&str] =
    &["data", "items", "results", "result", "value", "values", "entries", "records", "elements"];

/// Lowercase letters and digits only: `page_token`, `pageToken` and `PageToken` are one name.
fn norm(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

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

/// The success body: a JSON array, or a struct whose fields (two levels deep) are searched.
struct Body<'t> {
    /// `Some(item)` when the body is itself the array.
    array: Option<TypeRef>,
    fields: Vec<Hit<'t>>,
}

/// A field reached from the body, with the fields on the way.
struct Hit<'t> {
    fields: Vec<&'t Field>,
}

struct Items {
    path: BodyPath,
    wire: String,
}

impl<'t> Hit<'t> {
    fn leaf(&self) -> &TypeRef {
        self.fields.last().map_or(&TypeRef::Json, |f| &f.ty)
    }
    fn name(&self) -> String {
        self.fields.last().map(|f| norm(&f.wire_name)).unwrap_or_default()
    }
    fn parent(&self) -> Option<String> {
        let n = self.fields.len();
        (n >= 2).then(|| norm(&self.fields[n - 2].wire_name))
    }
    fn wire(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.wire_name.as_str()).collect();
        format!("`{}`", names.join("."))
    }
    fn path(&self) -> BodyPath {
        let steps = self
            .fields
            .iter()
            .map(|f| Step { field: f.rust_name.clone(), option: f.is_option(), boxed: f.boxed })
            .collect();
        BodyPath { steps, leaf: self.leaf().clone() }
    }
}

impl<'t> Body<'t> {
    fn of(op: &Operation, types: &'t [TypeDef]) -> Option<Body<'t>> {
        let json = op.success.iter().find_map(|case| match &case.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        })?;
        match (&op.success_type, json) {
            (RustType::Vec(_), TypeRef::Array(item)) => {
                Some(Body { array: Some((**item).clone()), fields: Vec::new() })
            }
            (RustType::Schema(name), _) => {
                let mut fields = Vec::new();
                walk(types, name, &mut Vec::new(), 2, &mut fields);
                Some(Body { array: None, fields })
            }
            _ => None,
        }
    }

    /// The one field matching `pick` whose leaf is `want`; `Err` lists them when there are several.
    fn one(&self, want: fn(&TypeRef) -> bool, pick: impl Fn(&Hit<'_>) -> bool) -> Result<Option<&Hit<'t>>, String> {
        let hits: Vec<&Hit<'t>> = self.fields.iter().filter(|h| want(h.leaf()) && pick(h)).collect();
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(many.iter().map(|h| h.wire()).collect::<Vec<_>>().join(", ")),
        }
    }

    fn items(&self, op: &Operation) -> Result<Items, String> {
        if let Some(item) = &self.array {
            let path = BodyPath { steps: Vec::new(), leaf: TypeRef::Array(Box::new(item.clone())) };
            return Ok(Items { path, wire: "the body".into() });
        }
        let arrays: Vec<&Hit<'t>> = self
            .fields
            .iter()
            .filter(|h| matches!(h.leaf(), TypeRef::Array(_)) && !NOT_ITEMS.contains(&h.name().as_str()))
            .filter(|h| h.fields.iter().all(|f| !NOT_ITEMS.contains(&norm(&f.wire_name).as_str())))
            .collect();
        // Top-level arrays first: a nested one is the items only when the top has none.
        let top: Vec<&Hit<'t>> = arrays.iter().copied().filter(|h| h.fields.len() == 1).collect();
        let candidates = if top.is_empty() { arrays } else { top };
        let segment = op.path.rsplit('/').find(|s| !s.is_empty() && !s.starts_with('{')).unwrap_or_default();
        let segment = norm(segment.split('.').next().unwrap_or_default());
        let chosen = match candidates.as_slice() {
            [] => return Err("no array field holds the items".into()),
            [one] => *one,
            many => {
                let named: Vec<&&Hit<'t>> =
                    many.iter().filter(|h| ITEM_NAMES.contains(&h.name().as_str()) || h.name() == segment).collect();
                match named.as_slice() {
                    [one] => **one,
                    _ => {
                        let all: Vec<String> = many.iter().map(|h| h.wire()).collect();
                        return Err(format!(
                            "the body has several arrays ({}): which holds the items is ambiguous",
                            all.join(", ")
                        ));
                    }
                }
            }
        };
        Ok(Items { path: chosen.path(), wire: chosen.wire() })
    }
}

fn walk<'t>(types: &'t [TypeDef], name: &str, prefix: &mut Vec<&'t Field>, depth: usize, out: &mut Vec<Hit<'t>>) {
    let Some(fields) = struct_fields(types, name) else { return };
    for field in fields {
        prefix.push(field);
        out.push(Hit { fields: prefix.clone() });
        if let (TypeRef::Named(next), true) = (&field.ty, depth > 1) {
            walk(types, next, prefix, depth - 1, out);
        }
        prefix.pop();
    }
}

fn is_string(ty: &TypeRef) -> bool {
    *ty == TypeRef::String
}

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_))
}

/// A count parameter: an integer, or a `number` (Cloudflare's `page`; the emitter converts).
fn is_count(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Integer(_) | TypeRef::Float(_))
}

fn is_bool(ty: &TypeRef) -> bool {
    *ty == TypeRef::Boolean
}

/// The first query parameter (in `names` order) with one of `names` and a type `want` accepts.
fn query<'o>(op: &'o Operation, names: &[&str], want: fn(&TypeRef) -> bool) -> Option<&'o Param> {
    names.iter().find_map(|name| {
        op.params.iter().find(|p| p.location == ParamLocation::Query && norm(&p.wire_name) == *name && want(&p.ty))
    })
}

fn size_param(op: &Operation) -> Option<&Param> {
    query(op, SIZE, is_count)
}

/// The largest page size the server surely honours: the documented maximum, else its default.
fn honoured(p: &Param) -> Option<u64> {
    let default = p.default.as_deref().and_then(|d| d.parse::<f64>().ok());
    p.maximum.or(default).filter(|m| *m >= 1.0 && m.fract() == 0.0).map(|m| m as u64)
}

fn total(body: &Body<'_>) -> Option<BodyPath> {
    body.one(is_integer, |h| TOTAL.contains(&h.name().as_str())).ok().flatten().map(Hit::path)
}

fn after_item(op: &Operation, body: &Body<'_>, notes: &mut Vec<String>) -> Option<Found> {
    let after = query(op, AFTER, is_string)?;
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
    let param = query(op, TOKEN, is_string)?;
    let wire = norm(&param.wire_name);
    let next = body.one(is_string, |h| {
        let parent = h.parent();
        NEXT_TOKEN.contains(&h.name().as_str())
            || (h.name() == wire && parent.as_deref().is_some_and(|p| TOKEN_PARENTS.contains(&p)))
            || (wire == "page" && h.fields.len() == 1 && h.name() == "nextpage")
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
    if query(op, OFFSET, is_count).is_some() {
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
    let token_param = query(op, TOKEN, is_string).is_some();
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
    let page = query(op, PAGE, is_count);
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
    let offset = query(op, OFFSET, is_count)?;
    let (limit, max_limit) = sized(offset, size, notes)?;
    let evidence = format!("query `{}`, `{}` (at most {max_limit})", offset.wire_name, limit.wire_name);
    let style = PagingStyle::Offset { offset: offset.rust_name.clone(), limit: limit.rust_name.clone(), max_limit };
    let mut found = Found::new(style, evidence);
    found.total = total(body);
    Some(found)
}

fn page(op: &Operation, body: &Body<'_>, size: Option<&Param>, notes: &mut Vec<String>) -> Option<Found> {
    let page = query(op, PAGE, is_count)?;
    let (per_page, max_size) = sized(page, size, notes)?;
    let evidence = format!("query `{}`, `{}` (at most {max_size})", page.wire_name, per_page.wire_name);
    let style = PagingStyle::PageNumber { page: page.rust_name.clone(), size: per_page.rust_name.clone(), max_size };
    let mut found = Found::new(style, evidence);
    found.total = total(body);
    found.page_size =
        body.one(is_integer, |h| matches!(h.name().as_str(), "perpage" | "pagesize")).ok().flatten().map(Hit::path);
    Some(found)
}
