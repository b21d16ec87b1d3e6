//! The next page's URL: read from a `Link` header (RFC 8288), resolved against the response
//! that gave it, and checked to stay on the API's origin before the engine follows it.
//!
//! The parser is small and forgiving on purpose: a header it cannot read yields no link (the
//! listing then ends as if the server gave none), never a panic. Commas and semicolons inside
//! `<…>` or a quoted string do not split links or parameters.

use http::header::{HeaderMap, LINK};
use url::Url;

use crate::response::ResponseMeta;

/// The target of the first link whose `rel` includes `next` (case-insensitive), across every
/// `Link` header of `meta`, as the server wrote it (relative or absolute). Generated sources of
/// next-URL listings that page by header pass it as [`Fetched::token`](super::Fetched::token).
pub fn next_link(meta: &ResponseMeta) -> Option<String> {
    link_with_rel(meta.headers(), "next")
}

/// The target of the first link whose `rel` list holds `rel` (case-insensitive).
pub fn link_with_rel(headers: &HeaderMap, rel: &str) -> Option<String> {
    headers
        .get_all(LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(parse_links)
        .find(|link| link.rels().any(|r| r.eq_ignore_ascii_case(rel)))
        .map(|link| link.target)
}

/// One link-value of a `Link` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Link {
    pub target: String,
    /// Parameters in order, names lowercased, quoted values unescaped.
    pub params: Vec<(String, String)>,
}

impl Link {
    /// The relation types: the first `rel` parameter's value split on whitespace (RFC 8288
    /// §3.3: later `rel` parameters are ignored).
    fn rels(&self) -> impl Iterator<Item = &str> {
        self.params.iter().find(|(name, _)| name == "rel").into_iter().flat_map(|(_, v)| v.split_ascii_whitespace())
    }
}

/// Every link-value of one header value; malformed parts are skipped up to the next comma.
pub(crate) fn parse_links(value: &str) -> Vec<Link> {
    let mut links = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return links;
        }
        let Some(after_open) = rest.strip_prefix('<') else {
            let skipped = skip_to_comma(rest);
            // Each pass reads on, so no header makes this loop forever.
            if skipped.len() >= rest.len() {
                return links;
            }
            rest = skipped;
            continue;
        };
        let Some(close) = after_open.find('>') else { return links };
        let target = after_open[..close].trim().to_owned();
        rest = &after_open[close + 1..];
        let mut params = Vec::new();
        loop {
            rest = rest.trim_start();
            let Some(after_semi) = rest.strip_prefix(';') else { break };
            let (param, tail) = parse_param(after_semi);
            params.extend(param);
            rest = tail;
        }
        links.push(Link { target, params });
        // Anything but a comma here is junk: skip it with the rest of this link-value.
        if !rest.trim_start().starts_with(',') {
            rest = skip_to_comma(rest);
        }
    }
}

/// One `name[=value]` parameter, and what follows it.
fn parse_param(input: &str) -> (Option<(String, String)>, &str) {
    let input = input.trim_start();
    let end = input.find(|c: char| matches!(c, '=' | ';' | ',') || c.is_ascii_whitespace()).unwrap_or(input.len());
    let name = input[..end].to_ascii_lowercase();
    let mut rest = input[end..].trim_start();
    let mut value = String::new();
    if let Some(after_eq) = rest.strip_prefix('=') {
        let after_eq = after_eq.trim_start();
        if let Some(quoted) = after_eq.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let mut consumed = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        consumed = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            rest = &quoted[consumed..];
        } else {
            let end =
                after_eq.find(|c: char| matches!(c, ';' | ',') || c.is_ascii_whitespace()).unwrap_or(after_eq.len());
            value = after_eq[..end].to_owned();
            rest = &after_eq[end..];
        }
    }
    let param = (!name.is_empty()).then_some((name, value));
    (param, rest)
}

/// `input` from its next comma outside a quoted string (or nothing); the caller's loop steps
/// over the comma.
fn skip_to_comma(input: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in input.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => return &input[i..],
            _ => {}
        }
    }
    ""
}

/// Why a next URL is not followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NextUrlProblem {
    /// On another origin than the API's.
    Foreign { origin: String, expected: String },
    /// Not usable at all.
    Bad(String),
}

/// `raw` (a next URL from a body or a `Link` header) as an absolute URL to follow: resolved
/// against the URL of the response that gave it, and on the API's origin (where the transport
/// sends the key) — or on the response's own origin when the response does not say which the
/// API's is (a source that builds its metadata by hand).
pub(crate) fn resolve(raw: &str, meta: &ResponseMeta) -> Result<String, NextUrlProblem> {
    let parsed = match meta.url() {
        Some(base) => base.join(raw),
        None => Url::parse(raw),
    };
    let url = parsed.map_err(|e| match (e, meta.url()) {
        (url::ParseError::RelativeUrlWithoutBase, None) => {
            NextUrlProblem::Bad("it is relative and the response's URL is unknown".into())
        }
        (e, _) => NextUrlProblem::Bad(format!("it is not a URL ({e})")),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(NextUrlProblem::Bad(format!("its scheme {:?} is not HTTP", url.scheme())));
    }
    let expected = meta.api_origin().cloned().or_else(|| meta.url().map(Url::origin));
    let Some(expected) = expected else {
        return Err(NextUrlProblem::Bad("the API's origin is unknown, so it cannot be checked".into()));
    };
    if url.origin() != expected {
        return Err(NextUrlProblem::Foreign {
            origin: url.origin().ascii_serialization(),
            expected: expected.ascii_serialization(),
        });
    }
    Ok(url.into())
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
