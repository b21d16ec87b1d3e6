//! One operation's request as the generated code describes it: method, path, parameters, body.
//! Kept as plain data so the transport can send it again on a retry.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use reqwest::Method;
use serde::Serialize;

use crate::error::InvalidRequest;
pub use crate::options::RequestOptions;
use crate::upload::{Progress, UploadSource};

/// A request ready for the transport.
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: Vec<(Cow<'static, str>, String)>,
    pub(crate) cookies: Vec<(std::borrow::Cow<'static, str>, String)>,
    pub(crate) body: Body,
    /// False for operations whose spec says `security: []`: they get no key at all.
    pub(crate) authenticated: bool,
    /// An absolute URL on the base URL's origin, sent instead of the base URL and `path` (a
    /// next-page URL, see [`Request::set_url`]).
    pub(crate) url: Option<url::Url>,
    /// Where it goes: the API, or signed storage (no credential of any kind).
    pub(crate) target: Target,
    /// Marked safe to send again whatever its method (a PUT of a fixed object, a signed POST of
    /// a fixed key); `None`: by its method and idempotency key.
    pub(crate) idempotent: Option<bool>,
    /// The caller's per-call choices.
    pub(crate) options: RequestOptions,
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// The API's base URL: credentials for its origin, paced.
    Api,
    /// A signed storage URL on another origin: no credential ever, not paced by the API's quotas.
    Storage,
}

#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Form(Bytes),
    Multipart(Vec<MultipartPart>),
    /// Sent as it is (see [`crate::raw`]): bytes, text or a file.
    Raw {
        content_type: String,
        body: crate::raw::RawBody,
    },
    /// An upload's content streamed as the whole body: a file opened again, or bytes cloned,
    /// for each attempt.
    Stream {
        content_type: String,
        source: UploadSource,
        progress: Option<Progress>,
    },
    /// A multipart form streamed: text fields, then the upload's content as one file part.
    StreamForm(StreamForm),
    /// A body that can be sent once only.
    OneShot(OneShot),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Empty => f.write_str("Empty"),
            Body::Json(b) => f.debug_tuple("Json").field(&b.len()).finish(),
            Body::Form(b) => f.debug_tuple("Form").field(&b.len()).finish(),
            Body::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
            Body::Raw { content_type, body } => {
                f.debug_struct("Raw").field("content_type", content_type).field("body", body).finish()
            }
            Body::Stream { content_type, source, .. } => {
                f.debug_struct("Stream").field("content_type", content_type).field("source", source).finish()
            }
            Body::StreamForm(form) => form.fmt(f),
            Body::OneShot(once) => once.fmt(f),
        }
    }
}

impl Body {
    /// Whether a second attempt can send it again.
    pub(crate) fn replayable(&self) -> bool {
        !matches!(self, Body::OneShot(_))
    }
}

/// A `multipart/form-data` body whose file part is streamed (never read whole) and sent again
/// from the start on a retry: the signed fields of a presigned POST, then the file.
#[derive(Clone)]
pub struct StreamForm {
    /// Text fields, in order, sent before the file.
    pub fields: Vec<(String, String)>,
    /// The file part's field name (`file`).
    pub file_field: String,
    /// The file name the server is told.
    pub file_name: String,
    /// The file part's media type.
    pub content_type: String,
    /// The content.
    pub source: UploadSource,
    /// Told (bytes sent, total) as the file goes out; from 0 again on each attempt.
    pub progress: Option<Progress>,
}

impl std::fmt::Debug for StreamForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Field values may be a storage signature: names only.
        f.debug_struct("StreamForm")
            .field("fields", &self.fields.iter().map(|(n, _)| n).collect::<Vec<_>>())
            .field("file_field", &self.file_field)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// A body taken by the first attempt (a caller's own `reqwest::Body` stream or form).
#[derive(Clone)]
pub(crate) struct OneShot(pub(crate) Arc<Mutex<Option<OneShotBody>>>);

