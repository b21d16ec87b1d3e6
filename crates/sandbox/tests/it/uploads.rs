//! The upload endpoints and the signed-storage origin over raw HTTP: signatures and expiry are
//! checked, a key sent to storage is noticed, PostEverywhere's answers match its spec, the
//! documented errors (404, 409 `media_in_use`, 415) come in the envelope.

use reqwest::Method;
use sandbox::{Provider, SandboxConfig};
use serde_json::{json, Value};

use crate::support::{auth_header, get, http, reply, send, start, to_json_schema, Reply};

fn spec(provider: Provider) -> Value {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../specs")
        .join(provider.name())
        .join("openapi.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("spec")).expect("yaml")
}

/// Validates a reply against the response the spec declares for (template path, method, status),
/// falling back to `2XX`/`4XX` and `default` as OpenAPI does.
fn conforms(doc: &Value, template: &str, method: &str, r: &Reply) {
    let op = &doc["paths"][template][method];
    assert!(op.is_object(), "no {method} {template} in the spec");
    let responses = &op["responses"];
    let range = format!("{}XX", r.status / 100);
    let response = [r.status.to_string(), range, "default".into()]
        .iter()
        .map(|k| &responses[k.as_str()])
        .find(|v| !v.is_null())
        .unwrap_or_else(|| panic!("{method} {template} declares no {}", r.status));
    let response = match response["$ref"].as_str() {
        Some(p) => doc.pointer(p.trim_start_matches('#')).expect("ref"),
        None => response,
    };
    let schema = to_json_schema(&response["content"]["application/json"]["schema"], doc, true, 0);
    let validator = jsonschema::validator_for(&schema).expect("schema");
    let errors: Vec<String> = validator.iter_errors(&r.body).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {template} {}: {errors:?}\n{}", r.status, r.text);
}

async fn post_json(sb: &sandbox::RunningSandbox, path: &str, body: Value) -> Reply {
    let (name, value) = auth_header(sb.provider(), sb.api_key());
    let resp =
        http().post(format!("{}{path}", sb.origin())).header(name, value).json(&body).send().await.expect("post");
    reply(resp, path).await
}

#[tokio::test]
async fn posteverywhere_upload_lifecycle_matches_the_spec() {
    let doc = spec(Provider::PostEverywhere);
    let sb = start(SandboxConfig::new(Provider::PostEverywhere).items(10)).await;
    let body = json!({ "filename": "report.pdf", "content_type": "application/pdf", "size": 5 });
    let announced = post_json(&sb, "/api/v1/media/upload", body).await;
    assert_eq!(announced.status, 201);
    conforms(&doc, "/media/upload", "post", &announced);
    let data = &announced.body["data"];
    let (id, url) = (data["media_id"].as_str().expect("id").to_owned(), data["upload_url"].as_str().expect("url"));
    assert_eq!(data["upload_method"]["method"], "PUT");
    assert!(!url.starts_with(&sb.origin()), "storage is another origin");

    let complete_path = format!("/api/v1/media/{id}/complete");
    let early = post_json(&sb, &complete_path, json!({})).await;
    assert_eq!((early.status, early.body["error"]["code"].as_str()), (409, Some("upload_incomplete")));
    conforms(&doc, "/media/{media_id}/complete", "post", &early);

    let tampered = url.replace("signature=", "signature=0");
    assert_eq!(http().put(tampered).body("12345").send().await.expect("put").status(), 403);
    let stored = http().put(url).header("content-type", "application/pdf").body("12345").send().await.expect("put");
    assert_eq!(stored.status(), 200);
    assert_eq!(sb.storage().object(&id).map(|o| o.size), Some(5));
    assert!(!sb.storage().api_key_seen());

    let done = post_json(&sb, &complete_path, json!({})).await;
    assert_eq!(done.status, 200);
    conforms(&doc, "/media/{media_id}/complete", "post", &done);
    let got = get(&sb, &format!("/api/v1/media/{id}")).await;
    conforms(&doc, "/media/{media_id}", "get", &got);
    assert_eq!(
        (got.body["data"]["size"].as_u64(), got.body["data"]["media_ids"][0].as_str()),
        (Some(5), Some(id.as_str()))
    );
    let listed = get(&sb, "/api/v1/media?limit=1").await;
    assert_eq!(listed.body["data"]["items"][0]["media_id"].as_str(), Some(id.as_str()));

    sb.storage().attach_to_post(&id, "post-1");
    let in_use = send(&sb, Method::DELETE, &format!("/api/v1/media/{id}"), Some(sb.api_key())).await;
    assert_eq!(in_use.status, 409);
    assert_eq!(in_use.body["error"]["details"]["post_ids"], json!(["post-1"]));
    conforms(&doc, "/media/{media_id}", "delete", &in_use);

    let seeded = listed_id(&sb, 3).await;
    let deleted = send(&sb, Method::DELETE, &format!("/api/v1/media/{seeded}"), Some(sb.api_key())).await;
    assert_eq!((deleted.status, deleted.body["data"]["deleted"].as_bool()), (200, Some(true)));
    conforms(&doc, "/media/{media_id}", "delete", &deleted);
    let missing = get(&sb, &format!("/api/v1/media/{seeded}")).await;
    assert_eq!((missing.status, missing.body["error"]["code"].as_str()), (404, Some("not_found")));
    conforms(&doc, "/media/{media_id}", "get", &missing);
}

async fn listed_id(sb: &sandbox::RunningSandbox, offset: usize) -> String {
    let page = get(sb, &format!("/api/v1/media?limit=1&offset={offset}")).await;
    page.body["data"]["items"][0]["media_id"].as_str().expect("an item").to_owned()
}

#[tokio::test]
async fn posteverywhere_refusals_match_the_spec() {
    let doc = spec(Provider::PostEverywhere);
    let sb = start(SandboxConfig::new(Provider::PostEverywhere).items(3)).await;
    let cases = [
        (json!({ "filename": "a.mov", "content_type": "video/quicktime", "size": 5 }), 415),
        (json!({ "filename": "a.jpg", "content_type": "image/jpeg", "size": 20 * 1024 * 1024 + 1 }), 400),
        (json!({ "filename": "a.mp4", "content_type": "video/mp4", "size": 500 * 1024 * 1024 + 1 }), 400),
        (json!({ "content_type": "image/jpeg", "size": 1 }), 400),
    ];
    for (body, status) in cases {
        let r = post_json(&sb, "/api/v1/media/upload", body).await;
        assert_eq!(r.status, status, "{}", r.text);
        conforms(&doc, "/media/upload", "post", &r);
    }
    for (url, status) in [
        ("https://example.com/a.png", 200),
        ("https://example.com/a.mp4", 415),
        ("http://example.com/a.png", 400),
        ("https://10.0.0.1/a.png", 400),
    ] {
        let r = post_json(&sb, "/api/v1/media/upload-from-url", json!({ "url": url })).await;
        assert_eq!(r.status, status, "{url}: {}", r.text);
        conforms(&doc, "/media/upload-from-url", "post", &r);
    }
}

#[tokio::test]
async fn storage_notices_a_key_and_refuses_expired_urls() {
    let sb = start(SandboxConfig::new(Provider::PostEverywhere).items(3)).await;
    let body = json!({ "filename": "x.pdf", "content_type": "application/pdf", "size": 1 });
    let announced = post_json(&sb, "/api/v1/media/upload", body).await;
    let url = announced.body["data"]["upload_url"].as_str().expect("url").to_owned();
    sb.storage().expire_next(1);
    let expired = http().put(&url).body("1").send().await.expect("put");
    assert_eq!(expired.status(), 403);
    assert!(expired.text().await.expect("body").contains("Request has expired"));
    assert!(!sb.storage().api_key_seen());
    let leaked = http().put(&url).header("authorization", format!("Bearer {}", sb.api_key())).body("1").send().await;
    assert_eq!(leaked.expect("put").status(), 200);
    assert!(sb.storage().api_key_seen(), "a key sent to storage is recorded");
    assert_eq!(
        sb.storage().records().last().map(|r| r.credential_headers.clone()),
        Some(vec!["authorization".to_owned()])
    );
}

#[tokio::test]
async fn utage_presigned_post_then_complete() {
    let sb = start(SandboxConfig::new(Provider::Utage).items(3)).await;
    let announced =
        post_json(&sb, "/v1/media/upload-url", json!({ "filename": "a.png", "filetype": "image/png" })).await;
    assert_eq!(announced.status, 200, "{}", announced.text);
    let id = announced.body["media_id"].as_str().expect("id").to_owned();
    let post = &announced.body["presigned_post"];
    let url = post["url"].as_str().expect("url");
    let fields = post["fields"].as_object().expect("fields");
    let file = || reqwest::multipart::Part::bytes(vec![7u8; 10]).file_name("a.png");
    // Without the signature, storage refuses.
    let unsigned = reqwest::multipart::Form::new().text("key", id.clone()).part("file", file());
    assert_eq!(http().post(url).multipart(unsigned).send().await.expect("post").status(), 403);
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in fields {
        form = form.text(k.clone(), v.as_str().expect("string").to_owned());
    }
    assert_eq!(http().post(url).multipart(form.part("file", file())).send().await.expect("post").status(), 204);
    let done = post_json(&sb, "/v1/media/complete", json!({ "media_id": id })).await;
    assert_eq!((done.status, done.body["id"].as_str(), done.body["size"].as_u64()), (200, Some(id.as_str()), Some(10)));
    let unknown = post_json(&sb, "/v1/media/complete", json!({ "media_id": "nope" })).await;
    assert_eq!((unknown.status, unknown.body["error"]["code"].as_str()), (404, Some("not_found")));
    let listed = get(&sb, "/v1/media?keyword=a.png").await;
    assert_eq!(listed.body["data"][0]["id"].as_str(), Some(id.as_str()));
}
