//! Stage 2: the intermediate model between the spec and the tokens. It knows the API in Rust
//! terms (names, types, parameter kinds, response statuses) but no YAML and no tokens.

mod all_of;
mod bodies;
mod build;
mod features;
mod forms;
mod naming;
mod operations;
mod pagination;
mod pagination_ms;
mod paging_body;
mod paging_infer;
mod params;
pub mod reach;
mod rollback;
mod rust;
pub mod service;
mod shared;
mod time;
mod types;

pub use build::{build, Options};
pub use forms::{FieldStyle, MultipartField};
pub use naming::{field_ident, type_ident, unique as unique_name, variant_ident};
pub use pagination::{BodyPath, Pagination, PagingOrigin, PagingStyle, Step};
pub use rust::{Access, Arg, Input, RustType};
pub(crate) use shared::rename_uses;
pub use time::TimeKind;

/// One API, ready to emit.
#[derive(Clone, Debug)]
pub struct Api {
    /// The spec file, relative to the workspace where possible, for the `@generated` header.
    pub source: String,
    pub title: String,
    pub description: Option<String>,
    pub version: String,
    pub server: Server,
    pub auth: Auth,
    pub rate_limits: Vec<RateLimit>,
    /// Where the request id lives and the body cap (supplied per provider).
    pub service: ServiceFacts,
    /// In spec order (paths, then methods in spec order).
    pub operations: Vec<Operation>,
    /// Sorted by name.
    pub types: Vec<TypeDef>,
    /// The Cargo features operations are grouped behind (one per tag), sorted; empty when the
    /// API is not split (the three provider crates).
    pub features: Vec<String>,
    /// What the model holds less precisely than the spec says (printed by `generate`).
    pub warnings: Vec<crate::spec::version::Warning>,
    /// Operations given up whole (tolerant mode), in spec order; the surface lists them.
    pub skipped: Vec<Skipped>,
    /// List operations that look paged but get no `.items()`, each with why (the paging report).
    pub paging_notes: Vec<PagingNote>,
}

/// A list operation whose paging could not be inferred safely.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PagingNote {
    pub id: String,
    /// The JSON pointer of the operation.
    pub pointer: String,
    pub reason: String,
}

/// An operation the model could not hold, left out whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    /// `GET`, `POST`, …
    pub method: String,
    pub path: String,
    /// Where in the spec, as the error says it.
    pub pointer: String,
    pub reason: String,
}

#[derive(Clone, Debug)]
pub struct Server {
    /// The first server URL, `{variables}` left in.
    pub url: String,
    pub variables: Vec<ServerVariable>,
}

#[derive(Clone, Debug)]
pub struct ServerVariable {
    pub name: String,
    pub rust_name: String,
    pub default: String,
    pub description: Option<String>,
}

/// How the key is sent, from `securitySchemes` and the root `security`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer,
    /// HTTP basic auth; the caller passes `user:password`.
    Basic,
    ApiKeyHeader(String),
    /// The key as a query parameter of that name.
    ApiKeyQuery(String),
    /// The key in a cookie of that name.
    ApiKeyCookie(String),
    /// Several keys sent together, each in a header of these names (a requirement combining
    /// API key schemes: an app key and an app token).
    ApiKeyHeaders(Vec<String>),
}

/// What a provider's docs say about its responses that OpenAPI cannot: where the request id
/// lives and how large a body it sends at most (`x-request-id`, `x-max-response-bytes`: see
/// [`service`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceFacts {
    /// Headers carrying the request id; empty: the runtime's common ones.
    pub request_id_headers: Vec<String>,
    /// JSON pointers to the request id in a body, tried when no header carries it.
    pub request_id_pointers: Vec<String>,
    /// The documented body limit, in bytes (with a margin).
    pub max_response_bytes: Option<u64>,
}

/// A documented rate limit (not expressible in OpenAPI: `x-rate-limits`, see [`service`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window_secs: u64,
}

