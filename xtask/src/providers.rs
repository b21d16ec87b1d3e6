//! The three providers this workspace generates clients for, and the facts their specs cannot
//! carry (documented rate limits live in prose, not in OpenAPI).

use crate::model::{Options, RateLimit};

pub struct Provider {
    /// The name used on the command line and under `specs/`.
    pub name: &'static str,
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The crate the client is generated into, relative to the workspace root.
    pub crate_dir: &'static str,
    /// Documented limits, as (requests, window in seconds).
    pub rate_limits: &'static [(u32, u64)],
    /// Paged operations whose `Paginated` impl is handwritten (in the crate's `pagination.rs`)
    /// around the generated source, for quirks no paging extension can express.
    pub custom_paging: &'static [&'static str],
}

impl Provider {
    pub fn rate_limits(&self) -> Vec<RateLimit> {
        self.rate_limits.iter().map(|&(requests, window_secs)| RateLimit { requests, window_secs }).collect()
    }

    /// What the model needs beyond the spec, for this provider's crate (`source` goes into the
    /// `@generated` header).
    pub fn model_options(&self, source: String) -> Options {
        Options {
            source,
            rate_limits: self.rate_limits(),
            custom_paging: self.custom_paging.iter().map(|id| (*id).to_owned()).collect(),
            // Each provider crate is one small API: no features to declare in its manifest.
            features_by_tag: false,
        }
    }
}

const MINUTE: u64 = 60;
const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "microcms",
        spec: "specs/microcms/openapi.yaml",
        crate_dir: "crates/microcms",
        // microCMS documents retrying 429/5xx but publishes no numbers: pace by the headers only.
        rate_limits: &[],
        // v1: offsets past 10,000 return wrong data; v2: `limit`/`imageOnly` carry over with the
        // token and may not be resent, and a lapsed token is a 400 whose message says so.
        custom_paging: &["listMediaV1", "listMediaV2"],
    },
    Provider {
        name: "posteverywhere",
        spec: "specs/posteverywhere/openapi.yaml",
        crate_dir: "crates/posteverywhere",
        rate_limits: &[(60, MINUTE), (1_000, HOUR), (10_000, DAY)],
        custom_paging: &[],
    },
    Provider {
        name: "utage",
        spec: "specs/utage/openapi.yaml",
        crate_dir: "crates/utage",
        rate_limits: &[(60, MINUTE), (10_000, DAY)],
        custom_paging: &[],
    },
];
