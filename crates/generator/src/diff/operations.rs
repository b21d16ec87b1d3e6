//! Operations: the `Client` methods, their request builders (parameters, bodies) and what `send()`
//! returns (success type, error enum). The rules are in the parent module's docs.

use std::collections::BTreeMap;

use super::{Changes, Class};
use crate::model::Arg;
use crate::model::{Api, MultipartField, Operation, Param, RequestBody, ResponseCase};
use crate::surface::{location, status};

pub fn compare(old: &Api, new: &Api, out: &mut Changes) {
    let old_ops: BTreeMap<&str, &Operation> = old.operations.iter().map(|o| (o.fn_name.as_str(), o)).collect();
    let new_ops: BTreeMap<&str, &Operation> = new.operations.iter().map(|o| (o.fn_name.as_str(), o)).collect();
    let mut added: Vec<&Operation> =
        new_ops.iter().filter(|(k, _)| !old_ops.contains_key(*k)).map(|(_, o)| *o).collect();
    for (name, o) in &old_ops {
        match new_ops.get(name) {
            Some(n) => operation(o, n, out),
            None => match added.iter().position(|n| n.method == o.method && n.path == o.path) {
                // Same route under a new operationId: the method and its types are renamed.
                Some(i) => {
                    let n = added.remove(i);
                    let detail =
                        format!("`Client::{}` → `Client::{}` ({} {})", o.fn_name, n.fn_name, n.method.as_str(), n.path);
                    out.push(Class::Breaking, "operation_renamed", format!("Client::{}", o.fn_name), detail);
                    operation(o, n, out);
                }
                None => {
                    let detail =
                        format!("{} {} ({}) and its request and error types are gone", o.method.as_str(), o.path, o.id);
                    out.push(Class::Breaking, "operation_removed", format!("Client::{name}"), detail);
                }
            },
        }
    }
    for n in added {
        let detail = format!("new method for {} {} ({})", n.method.as_str(), n.path, n.id);
        out.push(Class::Compatible, "operation_added", format!("Client::{}", n.fn_name), detail);
    }
}

fn operation(o: &Operation, n: &Operation, out: &mut Changes) {
    let item = format!("Client::{}", n.fn_name);
    if o.type_stem != n.type_stem && o.fn_name == n.fn_name {
        let detail = format!("`{0}Request`/`{0}Error` → `{1}Request`/`{1}Error`", o.type_stem, n.type_stem);
        out.push(Class::Breaking, "operation_renamed", &item, detail);
    }
    if (o.method, &o.path) != (n.method, &n.path) {
        let detail =
            format!("{} {} → {} {}; the Rust API is unchanged", o.method.as_str(), o.path, n.method.as_str(), n.path);
        out.push(Class::Compatible, "operation_route_changed", &item, detail);
    } else if o.id != n.id && o.fn_name == n.fn_name {
        out.push(
            Class::Compatible,
            "operation_route_changed",
            &item,
            format!("operationId {:?} → {:?} (`OPERATION_ID`)", o.id, n.id),
        );
    }
    if o.deprecated != n.deprecated {
        let detail = if n.deprecated { "now `#[deprecated]`: callers get a warning" } else { "no longer deprecated" };
        out.push(Class::Compatible, "operation_deprecation_changed", &item, detail);
    }
    if o.summary != n.summary || o.description != n.description {
        out.push(Class::DocsOnly, "operation_docs_changed", &item, "summary or description changed");
    }
    let request = format!("{}Request", n.type_stem);
    params(o, n, &request, out);
    body(o, n, &request, out);
    responses(o, n, out);
}

