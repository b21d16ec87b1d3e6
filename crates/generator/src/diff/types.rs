//! Named types: structs and their fields, string enums, unions, aliases. Whether a new field
//! breaks callers depends on who builds the struct ([`Role`]); the rules are in the parent
//! module's docs.

use std::collections::BTreeMap;

use super::usage::{Role, Usage};
use super::{Changes, Class};
use crate::model::{Additional, Api, EnumVariant, Field, TypeDef, TypeKind, UnionVariant};

pub fn compare(old: &Api, new: &Api, usage: &Usage, out: &mut Changes) {
    let old_defs: BTreeMap<&str, &TypeDef> = old.types.iter().map(|d| (d.name.as_str(), d)).collect();
    let new_defs: BTreeMap<&str, &TypeDef> = new.types.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut added: Vec<&TypeDef> =
        new_defs.iter().filter(|(k, _)| !old_defs.contains_key(*k)).map(|(_, d)| *d).collect();
    for (name, o) in &old_defs {
        let item = format!("types::{name}");
        if let Some(n) = new_defs.get(name) {
            definition(o, n, kept_alias(&new_defs, o), usage.role(name), out);
            continue;
        }
        // The same shape under another name: a renamed schema (or a renamed inline parent).
        match added.iter().position(|n| shape(n) == shape(o)) {
            Some(i) => {
                let n = added.remove(i);
                out.push(Class::Breaking, "type_renamed", item, format!("`{name}` → `{}`", n.name));
            }
            None => out.push(Class::Breaking, "type_removed", item, format!("{} `{name}` is gone", kind_name(&o.kind))),
        }
    }
    for n in added {
        out.push(Class::Compatible, "type_added", format!("types::{}", n.name), format!("new {}", kind_name(&n.kind)));
    }
}

/// `old` with every use of a type that `new` keeps as an alias of a type of the same shape
/// renamed to that type, so the uses compare equal. Repeated so a struct whose field types were
/// kept that way (a shared response holding a shared enum) is recognised too.
pub fn through_kept_aliases(old: &Api, new: &Api) -> Api {
    let new_defs: BTreeMap<&str, &TypeDef> = new.types.iter().map(|d| (d.name.as_str(), d)).collect();
    let mut old = old.clone();
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    for _ in 0..8 {
        let found: BTreeMap<String, String> = old
            .types
            .iter()
            .filter(|o| !matches!(o.kind, TypeKind::Alias { .. }) && !renames.contains_key(&o.name))
            .filter_map(|o| kept_alias(&new_defs, o).map(|target| (o.name.clone(), target.name.clone())))
            .collect();
        if found.is_empty() {
            break;
        }
        crate::model::rename_uses(&mut old, &found);
        renames.extend(found);
    }
    old
}

/// The definition `new` makes `o`'s name an alias of (through a chain of aliases), when it has
/// `o`'s shape.
fn kept_alias<'a>(new_defs: &BTreeMap<&str, &'a TypeDef>, o: &TypeDef) -> Option<&'a TypeDef> {
    let mut current = *new_defs.get(o.name.as_str())?;
    for _ in 0..16 {
        match &current.kind {
            TypeKind::Alias { ty: crate::model::TypeRef::Named(target), .. } => {
                current = new_defs.get(target.as_str())?
            }
            TypeKind::Alias { .. } => return None,
            _ if current.name != o.name && shape(current) == shape(o) => return Some(current),
            _ => return None,
        }
    }
    None
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union enum",
        TypeKind::Alias { .. } => "type alias",
    }
}

/// What a caller can see of a type, its name and docs left out.
fn shape(def: &TypeDef) -> String {
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let fields: Vec<String> =
                fields.iter().map(|f| format!("{}:{}:{}", f.rust_name, f.rust_type, f.wire_name)).collect();
            let extra = additional.as_ref().map(|a| format!("{}:{}", a.rust_name, a.rust_type));
            format!("struct {} {extra:?}", fields.join(","))
        }
        TypeKind::Enum { variants } => {
            let variants: Vec<String> = variants.iter().map(|v| format!("{}={}", v.rust_name, v.wire_value)).collect();
            format!("enum {}", variants.join(","))
        }
        TypeKind::Union { variants } => {
            let variants: Vec<String> = variants.iter().map(|v| format!("{}({})", v.rust_name, v.rust_type)).collect();
            format!("union {}", variants.join(","))
        }
        TypeKind::Alias { rust_type, .. } => format!("alias {rust_type}"),
    }
}

