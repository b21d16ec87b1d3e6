//! Every kind of response the sandbox gives validates against the provider's spec: the
//! declared schema of its status, or the provider's error schema where the operation declares
//! none (those cases are listed, so a spec that gains them is noticed).

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Method;
use sandbox::{Provider, RateLimitConfig, RunningSandbox, SandboxConfig};
use serde_json::json;

use crate::support::{get, http, is_ymd_hms, query, reply, send, start, to_json_schema, Reply, Spec};

/// Checks every reply; returns the (status, path) pairs the spec does not declare.
fn check_all(spec: &Spec, replies: &[(Method, Reply)]) -> BTreeSet<(u16, String)> {
    let mut undeclared = BTreeSet::new();
    for (method, r) in replies {
        if !spec.check(method.as_str(), r) {
            undeclared.insert((r.status, r.path.clone()));
        }
    }
    undeclared
}

async fn limited(provider: Provider) -> RunningSandbox {
    start(
        SandboxConfig::new(provider)
            .items(60)
            .rate_limit(RateLimitConfig::per(1_000, Duration::from_secs(60)))
            .token_ttl(Duration::from_millis(200)),
    )
    .await
}

/// 429 from the limiter (its own sandbox) and from a burst, and a run of 5xx.
async fn throttled_and_failing(provider: Provider, path: &str) -> Vec<(Method, Reply)> {
    let mut out = Vec::new();
    let tight =
        start(SandboxConfig::new(provider).items(10).rate_limit(RateLimitConfig::per(1, Duration::from_secs(60))))
            .await;
    get(&tight, path).await;
    out.push((Method::GET, get(&tight, path).await));
    tight.faults().rate_limit_burst(1, 1);
    out.push((Method::GET, get(&tight, path).await));
    for status in [500, 502, 503] {
        tight.faults().server_errors(1, status);
        out.push((Method::GET, get(&tight, path).await));
    }
    assert!(out.iter().take(2).all(|(_, r)| r.status == 429 && r.header("retry-after").is_some()));
    out
}

#[tokio::test]
async fn microcms_responses_match_the_spec() {
    let spec = Spec::load(Provider::MicroCms);
    let sb = limited(Provider::MicroCms).await;
    let mut replies = Vec::new();
    for q in ["", "?limit=3&offset=2", "?imageOnly=true", "?offset=10001", "?limit=0"] {
        replies.push((Method::GET, get(&sb, &format!("/api/v1/media{q}")).await));
    }
    let first = get(&sb, "/api/v2/media?limit=50&tags=animals").await;
    let token = first.body["token"].as_str().unwrap().to_owned();
    let next = get(&sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
    replies.push((Method::GET, first));
    replies.push((Method::GET, next));
    for q in ["?fileName=.png&alt=dog", "?fileName=nothing-matches", "?limit=101"] {
        replies.push((Method::GET, get(&sb, &format!("/api/v2/media{q}")).await));
    }
    let both = format!("/api/v2/media?{}&limit=3", query(&[("token", &token)]));
    replies.push((Method::GET, get(&sb, &both).await));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let expired = get(&sb, &format!("/api/v2/media?{}", query(&[("token", &token)]))).await;
    assert!(expired.body["message"].as_str().unwrap().contains("expired"));
    replies.push((Method::GET, expired));
    replies.push((Method::GET, send(&sb, Method::GET, "/api/v1/media", Some("bad")).await));
    replies.push((Method::GET, send(&sb, Method::GET, "/api/v2/media", None).await));

    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(vec![1u8; 64]).file_name("写真.jpg"));
    let resp = http()
        .post(format!("{}/api/v1/media", sb.origin()))
        .header("x-microcms-api-key", sb.api_key())
        .multipart(form)
        .send()
        .await
        .unwrap();
    let uploaded = reply(resp, "/api/v1/media").await;
    let url = uploaded.body["url"].as_str().unwrap().to_owned();
    replies.push((Method::POST, uploaded));
    let resp = http()
        .post(format!("{}/api/v1/media", sb.origin()))
        .header("x-microcms-api-key", sb.api_key())
        .body("not multipart")
        .send()
        .await
        .unwrap();
    replies.push((Method::POST, reply(resp, "/api/v1/media").await));
    replies.push((Method::POST, send(&sb, Method::POST, "/api/v1/media", None).await));
    let del = format!("/api/v2/media?{}", query(&[("url", &url)]));
    replies.push((Method::DELETE, send(&sb, Method::DELETE, &del, Some(sb.api_key())).await));
    replies.push((Method::DELETE, send(&sb, Method::DELETE, &del, Some(sb.api_key())).await));
    replies.push((Method::DELETE, send(&sb, Method::DELETE, "/api/v2/media", Some(sb.api_key())).await));
    replies.push((Method::GET, get(&sb, "/api/v1/nothing").await));
    replies.extend(throttled_and_failing(Provider::MicroCms, "/api/v2/media").await);

    let statuses: BTreeSet<u16> = replies.iter().map(|(_, r)| r.status).collect();
    assert_eq!(statuses, BTreeSet::from([200, 201, 400, 403, 404, 429, 500, 502, 503]));
    let undeclared = check_all(&spec, &replies);
    let expected: BTreeSet<(u16, String)> = [(404, "/api/v1/nothing"), (502, "/api/v2/media"), (503, "/api/v2/media")]
        .into_iter()
        .map(|(s, p)| (s, p.to_owned()))
        .collect();
    assert_eq!(undeclared, expected);
}

