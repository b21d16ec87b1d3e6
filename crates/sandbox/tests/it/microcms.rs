use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use sandbox::{Provider, SandboxConfig};
use serde_json::Value;

use crate::support::{get, http, query, reply, send, start};

fn config(items: usize) -> SandboxConfig {
    SandboxConfig::new(Provider::MicroCms).items(items)
}

fn ids(body: &Value) -> Vec<String> {
    body["media"].as_array().expect("media array").iter().map(|m| m["id"].as_str().expect("id").to_owned()).collect()
}

fn is_image_url(url: &str) -> bool {
    [".png", ".jpg", ".gif", ".webp", ".svg"].iter().any(|e| url.ends_with(e))
}

#[tokio::test]
async fn wrong_or_missing_key_is_403_with_message() {
    let sb = start(config(20)).await;
    for path in ["/api/v1/media", "/api/v2/media"] {
        for key in [None, Some("wrong")] {
            let r = send(&sb, Method::GET, path, key).await;
            assert_eq!(r.status, 403, "{path} {key:?}");
            assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.text);
        }
    }
}

#[tokio::test]
async fn v1_defaults() {
    let sb = start(config(37)).await;
    let r = get(&sb, "/api/v1/media").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["limit"], 10);
    assert_eq!(r.body["offset"], 0);
    assert_eq!(r.body["totalCount"], 37);
    let media = r.body["media"].as_array().unwrap();
    assert_eq!(media.len(), 10);
    for m in media {
        let url = m["url"].as_str().unwrap();
        assert!(url.starts_with("https://images.microcms-assets.io/assets/"), "{url}");
        // width and height describe images only.
        assert_eq!(m.get("width").is_some(), is_image_url(url), "{m}");
    }
}

#[tokio::test]
async fn v1_refuses_bad_parameters() {
    let sb = start(config(20)).await;
    for q in ["limit=0", "limit=101", "limit=abc", "limit=", "offset=-1", "offset=x", "imageOnly=yes"] {
        let r = get(&sb, &format!("/api/v1/media?{q}")).await;
        assert_eq!(r.status, 400, "{q}");
        assert!(r.body["message"].is_string(), "{q}: {}", r.text);
    }
    let r = get(&sb, "/api/v1/media?limit=100").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["media"].as_array().unwrap().len(), 20);
}

#[tokio::test]
async fn v1_pages_cover_everything_once() {
    let sb = start(config(53)).await;
    let mut seen = Vec::new();
    for offset in (0..60).step_by(7) {
        let r = get(&sb, &format!("/api/v1/media?limit=7&offset={offset}")).await;
        assert_eq!(r.body["offset"], offset);
        seen.extend(ids(&r.body));
    }
    assert_eq!(seen.len(), 53);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 53);
}

#[tokio::test]
async fn v1_image_only() {
    let sb = start(config(60)).await;
    let r = get(&sb, "/api/v1/media?imageOnly=true&limit=100").await;
    let media = r.body["media"].as_array().unwrap();
    let total = r.body["totalCount"].as_u64().unwrap();
    assert!(total > 0 && total < 60, "{total}");
    assert_eq!(media.len() as u64, total);
    assert!(media.iter().all(|m| is_image_url(m["url"].as_str().unwrap())));
}

#[tokio::test]
async fn v1_offsets_past_10000_return_wrong_data() {
    let sb = start(config(10_100)).await;
    let wrong = get(&sb, "/api/v1/media?offset=10001&limit=5").await;
    let early = get(&sb, "/api/v1/media?offset=1&limit=5").await;
    assert_eq!(wrong.status, 200);
    assert_eq!(wrong.body["offset"], 10_001);
    assert_eq!(ids(&wrong.body), ids(&early.body), "the quirk repeats earlier items");
    let fine = get(&sb, "/api/v1/media?offset=10000&limit=5").await;
    let start_page = get(&sb, "/api/v1/media?offset=0&limit=5").await;
    assert_ne!(ids(&fine.body), ids(&start_page.body), "10,000 itself is still correct");
}