pub(crate) enum OneShotBody {
    Raw { content_type: Option<String>, body: reqwest::Body },
    Form(reqwest::multipart::Form),
}

impl std::fmt::Debug for OneShot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OneShot")
    }
}

impl OneShot {
    pub(crate) fn new(body: OneShotBody) -> Self {
        Self(Arc::new(Mutex::new(Some(body))))
    }
    /// The body, the first time only.
    pub(crate) fn take(&self) -> Option<OneShotBody> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take()
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug)]
pub struct MultipartPart {
    /// The form field's name (made as the value is written for a bracketed or exploded field).
    pub name: Cow<'static, str>,
    /// The file name the server is told, if any.
    pub file_name: Option<String>,
    /// The part's media type, such as `image/png`.
    pub content_type: Option<String>,
    /// The part's content.
    pub data: Bytes,
}

impl Request {
    /// `path` is already expanded, its parameters percent-encoded (see [`path_segment`]).
    pub fn new(operation: &'static str, method: Method, path: String) -> Self {
        Self {
            operation,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::Empty,
            authenticated: true,
            url: None,
            target: Target::Api,
            idempotent: None,
            options: RequestOptions::default(),
        }
    }

    /// A request to a signed storage URL on another origin, through the same pipeline as any
    /// (redirects, retries of a replayable body, tracing) but never with a credential: the key,
    /// cookies and `Authorization` stay with the API. The transport refuses plain `http://`
    /// except to loopback, and any header that would carry a credential.
    pub fn storage(operation: &'static str, method: Method, url: url::Url) -> Self {
        let mut request = Self::new(operation, method, url.path().to_owned());
        request.authenticated = false;
        request.url = Some(url);
        request.target = Target::Storage;
        request
    }

    /// Says whether this request may be sent again after an answer was lost, whatever its
    /// method: `true` for a step the server applies once however often it arrives (a PUT of a
    /// fixed object, a signed POST to a fixed key).
    pub fn set_idempotent(&mut self, idempotent: bool) {
        self.idempotent = Some(idempotent);
    }

    /// Applies per-call options (timeout, retries, headers, idempotency key); later calls
    /// replace what earlier ones set.
    pub fn set_options(&mut self, options: RequestOptions) {
        self.options = self.options.clone().merge(options);
    }

    /// The per-call options.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// Whether its body can be sent again (all but a one-shot stream).
    pub fn is_replayable(&self) -> bool {
        self.body.replayable()
    }

    /// Sets a streamed body: the upload's content, reopened or cloned for each attempt.
    pub fn stream_body(&mut self, content_type: impl Into<String>, source: UploadSource, progress: Option<Progress>) {
        self.body = Body::Stream { content_type: content_type.into(), source, progress };
    }

    /// Sets a streamed multipart body.
    pub fn stream_form(&mut self, form: StreamForm) {
        self.body = Body::StreamForm(form);
    }

    /// Sets a body that is sent once: a failure after it is never retried, and the error says so.
    pub fn one_shot_body(&mut self, content_type: Option<String>, body: reqwest::Body) {
        self.body = Body::OneShot(OneShot::new(OneShotBody::Raw { content_type, body }));
    }

    /// Sets a multipart form that is sent once (see [`one_shot_body`](Self::one_shot_body)).
    pub fn one_shot_form(&mut self, form: reqwest::multipart::Form) {
        self.body = Body::OneShot(OneShot::new(OneShotBody::Form(form)));
    }

    /// Sends this request to `url` — an absolute URL, such as the next page's URL a listing
    /// hands to [`Source::fetch`](crate::paginate::Source::fetch) in
    /// [`Cursor::NextUrl`](crate::paginate::Cursor::NextUrl) — instead of the base URL and
    /// path. The URL's query replaces the query parameters set so far (a next-page URL carries
    /// them all); headers, auth, retries and pacing stay as for any request. The transport
    /// refuses a URL on another origin than the base URL's, so the key never follows one.
    pub fn set_url(&mut self, url: &str) -> Result<(), InvalidRequest> {
        let parsed = url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(|| {
            InvalidRequest {
                operation: self.operation,
                parameter: "url".into(),
                problem: "is not an absolute http(s) URL".into(),
            }
        })?;
        // Logs and spans show the path, as for any request.
        self.path = parsed.path().to_owned();
        self.query.clear();
        self.url = Some(parsed);
        Ok(())
    }

