//! A form body's struct: a field per part, turned into multipart parts or URL-encoded pairs,
//! each as the model's [`FieldStyle`] says.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, rust_type};
use crate::model::{ArrayStyle, FieldStyle, FormEncoding, MultipartField, Operation, RequestBody, TypeRef};

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

/// The runtime's `QueryStyle` variant that writes a value as `style` says.
pub(super) fn query_style(style: ArrayStyle) -> TokenStream {
    let variant = ident(match style {
        ArrayStyle::Repeat => "FormExploded",
        ArrayStyle::Comma => "Form",
        ArrayStyle::Space => "SpaceDelimited",
        ArrayStyle::Pipe => "PipeDelimited",
        ArrayStyle::DeepObject => "DeepObject",
        // The path styles: never a query parameter's or a form field's.
        ArrayStyle::Label | ArrayStyle::Matrix => "Form",
        ArrayStyle::LabelExploded | ArrayStyle::MatrixExploded => "FormExploded",
    });
    quote!(client_runtime::__private::QueryStyle::#variant)
}

fn into_parts(fields: &[MultipartField]) -> TokenStream {
    let parts = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let content_type = match &f.content_type {
            Some(ct) => quote!(Some(#ct.into())),
            None => quote!(None),
        };
        let text = |value: TokenStream| {
            quote!(client_runtime::__private::MultipartPart {
                name: #wire.into(), file_name: None, content_type: #content_type, data: #value.to_string().into_bytes().into(),
            })
        };
        // A file's declared media type, when the caller gave it none.
        let file = |value: TokenStream| match &f.content_type {
            Some(ct) => quote! {
                let mut part = #value.into_part(#wire);
                part.content_type.get_or_insert_with(|| #ct.to_owned());
                parts.push(part);
            },
            None => quote!(parts.push(#value.into_part(#wire));),
        };
        let push = match (&f.text, f.style) {
            (None, _) if f.file_list => {
                let one = file(quote!(file));
                quote! { for file in value { #one } }
            }
            (None, _) => file(quote!(value)),
            (Some(_), FieldStyle::Json) => quote! {
                let data = serde_json::to_vec(&value).map_err(|e| {
                    client_runtime::InvalidRequest::new(operation, #wire, format!("cannot be encoded as JSON: {e}"))
                })?;
                parts.push(client_runtime::__private::MultipartPart {
                    name: #wire.into(), file_name: None, content_type: #content_type, data: data.into(),
                });
            },
            (Some(_), FieldStyle::Styled(style)) => {
                let style = query_style(style);
                quote! {
                    let mut pairs = Vec::new();
                    client_runtime::__private::form_pairs(operation, #wire, #style, &value, &mut pairs)?;
                    for (name, text) in pairs {
                        parts.push(client_runtime::__private::MultipartPart {
                            name: name.into(), file_name: None, content_type: None, data: text.into_bytes().into(),
                        });
                    }
                }
            }
            // An array of scalars is one part per element, all under the field's name.
            (Some(TypeRef::Array(_)), FieldStyle::Plain) => {
                let part = text(quote!(item));
                quote! { for item in value { parts.push(#part); } }
            }
            (Some(_), FieldStyle::Plain) => {
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
    // Only values written through their JSON form can fail; the error then names the operation.
    if fields.iter().any(MultipartField::fallible) {
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

/// Name/value pairs; an array is one pair per element, all under the field's name; a value with
/// a declared style (or structured: in brackets) is written by the runtime, through its JSON
/// form — the only step that can fail, naming the operation.
fn into_pairs(fields: &[MultipartField]) -> TokenStream {
    let fallible = fields.iter().any(MultipartField::fallible);
    let key = |wire: &str| if fallible { quote!(#wire.to_owned()) } else { quote!(#wire) };
    let pairs = fields.iter().map(|f| {
        let field = ident(&f.rust_name);
        let wire = &f.wire_name;
        let name = key(wire);
        let push = match (&f.text, f.style) {
            (_, FieldStyle::Styled(style)) => {
                let style = query_style(style);
                quote! { client_runtime::__private::form_pairs(operation, #wire, #style, &value, &mut pairs)?; }
            }
            (_, FieldStyle::Json) => quote! {
                let text = serde_json::to_string(&value).map_err(|e| {
                    client_runtime::InvalidRequest::new(operation, #wire, format!("cannot be encoded as JSON: {e}"))
                })?;
                pairs.push((#name, text));
            },
            (Some(TypeRef::Array(_)), FieldStyle::Plain) => {
                quote! { for item in value { pairs.push((#name, item.to_string())); } }
            }
            _ => quote! { pairs.push((#name, value.to_string())); },
        };
        if f.required {
            quote! { { let value = self.#field; #push } }
        } else {
            quote! { if let Some(value) = self.#field { #push } }
        }
    });
    if fallible {
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
