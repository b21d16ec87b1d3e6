//! Form bodies (`multipart/form-data`, `application/x-www-form-urlencoded`): a struct with a
//! field per part or pair, each written as the media type's `encoding` entry for it says (its
//! `style`, `explode` and `contentType`), or by its type where the spec says nothing.

use std::collections::BTreeSet;

use openapiv3::VariantOrUnknownOrEmpty;
use openapiv3::{Encoding, MediaType, QueryStyle, ReferenceOr, Schema, SchemaKind, StringFormat, Type};

use super::naming::{field_ident, name_part, unique};
use super::operations::is_json;
use super::types::TypeBuilder;
use super::{ArrayStyle, FormEncoding, RustType, TypeRef};
use crate::spec::{Pointer, Spec, SpecError};

/// The part name of a multipart body that is a list, when the spec names none: the name the
/// APIs that take one document (Jira's attachments: "must be `file`"), and the usual one.
const DEFAULT_LIST_PART: &str = "file";

#[derive(Clone, Debug)]
pub struct MultipartField {
    pub wire_name: String,
    pub rust_name: String,
    pub required: bool,
    /// `None` for a file part (or a list of them); the value's type for a text part.
    pub text: Option<TypeRef>,
    /// Several files under the one name, a part each (`Vec<FilePart>`).
    pub file_list: bool,
    pub style: FieldStyle,
    /// The part's media type in a multipart body, from the `encoding` entry's `contentType`
    /// when that names one type: a text part's, or a file's when the caller gives it none.
    pub content_type: Option<String>,
    /// The form struct's field type (`FilePart` for a file; `Option` when optional).
    pub rust_type: RustType,
    pub description: Option<String>,
}

impl MultipartField {
    /// Whether writing the field can fail (a text value written through its JSON form).
    pub fn fallible(&self) -> bool {
        self.text.is_some() && self.style.fallible()
    }
}

/// How a field's value is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldStyle {
    /// A scalar as its text; an array of scalars a pair (a part) per element, all under the
    /// field's name.
    Plain,
    /// The value's JSON text: a part with `Content-Type: application/json` in multipart (the
    /// default there for an object), a pair in a URL-encoded form (`contentType: application/json`).
    Json,
    /// As a query parameter of that style is written, through the value's JSON form: `a=1,2`
    /// (form, not exploded), an object's members as pairs of their own (form, exploded),
    /// `a[b][c]=v`, `a[]=v`, `a[0][b]=v` (deepObject: also the default for an object or a list of
    /// objects in a URL-encoded form, as Stripe and Twilio read them).
    Styled(ArrayStyle),
}

impl FieldStyle {
    /// Whether writing can fail (it goes through the value's JSON form).
    pub fn fallible(self) -> bool {
        self != FieldStyle::Plain
    }

    /// The style as the API surface names it.
    pub fn name(self) -> &'static str {
        match self {
            FieldStyle::Plain => "plain",
            FieldStyle::Json => "json",
            FieldStyle::Styled(style) => style.name(),
        }
    }
}

pub(super) fn form_fields(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    media: &MediaType,
    at: &Pointer,
    stem: &str,
    encoding: FormEncoding,
) -> Result<Vec<MultipartField>, SpecError> {
    let schema = media.schema.as_ref().ok_or_else(|| spec.error(at, "a form body needs a schema"))?;
    let (schema, _, at) = spec.schema(schema, at)?;
    if let (FormEncoding::Multipart, Some(items)) = (encoding, array_items(schema)) {
        return list_body(spec, types, media, items, &at, stem).map(|field| vec![field]);
    }
    // Specs often leave out `type: object` beside the properties of a form.
    let (properties, required_names) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => (&object.properties, &object.required),
        SchemaKind::Any(any)
            if matches!(any.typ.as_deref(), None | Some("object"))
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty() =>
        {
            (&any.properties, &any.required)
        }
        _ => return Err(spec.error(&at, "a form body must be an object schema")),
    };
    let mut taken = BTreeSet::new();
    let mut fields = Vec::new();
    types.enter(stem, stem);
    for (name, prop) in properties {
        let p_at = at.push("properties").push(name);
        let (prop_schema, _, _) = spec.boxed_schema(prop, &p_at)?;
        let entry = media.encoding.get(name);
        let files = if is_binary(prop_schema) {
            Some(false)
        } else {
            array_items(prop_schema)
                .map(|items| spec.boxed_schema(items, &p_at.push("items")))
                .transpose()?
                .and_then(|(items, _, _)| is_binary(items).then_some(true))
        };
        if encoding == FormEncoding::UrlEncoded && files.is_some() {
            return Err(
                spec.error(&p_at, "a URL-encoded form cannot carry a file; the spec should say multipart/form-data")
            );
        }
        let required = required_names.contains(name);
        let (text, style, rust_type) = match files {
            Some(list) => (None, FieldStyle::Plain, file_type(list)),
            None => {
                let ty = types.boxed_type_of(prop, &p_at, &format!("{stem}{}", name_part(name)))?.0;
                let style = field_style(types, &ty, entry, encoding);
                let rust_type = RustType::of(&ty);
                (Some(ty), style, rust_type)
            }
        };
        fields.push(MultipartField {
            wire_name: name.clone(),
            rust_name: unique(field_ident(name), &mut taken),
            rust_type: if required { rust_type } else { rust_type.option() },
            required,
            file_list: files == Some(true),
            content_type: part_content_type(entry, encoding, style),
            text,
            style,
            description: prop_schema.schema_data.description.clone(),
        });
    }
    Ok(fields)
}

