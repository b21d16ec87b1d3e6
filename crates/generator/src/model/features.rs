//! Cargo features by tag, so a user of a few endpoints of a big API compiles only those: each
//! operation is behind the feature of its first tag (operations without a tag are always
//! compiled), and each type behind the features of the operations that reach it (a type reached
//! by an always-compiled operation is always compiled; one no operation reaches, such as a
//! webhook's payload, is behind the feature `other-types`).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;

use super::reach::{reachable, roots};
use super::{Api, TypeKind, TypeRef};

/// Sets `Operation::feature` and `TypeDef::features`, and the API's feature list.
pub fn assign(api: &mut Api) {
    let mut by_tag: BTreeMap<String, String> = BTreeMap::new();
    // Cargo's own `default` is not a tag's to take (a tag named "default" becomes `default2`).
    let mut taken = BTreeSet::from(["default".to_owned()]);
    for op in &mut api.operations {
        op.feature = op.tag.as_ref().map(|tag| {
            by_tag.entry(tag.clone()).or_insert_with(|| super::naming::unique(feature_name(tag), &mut taken)).clone()
        });
    }
    adopt_untagged(api);
    let defs: BTreeMap<&str, &TypeKind> = api.types.iter().map(|d| (d.name.as_str(), &d.kind)).collect();
    // Type name → the features that reach it; `None` once an always-compiled operation does.
    let mut gates: BTreeMap<String, Option<BTreeSet<String>>> = BTreeMap::new();
    for op in &api.operations {
        let (request, response) = roots(op);
        let reached = reachable(&defs, request.into_iter().chain(response).collect());
        for name in reached {
            let gate = gates.entry(name).or_insert_with(|| Some(BTreeSet::new()));
            match (&op.feature, gate.as_mut()) {
                (Some(feature), Some(features)) => {
                    features.insert(feature.clone());
                }
                (None, _) => *gate = None,
                (Some(_), None) => {}
            }
        }
    }
    // A type no operation reaches (a webhook's payload, an unused component) is behind a feature
    // of its own, and so is everything it mentions...
    let unreached: Vec<&str> = defs.keys().copied().filter(|name| !gates.contains_key(*name)).collect();
    // (An API without tags is not split: there they are always compiled.)
    let others = super::naming::unique(OTHER_TYPES.to_owned(), &mut taken);
    let split = !by_tag.is_empty();
    let mut others_used = false;
    for name in &unreached {
        if !matches!(defs.get(name), Some(TypeKind::Alias { .. })) {
            let root = TypeRef::Named((*name).to_owned());
            for reached in reachable(&defs, vec![&root]) {
                let gate = gates.entry(reached).or_insert_with(|| Some(BTreeSet::new()));
                match gate {
                    Some(features) if split => {
                        features.insert(others.clone());
                        others_used = true;
                    }
                    _ => *gate = None,
                }
            }
        }
    }
    // ...except an alias, which is compiled with its target (the names a shape written out
    // twice takes, see `TypeBuilder::define_inline`).
    for name in unreached {
        if !gates.contains_key(name) {
            let gate = alias_target(&defs, name).and_then(|target| gates.get(target).cloned()).flatten();
            gates.insert(name.to_owned(), gate);
        }
    }
    for def in &mut api.types {
        def.features = gates.remove(&def.name).flatten().map(|f| f.into_iter().collect()).unwrap_or_default();
    }
    let mut features: BTreeSet<String> = by_tag.into_values().collect();
    if others_used {
        features.insert(others);
    }
    api.features = features.into_iter().collect();
}

/// An operation without a tag goes behind the feature of the tagged operation at its own path or
/// the nearest path above it: Microsoft Graph leaves its 1,483 `…/$count` operations untagged,
/// and always compiling them cost every one-tag build most of its time. One with no tagged
/// operation above it (a `/health` beside tagged resources) stays always compiled.
fn adopt_untagged(api: &mut Api) {
    let mut by_path: BTreeMap<String, String> = BTreeMap::new();
    for op in &api.operations {
        if let Some(feature) = &op.feature {
            by_path.entry(op.path.clone()).or_insert_with(|| feature.clone());
        }
    }
    for op in api.operations.iter_mut().filter(|op| op.feature.is_none()) {
        let mut path = op.path.as_str();
        loop {
            if let Some(feature) = by_path.get(path) {
                op.feature = Some(feature.clone());
                break;
            }
            match path.rfind('/') {
                Some(slash) if slash > 0 => path = &path[..slash],
                _ => break,
            }
        }
    }
}

/// The feature of the types no operation uses.
const OTHER_TYPES: &str = "other-types";

/// The first type an alias chain ends at that is not itself an alias.
fn alias_target<'a>(defs: &BTreeMap<&'a str, &'a TypeKind>, name: &'a str) -> Option<&'a str> {
    let mut current = name;
    for _ in 0..16 {
        match defs.get(current) {
            Some(TypeKind::Alias { ty: TypeRef::Named(next), .. }) => current = next.as_str(),
            Some(_) => return Some(current),
            None => return None,
        }
    }
    None
}

/// `Pull Requests` → `pull-requests`; a name Cargo accepts (ASCII letters, digits, `-`, `_`).
fn feature_name(tag: &str) -> String {
    let name: String =
        tag.to_kebab_case().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => name,
        _ => format!("tag-{name}"),
    }
}
