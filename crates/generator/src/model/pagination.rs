//! How a list operation pages, read from the extensions generator users already write —
//! `x-speakeasy-pagination` and `x-fern-pagination` — and resolved against the model: which
//! parameters carry the position and the page size (and their documented maximum), and which
//! fields of the success body hold the items, the total, the next token and the page size the
//! server used. The emitter turns the result into a `client_runtime::paginate::Source`, so
//! `.items()` and `.pages()` work on any spec that declares its paging.
//!
//! Beyond both vendors' keys, `outputs` (Speakeasy) and the top level (Fern) may also name
//! `total` (the number of items in the whole listing) and `pageSize`/`page-size` (the page size
//! the server actually used, when it clamps): the engine uses them to fetch later pages
//! concurrently and to step by what the server did. Fern may name the page-size parameter of
//! page or cursor paging as `limit: $request.…`. `itemId` (Speakeasy `outputs`) or `item-id`
//! (Fern) names the item's identifying string field when it is not `id`.

use serde_json::Value;

use super::{Operation, Param, ParamLocation, RustType, TypeDef, TypeKind, TypeRef};
use crate::spec::{Pointer, Spec, SpecError};

/// An operation's paging, every name resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Pagination {
    pub style: PagingStyle,
    /// Where the page's items are: an array field of the success body.
    pub items: BodyPath,
    /// The item type.
    pub item: RustType,
    pub total: Option<BodyPath>,
    pub next_token: Option<BodyPath>,
    pub page_size: Option<BodyPath>,
    /// The item's field that identifies it (a string `id`), so the engine never yields one twice.
    pub item_id: Option<Step>,
    /// The generated `Source`: `{stem}Paging`.
    pub source: String,
    /// The crate's handwritten layer implements `Paginated` itself (a provider quirk) and wraps
    /// the generated source.
    pub customized: bool,
    /// After-item paging: the boolean that says more items follow (`has_more`).
    pub has_more: Option<BodyPath>,
    /// When `send()` returns an enum of several 2xx statuses: the variant whose body holds the
    /// page (every path above starts inside it); a response of another status has no items.
    pub success_variant: Option<String>,
    /// Declared by an extension, or inferred (with the evidence, for the report and surface).
    pub origin: PagingOrigin,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PagingOrigin {
    /// The extension's key (`x-speakeasy-pagination`, `x-fern-pagination`, `x-ms-pageable`).
    Declared(&'static str),
    /// What the inference saw: parameter, field and header names.
    Inferred(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum PagingStyle {
    /// Rust names of the offset and limit setters; the largest limit the server honours.
    Offset { offset: String, limit: String, max_limit: u64 },
    /// Rust names of the page and page-size setters; the largest page size honoured.
    PageNumber { page: String, size: String, max_size: u64 },
    /// The token setter, and the page-size setter if there is one.
    Token { token: String, limit: Option<String> },
    /// The next page's URL: from a body field (`next_token` holds its path) or from the `Link`
    /// header; the page-size setter if there is one.
    NextUrl { link_header: bool, limit: Option<String> },
    /// `starting_after=<the last item's id>` while `has_more`: the setter, and the page-size one.
    AfterItem { after: String, limit: Option<String> },
}

impl PagingStyle {
    /// The style as the surface, the report and the labels name it.
    pub fn name(&self) -> &'static str {
        match self {
            PagingStyle::Offset { .. } => "offset",
            PagingStyle::PageNumber { .. } => "page",
            PagingStyle::Token { .. } => "token",
            PagingStyle::NextUrl { link_header: false, .. } => "next-url",
            PagingStyle::NextUrl { link_header: true, .. } => "link-header",
            PagingStyle::AfterItem { .. } => "after-item",
        }
    }
}

/// A field path into the success body, as the Rust fields the emitter reads.
#[derive(Clone, Debug, PartialEq)]
pub struct BodyPath {
    pub steps: Vec<Step>,
    /// The leaf's type (without the `Option` of an optional field).
    pub leaf: TypeRef,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub field: String,
    /// `Option<…>` in Rust: the reader must allow for its absence.
    pub option: bool,
    pub boxed: bool,
}

/// The extension as written, before it is resolved.
pub struct Declared<'a> {
    pub at: Pointer,
    pub value: &'a Value,
    pub vendor: Vendor,
    /// The crate implements `Paginated` itself (`x-pagination-handwritten: true`).
    pub handwritten: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    Speakeasy,
    Fern,
    /// AutoRest's `x-ms-pageable`: `{nextLinkName, itemName}`.
    Microsoft,
}

impl Vendor {
    pub fn key(self) -> &'static str {
        match self {
            Vendor::Speakeasy => "x-speakeasy-pagination",
            Vendor::Fern => "x-fern-pagination",
            Vendor::Microsoft => "x-ms-pageable",
        }
    }
}

