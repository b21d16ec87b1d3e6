//! [`ClientBuilder`]: what a caller chooses, checked when the client is built.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use super::{ApiClient, ApiKey, BuildError, ClientConfig, Quota};
use crate::credentials::ExplicitAuth;
use crate::pacing::Pacing;
use crate::retry::RetryPolicy;
use crate::transport::Transport;

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
    /// A builder with the defaults: the spec's server, retries, pacing to the documented quotas.
    pub fn new() -> Self {
        let mut config = ClientConfig::default();
        if let Some(cap) = C::SERVICE.max_response_bytes {
            config.max_response_bytes = cap;
        }
        Self { config, client: PhantomData }
    }

    /// The API's base URL. Defaults to the spec's first server (the vendor's production URL).
    /// Plain `http://` is refused unless the host is loopback.
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

    /// The API key, sent as the spec's security scheme says, and only to the base URL's origin.
    /// A spec that declares no scheme cannot send it: [`build`](Self::build) then fails with
    /// [`BuildError::KeyNotSent`], naming [`bearer_token`](Self::bearer_token),
    /// [`auth_header`](Self::auth_header) and [`basic_auth`](Self::basic_auth).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        // A key pasted with a trailing newline would otherwise fail as an invalid header.
        self.config.api_key = Some(ApiKey::new(key.into().trim()));
        self
    }

    /// The key of one more header of a spec that sends several keys together
    /// ([`AuthScheme::Headers`](crate::AuthScheme::Headers), e.g. `X-VTEX-API-AppToken` beside `X-VTEX-API-AppKey`):
    /// sent, and redacted, like the API key.
    pub fn header_key(mut self, header: impl Into<String>, key: impl Into<String>) -> Self {
        let header = header.into();
        self.config.header_keys.retain(|(name, _)| !name.eq_ignore_ascii_case(&header));
        self.config.header_keys.push((header, ApiKey::new(key.into().trim())));
        self
    }

    /// HTTP basic auth (`Authorization: Basic …`), whatever the spec declares: for a spec whose
    /// scheme is basic auth, or one that declares none although the API wants it. Sent, and
    /// redacted, like the API key; the password never appears in `Debug`, logs or errors.
    pub fn basic_auth(self, user: impl AsRef<str>, password: impl AsRef<str>) -> Self {
        self.explicit(ExplicitAuth::basic(user.as_ref(), password.as_ref()))
    }

    /// `Authorization: Bearer <token>`, whatever the spec declares: for the many specs that
    /// declare no `securitySchemes` although the API wants a token (GitHub's), or declare one
    /// this client does not support (OAuth 2). Sent, and redacted, like the API key: only to the
    /// base URL's origin, never after a redirect elsewhere, never to a storage URL.
    pub fn bearer_token(self, token: impl AsRef<str>) -> Self {
        self.explicit(ExplicitAuth::bearer(token.as_ref()))
    }

    /// Any header carrying a credential (`X-Api-Token: …`), whatever the spec declares. Its
    /// whole value is treated as the key: sent only to the base URL's origin and redacted.
    pub fn auth_header(self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        self.explicit(ExplicitAuth::header(name.as_ref(), value.as_ref()))
    }

    /// The last credential given for a header replaces the earlier ones.
    fn explicit(mut self, auth: ExplicitAuth) -> Self {
        self.config.explicit_auth.retain(|other| !other.header.eq_ignore_ascii_case(&auth.header));
        self.config.explicit_auth.push(auth);
        self
    }

    /// Use this `reqwest::Client` instead of building one.
    ///
    /// Build it with `reqwest::redirect::Policy::none()`: this crate follows redirects itself so
    /// the key never reaches another origin, but a client that follows them on its own does so
    /// before this crate sees the redirect, and reqwest keeps custom headers such as
    /// `X-MICROCMS-API-KEY` across origins. [`connect_timeout`](Self::connect_timeout) does not
    /// apply to it; [`timeout`](Self::timeout) and everything else still do.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.config.http_client = Some(client);
        self
    }

    /// Limit on one whole attempt (connect, send, redirects, read the body). Default 60 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = timeout;
        self
    }

    /// Limit on establishing a connection. Default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// Limit on one call including pacing waits, retries and their waits. Default 5 min.
    ///
    /// When pacing or a server's `Retry-After` asks for a wait that would end past it, the call
    /// fails at once instead of sleeping in vain.
    pub fn max_total_time(mut self, limit: Duration) -> Self {
        self.config.max_total_time = Some(limit);
        self
    }

    /// No limit on one call's total time: it waits as long as pacing or the server asks
    /// (an exhausted daily quota means hours). Each attempt keeps its [`timeout`](Self::timeout).
    pub fn no_total_time_limit(mut self) -> Self {
        self.config.max_total_time = None;
        self
    }

    /// Responses larger than this fail with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge).
    /// Default: the service's documented limit, else [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES) (16 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// The longest wait a server may ask for with `Retry-After` or `X-RateLimit-Reset`. Default:
    /// the longest window the provider documents (a day for a daily quota), else an hour.
    /// Pacing waits no longer on a server's word, and a retry that would have to wait longer
    /// fails at once with [`Error::WaitTooLong`](crate::Error::WaitTooLong), quoting the header.
    pub fn max_server_wait(mut self, cap: Duration) -> Self {
        self.config.max_server_wait = Some(cap);
        self
    }

    /// How many redirects one attempt follows. Default 10; 0 returns the redirect response.
    pub fn max_redirects(mut self, redirects: u32) -> Self {
        self.config.max_redirects = redirects;
        self
    }

    /// Replaces the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config.retry = policy;
        self
    }

    /// Replaces the retry classifier, keeping the rest of the retry policy.
    pub fn retry_classifier(mut self, classifier: impl crate::retry::ClassifyRetry + 'static) -> Self {
        self.config.retry = self.config.retry.with_classifier(classifier);
        self
    }

    /// Replaces the backoff between retries, keeping the rest of the retry policy.
    pub fn backoff(mut self, backoff: impl crate::retry::ComputeBackoff + 'static) -> Self {
        self.config.retry = self.config.retry.with_backoff(backoff);
        self
    }

    /// Replaces the client's retry budget ([`TokenBucket`](crate::retry::TokenBucket) by
    /// default) with `bucket`; give the same one to several clients to share it.
    pub fn retry_bucket(mut self, bucket: impl crate::retry::RetryBucket + 'static) -> Self {
        self.config.retry = self.config.retry.with_bucket(bucket);
        self
    }

    /// Replaces the pacer (by default one built from [`pacing`](Self::pacing)) with `pacer`,
    /// which every clone of the client then shares.
    pub fn pacer(mut self, pacer: impl crate::pacing::Pace + 'static) -> Self {
        self.config.pacer = Some(std::sync::Arc::new(pacer));
        self
    }

    /// Sends every request once: no retries.
    pub fn no_retries(mut self) -> Self {
        self.config.retry = RetryPolicy::disabled();
        self
    }

    /// Replaces the pacing (default: [`Pacing::documented`]).
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.config.pacing = pacing;
        self
    }

    /// Paces to these quotas instead of the documented ones, still learning from the server's
    /// `X-RateLimit-*` headers. An empty list keeps only the learning.
    pub fn rate_limits(mut self, quotas: Vec<Quota>) -> Self {
        self.config.pacing = Pacing::quotas(quotas);
        self
    }

    /// No pacing at all: neither the documented quotas nor the server's headers hold a request
    /// back. Retries still honour `Retry-After`.
    pub fn no_pacing(mut self) -> Self {
        self.config.pacer = None;
        self.config.pacing = Pacing::off();
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        Transport::new(C::SERVICE, self.config).map(C::from_transport)
    }
}
