//! Runtime shared by the generated media-library clients.
//!
//! Generated crates describe *what* to send (an operation's method, path, parameters and the
//! statuses it declares); this crate decides *how*: the transport, auth, key safety, retries,
//! rate-limit pacing, errors and pagination.

pub mod config;
pub mod error;
pub mod request;
pub mod response;
pub mod transport;

pub use config::{ApiClient, ApiKey, AuthScheme, BuildError, ClientBuilder, Quota, ServiceSpec};
pub use error::{ApiError, DecodeError, Error, InvalidRequest, UnexpectedStatus};
pub use request::{check_range, path_segment, MultipartPart, Request};
pub use response::{RateLimit, RawResponse, Response, ResponseMeta};
pub use transport::Transport;

/// Re-exported so generated code and callers name the same versions.
pub use reqwest;
pub use serde_json;
