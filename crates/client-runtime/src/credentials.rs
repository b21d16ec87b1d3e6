//! Every credential a client sends, gathered and checked at build time: the key the spec's
//! scheme carries ([`ClientBuilder::api_key`](crate::ClientBuilder::api_key)), and the ones a
//! caller names explicitly (`.bearer_token`, `.auth_header`, `.basic_auth`) because the spec
//! declares no scheme or the wrong one. All end up as sensitive headers that the transport sends
//! only to the base URL's origin, and as secrets blanked out of whatever a server echoes.
//!
//! A credential that would be sent nowhere is refused: a spec without `securitySchemes` (many
//! real ones, GitHub's among them) once took `.api_key(…)` and silently sent every request
//! without it.

use std::fmt;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};

use crate::auth::{auth_headers, ApiKey, AuthScheme};
use crate::config::{BuildError, ClientConfig};

/// A header the caller chose to send whatever the spec declares.
#[derive(Clone)]
pub(crate) struct ExplicitAuth {
    /// The header's name, as given.
    pub header: String,
    /// The header's whole value (`Bearer …`, `Basic …`).
    pub value: ApiKey,
    /// What a server might echo and must never be shown: the token, the password…
    pub secrets: Vec<ApiKey>,
}

impl ExplicitAuth {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &str) -> Self {
        let token = token.trim();
        Self::new("authorization", format!("Bearer {token}"), &[token])
    }

    /// `Authorization: Basic base64(user:password)`.
    pub fn basic(user: &str, password: &str) -> Self {
        use base64::Engine as _;
        let pair = format!("{user}:{password}");
        let encoded = base64::engine::general_purpose::STANDARD.encode(&pair);
        Self::new("authorization", format!("Basic {encoded}"), &[password, &pair, &encoded])
    }

    /// Any header, its whole value secret.
    pub fn header(name: &str, value: &str) -> Self {
        let value = value.trim();
        Self::new(name.trim(), value.to_owned(), &[value])
    }

    fn new(header: &str, value: String, secrets: &[&str]) -> Self {
        let secrets = secrets.iter().filter(|s| !s.is_empty()).map(|s| ApiKey::new(*s)).collect();
        Self { header: header.to_owned(), value: ApiKey::new(value), secrets }
    }
}

impl fmt::Debug for ExplicitAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: <redacted>", self.header)
    }
}

/// What the transport sends and what it blanks out.
pub(crate) struct Credentials {
    /// Sensitive headers, sent only to the base URL's origin.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Every secret, the API key first: blanked out of echoes, refused on storage requests.
    pub secrets: Vec<ApiKey>,
}

/// Gathers and checks every credential of `config` for a spec whose scheme is `scheme`.
pub(crate) fn collect(scheme: AuthScheme, config: &ClientConfig) -> Result<Credentials, BuildError> {
    refuse_unsendable(scheme, config)?;
    let mut headers = match &config.api_key {
        Some(key) => auth_headers(scheme, key, &config.header_keys)?,
        None => Vec::new(),
    };
    for explicit in &config.explicit_auth {
        let name = HeaderName::from_bytes(explicit.header.as_bytes()).map_err(|_| BuildError::InvalidApiKey {
            reason: "the header name given for the credential is not a valid HTTP header name",
        })?;
        if headers.iter().any(|(taken, _)| *taken == name) || (config.api_key.is_some() && scheme_uses(scheme, &name)) {
            return Err(BuildError::ConflictingCredentials { header: name.as_str().to_owned() });
        }
        let mut value = HeaderValue::from_str(explicit.value.expose()).map_err(|_| BuildError::InvalidApiKey {
            reason: "it contains characters an HTTP header cannot carry (a line break or control character?)",
        })?;
        value.set_sensitive(true);
        headers.push((name, value));
    }
    let secrets = config
        .api_key
        .iter()
        .chain(config.header_keys.iter().map(|(_, key)| key))
        .chain(config.explicit_auth.iter().flat_map(|e| e.secrets.iter()))
        .cloned()
        .collect();
    Ok(Credentials { headers, secrets })
}