fn params(o: &Operation, n: &Operation, request: &str, out: &mut Changes) {
    let item = |name: &str| format!("{request}::{name}");
    let mut added: Vec<&Param> =
        n.params.iter().filter(|p| !o.params.iter().any(|q| q.rust_name == p.rust_name)).collect();
    for p in &o.params {
        if let Some(q) = n.params.iter().find(|q| q.rust_name == p.rust_name) {
            param(p, q, &item(&q.rust_name), out);
            continue;
        }
        // Renamed only if it moved with its description (see `types::fields`).
        let same_shape = |q: &&Param| {
            (q.location, &q.ty, q.required) == (p.location, &p.ty, p.required)
                && p.description.is_some()
                && q.description == p.description
        };
        match added.iter().position(same_shape) {
            Some(i) => {
                let q = added.remove(i);
                let detail = format!("`{}` → `{}` ({:?} → {:?})", p.rust_name, q.rust_name, p.wire_name, q.wire_name);
                out.push(Class::Breaking, "parameter_renamed", item(&p.rust_name), detail);
            }
            None => {
                let how = if p.required { "argument of" } else { "setter on" };
                let detail = format!(
                    "{} parameter {:?} is gone ({how} `Client::{}`)",
                    location(p.location),
                    p.wire_name,
                    o.fn_name
                );
                out.push(Class::Breaking, "parameter_removed", item(&p.rust_name), detail);
            }
        }
    }
    for q in added {
        if q.required {
            let detail = format!("new argument of `Client::{}`: {}: {}", n.fn_name, q.rust_name, q.rust_type);
            out.push(Class::Breaking, "required_parameter_added", item(&q.rust_name), detail);
        } else {
            let detail = format!("new setter for {} parameter {:?}", location(q.location), q.wire_name);
            out.push(Class::Compatible, "optional_parameter_added", item(&q.rust_name), detail);
        }
    }
    // The same required arguments in another order still type-check only by luck.
    if o.args != n.args && sorted(&o.args) == sorted(&n.args) {
        let names = |a: &[Arg]| a.iter().map(|arg| arg.name.as_str()).collect::<Vec<_>>().join(", ");
        let detail = format!("({}) → ({})", names(&o.args), names(&n.args));
        out.push(Class::Breaking, "required_arguments_reordered", format!("Client::{}", n.fn_name), detail);
    }
}

fn sorted(args: &[Arg]) -> Vec<String> {
    let mut args: Vec<String> = args.iter().map(ToString::to_string).collect();
    args.sort();
    args
}

fn param(p: &Param, q: &Param, item: &str, out: &mut Changes) {
    if p.required != q.required {
        let (kind, detail) = if q.required {
            ("parameter_became_required", "optional setter → argument of the `Client` method")
        } else {
            ("parameter_became_optional", "argument of the `Client` method → optional setter")
        };
        out.push(Class::Breaking, kind, item, detail);
    }
    if p.ty != q.ty {
        out.push(Class::Breaking, "parameter_type_changed", item, format!("{} → {}", p.rust_type, q.rust_type));
    }
    if (p.location, &p.wire_name, p.array_style) != (q.location, &q.wire_name, q.array_style) {
        let detail = format!(
            "sent as {} {:?} ({:?}) → {} {:?} ({:?}); the Rust API is unchanged",
            location(p.location),
            p.wire_name,
            p.array_style,
            location(q.location),
            q.wire_name,
            q.array_style
        );
        out.push(Class::Compatible, "parameter_wire_changed", item, detail);
    }
    if p.default != q.default {
        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".to_owned());
        let detail = format!(
            "server default {} → {}; callers that leave it unset get the new one",
            show(&p.default),
            show(&q.default)
        );
        out.push(Class::Compatible, "parameter_default_changed", item, detail);
    }
    bound(item, "minimum", p.minimum, q.minimum, |old, new| new > old, out);
    bound(item, "maximum", p.maximum, q.maximum, |old, new| new < old, out);
    if p.description != q.description || p.deprecated != q.deprecated {
        out.push(Class::DocsOnly, "parameter_docs_changed", item, "description or deprecation note changed");
    }
}

