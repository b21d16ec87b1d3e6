//! Request bodies: JSON, and forms (`multipart/form-data` with file parts, or
//! `application/x-www-form-urlencoded`) as a struct with a field per part.

use openapiv3::{ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::operations::is_json;
use super::types::TypeBuilder;
use super::{FormEncoding, RequestBody, RustType, TypeRef};
use crate::spec::{Pointer, Spec, SpecError};

const MULTIPART: &str = "multipart/form-data";
const URL_ENCODED: &str = "application/x-www-form-urlencoded";

pub fn request_body(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    item: &ReferenceOr<openapiv3::RequestBody>,
    at: &Pointer,
    stem: &str,
) -> Result<RequestBody, SpecError> {
    let (body, at) = spec.request_body(item, at)?;
    let description = body.description.clone();
    if let Some((ct, media)) = body.content.iter().find(|(ct, _)| is_json(ct)) {
        let at = at.push("content").push(ct).push("schema");
        // No schema: any JSON value.
        types.enter(stem, &format!("{stem}Body"));
        let ty = match media.schema.as_ref() {
            Some(schema) => types.type_of(schema, &at, &format!("{stem}Body"))?.0,
            None => TypeRef::Json,
        };
        return Ok(RequestBody::Json { rust_type: RustType::of(&ty), ty, required: body.required, description });
    }
    for (content_type, encoding) in [(MULTIPART, FormEncoding::Multipart), (URL_ENCODED, FormEncoding::UrlEncoded)] {
        if let Some(media) = body.content.get(content_type) {
            let at = at.push("content").push(content_type).push("schema");
            let fields = super::forms::form_fields(spec, types, media, &at, stem, encoding)?;
            return Ok(RequestBody::Form { ty_name: format!("{stem}Form"), fields, description, encoding });
        }
    }
    if let Some(raw) = raw_body(spec, body, &at)? {
        return Ok(raw);
    }
    let kinds: Vec<&str> = body.content.keys().map(String::as_str).collect();
    Err(spec.error(
        &at.push("content"),
        format!(
            "request body content types {kinds:?} are not supported (JSON, {MULTIPART}, {URL_ENCODED}, text/* and \
             binary ones are)"
        ),
    ))
}

/// A `text/*` body as a `String`, or a binary one (`application/octet-stream`, `image/*`,
/// `audio/*`, `video/*`, `*/*`, a file format such as `application/zip`, `application/pdf` or
/// `application/dicom`, or any media type whose schema is `format: binary`) as a `RawBody`.
fn raw_body(spec: &Spec, body: &openapiv3::RequestBody, at: &Pointer) -> Result<Option<RequestBody>, SpecError> {
    let essence = |ct: &str| ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let text = body.content.keys().find(|ct| essence(ct).starts_with("text/"));
    let mut binary = None;
    for (ct, media) in &body.content {
        let e = essence(ct);
        let by_type = e == "application/octet-stream"
            || e == "*/*"
            || ["image/", "audio/", "video/"].iter().any(|p| e.starts_with(p))
            || is_file_format(&e);
        let by_schema = match &media.schema {
            Some(schema) => {
                let (schema, _, _) = spec.schema(schema, &at.push("content").push(ct).push("schema"))?;
                matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
                    if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
            }
            None => false,
        };
        if by_type || by_schema {
            binary = Some(ct);
            break;
        }
    }
    let (content_type, text, rust_type) = match (text, binary) {
        (Some(ct), _) => (essence(ct), true, RustType::String),
        (None, Some(ct)) => (essence(ct), false, RustType::RawBody),
        (None, None) => return Ok(None),
    };
    let (required, description) = (body.required, body.description.clone());
    Ok(Some(RequestBody::Raw { content_type, text, rust_type, required, description }))
}

/// An `application/` type that is a file format (an archive, a document, a medical image), not
/// a text notation a client would want typed (JSON, XML, YAML, JavaScript, GraphQL, forms).
fn is_file_format(essence: &str) -> bool {
    let Some(subtype) = essence.strip_prefix("application/") else { return false };
    let text = ["json", "xml", "yaml", "javascript", "graphql", "x-www-form-urlencoded", "x-ndjson"];
    !text.iter().any(|t| subtype == *t || subtype.ends_with(&format!("+{t}")) || subtype.starts_with("x-yaml"))
        && !subtype.contains("json")
        && !subtype.contains("xml")
}