/// A key the spec gives no way to send would otherwise go nowhere without a word.
fn refuse_unsendable(scheme: AuthScheme, config: &ClientConfig) -> Result<(), BuildError> {
    if config.api_key.is_some() && scheme == AuthScheme::None {
        return Err(BuildError::KeyNotSent {
            given: "`.api_key(…)`".into(),
            why: "the spec declares no way to send a key (no security scheme this client supports)".into(),
        });
    }
    for (header, _) in &config.header_keys {
        let listed = match scheme {
            AuthScheme::Headers(names) => names.iter().skip(1).any(|n| n.eq_ignore_ascii_case(header)),
            _ => false,
        };
        if !listed {
            return Err(BuildError::KeyNotSent {
                given: format!("`.header_key({header:?}, …)`"),
                why: "the spec declares no key sent in that header beside the API key".into(),
            });
        }
        if config.api_key.is_none() {
            return Err(BuildError::KeyNotSent {
                given: format!("`.header_key({header:?}, …)`"),
                why: "the spec sends it only beside the API key, and `.api_key(…)` was not given".into(),
            });
        }
    }
    Ok(())
}

/// Whether the spec's key, once given, occupies the header `name`.
fn scheme_uses(scheme: AuthScheme, name: &HeaderName) -> bool {
    match scheme {
        AuthScheme::Bearer | AuthScheme::Basic => *name == AUTHORIZATION,
        AuthScheme::Header(own) => name.as_str().eq_ignore_ascii_case(own),
        AuthScheme::Headers(names) => names.iter().any(|own| name.as_str().eq_ignore_ascii_case(own)),
        AuthScheme::Cookie(_) => *name == COOKIE,
        AuthScheme::Query(_) | AuthScheme::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(api_key: Option<&str>, explicit: Vec<ExplicitAuth>) -> ClientConfig {
        let mut config = ClientConfig { api_key: api_key.map(ApiKey::new), ..ClientConfig::default() };
        config.explicit_auth = explicit;
        config
    }

    #[test]
    fn a_key_the_spec_cannot_send_is_refused_with_the_explicit_ways() {
        let Err(error) = collect(AuthScheme::None, &config(Some("k"), vec![])) else { panic!("accepted") };
        let text = error.to_string();
        for needed in ["declares no way to send a key", ".bearer_token(", ".auth_header(", ".basic_auth("] {
            assert!(text.contains(needed), "{needed} missing from {text}");
        }
        let header_key =
            ClientConfig { header_keys: vec![("X-Other".into(), ApiKey::new("t"))], ..config(Some("k"), vec![]) };
        assert!(matches!(collect(AuthScheme::Bearer, &header_key), Err(BuildError::KeyNotSent { .. })));
    }

    #[test]
    fn explicit_credentials_go_whatever_the_spec_says_and_never_twice() {
        let creds = collect(AuthScheme::None, &config(None, vec![ExplicitAuth::bearer("t0ken-123")])).expect("built");
        assert_eq!(creds.headers.len(), 1);
        assert!(creds.headers[0].1.is_sensitive());
        assert_eq!(creds.secrets, [ApiKey::new("t0ken-123")]);
        let basic = ExplicitAuth::basic("aladdin", "opensesame");
        assert_eq!(basic.value.expose(), "Basic YWxhZGRpbjpvcGVuc2VzYW1l");
        let both = config(Some("k"), vec![ExplicitAuth::header("authorization", "x")]);
        assert!(matches!(collect(AuthScheme::Bearer, &both), Err(BuildError::ConflictingCredentials { .. })));
        let beside = config(Some("k"), vec![ExplicitAuth::header("X-Extra", "v")]);
        assert_eq!(collect(AuthScheme::Bearer, &beside).map(|c| c.headers.len()).ok(), Some(2));
        assert!(!format!("{:?}", ExplicitAuth::bearer("t0ken-123")).contains("t0ken"));
    }
}