/// A bound is tightened when one appears or moves inwards (`tighter(old, new)`): `to_request()`
/// then rejects values it used to send.
fn bound(
    item: &str,
    which: &str,
    old: Option<f64>,
    new: Option<f64>,
    tighter: fn(f64, f64) -> bool,
    out: &mut Changes,
) {
    let tightened = match (old, new) {
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) if a != b => tighter(a, b),
        _ => return,
    };
    let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_else(|| "none".to_owned());
    let detail = format!("{which} {} → {}", show(old), show(new));
    if tightened {
        let detail = format!("{detail}; values that used to be sent now fail `to_request()`");
        out.push(Class::Breaking, "parameter_bound_tightened", item, detail);
    } else {
        out.push(Class::Compatible, "parameter_bound_loosened", item, detail);
    }
}

fn body(o: &Operation, n: &Operation, request: &str, out: &mut Changes) {
    let item = format!("{request}::body");
    match (&o.body, &n.body) {
        (None, None) => {}
        (None, Some(b)) => {
            let required =
                !matches!(b, RequestBody::Json { required: false, .. } | RequestBody::Raw { required: false, .. });
            let (class, detail) = if required {
                (Class::Breaking, "new required body: a new argument of the `Client` method")
            } else {
                (Class::Compatible, "new optional body setter")
            };
            out.push(class, "request_body_added", item, detail);
        }
        (Some(_), None) => out.push(Class::Breaking, "request_body_removed", item, "the request body is gone"),
        (
            Some(RequestBody::Json { ty: a, rust_type: ta, required: ra, description: da }),
            Some(RequestBody::Json { ty: b, rust_type: tb, required: rb, description: db }),
        ) => {
            if a != b {
                out.push(Class::Breaking, "request_body_changed", &item, format!("{ta} → {tb}"));
            }
            if ra != rb {
                let kind = if *rb { "request_body_became_required" } else { "request_body_became_optional" };
                out.push(
                    Class::Breaking,
                    kind,
                    &item,
                    "the body moves between the `Client` method's arguments and an optional setter",
                );
            }
            if da != db {
                out.push(Class::DocsOnly, "request_body_docs_changed", &item, "description changed");
            }
        }
        (
            Some(RequestBody::Form { ty_name: a, fields: fa, description: da, .. }),
            Some(RequestBody::Form { ty_name: b, fields: fb, description: db, .. }),
        ) => {
            if a != b {
                out.push(Class::Breaking, "request_body_changed", &item, format!("{a} → {b}"));
            }
            form_fields(b, fa, fb, out);
            if da != db {
                out.push(Class::DocsOnly, "request_body_docs_changed", &item, "description changed");
            }
        }
        (
            Some(RequestBody::Raw { content_type: ca, text: ta, required: ra, .. }),
            Some(RequestBody::Raw { content_type: cb, text: tb, required: rb, .. }),
        ) if ta == tb && ra == rb => {
            // The builder's shape is the same; only the media type on the wire moved.
            if ca != cb {
                out.push(Class::Compatible, "request_body_media_type_changed", item, format!("{ca} → {cb}"));
            }
        }
        (Some(a), Some(b)) => {
            out.push(Class::Breaking, "request_body_changed", item, format!("{} → {}", a.kind(), b.kind()))
        }
    }
}

