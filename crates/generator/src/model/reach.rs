//! Which named types an operation reaches, followed through fields, arrays, maps, union
//! variants and aliases. api-diff classifies types by it (sent or only received) and the Cargo
//! features by tag gate types by it.

use std::collections::{BTreeMap, BTreeSet};

use super::{Operation, RequestBody, ResponseBody, TypeKind, TypeRef};

/// The types an operation mentions directly: what it sends, and what it receives.
pub fn roots(op: &Operation) -> (Vec<&TypeRef>, Vec<&TypeRef>) {
    let mut request: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    match &op.body {
        Some(RequestBody::Json { ty, .. }) => request.push(ty),
        Some(RequestBody::Form { fields, .. }) => request.extend(fields.iter().filter_map(|f| f.text.as_ref())),
        Some(RequestBody::Raw { .. }) | None => {}
    }
    let response = op
        .success
        .iter()
        .chain(&op.errors)
        .filter_map(|case| match &case.body {
            ResponseBody::Json(ty) => Some(ty),
            _ => None,
        })
        .collect();
    (request, response)
}

/// Every named type reachable from `roots`.
pub fn reachable<'a>(defs: &BTreeMap<&str, &'a TypeKind>, roots: Vec<&'a TypeRef>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending = roots;
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Array(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Tuple(items) => pending.extend(items),
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
