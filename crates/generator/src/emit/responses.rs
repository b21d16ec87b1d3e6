//! The response side of an operation: `send()` matching on the status, the typed error enum,
//! and the success enum when several 2xx statuses carry different bodies.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::{ident, rust_type};
use crate::model::{Operation, ResponseBody, ResponseCase, StatusMatch};

pub fn send(op: &Operation, error: &proc_macro2::Ident) -> TokenStream {
    let ok = rust_type(&op.success_type);
    let multi = op.has_success_enum();
    let success_arms = op.success.iter().map(|case| {
        let decode = success_decode(op, case, multi);
        (case.status, quote!(#decode))
    });
    let error_arms = op.errors.iter().map(|case| {
        let variant = ident(&case.variant);
        let value = match &case.body {
            ResponseBody::Json(_) => quote!(raw.api_error(#error::#variant)),
            ResponseBody::None => quote!(client_runtime::Error::Api(client_runtime::ApiError::new(#error::#variant, raw.meta().clone()))),
            ResponseBody::Bytes | ResponseBody::Stream => quote!(client_runtime::Error::Api(client_runtime::ApiError::new(#error::#variant(raw.body().to_vec()), raw.meta().clone()))),
            ResponseBody::Text => quote!(client_runtime::Error::Api(client_runtime::ApiError::new(#error::#variant(String::from_utf8_lossy(raw.body()).into_owned()), raw.meta().clone()))),
        };
        (case.status, quote!(Err(#value)))
    });
    // One list in match order — exact codes, then ranges, then `default` — so no arm is unreachable.
    let mut arms: Vec<(StatusMatch, TokenStream)> = success_arms.chain(error_arms).collect();
    arms.sort_by_key(|(status, _)| *status);
    let decode = match arms.as_slice() {
        // A spec with only `default`: every status decodes the same way.
        [(StatusMatch::Default, value)] => value.clone(),
        _ => {
            let has_default = arms.iter().any(|(status, _)| *status == StatusMatch::Default);
            let fallback = (!has_default).then(|| quote!(_ => Err(raw.unexpected()),));
            let arms = arms.iter().map(|(status, value)| {
                let pattern = status_pattern(*status);
                quote!(#pattern => #value,)
            });
            quote! {
                match raw.status() {
                    #( #arms )*
                    #fallback
                }
            }
        }
    };
    // A file response is handed over as it arrives, not read into memory.
    let send = if op.streams_success() { quote!(send_download) } else { quote!(send) };
    // `send()` hands the runtime the built request and `decode`: one async path for every
    // operation (see the runtime's `sending`), so each operation is two plain functions. A next
    // page's request (`fetch_url`) is decoded by the same `decode`.
    quote! {
        /// Sends the request, retrying and pacing as the client is configured to, and decodes the
        /// response by its status.
        pub fn send(self) -> client_runtime::ResponseFuture<#ok, #error> {
            client_runtime::__private::#send(self.client.transport(), self.to_request(), Self::decode)
        }

        /// Reads a response by its status: the success type, or the typed error.
        // The error is what `send()` resolves to, the runtime's `Error<E>`, large or not.
        #[allow(clippy::result_large_err)]
        fn decode(
            raw: client_runtime::__private::RawResponse,
        ) -> Result<client_runtime::Response<#ok>, client_runtime::Error<#error>> {
            #decode
        }
    }
}

fn success_decode(op: &Operation, case: &ResponseCase, multi: bool) -> TokenStream {
    if !multi {
        return match &case.body {
            ResponseBody::Json(_) => quote!(raw.json()),
            ResponseBody::None => quote!(Ok(raw.empty())),
            ResponseBody::Bytes => quote!(Ok(raw.bytes())),
            ResponseBody::Stream => quote!(Ok(raw.download())),
            ResponseBody::Text => quote!(raw.text()),
        };
    }
    let success = ident(op.success_enum.as_deref().unwrap_or_default());
    let variant = ident(&case.variant);
    match (&case.body, &case.payload) {
        (ResponseBody::Json(_), Some(ty)) => {
            let ty = rust_type(ty);
            quote!(raw.json::<#ty, _>().map(|response| response.map(#success::#variant)))
        }
        (ResponseBody::Bytes, _) => quote!(Ok(raw.bytes().map(#success::#variant))),
        (ResponseBody::Stream, _) => quote!(Ok(raw.download().map(#success::#variant))),
        (ResponseBody::Text, _) => quote!(raw.text().map(|response| response.map(#success::#variant))),
        _ => quote!(Ok(raw.empty().map(|()| #success::#variant))),
    }
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote!(#code)
        }
        StatusMatch::Range(digit) => {
            let low = proc_macro2::Literal::u16_unsuffixed(digit * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(digit * 100 + 99);
            quote!(#low..=#high)
        }
        StatusMatch::Default => quote!(_),
    }
}

fn case_variants(cases: &[ResponseCase]) -> impl Iterator<Item = TokenStream> + '_ {
    cases.iter().map(|case| {
        let status = match case.status {
            StatusMatch::Code(code) => code.to_string(),
            StatusMatch::Range(digit) => format!("{digit}XX"),
            StatusMatch::Default => "any other status".to_owned(),
        };
        let docs = doc_attrs(&format!("`{status}`: {}", case.description));
        let variant = ident(&case.variant);
        match &case.payload {
            Some(ty) => {
                let ty = rust_type(ty);
                quote!(#docs #variant(#ty),)
            }
            None => quote!(#docs #variant,),
        }
    })
}

pub fn success_enum(op: &Operation) -> TokenStream {
    let Some(name) = &op.success_enum else { return TokenStream::new() };
    let name = ident(name);
    let doc = format!(" The success responses of `{}`, by status.", op.id);
    let variants = case_variants(&op.success);
    // A file being streamed can be neither cloned nor compared.
    let derives = if op.streams_success() { quote!(Debug) } else { quote!(Clone, Debug, PartialEq) };
    quote! {
        #[doc = #doc]
        #[derive(#derives)]
        pub enum #name { #( #variants )* }
    }
}

pub fn error_enum(op: &Operation, name: &proc_macro2::Ident) -> TokenStream {
    let doc = format!(" The error responses `{}` declares, by status, with their decoded bodies.", op.id);
    let variants = case_variants(&op.errors);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name { #( #variants )* }
    }
}
