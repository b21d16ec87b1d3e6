use std::collections::HashSet;

use reqwest::Method;
use sandbox::{Provider, SandboxConfig};
use serde_json::Value;

use crate::support::{get, send, start};

fn config(items: usize) -> SandboxConfig {
    SandboxConfig::new(Provider::PostEverywhere).items(items)
}

fn items(body: &Value) -> &Vec<Value> {
    body["data"]["items"].as_array().expect("items array")
}

fn assert_error_envelope(body: &Value, code: &str) {
    assert!(body["data"].is_null(), "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].is_string());
    assert!(body["error"].get("details").is_some());
    assert!(body["meta"]["request_id"].is_string());
    assert!(body["meta"]["timestamp"].is_string());
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_envelope() {
    let sb = start(config(20)).await;
    for key in [None, Some("wrong")] {
        let r = send(&sb, Method::GET, "/api/v1/media", key).await;
        assert_eq!(r.status, 401);
        assert_error_envelope(&r.body, "unauthorized");
    }
}

#[tokio::test]
async fn defaults_and_envelope() {
    let sb = start(config(50)).await;
    let r = get(&sb, "/api/v1/media").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["error"].is_null());
    assert_eq!(r.body["data"]["pagination"]["limit"], 20);
    assert_eq!(r.body["data"]["pagination"]["offset"], 0);
    assert!(r.body["data"].get("total").is_none() && r.body["data"]["pagination"].get("total").is_none());
    let list = items(&r.body);
    assert_eq!(list.len(), 20);
    let ids: Vec<&Value> = list.iter().map(|m| &m["media_id"]).collect();
    let media_ids: Vec<&Value> = r.body["data"]["media_ids"].as_array().unwrap().iter().collect();
    assert_eq!(ids, media_ids, "media_ids mirrors items in order");
    let a = get(&sb, "/api/v1/media").await;
    assert_ne!(a.body["meta"]["request_id"], r.body["meta"]["request_id"]);
    assert!(a.body["meta"]["timestamp"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn type_filter_and_item_fields() {
    let sb = start(config(120)).await;
    let mut counted = 0;
    for kind in ["image", "video", "document"] {
        let r = get(&sb, &format!("/api/v1/media?type={kind}&limit=100")).await;
        assert_eq!(r.status, 200);
        let list = items(&r.body);
        assert!(!list.is_empty(), "{kind}");
        counted += list.len();
        for m in list {
            assert_eq!(m["type"], kind);
            match kind {
                "document" => assert!(m["width"].is_null() && m["height"].is_null() && m["duration"].is_null()),
                "video" => assert!(m["duration"].is_f64() && m["width"].is_u64()),
                _ => assert!(m["width"].is_u64() && m["duration"].is_null()),
            }
            assert!(["ready", "processing", "failed"].contains(&m["status"].as_str().unwrap()));
            assert!(m["created_at"].as_str().unwrap().ends_with('Z'));
            assert_eq!(m["media_id"].as_str().unwrap().len(), 36);
        }
    }
    assert!(counted >= 100, "the three kinds cover the library");
    let r = get(&sb, "/api/v1/media?type=audio").await;
    assert_eq!(r.status, 400);
    assert_error_envelope(&r.body, "validation_error");
}

#[tokio::test]
async fn limit_bounds_and_offset_paging() {
    let sb = start(config(47)).await;
    for q in ["limit=0", "limit=101", "limit=x", "offset=-1", "offset=1.5"] {
        let r = get(&sb, &format!("/api/v1/media?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert_error_envelope(&r.body, "validation_error");
    }
    assert_eq!(items(&get(&sb, "/api/v1/media?limit=100").await.body).len(), 47);
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let r = get(&sb, &format!("/api/v1/media?limit=10&offset={offset}")).await;
        assert_eq!(r.body["data"]["pagination"]["offset"], offset);
        let page = items(&r.body);
        seen.extend(page.iter().map(|m| m["media_id"].as_str().unwrap().to_owned()));
        if page.len() < 10 {
            break;
        }
        offset += 10;
    }
    assert_eq!(seen.len(), 47);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 47);
}