#[derive(Clone, Debug)]
pub struct Operation {
    /// The `operationId`, or one derived from method and path.
    pub id: String,
    /// snake_case method name on `Client`.
    pub fn_name: String,
    /// PascalCase stem of the operation's own types.
    pub type_stem: String,
    /// The request builder `Client::<fn_name>()` returns: `{stem}Request`.
    pub request_type: String,
    /// The typed error enum: `{stem}Error`.
    pub error_type: String,
    /// `{stem}Success`, when several success statuses carry different bodies.
    pub success_enum: Option<String>,
    /// What `send()` returns on success.
    pub success_type: RustType,
    /// The arguments of `Client::<fn_name>()`, in order: required parameters, then a required body.
    pub args: Vec<Arg>,
    pub method: Method,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The operation's own `security: []`: it is called without the key.
    pub anonymous: bool,
    /// Its first tag.
    pub tag: Option<String>,
    /// The Cargo feature it is compiled behind (always compiled when `None`).
    pub feature: Option<String>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
    /// How it pages, when the spec declares it or it is inferred ([`Pagination::origin`]).
    pub pagination: Option<Pagination>,
}

impl Operation {
    /// Whether `send()` returns a `{Stem}Success` enum.
    pub fn has_success_enum(&self) -> bool {
        self.success_enum.is_some()
    }

    /// Whether a success body is a file handed over as it arrives ([`ResponseBody::Stream`]).
    pub fn streams_success(&self) -> bool {
        self.success.iter().any(|case| case.body == ResponseBody::Stream)
    }

    /// The types the operation's module exports, in a fixed order.
    pub fn exported_types(&self) -> Vec<&str> {
        let mut names = vec![self.request_type.as_str(), self.error_type.as_str()];
        names.extend(self.success_enum.as_deref());
        names.extend(self.pagination.as_ref().map(|p| p.source.as_str()));
        if let Some(RequestBody::Form { ty_name, .. }) = &self.body {
            names.push(ty_name);
        }
        names
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

/// How an array (or object) parameter is written on the wire; for a path parameter, any value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `tags=a&tags=b` (form, explode); an object as `a=1&b=2`, in a path or header (simple,
    /// explode) as `a=1,b=2`.
    Repeat,
    /// `tags=a,b` (form without explode, or simple); an object as `obj=a,1,b,2`.
    Comma,
    /// A path's `label` style: `.a,b`, `.a,1,b,2`; exploded, `.a.b`, `.a=1.b=2`.
    Label,
    LabelExploded,
    /// A path's `matrix` style: `;p=a,b`, `;p=a,1,b,2`; exploded, `;p=a;p=b`, `;a=1;b=2`.
    Matrix,
    MatrixExploded,
    /// `tags=a%20b` (spaceDelimited).
    Space,
    /// `tags=a|b` (pipeDelimited).
    Pipe,
    /// `obj[a]=1&obj[b]=2` (deepObject).
    DeepObject,
}

impl ArrayStyle {
    /// The style as the API surface names it.
    pub fn name(self) -> &'static str {
        match self {
            ArrayStyle::Repeat => "repeat",
            ArrayStyle::Comma => "comma",
            ArrayStyle::Space => "space",
            ArrayStyle::Pipe => "pipe",
            ArrayStyle::DeepObject => "deep-object",
            ArrayStyle::Label => "label",
            ArrayStyle::LabelExploded => "label-explode",
            ArrayStyle::Matrix => "matrix",
            ArrayStyle::MatrixExploded => "matrix-explode",
        }
    }

