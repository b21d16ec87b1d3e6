//! Sends a [`Request`] over reqwest and reads the response within the size cap.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderValue, AUTHORIZATION, USER_AGENT};
use url::Url;

use crate::config::{ApiKey, AuthScheme, BuildError, ClientConfig, ServiceSpec};
use crate::error::{BodyTooLarge, Error, InvalidRequest, TimeoutError, TransportError};
use crate::request::{Body, Request};
use crate::response::{RawResponse, ResponseMeta};

/// The shared part of a client. Cloning is cheap; clones share connections.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    service: &'static ServiceSpec,
    base_url: Url,
    api_key: Option<ApiKey>,
    http: reqwest::Client,
    config: ClientConfig,
    user_agent: HeaderValue,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.service.auth)
            .field("api_key", &self.inner.api_key)
            .finish_non_exhaustive()
    }
}

impl Transport {
    pub fn new(service: &'static ServiceSpec, config: ClientConfig) -> Result<Self, BuildError> {
        let base_url = resolve_base_url(service, &config)?;
        let http = match &config.http_client {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .build()
                .map_err(BuildError::Http)?,
        };
        let user_agent = HeaderValue::from_str(&format!("{}/{}", service.crate_name, service.crate_version))
            .unwrap_or_else(|_| HeaderValue::from_static("media-client"));
        let api_key = config.api_key.clone();
        Ok(Self { inner: Arc::new(Inner { service, base_url, api_key, http, config, user_agent }) })
    }

    /// The base URL requests are resolved against.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// Sends the request and reads the whole body, whatever the status.
    pub async fn execute<E>(&self, request: Request) -> Result<RawResponse, Error<E>> {
        let inner = &self.inner;
        let url = self.url_for(&request)?;
        let mut builder = inner
            .http
            .request(request.method.clone(), url)
            .timeout(inner.config.timeout)
            .header(USER_AGENT, inner.user_agent.clone());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some(key) = &inner.api_key {
            builder = match inner.service.auth {
                AuthScheme::Bearer => builder.header(AUTHORIZATION, format!("Bearer {}", key.expose())),
                AuthScheme::Header(name) => builder.header(name, key.expose()),
                AuthScheme::None => builder,
            };
        }
        builder = match &request.body {
            Body::Empty => builder,
            Body::Json(bytes) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Multipart(parts) => builder.multipart(multipart_form(parts)),
        };
        let started = Instant::now();
        let response = builder.send().await.map_err(|e| classify(request.operation, e, started))?;
        let meta = ResponseMeta::new(request.operation, response.status(), response.headers().clone(), 1);
        let body = read_capped(response, inner.config.max_response_bytes, request.operation, started).await?;
        Ok(RawResponse::new(meta, body))
    }

    fn url_for<E>(&self, request: &Request) -> Result<Url, Error<E>> {
        let base = self.inner.base_url.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{}", request.path)).map_err(|e| {
            Error::InvalidRequest(InvalidRequest {
                operation: request.operation,
                parameter: "path".into(),
                problem: format!("gives an invalid URL: {e}"),
            })
        })?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }
}

fn resolve_base_url(service: &ServiceSpec, config: &ClientConfig) -> Result<Url, BuildError> {
    let text = match &config.base_url {
        Some(url) => url.clone(),
        None => expand_server_url(service, config)?,
    };
    let url = Url::parse(&text).map_err(|e| BuildError::InvalidBaseUrl { url: text.clone(), reason: e.to_string() })?;
    let host = url.host_str().unwrap_or_default().to_owned();
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&host) => Ok(url),
        "http" => Err(BuildError::InsecureBaseUrl { host }),
        other => Err(BuildError::InvalidBaseUrl { url: text, reason: format!("unsupported scheme {other:?}") }),
    }
}

fn expand_server_url(service: &ServiceSpec, config: &ClientConfig) -> Result<String, BuildError> {
    let mut url = service.server_url.to_owned();
    for (name, default) in service.server_variables {
        let value = config
            .server_variables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or(default);
        url = url.replace(&format!("{{{name}}}"), value);
    }
    if let Some(start) = url.find('{') {
        let name = url[start + 1..].split('}').next().unwrap_or_default().to_owned();
        return Err(BuildError::MissingServerVariable { url: service.server_url.to_owned(), name });
    }
    Ok(url)
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

fn multipart_form(parts: &[crate::request::MultipartPart]) -> reqwest::multipart::Form {
    parts.iter().fold(reqwest::multipart::Form::new(), |form, part| {
        let mut p = reqwest::multipart::Part::bytes(part.data.to_vec());
        if let Some(name) = &part.file_name {
            p = p.file_name(name.clone());
        }
        if let Some(ct) = &part.content_type {
            p = match p.mime_str(ct) {
                Ok(p) => p,
                Err(_) => reqwest::multipart::Part::bytes(part.data.to_vec()),
            };
        }
        form.part(part.name, p)
    })
}

fn classify<E>(operation: &'static str, error: reqwest::Error, started: Instant) -> Error<E> {
    if error.is_timeout() {
        Error::Timeout(TimeoutError { operation, elapsed: started.elapsed(), what: "one attempt" })
    } else {
        Error::Transport(TransportError { operation, source: error.without_url() })
    }
}

async fn read_capped<E>(
    mut response: reqwest::Response,
    cap: usize,
    operation: &'static str,
    started: Instant,
) -> Result<Bytes, Error<E>> {
    if response.content_length().is_some_and(|len| len > cap as u64) {
        return Err(Error::BodyTooLarge(BodyTooLarge { operation, limit: cap }));
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(operation, e, started))? {
        if body.len() + chunk.len() > cap {
            return Err(Error::BodyTooLarge(BodyTooLarge { operation, limit: cap }));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
