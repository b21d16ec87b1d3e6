//! What a parameter's value is on the wire: text (a scalar, or an array of scalars joined or
//! repeated), or a structured value (an object, a map, a union) the runtime writes one level deep
//! (any depth in a `deepObject` query), as the parameter's location and style say.

use openapiv3::{Parameter, PathStyle, QueryStyle};

use super::naming::field_ident;
use super::types::TypeBuilder;
use super::{Access, ArrayStyle, Input, Param, ParamLocation, RustType, TypeKind, TypeRef};
use crate::spec::{Pointer, Spec, SpecError};

/// Where a parameter goes and how its value is written there: `style` and `explode` as the
/// location defaults them (`form` explodes by default, the other styles do not; exploded, the
/// query styles all repeat the name).
pub(super) fn location_and_style(param: &Parameter) -> (ParamLocation, ArrayStyle) {
    let explode = param.parameter_data_ref().explode;
    match param {
        Parameter::Query { style, .. } => {
            let style = match (style, explode) {
                (QueryStyle::Form, Some(false)) => ArrayStyle::Comma,
                (QueryStyle::Form, _) => ArrayStyle::Repeat,
                (QueryStyle::DeepObject, _) => ArrayStyle::DeepObject,
                (_, Some(true)) => ArrayStyle::Repeat,
                (QueryStyle::SpaceDelimited, _) => ArrayStyle::Space,
                (QueryStyle::PipeDelimited, _) => ArrayStyle::Pipe,
            };
            (ParamLocation::Query, style)
        }
        Parameter::Path { style, .. } => {
            let style = match (style, explode == Some(true)) {
                (PathStyle::Simple, false) => ArrayStyle::Comma,
                (PathStyle::Simple, true) => ArrayStyle::Repeat,
                (PathStyle::Label, false) => ArrayStyle::Label,
                (PathStyle::Label, true) => ArrayStyle::LabelExploded,
                (PathStyle::Matrix, false) => ArrayStyle::Matrix,
                (PathStyle::Matrix, true) => ArrayStyle::MatrixExploded,
            };
            (ParamLocation::Path, style)
        }
        Parameter::Header { .. } if explode == Some(true) => (ParamLocation::Header, ArrayStyle::Repeat),
        Parameter::Header { .. } => (ParamLocation::Header, ArrayStyle::Comma),
        // `form`, a cookie's one style, explodes by default: a cookie per item or member.
        Parameter::Cookie { .. } if explode == Some(false) => (ParamLocation::Cookie, ArrayStyle::Comma),
        Parameter::Cookie { .. } => (ParamLocation::Cookie, ArrayStyle::Repeat),
    }
}

/// A parameter value's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Scalar,
    Array,
    /// An object (struct, map, free-form) whose members are scalars, or a union of shapes.
    Structured,
    /// A union of scalars (`oneOf: [integer, string]`): text in any location.
    ScalarUnion,
}

/// Whether the parameter is structured (see [`super::Param::structured`]); refuses, at the
/// offending schema, what a query string cannot carry.
pub(super) fn structured(
    spec: &Spec,
    types: &TypeBuilder<'_>,
    ty: &TypeRef,
    location: ParamLocation,
    style: ArrayStyle,
    at: &Pointer,
) -> Result<bool, SpecError> {
    // deepObject writes any depth in brackets (`filter[a][b]=1`, `expand[]=x`, as Stripe, Box
    // and Discord document it), so whatever its value holds, it is written from its JSON form.
    if style == ArrayStyle::DeepObject && location == ParamLocation::Query && !types.is_scalar(ty) {
        return Ok(true);
    }
    if style == ArrayStyle::DeepObject && matches!(ty, TypeRef::Array(_)) {
        return Ok(true);
    }
    // Paths, headers and cookies write an object by their style (`a,1,b,2`, `.a=1`, `;a=1`, a
    // cookie per member).
    let shape = shape(spec, types, ty, at, 4)?;
    Ok(matches!(shape, Shape::Structured | Shape::ScalarUnion))
}

