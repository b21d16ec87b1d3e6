use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::Method;
use sandbox::{Faults, Provider, SandboxConfig};
use serde_json::Value;

use crate::support::{get, http, query, send, start};

fn utage(items: usize) -> SandboxConfig {
    SandboxConfig::new(Provider::Utage).items(items)
}

async fn raw_get(sb: &sandbox::RunningSandbox, path: &str) -> reqwest::Result<reqwest::Response> {
    http().get(format!("{}{path}", sb.origin())).bearer_auth(sb.api_key()).send().await
}

#[tokio::test]
async fn latency() {
    let sb = start(utage(10)).await;
    sb.faults().set_latency(Duration::from_millis(250));
    let t = Instant::now();
    assert_eq!(get(&sb, "/v1/media").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(250));
    sb.faults().set_latency(Duration::ZERO);
    let t = Instant::now();
    get(&sb, "/v1/media").await;
    assert!(t.elapsed() < Duration::from_millis(200));
}

#[tokio::test]
async fn burst_of_429s() {
    for provider in Provider::ALL {
        let sb = start(SandboxConfig::new(provider).items(10)).await;
        sb.faults().rate_limit_burst(2, 3);
        let path = if provider == Provider::Utage { "/v1/media" } else { "/api/v1/media" };
        for _ in 0..2 {
            let r = get(&sb, path).await;
            assert_eq!(r.status, 429, "{provider}");
            assert_eq!(r.header_u64("retry-after"), Some(3));
            assert_eq!(r.header_u64("x-ratelimit-remaining"), Some(0));
            match provider {
                Provider::MicroCms => assert!(r.body["message"].is_string()),
                _ => assert_eq!(r.body["error"]["code"], "rate_limit_exceeded"),
            }
        }
        assert_eq!(get(&sb, path).await.status, 200);
        assert_eq!(sb.stats().rate_limited, 2);
    }
}

#[tokio::test]
async fn run_of_server_errors() {
    let sb = start(SandboxConfig::new(Provider::MicroCms).items(10)).await;
    for status in [500u16, 502, 503] {
        sb.faults().server_errors(2, status);
        for _ in 0..2 {
            let r = get(&sb, "/api/v1/media").await;
            assert_eq!(r.status, status);
            assert!(r.body["message"].is_string());
        }
        assert_eq!(get(&sb, "/api/v1/media").await.status, 200);
    }
    let pe = start(SandboxConfig::new(Provider::PostEverywhere).items(10)).await;
    pe.faults().server_errors(1, 502);
    let r = get(&pe, "/api/v1/media").await;
    assert_eq!(r.status, 502);
    assert_eq!(r.body["error"]["code"], "bad_gateway");
    assert!(r.body["meta"]["request_id"].is_string());
}

#[tokio::test]
async fn dropped_connections() {
    let sb = start(utage(10)).await;
    sb.faults().drop_connections(2);
    for _ in 0..2 {
        let err = raw_get(&sb, "/v1/media").await.expect_err("no response");
        assert!(err.is_request() || err.is_connect(), "{err:?}");
    }
    assert_eq!(raw_get(&sb, "/v1/media").await.unwrap().status(), 200);
    let stats = sb.stats();
    assert_eq!(stats.dropped_connections, 2);
    assert_eq!(stats.requests_to("/v1/media"), 3);
}

#[tokio::test]
async fn truncated_bodies() {
    let sb = start(utage(50)).await;
    sb.faults().truncate_bodies(1);
    let resp = raw_get(&sb, "/v1/media").await.expect("headers arrive");
    assert_eq!(resp.status(), 200);
    let promised = resp.content_length().expect("content-length");
    match resp.bytes().await {
        Err(e) => assert!(e.is_body() || e.is_decode() || e.is_request(), "{e:?}"),
        Ok(b) => panic!("got {} of {promised} bytes without an error", b.len()),
    }
    let ok = raw_get(&sb, "/v1/media").await.unwrap();
    assert!(serde_json::from_slice::<Value>(&ok.bytes().await.unwrap()).is_ok());
}

#[tokio::test]
async fn malformed_bodies() {
    let sb = start(utage(50)).await;
    sb.faults().malformed_bodies(1);
    let r = get(&sb, "/v1/media").await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<Value>(&r.text).is_err(), "{}", r.text);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(get(&sb, "/v1/media").await.body.is_object());
}

#[tokio::test]
async fn body_faults_skip_errors() {
    let sb = start(utage(10)).await;
    sb.faults().malformed_bodies(1);
    let r = send(&sb, Method::GET, "/v1/media", None).await;
    assert_eq!(r.status, 401);
    assert!(r.body.is_object(), "an auth failure does not use up a body fault");
    assert_eq!(sb.faults().get().malformed_bodies, 1);
}

#[tokio::test]
async fn oversized_bodies() {
    let sb = start(SandboxConfig::new(Provider::MicroCms).items(10)).await;
    sb.faults().oversized_bodies(1, sandbox::DEFAULT_OVERSIZED_BODY_BYTES);
    let r = get(&sb, "/api/v1/media").await;
    assert_eq!(r.status, 200);
    assert!(r.text.len() >= 6 * 1024 * 1024, "{}", r.text.len());
    assert!(r.text.len() > 5_000_000);
    assert_eq!(r.body["totalCount"], 10, "still valid JSON");
}

