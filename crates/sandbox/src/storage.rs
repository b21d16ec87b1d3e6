//! The signed-storage endpoint: a second server on another port (another origin), as the real
//! services' object stores are. It checks each URL's signature and expiry, streams what it is
//! sent (counting, hashing and keeping only small files, so a 100 MB upload costs no memory),
//! records every request, and says whether any API key ever reached it.
//!
//! Three ways in, as the vendors document them:
//! - `PUT /objects/{key}?expires=…&signature=…` with the file as the body (PostEverywhere `PUT`);
//! - `POST /objects/{key}?expires=…&signature=…`, multipart, the file in field `file`
//!   (PostEverywhere multipart `POST`);
//! - `POST /bucket`, multipart: signed fields (`key`, `Content-Type`, `expires`, `policy`,
//!   `x-amz-signature`) then `file` (UTAGE's presigned POST); answers 204.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, put};
use axum::Extension;
use axum::Router;
use futures::StreamExt;

use crate::providers::parse_query;
use crate::state::lock;
use crate::util::{fnv1a, now_unix_ms};

/// Files up to this size are kept whole, so tests can compare what arrived.
pub const KEPT_CONTENT_BYTES: u64 = 1024 * 1024;
/// Requests remembered (oldest dropped first).
const MAX_RECORDS: usize = 1_000;

/// One request that reached the storage origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageRecord {
    pub method: String,
    /// The path, without the query (which holds the signature).
    pub path: String,
    pub status: u16,
    /// Credential headers present (`authorization`, `x-microcms-api-key`, `cookie`, …).
    pub credential_headers: Vec<String>,
    /// The sandbox's API key, or anything shaped like one (`Bearer …`, `pe_live_…`), was in a
    /// header, the query or a form field.
    pub api_key_seen: bool,
    /// The names of the multipart fields, in order (values are not kept).
    pub fields: Vec<String>,
    pub content_type: Option<String>,
    /// File bytes received.
    pub bytes: u64,
}

/// A file storage holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub key: String,
    pub content_type: Option<String>,
    pub size: u64,
    /// FNV-1a 64 of the content (seed 0).
    pub checksum: u64,
    /// The whole content, for files up to [`KEPT_CONTENT_BYTES`].
    pub content: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
struct StorageFaults {
    latency: Duration,
    fail_next: u32,
    fail_status: u16,
    expire_next: u32,
    url_ttl: Duration,
    /// Each object's first request is answered this status (`SlowDown`), after its body is read.
    fail_first_attempt: Option<u16>,
    /// Objects whose first request was answered already.
    attempted: HashSet<String>,
    /// The next N requests carrying a file are cut off mid-body: the connection closes.
    drop_mid_body: u32,
}

#[derive(Default)]
struct StorageState {
    records: Vec<StorageRecord>,
    objects: HashMap<String, StoredObject>,
}

pub(crate) struct Storage {
    secret: u64,
    api_key: String,
    origin: OnceLock<String>,
    faults: Mutex<StorageFaults>,
    state: Mutex<StorageState>,
}

/// A signed POST: where to send it and the fields to send first.
pub(crate) struct PresignedPost {
    pub url: String,
    pub fields: Vec<(String, String)>,
}

impl Storage {
    pub fn new(seed: u64, api_key: &str) -> Self {
        Storage {
            secret: fnv1a(seed, b"storage-secret"),
            api_key: api_key.to_owned(),
            origin: OnceLock::new(),
            faults: Mutex::new(StorageFaults {
                latency: Duration::ZERO,
                fail_next: 0,
                fail_status: 500,
                expire_next: 0,
                url_ttl: Duration::from_secs(3600),
                fail_first_attempt: None,
                attempted: HashSet::new(),
                drop_mid_body: 0,
            }),
            state: Mutex::new(StorageState::default()),
        }
    }

    pub fn set_origin(&self, origin: String) {
        let _ = self.origin.set(origin);
    }

    pub fn origin(&self) -> &str {
        self.origin.get().map_or("http://127.0.0.1:0", String::as_str)
    }

