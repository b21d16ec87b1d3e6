use std::time::{Duration, Instant};

use sandbox::{Provider, SandboxConfig};

use crate::support::{get, start};

#[tokio::test]
async fn same_seed_same_data_other_seed_other_data() {
    let a = start(SandboxConfig::new(Provider::PostEverywhere).items(40).seed(7)).await;
    let b = start(SandboxConfig::new(Provider::PostEverywhere).items(40).seed(7)).await;
    let c = start(SandboxConfig::new(Provider::PostEverywhere).items(40).seed(8)).await;
    let page = |r: crate::support::Reply| r.body["data"]["items"].clone();
    let pa = page(get(&a, "/api/v1/media?limit=40").await);
    assert_eq!(pa, page(get(&b, "/api/v1/media?limit=40").await));
    assert_ne!(pa, page(get(&c, "/api/v1/media?limit=40").await));
}

#[tokio::test]
async fn newest_first_with_japanese_names_and_every_kind() {
    let sb = start(SandboxConfig::new(Provider::PostEverywhere).items(100)).await;
    let r = get(&sb, "/api/v1/media?limit=100").await;
    let items = r.body["data"]["items"].as_array().unwrap();
    let created: Vec<&str> = items.iter().map(|m| m["created_at"].as_str().unwrap()).collect();
    assert!(created.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(items.iter().any(|m| !m["filename"].as_str().unwrap().is_ascii()), "Japanese names");
    for kind in ["image", "video", "document"] {
        assert!(items.iter().any(|m| m["type"] == kind), "{kind}");
    }
}

#[tokio::test]
async fn a_million_items() {
    let t = Instant::now();
    let sb = start(SandboxConfig::new(Provider::Utage).items(1_000_000)).await;
    assert!(t.elapsed() < Duration::from_secs(1), "starting is instant: nothing is generated up front");
    let last = get(&sb, "/v1/media?keyword=_&per_page=100&page=10000").await;
    assert_eq!(last.body["meta"]["total"], 1_000_000);
    assert_eq!(last.body["data"].as_array().unwrap().len(), 100);
    let pe = start(SandboxConfig::new(Provider::PostEverywhere).items(1_000_000)).await;
    let r = get(&pe, "/api/v1/media?offset=999990&limit=100").await;
    assert_eq!(r.body["data"]["items"].as_array().unwrap().len(), 10);
    let micro = start(SandboxConfig::new(Provider::MicroCms).items(1_000_000)).await;
    let r = get(&micro, "/api/v1/media?offset=5000").await;
    assert_eq!(r.body["totalCount"], 1_000_000);
    assert!(t.elapsed() < Duration::from_secs(20));
}
