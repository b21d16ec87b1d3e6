//! AutoRest's `x-ms-pageable: {nextLinkName, itemName}`: the next page is the URL in the body
//! field `nextLinkName` (often `@odata.nextLink`, a wire name with a dot in it, so it is one
//! field, not a path) and the items are the array `itemName` (default `value`).

use serde_json::Value;

use super::pagination::{item_id, struct_fields, BodyPath, Declared, PagingOrigin, Step};
use super::{Operation, Pagination, PagingStyle, RustType, TypeDef, TypeRef};
use crate::spec::{Spec, SpecError};

pub fn resolve(
    spec: &Spec,
    declared: &Declared<'_>,
    op: &Operation,
    types: &[TypeDef],
) -> Result<Pagination, SpecError> {
    let at = &declared.at;
    let text = |key: &str| declared.value.get(key).and_then(Value::as_str);
    let Some(next) = text("nextLinkName") else {
        return Err(spec.error(&at.push("nextLinkName"), "`nextLinkName` must be a field name or null"));
    };
    let item_name = text("itemName").unwrap_or("value");
    let RustType::Schema(body) = &op.success_type else {
        let message = format!("paging needs a JSON object success body; `send()` returns {}", op.success_type);
        return Err(spec.error(at, message));
    };
    let field = |wire: &str| -> Result<BodyPath, SpecError> {
        let fields = struct_fields(types, body)
            .ok_or_else(|| spec.error(at, format!("the success body {body} is not an object")))?;
        let f = fields
            .iter()
            .find(|f| f.wire_name == wire)
            .ok_or_else(|| spec.error(at, format!("the response has no field {wire:?}")))?;
        let step = Step { field: f.rust_name.clone(), option: f.is_option(), boxed: f.boxed };
        Ok(BodyPath { steps: vec![step], leaf: f.ty.clone() })
    };
    let items = field(item_name)?;
    let TypeRef::Array(item) = &items.leaf else {
        return Err(spec.error(&at.push("itemName"), format!("the field {item_name:?} is not an array")));
    };
    let next_token = field(next)?;
    if next_token.leaf != TypeRef::String {
        return Err(spec.error(&at.push("nextLinkName"), format!("the field {next:?} is not a string")));
    }
    Ok(Pagination {
        style: PagingStyle::NextUrl { link_header: false, limit: None },
        item: RustType::of(item),
        item_id: item_id(types, item, "id"),
        items,
        total: None,
        next_token: Some(next_token),
        page_size: None,
        source: format!("{}Paging", op.type_stem),
        customized: declared.handwritten,
        has_more: None,
        success_variant: None,
        origin: PagingOrigin::Declared(declared.vendor.key()),
    })
}