/// The paging extension of an operation, if it declares one (`x-ms-pageable` with
/// `nextLinkName: null` declares the operation not paged: see [`opted_out`]).
pub fn declared<'a>(op: &'a openapiv3::Operation, at: &Pointer) -> Option<Declared<'a>> {
    [Vendor::Speakeasy, Vendor::Fern, Vendor::Microsoft].into_iter().find_map(|vendor| {
        let value = op.extensions.get(vendor.key())?;
        if vendor == Vendor::Microsoft && value.get("nextLinkName").is_none_or(Value::is_null) {
            return None;
        }
        let handwritten = super::service::paging_handwritten(op);
        Some(Declared { at: at.push(vendor.key()), value, vendor, handwritten })
    })
}

/// What the extension says, in terms of names still to be resolved.
struct Raw {
    style: RawStyle,
    results: String,
    total: Option<String>,
    next_token: Option<String>,
    page_size: Option<String>,
    /// The item's identifying field (default `id`).
    item_id: Option<String>,
}

enum RawStyle {
    Offset { offset: String, limit: Option<String> },
    Page { page: String, size: Option<String> },
    Token { token: String, limit: Option<String> },
}

pub fn resolve(
    spec: &Spec,
    declared: &Declared<'_>,
    op: &Operation,
    types: &[TypeDef],
    customized: bool,
) -> Result<Pagination, SpecError> {
    let raw = match declared.vendor {
        Vendor::Speakeasy => speakeasy(spec, declared)?,
        Vendor::Fern => fern(spec, declared)?,
        Vendor::Microsoft => return super::pagination_ms::resolve(spec, declared, op, types),
    };
    let at = &declared.at;
    let param = |wire: &str| -> Result<&Param, SpecError> {
        op.params.iter().find(|p| p.wire_name == wire && p.location == ParamLocation::Query).ok_or_else(|| {
            spec.error(at, format!("names the parameter {wire:?}, which is not a query parameter of the operation"))
        })
    };
    let integer = |p: &Param| -> Result<String, SpecError> {
        match p.ty {
            TypeRef::Integer(_) => Ok(p.rust_name.clone()),
            _ => Err(spec.error(at, format!("the paging parameter {:?} must be an integer", p.wire_name))),
        }
    };
    // Windows are computed from the page size, so it must be one the server really honours.
    let size = |name: &Option<String>| -> Result<(String, u64), SpecError> {
        let Some(name) = name else {
            return Err(spec.error(at, "offset and page paging need the page-size parameter (a `limit` input)"));
        };
        let p = param(name)?;
        let default = p.default.as_deref().and_then(|d| d.parse::<f64>().ok());
        match p.maximum.or(default).filter(|m| *m >= 1.0) {
            Some(max) => Ok((integer(p)?, max as u64)),
            None => Err(spec.error(
                at,
                format!("the page-size parameter {name:?} needs a `maximum` (or a `default`): the page size the server honours"),
            )),
        }
    };
    let style = match &raw.style {
        RawStyle::Offset { offset, limit } => {
            let (limit, max_limit) = size(limit)?;
            PagingStyle::Offset { offset: integer(param(offset)?)?, limit, max_limit }
        }
        RawStyle::Page { page, size: page_size } => {
            let (size, max_size) = size(page_size)?;
            PagingStyle::PageNumber { page: integer(param(page)?)?, size, max_size }
        }
        RawStyle::Token { token, limit } => {
            let token_param = param(token)?;
            if token_param.ty != TypeRef::String {
                return Err(spec.error(at, format!("the token parameter {token:?} must be a string")));
            }
            let limit = limit.as_deref().map(param).transpose()?;
            PagingStyle::Token { token: token_param.rust_name.clone(), limit: limit.map(integer).transpose()? }
        }
    };
    let body = match &op.success_type {
        RustType::Schema(name) => name.clone(),
        other => {
            return Err(spec.error(at, format!("paging needs a JSON object success body; `send()` returns {other}")))
        }
    };
    let path = |text: &str, what: &str| body_path(spec, at, types, &body, text, what);
    let items = path(&raw.results, "results")?;
    let TypeRef::Array(item) = &items.leaf else {
        return Err(spec.error(at, format!("`results` ({}) is not an array", raw.results)));
    };
    let id_field = raw.item_id.as_deref().map(|f| f.trim_start_matches("$.")).unwrap_or("id");
    let item_id = item_id(types, item, id_field);
    if raw.item_id.is_some() && item_id.is_none() {
        return Err(spec.error(at, format!("the item id {id_field:?} is not a string field of the items")));
    }
    let counted = |text: &Option<String>, what: &str| -> Result<Option<BodyPath>, SpecError> {
        let Some(text) = text else { return Ok(None) };
        let found = path(text, what)?;
        match found.leaf {
            TypeRef::Integer(_) => Ok(Some(found)),
            _ => Err(spec.error(at, format!("`{what}` ({text}) is not an integer"))),
        }
    };
    let next_token = match &raw.next_token {
        Some(text) => {
            let found = path(text, "nextCursor")?;
            if found.leaf != TypeRef::String {
                return Err(spec.error(at, format!("the next token ({text}) is not a string")));
            }
            Some(found)
        }
        None => None,
    };
    if matches!(style, PagingStyle::Token { .. }) && next_token.is_none() {
        return Err(spec.error(at, "cursor paging needs the response field of the next cursor"));
    }
    Ok(Pagination {
        item: RustType::of(item),
        total: counted(&raw.total, "total")?,
        page_size: counted(&raw.page_size, "pageSize")?,
        style,
        items,
        next_token,
        item_id,
        source: format!("{}Paging", op.type_stem),
        customized,
        has_more: None,
        success_variant: None,
        origin: PagingOrigin::Declared(declared.vendor.key()),
    })
}

