//! Redirects, followed by hand so the key never leaves the configured origin.
//!
//! reqwest's own redirect handling strips `Authorization` across hosts but keeps custom headers
//! such as `X-MICROCMS-API-KEY`, so the transport's client is built with
//! `redirect::Policy::none()` and each hop is rebuilt here: with the key only when the hop's
//! origin (scheme, host, port) is the base URL's.

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Method, StatusCode};
use url::Url;

/// The next request of a redirect chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hop {
    pub(crate) url: Url,
    pub(crate) method: Method,
    /// 307 and 308 resend the body; the others turn the request into a bodiless GET.
    pub(crate) keep_body: bool,
}

/// Whether a status is a redirect this crate follows.
pub(crate) fn is_followed(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Whether the key may be sent to `url`: only to the base URL's own origin.
pub(crate) fn may_send_key(base: &Url, url: &Url) -> bool {
    base.origin() == url.origin()
}

/// Where a redirect response sends the request, or why it cannot be followed.
pub(crate) fn next_hop(current: &Url, method: &Method, status: StatusCode, headers: &HeaderMap) -> Result<Hop, String> {
    let location = headers
        .get(LOCATION)
        .ok_or_else(|| format!("the server answered {status} without a Location to follow"))?
        .to_str()
        .map_err(|_| format!("the server answered {status} with a Location that is not text"))?;
    let url =
        current.join(location).map_err(|e| format!("the server answered {status} with an invalid Location: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("the server redirected to an unsupported scheme {:?}", url.scheme()));
    }
    // As browsers and reqwest do: 303 always, and 301/302 after a POST, continue as a GET.
    let becomes_get = match status.as_u16() {
        303 => *method != Method::HEAD,
        301 | 302 => *method == Method::POST,
        _ => false,
    };
    Ok(if becomes_get {
        Hop { url, method: Method::GET, keep_body: false }
    } else {
        Hop { url, method: method.clone(), keep_body: true }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap_or_else(|_| Url::parse("https://invalid.test").unwrap_or_else(|_| unreachable!()))
    }
    fn location(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(LOCATION, HeaderValue::from_static(value));
        headers
    }
    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
    }

    #[test]
    fn the_key_goes_to_the_base_origin_only() {
        let base = url("https://api.example.com/v1");
        assert!(may_send_key(&base, &url("https://api.example.com/other?x=1")));
        assert!(may_send_key(&base, &url("https://api.example.com:443/v1")));
        assert!(!may_send_key(&base, &url("http://api.example.com/v1")));
        assert!(!may_send_key(&base, &url("https://api.example.com:8443/v1")));
        assert!(!may_send_key(&base, &url("https://cdn.example.com/v1")));
        assert!(!may_send_key(&base, &url("https://example.com/v1")));
    }

    #[test]
    fn methods_and_bodies_follow_the_status() {
        let here = url("https://a.test/v1/media");
        let hop = next_hop(&here, &Method::POST, status(303), &location("/done")).ok();
        assert_eq!(hop, Some(Hop { url: url("https://a.test/done"), method: Method::GET, keep_body: false }));
        for code in [301, 302] {
            let hop = next_hop(&here, &Method::POST, status(code), &location("x")).ok();
            assert_eq!(hop.map(|h| (h.method, h.keep_body)), Some((Method::GET, false)));
            let hop = next_hop(&here, &Method::DELETE, status(code), &location("x")).ok();
            assert_eq!(hop.map(|h| h.method), Some(Method::DELETE));
        }
        for code in [307, 308] {
            let hop = next_hop(&here, &Method::POST, status(code), &location("https://b.test/up")).ok();
            assert_eq!(hop, Some(Hop { url: url("https://b.test/up"), method: Method::POST, keep_body: true }));
        }
    }

    #[test]
    fn unusable_locations_are_errors() {
        let here = url("https://a.test/");
        assert!(next_hop(&here, &Method::GET, status(302), &HeaderMap::new()).is_err());
        assert!(next_hop(&here, &Method::GET, status(302), &location("file:///etc/passwd")).is_err());
        assert!(next_hop(&here, &Method::GET, status(302), &location("https://[::1")).is_err());
        assert!(is_followed(status(308)) && !is_followed(status(304)) && !is_followed(status(300)));
    }
}