    pub fn url_ttl(&self) -> Duration {
        lock(&self.faults).url_ttl
    }

    fn sign(&self, method: &str, key: &str, expires: i64, extra: &str) -> String {
        format!("{:016x}", fnv1a(self.secret, format!("{method}|{key}|{expires}|{extra}").as_bytes()))
    }

    fn expiry(&self) -> i64 {
        let ttl = i64::try_from(self.url_ttl().as_millis()).unwrap_or(i64::MAX);
        now_unix_ms().saturating_add(ttl) / 1000
    }

    /// A signed URL for `method` (`PUT` or `POST`) on the object `key`.
    pub fn signed_url(&self, method: &str, key: &str) -> String {
        let expires = self.expiry();
        let signature = self.sign(method, key, expires, "");
        format!("{}/objects/{key}?expires={expires}&signature={signature}", self.origin())
    }

    /// A presigned POST for `key`, bound to its content type.
    pub fn presigned_post(&self, key: &str, content_type: &str) -> PresignedPost {
        let expires = self.expiry();
        let policy = crate::util::base64_encode(format!("{{\"key\":\"{key}\",\"expires\":{expires}}}").as_bytes());
        let signature = self.sign("FORM", key, expires, content_type);
        PresignedPost {
            url: format!("{}/bucket", self.origin()),
            fields: vec![
                ("key".into(), key.into()),
                ("Content-Type".into(), content_type.into()),
                ("expires".into(), expires.to_string()),
                ("policy".into(), policy),
                ("x-amz-signature".into(), signature),
            ],
        }
    }

    pub fn object(&self, key: &str) -> Option<StoredObject> {
        lock(&self.state).objects.get(key).cloned()
    }

    pub fn remove(&self, key: &str) {
        lock(&self.state).objects.remove(key);
    }

    fn record(&self, record: StorageRecord) {
        let mut state = lock(&self.state);
        if state.records.len() >= MAX_RECORDS {
            state.records.remove(0);
        }
        state.records.push(record);
    }

    fn key_like(&self, value: &str) -> bool {
        (!self.api_key.is_empty() && value.contains(&self.api_key))
            || value.trim_start().to_ascii_lowercase().starts_with("bearer ")
            || value.contains("pe_live_")
    }
}

pub(crate) fn router(storage: Arc<Storage>) -> Router {
    Router::new()
        .route("/objects/{key}", put(put_object).post(post_object))
        .route("/bucket", post(post_form))
        .layer(DefaultBodyLimit::disable())
        .with_state(storage)
}

/// What every request passes first: latency, injected failures, credential bookkeeping.
struct Intake {
    record: StorageRecord,
}

async fn intake(storage: &Storage, method: &Method, path: &str, headers: &HeaderMap, query: &str) -> Intake {
    let latency = lock(&storage.faults).latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let credential_headers: Vec<String> = ["authorization", "proxy-authorization", "x-microcms-api-key", "cookie"]
        .iter()
        .filter(|name| headers.contains_key(**name))
        .map(|name| (*name).to_owned())
        .collect();
    let in_headers = headers.values().any(|v| v.to_str().is_ok_and(|v| storage.key_like(v)));
    let in_query = parse_query(query).iter().any(|(_, v)| storage.key_like(v));
    Intake {
        record: StorageRecord {
            method: method.to_string(),
            path: path.to_owned(),
            status: 0,
            api_key_seen: in_headers || in_query || !credential_headers.is_empty(),
            credential_headers,
            fields: Vec::new(),
            content_type: headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned),
            bytes: 0,
        },
    }
}

fn xml_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

