//! The state every request and every handle shares.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::config::{Provider, SandboxConfig};
use crate::data::Store;
use crate::faults::Faults;
use crate::ratelimit::RateLimiter;
use crate::stats::Recorder;
use crate::storage::Storage;
use crate::uploads::Uploads;
use crate::util::mix;

pub(crate) struct Shared {
    pub provider: Provider,
    pub api_key: String,
    pub token_ttl: Duration,
    pub store: Mutex<Store>,
    pub faults: Mutex<Faults>,
    pub stats: Mutex<Recorder>,
    pub limiter: Mutex<Option<RateLimiter>>,
    /// The signed-storage origin uploads go to, and the library's side of those uploads.
    pub storage: Arc<Storage>,
    pub uploads: Mutex<Uploads>,
    requests: AtomicU64,
}

/// Locks a mutex even if a panicking thread poisoned it: the data is plain counters and sets
/// that stay consistent between statements, and a test server must keep answering.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(config: &SandboxConfig) -> Self {
        Shared {
            provider: config.provider,
            api_key: config.api_key.clone(),
            token_ttl: config.token_ttl,
            store: Mutex::new(Store::new(config.seed, config.items)),
            faults: Mutex::new(config.faults.clone()),
            stats: Mutex::new(Recorder::default()),
            limiter: Mutex::new(config.rate_limit.clone().map(RateLimiter::new)),
            storage: Arc::new(Storage::new(config.seed, &config.api_key)),
            uploads: Mutex::new(Uploads::default()),
            requests: AtomicU64::new(0),
        }
    }

    /// A short request id, unique within this server.
    pub fn request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}", mix(0x5EED, n, 0) as u32)
    }

    /// The "items change while a client pages" faults, run after each list request.
    pub fn after_list(&self) {
        let (insert, delete) = {
            let f = lock(&self.faults);
            (f.insert_per_request, f.delete_per_request)
        };
        if insert > 0 || delete > 0 {
            let mut store = lock(&self.store);
            store.insert_front(insert);
            store.delete_front(delete);
        }
    }
}
