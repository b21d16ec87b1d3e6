//! `types.rs`: one item per [`TypeDef`]: structs, string enums with a catch-all, untagged unions
//! and aliases.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, paragraphs};
use super::{bare, ident, imports, rust_type};
use crate::model::{Additional, Api, EnumVariant, Field, TypeDef, TypeKind, UnionVariant};

/// `types.rs`, or where features gate types, `types/mod.rs` with the always-compiled ones and a
/// file per feature set (see [`super::layout`]), each mounted behind its `cfg`.
pub fn types(api: &Api) -> Vec<(String, TokenStream)> {
    let (ungated, groups) = super::layout::type_groups(api);
    if groups.is_empty() {
        return vec![("types.rs".to_owned(), types_file(&ungated, &quote!(super), !api.features.is_empty(), None))];
    }
    let mounts: TokenStream = groups.iter().map(|g| super::layout::mount(&g.module, &g.features)).collect();
    let mut files = vec![("types/mod.rs".to_owned(), types_file(&ungated, &quote!(super), true, Some(mounts)))];
    for group in &groups {
        let features: Vec<String> = group.features.iter().map(|f| format!("`{f}`")).collect();
        let doc = format!(" The types compiled with any of the features {}.", features.join(", "));
        let items: TokenStream = group.types.iter().map(|def| type_item(def)).collect();
        let imports = imports(&items, &quote!(super::super));
        files.push((
            format!("types/{}.rs", group.module),
            quote! {
                #![doc = #doc]
                // As in `types.rs`: an import the item scan finds may go unused.
                #![allow(unused_imports)]
                #imports
                #items
            },
        ));
    }
    files
}