#[tokio::test]
async fn utage_responses_match_the_spec() {
    let spec = Spec::load(Provider::Utage);
    let sb = limited(Provider::Utage).await;
    let mut replies = Vec::new();
    for q in ["", "?keyword=cat", "?keyword=%E7%8C%AB&per_page=500", "?folder_id=none", "?page=999", "?page=0"] {
        replies.push((Method::GET, get(&sb, &format!("/v1/media{q}")).await));
    }
    replies.push((Method::GET, send(&sb, Method::GET, "/v1/media", Some("bad")).await));
    replies.push((Method::GET, get(&sb, "/v1/unknown").await));
    replies.extend(throttled_and_failing(Provider::Utage, "/v1/media").await);

    for (_, r) in &replies {
        if r.status == 200 {
            for m in r.body["data"].as_array().unwrap() {
                let created = m["created_at"].as_str().unwrap();
                assert!(is_ymd_hms(created), "created_at {created}");
            }
        }
        if r.status != 404 && r.status < 500 {
            assert!(r.header("x-ratelimit-limit").is_some(), "{} {}", r.status, r.text);
        }
    }
    let undeclared = check_all(&spec, &replies);
    let undeclared_statuses: BTreeSet<u16> = undeclared.iter().map(|(s, _)| *s).collect();
    assert_eq!(undeclared_statuses, BTreeSet::from([400, 404, 500, 502, 503]));
}

#[tokio::test]
async fn posteverywhere_responses_match_the_spec() {
    let spec = Spec::load(Provider::PostEverywhere);
    let sb = limited(Provider::PostEverywhere).await;
    let mut replies = Vec::new();
    for q in ["", "?type=image", "?type=video", "?type=document&limit=100", "?offset=500", "?type=gif", "?limit=0"] {
        replies.push((Method::GET, get(&sb, &format!("/api/v1/media{q}")).await));
    }
    replies.push((Method::GET, send(&sb, Method::GET, "/api/v1/media", None).await));
    replies.push((Method::GET, get(&sb, "/api/v1/posts").await));
    replies.extend(throttled_and_failing(Provider::PostEverywhere, "/api/v1/media").await);
    for (_, r) in &replies {
        if [200, 401, 429].contains(&r.status) {
            for h in ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"] {
                assert!(r.header_u64(h).is_some(), "{h} on {}", r.status);
            }
        }
    }
    let undeclared = check_all(&spec, &replies);
    let undeclared_statuses: BTreeSet<u16> = undeclared.iter().map(|(s, _)| *s).collect();
    assert_eq!(undeclared_statuses, BTreeSet::from([400, 404, 500, 502, 503]));
}

#[test]
fn converter_handles_refs_and_nullable() {
    let doc = json!({
        "components": { "schemas": {
            "Detail": { "type": "object", "required": ["code"], "properties": { "code": { "type": "string" } } },
            "Kind": { "type": "string", "enum": ["a", "b"], "nullable": true },
        }}
    });
    let schema = json!({
        "type": "object",
        "properties": {
            "n": { "type": "integer", "nullable": true, "example": 3 },
            "kind": { "$ref": "#/components/schemas/Kind" },
            "err": { "nullable": true, "allOf": [{ "$ref": "#/components/schemas/Detail" }] },
        }
    });
    let converted = to_json_schema(&schema, &doc, true, 0);
    let v = jsonschema::validator_for(&converted).unwrap();
    assert!(v.is_valid(&json!({ "n": null, "kind": null, "err": null })));
    assert!(v.is_valid(&json!({ "n": 1, "kind": "a", "err": { "code": "x" } })));
    assert!(!v.is_valid(&json!({ "n": "1" })));
    assert!(!v.is_valid(&json!({ "kind": "c" })));
    assert!(!v.is_valid(&json!({ "err": {} })));
    assert!(!v.is_valid(&json!({ "extra": 1 })), "strict: undeclared fields are refused");
}
