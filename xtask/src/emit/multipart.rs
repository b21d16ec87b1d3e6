//! A multipart operation's form: a struct with a field per part, turned into runtime parts.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, rust_type};
use crate::model::{Operation, RequestBody, TypeRef};

pub fn multipart_form(op: &Operation) -> TokenStream {
    let Some(RequestBody::Multipart { ty_name, fields, description }) = &op.body else {
        return TokenStream::new();
    };
    let name = ident(ty_name);
    let docs = doc_attrs(description.as_deref().unwrap_or(" The multipart/form-data body."));
    let members = fields.iter().map(|f| {
        let docs = doc_attrs(f.description.as_deref().unwrap_or_default());
        let field = ident(&f.rust_name);
        let ty = match &f.text {
            None => quote!(::client_runtime::FilePart),
            Some(ty) => rust_type(ty),
        };
        let ty = if f.required { ty } else { quote!(Option<#ty>) };
        quote!(#docs pub #field: #ty,)
    });
    let parts = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let text = |value: TokenStream| {
            quote!(::client_runtime::MultipartPart {
                name: #wire, file_name: None, content_type: None, data: #value.to_string().into_bytes().into(),
            })
        };
        let push = match &f.text {
            None => quote!(parts.push(value.into_part(#wire));),
            Some(_) if f.json => quote! {
                let data = ::client_runtime::serde_json::to_vec(&value).map_err(|e| ::client_runtime::InvalidRequest {
                    operation, parameter: #wire.into(), problem: format!("cannot be encoded as JSON: {e}"),
                })?;
                parts.push(::client_runtime::MultipartPart {
                    name: #wire, file_name: None, content_type: Some("application/json".into()), data: data.into(),
                });
            },
            // An array of scalars is one part per element, all under the field's name.
            Some(TypeRef::Array(_)) => {
                let part = text(quote!(item));
                quote! { for item in value { parts.push(#part); } }
            }
            Some(_) => {
                let part = text(quote!(value));
                quote!(parts.push(#part);)
            }
        };
        if f.required {
            quote! { { let value = self.#field; #push } }
        } else {
            quote! { if let Some(value) = self.#field { #push } }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #( #members )* }

        impl #name {
            fn into_parts(self, operation: &'static str) -> Result<Vec<::client_runtime::MultipartPart>, ::client_runtime::InvalidRequest> {
                let mut parts = ::std::vec::Vec::new();
                #( #parts )*
                Ok(parts)
            }
        }
    }
}
