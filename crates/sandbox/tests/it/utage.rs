use std::collections::HashSet;

use reqwest::Method;
use sandbox::{Provider, SandboxConfig};
use serde_json::Value;

use crate::support::{get, http, is_ymd_hms, query, reply, send, start};

fn config(items: usize) -> SandboxConfig {
    SandboxConfig::new(Provider::Utage).items(items)
}

fn data(body: &Value) -> &Vec<Value> {
    body["data"].as_array().expect("data array")
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_envelope() {
    let sb = start(config(20)).await;
    for key in [None, Some("wrong")] {
        let r = send(&sb, Method::GET, "/v1/media", key).await;
        assert_eq!(r.status, 401);
        assert_eq!(r.body["error"]["code"], "unauthorized", "{}", r.text);
        assert!(r.body["error"]["message"].is_string());
    }
    // Only the Bearer scheme counts.
    let resp = http()
        .get(format!("{}/v1/media", sb.origin()))
        .header("authorization", format!("Basic {}", sb.api_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = http()
        .get(format!("{}/v1/media", sb.origin()))
        .header("authorization", format!("bearer {}", sb.api_key()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "the scheme is case-insensitive");
}

#[tokio::test]
async fn defaults_list_the_root_folder_only() {
    let sb = start(config(200)).await;
    let r = get(&sb, "/v1/media").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["meta"]["current_page"], 1);
    assert_eq!(r.body["meta"]["per_page"], 20);
    let total = r.body["meta"]["total"].as_u64().unwrap();
    assert!(total > 20 && total < 200, "{total}");
    for m in data(&r.body) {
        assert!(m["folder_id"].is_null(), "{m}");
        for field in ["id", "name", "url", "size", "mime_type", "created_at"] {
            assert!(!m[field].is_null(), "{field} missing in {m}");
        }
        let created = m["created_at"].as_str().unwrap();
        assert!(is_ymd_hms(created), "created_at {created} is not Y-m-d H:i:s");
    }
}

#[tokio::test]
async fn folder_and_keyword_filters() {
    let sb = start(config(300)).await;
    let all = get(&sb, "/v1/media?keyword=_&per_page=100").await;
    let total = all.body["meta"]["total"].as_u64().unwrap();
    assert_eq!(total, 300, "every name has an underscore; keyword searches every folder");
    let folder =
        data(&all.body).iter().find_map(|m| m["folder_id"].as_str()).expect("some item in a folder").to_owned();

    let q = query(&[("folder_id", &folder), ("per_page", "100")]);
    let r = get(&sb, &format!("/v1/media?{q}")).await;
    let in_folder = r.body["meta"]["total"].as_u64().unwrap();
    assert!(in_folder > 0);
    assert!(data(&r.body).iter().all(|m| m["folder_id"] == folder.as_str()));

    let r = get(&sb, "/v1/media?folder_id=no-such-folder").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["meta"]["total"], 0);

    // Case-insensitive substring, Japanese too.
    for keyword in ["CAT", "猫"] {
        let q = query(&[("keyword", keyword), ("per_page", "100")]);
        let r = get(&sb, &format!("/v1/media?{q}")).await;
        let found = data(&r.body);
        assert!(!found.is_empty(), "{keyword}");
        let lower = keyword.to_lowercase();
        assert!(found.iter().all(|m| m["name"].as_str().unwrap().to_lowercase().contains(&lower)));
    }

    let q = query(&[("keyword", "_"), ("folder_id", &folder), ("per_page", "100")]);
    let both = get(&sb, &format!("/v1/media?{q}")).await;
    assert_eq!(both.body["meta"]["total"].as_u64().unwrap(), in_folder, "both filters apply");
}

#[tokio::test]
async fn per_page_is_clamped_and_bad_values_refused() {
    let sb = start(config(400)).await;
    let r = get(&sb, "/v1/media?keyword=_&per_page=500").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["meta"]["per_page"], 100);
    assert_eq!(data(&r.body).len(), 100);
    for q in ["per_page=0", "page=0", "page=abc", "per_page=-5", "page="] {
        let r = get(&sb, &format!("/v1/media?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert!(r.body["error"]["code"].is_string(), "{q}: {}", r.text);
        assert!(r.body["error"]["message"].is_string());
    }
}

#[tokio::test]
async fn pages_cover_the_root_folder_once() {
    let sb = start(config(150)).await;
    let first = get(&sb, "/v1/media?per_page=7").await;
    let total = first.body["meta"]["total"].as_u64().unwrap();
    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let r = get(&sb, &format!("/v1/media?per_page=7&page={page}")).await;
        assert_eq!(r.body["meta"]["current_page"], page);
        let items = data(&r.body);
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(|m| m["id"].as_str().unwrap().to_owned()));
        page += 1;
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len() as u64, total);
    let past = get(&sb, "/v1/media?page=99999999999").await;
    assert_eq!(past.status, 200);
    assert!(data(&past.body).is_empty());
}

#[tokio::test]
async fn unknown_paths_are_404_envelope() {
    let sb = start(config(10)).await;
    let resp = http().get(format!("{}/v1/funnels", sb.origin())).bearer_auth(sb.api_key()).send().await.unwrap();
    let r = reply(resp, "/v1/funnels").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["code"], "not_found");
}
