//! Which file each gated item goes in. rustc reads and parses every file a module tree names,
//! even when every item in it is behind a `cfg` that is off: Microsoft Graph's one `types.rs`
//! (990,000 lines) cost a one-tag build most of its time. So items behind features are grouped by
//! the exact set of features that gate them, one file per set, mounted by a `mod` carrying that
//! `cfg`: a build reads only the files of the features it turns on. A set is one file, not a file
//! per type, so Graph's 20,000 gated types make a few hundred files.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::{Api, Operation, TypeDef};

/// Types gated by the same features, in one file `types/<module>.rs`.
pub struct TypeGroup<'a> {
    pub module: String,
    pub features: Vec<String>,
    pub types: Vec<&'a TypeDef>,
}

/// The operations of one feature, in `operations/<module>/`.
pub struct OperationGroup<'a> {
    pub module: String,
    pub feature: String,
    pub operations: Vec<&'a Operation>,
}

/// The always-compiled types, and the gated ones by feature set (in the order of their first
/// type, which is the model's order, so output is deterministic).
pub fn type_groups(api: &Api) -> (Vec<&TypeDef>, Vec<TypeGroup<'_>>) {
    let mut ungated = Vec::new();
    let mut groups: Vec<TypeGroup> = Vec::new();
    let mut index: BTreeMap<&[String], usize> = BTreeMap::new();
    // Module names live beside the type names in `types`; keep clear of them.
    let mut taken: BTreeSet<String> = api.types.iter().map(|t| t.name.clone()).collect();
    for def in &api.types {
        if def.features.is_empty() {
            ungated.push(def);
            continue;
        }
        let slot = *index.entry(def.features.as_slice()).or_insert_with(|| {
            let module = unique(group_module(&def.features), &mut taken);
            groups.push(TypeGroup { module, features: def.features.clone(), types: Vec::new() });
            groups.len() - 1
        });
        groups[slot].types.push(def);
    }
    (ungated, groups)
}

/// The always-compiled operations, and the gated ones by feature (in the API's feature order).
pub fn operation_groups(api: &Api) -> (Vec<&Operation>, Vec<OperationGroup<'_>>) {
    let mut ungated = Vec::new();
    let mut by_feature: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        match &op.feature {
            Some(feature) => by_feature.entry(feature.as_str()).or_default().push(op),
            None => ungated.push(op),
        }
    }
    // Beside the modules of the always-compiled operations in `operations`.
    let mut taken: BTreeSet<String> = ungated.iter().map(|op| super::bare(&op.fn_name).to_owned()).collect();
    let groups = by_feature
        .into_iter()
        .map(|(feature, operations)| OperationGroup {
            module: unique(format!("tag_{}", snake(feature)), &mut taken),
            feature: feature.to_owned(),
            operations,
        })
        .collect();
    (ungated, groups)
}

/// `#[cfg(…)] mod x; #[cfg(…)] pub use x::*;`: the group's items appear where they always did.
pub fn mount(module: &str, features: &[String]) -> TokenStream {
    let cfg = super::cfg(features);
    let module = ident(module);
    quote! {
        #cfg mod #module;
        #cfg pub use #module::*;
    }
}

/// `for_gists` for the types of one feature; several features' shared types take a name from a
/// hash of the set, so the name stays put when other sets come and go.
fn group_module(features: &[String]) -> String {
    match features {
        [one] => format!("for_{}", snake(one)),
        many => {
            // FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
            let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
            for byte in many.join(",").bytes() {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
            format!("shared_{:08x}", hash >> 32)
        }
    }
}

/// A feature name (`drives-drive-item`) as a module name (`drives_drive_item`).
fn snake(feature: &str) -> String {
    feature.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}_{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}
