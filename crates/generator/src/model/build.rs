//! Spec → [`Api`]: servers, auth, operations and types, validated on the way.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{APIKeyLocation, SecurityScheme};

use super::naming::field_ident;
use super::paging_infer::Inference;
use super::types::TypeBuilder;
use super::{Api, Auth, Operation, PagingNote, Server, ServerVariable, TypeDef, TypeKind, TypeRef};
use crate::spec::version::Warning;
use crate::spec::{Pointer, Spec, SpecError};

/// The choices the model takes from its caller rather than from the spec (the facts of a
/// service come from the spec's `x-` extensions: see [`super::service`]).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The spec's path as shown in the `@generated` header.
    pub source: String,
    /// Group operations by tag behind Cargo features.
    pub features_by_tag: bool,
    /// Generated type name → a Rust type of the caller's own to use instead (`Settings::type_mappings`).
    pub type_mappings: BTreeMap<String, String>,
    /// Refuse what the model cannot hold, instead of giving up the smallest unit containing it
    /// (a field or type → `serde_json::Value`, an optional parameter, an operation) with a warning.
    pub strict: bool,
}

pub fn build(spec: &Spec, options: &Options) -> Result<Api, SpecError> {
    let mut types = TypeBuilder::new(spec);
    types.tolerant = !options.strict;
    types.build_components()?;
    let super::operations::Built { mut operations, paging, mut skipped } =
        super::operations::operations(spec, &mut types)?;
    types.name_shared_shapes(&mut operations);
    let (types, mut warnings) = types.finish();
    let mut paging_notes = Vec::new();
    for (op, declared) in operations.iter_mut().zip(paging) {
        let Some(declared) = declared else {
            infer_paging(spec, op, &types, &mut paging_notes);
            continue;
        };
        let handwritten = declared.handwritten;
        match super::pagination::resolve(spec, &declared, op, &types, handwritten) {
            Ok(paging) => op.pagination = Some(paging),
            Err(e) if !options.strict => {
                let message = format!("{}; `{}` gets no `.items()`/`.pages()`", e.message, op.fn_name);
                warnings.push(Warning { pointer: e.pointer, message });
            }
            Err(e) => return Err(e),
        }
    }
    // What the spec stage gave up (operations whose nodes do not parse), in spec order too.
    skipped.splice(0..0, spec.origin.skipped.iter().cloned());
    let auth = match auth(spec, &mut warnings) {
        Ok(auth) => auth,
        Err(e) if !options.strict => {
            let message =
                format!("{}; the client sends no credential of its own (use the builder's explicit auth)", e.message);
            warnings.push(Warning { pointer: e.pointer, message });
            Auth::None
        }
        Err(e) => return Err(e),
    };
    let info = &spec.doc.info;
    let mut api = Api {
        source: options.source.clone(),
        title: info.title.clone(),
        description: info.description.clone(),
        version: info.version.clone(),
        server: server(spec),
        auth,
        rate_limits: super::service::rate_limits(spec)?,
        service: super::service::facts(spec)?,
        operations,
        types,
        features: Vec::new(),
        warnings,
        skipped,
        paging_notes,
    };
    map_types(spec, &mut api, &options.type_mappings)?;
    if options.features_by_tag {
        super::features::assign(&mut api);
    }
    Ok(api)
}

/// Paging for an operation that declares none, unless it opts out (`x-pagination: false`).
/// Inference is never an error, strict or not: what it cannot settle is a note.
fn infer_paging(spec: &Spec, op: &mut Operation, types: &[TypeDef], notes: &mut Vec<PagingNote>) {
    let method = op.method.as_str().to_ascii_lowercase();
    let raw = spec.doc.operations().find(|(path, m, _)| *path == op.path && *m == method).map(|(_, _, raw)| raw);
    if raw.is_some_and(super::pagination::opted_out) {
        return;
    }
    match super::paging_infer::infer(op, types) {
        Inference::Paged(paging) => op.pagination = Some(*paging),
        Inference::Unsure(reason) => notes.push(PagingNote {
            id: op.id.clone(),
            pointer: Pointer::root().push("paths").push(&op.path).push(&method).to_string(),
            reason,
        }),
        Inference::None => {}
    }
}

