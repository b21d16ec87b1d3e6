//! Client configuration: what a generated crate declares about its service ([`ServiceSpec`]) and
//! what a caller chooses ([`ClientBuilder`]).

use std::fmt;
use std::time::Duration;

use url::Url;

pub(crate) use crate::auth::ApiKey;
pub use crate::auth::AuthScheme;
use crate::pacing::Pacing;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

mod builder;
pub use builder::ClientBuilder;

/// One documented rate limit: at most `requests` requests per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed in any one window.
    pub requests: u32,
    /// The window's length.
    pub window: Duration,
}

impl Quota {
    /// At most `requests` requests in any `window`.
    pub const fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }
    /// At most `requests` requests in any minute.
    pub const fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }
    /// At most `requests` requests in any hour.
    pub const fn per_hour(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(3600))
    }
    /// At most `requests` requests in any day.
    pub const fn per_day(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(86_400))
    }
}

impl fmt::Display for Quota {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let per = match self.window.as_secs() {
            60 => "minute".to_owned(),
            3600 => "hour".to_owned(),
            86_400 => "day".to_owned(),
            _ => crate::error::human_duration(self.window),
        };
        write!(f, "{} requests per {per}", self.requests)
    }
}

/// What a generated crate knows about its service, from its spec.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The crate's name, for the `User-Agent`.
    pub crate_name: &'static str,
    /// The crate's version, for the `User-Agent`.
    pub crate_version: &'static str,
    /// The first server URL of the spec, possibly with `{variables}`.
    pub server_url: &'static str,
    /// The server variables and their defaults.
    pub server_variables: &'static [(&'static str, &'static str)],
    /// How the key is sent.
    pub auth: AuthScheme,
    /// The provider's documented rate limits (empty when none are documented).
    pub rate_limits: &'static [Quota],
    /// Where a response carries the provider's request id.
    pub request_id: RequestIdSource,
    /// The largest response body the provider sends (its documented limit, with a margin);
    /// `None`: [`DEFAULT_MAX_RESPONSE_BYTES`]. A caller's `.max_response_bytes(…)` overrides it.
    pub max_response_bytes: Option<usize>,
}

/// The body cap of a service that documents none: far above any page of a media listing,
/// yet no server can make a client hold more than this in memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Where a provider puts the id of a request, to quote to its support: response headers, then
/// string values inside a JSON body, each tried in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestIdSource {
    /// Header names, case-insensitive.
    pub headers: &'static [&'static str],
    /// JSON pointers (RFC 6901) into a JSON body, tried when no header carries the id.
    pub body_pointers: &'static [&'static str],
}

impl RequestIdSource {
    /// The headers many APIs use, and no body lookup.
    pub const COMMON_HEADERS: &'static [&'static str] = &["x-request-id", "request-id", "x-amzn-requestid"];
    /// [`COMMON_HEADERS`](Self::COMMON_HEADERS) only.
    pub const COMMON: Self = Self { headers: Self::COMMON_HEADERS, body_pointers: &[] };
}

impl Default for RequestIdSource {
    fn default() -> Self {
        Self::COMMON
    }
}

/// Implemented by each generated `Client` so [`ClientBuilder`] can build it.
pub trait ApiClient: Sized {
    /// The service this client talks to.
    const SERVICE: &'static ServiceSpec;
    /// Wraps a ready transport (generated code only: the transport is outside semver).
    #[doc(hidden)]
    fn from_transport(transport: Transport) -> Self;
}

/// Everything a caller can choose about a client, set through [`ClientBuilder`]; crate-private so
/// that a new choice is a new builder method, never a breaking field.
#[derive(Clone)]
pub(crate) struct ClientConfig {
    /// Overrides the spec's server URL.
    pub base_url: Option<String>,
    /// Values for the spec's server URL `{variables}`.
    pub server_variables: Vec<(String, String)>,
    /// The key, sent only to the base URL's origin.
    pub api_key: Option<ApiKey>,
    /// The keys of the other headers of [`AuthScheme::Headers`], by header name.
    pub header_keys: Vec<(String, ApiKey)>,
    /// Credentials sent whatever the spec declares (`.bearer_token`, `.auth_header`, `.basic_auth`).
    pub(crate) explicit_auth: Vec<crate::credentials::ExplicitAuth>,
    /// A caller's own HTTP client; see [`ClientBuilder::http_client`].
    pub http_client: Option<reqwest::Client>,
    /// Limit on one attempt, redirects and body included.
    pub timeout: Duration,
    /// Limit on establishing a connection (only for the client this crate builds).
    pub connect_timeout: Duration,
    /// Limit on one call: pacing waits, every attempt and every retry wait. `None`: no limit.
    pub max_total_time: Option<Duration>,
    /// Bodies larger than this fail with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub max_response_bytes: usize,
    /// Redirects followed within one attempt.
    pub max_redirects: u32,
    /// When and how failed attempts are retried.
    pub retry: RetryPolicy,
    /// Which quotas requests are paced to.
    pub pacing: Pacing,
    /// The longest wait a server may ask for (`Retry-After`, `X-RateLimit-Reset`). `None`: the
    /// longest window the provider documents, else [`DEFAULT_MAX_SERVER_WAIT`].
    pub max_server_wait: Option<Duration>,
    /// A caller's own pacer, instead of the one [`pacing`](Self::pacing) configures.
    pub(crate) pacer: Option<std::sync::Arc<dyn crate::pacing::Pace>>,
}

