//! Each generated client on the wire, against a local recording server: the request's method,
//! path, query and auth header, and the decoding of every response example its spec documents
//! (success and each declared error).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::{json, Value};

/// What the server saw, and what it answers next.
#[derive(Default)]
struct Exchange {
    seen: Vec<(Method, Uri, HeaderMap)>,
    answer: (u16, Value),
}

struct Recorder {
    addr: SocketAddr,
    state: Arc<Mutex<Exchange>>,
}

impl Recorder {
    async fn start() -> Recorder {
        let state = Arc::new(Mutex::new(Exchange::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(move |method: Method, uri: Uri, headers: HeaderMap, _body: Bytes| {
            let shared = shared.clone();
            async move {
                let mut exchange = shared.lock().expect("lock");
                exchange.seen.push((method, uri, headers));
                let (status, body) = exchange.answer.clone();
                let status = StatusCode::from_u16(status).expect("valid status");
                (status, [("content-type", "application/json")], body.to_string())
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
        Recorder { addr, state }
    }

    fn answer(&self, status: u16, body: Value) {
        self.state.lock().expect("lock").answer = (status, body);
    }

    fn last(&self) -> (Method, Uri, HeaderMap) {
        self.state.lock().expect("lock").seen.last().cloned().expect("a request arrived")
    }

    fn url(&self, prefix: &str) -> String {
        format!("http://{}{prefix}", self.addr)
    }
}

/// The `example` of each documented response of `method path` in a spec, `$ref`s followed.
fn examples(provider: &str, path: &str, method: &str) -> Vec<(u16, Value)> {
    let file = format!("{}/../specs/{provider}/openapi.yaml", env!("CARGO_MANIFEST_DIR"));
    let spec: Value = serde_yaml::from_str(&std::fs::read_to_string(file).expect("spec")).expect("yaml");
    let responses = &spec["paths"][path][method]["responses"];
    let mut found = Vec::new();
    for (status, response) in responses.as_object().expect("responses") {
        let response = match response["$ref"].as_str() {
            Some(r) => &spec["components"]["responses"][r.rsplit('/').next().expect("ref name")],
            None => response,
        };
        let example = &response["content"]["application/json"]["example"];
        if !example.is_null() {
            found.push((status.parse().expect("numeric status"), example.clone()));
        }
    }
    found
}

/// Optional fields that are null or absent both decode to `None`, so compare without nulls.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, without_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// The typed value, serialized again, equals the JSON it was decoded from.
fn assert_round_trip<T: serde::Serialize>(decoded: &T, wire: &Value) {
    let again = serde_json::to_value(decoded).expect("serialize");
    assert_eq!(without_nulls(again), without_nulls(wire.clone()));
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect();
    pairs.sort();
    pairs
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<_> = items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    v.sort();
    v
}

#[tokio::test]
async fn utage_list_media_on_the_wire() {
    use utage_client::operations::ListMediaError;
    let server = Recorder::start().await;
    let client = utage_client::Client::builder()
        .base_url(server.url("/v1"))
        .api_key("utage-secret")
        .no_retries()
        .build()
        .expect("client");
    // The spec's 200 has no example; this body follows its schema and the docs (`Y-m-d H:i:s`).
    let page = json!({
        "data": [{"id": "m1", "name": "猫.png", "url": "https://cdn.example/猫.png", "size": 2048,
                  "mime_type": "image/png", "folder_id": null, "created_at": "2024-05-01 12:34:56"}],
        "meta": {"current_page": 2, "per_page": 50, "total": 51}
    });
    server.answer(200, page.clone());
    let response = client.list_media().keyword("猫").folder_id("f1").page(2).per_page(50).send().await.expect("200");
    let (method, uri, headers) = server.last();
    assert_eq!(method, Method::GET);
    assert_eq!(uri.path(), "/v1/media");
    assert_eq!(query_pairs(&uri), pairs(&[("keyword", "猫"), ("folder_id", "f1"), ("page", "2"), ("per_page", "50")]));
    assert_eq!(headers["authorization"], "Bearer utage-secret");
    assert_round_trip(response.body(), &page);
    let first = &response.data.as_ref().expect("data")[0];
    let created = first.created_at.as_ref().and_then(|t| t.get()).expect("`Y-m-d H:i:s` parses");
    assert_eq!(created, time::macros::datetime!(2024-05-01 12:34:56));
    assert_eq!(first.folder_id, None);

    let errors = examples("utage", "/media", "get");
    assert_eq!(errors.iter().map(|e| e.0).collect::<Vec<_>>(), [401, 429]);
    for (status, example) in errors {
        server.answer(status, example.clone());
        let error = client.list_media().send().await.expect_err("error status");
        assert_eq!(error.status(), Some(status));
        let body = match error.api_error().expect("a declared error") {
            ListMediaError::Unauthorized(body) => (401, body),
            ListMediaError::TooManyRequests(body) => (429, body),
            other => panic!("unexpected variant {other:?}"),
        };
        assert_eq!(body.0, status);
        assert_round_trip(body.1, &example);
    }
}

#[tokio::test]
async fn posteverywhere_list_media_on_the_wire() {
    use posteverywhere_client::operations::ListMediaError;
    use posteverywhere_client::types::MediaType;
    let server = Recorder::start().await;
    let client = posteverywhere_client::Client::builder()
        .base_url(server.url("/api/v1"))
        .api_key("pe-secret")
        .no_retries()
        .build()
        .expect("client");
    let documented = examples("posteverywhere", "/media", "get");
    assert_eq!(documented.iter().map(|e| e.0).collect::<Vec<_>>(), [200, 401, 429]);
    for (status, example) in documented {
        server.answer(status, example.clone());
        let result = client.list_media().r#type(MediaType::Video).limit(20).offset(40).send().await;
        let (_, uri, headers) = server.last();
        assert_eq!(uri.path(), "/api/v1/media");
        assert_eq!(query_pairs(&uri), pairs(&[("type", "video"), ("limit", "20"), ("offset", "40")]));
        assert_eq!(headers["authorization"], "Bearer pe-secret");
        match (status, result) {
            (200, Ok(page)) => {
                assert_round_trip(page.body(), &example);
                assert_eq!(page.data.media_ids, ["a1b2c3d4-e5f6-7890-abcd-ef1234567890"]);
            }
            (401, Err(e)) => match e.api_error() {
                Some(ListMediaError::Unauthorized(body)) => assert_round_trip(body, &example),
                other => panic!("401 decoded as {other:?}"),
            },
            (429, Err(e)) => match e.api_error() {
                Some(ListMediaError::TooManyRequests(body)) => {
                    assert_eq!(body.error.code, "rate_limit_exceeded");
                    assert_round_trip(body, &example)
                }
                other => panic!("429 decoded as {other:?}"),
            },
            (status, other) => panic!("status {status} gave {other:?}"),
        }
    }
}

#[tokio::test]
async fn microcms_list_media_v1_and_v2_on_the_wire() {
    use microcms_client::operations::ListMediaV2Error;
    let server = Recorder::start().await;
    let client = microcms_client::Client::builder()
        .base_url(server.url(""))
        .api_key("cms-secret")
        .no_retries()
        .build()
        .expect("client");

    for (status, example) in examples("microcms", "/api/v1/media", "get") {
        server.answer(status, example.clone());
        let result = client.list_media_v1().limit(2).offset(0).image_only(true).send().await;
        let (_, uri, headers) = server.last();
        assert_eq!(uri.path(), "/api/v1/media");
        assert_eq!(query_pairs(&uri), pairs(&[("limit", "2"), ("offset", "0"), ("imageOnly", "true")]));
        assert_eq!(headers["x-microcms-api-key"], "cms-secret");
        assert!(headers.get("authorization").is_none());
        match result {
            Ok(page) => {
                assert_eq!(status, 200);
                assert_eq!(page.total_count, 8);
                assert_round_trip(page.body(), &example);
            }
            Err(e) => {
                assert_eq!(e.status(), Some(status));
                assert!(e.api_error().is_some(), "status {status} must decode into a declared variant");
            }
        }
    }

    let documented = examples("microcms", "/api/v2/media", "get");
    assert_eq!(documented.iter().map(|e| e.0).collect::<Vec<_>>(), [200, 400, 403, 404, 429, 500]);
    for (status, example) in documented {
        server.answer(status, example.clone());
        let result = client.list_media_v2().file_name("sample").tags(["drawings", "animals"]).alt("dog").send().await;
        let (_, uri, _) = server.last();
        assert_eq!(uri.path(), "/api/v2/media");
        assert_eq!(query_pairs(&uri), pairs(&[("fileName", "sample"), ("tags", "drawings,animals"), ("alt", "dog")]));
        match (status, result) {
            (200, Ok(page)) => assert_round_trip(page.body(), &example),
            (status, Err(e)) => {
                let message = match e.api_error().expect("declared") {
                    ListMediaV2Error::BadRequest(b)
                    | ListMediaV2Error::Forbidden(b)
                    | ListMediaV2Error::NotFound(b)
                    | ListMediaV2Error::TooManyRequests(b)
                    | ListMediaV2Error::InternalServerError(b) => &b.message,
                    other => panic!("unexpected variant {other:?}"),
                };
                assert_eq!(Some(message.as_str()), example["message"].as_str(), "status {status}");
            }
            (status, Ok(_)) => panic!("status {status} decoded as success"),
        }
    }

    // A bound the spec declares is enforced before anything is sent.
    let before = server.state.lock().expect("lock").seen.len();
    let refused = client.list_media_v1().limit(101).send().await.expect_err("limit 101 is out of bounds");
    assert!(refused.to_string().contains("limit"), "{refused}");
    assert_eq!(server.state.lock().expect("lock").seen.len(), before);
}
