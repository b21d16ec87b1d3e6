//! Path items → [`Operation`]s: parameters by kind, request bodies, and responses split into the
//! success and error cases the emitted `send()` matches on.

use std::collections::BTreeSet;

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, StatusCode, Type};

use super::naming::{field_ident, name_part, Kind, Names};
use super::pagination::Declared;
use super::types::TypeBuilder;
use super::Skipped;
use super::{
    Access, Arg, Input, Method, Operation, Param, ParamLocation, RequestBody, ResponseBody, ResponseCase, RustType,
    StatusMatch, TypeRef,
};
use crate::spec::version::Warning;
use crate::spec::{Pointer, Spec, SpecError};

/// The operations, beside each the paging extension it declares (resolved once the types are
/// complete), and the operations given up (tolerant mode only: strict returns the first error).
pub struct Built<'a> {
    pub operations: Vec<Operation>,
    pub paging: Vec<Option<Declared<'a>>>,
    pub skipped: Vec<Skipped>,
}

pub fn operations<'a>(spec: &'a Spec, types: &mut TypeBuilder<'_>) -> Result<Built<'a>, SpecError> {
    // Methods the generated `Client` has of its own (and `clone`, which a method would shadow).
    let mut names = Names {
        fns: ["builder", "transport", "new", "clone"].into_iter().map(str::to_owned).collect(),
        stems: BTreeSet::new(),
        ids: BTreeSet::new(),
        taken: Vec::new(),
    };
    let mut out = Vec::new();
    let mut paging = Vec::new();
    let mut skipped = Vec::new();
    for (path, item) in spec.doc.paths.iter() {
        let at_path = Pointer::root().push("paths").push(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => return Err(spec.error(&at_path, "path item $refs are not supported")),
        };
        for (method_name, op) in item.iter() {
            let at = at_path.push(method_name);
            let checkpoint = types.checkpoint();
            let taken = names.taken.len();
            match operation(spec, types, &mut names, (path, item, &at_path), (method_name, op, &at)) {
                Ok(built) => {
                    out.push(built);
                    paging.push(super::pagination::declared(op, &at));
                }
                Err(e) if types.tolerant => {
                    // Skipped whole: none of its names or inline types are left behind.
                    types.rollback(checkpoint);
                    names.release(taken);
                    let id = op
                        .operation_id
                        .clone()
                        .unwrap_or_else(|| method_of(method_name).map(|m| derived_id(m, path)).unwrap_or_default());
                    let method = method_name.to_uppercase();
                    skipped.push(Skipped { id, method, path: path.clone(), pointer: e.pointer, reason: e.message });
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(Built { operations: out, paging, skipped })
}

fn operation(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    names: &mut Names,
    (path, item, at_path): (&String, &openapiv3::PathItem, &Pointer),
    (method_name, op, at): (&str, &openapiv3::Operation, &Pointer),
) -> Result<Operation, SpecError> {
    let method = method_of(method_name).ok_or_else(|| spec.error(at, "unknown HTTP method"))?;
    let id = op.operation_id.clone().unwrap_or_else(|| derived_id(method, path));
    if !names.take_id(&id) {
        return Err(spec.error(&at.push("operationId"), format!("operationId {id:?} is used twice")));
    }
    let fn_name = names.take(Kind::Fn, field_ident(&id));
    let type_stem = names.take(Kind::Stem, name_part(&id));
    let mut params = Vec::new();
    let mut seen = BTreeSet::new();
    // Operation-level parameters override path-level ones of the same name and location.
    let op_params = op.parameters.iter().enumerate().map(|(i, p)| (p, at.push("parameters").push(&i.to_string())));
    let path_params =
        item.parameters.iter().enumerate().map(|(i, p)| (p, at_path.push("parameters").push(&i.to_string())));
    for (p, p_at) in op_params.chain(path_params) {
        let (param, p_at) = spec.parameter(p, &p_at)?;
        let data = param.parameter_data_ref();
        if is_ignored_header(spec, param) || !seen.insert((data.name.clone(), location_key(param))) {
            continue;
        }
        let checkpoint = types.checkpoint();
        match parameter(spec, types, param, &p_at, &type_stem) {
            Ok(built) => params.push(built),
            // An optional parameter the model cannot hold costs only itself.
            Err(e) if types.tolerant && !data.required => {
                types.rollback(checkpoint);
                let message = format!("{}; the optional parameter {:?} is left out", e.message, data.name);
                types.warnings.push(Warning { pointer: e.pointer, message });
            }
            Err(e) => return Err(e),
        }
    }
    super::params::add_undeclared_path_params(spec, path, &mut params, types, at);
    name_members(&mut params);
    let body = match &op.request_body {
        Some(b) => Some(super::bodies::request_body(spec, types, b, &at.push("requestBody"), &type_stem)?),
        None => None,
    };
    let (success, errors) = responses(spec, types, &op.responses, &at.push("responses"), &type_stem)?;
    let success_enum = has_distinct_bodies(&success).then(|| format!("{type_stem}Success"));
    let success_type = match &success_enum {
        Some(name) => RustType::Operation(name.clone()),
        None => success.first().and_then(|c| c.payload.clone()).unwrap_or(RustType::Unit),
    };
    Ok(Operation {
        id,
        fn_name,
        request_type: format!("{type_stem}Request"),
        error_type: format!("{type_stem}Error"),
        args: arguments(&params, body.as_ref()),
        success_enum,
        success_type,
        type_stem,
        method,
        path: path.clone(),
        summary: op.summary.clone(),
        description: op.description.clone(),
        deprecated: op.deprecated,
        anonymous: op.security.as_ref().is_some_and(Vec::is_empty),
        tag: op.tags.first().cloned(),
        feature: None,
        params,
        body,
        success,
        errors,
        pagination: None,
    })
}

/// Several success statuses whose bodies differ need an enum for `send()` to return.
fn has_distinct_bodies(success: &[ResponseCase]) -> bool {
    success.windows(2).any(|pair| pair[0].body != pair[1].body)
}

/// `Client::<op>()` takes the required parameters in spec order, then a required body.
fn arguments(params: &[Param], body: Option<&RequestBody>) -> Vec<Arg> {
    let mut args: Vec<Arg> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| Arg { name: p.rust_name.clone(), ty: p.rust_type.clone(), input: p.input })
        .collect();
    let body_type = match body {
        Some(RequestBody::Json { rust_type, required: true, .. }) => Some(rust_type.clone()),
        Some(RequestBody::Form { ty_name, .. }) => Some(RustType::Operation(ty_name.clone())),
        Some(RequestBody::Raw { rust_type, required: true, .. }) => Some(rust_type.clone()),
        _ => None,
    };
    if let Some(ty) = body_type {
        // The body is taken as it is: `impl Into` would only make `Default::default()` ambiguous.
        args.push(Arg { name: "body".to_owned(), input: Input::Exact, ty });
    }
    args
}

/// Fields and methods every generated request builder has (its own, `Clone`'s and the
/// pagination traits'), which a parameter's field, setter or getter must not shadow.
const RESERVED_MEMBERS: &[&str] =
    &["client", "body", "new", "send", "decode", "to_request", "clone", "items", "pages", "into_source"];

/// Gives each parameter a name whose field, setter and `set_`/`get_` methods collide with no
/// other member of the builder.
fn name_members(params: &mut [Param]) {
    let mut taken: BTreeSet<String> = RESERVED_MEMBERS.iter().map(|m| (*m).to_owned()).collect();
    for p in params {
        let base = p.rust_name.trim_start_matches("r#").to_owned();
        let mut candidate = p.rust_name.clone();
        let mut n = 1u32;
        loop {
            let bare = candidate.trim_start_matches("r#");
            let members = [bare.to_owned(), format!("set_{bare}"), format!("get_{bare}")];
            if members.iter().all(|m| !taken.contains(m)) {
                taken.extend(members);
                break;
            }
            n += 1;
            candidate = if n == 2 { format!("{base}_param") } else { format!("{base}_param{n}") };
        }
        p.rust_name = candidate;
    }
}

/// Parameters the client must not expose: OpenAPI says the headers `Accept`, `Content-Type` and
/// `Authorization` are ignored, and an API key (header, query or cookie) is the runtime's to send
/// (only to the configured origin), never a plain parameter that would follow a redirect.
fn is_ignored_header(spec: &Spec, param: &Parameter) -> bool {
    use openapiv3::APIKeyLocation;
    let name = &param.parameter_data_ref().name;
    let location = match param {
        Parameter::Header { .. }
            if matches!(name.to_ascii_lowercase().as_str(), "accept" | "content-type" | "authorization") =>
        {
            return true
        }
        Parameter::Header { .. } => APIKeyLocation::Header,
        Parameter::Query { .. } => APIKeyLocation::Query,
        Parameter::Cookie { .. } => APIKeyLocation::Cookie,
        Parameter::Path { .. } => return false,
    };
    let schemes = spec.doc.components.as_ref().map(|c| c.security_schemes.values()).into_iter().flatten();
    schemes.into_iter().any(|s| match s {
        ReferenceOr::Item(openapiv3::SecurityScheme::APIKey { name: key, location: at, .. }) => {
            *at == location
                && match location {
                    APIKeyLocation::Header => key.eq_ignore_ascii_case(name),
                    _ => key == name,
                }
        }
        _ => false,
    })
}

fn method_of(name: &str) -> Option<Method> {
    Some(match name {
        "get" => Method::Get,
        "put" => Method::Put,
        "post" => Method::Post,
        "delete" => Method::Delete,
        "options" => Method::Options,
        "head" => Method::Head,
        "patch" => Method::Patch,
        "trace" => Method::Trace,
        _ => return None,
    })
}

/// `GET /pets/{petId}` → `getPetsPetId`.
fn derived_id(method: Method, path: &str) -> String {
    let words: Vec<String> = path
        .split('/')
        .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
        .filter(|s| !s.is_empty())
        .map(name_part)
        .collect();
    format!("{}{}", method.as_str().to_lowercase(), words.concat())
}

fn location_key(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn parameter(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    param: &Parameter,
    at: &Pointer,
    stem: &str,
) -> Result<Param, SpecError> {
    let data = param.parameter_data_ref();
    let (location, array_style) = super::params::location_and_style(param);
    let schema_ref = match &data.format {
        ParameterSchemaOrContent::Schema(s) => s,
        ParameterSchemaOrContent::Content(_) => {
            return Err(
                spec.error(&at.push("content"), "parameters described by `content` are not supported; use `schema`")
            )
        }
    };
    let at_schema = at.push("schema");
    types.enter(stem, stem);
    let (ty, _) = types.type_of(schema_ref, &at_schema, &format!("{stem}{}", name_part(&data.name)))?;
    // A parameter is text on the wire: `format: binary` there says nothing a string does not,
    // and a schema that says nothing (`{}`, common for ids in path and header) reads as text.
    let ty = match ty {
        TypeRef::Binary => TypeRef::String,
        ty if location != ParamLocation::Query && types.is_untyped(&ty) => TypeRef::String,
        ty => types.through_aliases(ty),
    };
    let structured = super::params::structured(spec, types, &ty, location, array_style, at)?;
    let (schema, _, _) = spec.schema(schema_ref, &at_schema)?;
    let (minimum, maximum) = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => (i.minimum.map(|v| v as f64), i.maximum.map(|v| v as f64)),
        SchemaKind::Type(Type::Number(n)) => (n.minimum, n.maximum),
        _ => (None, None),
    };
    if location == ParamLocation::Path && !data.required {
        return Err(spec.error(&at.push("required"), "path parameters must be `required: true`"));
    }
    let rust_type = RustType::of(&ty);
    Ok(Param {
        wire_name: data.name.clone(),
        rust_name: field_ident(&data.name),
        location,
        required: data.required,
        input: Input::for_type(&rust_type),
        access: Access::for_type(&rust_type),
        rust_type,
        ty,
        array_style,
        structured,
        description: data.description.clone(),
        deprecated: data.deprecated.unwrap_or(false),
        default: schema.schema_data.default.as_ref().map(|v| v.to_string()),
        example: data.example.as_ref().or(schema.schema_data.example.as_ref()).map(|v| v.to_string()),
        minimum,
        maximum,
    })
}

pub(super) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json")
}

fn responses(
    spec: &Spec,
    types: &mut TypeBuilder<'_>,
    responses: &openapiv3::Responses,
    at: &Pointer,
    stem: &str,
) -> Result<(Vec<ResponseCase>, Vec<ResponseCase>), SpecError> {
    let mut cases: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>, Pointer)> = Vec::new();
    for (code, item) in &responses.responses {
        let (status, key) = match code {
            StatusCode::Code(c) => (StatusMatch::Code(*c), c.to_string()),
            StatusCode::Range(r) => (StatusMatch::Range(*r), format!("{r}XX")),
        };
        cases.push((status, item, at.push(&key)));
    }
    if let Some(default) = &responses.default {
        cases.push((StatusMatch::Default, default, at.push("default")));
    }
    // `default` is the success only when it is the sole response; beside declared statuses it
    // describes the errors not listed (an implicit `2XX` success is added below if needed).
    let default_is_success = responses.responses.is_empty();
    let success_count =
        cases.iter().filter(|(s, _, _)| is_success(*s) || (default_is_success && *s == StatusMatch::Default)).count();
    let (mut success, mut errors) = (Vec::new(), Vec::new());
    for (status, item, at) in cases {
        let (response, at) = spec.response(item, &at)?;
        let ok = is_success(status) || (default_is_success && status == StatusMatch::Default);
        let variant = variant_name(status);
        let hint = match (ok, success_count) {
            (true, 1) => format!("{stem}Response"),
            (true, _) => format!("{stem}{variant}Response"),
            (false, _) => format!("{stem}{variant}Body"),
        };
        types.enter(stem, &hint);
        let body = match response.content.iter().find(|(ct, _)| is_json(ct)) {
            Some((ct, media)) => match &media.schema {
                Some(schema) => {
                    ResponseBody::Json(types.type_of(schema, &at.push("content").push(ct).push("schema"), &hint)?.0)
                }
                None => ResponseBody::Json(TypeRef::Json),
            },
            None if response.content.is_empty() => ResponseBody::None,
            None if response.content.keys().all(|ct| ct.trim().to_ascii_lowercase().starts_with("text/")) => {
                ResponseBody::Text
            }
            None if ok => ResponseBody::Stream,
            None => ResponseBody::Bytes,
        };
        let mut headers: Vec<String> = response.headers.keys().cloned().collect();
        headers.sort();
        let payload = payload(&body);
        let case = ResponseCase { status, variant, description: response.description.clone(), body, payload, headers };
        if ok {
            success.push(case)
        } else {
            errors.push(case)
        }
    }
    if success.is_empty() {
        // Real specs (the Petstore's deletePet) declare only errors; any 2xx then means done.
        success.push(ResponseCase {
            status: StatusMatch::Range(2),
            variant: "Success".into(),
            description: "Success (the spec declares no success response).".into(),
            body: ResponseBody::None,
            payload: None,
            headers: Vec::new(),
        });
    }
    // A file streams only when no other success needs its body read (a JSON 200 beside a file
    // 206 is read whole, as bytes).
    if !success.iter().all(|c| matches!(c.body, ResponseBody::Stream | ResponseBody::None)) {
        for case in success.iter_mut().filter(|c| c.body == ResponseBody::Stream) {
            case.body = ResponseBody::Bytes;
            case.payload = payload(&case.body);
        }
    }
    // Exact codes before ranges before `default`, so the emitted `match` arms are reachable.
    success.sort_by_key(|c| c.status);
    errors.sort_by_key(|c| c.status);
    Ok((success, errors))
}

fn payload(body: &ResponseBody) -> Option<RustType> {
    match body {
        ResponseBody::None => None,
        ResponseBody::Json(ty) => Some(RustType::of(ty)),
        ResponseBody::Bytes => Some(RustType::Bytes),
        ResponseBody::Stream => Some(RustType::Download),
        ResponseBody::Text => Some(RustType::String),
    }
}

fn is_success(status: StatusMatch) -> bool {
    matches!(status, StatusMatch::Code(200..=299) | StatusMatch::Range(2))
}

fn variant_name(status: StatusMatch) -> String {
    let name = match status {
        StatusMatch::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            204 => "NoContent",
            400 => "BadRequest",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            409 => "Conflict",
            410 => "Gone",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        StatusMatch::Range(2) => "Success",
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Range(other) => return format!("Status{other}xx"),
        StatusMatch::Default => "Default",
    };
    name.to_owned()
}
