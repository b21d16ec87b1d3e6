//! A multipart operation's form: a struct with a field per part, turned into runtime parts.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, rust_type};
use crate::model::{Operation, RequestBody};

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
        let part = match &f.text {
            None => quote!(value.into_part(#wire)),
            Some(_) => quote!(::client_runtime::MultipartPart {
                name: #wire, file_name: None, content_type: None, data: value.to_string().into_bytes().into(),
            }),
        };
        if f.required {
            quote! { { let value = self.#field; parts.push(#part); } }
        } else {
            quote! { if let Some(value) = self.#field { parts.push(#part); } }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #( #members )* }

        impl #name {
            fn into_parts(self) -> Vec<::client_runtime::MultipartPart> {
                let mut parts = ::std::vec::Vec::new();
                #( #parts )*
                parts
            }
        }
    }
}
