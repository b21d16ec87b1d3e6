//! How keys travel ([`AuthScheme`]) and the key itself ([`ApiKey`]). Keys in the query string or
//! a cookie get the guarantees of a header key: added hop by hop only to the base URL's origin
//! (a redirect elsewhere gets the URL with the key taken out), and every URL that can reach an
//! error, a log line or `Debug` is redacted.

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE};
use url::Url;

use crate::config::BuildError;

/// How the API key is attached to a request, from the spec's `securitySchemes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <key>`.
    Bearer,
    /// The key in a header of its own, such as `X-MICROCMS-API-KEY`.
    Header(&'static str),
    /// HTTP basic auth: the key is `user:password` (see
    /// [`ClientBuilder::basic_auth`](crate::ClientBuilder::basic_auth)).
    Basic,
    /// The key as a query parameter of its own, such as `?api_key=…`; shown URLs read `REDACTED`.
    Query(&'static str),
    /// The key in a cookie of its own, beside the request's cookies.
    Cookie(&'static str),
    /// Several keys sent together, each in a header of its own (a requirement combining API
    /// keys, such as an app key and an app token): [`ClientBuilder::api_key`] is the first
    /// header's, [`ClientBuilder::header_key`] gives the others.
    ///
    /// [`ClientBuilder::api_key`]: crate::ClientBuilder::api_key
    /// [`ClientBuilder::header_key`]: crate::ClientBuilder::header_key
    Headers(&'static [&'static str]),
    /// The spec declares no supported scheme: requests are sent without a key.
    None,
}

/// An API key. Its `Debug` and `Display` never show the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(Arc::from(key.into()))
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

/// What stands in for the key in a URL that is shown.
pub const REDACTED: &str = "REDACTED";

/// Checks at build time that the key can travel as the scheme says.
pub(crate) fn check(scheme: AuthScheme, key: &ApiKey) -> Result<(), BuildError> {
    match scheme {
        AuthScheme::Cookie(name) => {
            let fits =
                |text: &str| text.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'"' | b'\\'));
            if name.is_empty() || name.contains('=') || !fits(name) {
                return Err(BuildError::InvalidApiKey {
                    reason: "the spec's key cookie name is not a valid cookie name",
                });
            }
            if !fits(key.expose()) {
                return Err(BuildError::InvalidApiKey {
                    reason:
                        "it contains characters a cookie cannot carry (space, `;`, `,`, quotes or control characters)",
                });
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The headers carrying the keys: one for most schemes, one per header for
/// [`AuthScheme::Headers`] (every one needs its key once the first is given).
pub(crate) fn auth_headers(
    scheme: AuthScheme,
    key: &ApiKey,
    header_keys: &[(String, ApiKey)],
) -> Result<Vec<(HeaderName, HeaderValue)>, BuildError> {
    let header_name = |name: &str| {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| BuildError::InvalidApiKey {
            reason: "the spec's key header name is not a valid HTTP header name",
        })
    };
    let pairs = match scheme {
        AuthScheme::Bearer => vec![(AUTHORIZATION, format!("Bearer {}", key.expose()))],
        AuthScheme::Basic => {
            use base64::Engine as _;
            vec![(AUTHORIZATION, format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(key.expose())))]
        }
        AuthScheme::Header(name) => vec![(header_name(name)?, key.expose().to_owned())],
        AuthScheme::Headers(names) => {
            let mut pairs = Vec::with_capacity(names.len());
            for (i, name) in names.iter().enumerate() {
                let value = match i {
                    0 => key,
                    _ => header_keys.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, k)| k).ok_or(
                        BuildError::InvalidApiKey {
                            reason: "the spec sends several keys together: give each further header's key with \
                                     `.header_key(header, key)`",
                        },
                    )?,
                };
                pairs.push((header_name(name)?, value.expose().to_owned()));
            }
            pairs
        }
        AuthScheme::Query(_) | AuthScheme::Cookie(_) => return crate::auth::check(scheme, key).map(|()| Vec::new()),
        AuthScheme::None => return Ok(Vec::new()),
    };
    pairs
        .into_iter()
        .map(|(name, value)| {
            let mut value = HeaderValue::from_str(&value).map_err(|_| BuildError::InvalidApiKey {
                reason: "it contains characters an HTTP header cannot carry (a line break or control character?)",
            })?;
            value.set_sensitive(true);
            Ok((name, value))
        })
        .collect()
}

/// The URL of one hop: any pair carrying the key (by the scheme's name, or by value, as a
/// redirect's `Location` might echo it) taken out, and the key added when it may go.
///
/// `secrets` are every secret the client holds (the key first): an explicit credential echoed
/// into a `Location` is taken out like the key.
pub(crate) fn hop_url(scheme: AuthScheme, key: Option<&ApiKey>, secrets: &[ApiKey], url: &Url, with_key: bool) -> Url {
    let mut out = without_key(url, scheme, secrets);
    if let (AuthScheme::Query(name), Some(key), true) = (scheme, key, with_key) {
        out.query_pairs_mut().append_pair(name, key.expose());
    }
    out
}