/// The longest wait a server may ask for when its provider documents no rate-limit window.
pub const DEFAULT_MAX_SERVER_WAIT: Duration = Duration::from_secs(3600);

impl ClientConfig {
    /// The longest wait `service`'s servers may ask of this client.
    pub fn server_wait_cap(&self, service: &ServiceSpec) -> Duration {
        self.max_server_wait
            .or_else(|| service.rate_limits.iter().map(|q| q.window).max())
            .unwrap_or(DEFAULT_MAX_SERVER_WAIT)
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            server_variables: Vec::new(),
            api_key: None,
            header_keys: Vec::new(),
            explicit_auth: Vec::new(),
            http_client: None,
            // Generous enough for a 6 MiB body over a slow link; a stuck attempt still ends.
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            // Covers the default retries with their longest backoffs plus a minute-window pacing
            // wait, yet a call never hangs for an hour- or day-quota: that fails fast instead.
            max_total_time: Some(Duration::from_secs(300)),
            // A service's own cap (`ServiceSpec::max_response_bytes`) replaces it in
            // `ClientBuilder::new`.
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_redirects: 10,
            retry: RetryPolicy::default(),
            pacing: Pacing::default(),
            max_server_wait: None,
            pacer: None,
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // reqwest::Client's own Debug shows its default headers, where a caller may have put a key.
        let http_client = self.http_client.as_ref().map(|_| "<caller's reqwest::Client>");
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("server_variables", &self.server_variables)
            .field("api_key", &self.api_key)
            .field("header_keys", &self.header_keys)
            .field("explicit_auth", &self.explicit_auth)
            .field("http_client", &http_client)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_total_time", &self.max_total_time)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_redirects", &self.max_redirects)
            .field("retry", &self.retry)
            .field("pacing", &self.pacing)
            .field("max_server_wait", &self.max_server_wait)
            .field("pacer", &self.pacer)
            .finish()
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL does not parse or has an unsupported scheme.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A plain `http://` base URL to a host that is not loopback.
    #[error(
        "refusing to send the API key over plain http to {host:?}: use https, or a loopback host for local testing"
    )]
    InsecureBaseUrl {
        /// The host of the refused URL.
        host: String,
    },
    /// A server variable's value is not a plain URL token, so it could change the host.
    #[error("server variable {name:?} = {value:?} may hold only letters, digits, `-`, `.`, `_` and `~`")]
    InvalidServerVariable {
        /// The variable.
        name: String,
        /// The refused value.
        value: String,
    },
    /// The spec's server URL has a `{variable}` without a value.
    #[error("the server URL {url:?} needs the variable {name:?}: set it with `.server_variable({name:?}, …)` or `.base_url(…)`")]
    MissingServerVariable {
        /// The spec's server URL.
        url: String,
        /// The variable without a value.
        name: String,
    },
    /// The key cannot be sent as the spec's scheme says.
    #[error("the API key cannot be used: {reason}")]
    InvalidApiKey {
        /// What is wrong (the key itself is never shown).
        reason: &'static str,
    },
    /// A key was given that the spec declares no way to send: it would have gone nowhere.
    #[error(
        "{given} was given, but {why}: it would be sent nowhere. Send the credential explicitly with \
         `.bearer_token(token)` (Authorization: Bearer), `.auth_header(name, value)` or \
         `.basic_auth(user, password)`"
    )]
    KeyNotSent {
        /// The builder call that gave it (`.api_key(…)`; never the key).
        given: String,
        /// Why the spec cannot send it.
        why: String,
    },
    /// Two credentials would go in the same header: the spec's key and an explicit one.
    #[error("two credentials for the `{header}` header: the API key, sent as the spec declares, and an explicit one; give only one")]
    ConflictingCredentials {
        /// The header both would use.
        header: String,
    },
    /// The HTTP library could not build its client (for instance, no TLS backend); the cause is
    /// `source()`, boxed so the library is not part of this crate's API.
    #[error("could not build the HTTP client")]
    Http(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The base URL every request is resolved against, checked: https, or http to loopback only.
pub(crate) fn resolve_base_url(service: &ServiceSpec, config: &ClientConfig) -> Result<Url, BuildError> {
    let text = match &config.base_url {
        Some(url) => url.clone(),
        None => expand_server_url(service, config)?,
    };
    let url = Url::parse(&text).map_err(|e| BuildError::InvalidBaseUrl { url: text.clone(), reason: e.to_string() })?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(BuildError::InvalidBaseUrl {
            url: format!("{}://{}{}", url.scheme(), url.host_str().unwrap_or_default(), url.path()),
            reason: "a base URL may not carry a query, a fragment or credentials".into(),
        });
    }
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
        let chosen = config.server_variables.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        // A caller's `attacker.example#` would move the whole URL, and the key with it, to
        // another host; the spec's own defaults are trusted.
        if let Some(value) = chosen {
            if value.is_empty()
                || !value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
            {
                return Err(BuildError::InvalidServerVariable { name: (*name).to_owned(), value: value.to_owned() });
            }
        }
        let value = chosen.unwrap_or(default);
        // An empty default is how a spec says "no sensible default: the caller must choose".
        if value.is_empty() {
            return Err(BuildError::MissingServerVariable {
                url: service.server_url.to_owned(),
                name: (*name).to_owned(),
            });
        }
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

#[cfg(test)]
mod tests;
