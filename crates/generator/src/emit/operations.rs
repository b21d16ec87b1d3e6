//! `operations/<op>.rs`: a request builder per operation (typed setters, `to_request`, `send`),
//! its typed error enum, and its multipart form or multi-status success enum where needed.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc_attrs, paragraphs};
use super::forms::form_struct;
use super::layout::OperationGroup;
use super::responses::{error_enum, send, success_enum};
use super::{bare, ident, imports, rust_type};
use crate::model::{
    Access, Arg, ArrayStyle, FormEncoding, Input, Operation, Param, ParamLocation, RequestBody, RustType, TypeRef,
};

/// `operations/mod.rs`: a module per always-compiled operation in `ops`, then each feature's
/// group mounted behind its `cfg` (`operations/<group>/`, see [`super::layout`]).
pub fn module(ops: &[&Operation], groups: &[OperationGroup]) -> TokenStream {
    let mods = op_mods(ops);
    let mounts = groups.iter().map(|g| super::layout::mount(&g.module, std::slice::from_ref(&g.feature)));
    quote! {
        //! One request builder per operation, with the operation's typed error.
        #mods
        #( #mounts )*
    }
}

/// `operations/<group>/mod.rs`: the feature's operations and the `Client` methods that start
/// them, so a build without the feature reads none of it.
pub fn group_module(group: &OperationGroup) -> TokenStream {
    let doc = format!(" The operations of the feature `{}`, and the `Client` methods that start them.", group.feature);
    let mods = op_mods(&group.operations);
    let methods = super::client::methods(&group.operations, false);
    let imports = imports(&methods, &quote!(super::super));
    quote! {
        #![doc = #doc]
        // As in `client.rs`: the scan for used names may over-import.
        #![allow(unused_imports)]
        use super::super::client::Client;
        #imports
        #mods

        impl Client {
            #methods
        }
    }
}