/// Each mapped type becomes an alias of the caller's type (which must (de)serialize the same
/// JSON), so every operation and field that names it takes the caller's type.
fn map_types(spec: &Spec, api: &mut Api, mappings: &BTreeMap<String, String>) -> Result<(), SpecError> {
    for (name, path) in mappings {
        let Some(def) = api.types.iter_mut().find(|t| &t.name == name) else {
            let message = format!("type mapping {name:?} → {path:?}: the spec generates no type {name:?}");
            return Err(spec.error(&Pointer::root(), message));
        };
        if syn_path_like(path).is_none() {
            let message = format!("type mapping {name:?} → {path:?}: not a Rust type path");
            return Err(spec.error(&Pointer::root(), message));
        }
        def.kind = TypeKind::Alias { ty: TypeRef::Json, rust_type: super::RustType::External(path.clone()) };
    }
    Ok(())
}

/// `Some(())` for `a::b::C`, `::x::Y`, `C<D>`-free paths the emitter can print.
fn syn_path_like(path: &str) -> Option<()> {
    let body = path.strip_prefix("::").unwrap_or(path);
    body.split("::")
        .all(|seg| {
            seg.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && seg.chars().all(|c| c.is_alphanumeric() || c == '_')
        })
        .then_some(())
}

fn server(spec: &Spec) -> Server {
    let Some(first) = spec.doc.servers.first() else {
        return Server { url: String::new(), variables: Vec::new() };
    };
    let variables = first
        .variables
        .iter()
        .flatten()
        .map(|(name, v)| ServerVariable {
            name: name.clone(),
            rust_name: field_ident(name),
            default: v.default.clone(),
            description: v.description.clone(),
        })
        .collect();
    Server { url: first.url.clone(), variables }
}

/// The first supported scheme among the security requirements (root level first, then each
/// operation's), so one exotic alternative does not make a whole spec unusable. When no
/// requirement can be met, the first reason is the error.
///
/// A requirement naming a scheme the spec does not define (a broken spec) is skipped with a
/// warning, so the client is still written; an overlay can add the scheme.
fn auth(spec: &Spec, warnings: &mut Vec<Warning>) -> Result<Auth, SpecError> {
    let root = spec.doc.security.iter().map(|r| (r, Pointer::root().push("security")));
    let ops = spec.doc.operations().filter_map(|(path, method, op)| {
        op.security.as_ref().map(|r| (r, Pointer::root().push("paths").push(path).push(method).push("security")))
    });
    let defined = |name: &str| spec.doc.components.as_ref().is_some_and(|c| c.security_schemes.contains_key(name));
    let mut first_error = None;
    for (requirements, at) in root.chain(ops) {
        for (i, requirement) in requirements.iter().enumerate() {
            if let Some(missing) = requirement.keys().find(|name| !defined(name)) {
                let message = format!(
                    "security requirement names {missing:?}, which securitySchemes does not define: skipped (the \
                     client sends no credential for it; an overlay can add the scheme)"
                );
                warnings.push(spec.warning(&at.push(&i.to_string()), message));
                continue;
            }
            let outcome = match requirement.len() {
                0 => continue,
                1 => requirement.keys().next().map(|name| scheme_auth(spec, name)),
                _ => Some(combined_auth(spec, requirement.keys(), &at.push(&i.to_string()))),
            };
            match outcome {
                Some(Ok(auth)) => return Ok(auth),
                Some(Err(e)) => {
                    first_error.get_or_insert(e);
                }
                None => {}
            }
        }
    }
    first_error.map_or(Ok(Auth::None), Err)
}

