//! The pipeline's first stage: everything about a request that does not change between
//! attempts, checked once — its URL, its headers, and which credentials its origin may get.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, USER_AGENT};
use reqwest::Method;
use url::Url;

use super::{Delivery, Inner, Transport};
use crate::error::{Error, InvalidRequest};
use crate::redirect::may_send_key;
use crate::request::{Body, Request, Target};

/// Storage answers are small (an empty 204, an XML error); more than this is not read.
pub(super) const STORAGE_BODY_CAP: usize = 64 * 1024;

pub(super) struct Prepared<'r> {
    pub(super) operation: &'static str,
    pub(super) method: Method,
    pub(super) url: Url,
    pub(super) headers: HeaderMap,
    pub(super) body: &'r Body,
    /// The API's credentials may go with it (to the API's origin only, hop by hop).
    pub(super) authenticated: bool,
    pub(super) target: Target,
    pub(super) delivery: Delivery,
    /// The largest body read; storage's is small and read leniently (a cut or oversized error
    /// body still says what its status says).
    pub(super) body_cap: usize,
}

impl Prepared<'_> {
    /// The first hop's URL as the span may show it (the key's parameter added where the scheme
    /// puts it, so it is redacted rather than absent).
    pub(super) fn shown_url(&self, inner: &Inner) -> Url {
        let (scheme, key) = (inner.service.auth, inner.api_key.as_ref());
        crate::auth::hop_url(scheme, key, &inner.secrets, &self.url, self.authenticated)
    }

    /// Whether `url` is one the API's credentials may go to: the API's origin, for a request to
    /// the API. A storage request gets none even on that origin.
    pub(super) fn to_api_origin(&self, inner: &Inner, url: &Url) -> bool {
        self.target == Target::Api && may_send_key(&inner.base_url, url)
    }
}

impl Transport {
    pub(super) fn prepare<'r, E>(&self, request: &'r Request, delivery: Delivery) -> Result<Prepared<'r>, Error<E>> {
        let inner = &*self.inner;
        let invalid = |parameter: &str, problem: String| {
            Error::InvalidRequest(InvalidRequest { operation: request.operation, parameter: parameter.into(), problem })
        };
        let storage = request.target == Target::Storage;
        let mut url = match (&request.url, storage) {
            (Some(url), true) => {
                check_storage_url(url).map_err(|problem| invalid("url", problem))?;
                url.clone()
            }
            // A next-page URL: checked again here, so no caller can point the pipeline elsewhere.
            (Some(url), false) if !may_send_key(&inner.base_url, url) => {
                let origin = url.origin().ascii_serialization();
                return Err(invalid("url", format!("is on another origin ({origin}) than the base URL")));
            }
            (Some(url), false) => url.clone(),
            (None, _) => {
                let base = inner.base_url.as_str().trim_end_matches('/');
                Url::parse(&format!("{base}{}", request.path))
                    .map_err(|e| invalid("path", format!("gives an invalid URL: {e}")))?
            }
        };
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
        }
        let extra = request.options.headers.iter().map(|(n, v)| (n.as_str(), v));
        let given = request.headers.iter().map(|(n, v)| (n.as_ref(), v)).chain(extra);
        let mut headers = HeaderMap::with_capacity(request.headers.len() + 2);
        for (name, value) in given {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| invalid(name, "is not a valid HTTP header name".into()))?;
            if storage && self.carries_credential(&header, value) {
                return Err(invalid(name, "would carry a credential to storage, which gets none".into()));
            }
            let value = HeaderValue::from_str(value).map_err(|_| {
                invalid(name, "contains characters an HTTP header cannot carry (such as a line break)".into())
            })?;
            headers.append(header, value);
        }
        if let Some(key) = &request.options.idempotency_key {
            let value = HeaderValue::from_str(key)
                .map_err(|_| invalid("Idempotency-Key", "cannot be sent as an HTTP header".into()))?;
            headers.insert(HeaderName::from_static("idempotency-key"), value);
        }
        if let Some(cookies) = request.cookie_header() {
            let value = HeaderValue::from_str(&cookies)
                .map_err(|_| invalid("Cookie", "cannot be sent as an HTTP header".into()))?;
            headers.insert(COOKIE, value);
        }
        headers.insert(USER_AGENT, inner.user_agent.clone());
        Ok(Prepared {
            operation: request.operation,
            method: request.method.clone(),
            url,
            headers,
            body: &request.body,
            authenticated: request.authenticated && !storage,
            target: request.target,
            delivery,
            body_cap: if storage { STORAGE_BODY_CAP } else { inner.config.max_response_bytes },
        })
    }

    /// `Authorization`, `Cookie`, the API's own key headers, or any value holding a key.
    fn carries_credential(&self, name: &HeaderName, value: &str) -> bool {
        let inner = &*self.inner;
        [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE].contains(name)
            || inner.auth.iter().any(|(key_header, _)| key_header == name)
            || inner.secrets.iter().any(|k| !k.expose().is_empty() && value.contains(k.expose()))
    }
}

/// Storage gets https only, except on loopback (a local emulator).
fn check_storage_url(url: &Url) -> Result<(), String> {
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err("is not https".into()),
    }
}
