//! Local emulators of the media APIs of microCMS (Management API), UTAGE and PostEverywhere,
//! for tests, examples and benches.
//!
//! Written from the vendors' docs, with its own wire structs: it shares nothing with the
//! generated clients, so a generator mistake cannot hide in both.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sandbox::{Provider, Sandbox, SandboxConfig};
//! let sb = Sandbox::start(SandboxConfig::new(Provider::Utage).items(500)).await?;
//! let base = sb.base_url(); // "http://127.0.0.1:PORT/v1"
//! sb.faults().server_errors(2, 503); // the next two requests fail
//! # Ok(()) }
//! ```
//!
//! # Behaviour worth knowing
//! - Items are listed newest first and derived from (seed, position): any size is cheap.
//! - microCMS v1: an `offset` above 10,000 returns the items at `offset % 10,000` (the vendor
//!   documents that such offsets return wrong data).
//! - microCMS v2: the `token` is opaque standard base64 (`+`, `/`, `=`: percent-encode it) and
//!   carries `limit`, `imageOnly`, `fileName`, `tags` and `alt`; filters sent again with a token
//!   are ignored; `limit` or `imageOnly` with a token is a 400. `fileName` and `alt` match
//!   substrings, case-sensitively.
//! - UTAGE: `keyword` matches names case-insensitively; `created_at` is JST.
//! - UTAGE and PostEverywhere answer invalid query values with a 400 `validation_error` in their
//!   envelope (the docs list no 400; the sandbox must say something).
//! - With rate limits on, every response carries `X-RateLimit-Limit`, `-Remaining` and `-Reset`;
//!   with them off, none does.

mod config;
mod data;
mod faults;
mod hostile;
mod providers;
mod ratelimit;
mod server;
mod state;
mod stats;
mod storage;
mod uploads;
mod util;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{ParseError, Provider, RateLimitConfig, RateWindow, SandboxConfig};
pub use faults::{FaultHandle, Faults, DEFAULT_OVERSIZED_BODY_BYTES};
pub use hostile::{Hostile, HostileHandle};
pub use stats::{RecordedRequest, Stats, RECENT_REQUESTS};
pub use storage::{StorageHandle, StorageRecord, StoredObject, KEPT_CONTENT_BYTES};

use state::{lock, Shared};

/// Starts sandboxes.
pub struct Sandbox;

impl Sandbox {
    /// Binds `config.bind` (a free loopback port by default) and serves until the returned
    /// handle is shut down or dropped. Needs a Tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<RunningSandbox> {
        let listener = TcpListener::bind(config.bind).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(&config));
        let hostile = Arc::default();
        let misbehave = axum::middleware::from_fn_with_state((shared.clone(), Arc::clone(&hostile)), hostile::apply);
        let router = providers::router(config.provider).layer(misbehave).with_state(shared.clone());
        let (stop, stopped) = watch::channel(false);
        let storage_task = storage_server(&config, &shared, stopped.clone()).await?;
        let task = tokio::spawn(server::serve(listener, shared.clone(), router, stopped));
        Ok(RunningSandbox { addr, shared, hostile, stop, task, storage_task })
    }
}

/// The signed-storage server: the same host, another port, so another origin.
async fn storage_server(
    config: &SandboxConfig,
    shared: &Arc<Shared>,
    stopped: watch::Receiver<bool>,
) -> std::io::Result<JoinHandle<()>> {
    let listener = TcpListener::bind(SocketAddr::new(config.bind.ip(), 0)).await?;
    let addr = listener.local_addr()?;
    let ip = if addr.ip().is_unspecified() { std::net::IpAddr::from([127, 0, 0, 1]) } else { addr.ip() };
    shared.storage.set_origin(format!("http://{}", SocketAddr::new(ip, addr.port())));
    let router = storage::router(shared.storage.clone());
    Ok(tokio::spawn(storage::serve(listener, router, stopped)))
}

/// A sandbox that is serving. Dropping it stops the server and closes its connections.
pub struct RunningSandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    hostile: Arc<std::sync::Mutex<hostile::HostileState>>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    storage_task: JoinHandle<()>,
}

impl std::fmt::Debug for RunningSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSandbox")
            .field("provider", &self.shared.provider)
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl RunningSandbox {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without the provider's base path: what a redirect of another
    /// sandbox should point to.
    pub fn origin(&self) -> String {
        let ip = if self.addr.ip().is_unspecified() { std::net::IpAddr::from([127, 0, 0, 1]) } else { self.addr.ip() };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// What a client's base URL should be: the origin for microCMS, `…/v1` for UTAGE,
    /// `…/api/v1` for PostEverywhere.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.origin(), self.shared.provider.base_path())
    }

    pub fn provider(&self) -> Provider {
        self.shared.provider
    }

    /// The key the sandbox accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.api_key
    }

    /// Controls the faults, the data and the rate limits while the server runs.
    pub fn faults(&self) -> FaultHandle {
        FaultHandle { shared: self.shared.clone() }
    }

    /// The signed-storage origin uploads go to, and the upload switches (attached media,
    /// `complete` failures).
    pub fn storage(&self) -> StorageHandle {
        StorageHandle { shared: self.shared.clone() }
    }

    /// Makes the server break its own docs (see [`Hostile`]) while it runs.
    pub fn hostile(&self) -> HostileHandle {
        HostileHandle { state: self.hostile.clone() }
    }

    /// What the server has seen so far.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.stats).snapshot()
    }

    pub fn reset_stats(&self) {
        lock(&self.shared.stats).reset();
    }

    /// How many items the library holds now (after inserts and deletes).
    pub fn item_count(&self) -> usize {
        lock(&self.shared.store).len()
    }

    /// Stops the server and closes every connection.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        self.task.abort();
        self.storage_task.abort();
    }
}

#[cfg(test)]
mod tests {
    /// Tests hold these across awaits on multi-threaded runtimes.
    #[test]
    fn handles_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<super::RunningSandbox>();
        check::<super::FaultHandle>();
        check::<super::HostileHandle>();
        check::<super::Stats>();
        check::<super::SandboxConfig>();
    }
}