/// `kept`: the type `n` is an alias of, when it has `o`'s shape.
fn definition(o: &TypeDef, n: &TypeDef, kept: Option<&TypeDef>, role: Role, out: &mut Changes) {
    let item = format!("types::{}", n.name);
    if o.description != n.description {
        out.push(Class::DocsOnly, "type_docs_changed", &item, "description changed");
    }
    match (&o.kind, &n.kind) {
        (TypeKind::Struct { fields: fa, additional: aa }, TypeKind::Struct { fields: fb, additional: ab }) => {
            fields(&item, fa, fb, role, out);
            additional(&item, aa.as_ref(), ab.as_ref(), role, out);
            let defaults = |fields: &[Field]| fields.iter().all(Field::is_option);
            match (defaults(fa), defaults(fb)) {
                (true, false) => {
                    let (class, why) = added_member_class(role);
                    let detail = format!("no longer derives `Default` (a field became required); {why}");
                    out.push(class, "struct_default_removed", &item, detail);
                }
                (false, true) => out.push(Class::Compatible, "struct_default_added", &item, "now derives `Default`"),
                _ => {}
            }
        }
        (TypeKind::Enum { variants: va }, TypeKind::Enum { variants: vb }) => enum_variants(&item, va, vb, out),
        (TypeKind::Union { variants: va }, TypeKind::Union { variants: vb }) => union_variants(&item, va, vb, out),
        (TypeKind::Alias { ty: a, rust_type: ra }, TypeKind::Alias { ty: b, rust_type: rb }) => {
            if a != b {
                out.push(Class::Breaking, "alias_changed", item, format!("= {ra} → = {rb}"));
            }
        }
        // Kept as an alias of an identical type (see `through_kept_aliases`, which renamed its
        // uses): the old name still names the same type.
        (a, TypeKind::Alias { rust_type, .. }) if kept.is_some() => {
            let detail = format!(
                "{} → `= {rust_type}`, the same {}: code naming it compiles unchanged",
                kind_name(a),
                kind_name(a)
            );
            out.push(Class::Compatible, "type_kept_as_alias", item, detail);
        }
        (a, b) => {
            let detail = format!("{} → {}", kind_name(a), kind_name(b));
            out.push(Class::Breaking, "type_kind_changed", item, detail);
        }
    }
}

/// The class of a new public member of a struct, and why.
fn added_member_class(role: Role) -> (Class, &'static str) {
    match role {
        Role::ResponseOnly => (
            Class::Compatible,
            "only responses use this type, so callers read it and the client builds it (struct literals of it, e.g. test fixtures, must add the field)",
        ),
        Role::Request => (Class::Breaking, "requests use this type, so callers build it and their struct literals must add the field"),
        Role::Unused => (Class::Breaking, "no operation uses this type, so callers may build it: their struct literals must add the field"),
    }
}

fn fields(item: &str, old: &[Field], new: &[Field], role: Role, out: &mut Changes) {
    let field_item = |f: &Field| format!("{item}::{}", f.rust_name);
    let mut added: Vec<&Field> = new.iter().filter(|g| !old.iter().any(|f| f.rust_name == g.rust_name)).collect();
    for f in old {
        if let Some(g) = new.iter().find(|g| g.rust_name == f.rust_name) {
            field(f, g, &field_item(g), out);
            continue;
        }
        // Only a field that moved with its description is taken for renamed: two optional
        // strings are too common for the type alone to say so.
        let renamed =
            |g: &&Field| g.rust_type == f.rust_type && f.description.is_some() && g.description == f.description;
        match added.iter().position(renamed) {
            Some(i) => {
                let g = added.remove(i);
                let detail =
                    format!("`{}` → `{}` (wire {:?} → {:?})", f.rust_name, g.rust_name, f.wire_name, g.wire_name);
                out.push(Class::Breaking, "field_renamed", field_item(f), detail);
            }
            None => {
                let detail = format!("`{}: {}` (wire {:?}) is gone", f.rust_name, f.rust_type, f.wire_name);
                out.push(Class::Breaking, "field_removed", field_item(f), detail);
            }
        }
    }
    for g in added {
        let (class, why) = added_member_class(role);
        let presence = if g.required { "required" } else { "optional" };
        let detail = format!("new {presence} field `{}: {}`; {why}", g.rust_name, g.rust_type);
        out.push(class, "field_added", field_item(g), detail);
    }
}

