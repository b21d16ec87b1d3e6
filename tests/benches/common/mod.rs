//! What every paging benchmark shares: the sandbox, the clients, the loop a user would write by
//! hand (reqwest + serde_json, one page of 100 after another) and a consumer of `items()`.
#![allow(dead_code)]

use std::time::Duration;

use futures::{Stream, TryStreamExt};
use sandbox::{Provider, RunningSandbox, Sandbox, SandboxConfig};

/// Every UTAGE name has an extension, so this keyword lists the whole library (without a keyword
/// or folder, UTAGE lists the root folder only).
pub const UTAGE_ALL: &str = ".";

/// One listing the benchmarks compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listing {
    /// UTAGE, page number, total known.
    Utage,
    /// microCMS v1, offset, total known.
    MicroCmsV1,
    /// microCMS v2, token.
    MicroCmsV2,
    /// PostEverywhere, offset, no total.
    PostEverywhere,
}

impl Listing {
    pub fn provider(self) -> Provider {
        match self {
            Listing::Utage => Provider::Utage,
            Listing::MicroCmsV1 | Listing::MicroCmsV2 => Provider::MicroCms,
            Listing::PostEverywhere => Provider::PostEverywhere,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Listing::Utage => "utage",
            Listing::MicroCmsV1 => "microcms_v1",
            Listing::MicroCmsV2 => "microcms_v2",
            Listing::PostEverywhere => "posteverywhere",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [Listing::Utage, Listing::MicroCmsV1, Listing::MicroCmsV2, Listing::PostEverywhere]
            .into_iter()
            .find(|l| l.name() == name)
    }
}

/// A running sandbox with `items` items and `latency` on every response.
pub async fn sandbox(provider: Provider, items: usize, latency: Duration) -> RunningSandbox {
    sandbox_with(SandboxConfig::new(provider).items(items), latency).await
}

pub async fn sandbox_with(config: SandboxConfig, latency: Duration) -> RunningSandbox {
    let sb = Sandbox::start(config).await.expect("sandbox starts");
    sb.faults().set_latency(latency);
    sb
}

/// The clients of the three crates, pointed at one server (pacing off unless `configure`
/// turns it on).
pub struct Clients {
    pub utage: utage_client::Client,
    pub microcms: microcms_client::Client,
    pub posteverywhere: posteverywhere_client::Client,
}

impl Clients {
    pub fn new(base: &str, key: &str) -> Self {
        Clients {
            utage: utage_client::Client::builder().base_url(base).api_key(key).no_pacing().build().expect("client"),
            microcms: microcms_client::Client::builder()
                .base_url(base)
                .api_key(key)
                .no_pacing()
                .build()
                .expect("client"),
            posteverywhere: posteverywhere_client::Client::builder()
                .base_url(base)
                .api_key(key)
                .no_pacing()
                .build()
                .expect("client"),
        }
    }

    pub fn for_sandbox(sb: &RunningSandbox) -> Self {
        Self::new(&sb.base_url(), sb.api_key())
    }
}

async fn count<S, T, E>(stream: S) -> usize
where
    S: Stream<Item = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut stream = std::pin::pin!(stream);
    let mut n = 0;
    loop {
        match stream.try_next().await {
            Ok(Some(_)) => n += 1,
            Ok(None) => return n,
            Err(e) => panic!("listing failed after {n} items: {e}"),
        }
    }
}

/// Streams every item of `listing` with `items()` (default configuration) and counts them.
pub async fn count_items(clients: &Clients, listing: Listing) -> usize {
    match listing {
        Listing::Utage => count(clients.utage.list_media().keyword(UTAGE_ALL).items()).await,
        Listing::MicroCmsV1 => count(clients.microcms.list_media_v1().items()).await,
        Listing::MicroCmsV2 => count(clients.microcms.list_media_v2().items()).await,
        Listing::PostEverywhere => count(clients.posteverywhere.list_media().items()).await,
    }
}

/// The loop a user would write by hand over `base` (the sandbox's base URL): reqwest,
/// serde_json, pages of 100 one after another until a short page (v2: until the total).
pub async fn hand_loop(http: &reqwest::Client, listing: Listing, base: &str, key: &str) -> usize {
    let get = |path: &str, query: Vec<(&'static str, String)>| {
        let request = http.get(format!("{base}{path}")).query(&query);
        let request = match listing {
            Listing::MicroCmsV1 | Listing::MicroCmsV2 => request.header("X-MICROCMS-API-KEY", key),
            _ => request.bearer_auth(key),
        };
        async move {
            let body: serde_json::Value = request.send().await.expect("send").json().await.expect("json");
            body
        }
    };
    let mut n = 0;
    match listing {
        Listing::MicroCmsV2 => {
            let mut body = get("/api/v2/media", vec![("limit", "100".into())]).await;
            loop {
                let got = body["media"].as_array().map_or(0, Vec::len);
                n += got;
                if got == 0 || n as u64 >= body["totalCount"].as_u64().unwrap_or(0) {
                    return n;
                }
                let token = body["token"].as_str().unwrap_or_default().to_owned();
                body = get("/api/v2/media", vec![("token", token)]).await;
            }
        }
        _ => {
            for page in 1u64.. {
                let got = match listing {
                    Listing::Utage => {
                        let query =
                            vec![("keyword", UTAGE_ALL.into()), ("page", page.to_string()), ("per_page", "100".into())];
                        get("/media", query).await["data"].as_array().map_or(0, Vec::len)
                    }
                    Listing::MicroCmsV1 => {
                        let query = vec![("offset", n.to_string()), ("limit", "100".into())];
                        get("/api/v1/media", query).await["media"].as_array().map_or(0, Vec::len)
                    }
                    _ => {
                        let query = vec![("offset", n.to_string()), ("limit", "100".into())];
                        get("/media", query).await["data"]["items"].as_array().map_or(0, Vec::len)
                    }
                };
                n += got;
                if got < 100 {
                    break;
                }
            }
            n
        }
    }
}

/// A multi-threaded Tokio runtime (the machine's cores).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// The consumer process's peak resident set (`VmHWM`), in KiB, where `/proc` has it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
