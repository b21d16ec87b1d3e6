//! `mod.rs` and `client.rs`: the `Client`, what it tells the runtime about the service (server,
//! auth, documented rate limits), and one method per operation.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, own_doc_attrs, paragraphs};
use super::operations::arg_decl;
use super::{ident, imports, rust_type};
use crate::model::{Api, Auth, Operation, RustType};

pub fn module_root(api: &Api) -> TokenStream {
    let docs = paragraphs([Some(api.title.as_str()), api.description.as_deref()]);
    let docs = super::docs::sanitize(&docs);
    let inner_docs = docs.lines().map(|l| format!(" {l}"));
    let variables = (!api.server.variables.is_empty()).then(|| {
        quote!(
            pub use client::ServerVariables;
        )
    });
    quote! {
        #( #![doc = #inner_docs] )*
        #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::doc_lazy_continuation, clippy::type_complexity)]
        #![allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

        pub mod client;
        pub mod operations;
        pub mod types;

        pub use client::{Client, ClientBuilder};
        #variables
    }
}

/// `client.rs`, with a method for each of `ops` (the always-compiled ones where features group
/// the others: theirs are in their group's module, see [`methods`]).
pub fn client(api: &Api, ops: &[&Operation]) -> TokenStream {
    let methods = methods(ops, true);
    let keys = match &api.auth {
        Auth::ApiKeyHeaders(names) => match names.split_first() {
            Some((first, rest)) => {
                let rest: Vec<String> = rest.iter().map(|n| format!("`.header_key({n:?}, …)`")).collect();
                format!(
                    "\n\nThe API takes several keys at once: `.api_key(…)` is the `{first}` header's, {} the other{}.",
                    rest.join(", "),
                    if rest.len() == 1 { "" } else { "s" }
                )
            }
            None => String::new(),
        },
        Auth::None => "\n\nThe spec declares no authentication: send a credential the API wants with \
                       `.bearer_token(…)`, `.auth_header(…)` or `.basic_auth(…)`; `.api_key(…)` is refused at \
                       `build()`."
            .to_owned(),
        _ => String::new(),
    };
    let client_docs = own_doc_attrs(&format!(
        "A client for {} (version {}).\n\nBuild one with [`Client::builder`]; clones are cheap and share connections, \
         retries and rate-limit pacing.{keys}",
        api.title, api.version
    ));
    let server_variables = server_variables(api);
    let items = client_items(api, client_docs, methods, server_variables);
    let imports = imports(&items, &quote!(super));
    // With every feature off, or in a spec with no operations (only webhooks), no method names one.
    let unused = (!api.features.is_empty() || api.operations.is_empty()).then(|| quote!(#![allow(unused_imports)]));
    quote! {
        //! The client and its builder.
        #unused
        #imports
        use super::operations;

        #items
    }
}

fn client_items(
    api: &Api,
    client_docs: TokenStream,
    methods: TokenStream,
    server_variables: TokenStream,
) -> TokenStream {
    let server_url = &api.server.url;
    let variables = api.server.variables.iter().map(|v| {
        let (name, default) = (&v.name, &v.default);
        quote!((#name, #default))
    });
    let auth = match &api.auth {
        Auth::None => quote!(client_runtime::AuthScheme::None),
        Auth::Bearer => quote!(client_runtime::AuthScheme::Bearer),
        Auth::Basic => quote!(client_runtime::AuthScheme::Basic),
        Auth::ApiKeyHeader(name) => quote!(client_runtime::AuthScheme::Header(#name)),
        Auth::ApiKeyQuery(name) => quote!(client_runtime::AuthScheme::Query(#name)),
        Auth::ApiKeyCookie(name) => quote!(client_runtime::AuthScheme::Cookie(#name)),
        Auth::ApiKeyHeaders(names) => quote!(client_runtime::AuthScheme::Headers(&[#(#names),*])),
    };
    let limits = api.rate_limits.iter().map(|l| {
        let requests = proc_macro2::Literal::u32_unsuffixed(l.requests);
        let secs = proc_macro2::Literal::u64_unsuffixed(l.window_secs);
        quote!(client_runtime::Quota::new(#requests, std::time::Duration::from_secs(#secs)))
    });
    let request_id = {
        let pointers = &api.service.request_id_pointers;
        let headers = &api.service.request_id_headers;
        match (headers.is_empty(), pointers.is_empty()) {
            (true, true) => quote!(client_runtime::RequestIdSource::COMMON),
            (true, false) => quote!(client_runtime::RequestIdSource {
                headers: client_runtime::RequestIdSource::COMMON_HEADERS,
                body_pointers: &[ #( #pointers ),* ],
            }),
            _ => {
                quote!(client_runtime::RequestIdSource { headers: &[ #( #headers ),* ], body_pointers: &[ #( #pointers ),* ] })
            }
        }
    };
    let max_body = match api.service.max_response_bytes {
        Some(bytes) => {
            let bytes = proc_macro2::Literal::usize_unsuffixed(usize::try_from(bytes).unwrap_or(usize::MAX));
            quote!(Some(#bytes))
        }
        None => quote!(None),
    };
    quote! {
        #client_docs
        #[derive(Clone, Debug)]
        pub struct Client {
            transport: client_runtime::__private::Transport,
        }

        /// Builds a [`Client`]: base URL, API key, timeouts, retries, pacing.
        pub type ClientBuilder = client_runtime::ClientBuilder<Client>;

        impl client_runtime::ApiClient for Client {
            const SERVICE: &'static client_runtime::ServiceSpec = &client_runtime::ServiceSpec {
                crate_name: env!("CARGO_PKG_NAME"),
                crate_version: env!("CARGO_PKG_VERSION"),
                server_url: #server_url,
                server_variables: &[ #( #variables ),* ],
                auth: #auth,
                rate_limits: &[ #( #limits ),* ],
                request_id: #request_id,
                max_response_bytes: #max_body,
            };

            fn from_transport(transport: client_runtime::__private::Transport) -> Self {
                Self { transport }
            }
        }

        impl Client {
            /// Starts building a client. The base URL defaults to the spec's server.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The transport requests go through: for this crate's own code, outside semver like
            /// the runtime's `__private`.
            #[doc(hidden)]
            pub fn transport(&self) -> &client_runtime::__private::Transport {
                &self.transport
            }

            #methods
        }

        #server_variables
    }
}

/// A `Client` method per operation, starting its request builder. `through_operations`: printed
/// in `client.rs`, which reaches request builders and operation-local types (form bodies) through
/// `operations::`; else in the module that holds them.
pub fn methods(ops: &[&Operation], through_operations: bool) -> TokenStream {
    let prefix = through_operations.then(|| quote!(operations::));
    let operation_path = |ty: &RustType| match ty {
        RustType::Operation(name) => {
            let name = ident(name);
            quote!(#prefix #name)
        }
        other => rust_type(other),
    };
    ops.iter()
        .map(|op| {
            let name = ident(&op.fn_name);
            let request = ident(&op.request_type);
            let decls = op.args.iter().map(|arg| arg_decl(arg, operation_path));
            let names = op.args.iter().map(|arg| ident(&arg.name));
            let route = format!("`{} {}`", op.method.as_str(), op.path);
            let docs = doc_attrs(&paragraphs([op.summary.as_deref(), Some(route.as_str())]));
            let deprecated =
                op.deprecated.then(|| quote!(#[deprecated(note = "the spec marks this operation deprecated")]));
            // In `client.rs` next to gated ones; a group's module is gated whole.
            let cfg = through_operations.then(|| super::cfg(op.feature.as_slice()));
            quote! {
                #docs
                #deprecated
                #cfg
                pub fn #name(&self, #( #decls ),*) -> #prefix #request {
                    // `clone` is never an operation's method name (the model reserves it).
                    #prefix #request::new(self.clone(), #( #names ),*)
                }
            }
        })
        .collect()
}

fn server_variable_note(name: &str, url: &str, default: &str) -> String {
    match default {
        "" => format!("Sets `{{{name}}}` in `{url}`; required, as the spec gives no default."),
        _ => format!("Sets `{{{name}}}` in `{url}` (default `{default}`)."),
    }
}

/// A typed setter per `{variable}` of the server URL.
fn server_variables(api: &Api) -> TokenStream {
    if api.server.variables.is_empty() {
        return TokenStream::new();
    }
    let decls = api.server.variables.iter().map(|v| {
        let name = ident(&v.rust_name);
        let docs = doc_attrs(&paragraphs([
            v.description.as_deref(),
            Some(server_variable_note(&v.name, &api.server.url, &v.default).as_str()),
        ]));
        quote!(#docs fn #name(self, value: impl Into<String>) -> Self;)
    });
    let impls = api.server.variables.iter().map(|v| {
        let name = ident(&v.rust_name);
        let wire = &v.name;
        quote!(fn #name(self, value: impl Into<String>) -> Self { self.server_variable(#wire, value) })
    });
    quote! {
        /// Typed setters for the variables of the spec's server URL.
        pub trait ServerVariables: Sized {
            #( #decls )*
        }

        impl ServerVariables for ClientBuilder {
            #( #impls )*
        }
    }
}