fn shape(spec: &Spec, types: &TypeBuilder<'_>, ty: &TypeRef, at: &Pointer, depth: u8) -> Result<Shape, SpecError> {
    let at_schema = at.push("schema");
    if types.is_scalar(ty) {
        return Ok(if matches!(ty, TypeRef::Array(_)) { Shape::Array } else { Shape::Scalar });
    }
    // A free-form member (`additionalProperties: true`) is allowed: the runtime refuses, with the
    // parameter's name, a caller's value that nests.
    let flat = |value: &TypeRef, pointer: &str| {
        let scalar = types.is_scalar(value) && !matches!(value, TypeRef::Array(_));
        match scalar || *value == TypeRef::Json {
            true => Ok(()),
            false => Err(nested(spec, pointer)),
        }
    };
    match ty {
        // Free-form values: the runtime refuses nesting in what a caller puts in them.
        TypeRef::Json | TypeRef::JsonObject => Ok(Shape::Structured),
        TypeRef::Array(item) if **item == TypeRef::Json => Ok(Shape::Structured),
        TypeRef::Map(value) => {
            flat(value, &at_schema.push("additionalProperties").to_string()).map(|()| Shape::Structured)
        }
        TypeRef::Named(name) if depth > 0 => match types.def(name).map(|d| (&d.kind, d.schema.as_str())) {
            Some((TypeKind::Struct { fields, additional }, schema)) => {
                for field in fields {
                    flat(&field.ty, &format!("{schema}/properties/{}", escape(&field.wire_name)))?;
                }
                if let Some(extra) = additional {
                    flat(&extra.value, &format!("{schema}/additionalProperties"))?;
                }
                Ok(Shape::Structured)
            }
            Some((TypeKind::Union { variants }, _)) => {
                let mut all_scalar = true;
                for variant in variants {
                    all_scalar &=
                        matches!(shape(spec, types, &variant.ty, at, depth - 1)?, Shape::Scalar | Shape::ScalarUnion);
                }
                Ok(if all_scalar { Shape::ScalarUnion } else { Shape::Structured })
            }
            Some((TypeKind::Alias { ty, .. }, _)) => shape(spec, types, ty, at, depth - 1),
            _ => Err(nested(spec, &at_schema.to_string())),
        },
        _ => Err(nested(spec, &at_schema.to_string())),
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn nested(spec: &Spec, pointer: &str) -> SpecError {
    SpecError {
        file: spec.file.clone(),
        pointer: pointer.to_owned(),
        message: "a parameter's value may be an object of scalars, one level deep; nested objects and arrays of \
                  objects are not supported"
            .to_owned(),
    }
}

/// A path template naming a parameter the operation never declares (a vendor's slip: Vercel's
/// `{teamId}`) gets it as a required string, with a warning: the path cannot be sent without it.
pub(super) fn add_undeclared_path_params(
    spec: &Spec,
    path: &str,
    params: &mut Vec<Param>,
    types: &mut TypeBuilder<'_>,
    at: &Pointer,
) {
    for piece in path.split('{').skip(1) {
        let name = piece.split('}').next().unwrap_or_default();
        if name.is_empty() || params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            continue;
        }
        let message = format!(
            "path template names {{{name}}} but no path parameter {name:?} is declared: added as a required string"
        );
        types.warnings.push(spec.warning(at, message));
        params.push(Param {
            wire_name: name.to_owned(),
            rust_name: field_ident(name),
            location: ParamLocation::Path,
            required: true,
            ty: TypeRef::String,
            rust_type: RustType::String,
            input: Input::for_type(&RustType::String),
            access: Access::for_type(&RustType::String),
            array_style: ArrayStyle::Comma,
            structured: false,
            description: None,
            deprecated: false,
            default: None,
            example: None,
            minimum: None,
            maximum: None,
        });
    }
}
