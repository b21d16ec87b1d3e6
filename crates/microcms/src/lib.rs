//! Typed async client for the microCMS Management API (media), generated from `specs/microcms/openapi.yaml` by
//! `cargo xtask codegen`, with a handwritten layer for what OpenAPI cannot say.
//!
//! The generated code is in [`generated`] (never edited by hand); everything a caller needs is
//! re-exported here. Who decides what: the spec (and the generator's model of it) decides every
//! operation, type and name, and the paging parameters and fields of both lists
//! (`x-speakeasy-pagination`); the handwritten `pagination` module wraps the generated sources with
//! the 10,000-offset guard, what carries over with a v2 token and how a lapsed token shows, and
//! [`quirks`] holds the rest of what the spec cannot say.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use microcms_client::prelude::*;
//! use microcms_client::ServerVariables;
//!
//! let client = microcms_client::Client::builder()
//!     .service_domain("your-service") // https://your-service.microcms-management.io
//!     .api_key(std::env::var("MICROCMS_API_KEY")?)
//!     .build()?;
//!
//! // v2 pages by token; the paginator fetches ahead so a 15 s token never lapses.
//! let mut items = client.list_media_v2().tags(["animals"]).items();
//! while let Some(media) = items.try_next().await? {
//!     println!("{} {:?}", media.url, media.alt);
//! }
//! # Ok(()) }
//! ```

#[rustfmt::skip]
pub mod generated;

/// The `time` crate the timestamps parse into, so callers name the same version.
pub use client_runtime::time;
pub use client_runtime::{ApiError, BuildError, DateTime, Error, Response, ResponseMeta};
pub use generated::ServerVariables;
pub use generated::{operations, types, Client, ClientBuilder};

mod pagination;
pub mod prelude;
pub mod quirks;
pub mod upload;

pub use upload::{UploadBuilder, UploadError, UploadStep};
