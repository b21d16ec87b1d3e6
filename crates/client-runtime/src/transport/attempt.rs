//! One attempt of the pipeline: send with the credentials the hop's origin may get, follow
//! redirects by the redirect policy, take in the answer's rate-limit headers, read the body.

use bytes::{Bytes, BytesMut};
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, PROXY_AUTHORIZATION};
use reqwest::Method;
use url::Url;

use super::{Delivery, Failure, Prepared, Transport};
use crate::pacing::PacePermit;
use crate::redirect::{is_followed, next_hop};
use crate::request::{Body, MultipartPart, OneShotBody, StreamForm, Target};
use crate::response::{RawResponse, ResponseMeta};

impl Transport {
    /// One attempt: sends, follows redirects (the key only to the base origin), reads the body.
    pub(super) async fn attempt(
        &self,
        prepared: &Prepared<'_>,
        permit: PacePermit<'_>,
    ) -> Result<RawResponse, Failure> {
        let inner = &*self.inner;
        // One permit covers the attempt and its redirect hops: taking another per hop could
        // wait on the quota while holding the first, and a chain of hops is one call.
        let permit = permit;
        let mut url = prepared.url.clone();
        let mut method = prepared.method.clone();
        let mut with_body = true;
        let mut redirects = 0;
        loop {
            let to_origin = prepared.to_api_origin(inner, &url);
            let with_key = to_origin && prepared.authenticated;
            let response = self.send(prepared, &url, &method, with_body, to_origin, with_key).await?;
            if inner.config.http_client.is_some() && response.url() != &url {
                tracing::warn!(
                    "the reqwest::Client given to .http_client() followed a redirect itself; build it with \
                     redirect::Policy::none() so the key cannot follow a redirect to another origin"
                );
            }
            let status = response.status();
            let mut meta = ResponseMeta::with_request_id(
                prepared.operation,
                status,
                response.headers().clone(),
                0,
                &inner.service.request_id,
            );
            meta.url = Some(match prepared.target {
                Target::Api => crate::auth::redacted(&url, inner.service.auth, &inner.secrets),
                Target::Storage => super::telemetry::shown_url(&url, inner.service.auth, &inner.secrets),
            });
            meta.api_origin = Some(inner.base_url.origin());
            if to_origin {
                inner.pacer.observe(&meta);
            }
            let max = inner.config.max_redirects;
            if is_followed(status) && max > 0 {
                if redirects == max {
                    return Err(Failure::Redirect(format!("stopped after {max} redirects (see `.max_redirects(…)`)")));
                }
                let hop = next_hop(&url, &method, status, response.headers()).map_err(Failure::Redirect)?;
                drop(response);
                let keeps_key = prepared.to_api_origin(inner, &hop.url);
                tracing::debug!(%status, to = %hop.url.origin().ascii_serialization(), keeps_key, "following redirect");
                redirects += 1;
                url = hop.url;
                method = hop.method;
                with_body &= hop.keep_body;
                continue;
            }
            if prepared.delivery == Delivery::Stream && status.is_success() {
                drop(permit);
                // The attempt's timeout covers the headers; each chunk then gets as long again.
                let download = crate::download::Download::from_response(response, inner.config.timeout);
                return Ok(RawResponse::new(meta, Bytes::new()).with_download(download));
            }
            let body = match (read_capped(response, prepared.body_cap).await, prepared.target) {
                (Ok(body), _) => body,
                // A storage answer is judged by its status; a cut or oversized body says no more.
                (Err(_), Target::Storage) => Bytes::new(),
                (Err(failure), Target::Api) => return Err(failure),
            };
            drop(permit);
            return Ok(RawResponse::with_request_id(meta, body, &inner.service.request_id).with_secrets(&inner.secrets));
        }
    }