/// An injected failure or expiry, used up one per request.
fn injected(storage: &Storage) -> Option<Response> {
    let mut f = lock(&storage.faults);
    if f.expire_next > 0 {
        f.expire_next -= 1;
        return Some(xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired"));
    }
    if f.fail_next > 0 {
        f.fail_next -= 1;
        let status = StatusCode::from_u16(f.fail_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Some(xml_error(status, "InternalError", "We encountered an internal error. Please try again."));
    }
    None
}

/// The status this object's first request gets, once per object, when that switch is on.
fn first_attempt_refusal(storage: &Storage, key: &str) -> Option<u16> {
    let mut f = lock(&storage.faults);
    let status = f.fail_first_attempt?;
    f.attempted.insert(key.to_owned()).then_some(status)
}

fn slow_down(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    xml_error(status, "SlowDown", "Please reduce your request rate.")
}

/// Whether this request's body is to be cut off (one unit of the switch).
fn cut_mid_body(storage: &Storage) -> bool {
    crate::faults::take(&mut lock(&storage.faults).drop_mid_body)
}

/// Closes the connection under the request and never answers: the client sees it cut mid-body.
async fn hang_up(kill: &serve::Kill) -> Response {
    kill.0.notify_one();
    std::future::pending().await
}

fn check_signature(
    storage: &Storage,
    method: &str,
    key: &str,
    expires: Option<&str>,
    signature: Option<&str>,
    extra: &str,
) -> Option<Response> {
    let (Some(expires), Some(signature)) = (expires, signature) else {
        return Some(xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Missing signature"));
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return Some(xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Malformed expiry"));
    };
    if storage.sign(method, key, expires, extra) != signature {
        return Some(xml_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch", "The request signature does not match"));
    }
    if now_unix_ms() / 1000 > expires {
        return Some(xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired"));
    }
    None
}

/// Counts, hashes and (for small files) keeps a stream of chunks.
#[derive(Default)]
struct Sink {
    size: u64,
    checksum: u64,
    content: Option<Vec<u8>>,
}

impl Sink {
    fn new() -> Self {
        Sink { size: 0, checksum: 0xcbf2_9ce4_8422_2325, content: Some(Vec::new()) }
    }

    fn push(&mut self, chunk: &[u8]) {
        for b in chunk {
            self.checksum ^= u64::from(*b);
            self.checksum = self.checksum.wrapping_mul(0x0100_0000_01b3);
        }
        self.size += chunk.len() as u64;
        if self.size > KEPT_CONTENT_BYTES {
            self.content = None;
        } else if let Some(content) = &mut self.content {
            content.extend_from_slice(chunk);
        }
    }

    fn into_object(self, key: &str, content_type: Option<String>) -> StoredObject {
        StoredObject {
            key: key.to_owned(),
            content_type,
            size: self.size,
            checksum: self.checksum,
            content: self.content,
        }
    }
}

fn finish(storage: &Storage, mut intake: Intake, response: Response) -> Response {
    intake.record.status = response.status().as_u16();
    storage.record(intake.record);
    response
}

async fn put_object(
    State(storage): State<Arc<Storage>>,
    Extension(kill): Extension<serve::Kill>,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let query = query.unwrap_or_default();
    let mut intake = intake(&storage, &Method::PUT, &format!("/objects/{key}"), &headers, &query).await;
    let params = parse_query(&query);
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if let Some(refused) =
        injected(&storage).or_else(|| check_signature(&storage, "PUT", &key, get("expires"), get("signature"), ""))
    {
        return finish(&storage, intake, refused);
    }
    let refusal = first_attempt_refusal(&storage, &key);
    let cut = cut_mid_body(&storage);
    let mut sink = Sink::new();
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(_) if cut => return hang_up(&kill).await,
            Ok(chunk) => sink.push(&chunk),
            Err(_) => {
                return finish(
                    &storage,
                    intake,
                    xml_error(StatusCode::BAD_REQUEST, "IncompleteBody", "The body was cut short"),
                )
            }
        }
    }
    intake.record.bytes = sink.size;
    if let Some(status) = refusal {
        return finish(&storage, intake, slow_down(status));
    }
    let object = sink.into_object(&key, intake.record.content_type.clone());
    let etag = format!("\"{:016x}\"", object.checksum);
    lock(&storage.state).objects.insert(key, object);
    finish(&storage, intake, (StatusCode::OK, [(header::ETAG, etag)]).into_response())
}

/// Reads a multipart body: text fields until `file`, then the file streamed into a sink.
async fn read_form(
    intake: &mut Intake,
    storage: &Storage,
    kill: &serve::Kill,
    mut form: Multipart,
) -> Result<(Vec<(String, String)>, Option<(Sink, Option<String>)>), Response> {
    let bad = |message: &str| xml_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest", message);
    let mut fields = Vec::new();
    let mut file = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err(bad("The body of your POST request is not well-formed multipart/form-data.")),
        };
        let name = field.name().unwrap_or_default().to_owned();
        intake.record.fields.push(name.clone());
        if name == "file" {
            let content_type = field.content_type().map(str::to_owned);
            let cut = cut_mid_body(storage);
            let mut sink = Sink::new();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(_)) if cut => return Err(hang_up(kill).await),
                    Ok(Some(chunk)) => sink.push(&chunk),
                    Ok(None) => break,
                    Err(_) => return Err(bad("The file part was cut short.")),
                }
            }
            intake.record.bytes = sink.size;
            file = Some((sink, content_type));
            // Fields after the file are ignored, as S3 does.
            break;
        }
        let value = field.text().await.map_err(|_| bad("A form field could not be read."))?;
        if storage.key_like(&value) {
            intake.record.api_key_seen = true;
        }
        fields.push((name, value));
    }
    Ok((fields, file))
}