/// The always-compiled types, then the groups' mounts.
fn types_file(defs: &[&TypeDef], root: &TokenStream, gated: bool, mounts: Option<TokenStream>) -> TokenStream {
    let items: TokenStream = defs.iter().map(|def| type_item(def)).collect();
    let imports = imports(&items, root);
    // An API with features: as before the split, the scan for used names may over-import.
    let unused = gated.then(|| quote!(#![allow(unused_imports)]));
    quote! {
        //! The schemas of the spec as Rust types. Unknown fields from the server are ignored.
        #unused
        #imports
        #items
        #mounts
    }
}

fn type_item(def: &TypeDef) -> TokenStream {
    // Every type says where it comes from, so a reader can find its schema in the spec.
    let origin = format!("The schema `{}`.", def.schema);
    let docs = doc_attrs(def.description.as_deref().unwrap_or(&origin));
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => struct_def(docs, &name, &def.schema, fields, additional.as_ref()),
        TypeKind::Enum { variants } => enum_def(docs, &name, variants),
        TypeKind::Union { variants } => union_def(docs, &name, variants),
        TypeKind::Alias { rust_type: ty, .. } => {
            let ty = rust_type(ty);
            quote! { #docs pub type #name = #ty; }
        }
    }
}

fn struct_def(
    docs: TokenStream,
    name: &proc_macro2::Ident,
    schema: &str,
    fields: &[Field],
    additional: Option<&Additional>,
) -> TokenStream {
    let all_optional = fields.iter().all(Field::is_option);
    let default = all_optional.then(|| quote!(Default,));
    // Serialization is written out (cheaper to compile) except where serde's `flatten` collects
    // the undeclared properties, or there is no field to list.
    let written = additional.is_none() && !fields.is_empty();
    let (serde_derives, serde_crate, impls) = match written {
        true => (
            TokenStream::new(),
            TokenStream::new(),
            [
                super::struct_serde::serialize_impl(name, fields),
                super::struct_serde::deserialize_impl(name, schema, fields),
            ]
            .into_iter()
            .collect(),
        ),
        false => {
            (quote!(Serialize, Deserialize), quote!(#[serde(crate = "client_runtime::serde")]), TokenStream::new())
        }
    };
    let members = fields.iter().map(|f| field(f, !written));
    let extra = additional.map(|extra| {
        let ty = rust_type(&extra.rust_type);
        let member = ident(&extra.rust_name);
        quote! {
            /// Properties beyond the declared ones.
            #[serde(flatten)]
            pub #member: #ty,
        }
    });
    // A struct with a secret field writes its own `Debug`, which redacts it.
    let secret = fields.iter().any(|f| f.sensitive);
    let debug = (!secret).then(|| quote!(Debug,));
    let redacting_debug = secret.then(|| redacting_debug(name, fields, additional));
    quote! {
        #docs
        #[derive(Clone, #debug PartialEq, #default #serde_derives)]
        #serde_crate
        pub struct #name {
            #( #members )*
            #extra
        }

        #impls
        #redacting_debug
    }
}

/// `Debug` that prints `"<redacted>"` for the sensitive fields (a signed URL, a token).
fn redacting_debug(name: &proc_macro2::Ident, fields: &[Field], additional: Option<&Additional>) -> TokenStream {
    let entries = fields.iter().map(|f| {
        let member = ident(&f.rust_name);
        let label = bare(&f.rust_name);
        match f.sensitive {
            true => quote!(.field(#label, &"<redacted>")),
            false => quote!(.field(#label, &self.#member)),
        }
    });
    let extra = additional.map(|a| {
        let member = ident(&a.rust_name);
        let label = bare(&a.rust_name);
        quote!(.field(#label, &self.#member))
    });
    let label = name.to_string();
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #( #entries )* #extra .finish()
            }
        }
    }
}

/// A struct member; `derived` when the struct derives its serde impls (which read the
/// member's `#[serde]` attributes).
fn field(f: &Field, derived: bool) -> TokenStream {
    let mut notes = Vec::new();
    if f.deprecated {
        notes.push("Deprecated.".to_owned());
    }
    if f.required && f.nullable {
        notes.push("Always present; may be null.".to_owned());
    }
    let notes = notes.join(" ");
    let docs = doc_attrs(&paragraphs([f.description.as_deref(), Some(notes.as_str())]));
    let name = ident(&f.rust_name);
    let ty = rust_type(&f.rust_type);
    let serde = derived.then(|| serde_attrs(f)).flatten();
    quote! {
        #docs
        #serde
        pub #name: #ty,
    }
}

/// A derived struct member's `#[serde(…)]`: its wire name, and how an optional one is read
/// and written.
fn serde_attrs(f: &Field) -> Option<TokenStream> {
    let mut serde = Vec::new();
    if bare(&f.rust_name) != f.wire_name {
        let wire = &f.wire_name;
        serde.push(quote!(rename = #wire));
    }
    if f.is_option() {
        serde.push(quote!(default));
        // A required-but-nullable field is sent as `null`; an optional one is left out.
        if !f.required {
            serde.push(quote!(skip_serializing_if = "Option::is_none"));
        }
    }
    (!serde.is_empty()).then(|| quote!(#[serde( #(#serde),* )]))
}

fn enum_def(docs: TokenStream, name: &proc_macro2::Ident, variants: &[EnumVariant]) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let doc = format!(" `{}`", v.wire_value);
        quote! { #[doc = #doc] #variant, }
    });
    let arms = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { Self::#variant => #wire, }
    });
    let from_wire = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let wire = &v.wire_value;
        quote! { #wire => Self::#variant, }
    });
    // Serde's derive of an enum with an untagged catch-all buffers the value and tries the
    // tagged variants first: several hundred lines of expanded code per enum, most of a big
    // crate's check time with hundreds of enums. As a string both ways, it is two `match`es.
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #( #decls )*
            /// A value this version of the client does not know (the server added one).
            Unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #( #arms )*
                    Self::Unknown(value) => value.as_str(),
                }
            }
        }

        impl From<String> for #name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    #( #from_wire )*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: client_runtime::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: client_runtime::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn union_def(docs: TokenStream, name: &proc_macro2::Ident, variants: &[UnionVariant]) -> TokenStream {
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let ty = rust_type(&v.rust_type);
        quote! { #variant(#ty), }
    });
    quote! {
        #docs
        ///
        /// One of several shapes: the first variant that decodes wins.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(crate = "client_runtime::serde", untagged)]
        pub enum #name {
            #( #decls )*
        }
    }
}