    /// The `operationId`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The expanded path, relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The query parameters in their wire form.
    pub fn query_pairs(&self) -> &[(Cow<'static, str>, String)] {
        &self.query
    }

    /// Whether sending it twice does what sending it once does: GET, HEAD, PUT, DELETE and
    /// OPTIONS, a request with an idempotency key, or one marked so
    /// ([`set_idempotent`](Self::set_idempotent)). POST and PATCH otherwise are not, so the
    /// default classifier retries them only where the server cannot have acted.
    pub fn is_idempotent(&self) -> bool {
        if let Some(marked) = self.idempotent {
            return marked;
        }
        self.options.idempotency_key.is_some() || !matches!(self.method, Method::POST | Method::PATCH)
    }

    /// Sends this request without the API key (the operation needs none, per its spec).
    pub fn without_auth(&mut self) {
        self.authenticated = false;
    }

    /// Adds a query parameter (already in its wire form).
    pub fn query(&mut self, name: &'static str, value: impl ToString) {
        self.query.push((Cow::Borrowed(name), value.to_string()));
    }

    /// Replaces query parameters of that name.
    pub fn set_query(&mut self, name: &'static str, value: Option<String>) {
        self.query.retain(|(n, _)| n != name);
        if let Some(value) = value {
            self.query.push((Cow::Borrowed(name), value));
        }
    }

    /// Adds a header parameter.
    pub fn header(&mut self, name: &'static str, value: impl ToString) {
        self.headers.push((Cow::Borrowed(name), value.to_string()));
    }

    /// Adds a header whose name is known only at run time (one an API told the caller to send).
    pub fn header_owned(&mut self, name: String, value: impl ToString) {
        self.headers.push((Cow::Owned(name), value.to_string()));
    }

    /// Adds a cookie parameter; all of them travel in one `Cookie` header, which never follows a
    /// redirect to another origin.
    pub fn cookie(&mut self, name: &'static str, value: impl ToString) {
        self.cookies.push((name.into(), value.to_string()));
    }

    /// A cookie whose name comes from a value (an exploded object parameter's member).
    pub fn cookie_pair(&mut self, name: String, value: String) {
        self.cookies.push((name.into(), value));
    }

    /// The `Cookie` header value: `a=1; b=2`, each value percent-encoded where a cookie cannot
    /// carry it (`;`, `,`, spaces, quotes, backslashes, non-ASCII).
    pub(crate) fn cookie_header(&self) -> Option<String> {
        if self.cookies.is_empty() {
            return None;
        }
        let encode = |value: &str| {
            value.bytes().fold(String::new(), |mut out, b| {
                if b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'"' | b'\\' | b'%') {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
                out
            })
        };
        // A name from a value (an object's member) may hold what a cookie name cannot: `=` too.
        let encode_name = |name: &str| encode(name).replace('=', "%3D");
        let pairs: Vec<String> =
            self.cookies.iter().map(|(name, value)| format!("{}={}", encode_name(name), encode(value))).collect();
        Some(pairs.join("; "))
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize>(&mut self, body: &T) -> Result<(), InvalidRequest> {
        let bytes = serde_json::to_vec(body).map_err(|e| InvalidRequest {
            operation: self.operation,
            parameter: "body".into(),
            problem: format!("cannot be serialized as JSON: {e}"),
        })?;
        self.body = Body::Json(bytes.into());
        Ok(())
    }

    /// Sets a multipart body.
    pub fn multipart(&mut self, parts: Vec<MultipartPart>) {
        self.body = Body::Multipart(parts);
    }

    /// Sets an `application/x-www-form-urlencoded` body from name/value pairs (a name may repeat).
    pub fn form<K: AsRef<str>>(&mut self, pairs: &[(K, String)]) {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (k.as_ref(), v.as_str())))
            .finish();
        self.body = Body::Form(encoded.into_bytes().into());
    }
}