fn utage_ids(body: &Value) -> Vec<String> {
    body["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn inserts_between_pages_repeat_items() {
    let sb = start(SandboxConfig::new(Provider::PostEverywhere).items(30)).await;
    sb.faults().insert_per_request(2);
    let p1 = get(&sb, "/api/v1/media?limit=5").await;
    let p2 = get(&sb, "/api/v1/media?limit=5&offset=5").await;
    let first: Vec<&Value> = p1.body["data"]["media_ids"].as_array().unwrap().iter().collect();
    let second: Vec<&Value> = p2.body["data"]["media_ids"].as_array().unwrap().iter().collect();
    assert_eq!(&second[..2], &first[3..], "two new items pushed the last two of page 1 onto page 2");
    assert_eq!(sb.item_count(), 34);
}

#[tokio::test]
async fn deletes_between_pages_skip_items() {
    let sb = start(utage(100)).await;
    let everything = utage_ids(&get(&sb, "/v1/media?keyword=_&per_page=100").await.body);
    sb.faults().delete_per_request(3);
    let p1 = utage_ids(&get(&sb, "/v1/media?keyword=_&per_page=10&page=1").await.body);
    let p2 = utage_ids(&get(&sb, "/v1/media?keyword=_&per_page=10&page=2").await.body);
    assert_eq!(p1, everything[..10]);
    assert_eq!(p2, everything[13..23], "three items were never seen");
    sb.faults().clear();
    assert_eq!(sb.item_count(), 94);
}

#[tokio::test]
async fn v2_tokens_are_not_fooled_by_inserts() {
    let sb = start(SandboxConfig::new(Provider::MicroCms).items(30)).await;
    sb.faults().insert_per_request(4);
    let mut r = get(&sb, "/api/v2/media?limit=7").await;
    let mut seen = Vec::new();
    loop {
        let page: Vec<String> =
            r.body["media"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect();
        if page.is_empty() {
            break;
        }
        seen.extend(page);
        let token = r.body["token"].as_str().unwrap().to_owned();
        r = get(&sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
    }
    assert_eq!(seen.len(), 30);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 30);
}

#[tokio::test]
async fn redirects_to_another_origin() {
    let other = start(utage(10).api_key("other-key")).await;
    let sb = start(utage(10)).await;
    sb.faults().redirect_to(Some(other.origin()));
    let r = get(&sb, "/v1/media?page=2&keyword=a").await;
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location").unwrap(), format!("{}/v1/media?page=2&keyword=a", other.origin()));

    // A client that follows: the other server records what arrived, so a test can assert the
    // key was (or was not) sent along.
    let following = reqwest::Client::builder().no_proxy().build().unwrap();
    let resp = following.get(format!("{}/v1/media", sb.origin())).bearer_auth(sb.api_key()).send().await.unwrap();
    assert_eq!(resp.status(), 401, "the other origin does not know our key");
    let seen = other.stats().last_request.expect("the redirect arrived");
    assert_eq!(seen.path, "/v1/media");
    assert_eq!(seen.header("authorization"), None, "reqwest drops Authorization across origins");

    sb.faults().redirect_to(None);
    assert_eq!(get(&sb, "/v1/media").await.status, 200);
}

#[tokio::test]
async fn faults_from_the_config() {
    let faults = Faults { server_errors: 1, server_error_status: 500, ..Faults::default() };
    let sb = start(utage(10).faults(faults)).await;
    assert_eq!(get(&sb, "/v1/media").await.status, 500);
    assert_eq!(get(&sb, "/v1/media").await.status, 200);
}

#[tokio::test]
async fn stats_record_requests_and_headers() {
    let sb = start(SandboxConfig::new(Provider::MicroCms).items(10)).await;
    get(&sb, "/api/v1/media?limit=2").await;
    get(&sb, "/api/v2/media").await;
    send(&sb, Method::GET, "/api/v2/media", None).await;
    let stats = sb.stats();
    assert_eq!(stats.total_requests, 3);
    assert_eq!(stats.requests_to("/api/v1/media"), 1);
    assert_eq!(stats.requests_to("/api/v2/media"), 2);
    assert_eq!(stats.responses_with(403), 1);
    let last = stats.last_request.unwrap();
    assert_eq!(last.header("x-microcms-api-key"), None, "the last request carried no key");
    assert_eq!(stats.recent[0].query_param("limit").as_deref(), Some("2"));
    assert_eq!(stats.recent[1].header("X-MICROCMS-API-KEY"), Some(sb.api_key()));
    sb.reset_stats();
    assert_eq!(sb.stats().total_requests, 0);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sb = start(utage(10)).await;
    let origin = sb.origin();
    sb.shutdown();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let err = http().get(format!("{origin}/v1/media")).send().await.expect_err("closed");
    assert!(err.is_connect() || err.is_request(), "{err:?}");
}
