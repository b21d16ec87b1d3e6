//! A form body's struct: a field per part, turned into multipart parts or URL-encoded pairs.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, rust_type};
use crate::model::{FormEncoding, MultipartField, Operation, RequestBody, TypeRef};

pub fn form_struct(op: &Operation) -> TokenStream {
    let Some(RequestBody::Form { ty_name, fields, description, encoding }) = &op.body else {
        return TokenStream::new();
    };
    let name = ident(ty_name);
    let fallback = format!(" The `{}` body.", encoding.content_type());
    let docs = doc_attrs(description.as_deref().unwrap_or(&fallback));
    let members = fields.iter().map(|f| {
        let docs = doc_attrs(f.description.as_deref().unwrap_or_default());
        let field = ident(&f.rust_name);
        let ty = rust_type(&f.rust_type);
        quote!(#docs pub #field: #ty,)
    });
    let conversion = match encoding {
        FormEncoding::Multipart => into_parts(fields),
        FormEncoding::UrlEncoded => into_pairs(fields),
    };
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub struct #name { #( #members )* }

        impl #name {
            #conversion
        }
    }
}

fn into_parts(fields: &[MultipartField]) -> TokenStream {
    let parts = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let text = |value: TokenStream| {
            quote!(client_runtime::__private::MultipartPart {
                name: #wire, file_name: None, content_type: None, data: #value.to_string().into_bytes().into(),
            })
        };
        let push = match &f.text {
            None => quote!(parts.push(value.into_part(#wire));),
            Some(_) if f.json => quote! {
                let data = serde_json::to_vec(&value).map_err(|e| {
                    client_runtime::InvalidRequest::new(operation, #wire, format!("cannot be encoded as JSON: {e}"))
                })?;
                parts.push(client_runtime::__private::MultipartPart {
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
    // Only JSON parts can fail to encode; the error then names the operation.
    if fields.iter().any(|f| f.json) {
        return quote! {
            fn into_parts(self, operation: &'static str) -> Result<Vec<client_runtime::__private::MultipartPart>, client_runtime::InvalidRequest> {
                let mut parts = Vec::new();
                #( #parts )*
                Ok(parts)
            }
        };
    }
    quote! {
        fn into_parts(self) -> Vec<client_runtime::__private::MultipartPart> {
            let mut parts = Vec::new();
            #( #parts )*
            parts
        }
    }
}

/// Name/value pairs; an array is one pair per element, all under the field's name; a structured
/// value is written in brackets by the runtime (the only step that can fail, naming the operation).
fn into_pairs(fields: &[MultipartField]) -> TokenStream {
    let bracketed = fields.iter().any(|f| f.json);
    let key = |wire: &str| if bracketed { quote!(#wire.to_owned()) } else { quote!(#wire) };
    let pairs = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let name = key(wire);
        let push = match &f.text {
            _ if f.json => quote! { client_runtime::__private::bracket_pairs(operation, #wire, &value, &mut pairs)?; },
            Some(TypeRef::Array(_)) => quote! { for item in value { pairs.push((#name, item.to_string())); } },
            _ => quote! { pairs.push((#name, value.to_string())); },
        };
        if f.required {
            quote! { { let value = self.#field; #push } }
        } else {
            quote! { if let Some(value) = self.#field { #push } }
        }
    });
    if bracketed {
        return quote! {
            fn into_pairs(self, operation: &'static str) -> Result<Vec<(String, String)>, client_runtime::InvalidRequest> {
                let mut pairs = Vec::new();
                #( #pairs )*
                Ok(pairs)
            }
        };
    }
    quote! {
        fn into_pairs(self) -> Vec<(&'static str, String)> {
            let mut pairs = Vec::new();
            #( #pairs )*
            pairs
        }
    }
}
