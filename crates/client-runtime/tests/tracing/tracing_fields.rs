//! The tracing a call leaves, captured by a small subscriber layer: one span per call with the
//! OpenTelemetry HTTP client fields, one event per attempt, and never the key.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use client_runtime::__private::Request;
use client_runtime::http::Method;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

use crate::common::{client, lock, serve, shared, QueryKey, Shared, KEY};

/// The two tests set their own subscriber and rebuild the callsites' interest: one at a time,
/// so neither rebuilds it while the other's spans are being recorded.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Every field recorded, by span (its name and fields) and by event.
#[derive(Default, Debug)]
struct Captured {
    spans: BTreeMap<u64, (String, BTreeMap<String, String>)>,
    events: Vec<BTreeMap<String, String>>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        let mut captured = self.0.lock().unwrap_or_else(|e| e.into_inner());
        captured.spans.insert(id.into_u64(), (attrs.metadata().name().to_owned(), fields));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        let mut captured = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, fields)) = captured.spans.get_mut(&id.into_u64()) {
            values.record(&mut Fields(fields));
        }
    }
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap_or_else(|e| e.into_inner()).events.push(fields);
    }
}

impl Capture {
    /// The fields of the call spans of `operation`.
    fn calls(&self, operation: &str) -> Vec<BTreeMap<String, String>> {
        let captured = self.0.lock().unwrap_or_else(|e| e.into_inner());
        captured
            .spans
            .values()
            .filter(|(_, fields)| fields.get("otel.name").map(String::as_str) == Some(operation))
            .map(|(_, fields)| fields.clone())
            .collect()
    }
    fn attempts(&self) -> Vec<BTreeMap<String, String>> {
        let captured = self.0.lock().unwrap_or_else(|e| e.into_inner());
        captured.events.iter().filter(|e| e.get("message").map(String::as_str) == Some("attempt")).cloned().collect()
    }
    fn everything(&self) -> String {
        format!("{:?}", self.0.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[tokio::test]
async fn a_call_has_one_span_with_the_http_client_fields_and_an_event_per_attempt() {
    let capture = Capture::default();
    let _serial = ONE_AT_A_TIME.lock().await;
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    // A callsite first reached by a test running without a subscriber may have cached "no
    // interest" (tracing keeps that per callsite, process-wide): recompute it with this one set.
    tracing::callsite::rebuild_interest_cache();
    let hits: Shared<u32> = shared();
    let counter = hits.clone();
    let app = Router::new().route(
        "/v1/media",
        get(move || async move {
            let mut hits = lock(&counter);
            *hits += 1;
            if *hits == 1 {
                (StatusCode::SERVICE_UNAVAILABLE, "{}")
            } else {
                (StatusCode::OK, "{}")
            }
        }),
    );
    let addr = serve(app).await;
    let client = client::<QueryKey>(addr).build().expect("client");
    let mut request = Request::new("listMedia", Method::GET, "/media".into());
    request.query("page", "2".to_owned());
    request.query("Signature", "s1gnature-value".to_owned());
    client.transport().execute::<()>(request).await.expect("200 after a retried 503");

    let calls = capture.calls("listMedia");
    assert_eq!(calls.len(), 1, "one span per call: {calls:?}");
    let call = &calls[0];
    let field = |name: &str| call.get(name).map(String::as_str);
    assert_eq!(field("otel.kind"), Some("client"));
    assert_eq!(field("http.request.method"), Some("GET"));
    assert_eq!(field("server.address"), Some("127.0.0.1"));
    assert_eq!(field("server.port"), Some(addr.port().to_string().as_str()));
    assert_eq!(
        field("url.full"),
        Some(format!("http://{addr}/v1/media?page=2&Signature=REDACTED&api_key=REDACTED").as_str())
    );
    assert_eq!(field("http.response.status_code"), Some("200"));
    assert_eq!(field("http.request.resend_count"), Some("1"));
    assert_eq!(field("error.type"), None, "the call succeeded");

    let attempts = capture.attempts();
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    let first = |name: &str| attempts[0].get(name).map(String::as_str);
    assert_eq!((first("http.request.resend_count"), first("http.response.status_code")), (Some("0"), Some("503")));
    assert_eq!(first("error.type"), Some("503"));
    assert_eq!(attempts[1].get("http.request.resend_count").map(String::as_str), Some("1"));

    let everything = capture.everything();
    assert!(!everything.contains(KEY), "the key reached tracing: {everything}");
    assert!(!everything.contains("s1gnature-value"), "a signature reached tracing: {everything}");
}

#[tokio::test]
async fn a_failed_call_records_its_error_type() {
    let capture = Capture::default();
    let _serial = ONE_AT_A_TIME.lock().await;
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    // A callsite first reached by a test running without a subscriber may have cached "no
    // interest" (tracing keeps that per callsite, process-wide): recompute it with this one set.
    tracing::callsite::rebuild_interest_cache();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = client::<QueryKey>(addr).no_retries().build().expect("client");
    client
        .transport()
        .execute::<()>(Request::new("getMedia", Method::GET, "/media/1".into()))
        .await
        .expect_err("refused");
    let calls = capture.calls("getMedia");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].get("error.type").map(String::as_str), Some("connect"));
    assert_eq!(calls[0].get("http.response.status_code"), None);
    assert_eq!(calls[0].get("http.request.resend_count"), None, "no resend without retries");
    let everything = capture.everything();
    assert!(!everything.contains(KEY), "the key reached tracing: {everything}");
}
