//! The Rust shape of the API, decided once. Every type a caller writes or reads — a field's
//! declared type, a builder argument, a getter's return type, what `send()` returns — is a
//! [`RustType`] chosen here; the emitter prints it as tokens, the API surface and api-diff print
//! it as text ([`std::fmt::Display`]), so the three can never disagree.

use std::fmt;

use super::{FloatWidth, IntWidth, TimeKind, TypeRef};

/// A Rust type as the generated code declares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RustType {
    String,
    I32,
    I64,
    F32,
    F64,
    Bool,
    /// `client_runtime::DateTime`, `Date` or `LocalDateTime`: parsed, or the text kept.
    Time(TimeKind),
    /// `serde_json::Value`.
    JsonValue,
    /// `serde_json::Map<String, serde_json::Value>`.
    JsonMap,
    Vec(Box<RustType>),
    /// `(A, B, …)`: a closed tuple.
    Tuple(Vec<RustType>),
    /// `BTreeMap<String, T>`.
    Map(Box<RustType>),
    Option(Box<RustType>),
    Boxed(Box<RustType>),
    /// A schema type: `types::Name`.
    Schema(String),
    /// A type of the operation's own module (its form body or success enum).
    Operation(String),
    /// `Vec<u8>`: a body that is not JSON.
    Bytes,
    /// `client_runtime::FilePart`: a file in a multipart form.
    FilePart,
    /// `client_runtime::RawBody`: a raw request body, bytes or a file streamed from disk.
    RawBody,
    /// `client_runtime::Download`: a file response, streamed as it arrives.
    Download,
    /// A type of the user's own, by path (`Settings::type_mappings`).
    External(String),
    /// `()`: no body.
    Unit,
}

impl RustType {
    /// The type a model type is declared as.
    pub fn of(ty: &TypeRef) -> RustType {
        match ty {
            // `format: binary` outside a form is carried as text (base64 or raw), as before.
            TypeRef::String | TypeRef::Binary => RustType::String,
            TypeRef::Integer(IntWidth::I32) => RustType::I32,
            TypeRef::Integer(IntWidth::I64) => RustType::I64,
            TypeRef::Float(FloatWidth::F32) => RustType::F32,
            TypeRef::Float(FloatWidth::F64) => RustType::F64,
            TypeRef::Boolean => RustType::Bool,
            TypeRef::Time(kind) => RustType::Time(*kind),
            TypeRef::Json => RustType::JsonValue,
            TypeRef::JsonObject => RustType::JsonMap,
            TypeRef::Array(item) => RustType::Vec(Box::new(RustType::of(item))),
            TypeRef::Tuple(items) => RustType::Tuple(items.iter().map(RustType::of).collect()),
            TypeRef::Map(value) => RustType::Map(Box::new(RustType::of(value))),
            TypeRef::Named(name) => RustType::Schema(name.clone()),
        }
    }

    /// A struct field's declared type: boxed when recursive, `Option` when optional or nullable.
    pub fn field(ty: &TypeRef, boxed: bool, option: bool) -> RustType {
        let mut rust = RustType::of(ty);
        if boxed {
            rust = RustType::Boxed(Box::new(rust));
        }
        if option {
            rust = RustType::Option(Box::new(rust));
        }
        rust
    }

    pub fn option(self) -> RustType {
        RustType::Option(Box::new(self))
    }

    /// Plain values a getter returns by copy.
    fn is_copy(&self) -> bool {
        matches!(self, RustType::I32 | RustType::I64 | RustType::F32 | RustType::F64 | RustType::Bool)
    }
}

impl fmt::Display for RustType {
    /// The type as a caller writes it, paths shortened (`Value`, `BTreeMap`, schema names bare).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::I32 => f.write_str("i32"),
            RustType::I64 => f.write_str("i64"),
            RustType::F32 => f.write_str("f32"),
            RustType::F64 => f.write_str("f64"),
            RustType::Bool => f.write_str("bool"),
            RustType::Time(kind) => f.write_str(kind.type_name()),
            RustType::JsonValue => f.write_str("Value"),
            RustType::JsonMap => f.write_str("Map<String, Value>"),
            RustType::Vec(item) => write!(f, "Vec<{item}>"),
            RustType::Tuple(items) => {
                let items: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "({})", items.join(", "))
            }
            RustType::Map(value) => write!(f, "BTreeMap<String, {value}>"),
            RustType::Option(inner) => write!(f, "Option<{inner}>"),
            RustType::Boxed(inner) => write!(f, "Box<{inner}>"),
            RustType::Schema(name) | RustType::Operation(name) => f.write_str(name),
            RustType::Bytes => f.write_str("Vec<u8>"),
            RustType::FilePart => f.write_str("FilePart"),
            RustType::RawBody => f.write_str("RawBody"),
            RustType::Download => f.write_str("Download"),
            RustType::External(path) => f.write_str(path),
            RustType::Unit => f.write_str("()"),
        }
    }
}

/// What a builder setter (and a `Client` method argument) accepts for a value of a type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// `impl Into<T>`.
    Into,
    /// `impl IntoIterator<Item = impl Into<T>>` for a `Vec<T>`.
    IntoIter,
    /// Exactly `T` (a form body struct).
    Exact,
}

impl Input {
    pub fn for_type(ty: &RustType) -> Input {
        match ty {
            RustType::Vec(_) => Input::IntoIter,
            RustType::Operation(_) => Input::Exact,
            _ => Input::Into,
        }
    }
}

/// How a getter hands out a stored value: what a caller reading it in the IDE expects
/// (`Option<&str>`, `Option<i64>`, `Option<&[T]>`), not the storage type behind a reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// By value: numbers and booleans.
    Copy(RustType),
    /// `&str` for a `String`.
    Str,
    /// `&[T]` for a `Vec<T>`.
    Slice(RustType),
    /// `&T` for anything else.
    Ref(RustType),
}

impl Access {
    pub fn for_type(ty: &RustType) -> Access {
        match ty {
            t if t.is_copy() => Access::Copy(t.clone()),
            RustType::String => Access::Str,
            RustType::Vec(item) => Access::Slice((**item).clone()),
            other => Access::Ref(other.clone()),
        }
    }
}

impl fmt::Display for Access {
    /// The getter's return type for a required value (`Option<…>` of it for an optional one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Access::Copy(ty) => write!(f, "{ty}"),
            Access::Str => f.write_str("&str"),
            Access::Slice(item) => write!(f, "&[{item}]"),
            Access::Ref(ty) => write!(f, "&{ty}"),
        }
    }
}

/// One argument of `Client::<op>()`: a required parameter or the required body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    pub name: String,
    pub ty: RustType,
    pub input: Input,
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.ty)
    }
}
