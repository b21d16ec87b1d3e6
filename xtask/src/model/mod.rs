//! Stage 2: the intermediate model between the spec and the tokens. It knows the API in Rust
//! terms (names, types, parameter kinds, response statuses) but no YAML and no tokens.

mod bodies;
mod build;
mod naming;
mod operations;
mod types;

pub use build::{build, Options};
pub use naming::{field_ident, type_ident, unique as unique_name, variant_ident};

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
}

/// What a provider's docs say about its responses that OpenAPI cannot: where the request id
/// lives and how large a body it sends at most (supplied per provider).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceFacts {
    /// Headers carrying the request id; empty: the runtime's common ones.
    pub request_id_headers: Vec<String>,
    /// JSON pointers to the request id in a body, tried when no header carries it.
    pub request_id_pointers: Vec<String>,
    /// The documented body limit, in bytes (with a margin).
    pub max_response_bytes: Option<u64>,
}

/// A documented rate limit (not expressible in OpenAPI; supplied per provider).
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
    /// PascalCase stem: `{stem}Request`, `{stem}Error`.
    pub type_stem: String,
    pub method: Method,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The operation's own `security: []`: it is called without the key.
    pub anonymous: bool,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    pub success: Vec<ResponseCase>,
    pub errors: Vec<ResponseCase>,
}

impl Operation {
    /// Whether `send()` returns a `{Stem}Success` enum: several success statuses whose bodies differ.
    pub fn has_success_enum(&self) -> bool {
        self.success.windows(2).any(|pair| pair[0].body != pair[1].body)
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

/// How an array parameter is written on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrayStyle {
    /// `tags=a&tags=b` (form, explode).
    Repeat,
    /// `tags=a,b` (form without explode, or simple).
    Comma,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub wire_name: String,
    pub rust_name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub array_style: ArrayStyle,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The documented default, as JSON text (informational: the server applies it).
    pub default: Option<String>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
}

#[derive(Clone, Debug)]
pub enum RequestBody {
    Json {
        ty: TypeRef,
        required: bool,
        description: Option<String>,
    },
    /// A form: `multipart/form-data` (files allowed) or `application/x-www-form-urlencoded`.
    Form {
        ty_name: String,
        fields: Vec<MultipartField>,
        description: Option<String>,
        encoding: FormEncoding,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormEncoding {
    Multipart,
    UrlEncoded,
}

#[derive(Clone, Debug)]
pub struct MultipartField {
    pub wire_name: String,
    pub rust_name: String,
    pub required: bool,
    /// `None` for a file part; the value's type for a text part.
    pub text: Option<TypeRef>,
    /// A structured text part, sent as JSON (`Content-Type: application/json`).
    pub json: bool,
    pub description: Option<String>,
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
    /// Documented response headers (names only: the runtime parses the rate-limit ones).
    pub headers: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ResponseBody {
    None,
    Json(TypeRef),
    /// A non-JSON body, handed over as bytes.
    Bytes,
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
    /// Any JSON value.
    Json,
    /// A free-form JSON object.
    JsonObject,
    Array(Box<TypeRef>),
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
    pub description: Option<String>,
    pub kind: TypeKind,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    Struct {
        fields: Vec<Field>,
        additional: Option<TypeRef>,
    },
    /// A string enum; unknown values land in a catch-all variant.
    Enum {
        variants: Vec<EnumVariant>,
    },
    /// `oneOf`/`anyOf`: the first variant that decodes wins.
    Union {
        variants: Vec<UnionVariant>,
    },
    Alias(TypeRef),
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
}
