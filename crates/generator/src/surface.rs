//! The public API of a generated crate as plain, sorted text: one item a line, written beside
//! the crate's `src/` as `api-surface.txt`. When a spec changes, the diff of this file is what a
//! reviewer reads first; `api-diff` then says which of those lines break callers.
//!
//! Everything a caller can name or rely on is here (operations and their required arguments,
//! parameters with their bounds and defaults, bodies, success and error types, types, fields,
//! variants, auth, server, documented rate limits); descriptions are not, so the file stays short
//! and a docs-only change leaves it untouched. Lines are grouped by item (an operation's or a
//! type's own line first, then its members, sorted), so the order never depends on the spec's.
//!
//! ```text
//! op list_media: GET /media (listMedia) -> ListMediaResponse
//! op list_media error 401 Unauthorized(ErrorResponse)
//! op list_media param per_page: Option<i64> query "per_page" default=20 min=1 max=100
//! type Media field mime_type: Option<String> wire="mime_type" optional
//! type MediaType enum variant Image wire="image"
//! ```

use crate::model::{
    Api, Auth, Field, Operation, PagingOrigin, Param, ParamLocation, RequestBody, ResponseCase, StatusMatch, TypeDef,
    TypeKind, TypeRef,
};

/// The surface of `api`, ending in a newline.
pub fn render(api: &Api) -> String {
    let mut lines = vec![
        format!("# Public API of the client generated from {} ({} {}).", api.source, api.title, api.version),
        "# Written by the generator; do not edit. Review its diff when the spec changes.".to_owned(),
    ];
    lines.push(match &api.auth {
        Auth::None => "auth none".to_owned(),
        Auth::Bearer => "auth bearer".to_owned(),
        Auth::ApiKeyHeader(name) => format!("auth header {name:?}"),
        Auth::ApiKeyQuery(name) => format!("auth query {name:?}"),
        Auth::ApiKeyCookie(name) => format!("auth cookie {name:?}"),
        Auth::ApiKeyHeaders(names) => format!("auth headers {names:?}"),
        Auth::Basic => "auth basic".to_owned(),
    });
    lines.push(format!("server {}", api.server.url));
    let mut variables: Vec<String> = api
        .server
        .variables
        .iter()
        .map(|v| format!("server variable {}: String wire={:?} default={:?}", v.rust_name, v.name, v.default))
        .collect();
    variables.sort();
    lines.extend(variables);
    for limit in &api.rate_limits {
        lines.push(format!("rate_limit {} per {}s", limit.requests, limit.window_secs));
    }
    // A review sees an operation the generator gave up appear, with where and why.
    for skipped in &api.skipped {
        lines.push(format!(
            "skipped {} {} ({}) at {}: {}",
            skipped.method,
            skipped.path,
            skipped.id,
            skipped.pointer,
            skipped.reason.replace('\n', " ")
        ));
    }
    let mut operations: Vec<&Operation> = api.operations.iter().collect();
    operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    for op in operations {
        lines.extend(operation(op, api));
    }
    // The model keeps types sorted by name already; sorting again keeps that a local fact.
    let mut types: Vec<&TypeDef> = api.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for def in types {
        lines.extend(type_def(def));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// One operation: its own line (the `Client` method with its required arguments, route, success
/// type), then its members sorted.
fn operation(op: &Operation, api: &Api) -> Vec<String> {
    let name = &op.fn_name;
    let args: Vec<String> = op.args.iter().map(ToString::to_string).collect();
    let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
    let head = format!("op {name}{args}: {} {} ({}) -> {}", op.method.as_str(), op.path, op.id, op.success_type);
    let mut members = Vec::new();
    if op.deprecated {
        members.push(format!("op {name} deprecated"));
    }
    for p in &op.params {
        members.push(format!("op {name} param {}", param(p)));
    }
    match &op.body {
        Some(body @ (RequestBody::Json { rust_type, required, .. } | RequestBody::Raw { rust_type, required, .. })) => {
            let (ty, presence) =
                if *required { (rust_type.clone(), "required") } else { (rust_type.clone().option(), "optional") };
            members.push(format!("op {name} body: {ty} {} {presence}", body.kind()));
        }
        Some(body @ RequestBody::Form { ty_name, fields, .. }) => {
            members.push(format!("op {name} body: {ty_name} {} required", body.kind()));
            for f in fields {
                let presence = if f.required { "required" } else { "optional" };
                let mut line =
                    format!("op {name} form field {}: {} wire={:?} {presence}", f.rust_name, f.rust_type, f.wire_name);
                // How the value is written, when not as its plain text (a wire change to review).
                if f.style != crate::model::FieldStyle::Plain {
                    line.push_str(&format!(" style={}", f.style.name()));
                }
                if let Some(ct) = &f.content_type {
                    line.push_str(&format!(" content-type={ct}"));
                }
                members.push(line);
            }
        }
        None => {}
    }
    if op.has_success_enum() {
        for case in &op.success {
            members.push(format!("op {name} success {}", case_line(case)));
        }
    }
    for case in &op.errors {
        members.push(format!("op {name} error {}", case_line(case)));
    }
    members.extend(paging(op, api));
    members.sort();
    let mut lines = vec![head];
    lines.extend(members);
    lines
}

/// How `.items()` pages, and whether the spec said so or the generator inferred it (from what);
/// or why a listing that looks paged has none.
fn paging(op: &Operation, api: &Api) -> Option<String> {
    let name = &op.fn_name;
    if let Some(paging) = &op.pagination {
        let origin = match &paging.origin {
            PagingOrigin::Declared(key) => format!("declared {key}"),
            PagingOrigin::Inferred(evidence) => format!("inferred from {evidence}"),
        };
        return Some(format!("op {name} paging {}: {origin}", paging.style.name()));
    }
    let note = api.paging_notes.iter().find(|n| n.id == op.id)?;
    Some(format!("op {name} paging none: {}", note.reason))
}

fn param(p: &Param) -> String {
    let ty = if p.required { p.rust_type.clone() } else { p.rust_type.clone().option() };
    let mut line = format!("{}: {ty} {} {:?}", p.rust_name, location(p.location), p.wire_name);
    if p.required {
        line.push_str(" required");
    }
    let styled_segment = p.location != ParamLocation::Query && p.array_style != crate::model::ArrayStyle::Comma;
    if matches!(p.ty, TypeRef::Array(_)) || p.structured || styled_segment {
        line.push_str(&format!(" style={}", p.array_style.name()));
    }
    if let Some(default) = &p.default {
        line.push_str(&format!(" default={default}"));
    }
    if let Some(min) = p.minimum {
        line.push_str(&format!(" min={min}"));
    }
    if let Some(max) = p.maximum {
        line.push_str(&format!(" max={max}"));
    }
    if p.deprecated {
        line.push_str(" deprecated");
    }
    line
}

pub fn location(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// `200 Ok(T)`, `4XX ClientError`, `default Default(Vec<u8>)`: the status and the enum variant.
fn case_line(case: &ResponseCase) -> String {
    let payload = case.payload.as_ref().map(|ty| format!("({ty})")).unwrap_or_default();
    format!("{} {}{payload}", status(case.status), case.variant)
}

pub fn status(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(code) => code.to_string(),
        StatusMatch::Range(digit) => format!("{digit}XX"),
        StatusMatch::Default => "default".to_owned(),
    }
}

fn type_def(def: &TypeDef) -> Vec<String> {
    let name = &def.name;
    let mut members = Vec::new();
    let head = match &def.kind {
        TypeKind::Struct { fields, additional } => {
            members.extend(fields.iter().map(|f| format!("type {name} field {}", field(f))));
            if let Some(extra) = additional {
                members.push(format!("type {name} field {}: {} flatten", extra.rust_name, extra.rust_type));
            }
            format!("type {name} struct")
        }
        TypeKind::Enum { variants } => {
            members.extend(
                variants.iter().map(|v| format!("type {name} enum variant {} wire={:?}", v.rust_name, v.wire_value)),
            );
            members.push(format!("type {name} enum variant Unknown(String) catch-all"));
            format!("type {name} enum")
        }
        TypeKind::Union { variants } => {
            members
                .extend(variants.iter().map(|v| format!("type {name} union variant {}({})", v.rust_name, v.rust_type)));
            format!("type {name} union")
        }
        TypeKind::Alias { rust_type, .. } => format!("type {name} alias = {rust_type}"),
    };
    members.sort();
    let mut lines = vec![head];
    lines.extend(members);
    lines
}

fn field(f: &Field) -> String {
    let mut line = format!(
        "{}: {} wire={:?} {}",
        f.rust_name,
        f.rust_type,
        f.wire_name,
        if f.required { "required" } else { "optional" }
    );
    if f.nullable {
        line.push_str(" nullable");
    }
    if f.deprecated {
        line.push_str(" deprecated");
    }
    if f.sensitive {
        line.push_str(" sensitive");
    }
    line
}
