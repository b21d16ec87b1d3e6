//! The `Link` header parser and the next-URL checks.

use reqwest::header::{HeaderMap, HeaderValue, LINK};
use reqwest::StatusCode;
use url::Url;

use super::*;

fn headers(values: &[&'static str]) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for value in values {
        headers.append(LINK, HeaderValue::from_static(value));
    }
    headers
}

fn next(values: &[&'static str]) -> Option<String> {
    link_with_rel(&headers(values), "next")
}

#[test]
fn github_style_links() {
    let value = "<https://api.github.com/repositories/1/issues?per_page=2&page=3>; rel=\"next\", \
                 <https://api.github.com/repositories/1/issues?per_page=2&page=50>; rel=\"last\", \
                 <https://api.github.com/repositories/1/issues?per_page=2&page=1>; rel=\"first\"";
    assert_eq!(next(&[value]).as_deref(), Some("https://api.github.com/repositories/1/issues?per_page=2&page=3"));
    assert_eq!(
        link_with_rel(&headers(&[value]), "last").as_deref(),
        Some("https://api.github.com/repositories/1/issues?per_page=2&page=50")
    );
    assert_eq!(link_with_rel(&headers(&[value]), "prev"), None);
}

#[test]
fn rel_lists_case_and_tokens() {
    assert_eq!(next(&["</a>; rel=\"next last\""]).as_deref(), Some("/a"));
    assert_eq!(next(&["</a>; rel=\"last  NEXT\""]).as_deref(), Some("/a"));
    assert_eq!(next(&["</a>; REL=Next"]).as_deref(), Some("/a"), "unquoted token, names case-insensitive");
    assert_eq!(next(&["</a>; rel=nextpage"]), None, "a relation is a whole word");
    assert_eq!(next(&["</a>; rel=\"prev\"; rel=\"next\""]), None, "only the first rel counts");
    assert_eq!(next(&["</a>; title=\"next\""]), None, "another parameter is no relation");
}

#[test]
fn commas_and_semicolons_inside_urls_and_quotes_do_not_split() {
    let value = "</p?a=1,2;b=3>; title=\"x, y; rel=next\"; rel=\"prev\", </q?c=,>; rel=next";
    assert_eq!(next(&[value]).as_deref(), Some("/q?c=,"));
    let links = parse_links(value);
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].target, "/p?a=1,2;b=3");
    assert_eq!(links[0].params[0], ("title".into(), "x, y; rel=next".into()));
    let escaped = parse_links(r#"</e>; title="a \"quoted\" \\ word"; rel=next"#);
    assert_eq!(escaped[0].params[0].1, r#"a "quoted" \ word"#);
}

#[test]
fn several_headers_and_whitespace() {
    assert_eq!(next(&["</first>; rel=prev", "  <  /second >  ;  rel = \"next\"  "]).as_deref(), Some("/second"));
    assert_eq!(next(&["</a>;rel=next,</b>;rel=next"]).as_deref(), Some("/a"), "the first next wins");
}

#[test]
fn malformed_headers_yield_what_can_be_read() {
    assert_eq!(next(&[""]), None);
    assert_eq!(next(&["garbage"]), None);
    assert_eq!(next(&["<unterminated; rel=next"]), None);
    assert_eq!(next(&["junk; rel=next, </ok>; rel=next"]).as_deref(), Some("/ok"));
    // Junk is skipped to the next comma outside quotes: a link inside its quoted text is not one.
    let quoted = "junk \"x, </inside>; rel=next\", </ok>; rel=next";
    assert_eq!(next(&[quoted]).as_deref(), Some("/ok"));
    let escaped = "junk \"a \\\", </inside>; rel=next, b\", </ok>; rel=next";
    assert_eq!(next(&[escaped]).as_deref(), Some("/ok"), "an escaped quote does not end the quoted text");
    let bare = "junk \\\"x, </inside>; rel=next\", </ok>; rel=next";
    assert_eq!(next(&[bare]).as_deref(), Some("/ok"), "outside quotes a backslash escapes nothing");
    assert_eq!(next(&["</a>; rel=next junk \"unterminated, </b>; rel=next"]).as_deref(), Some("/a"));
    assert_eq!(next(&["</a>; rel=\"next"]).as_deref(), Some("/a"), "an unterminated quote ends at the header's end");
    assert_eq!(next(&["</a>; rel=prev </b>; rel=next"]), None, "a link not after a comma is junk of the one before");
    assert_eq!(next(&["</a>;;; =x; rel=next"]).as_deref(), Some("/a"));
    assert_eq!(next(&["</a>; rel"]), None, "a rel without a value");
    // No input panics or loops.
    for text in ["<", ">", ";", ",", "\"", "<>;", "<a>;\"", "<a>; rel=\"\\", "<a>,,,;;;<b>", "\\"] {
        let _ = parse_links(text);
    }
}

fn meta(url: &str) -> ResponseMeta {
    let base = Url::parse(url).expect("a test URL");
    ResponseMeta::new("listTest", StatusCode::OK, HeaderMap::new(), 1).with_url(base)
}

#[test]
fn next_urls_resolve_against_the_response() {
    let m = meta("https://api.twilio.example/2010-04-01/Accounts/AC1/Messages.json?PageSize=2");
    assert_eq!(
        resolve("/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA", &m).as_deref(),
        Ok("https://api.twilio.example/2010-04-01/Accounts/AC1/Messages.json?Page=1&PageToken=PA")
    );
    assert_eq!(
        resolve("?page=2", &m).as_deref(),
        Ok("https://api.twilio.example/2010-04-01/Accounts/AC1/Messages.json?page=2")
    );
    assert_eq!(
        resolve("https://api.twilio.example:443/x", &m).as_deref(),
        Ok("https://api.twilio.example/x"),
        "the default port is the same origin"
    );
}

#[test]
fn next_urls_stay_on_the_api_origin() {
    let m = meta("https://api.example/v1/items");
    let foreign = |raw: &str| match resolve(raw, &m) {
        Err(NextUrlProblem::Foreign { origin, expected }) => Some((origin, expected)),
        _ => None,
    };
    let expected = "https://api.example".to_owned();
    assert_eq!(
        foreign("https://evil.example/v1/items?page=2"),
        Some(("https://evil.example".into(), expected.clone()))
    );
    assert_eq!(foreign("http://api.example/v1/items"), Some(("http://api.example".into(), expected.clone())));
    assert_eq!(foreign("https://api.example:8443/v1"), Some(("https://api.example:8443".into(), expected.clone())));
    assert_eq!(foreign("//evil.example/v1"), Some(("https://evil.example".into(), expected)), "scheme-relative");
    assert!(matches!(resolve("ftp://api.example/x", &m), Err(NextUrlProblem::Bad(_))));
    assert!(matches!(resolve("https://[::1", &m), Err(NextUrlProblem::Bad(_))));
}

#[test]
fn the_api_origin_wins_over_the_response_url() {
    // A response that came from elsewhere (after a redirect): its links are not the API's.
    let mut m = meta("https://cdn.example/v1/items");
    m.api_origin = Some(Url::parse("https://api.example").expect("url").origin());
    assert!(matches!(resolve("/v1/items?page=2", &m), Err(NextUrlProblem::Foreign { .. })));
    assert_eq!(resolve("https://api.example/v1?page=2", &m).as_deref(), Ok("https://api.example/v1?page=2"));
}

#[test]
fn without_a_response_url_only_relative_links_fail() {
    let m = ResponseMeta::new("listTest", StatusCode::OK, HeaderMap::new(), 1);
    assert!(matches!(resolve("/v1?page=2", &m), Err(NextUrlProblem::Bad(why)) if why.contains("relative")));
    assert!(matches!(resolve("https://api.example/v1", &m), Err(NextUrlProblem::Bad(why)) if why.contains("origin")));
}
