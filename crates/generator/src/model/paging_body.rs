//! The success body of a list operation as paging inference searches it: the array it is, or
//! the fields of the struct it is (two levels deep), and which array holds the items.
//!
//! An operation with several 2xx statuses returns an enum from `send()`; it can still page when
//! exactly one status has a JSON body and the others have none (GitHub's contributors: `200`
//! with the list, `204` for an empty repository): the page is that status's body, and a
//! response of another status is a page without items.

use super::pagination::{struct_fields, BodyPath, Step};
use super::{Field, Operation, ResponseBody, RustType, TypeDef, TypeRef};

/// Arrays that are never the items.
const NOT_ITEMS: &[&str] = &["errors", "messages", "warnings"];
/// Conventional names of the items array, to pick one of several.
const ITEM_NAMES: &[&str] =
    &["data", "items", "results", "result", "value", "values", "entries", "records", "elements"];

/// Lowercase letters and digits only: `page_token`, `pageToken` and `PageToken` are one name.
pub(super) fn norm(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// The success body: a JSON array, or a struct whose fields (two levels deep) are searched.
pub(super) struct Body<'t> {
    /// `Some(item)` when the body is itself the array.
    pub array: Option<TypeRef>,
    pub fields: Vec<Hit<'t>>,
    /// The success enum's variant that carries the body, when `send()` returns an enum.
    pub variant: Option<String>,
}

/// A field reached from the body, with the fields on the way.
pub(super) struct Hit<'t> {
    pub fields: Vec<&'t Field>,
}

pub(super) struct Items {
    pub path: BodyPath,
    pub wire: String,
}

impl Hit<'_> {
    pub fn leaf(&self) -> &TypeRef {
        self.fields.last().map_or(&TypeRef::Json, |f| &f.ty)
    }
    pub fn name(&self) -> String {
        self.fields.last().map(|f| norm(&f.wire_name)).unwrap_or_default()
    }
    pub fn parent(&self) -> Option<String> {
        let n = self.fields.len();
        (n >= 2).then(|| norm(&self.fields[n - 2].wire_name))
    }
    pub fn wire(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.wire_name.as_str()).collect();
        format!("`{}`", names.join("."))
    }
    pub fn path(&self) -> BodyPath {
        let steps = self
            .fields
            .iter()
            .map(|f| Step { field: f.rust_name.clone(), option: f.is_option(), boxed: f.boxed })
            .collect();
        BodyPath { steps, leaf: self.leaf().clone() }
    }
}

impl<'t> Body<'t> {
    pub fn of(op: &Operation, types: &'t [TypeDef]) -> Option<Body<'t>> {
        let mut json = op.success.iter().filter(|case| matches!(case.body, ResponseBody::Json(_)));
        let case = json.next()?;
        let (payload, variant) = match &op.success_type {
            // Several statuses: one JSON body, every other status without a body (an empty
            // page). Two bodies (or a file) leave it unclear which one pages.
            RustType::Operation(_) if op.success_enum.is_some() => {
                let others_empty = op.success.iter().all(|c| std::ptr::eq(c, case) || c.body == ResponseBody::None);
                if json.next().is_some() || !others_empty {
                    return None;
                }
                (case.payload.as_ref()?, Some(case.variant.clone()))
            }
            single => (single, None),
        };
        match (payload, &case.body) {
            (RustType::Vec(_), ResponseBody::Json(TypeRef::Array(item))) => {
                Some(Body { array: Some((**item).clone()), fields: Vec::new(), variant })
            }
            (RustType::Schema(name), _) => {
                let mut fields = Vec::new();
                walk(types, name, &mut Vec::new(), 2, &mut fields);
                Some(Body { array: None, fields, variant })
            }
            _ => None,
        }
    }

    /// The one field matching `pick` whose leaf is `want`; `Err` lists them when there are several.
    pub fn one(&self, want: fn(&TypeRef) -> bool, pick: impl Fn(&Hit<'_>) -> bool) -> Result<Option<&Hit<'t>>, String> {
        let hits: Vec<&Hit<'t>> = self.fields.iter().filter(|h| want(h.leaf()) && pick(h)).collect();
        match hits.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            many => Err(many.iter().map(|h| h.wire()).collect::<Vec<_>>().join(", ")),
        }
    }

    pub fn items(&self, op: &Operation) -> Result<Items, String> {
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