    /// The separator of a joined array.
    pub fn delimiter(self) -> &'static str {
        match self {
            ArrayStyle::Space => " ",
            ArrayStyle::Pipe => "|",
            _ => ",",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    /// The builder field's type (without the `Option` of an optional parameter).
    pub rust_type: RustType,
    /// What the setter accepts.
    pub input: Input,
    /// What the getter returns.
    pub access: Access,
    pub array_style: ArrayStyle,
    /// An object, a map or a union: the runtime writes it from its JSON form, one level deep.
    pub structured: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The documented default, as JSON text (informational: the server applies it).
    pub default: Option<String>,
    /// The documented example, as JSON text (paging inference reads a page size from it).
    pub example: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

#[derive(Clone, Debug)]
pub enum RequestBody {
    Json {
        ty: TypeRef,
        /// The body's type (without the `Option` of an optional body).
        rust_type: RustType,
        required: bool,
        description: Option<String>,
    },
    /// A form: `multipart/form-data` (files allowed) or `application/x-www-form-urlencoded`.
    Form { ty_name: String, fields: Vec<MultipartField>, description: Option<String>, encoding: FormEncoding },
    /// Sent as it is: text (`text/plain`, a `String`) or bytes (`application/octet-stream`,
    /// `image/*`, `*/*`, any `format: binary`; a `RawBody`, in memory or streamed from a file).
    Raw {
        /// The spec's media type (the runtime picks `application/octet-stream` for a wildcard).
        content_type: String,
        text: bool,
        /// `String` or `RawBody` (without the `Option` of an optional body).
        rust_type: RustType,
        required: bool,
        description: Option<String>,
    },
}

impl RequestBody {
    /// How the body travels, as the surface and the docs name it.
    pub fn kind(&self) -> &'static str {
        match self {
            RequestBody::Json { .. } => "json",
            RequestBody::Form { encoding: FormEncoding::Multipart, .. } => "multipart",
            RequestBody::Form { encoding: FormEncoding::UrlEncoded, .. } => "form-urlencoded",
            RequestBody::Raw { text: true, .. } => "text",
            RequestBody::Raw { text: false, .. } => "raw",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormEncoding {
    Multipart,
    UrlEncoded,
}

impl FormEncoding {
    pub fn content_type(self) -> &'static str {
        match self {
            FormEncoding::Multipart => "multipart/form-data",
            FormEncoding::UrlEncoded => "application/x-www-form-urlencoded",
        }
    }
}

/// Which statuses a response case covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX`: the hundreds digit.
    Range(u16),
    Default,
}

#[derive(Clone, Debug)]
pub struct ResponseCase {
    pub status: StatusMatch,
    /// Variant name in the success or error enum.
    pub variant: String,
    pub description: String,
    pub body: ResponseBody,
    /// The enum variant's payload type; `None` for a response without a body.
    pub payload: Option<RustType>,
    /// Documented response headers (names only: the runtime parses the rate-limit ones).
    pub headers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    None,
    Json(TypeRef),
    /// A non-JSON body, handed over as bytes (an error's, or a file beside other success bodies).
    Bytes,
    /// A file (a success body that is neither JSON nor text), streamed as it arrives.
    Stream,
    /// A `text/*` body, handed over as a `String`.
    Text,
}

/// A type as used in a field, parameter or body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    String,
    Integer(IntWidth),
    Float(FloatWidth),
    Boolean,
    /// Bytes (`format: binary` outside multipart).
    Binary,
    /// A date or time, read leniently (`client_runtime::DateTime` and its kin).
    Time(TimeKind),
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    Array(Box<TypeRef>),
    /// A closed tuple (3.1 `prefixItems` with `items: false`): a JSON array of these, in order.
    Tuple(Vec<TypeRef>),
    Map(Box<TypeRef>),
    Named(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntWidth {
    I32,
    I64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FloatWidth {
    F32,
    F64,
}

#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: String,
    /// The JSON pointer of the schema it comes from (`#/components/schemas/Media`).
    pub schema: String,
    /// The features whose operations reach it; compiled when any is on (always when empty).
    pub features: Vec<String>,
    pub description: Option<String>,
    pub kind: TypeKind,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        additional: Option<Additional>,
    },
    /// A string enum; unknown values land in a catch-all variant.
    Enum {
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`: the first variant that decodes wins.
    Union {
        variants: Vec<UnionVariant>,
    },
    Alias {
        ty: TypeRef,
        rust_type: RustType,
    },
}

/// The flattened map of undeclared properties (`additionalProperties`) of a struct.
#[derive(Clone, Debug)]
pub struct Additional {
    /// A member name no declared field uses.
    pub rust_name: String,
    /// The map's value type.
    pub value: TypeRef,
    /// `BTreeMap<String, V>`.
    pub rust_type: RustType,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// Boxed because the field's type contains this struct again.
    pub boxed: bool,
    /// The declared type: `Box` when boxed, `Option` when optional or nullable.
    pub rust_type: RustType,
    /// A secret (`x-sensitive: true`, or `format: password`): `Debug` prints it redacted.
    pub sensitive: bool,
    pub description: Option<String>,
    pub deprecated: bool,
}

impl Field {
    /// Optional or nullable fields are `Option<T>` in Rust.
    pub fn is_option(&self) -> bool {
        !self.required || self.nullable
    }
}

#[derive(Clone, Debug)]
pub struct EnumVariant {
    pub wire_value: String,
    pub rust_name: String,
}

#[derive(Clone, Debug)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: TypeRef,
    pub rust_type: RustType,
}
