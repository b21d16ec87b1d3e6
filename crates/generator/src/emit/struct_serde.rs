//! A struct's `Serialize` and `Deserialize`, written out instead of derived: one call into the
//! runtime's `__private::ser::object` / `__private::de::object` with a list of the fields. The
//! derives' output per struct (generic over every serializer and deserializer: a field enum
//! with its own visitor, an array visitor, a `?` per field) is what rustc spent most of a large
//! crate's check on; here each struct is one small non-generic list, and the generic code is
//! the runtime's, compiled once. Both read and write exactly as the derives did with the
//! attributes the generator gave (renames, unknown keys skipped, absent or `null` optional
//! fields `None`, an absent required field an error naming it, `None` optional fields left
//! out, required-but-nullable ones written as `null`).

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
    // `__D`: a name no schema's type can take (the model never writes `__`).
    quote! {
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<__D: client_runtime::serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                use client_runtime::__private::de;
                #( #declared )*
                de::object(deserializer, #schema, &[#( #wire_names ),*], &mut [#( &mut #slots ),*])?;
                Ok(Self { #( #members )* })
            }
        }
    }
}