/// Adds the key cookie to the hop's `Cookie` header (beside the request's own cookies).
pub(crate) fn add_cookie(scheme: AuthScheme, key: Option<&ApiKey>, headers: &mut HeaderMap, with_key: bool) {
    let (AuthScheme::Cookie(name), Some(key), true) = (scheme, key, with_key) else { return };
    let pair = format!("{name}={}", key.expose());
    let text = match headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
        Some(existing) => format!("{existing}; {pair}"),
        None => pair,
    };
    // `check` made sure the key fits a header; a value that still does not is left out, not sent broken.
    if let Ok(mut value) = HeaderValue::from_str(&text) {
        value.set_sensitive(true);
        headers.insert(COOKIE, value);
    }
}

/// `url` as it may be shown: the key's pair (and any value equal to the key) reads [`REDACTED`].
pub(crate) fn redacted(url: &Url, scheme: AuthScheme, secrets: &[ApiKey]) -> Url {
    rewrite_query(url, |name, value| carries_key(scheme, secrets, name, value).then_some(REDACTED))
}

fn without_key(url: &Url, scheme: AuthScheme, secrets: &[ApiKey]) -> Url {
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if !pairs.iter().any(|(k, v)| carries_key(scheme, secrets, k, v)) {
        return url.clone();
    }
    let mut out = url.clone();
    out.set_query(None);
    let kept: Vec<&(String, String)> = pairs.iter().filter(|(k, v)| !carries_key(scheme, secrets, k, v)).collect();
    if !kept.is_empty() {
        out.query_pairs_mut().extend_pairs(kept.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    out
}

fn rewrite_query(url: &Url, replace: impl Fn(&str, &str) -> Option<&'static str>) -> Url {
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if !pairs.iter().any(|(k, v)| replace(k, v).is_some()) {
        return url.clone();
    }
    let mut out = url.clone();
    out.set_query(None);
    out.query_pairs_mut().extend_pairs(pairs.iter().map(|(k, v)| (k.as_str(), replace(k, v).unwrap_or(v.as_str()))));
    out
}

/// A pair named as the scheme's key parameter, or whose value is or holds the key (a short key
/// only when it is the whole value, so `?page=1` survives a key of `1`).
/// Without any secret there is nothing to hide, not even under the scheme's parameter name.
fn carries_key(scheme: AuthScheme, secrets: &[ApiKey], name: &str, value: &str) -> bool {
    let named = !secrets.is_empty() && matches!(scheme, AuthScheme::Query(n) if n == name);
    named
        || secrets
            .iter()
            .map(ApiKey::expose)
            .any(|key| !key.is_empty() && (value == key || (key.len() >= 8 && value.contains(key))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn the_key_goes_only_where_allowed_and_is_redacted_when_shown() {
        let key = ApiKey::new("s3cret");
        let scheme = AuthScheme::Query("api_key");
        let plain = url("https://a.test/v1/x?page=2");
        let secrets = [key.clone()];
        let keyed = hop_url(scheme, Some(&key), &secrets, &plain, true);
        assert_eq!(keyed.as_str(), "https://a.test/v1/x?page=2&api_key=s3cret");
        // A redirect that echoes the key to another origin gets it taken out.
        let echoed = url("https://b.test/y?api_key=s3cret&copy=s3cret&z=1");
        assert_eq!(hop_url(scheme, Some(&key), &secrets, &echoed, false).as_str(), "https://b.test/y?z=1");
        let long = ApiKey::new("long-s3cret-key");
        let embedded = url("https://b.test/y?next=%2Fx%3Fapi_key%3Dlong-s3cret-key&page=1");
        assert_eq!(
            hop_url(scheme, Some(&long), std::slice::from_ref(&long), &embedded, false).as_str(),
            "https://b.test/y?page=1"
        );
        assert_eq!(redacted(&keyed, scheme, &secrets).as_str(), "https://a.test/v1/x?page=2&api_key=REDACTED");
    }

    #[test]
    fn the_key_cookie_joins_the_request_cookies() {
        let key = ApiKey::new("s3cret");
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("theme=dark"));
        add_cookie(AuthScheme::Cookie("sid"), Some(&key), &mut headers, true);
        assert_eq!(headers.get(COOKIE).and_then(|v| v.to_str().ok()), Some("theme=dark; sid=s3cret"));
        assert!(headers.get(COOKIE).is_some_and(HeaderValue::is_sensitive));
        assert!(check(AuthScheme::Cookie("sid"), &ApiKey::new("a;b")).is_err());
    }
}
