//! Client configuration: what a generated crate declares about its service ([`ServiceSpec`]) and
//! what a caller chooses ([`ClientBuilder`]).

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use crate::transport::Transport;

/// How the API key is attached to a request, from the spec's `securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key in a header of its own, such as `X-MICROCMS-API-KEY`.
    Header(&'static str),
    /// The spec declares no supported scheme: requests are sent without a key.
    None,
}

/// One documented rate limit: at most `requests` requests per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    pub requests: u32,
    pub window: Duration,
}

impl Quota {
    pub const fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }
    pub const fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }
    pub const fn per_hour(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(3600))
    }
    pub const fn per_day(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(86_400))
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
}

/// Implemented by each generated `Client` so [`ClientBuilder`] can build it.
pub trait ApiClient: Sized {
    /// The service this client talks to.
    const SERVICE: &'static ServiceSpec;
    /// Wraps a ready transport.
    fn from_transport(transport: Transport) -> Self;
}

/// An API key. Its `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }
    /// The key itself, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Everything a caller can choose about a client.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    pub base_url: Option<String>,
    pub server_variables: Vec<(String, String)>,
    pub api_key: Option<ApiKey>,
    pub http_client: Option<reqwest::Client>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_response_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            server_variables: Vec::new(),
            api_key: None,
            http_client: None,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            // A little above the ~5 MB at which microCMS itself fails a response.
            max_response_bytes: 6 * 1024 * 1024,
        }
    }
}

/// Builds a generated client: `utage_client::Client::builder().api_key(k).build()?`.
pub struct ClientBuilder<C> {
    config: ClientConfig,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder").field("config", &self.config).finish()
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    pub fn new() -> Self {
        Self { config: ClientConfig::default(), client: PhantomData }
    }

    /// The API's base URL. Defaults to the spec's first server (the vendor's production URL).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.base_url = Some(url.into());
        self
    }

    /// Sets a `{variable}` of the spec's server URL (ignored when [`base_url`](Self::base_url) is set).
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.config.server_variables.retain(|(n, _)| *n != name);
        self.config.server_variables.push((name, value.into()));
        self
    }

    /// The API key, sent as the spec's security scheme says.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.config.api_key = Some(ApiKey::new(key));
        self
    }

    /// Use this `reqwest::Client` instead of building one. Its redirect policy is the caller's.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// Limit on one whole attempt (connect, send, read the body).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Limit on establishing a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Responses larger than this fail with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        Transport::new(C::SERVICE, self.config).map(C::from_transport)
    }
}

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    #[error(
        "refusing to send the API key over plain http to {host:?}: use https, or a loopback host for local testing"
    )]
    InsecureBaseUrl { host: String },
    #[error("the server URL {url:?} needs the variable {name:?}: set it with `.server_variable({name:?}, …)` or `.base_url(…)`")]
    MissingServerVariable { url: String, name: String },
    #[error("could not build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
}
