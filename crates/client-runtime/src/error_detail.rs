//! The provider's own error code and message, read from an error response's JSON body so an
//! [`ApiError`](crate::ApiError) can say them in words.
//!
//! Read from the body rather than from the operation's typed error `E`: `E` is a generated enum
//! the runtime knows nothing about (no trait to ask it through), and the generator also builds
//! `ApiError` by struct literal, so the text has to ride on [`ResponseMeta`](crate::ResponseMeta),
//! which every construction path clones from the response.

use serde_json::Value;

/// Bodies larger than this are not searched: error envelopes are small, and a huge body is
/// better quoted by its excerpt than parsed on the error path.
const MAX_BODY: usize = 64 * 1024;

/// Longest message kept, in characters: enough for a sentence, not a dumped document.
const MAX_MESSAGE_CHARS: usize = 200;

/// Longest text accepted as a code: codes are identifiers (`invalid_api_key`, `E1234`).
const MAX_CODE_CHARS: usize = 64;

/// Where envelopes put their code, most specific first (`{error:{code}}` before `{code}`).
const CODE_POINTERS: &[&str] = &["/error/code", "/code", "/error_code", "/errorCode", "/errors/0/code", "/error"];

/// Where envelopes put their message: `{error:{message}}`, `{message}` (microCMS, GitHub),
/// OAuth's `error_description`, a list of errors, RFC 7807's `detail`/`title`.
const MESSAGE_POINTERS: &[&str] = &[
    "/error/message",
    "/message",
    "/error_description",
    "/errorMessage",
    "/errors/0/message",
    "/detail",
    "/title",
    "/error",
];

/// A provider's code and message, cleaned for one line of text and with every secret blanked out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ErrorDetail {
    pub code: Option<String>,
    pub message: Option<String>,
}

impl ErrorDetail {
    /// Reads the code and message of a JSON error body; `None` when it has neither.
    pub fn from_body(body: &[u8], secrets: &[&str]) -> Option<Self> {
        if body.len() > MAX_BODY || !body.trim_ascii_start().starts_with(b"{") {
            return None;
        }
        let value: Value = serde_json::from_slice(body).ok()?;
        let code = CODE_POINTERS.iter().find_map(|p| as_code(value.pointer(p)?));
        let message = MESSAGE_POINTERS
            .iter()
            .filter_map(|p| value.pointer(p)?.as_str())
            // `{"error": "invalid_token"}` is a code, already taken; not the message as well.
            .find(|text| Some(*text) != code.as_deref())
            .map(|text| clean(text, secrets, MAX_MESSAGE_CHARS))
            .filter(|text| !text.is_empty());
        let code = code.map(|c| clean(&c, secrets, MAX_CODE_CHARS)).filter(|c| !c.is_empty());
        (code.is_some() || message.is_some()).then_some(Self { code, message })
    }
}

/// A string or integer that reads as an identifier; prose (`"error": "Not found"`) is not a code.
fn as_code(value: &Value) -> Option<String> {
    match value {
        Value::String(s)
            if !s.is_empty() && s.chars().count() <= MAX_CODE_CHARS && !s.contains(char::is_whitespace) =>
        {
            Some(s.clone())
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// One line, secrets blanked, at most `max` characters: a server's text is shown, never trusted.
fn clean(text: &str, secrets: &[&str], max: usize) -> String {
    let mut text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "<redacted>");
    }
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Option<(Option<String>, Option<String>)> {
        ErrorDetail::from_body(body.as_bytes(), &["s3cret-key"]).map(|d| (d.code, d.message))
    }

    fn both(code: &str, message: &str) -> Option<(Option<String>, Option<String>)> {
        Some((Some(code.into()), Some(message.into())))
    }

    #[test]
    fn the_common_envelopes_give_code_and_message() {
        let nested = r#"{"data":null,"error":{"code":"invalid_api_key","message":"Invalid API key"},"meta":{}}"#;
        assert_eq!(read(nested), both("invalid_api_key", "Invalid API key"));
        assert_eq!(read(r#"{"message":"Not Found","documentation_url":"x"}"#), Some((None, Some("Not Found".into()))));
        assert_eq!(
            read(r#"{"error":"invalid_token","error_description":"expired"}"#),
            both("invalid_token", "expired")
        );
        assert_eq!(read(r#"{"error":"Something went wrong"}"#), Some((None, Some("Something went wrong".into()))));
        assert_eq!(read(r#"{"errors":[{"code":42,"message":"bad"}]}"#), both("42", "bad"));
        assert_eq!(
            read(r#"{"type":"about:blank","title":"Gone","detail":"moved"}"#),
            Some((None, Some("moved".into())))
        );
    }

    #[test]
    fn nothing_to_say_is_none() {
        for body in ["", "[]", "not json", r#"{"data":[]}"#, r#"{"message":""}"#, r#"{"code":{"x":1}}"#] {
            assert_eq!(read(body), None, "{body}");
        }
    }

    #[test]
    fn server_text_is_one_short_line_without_secrets() {
        let long = "x".repeat(500);
        let body = format!(r#"{{"message":"line one\nkey s3cret-key echoed {long}"}}"#);
        let message = read(&body).and_then(|(_, m)| m).unwrap_or_default();
        assert!(message.starts_with("line one key <redacted> echoed"), "{message}");
        assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert!(!message.contains('\n'));
    }
}