/// The operation says it is not paged, so nothing is inferred: `x-pagination: false`, or
/// `x-ms-pageable: {nextLinkName: null}`.
pub fn opted_out(op: &openapiv3::Operation) -> bool {
    let off = op.extensions.get("x-pagination").and_then(Value::as_bool) == Some(false);
    let ms =
        op.extensions.get(Vendor::Microsoft.key()).is_some_and(|v| v.get("nextLinkName").is_none_or(Value::is_null));
    off || ms
}

/// `type: offsetLimit | cursor`, `inputs: [{name, in: parameters, type}]`, `outputs: {results, …}`.
fn speakeasy(spec: &Spec, d: &Declared<'_>) -> Result<Raw, SpecError> {
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    let kind = text(d.value, "type").unwrap_or_default();
    let mut inputs = std::collections::BTreeMap::new();
    for (i, input) in d.value.get("inputs").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let at = d.at.push("inputs").push(&i.to_string());
        if text(input, "in").as_deref() != Some("parameters") {
            return Err(spec.error(&at.push("in"), "only paging inputs `in: parameters` are supported"));
        }
        let (Some(name), Some(role)) = (text(input, "name"), text(input, "type")) else {
            return Err(spec.error(&at, "a paging input needs `name` and `type`"));
        };
        inputs.insert(role, name);
    }
    let outputs = d.value.get("outputs");
    let output = |key: &str| outputs.and_then(|o| text(o, key));
    let results = output("results").ok_or_else(|| spec.error(&d.at.push("outputs"), "`outputs.results` is missing"))?;
    let style = match kind.as_str() {
        "offsetLimit" => match (inputs.get("offset"), inputs.get("page")) {
            (Some(offset), _) => RawStyle::Offset { offset: offset.clone(), limit: inputs.get("limit").cloned() },
            (None, Some(page)) => RawStyle::Page { page: page.clone(), size: inputs.get("limit").cloned() },
            (None, None) => {
                return Err(spec.error(&d.at.push("inputs"), "offsetLimit paging needs an `offset` or `page` input"))
            }
        },
        "cursor" => match inputs.get("cursor") {
            Some(token) => RawStyle::Token { token: token.clone(), limit: inputs.get("limit").cloned() },
            None => return Err(spec.error(&d.at.push("inputs"), "cursor paging needs a `cursor` input")),
        },
        other => {
            return Err(spec.error(
                &d.at.push("type"),
                format!("paging type {other:?} is not supported (offsetLimit and cursor are)"),
            ))
        }
    };
    Ok(Raw {
        style,
        results,
        total: output("total"),
        next_token: output("nextCursor"),
        page_size: output("pageSize"),
        item_id: output("itemId"),
    })
}