/// Percent-encodes one path segment so `/` or `?` in a value cannot change the path.
pub fn path_segment(operation: &'static str, parameter: &str, value: &str) -> Result<String, InvalidRequest> {
    // URL parsers resolve `.` and `..` (even percent-encoded), and an empty segment collapses the
    // path: any of them would send the request to another resource.
    if matches!(value, "" | "." | "..") {
        return Err(InvalidRequest {
            operation,
            parameter: parameter.into(),
            problem: format!("is {value:?}, which cannot stand as a path segment"),
        });
    }
    Ok(encode_segment(value))
}

/// Percent-encodes every byte of `value` but the unreserved ones (letters, digits, `-._~`).
pub(crate) fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Checks a numeric parameter against the bounds its spec declares.
pub fn check_range(
    operation: &'static str,
    parameter: &str,
    value: f64,
    minimum: Option<f64>,
    maximum: Option<f64>,
) -> Result<(), InvalidRequest> {
    let problem = match (minimum, maximum) {
        (Some(min), _) if value < min => Some(format!("is {value}, below the minimum {min}")),
        (_, Some(max)) if value > max => Some(format!("is {value}, above the maximum {max}")),
        _ => None,
    };
    match problem {
        Some(problem) => Err(InvalidRequest { operation, parameter: parameter.into(), problem }),
        None => Ok(()),
    }
}

/// A file for a `multipart/form-data` request: its bytes, and optionally a file name and MIME type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePart {
    pub data: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl FilePart {
    pub fn new(data: impl Into<Bytes>) -> Self {
        Self { data: data.into(), file_name: None, content_type: None }
    }
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }
    #[must_use]
    pub fn content_type(mut self, mime: impl Into<String>) -> Self {
        self.content_type = Some(mime.into());
        self
    }
    /// The part named `name` of a multipart body.
    pub fn into_part(self, name: &'static str) -> MultipartPart {
        MultipartPart { name: name.into(), file_name: self.file_name, content_type: self.content_type, data: self.data }
    }
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("op", "id", "a/b?c d").expect("encodable"), "a%2Fb%3Fc%20d");
        assert_eq!(path_segment("op", "id", "%2e%2e").expect("the % is encoded"), "%252e%252e");
        assert_eq!(path_segment("op", "id", "猫").expect("utf-8"), "%E7%8C%AB");
    }

    #[test]
    fn form_bodies_are_url_encoded() {
        let mut request = super::Request::new("op", reqwest::Method::POST, "/p".into());
        request.form(&[("name", "猫 & dog".into()), ("tag", "a".into()), ("tag", "b".into())]);
        match &request.body {
            super::Body::Form(bytes) => assert_eq!(&bytes[..], b"name=%E7%8C%AB+%26+dog&tag=a&tag=b"),
            other => panic!("expected a form body, got {other:?}"),
        }
    }

    #[test]
    fn cookies_share_one_header_and_are_encoded() {
        let mut request = super::Request::new("op", reqwest::Method::GET, "/p".into());
        assert_eq!(request.cookie_header(), None);
        request.cookie("session", "a b;c");
        request.cookie("theme", "dark");
        assert_eq!(request.cookie_header().as_deref(), Some("session=a%20b%3Bc; theme=dark"));
        request.cookie_pair("a=b c".into(), "1".into());
        assert_eq!(request.cookie_header().as_deref(), Some("session=a%20b%3Bc; theme=dark; a%3Db%20c=1"));
    }

    #[test]
    fn dot_and_empty_segments_are_refused() {
        for value in ["", ".", ".."] {
            let error = path_segment("deleteMedia", "id", value).expect_err(value);
            assert_eq!(error.parameter, "id");
        }
    }
}
