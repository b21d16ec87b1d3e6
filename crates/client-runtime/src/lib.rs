//! Runtime shared by the generated media-library clients.
//!
//! Generated crates describe *what* to send (an operation's method, path, parameters and the
//! statuses it declares); this crate decides *how*: the transport, auth, key safety, retries,
//! rate-limit pacing, errors and pagination.
//!
//! One call goes through these steps, each a policy of its own module:
//! 1. [`pacing`]: wait until the documented quotas and the server's last `X-RateLimit-*` headers
//!    allow another request (shared by every clone of a client);
//! 2. [`transport`]: send it, following redirects by hand — the key only to the base URL's origin
//!    (`redirect.rs`) — and read the body within the size cap;
//! 3. [`retry`]: classify the outcome and, for idempotent requests, wait (backoff, `Retry-After`,
//!    `X-RateLimit-Reset`, read once per response and capped) and go back to 1, within the
//!    attempt and time budgets and the client's shared retry budget;
//! 4. the generated code decodes the [`RawResponse`] into a [`Response`] or an [`Error`].
//!
//! The key never appears in `Debug`, `Display`, logs or error excerpts. What differs by provider
//! (quotas, where the request id lives, the body cap, hints) comes from the [`ServiceSpec`] a
//! generated crate hands over, or from its handwritten [`paginate::Source`] impls.
//!
//! Decoded values: [`DateTime`], [`Date`] and [`LocalDateTime`] are what `format: date-time`,
//! `format: date` and `x-time-format: sql-datetime` fields become; a server that sends another
//! form costs that field its parsed value (kept as text), not the whole response.

mod auth;
pub mod config;
mod credentials;
pub mod download;
pub mod error;
mod error_detail;
mod json_pointer;
mod options;
pub mod pacing;
pub mod paginate;
mod param_style;
pub mod query;
pub mod raw;
mod redirect;
pub mod request;
pub mod response;
pub mod retry;
mod time_value;
pub mod transport;
pub mod upload;

#[cfg(test)]
mod parsers_fuzz;

pub use config::{
    ApiClient, ApiKey, AuthScheme, BuildError, ClientBuilder, ClientConfig, Quota, RequestIdSource, ServiceSpec,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_SERVER_WAIT,
};
pub use download::{Download, DownloadError};
pub use error::{
    ApiError, BodyTooLarge, DecodeError, Error, InvalidRequest, RateLimited, RedirectError, TimeoutError, TimeoutKind,
    TransportError, UnexpectedStatus, WaitTooLong,
};
pub use options::RequestOptions;
pub use pacing::{NoPacing, Pace, PacePermit, Pacer, Pacing};
pub use paginate::{
    Checkpoint, Items, Page, PageError, Pages, PaginateConfig, Paginated, PaginationError, ShiftPolicy, TokenExpiry,
};
pub use query::QueryStyle;
pub use raw::RawBody;
pub use request::{FilePart, MultipartPart, Request, StreamForm};
pub use response::{RateLimit, RawResponse, Response, ResponseMeta, ServerWait};
pub use retry::{
    Backoff, BudgetState, ClassifyRetry, ComputeBackoff, ConstantBackoff, Jitter, RetryBucket, RetryBudget,
    RetryPolicy, StandardClassifier, TokenBucket,
};
pub use time_value::{Date, DateTime, Lenient, LocalDateTime, TimeFormat};
pub use transport::Transport;

/// What only generated code (and the provider crates' handwritten upload steps) needs: helpers
/// the generator emits calls to, and the transport's lower-level entry points.
///
/// **Outside semver.** Anything here may change or go in any release, minor and patch included;
/// a generated crate is regenerated with the runtime it targets. Application code should not
/// name these.
#[doc(hidden)]
pub mod __private {
    pub use crate::param_style::{header_text, path_text, PathStyle};
    pub use crate::query::{bracket_pairs, form_pairs, scalar_text};
    pub use crate::request::{check_range, path_segment};
    pub use crate::response::parse_retry_after;
    pub use crate::transport::{ForeignBody, ForeignRequest, ForeignResponse, Transport, STORAGE_OPERATION};
}

// The old paths, kept so crates generated before `__private` still compile; the generator is to
// emit `client_runtime::__private::…` instead.
#[doc(hidden)]
pub use __private::{
    check_range, parse_retry_after, path_segment, scalar_text, ForeignBody, ForeignRequest, ForeignResponse,
    STORAGE_OPERATION,
};

/// Re-exported so generated code and callers name the same versions.
pub use reqwest;
pub use serde;
pub use serde_json;
pub use time;