/// A multipart body that is a list, not an object (Jira's attachments): its items are parts
/// under one name, the one `encoding` names, else `file`. Binary items are files; object items
/// too (a server framework's file class written out, as Spring's `MultipartFile`, which no
/// API wants as JSON parts), with a warning; scalars are text parts.
fn list_body(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    media: &MediaType,
    items: &ReferenceOr<Box<Schema>>,
    at: &Pointer,
    stem: &str,
) -> Result<MultipartField, SpecError> {
    let name = match media.encoding.keys().collect::<Vec<_>>().as_slice() {
        [only] => (*only).clone(),
        _ => {
            let message = format!(
                "a multipart body that is a list names no part: its items are sent as parts named \
                 {DEFAULT_LIST_PART:?} (an `encoding` entry of another name overrides it)"
            );
            types.warnings.push(spec.warning(at, message));
            DEFAULT_LIST_PART.to_owned()
        }
    };
    let items_at = at.push("items");
    let (item, _, _) = spec.boxed_schema(items, &items_at)?;
    types.enter(stem, stem);
    let text = match is_binary(item) {
        true => None,
        false => match types.boxed_type_of(items, &items_at, &format!("{stem}{}", name_part(&name)))?.0 {
            ty if types.is_scalar(&ty) => Some(ty),
            _ => {
                let message = "the items of a multipart list are objects, not text: read as files (a file class \
                               written out, as Spring's `MultipartFile`)";
                types.warnings.push(spec.warning(&items_at, message));
                None
            }
        },
    };
    let (rust_type, style) = match &text {
        Some(ty) => (RustType::Vec(Box::new(RustType::of(ty))), FieldStyle::Plain),
        None => (file_type(true), FieldStyle::Plain),
    };
    let entry = media.encoding.get(&name);
    Ok(MultipartField {
        rust_name: field_ident(&name),
        wire_name: name,
        required: true,
        file_list: text.is_none(),
        text: text.map(|ty| TypeRef::Array(Box::new(ty))),
        content_type: part_content_type(entry, FormEncoding::Multipart, style),
        style,
        rust_type,
        description: item.schema_data.description.clone(),
    })
}

/// The style the `encoding` entry declares, else the default for the value's type.
fn field_style(types: &TypeBuilder<'_>, ty: &TypeRef, entry: Option<&Encoding>, form: FormEncoding) -> FieldStyle {
    if entry.and_then(|e| e.content_type.as_deref()).is_some_and(is_json) {
        return FieldStyle::Json;
    }
    let scalar = types.is_scalar(ty);
    let list = matches!(types.through_aliases(ty.clone()), TypeRef::Array(_));
    // `explode` is written out before the typed parse (`spec::encoding`), so `false` is declared.
    let declared = entry.filter(|e| e.style.is_some() || !e.explode);
    let Some(entry) = declared else {
        return match (scalar, form) {
            (true, _) => FieldStyle::Plain,
            (false, FormEncoding::UrlEncoded) => FieldStyle::Styled(ArrayStyle::DeepObject),
            (false, FormEncoding::Multipart) => FieldStyle::Json,
        };
    };
    let style = match (entry.style.as_ref().unwrap_or(&QueryStyle::Form), entry.explode) {
        (QueryStyle::DeepObject, _) => ArrayStyle::DeepObject,
        (QueryStyle::Form, false) => ArrayStyle::Comma,
        (_, true) => ArrayStyle::Repeat,
        (QueryStyle::SpaceDelimited, false) => ArrayStyle::Space,
        (QueryStyle::PipeDelimited, false) => ArrayStyle::Pipe,
    };
    match (scalar, list, style) {
        // A scalar is its text whatever the style; a list repeated is one pair per element.
        (true, false, _) | (true, true, ArrayStyle::Repeat) => FieldStyle::Plain,
        _ => FieldStyle::Styled(style),
    }
}

/// A multipart part's declared media type: one type, not a list or a wildcard (which leave the
/// choice to the caller). JSON parts always say they are JSON.
fn part_content_type(entry: Option<&Encoding>, form: FormEncoding, style: FieldStyle) -> Option<String> {
    if form != FormEncoding::Multipart {
        return None;
    }
    let declared = entry.and_then(|e| e.content_type.as_deref()).map(str::trim);
    let single = declared.filter(|ct| !ct.is_empty() && !ct.contains(',') && !ct.contains('*'));
    match style {
        FieldStyle::Json => Some(single.filter(|ct| is_json(ct)).unwrap_or("application/json").to_owned()),
        FieldStyle::Styled(_) => None,
        FieldStyle::Plain => single.map(str::to_owned),
    }
}

fn file_type(list: bool) -> RustType {
    match list {
        true => RustType::Vec(Box::new(RustType::FilePart)),
        false => RustType::FilePart,
    }
}

fn is_binary(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
        if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
}

/// The items of an array schema.
fn array_items(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
        SchemaKind::Any(any) if matches!(any.typ.as_deref(), Some("array")) => any.items.as_ref(),
        _ => None,
    }
}