    async fn send(
        &self,
        prepared: &Prepared<'_>,
        url: &Url,
        method: &Method,
        with_body: bool,
        to_origin: bool,
        with_key: bool,
    ) -> Result<reqwest::Response, Failure> {
        let inner = &*self.inner;
        let mut headers = prepared.headers.clone();
        if !to_origin {
            // Another origin, or storage, gets no credentials of any kind, whoever set them.
            for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
                headers.remove(name);
            }
            for (name, _) in &inner.auth {
                headers.remove(name);
            }
        }
        let (scheme, key) = (inner.service.auth, inner.api_key.as_ref());
        let url = &crate::auth::hop_url(scheme, key, &inner.secrets, url, with_key);
        crate::auth::add_cookie(scheme, key, &mut headers, with_key);
        let has_type = headers.contains_key(CONTENT_TYPE);
        let mut builder = inner.http.request(method.clone(), url.clone()).headers(headers);
        if with_key {
            for (name, value) in &inner.auth {
                builder = builder.header(name, value.clone());
            }
        }
        if with_body {
            builder = with_body_of(builder, prepared.body, has_type).await?;
        }
        // The URL helps a person see which call failed; a key in it reads `REDACTED`, and a
        // storage URL (whose query is its signature) is never kept.
        let shown = match prepared.target {
            Target::Api => Some(crate::auth::redacted(url, scheme, &inner.secrets)),
            Target::Storage => None,
        };
        builder.send().await.map_err(|e| match shown {
            Some(shown) => Failure::Http(e.with_url(shown)),
            None => Failure::Http(e.without_url()),
        })
    }
}

/// Sets the body, built afresh for this attempt: bytes cloned, a file opened again, a form
/// rebuilt; a one-shot body is taken (a redirect that wants it again gets an error).
async fn with_body_of(
    builder: reqwest::RequestBuilder,
    body: &Body,
    has_type: bool,
) -> Result<reqwest::RequestBuilder, Failure> {
    // A type the caller was told to send (a signed PUT's) wins over ours.
    let typed = |builder: reqwest::RequestBuilder, content_type: &str| match has_type {
        true => builder,
        false => builder.header(CONTENT_TYPE, content_type),
    };
    Ok(match body {
        Body::Empty => builder,
        Body::Json(bytes) => typed(builder, "application/json").body(bytes.clone()),
        Body::Form(bytes) => typed(builder, "application/x-www-form-urlencoded").body(bytes.clone()),
        Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
        Body::Raw { content_type, body } => {
            let (body, len) = crate::raw::reqwest_body(body).await.map_err(Failure::Read)?;
            typed(builder, content_type).header(CONTENT_LENGTH, len).body(body)
        }
        Body::Stream { content_type, source, progress } => {
            let read = |e: std::io::Error| Failure::Read(e.to_string());
            let body = source.body(progress.clone()).await.map_err(read)?;
            typed(builder, content_type).header(CONTENT_LENGTH, source.len()).body(body)
        }
        Body::StreamForm(form) => builder.multipart(stream_form(form).await?),
        Body::OneShot(once) => match once.take() {
            Some(OneShotBody::Raw { content_type, body }) => match content_type {
                Some(content_type) => typed(builder, &content_type).body(body),
                None => builder.body(body),
            },
            Some(OneShotBody::Form(form)) => builder.multipart(form),
            None => {
                return Err(Failure::Multipart(
                    "the one-shot body was already sent (a redirect asked for it again)".into(),
                ))
            }
        },
    })
}

async fn stream_form(form: &StreamForm) -> Result<reqwest::multipart::Form, Failure> {
    let mut out = reqwest::multipart::Form::new();
    for (name, value) in &form.fields {
        out = out.text(name.clone(), value.clone());
    }
    let part = form
        .source
        .part(&form.file_name, &form.content_type, form.progress.clone())
        .await
        .map_err(|e| Failure::Read(e.to_string()))?;
    Ok(out.part(form.file_field.clone(), part))
}

fn multipart_form(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, Failure> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        // `Bytes` to `Vec` copies; reqwest's `Part::stream` would avoid it but loses the length.
        let mut p = reqwest::multipart::Part::bytes(part.data.to_vec());
        if let Some(name) = &part.file_name {
            p = p.file_name(name.clone());
        }
        if let Some(content_type) = &part.content_type {
            p = p.mime_str(content_type).map_err(|_| {
                Failure::Multipart(format!("part `{}` has an invalid content type {content_type:?}", part.name))
            })?;
        }
        form = form.part(part.name.clone(), p);
    }
    Ok(form)
}

/// Reads the body, failing as soon as it is known to exceed `cap` — from `Content-Length` when
/// the server sends one, else while streaming — so an oversized body is never held in memory.
pub(super) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Bytes, Failure> {
    if response.content_length().is_some_and(|len| len > cap as u64) {
        return Err(Failure::TooLarge(cap));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| Failure::Http(e.without_url()))? {
        if body.len() + chunk.len() > cap {
            return Err(Failure::TooLarge(cap));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
