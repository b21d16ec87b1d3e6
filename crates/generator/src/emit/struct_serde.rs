//! A struct's `Serialize` and `Deserialize`, written out instead of derived. The derives'
//! output per struct (a field enum with its own visitor, an array visitor, a `?` and an error
//! path per field) is what rustc spent most of a large crate's check on.
//!
//! Serializing is one call into the runtime's `__private::ser::object` with a list of the
//! fields (each value erased: request bodies are small). Decoding is one small `visit_map`
//! handing a slot per field to the runtime's `read_object` (not erased: responses are where
//! speed matters). Both read and write exactly as the derives did with the attributes the
//! generator gave: renames, unknown keys skipped, absent or `null` optional fields `None`, an
//! absent required field an error naming it, `None` optional fields left out, required but
//! nullable ones written as `null`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{ident, rust_type};
use crate::model::{Field, RustType};

/// `impl Serialize for #name`, writing `fields` (at least one) as an object.
pub fn serialize_impl(name: &Ident, fields: &[Field]) -> TokenStream {
    let label = name.to_string();
    let entries = fields.iter().map(|f| {
        let member = ident(&f.rust_name);
        let wire = &f.wire_name;
        match f.is_option() && !f.required {
            true => quote!(ser::optional(#wire, &self.#member)),
            false => quote!(ser::value(#wire, &self.#member)),
        }
    });
    // `__S`: a name no schema's type can take (the model never writes `__`).
    quote! {
        impl Serialize for #name {
            fn serialize<__S: client_runtime::serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use client_runtime::__private::ser;
                ser::object(serializer, #label, &[#( #entries ),*])
            }
        }
    }
}

/// `impl Deserialize for #name`, decoding the object with `fields` (at least one).
pub fn deserialize_impl(name: &Ident, schema: &str, fields: &[Field]) -> TokenStream {
    // Named after the struct, so it can never shadow the struct itself (a schema called `Fields`).
    let visitor = format_ident!("{name}Fields");
    let slots: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("field_{i}")).collect();
    let declared = fields.iter().zip(&slots).map(|(f, slot)| {
        let wire = &f.wire_name;
        match &f.rust_type {
            // `null` and absence both read as `None`.
            RustType::Option(inner) if f.is_option() => {
                let inner = rust_type(inner);
                quote!(let mut #slot = de::Optional::<#inner>::new();)
            }
            ty => {
                let ty = rust_type(ty);
                quote!(let mut #slot = de::Required::<#ty>::new(#wire);)
            }
        }
    });
    let wire_names = fields.iter().map(|f| f.wire_name.as_str());
    let members = fields.iter().zip(&slots).map(|(f, slot)| {
        let member = ident(&f.rust_name);
        quote!(#member: #slot.take(),)
    });
    // No loop, `match` or `?` per field: each would be an exit rustc checks with every slot still
    // to drop (the runtime's `read_object` holds them). `__D` and `__A`: names no schema's type
    // can take (the model never writes `__`).
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<__D: client_runtime::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                use client_runtime::__private::de;
                struct #visitor;
                impl<'de> de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        de::expecting_object(f, #schema)
                    }
                    fn visit_map<__A: client_runtime::serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #( #declared )*
                        de::read_object(&mut map, &[#( #wire_names ),*], &mut [#( &mut #slots ),*])?;
                        Ok(#name { #( #members )* })
                    }
                }
                deserializer.deserialize_map(#visitor)
            }
        }
    }
}