#[tokio::test]
async fn v2_defaults_and_item_shape() {
    let sb = start(config(25)).await;
    let r = get(&sb, "/api/v2/media").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["totalCount"], 25);
    assert_eq!(r.body["media"].as_array().unwrap().len(), 10);
    assert!(r.body["token"].as_str().is_some_and(|t| !t.is_empty()));
    for m in r.body["media"].as_array().unwrap() {
        assert!(m["createdAt"].as_str().unwrap().ends_with('Z'));
        assert!(m["updatedAt"].is_string());
        assert!(m["tags"].is_array());
    }
}

async fn walk_v2(sb: &sandbox::RunningSandbox, first: &str) -> (Vec<String>, Vec<u64>) {
    let mut r = get(sb, &format!("/api/v2/media?{first}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut all = Vec::new();
    let mut totals = Vec::new();
    loop {
        let page = ids(&r.body);
        totals.push(r.body["totalCount"].as_u64().unwrap());
        if page.is_empty() {
            return (all, totals);
        }
        all.extend(page);
        let token = r.body["token"].as_str().expect("token always returned").to_owned();
        r = get(sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

#[tokio::test]
async fn v2_token_carries_limit_and_image_only() {
    let sb = start(config(45)).await;
    let (all, _) = walk_v2(&sb, "limit=4").await;
    assert_eq!(all.len(), 45);
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 45);

    let first = get(&sb, "/api/v2/media?limit=3&imageOnly=true").await;
    let token = first.body["token"].as_str().unwrap();
    let second = get(&sb, &format!("/api/v2/media?{}", query(&[("token", token)]))).await;
    let media = second.body["media"].as_array().unwrap();
    assert_eq!(media.len(), 3, "limit carried over");
    assert!(media.iter().all(|m| m.get("width").is_some()), "imageOnly carried over");
    let (images, totals) = walk_v2(&sb, "imageOnly=true&limit=7").await;
    assert_eq!(images.len() as u64, totals[0]);
}

#[tokio::test]
async fn v2_token_returned_even_at_the_end() {
    let sb = start(config(10)).await;
    let r = get(&sb, "/api/v2/media?limit=100").await;
    assert_eq!(r.body["media"].as_array().unwrap().len(), 10);
    let token = r.body["token"].as_str().expect("token on the only page");
    let r = get(&sb, &format!("/api/v2/media?{}", query(&[("token", token)]))).await;
    assert_eq!(r.status, 200);
    assert!(r.body["media"].as_array().unwrap().is_empty());
    assert!(r.body["token"].is_string());
}

#[tokio::test]
async fn v2_token_refuses_limit_image_only_and_garbage() {
    let sb = start(config(30)).await;
    let r = get(&sb, "/api/v2/media?limit=5").await;
    let token = r.body["token"].as_str().unwrap().to_owned();
    for extra in ["limit=5", "imageOnly=false", "imageOnly=true&limit=3"] {
        let q = format!("{}&{extra}", query(&[("token", &token)]));
        let r = get(&sb, &format!("/api/v2/media?{q}")).await;
        assert_eq!(r.status, 400, "{extra}");
        assert!(r.body["message"].is_string());
    }
    for bad in ["garbage", "", "AAAA"] {
        let r = get(&sb, &format!("/api/v2/media?{}", query(&[("token", bad)]))).await;
        assert_eq!(r.status, 400, "{bad:?}");
    }
    for q in ["limit=0", "limit=101", "imageOnly=1"] {
        assert_eq!(get(&sb, &format!("/api/v2/media?{q}")).await.status, 400, "{q}");
    }
}

#[tokio::test]
async fn v2_tokens_expire() {
    let sb = start(config(30).token_ttl(Duration::from_millis(300))).await;
    let r = get(&sb, "/api/v2/media?limit=5").await;
    let token = r.body["token"].as_str().unwrap().to_owned();
    let fresh = get(&sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
    assert_eq!(fresh.status, 200, "a fresh token works");
    tokio::time::sleep(Duration::from_millis(450)).await;
    let stale = get(&sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
    assert_eq!(stale.status, 400);
    assert!(stale.body["message"].as_str().unwrap().contains("expired"), "{}", stale.text);
}

#[tokio::test]
async fn v2_filters_and_total_count() {
    let sb = start(config(300)).await;
    let (everything, _) = walk_v2(&sb, "limit=100").await;
    assert_eq!(everything.len(), 300);

    // fileName: a substring of the name with its extension, Japanese included.
    for needle in [".png", "猫の写真", "cat_"] {
        let q = query(&[("fileName", needle), ("limit", "100")]);
        let r = get(&sb, &format!("/api/v2/media?{q}")).await;
        let total = r.body["totalCount"].as_u64().unwrap();
        assert!(total > 0, "{needle}");
        let (found, _) = walk_v2(&sb, &q).await;
        assert_eq!(found.len() as u64, total, "{needle}: filters carry over with the token");
        for m in r.body["media"].as_array().unwrap() {
            let name = crate::support::decode_url_name(m["url"].as_str().unwrap());
            assert!(name.contains(needle), "{name} lacks {needle}");
        }
    }

    // tags: every listed tag must be present.
    let one = get(&sb, "/api/v2/media?tags=animals&limit=100").await;
    let two = get(&sb, &format!("/api/v2/media?{}", query(&[("tags", "animals,drawings"), ("limit", "100")]))).await;
    let n1 = one.body["totalCount"].as_u64().unwrap();
    let n2 = two.body["totalCount"].as_u64().unwrap();
    assert!(n1 > n2, "{n1} {n2}");
    for m in two.body["media"].as_array().unwrap() {
        let tags: Vec<&str> = m["tags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert!(tags.contains(&"animals") && tags.contains(&"drawings"), "{tags:?}");
    }

    // alt
    let q = query(&[("alt", "dog"), ("limit", "100")]);
    let r = get(&sb, &format!("/api/v2/media?{q}")).await;
    assert!(r.body["totalCount"].as_u64().unwrap() > 0);
    for m in r.body["media"].as_array().unwrap() {
        assert!(m["alt"].as_str().unwrap().contains("dog"));
    }
    let r = get(&sb, "/api/v2/media?fileName=no-such-file").await;
    assert_eq!(r.body["totalCount"], 0);
    assert!(r.body["token"].is_string());
}

#[tokio::test]
async fn upload_then_list_then_delete() {
    let sb = start(config(12)).await;
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![7u8; 1000]).file_name("新しい画像.png"));
    let resp = http()
        .post(format!("{}/api/v1/media", sb.origin()))
        .header("x-microcms-api-key", sb.api_key())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let r = reply(resp, "/api/v1/media").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let url = r.body["url"].as_str().unwrap().to_owned();
    assert!(url.ends_with(".png"));

    let list = get(&sb, "/api/v1/media?limit=1").await;
    assert_eq!(list.body["media"][0]["url"], url.as_str(), "newest first");
    assert_eq!(list.body["totalCount"], 13);

    let del = format!("/api/v2/media?{}", query(&[("url", &url)]));
    let r = send(&sb, Method::DELETE, &del, Some(sb.api_key())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["id"], list.body["media"][0]["id"]);
    let again = send(&sb, Method::DELETE, &del, Some(sb.api_key())).await;
    assert_eq!(again.status, 404);
    assert!(again.body["message"].is_string());
    let missing = send(&sb, Method::DELETE, "/api/v2/media", Some(sb.api_key())).await;
    assert_eq!(missing.status, 400);
    assert_eq!(get(&sb, "/api/v1/media").await.body["totalCount"], 12);
}

#[tokio::test]
async fn upload_refuses_big_files_and_non_multipart() {
    let sb = start(config(10)).await;
    let big = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![0u8; 5 * 1024 * 1024 + 1]).file_name("big.png"));
    let resp = http()
        .post(format!("{}/api/v1/media", sb.origin()))
        .header("x-microcms-api-key", sb.api_key())
        .multipart(big)
        .send()
        .await
        .unwrap();
    let r = reply(resp, "/api/v1/media").await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().contains("5MB"));
    let resp = http()
        .post(format!("{}/api/v1/media", sb.origin()))
        .header("x-microcms-api-key", sb.api_key())
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(sb.item_count(), 10);
}

#[tokio::test]
async fn unknown_paths_are_404_with_message() {
    let sb = start(config(10)).await;
    let r = get(&sb, "/api/v1/contents").await;
    assert_eq!(r.status, 404);
    assert!(r.body["message"].is_string());
}