/// Multipart forms are structs with public fields that callers build, so any field change breaks
/// their struct literals.
fn form_fields(form: &str, old: &[MultipartField], new: &[MultipartField], out: &mut Changes) {
    let shape = |f: &MultipartField| (f.required, f.rust_type.to_string());
    for f in old {
        let item = format!("{form}::{}", f.rust_name);
        match new.iter().find(|g| g.rust_name == f.rust_name) {
            None => out.push(Class::Breaking, "form_field_removed", item, format!("part {:?} is gone", f.wire_name)),
            Some(g) => {
                if shape(f) != shape(g) {
                    let detail = format!("{:?} → {:?}", shape(f), shape(g));
                    out.push(Class::Breaking, "form_field_changed", &item, detail);
                }
                if f.wire_name != g.wire_name {
                    let detail = format!("part name {:?} → {:?}; the Rust API is unchanged", f.wire_name, g.wire_name);
                    out.push(Class::Compatible, "form_field_wire_changed", &item, detail);
                }
                if (f.style, &f.content_type) != (g.style, &g.content_type) {
                    let written = |m: &MultipartField| match &m.content_type {
                        Some(ct) => format!("{} ({ct})", m.style.name()),
                        None => m.style.name().to_owned(),
                    };
                    let detail = format!("written {} → {}; the Rust API is unchanged", written(f), written(g));
                    out.push(Class::Compatible, "form_field_wire_changed", &item, detail);
                }
                if f.description != g.description {
                    out.push(Class::DocsOnly, "form_field_docs_changed", &item, "description changed");
                }
            }
        }
    }
    for g in new.iter().filter(|g| !old.iter().any(|f| f.rust_name == g.rust_name)) {
        let detail = format!("new public field (part {:?}): struct literals of the form must add it", g.wire_name);
        out.push(Class::Breaking, "form_field_added", format!("{form}::{}", g.rust_name), detail);
    }
}

fn responses(o: &Operation, n: &Operation, out: &mut Changes) {
    let send = format!("{}Request::send", n.type_stem);
    let (old_ok, new_ok) = (&o.success_type, &n.success_type);
    let variants =
        |cases: &[ResponseCase]| cases.iter().map(|c| (c.variant.clone(), c.body.clone())).collect::<Vec<_>>();
    let old_enum = o.has_success_enum().then(|| variants(&o.success));
    let new_enum = n.has_success_enum().then(|| variants(&n.success));
    if old_ok != new_ok || old_enum != new_enum {
        let detail = format!(
            "`send()` returns {old_ok} → {new_ok}{}",
            if old_ok == new_ok { " (its variants changed)" } else { "" }
        );
        out.push(Class::Breaking, "success_type_changed", &send, detail);
    } else if statuses(&o.success) != statuses(&n.success) {
        let detail = format!(
            "success statuses {} → {}; the return type is unchanged",
            statuses(&o.success),
            statuses(&n.success)
        );
        out.push(Class::Compatible, "success_status_changed", &send, detail);
    }
    let error = format!("{}Error", n.type_stem);
    for case in &o.errors {
        let item = format!("{error}::{}", case.variant);
        match n.errors.iter().find(|c| c.status == case.status) {
            None => {
                let detail = format!(
                    "status {} is no longer declared; matches on the variant stop compiling",
                    status(case.status)
                );
                out.push(Class::Breaking, "error_status_removed", item, detail);
            }
            Some(c) if c.variant != case.variant || c.body != case.body => {
                let detail = format!("status {}: {} → {}", status(c.status), case_shape(case), case_shape(c));
                out.push(Class::Breaking, "error_body_changed", item, detail);
            }
            Some(_) => {}
        }
    }
    for c in n.errors.iter().filter(|c| !o.errors.iter().any(|d| d.status == c.status)) {
        let detail =
            format!("status {} now decodes to its own variant (the enum is #[non_exhaustive])", status(c.status));
        out.push(Class::Compatible, "error_status_added", format!("{error}::{}", c.variant), detail);
    }
    let docs = |cases: &[ResponseCase]| {
        cases.iter().map(|c| (c.status, c.description.clone(), c.headers.clone())).collect::<Vec<_>>()
    };
    let same_statuses = statuses(&o.success) == statuses(&n.success) && statuses(&o.errors) == statuses(&n.errors);
    if same_statuses && (docs(&o.success) != docs(&n.success) || docs(&o.errors) != docs(&n.errors)) {
        out.push(
            Class::DocsOnly,
            "response_docs_changed",
            send,
            "a response's description or documented headers changed",
        );
    }
}

fn statuses(cases: &[ResponseCase]) -> String {
    cases.iter().map(|c| status(c.status)).collect::<Vec<_>>().join(", ")
}

fn case_shape(case: &ResponseCase) -> String {
    match &case.payload {
        None => case.variant.clone(),
        Some(ty) => format!("{}({ty})", case.variant),
    }
}