fn field(f: &Field, g: &Field, item: &str, out: &mut Changes) {
    if (&f.ty, f.boxed) != (&g.ty, g.boxed) {
        out.push(Class::Breaking, "field_type_changed", item, format!("{} → {}", f.rust_type, g.rust_type));
    }
    let presence = |f: &Field| {
        format!("{}{}", if f.required { "required" } else { "optional" }, if f.nullable { ", nullable" } else { "" })
    };
    match (f.is_option(), g.is_option()) {
        (true, false) => {
            let detail = format!(
                "{} → {}: `Option<T>` → `T`; code that reads or builds it must change",
                presence(f),
                presence(g)
            );
            out.push(Class::Breaking, "field_became_required", item, detail);
        }
        (false, true) => {
            let detail = format!(
                "{} → {}: `T` → `Option<T>`; code that reads or builds it must change",
                presence(f),
                presence(g)
            );
            out.push(Class::Breaking, "field_became_optional", item, detail);
        }
        _ if (f.required, f.nullable) != (g.required, g.nullable) => {
            let detail = format!("{} → {}; the Rust type stays `Option<T>`", presence(f), presence(g));
            out.push(Class::DocsOnly, "field_presence_changed", item, detail);
        }
        _ => {}
    }
    if f.wire_name != g.wire_name {
        let detail = format!("wire name {:?} → {:?}; the Rust API is unchanged", f.wire_name, g.wire_name);
        out.push(Class::Compatible, "field_wire_name_changed", item, detail);
    }
    if f.description != g.description || f.deprecated != g.deprecated {
        out.push(Class::DocsOnly, "field_docs_changed", item, "description or deprecation note changed");
    }
}

fn additional(item: &str, old: Option<&Additional>, new: Option<&Additional>, role: Role, out: &mut Changes) {
    match (old, new) {
        (None, Some(b)) => {
            let (class, why) = added_member_class(role);
            let detail = format!("new field `{}: {}`; {why}", b.rust_name, b.rust_type);
            out.push(class, "additional_properties_changed", item, detail);
        }
        (Some(a), None) => {
            let detail = format!("field `{}: {}` is gone", a.rust_name, a.rust_type);
            out.push(Class::Breaking, "additional_properties_changed", item, detail);
        }
        (Some(a), Some(b)) if a.rust_type != b.rust_type || a.rust_name != b.rust_name => {
            let detail = format!("`{}: {}` → `{}: {}`", a.rust_name, a.rust_type, b.rust_name, b.rust_type);
            out.push(Class::Breaking, "additional_properties_changed", item, detail);
        }
        _ => {}
    }
}

fn enum_variants(item: &str, old: &[EnumVariant], new: &[EnumVariant], out: &mut Changes) {
    for v in old {
        let v_item = format!("{item}::{}", v.rust_name);
        match new.iter().find(|w| w.rust_name == v.rust_name) {
            None => {
                let detail = format!(
                    "value {:?} is gone; it now decodes as `Unknown`, and code naming the variant stops compiling",
                    v.wire_value
                );
                out.push(Class::Breaking, "enum_variant_removed", v_item, detail);
            }
            Some(w) if w.wire_value != v.wire_value => {
                let detail = format!("wire value {:?} → {:?}; the Rust API is unchanged", v.wire_value, w.wire_value);
                out.push(Class::Compatible, "enum_variant_wire_changed", v_item, detail);
            }
            Some(_) => {}
        }
    }
    for w in new.iter().filter(|w| !old.iter().any(|v| v.rust_name == w.rust_name)) {
        let detail =
            format!("new value {:?}; the enum is #[non_exhaustive] (it used to decode as `Unknown`)", w.wire_value);
        out.push(Class::Compatible, "enum_variant_added", format!("{item}::{}", w.rust_name), detail);
    }
}

/// Unions are exhaustive enums, so every variant change breaks a `match`.
fn union_variants(item: &str, old: &[UnionVariant], new: &[UnionVariant], out: &mut Changes) {
    for v in old {
        let v_item = format!("{item}::{}", v.rust_name);
        match new.iter().find(|w| w.rust_name == v.rust_name) {
            None => out.push(
                Class::Breaking,
                "union_variant_removed",
                v_item,
                format!("`{}({})` is gone", v.rust_name, v.rust_type),
            ),
            Some(w) if w.ty != v.ty => {
                let detail = format!("{} → {}", v.rust_type, w.rust_type);
                out.push(Class::Breaking, "union_variant_changed", v_item, detail);
            }
            Some(_) => {}
        }
    }
    for w in new.iter().filter(|w| !old.iter().any(|v| v.rust_name == w.rust_name)) {
        let detail = format!(
            "new variant `{}({})`; the enum is exhaustive, so `match`es on it must add an arm",
            w.rust_name, w.rust_type
        );
        out.push(Class::Breaking, "union_variant_added", format!("{item}::{}", w.rust_name), detail);
    }
    let names = |vs: &[UnionVariant]| vs.iter().map(|v| v.rust_name.clone()).collect::<Vec<_>>();
    let (a, b) = (names(old), names(new));
    let mut a_sorted = a.clone();
    a_sorted.sort();
    let mut b_sorted = b.clone();
    b_sorted.sort();
    if a != b && a_sorted == b_sorted {
        let detail = format!(
            "variants tried in another order ({} → {}): a value that fits several decodes differently",
            a.join(", "),
            b.join(", ")
        );
        out.push(Class::Compatible, "union_variant_order_changed", item, detail);
    }
}