/// A requirement naming several schemes at once. Schemes that all send the same credential the
/// same way (two OAuth2 flows, both a bearer token) are that one credential; API keys in
/// headers of their own (an app key and an app token) are sent together. Other mixes (a key
/// in the query beside a bearer token) are refused.
fn combined_auth<'n>(spec: &Spec, names: impl Iterator<Item = &'n String>, at: &Pointer) -> Result<Auth, SpecError> {
    let schemes = names.map(|name| scheme_auth(spec, name)).collect::<Result<Vec<_>, _>>()?;
    let Some(first) = schemes.first() else { return Ok(Auth::None) };
    if schemes.iter().all(|auth| auth == first) {
        return Ok(first.clone());
    }
    let mut headers: Vec<String> = Vec::new();
    for auth in &schemes {
        match auth {
            Auth::ApiKeyHeader(name) => {
                if !headers.iter().any(|h| h.eq_ignore_ascii_case(name)) {
                    headers.push(name.clone());
                }
            }
            _ => {
                let message = "a requirement that combines schemes sending different credentials is not supported";
                return Err(spec.error(at, message));
            }
        }
    }
    Ok(Auth::ApiKeyHeaders(headers))
}

fn scheme_auth(spec: &Spec, name: &str) -> Result<Auth, SpecError> {
    let schemes = spec.doc.components.as_ref().map(|c| &c.security_schemes);
    let at = Pointer::component("securitySchemes", name);
    let item = schemes.and_then(|s| s.get(name)).ok_or_else(|| {
        spec.error(&at, format!("security requirement names {name:?}, which securitySchemes does not define"))
    })?;
    let (scheme, at) = spec.security_scheme(item, &at)?;
    match scheme {
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => Ok(Auth::Bearer),
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Ok(Auth::Basic),
        // An OAuth2 or OpenID Connect access token is sent as a bearer token.
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => Ok(Auth::Bearer),
        SecurityScheme::APIKey { location: APIKeyLocation::Header, name, .. } => Ok(Auth::ApiKeyHeader(name.clone())),
        SecurityScheme::APIKey { location: APIKeyLocation::Query, name, .. } => Ok(Auth::ApiKeyQuery(name.clone())),
        SecurityScheme::APIKey { location: APIKeyLocation::Cookie, name, .. } => Ok(Auth::ApiKeyCookie(name.clone())),
        SecurityScheme::HTTP { scheme, .. } => Err(spec
            .error(&at.push("scheme"), format!("HTTP auth scheme {scheme:?} is not supported (bearer and basic are)"))),
    }
}

/// Boxes every struct field whose type contains the struct again without indirection (a `Vec` or
/// map is indirection already), so recursive schemas give types of finite size.
pub(super) fn box_recursive_fields(defs: &mut BTreeMap<String, TypeDef>) {
    let edges: BTreeMap<String, Vec<String>> =
        defs.iter().map(|(name, def)| (name.clone(), direct_edges(def))).collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(next) = stack.pop() {
            if next == to {
                return true;
            }
            if seen.insert(next.clone()) {
                stack.extend(edges.get(&next).into_iter().flatten().cloned());
            }
        }
        false
    };
    let mut to_box = Vec::new();
    for (name, def) in defs.iter() {
        if let TypeKind::Struct { fields, .. } = &def.kind {
            for (i, field) in fields.iter().enumerate() {
                if inline_names(&field.ty).iter().any(|target| reaches(target, name)) {
                    to_box.push((name.clone(), i));
                }
            }
        }
    }
    for (name, i) in to_box {
        if let Some(TypeKind::Struct { fields, .. }) = defs.get_mut(&name).map(|d| &mut d.kind) {
            if let Some(field) = fields.get_mut(i) {
                field.boxed = true;
                field.rust_type = super::RustType::field(&field.ty, true, field.is_option());
            }
        }
    }
}

/// The named types a value of `ty` holds without indirection (itself, or a tuple's members).
fn inline_names(ty: &TypeRef) -> Vec<String> {
    match ty {
        TypeRef::Named(n) => vec![n.clone()],
        TypeRef::Tuple(items) => items.iter().flat_map(inline_names).collect(),
        _ => Vec::new(),
    }
}

fn direct_edges(def: &TypeDef) -> Vec<String> {
    match &def.kind {
        TypeKind::Struct { fields, .. } => fields.iter().flat_map(|f| inline_names(&f.ty)).collect(),
        TypeKind::Union { variants } => variants.iter().flat_map(|v| inline_names(&v.ty)).collect(),
        TypeKind::Alias { ty, .. } => inline_names(ty),
        TypeKind::Enum { .. } => Vec::new(),
    }
}