/// `offset: $request.x` (page numbers; with `step: $request.y`, offsets stepping by that
/// parameter) or `cursor: $request.x` with `next_cursor: $response.y`; `results: $response.z`.
fn fern(spec: &Spec, d: &Declared<'_>) -> Result<Raw, SpecError> {
    let field = |key: &str, prefix: &str| -> Result<Option<String>, SpecError> {
        let Some(value) = d.value.get(key) else { return Ok(None) };
        let text = value.as_str().unwrap_or_default();
        match text.strip_prefix(prefix) {
            Some(rest) if !rest.is_empty() => Ok(Some(rest.to_owned())),
            _ => Err(spec.error(&d.at.push(key), format!("expected `{prefix}…`, found {value}"))),
        }
    };
    let results =
        field("results", "$response.")?.ok_or_else(|| spec.error(&d.at, "`results: $response.…` is missing"))?;
    // `limit: $request.…` (the page-size parameter of page or cursor paging) is our addition.
    let limit = field("limit", "$request.")?;
    let style = match (field("cursor", "$request.")?, field("offset", "$request.")?) {
        (Some(token), _) => RawStyle::Token { token, limit },
        (None, Some(offset)) => match field("step", "$request.")? {
            Some(step) => RawStyle::Offset { offset, limit: Some(step) },
            None => RawStyle::Page { page: offset, size: limit },
        },
        (None, None) => return Err(spec.error(&d.at, "Fern paging needs `offset` or `cursor`")),
    };
    Ok(Raw {
        style,
        results: format!("$.{results}"),
        total: field("total", "$response.")?.map(|t| format!("$.{t}")),
        next_token: field("next_cursor", "$response.")?.map(|t| format!("$.{t}")),
        page_size: field("page-size", "$response.")?.map(|t| format!("$.{t}")),
        item_id: d.value.get("item-id").and_then(Value::as_str).map(str::to_owned),
    })
}

/// `$.meta.total` through the success body's struct fields.
pub(super) fn body_path(
    spec: &Spec,
    at: &Pointer,
    types: &[TypeDef],
    body: &str,
    text: &str,
    what: &str,
) -> Result<BodyPath, SpecError> {
    let Some(rest) = text.strip_prefix("$.") else {
        return Err(spec.error(at, format!("`{what}` ({text}) must be a path like `$.data.items`")));
    };
    let mut owner = Some(body.to_owned());
    let mut steps = Vec::new();
    let mut leaf = TypeRef::Named(body.to_owned());
    for wire in rest.split('.') {
        let Some(fields) = owner.as_deref().and_then(|name| struct_fields(types, name)) else {
            return Err(spec.error(at, format!("`{what}` ({text}): `{wire}` is not inside an object")));
        };
        let field = fields
            .iter()
            .find(|f| f.wire_name == wire)
            .ok_or_else(|| spec.error(at, format!("`{what}` ({text}): the response has no field {wire:?}")))?;
        steps.push(Step { field: field.rust_name.clone(), option: field.is_option(), boxed: field.boxed });
        leaf = field.ty.clone();
        owner = match &field.ty {
            TypeRef::Named(next) => Some(next.clone()),
            _ => None,
        };
    }
    Ok(BodyPath { steps, leaf })
}

/// The fields of the struct `name` (through aliases: a shape written out twice is one struct).
pub(super) fn struct_fields<'t>(types: &'t [TypeDef], name: &str) -> Option<&'t [super::Field]> {
    let mut name = name;
    // Aliases chain at most as far as there are types; a cycle gives up rather than loops.
    for _ in 0..=types.len() {
        match &types.iter().find(|d| d.name == name)?.kind {
            TypeKind::Struct { fields, .. } => return Some(fields),
            TypeKind::Alias { ty: TypeRef::Named(next), .. } => name = next,
            _ => return None,
        }
    }
    None
}

/// The item's string field `wire` (by default `id`), if it has one.
pub(super) fn item_id(types: &[TypeDef], item: &TypeRef, wire: &str) -> Option<Step> {
    let TypeRef::Named(name) = item else { return None };
    let fields = struct_fields(types, name)?;
    let id = fields.iter().find(|f| f.wire_name == wire && f.ty == TypeRef::String)?;
    Some(Step { field: id.rust_name.clone(), option: id.is_option(), boxed: false })
}
