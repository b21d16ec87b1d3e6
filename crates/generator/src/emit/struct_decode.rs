//! A struct's `Deserialize`, written out instead of derived. The derive's output per struct (a
//! field enum with its own visitor, an array visitor, duplicate checks) is what rustc spends
//! most of a large crate's check on; this form matches keys by position in one list of wire
//! names through the runtime's `FieldIndex`, and decodes exactly as the derive did with the
//! attributes the generator gave (renames, unknown keys skipped, absent or `null` optional
//! fields `None`, an absent required field an error naming it).

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{ident, rust_type};
use crate::model::Field;

/// `impl Deserialize for #name`, decoding the object with `fields` (at least one).
pub fn deserialize_impl(name: &Ident, schema: &str, fields: &[Field]) -> TokenStream {
    // Named after the struct, so it can never shadow the struct itself (a schema called `Fields`).
    let visitor = format_ident!("{name}Fields");
    let locals: Vec<Ident> = (0..fields.len()).map(|i| format_ident!("field_{i}")).collect();
    // Typed, so rustc need not carry one open inference variable per field to the end.
    let declared = fields.iter().zip(&locals).map(|(f, local)| {
        let ty = rust_type(&f.rust_type);
        match f.is_option() {
            true => quote!(let mut #local: #ty = None;),
            false => quote!(let mut #local: Option<#ty> = None;),
        }
    });
    let wire_names = fields.iter().map(|f| f.wire_name.as_str());
    let arms = fields.iter().zip(&locals).enumerate().map(|(i, (f, local))| {
        let i = Literal::usize_unsuffixed(i);
        match f.is_option() {
            // `null` and absence both read as `None`.
            true => quote!(#i => #local = map.next_value()?,),
            false => quote!(#i => #local = Some(map.next_value()?),),
        }
    });
    let members = fields.iter().zip(&locals).map(|(f, local)| {
        let member = ident(&f.rust_name);
        let wire = &f.wire_name;
        match f.is_option() {
            true => quote!(#member: #local,),
            false => quote!(#member: de::required(#local, #wire)?,),
        }
    });
    // `__D` and `__A`: names no schema's type can take (the model never writes `__`).
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
                    fn visit_map<__A: de::MapAccess<'de>>(self, mut map: __A) -> Result<#name, __A::Error> {
                        #( #declared )*
                        while let Some(key) = map.next_key_seed(de::FieldIndex(&[#( #wire_names ),*]))? {
                            match key {
                                #( #arms )*
                                _ => {
                                    map.next_value::<de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok(#name { #( #members )* })
                    }
                }
                deserializer.deserialize_map(#visitor)
            }
        }
    }
}
