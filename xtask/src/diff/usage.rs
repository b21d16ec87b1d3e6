//! Where operations use each named type: in requests (callers construct it), in responses (the
//! client constructs it, callers read it), or nowhere. Followed through fields, arrays, maps,
//! union variants and aliases; taken from both versions, so a type counts as a request type if
//! either version sends it.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Api, RequestBody, ResponseBody, TypeKind, TypeRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sent by some operation (possibly also received): callers build it.
    Request,
    /// Only ever received.
    ResponseOnly,
    /// No operation mentions it.
    Unused,
}

pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Usage {
    pub fn of(old: &Api, new: &Api) -> Usage {
        let mut usage = Usage { request: BTreeSet::new(), response: BTreeSet::new() };
        for api in [old, new] {
            let (request, response) = roots(api);
            let defs: BTreeMap<&str, &TypeKind> = api.types.iter().map(|d| (d.name.as_str(), &d.kind)).collect();
            usage.request.extend(reachable(&defs, request));
            usage.response.extend(reachable(&defs, response));
        }
        usage
    }

    pub fn role(&self, name: &str) -> Role {
        if self.request.contains(name) {
            Role::Request
        } else if self.response.contains(name) {
            Role::ResponseOnly
        } else {
            Role::Unused
        }
    }
}

fn roots(api: &Api) -> (Vec<&TypeRef>, Vec<&TypeRef>) {
    let mut request = Vec::new();
    let mut response = Vec::new();
    for op in &api.operations {
        request.extend(op.params.iter().map(|p| &p.ty));
        match &op.body {
            Some(RequestBody::Json { ty, .. }) => request.push(ty),
            Some(RequestBody::Form { fields, .. }) => request.extend(fields.iter().filter_map(|f| f.text.as_ref())),
            Some(RequestBody::Raw { .. }) | None => {}
        }
        for case in op.success.iter().chain(&op.errors) {
            if let ResponseBody::Json(ty) = &case.body {
                response.push(ty);
            }
        }
    }
    (request, response)
}

fn reachable<'a>(defs: &BTreeMap<&str, &'a TypeKind>, roots: Vec<&'a TypeRef>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending = roots;
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                match defs.get(name.as_str()) {
                    Some(TypeKind::Struct { fields, additional }) => {
                        pending.extend(fields.iter().map(|f| &f.ty));
                        pending.extend(additional.iter().map(|a| &a.value));
                    }
                    Some(TypeKind::Union { variants }) => pending.extend(variants.iter().map(|v| &v.ty)),
                    Some(TypeKind::Alias { ty: inner, .. }) => pending.push(inner),
                    Some(TypeKind::Enum { .. }) | None => {}
                }
            }
            _ => {}
        }
    }
    seen
}