fn op_mods(ops: &[&Operation]) -> TokenStream {
    ops.iter()
        .map(|op| {
            let module = ident(&op.fn_name);
            let names = op.exported_types().into_iter().map(ident);
            // No `cfg`: an operation behind a feature is in its group's module, gated whole.
            quote! { mod #module; pub use #module::{ #(#names),* }; }
        })
        .collect()
}

/// What a setter or `Client` method argument of this type accepts.
pub fn input_type(input: Input, ty: TokenStream, item: Option<TokenStream>) -> TokenStream {
    match (input, item) {
        (Input::IntoIter, Some(item)) => quote!(impl IntoIterator<Item = impl Into<#item>>),
        (Input::Exact, _) => ty,
        _ => quote!(impl Into<#ty>),
    }
}

/// An argument's declaration, its type printed by `print` (the caller's module decides the path
/// of operation-local types).
pub fn arg_decl(arg: &Arg, print: impl Fn(&RustType) -> TokenStream) -> TokenStream {
    let name = ident(&arg.name);
    let item = match &arg.ty {
        RustType::Vec(item) => Some(print(item)),
        _ => None,
    };
    let ty = input_type(arg.input, print(&arg.ty), item);
    quote!(#name: #ty)
}

/// The stored value from what the setter was given.
fn convert(input: Input, value: &proc_macro2::Ident) -> TokenStream {
    match input {
        Input::IntoIter => quote!(#value.into_iter().map(Into::into).collect()),
        Input::Into => quote!(#value.into()),
        Input::Exact => quote!(#value),
    }
}

/// `root`: the path from the operation's file to the generated module's root.
pub fn operation(op: &Operation, root: &TokenStream) -> TokenStream {
    let request = ident(&op.request_type);
    let error = ident(&op.error_type);
    let op_id = &op.id;
    let docs = doc_attrs(&operation_docs(op));
    let fields = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = rust_type(&p.rust_type);
        if p.required {
            quote!(#name: #ty,)
        } else {
            quote!(#name: Option<#ty>,)
        }
    });
    let body_field = op.body.as_ref().map(|b| {
        let ty = rust_type(&body_type(b));
        match b {
            RequestBody::Json { required: false, .. } | RequestBody::Raw { required: false, .. } => {
                quote!(body: Option<#ty>,)
            }
            _ => quote!(body: #ty,),
        }
    });
    let arg_decls = op.args.iter().map(|arg| arg_decl(arg, rust_type));
    let inits = op.params.iter().map(|p| {
        let name = ident(&p.rust_name);
        if p.required {
            let value = convert(p.input, &name);
            quote!(#name: #value,)
        } else {
            quote!(#name: None,)
        }
    });
    let body_init = op.body.as_ref().map(|b| match b {
        RequestBody::Json { required: false, .. } | RequestBody::Raw { required: false, .. } => quote!(body: None,),
        _ => quote!(body,),
    });
    let setters = op.params.iter().map(setter);
    let body_setter = body_setter(op);
    let to_request = to_request(op);
    let send = send(op, &error);
    let success_enum = success_enum(op);
    let error_enum = error_enum(op, &error);
    let form = form_struct(op);
    let paging = super::pagination::source(op);
    let items = quote! {
        #docs
        #[derive(Clone, Debug)]
        #[must_use = "a request does nothing until `.send()` is awaited"]
        pub struct #request {
            client: Client,
            options: client_runtime::RequestOptions,
            #( #fields )*
            #body_field
        }

        impl #request {
            /// The spec's `operationId` for this request.
            pub const OPERATION_ID: &'static str = #op_id;

            pub(crate) fn new(client: Client, #( #arg_decls ),*) -> Self {
                Self { client, options: client_runtime::RequestOptions::default(), #( #inits )* #body_init }
            }

            /// The client this request will be sent with.
            pub fn client(&self) -> &Client {
                &self.client
            }

            /// Options for this call only: a timeout, retries (off, or a policy of its own), extra
            /// headers, an idempotency key (which also makes a POST safe to retry).
            pub fn options(mut self, options: client_runtime::RequestOptions) -> Self {
                self.options = options;
                self
            }

            #( #setters )*
            #body_setter
            #to_request
            #send
        }

        #success_enum
        #error_enum
        #form
        #paging
    };
    let imports = imports(&items, root);
    quote! {
        use #root::client::Client;
        #imports

        #items
    }
}

/// The body's type as stored (without the `Option` of an optional JSON body).
fn body_type(body: &RequestBody) -> RustType {
    match body {
        RequestBody::Json { rust_type, .. } => rust_type.clone(),
        RequestBody::Form { ty_name, .. } => RustType::Operation(ty_name.clone()),
        RequestBody::Raw { rust_type, .. } => rust_type.clone(),
    }
}

fn operation_docs(op: &Operation) -> String {
    let route = format!("`{} {}` (`{}`)", op.method.as_str(), op.path, op.id);
    let deprecated = op.deprecated.then_some("**Deprecated** by the spec.");
    paragraphs([op.summary.as_deref(), op.description.as_deref(), deprecated, Some(route.as_str())])
}

fn param_docs(p: &Param) -> String {
    let mut facts = Vec::new();
    facts.push(format!(
        "`{}` ({} parameter{})",
        p.wire_name,
        location_name(p.location),
        if p.required { ", required" } else { "" }
    ));
    if let Some(default) = &p.default {
        facts.push(format!("default `{default}`"));
    }
    match (p.minimum, p.maximum) {
        (Some(min), Some(max)) => facts.push(format!("from {min} to {max}")),
        (Some(min), None) => facts.push(format!("at least {min}")),
        (None, Some(max)) => facts.push(format!("at most {max}")),
        (None, None) => {}
    }
    let facts = facts.join("; ") + ".";
    paragraphs([p.description.as_deref(), Some(facts.as_str())])
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn setter(p: &Param) -> TokenStream {
    let docs = doc_attrs(&param_docs(p));
    let name = ident(&p.rust_name);
    let set = format_ident!("set_{}", bare(&p.rust_name));
    let get = format_ident!("get_{}", bare(&p.rust_name));
    let ty = rust_type(&p.rust_type);
    let item = match &p.rust_type {
        RustType::Vec(item) => Some(rust_type(item)),
        _ => None,
    };
    let arg = input_type(p.input, ty.clone(), item);
    let value = ident("value");
    let converted = convert(p.input, &value);
    let set_doc = format!(" Sets or clears `{}`.", p.wire_name);
    let get_doc = format!(" The value of `{}`{}.", p.wire_name, if p.required { "" } else { ", if set" });
    let (access, read) = getter(&p.access, &name, p.required);
    if p.required {
        return quote! {
            #docs
            pub fn #name(mut self, value: #arg) -> Self { self.#name = #converted; self }
            #[doc = #get_doc]
            pub fn #get(&self) -> #access { #read }
        };
    }
    quote! {
        #docs
        pub fn #name(mut self, value: #arg) -> Self { self.#name = Some(#converted); self }
        #[doc = #set_doc]
        pub fn #set(mut self, value: Option<#ty>) -> Self { self.#name = value; self }
        #[doc = #get_doc]
        pub fn #get(&self) -> Option<#access> { #read }
    }
}

/// A getter's return type (for a required value) and body, as the model's [`Access`] says.
fn getter(access: &Access, field: &proc_macro2::Ident, required: bool) -> (TokenStream, TokenStream) {
    let ty = match access {
        Access::Copy(ty) => rust_type(ty),
        Access::Str => quote!(&str),
        Access::Slice(item) => {
            let item = rust_type(item);
            quote!(&[#item])
        }
        Access::Ref(ty) => {
            let ty = rust_type(ty);
            quote!(&#ty)
        }
    };
    let read = match (access, required) {
        (Access::Copy(_), _) => quote!(self.#field),
        (_, true) => quote!(&self.#field),
        (Access::Str | Access::Slice(_), false) => quote!(self.#field.as_deref()),
        (Access::Ref(_), false) => quote!(self.#field.as_ref()),
    };
    (ty, read)
}

fn body_setter(op: &Operation) -> TokenStream {
    let Some(body) = &op.body else { return TokenStream::new() };
    let ty = rust_type(&body_type(body));
    match body {
        RequestBody::Json { required: false, description, .. } => {
            let docs = doc_attrs(description.as_deref().unwrap_or(" The JSON request body."));
            quote! {
                #docs
                pub fn body(mut self, value: impl Into<#ty>) -> Self { self.body = Some(value.into()); self }
            }
        }
        RequestBody::Raw { required: false, description, content_type, .. } => {
            let fallback = format!(" The `{content_type}` request body.");
            let docs = doc_attrs(description.as_deref().unwrap_or(&fallback));
            quote! {
                #docs
                pub fn body(mut self, value: impl Into<#ty>) -> Self { self.body = Some(value.into()); self }
            }
        }
        _ => quote! {
            /// Replaces the request body.
            pub fn body(mut self, value: #ty) -> Self { self.body = value; self }
        },
    }
}

fn to_request(op: &Operation) -> TokenStream {
    let method = ident(op.method.as_str());
    let path = path_expression(op);
    let checks = op.params.iter().filter(|p| p.minimum.is_some() || p.maximum.is_some()).filter_map(range_check);
    let params = op.params.iter().filter(|p| p.location != ParamLocation::Path).map(write_param);
    let body = match &op.body {
        Some(RequestBody::Json { required: true, .. }) => quote!(request.json(&self.body)?;),
        Some(RequestBody::Json { required: false, .. }) => quote! {
            if let Some(body) = &self.body { request.json(body)?; }
        },
        Some(RequestBody::Form { encoding: FormEncoding::Multipart, fields, .. }) => {
            // Only values written through their JSON form can fail; they name the operation.
            match fields.iter().any(crate::model::MultipartField::fallible) {
                true => quote!(request.multipart(self.body.clone().into_parts(Self::OPERATION_ID)?);),
                false => quote!(request.multipart(self.body.clone().into_parts());),
            }
        }
        Some(RequestBody::Form { encoding: FormEncoding::UrlEncoded, fields, .. }) => {
            match fields.iter().any(crate::model::MultipartField::fallible) {
                true => quote!(request.form(&self.body.clone().into_pairs(Self::OPERATION_ID)?);),
                false => quote!(request.form(&self.body.clone().into_pairs());),
            }
        }
        Some(RequestBody::Raw { content_type, text, required, .. }) => {
            let set = if *text { quote!(text) } else { quote!(raw_body) };
            match required {
                true => quote!(request.#set(#content_type, self.body.clone());),
                false => quote! { if let Some(body) = &self.body { request.#set(#content_type, body.clone()); } },
            }
        }
        None => TokenStream::new(),
    };
    let anonymous = op.anonymous.then(|| quote!(request.without_auth();));
    // Always `mut`: the call's options are set on every request.
    let binding = quote!(let mut request);
    quote! {
        /// Builds the HTTP request, checking each parameter against the bounds the spec declares.
        /// Hidden: the request is the runtime's `__private` type, outside semver; `send()` runs
        /// the same checks.
        #[doc(hidden)]
        pub fn to_request(&self) -> Result<client_runtime::__private::Request, client_runtime::InvalidRequest> {
            #( #checks )*
            #binding = client_runtime::__private::Request::new(
                Self::OPERATION_ID,
                client_runtime::http::Method::#method,
                #path,
            );
            #anonymous
            #( #params )*
            #body
            request.set_options(self.options.clone());
            Ok(request)
        }
    }
}

/// `format!("/media/{}", path_segment(&…))` from the path template.
fn path_expression(op: &Operation) -> TokenStream {
    let mut template = String::new();
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        template.push_str(&rest[..open].replace('}', "}}"));
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let name = &after[..close];
        if let Some(p) = op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire_name == name) {
            let field = ident(&p.rust_name);
            let wire = &p.wire_name;
            let plain = p.array_style == ArrayStyle::Comma && !p.structured && !matches!(p.ty, TypeRef::Array(_));
            args.push(match path_style(p.array_style) {
                // A scalar in the default style: its text, percent-encoded.
                Some(_) | None if plain => {
                    let text = text_of(&p.ty, ArrayStyle::Comma, quote!(self.#field));
                    quote!(client_runtime::__private::path_segment(Self::OPERATION_ID, #wire, &#text)?)
                }
                // A list, an object or a union, or a `label` or `matrix` style: the runtime writes
                // the value's JSON form as the style says, each component percent-encoded.
                Some(style) => quote! {
                    client_runtime::__private::path_text(Self::OPERATION_ID, #wire, client_runtime::__private::PathStyle::#style, &self.#field)?
                },
                None => quote!(client_runtime::__private::scalar_text(Self::OPERATION_ID, #wire, &self.#field)?),
            });
            template.push_str("{}");
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if args.is_empty() {
        let path = template.replace("{{", "{").replace("}}", "}");
        return quote!(String::from(#path));
    }
    quote!(format!(#template #(, #args)*))
}

/// The runtime's `PathStyle` variant for a path parameter's style (`None` for the query styles,
/// which a path parameter never has).
fn path_style(style: ArrayStyle) -> Option<proc_macro2::Ident> {
    let name = match style {
        ArrayStyle::Comma => "Simple",
        ArrayStyle::Repeat => "SimpleExploded",
        ArrayStyle::Label => "Label",
        ArrayStyle::LabelExploded => "LabelExploded",
        ArrayStyle::Matrix => "Matrix",
        ArrayStyle::MatrixExploded => "MatrixExploded",
        ArrayStyle::Space | ArrayStyle::Pipe | ArrayStyle::DeepObject => return None,
    };
    Some(ident(name))
}

/// A parameter value as wire text (arrays joined with the style's delimiter).
fn text_of(ty: &TypeRef, style: ArrayStyle, value: TokenStream) -> TokenStream {
    let delimiter = style.delimiter();
    match ty {
        TypeRef::Array(_) => quote!(#value.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(#delimiter)),
        _ => quote!(#value.to_string()),
    }
}

fn range_check(p: &Param) -> Option<TokenStream> {
    if !matches!(p.ty, TypeRef::Integer(_) | TypeRef::Float(_)) {
        return None;
    }
    let op_param = &p.wire_name;
    let name = ident(&p.rust_name);
    let bound = |v: Option<f64>| match v {
        Some(v) => {
            let v = proc_macro2::Literal::f64_unsuffixed(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    let (min, max) = (bound(p.minimum), bound(p.maximum));
    // An `f64` needs no cast (clippy's `unnecessary_cast` in the generated crate).
    let value = match p.ty {
        TypeRef::Float(crate::model::FloatWidth::F64) => quote!(value),
        _ => quote!(value as f64),
    };
    let check = quote!(client_runtime::__private::check_range(Self::OPERATION_ID, #op_param, #value, #min, #max)?;);
    Some(if p.required {
        quote! { { let value = self.#name; #check } }
    } else {
        quote! { if let Some(value) = self.#name { #check } }
    })
}

fn write_param(p: &Param) -> TokenStream {
    let wire = &p.wire_name;
    let name = ident(&p.rust_name);
    let add = match p.location {
        ParamLocation::Header => quote!(header),
        ParamLocation::Cookie => quote!(cookie),
        _ => quote!(query),
    };
    let write = |value: TokenStream, borrowed: TokenStream| match (&p.ty, p.array_style, p.location) {
        // An object (or a union) in a header, `simple`: `a,1,b,2`, exploded `a=1,b=2`.
        _ if p.structured && p.location == ParamLocation::Header => {
            let exploded = p.array_style == ArrayStyle::Repeat;
            quote! { request.#add(#wire, client_runtime::__private::header_text(Self::OPERATION_ID, #wire, #exploded, #borrowed)?); }
        }
        // An object in a cookie, `form`: a cookie per member, or unexploded `id=a,1,b,2`.
        _ if p.structured && p.location == ParamLocation::Cookie && p.array_style == ArrayStyle::Repeat => {
            quote! {
                for (name, text) in client_runtime::__private::cookie_pairs(Self::OPERATION_ID, #wire, #borrowed)? {
                    request.cookie_pair(name, text);
                }
            }
        }
        _ if p.structured && p.location == ParamLocation::Cookie => {
            quote! { request.cookie(#wire, client_runtime::__private::header_text(Self::OPERATION_ID, #wire, false, #borrowed)?); }
        }
        _ if p.structured && p.location != ParamLocation::Query => {
            quote! { request.#add(#wire, client_runtime::__private::scalar_text(Self::OPERATION_ID, #wire, #borrowed)?); }
        }
        _ if p.structured => {
            let style = super::forms::query_style(p.array_style);
            quote! { request.query_value(#wire, #style, #borrowed)?; }
        }
        (TypeRef::Array(_), ArrayStyle::Repeat, ParamLocation::Query | ParamLocation::Cookie) => {
            quote! { for item in #borrowed { request.#add(#wire, item); } }
        }
        _ => {
            let text = text_of(&p.ty, p.array_style, value);
            quote! { request.#add(#wire, #text); }
        }
    };
    if p.required {
        write(quote!(self.#name), quote!(&self.#name))
    } else {
        let inner = write(quote!(value), quote!(value));
        quote! { if let Some(value) = &self.#name { #inner } }
    }
}
