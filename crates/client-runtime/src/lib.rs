//! Runtime shared by the generated media-library clients.
//!
//! Generated crates describe *what* to send (an operation's method, path, parameters and the
//! statuses it declares); this crate decides *how*: the transport, auth, key safety, retries,
//! rate-limit pacing, errors and pagination.
//!
//! One call goes through these steps, each a policy of its own module:
//! 1. [`pacing`]: wait until the documented quotas and the server's last `X-RateLimit-*` headers
//!    allow another request (shared by every clone of a client);
//! 2. the transport: send it, following redirects by hand — the key only to the base URL's origin
//!    — and read the body within the size cap;
//! 3. [`retry`]: classify the outcome and, for idempotent requests, wait (backoff, `Retry-After`,
//!    `X-RateLimit-Reset`, read once per response and capped) and go back to 1, within the
//!    attempt and time budgets and the client's shared retry budget;
//! 4. the generated code decodes the answer into a [`Response`] or an [`Error`].
//!
//! The key never appears in `Debug`, `Display`, logs or error excerpts. What differs by provider
//! (quotas, where the request id lives, the body cap, hints) comes from the [`ServiceSpec`] a
//! generated crate hands over, or from its handwritten [`paginate::Source`] impls.
//!
//! What a caller names: the builder ([`ClientBuilder`]) and what it takes ([`RequestOptions`], the
//! policies in [`retry`] and [`pacing`]), what `send()` returns ([`ResponseFuture`]), [`Response`]
//! and its [`ResponseMeta`] (`.http()`), the errors, [`Download`], the listings of [`paginate`],
//! and [`http`]'s status, header and method types, the same ones reqwest uses. The module `__private` holds what only generated code uses;
//! it is hidden from these docs and outside semver.
//!
//! Decoded values: [`DateTime`], [`Date`] and [`LocalDateTime`] are what `format: date-time`,
//! `format: date` and `x-time-format: sql-datetime` fields become; a server that sends another
//! form costs that field its parsed value (kept as text), not the whole response.

mod auth;
mod config;
mod credentials;
mod download;
mod error;
mod error_detail;
mod json_pointer;
mod options;
pub mod pacing;
pub mod paginate;
mod param_style;
mod query;
mod raw;
mod redirect;
mod request;
mod response;
pub mod retry;
mod sending;
mod struct_de;
mod struct_ser;
mod time_value;
mod transport;
mod upload;

#[cfg(test)]
mod parsers_fuzz;

pub use config::{
    ApiClient, AuthScheme, BuildError, ClientBuilder, Quota, RequestIdSource, ServiceSpec, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_SERVER_WAIT,
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
pub use raw::RawBody;
pub use request::FilePart;
pub use response::{RateLimit, Response, ResponseMeta, ServerWait};
pub use retry::{
    Backoff, BudgetState, ClassifyRetry, ComputeBackoff, ConstantBackoff, Jitter, RetryBucket, RetryBudget,
    RetryPolicy, StandardClassifier, TokenBucket,
};
pub use sending::ResponseFuture;
pub use time_value::{Date, DateTime, Lenient, LocalDateTime, TimeFormat};
pub use upload::StorageError;

/// What only generated code (and the provider crates' handwritten upload steps) needs: helpers
/// the generator emits calls to, the transport and its requests, and reqwest itself.
///
/// **Outside semver.** Anything here may change or go in any release, minor and patch included;
/// a generated crate is regenerated with the runtime it targets. Application code should not
/// name these.
#[doc(hidden)]
pub mod __private {
    pub use crate::paginate::count::{count_from_number, count_from_text, count_from_wire, count_to_wire};
    pub use crate::param_style::{cookie_pairs, header_text, path_text, PathStyle};
    pub use crate::query::{bracket_pairs, form_pairs, scalar_text, QueryStyle};
    pub use crate::request::{check_range, path_segment, MultipartPart, Request, StreamForm};
    pub use crate::response::{parse_retry_after, request_id_from_body, RawResponse};
    pub use crate::sending::{fetch_page, send, send_download, to_url, Decode};
    pub use crate::transport::{ForeignBody, ForeignRequest, ForeignResponse, Transport, STORAGE_OPERATION};
    pub use reqwest;

    /// What generated structs decode with: a slot per field, read by `read_object`.
    pub mod de {
        pub use crate::struct_de::{expecting_object, read_object, Deserializer, Optional, Required, Visitor};
    }

    /// What generated structs serialize with: one `Field` per field, one generic `object`.
    pub mod ser {
        pub use crate::struct_ser::{object, optional, value};
    }

    /// The parts of a one-call upload the provider crates assemble theirs from.
    pub mod upload {
        pub use crate::upload::{
            content_type_for, file_name_of, presigned_upload, says_expired, storage_error_code, storage_outcome,
            FlowOptions, MediaIdCallback, PreparedUpload, PresignedError, PresignedSteps, Progress, StorageTarget,
            Upload, UploadSource, CHUNK_BYTES,
        };
    }
}

/// Re-exported so generated code and callers name the same versions: `http` for the status,
/// header and method types ([`ResponseMeta::status`], [`ResponseMeta::headers`]), the ones
/// reqwest itself uses.
pub use http;
pub use serde;
pub use serde_json;
pub use time;