async fn post_object(
    State(storage): State<Arc<Storage>>,
    Extension(kill): Extension<serve::Kill>,
    Path(key): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    form: Multipart,
) -> Response {
    let query = query.unwrap_or_default();
    let mut intake = intake(&storage, &Method::POST, &format!("/objects/{key}"), &headers, &query).await;
    let params = parse_query(&query);
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if let Some(refused) =
        injected(&storage).or_else(|| check_signature(&storage, "POST", &key, get("expires"), get("signature"), ""))
    {
        return finish(&storage, intake, refused);
    }
    let refusal = first_attempt_refusal(&storage, &key);
    let read = read_form(&mut intake, &storage, &kill, form).await;
    if let (Ok(_), Some(status)) = (&read, refusal) {
        return finish(&storage, intake, slow_down(status));
    }
    match read {
        Err(response) => finish(&storage, intake, response),
        Ok((_, None)) => {
            finish(&storage, intake, xml_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest", "No file field."))
        }
        Ok((_, Some((sink, content_type)))) => {
            let object = sink.into_object(&key, content_type);
            lock(&storage.state).objects.insert(key, object);
            let body = axum::Json(serde_json::json!({ "success": true }));
            finish(&storage, intake, (StatusCode::OK, body).into_response())
        }
    }
}

async fn post_form(
    State(storage): State<Arc<Storage>>,
    Extension(kill): Extension<serve::Kill>,
    headers: HeaderMap,
    form: Multipart,
) -> Response {
    let mut intake = intake(&storage, &Method::POST, "/bucket", &headers, "").await;
    if let Some(refused) = injected(&storage) {
        return finish(&storage, intake, refused);
    }
    let (fields, file) = match read_form(&mut intake, &storage, &kill, form).await {
        Ok(read) => read,
        Err(response) => return finish(&storage, intake, response),
    };
    let field = |name: &str| fields.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    let key = field("key").unwrap_or_default().to_owned();
    let content_type = field("Content-Type").unwrap_or_default().to_owned();
    if let Some(refused) =
        check_signature(&storage, "FORM", &key, field("expires"), field("x-amz-signature"), &content_type)
    {
        return finish(&storage, intake, refused);
    }
    let Some((sink, _)) = file else {
        return finish(&storage, intake, xml_error(StatusCode::BAD_REQUEST, "MalformedPOSTRequest", "No file field."));
    };
    if let Some(status) = first_attempt_refusal(&storage, &key) {
        return finish(&storage, intake, slow_down(status));
    }
    let object = sink.into_object(&key, Some(content_type));
    lock(&storage.state).objects.insert(key, object);
    finish(&storage, intake, StatusCode::NO_CONTENT.into_response())
}

mod handle;
mod serve;
pub use handle::StorageHandle;
pub(crate) use serve::serve;
