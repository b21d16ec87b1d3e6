//! Typed async client for the UTAGE API (media), generated from `specs/utage/openapi.yaml` by
//! `cargo xtask codegen`, with a handwritten layer for what OpenAPI cannot say.
//!
//! The generated code is in [`generated`] (never edited by hand); everything a caller needs is
//! re-exported here. Who decides what: the vendored spec and its overlays (`specs/utage/overlays/`)
//! decide every operation, type and name, and the paging of `listMedia` (so
//! [`operations::ListMediaPaging`] is generated); [`quirks`] holds what the spec cannot say.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use utage_client::prelude::*;
//!
//! let client = utage_client::Client::builder()
//!     .api_key(std::env::var("UTAGE_API_KEY")?) // base URL defaults to https://api.utage-system.com/v1
//!     .build()?;
//!
//! // One request: typed parameters, typed body, metadata (rate limit, request id).
//! let page = client.list_media().keyword("cat").per_page(100).send().await?;
//! println!("{:?} in all; {:?} left this minute", page.meta.as_ref().and_then(|m| m.total), page.http().rate_limit().remaining);
//!
//! // Every item, paging handled (pages fetched concurrently, nothing lost or repeated).
//! let mut items = client.list_media().keyword("cat").items();
//! while let Some(media) = items.try_next().await? {
//!     println!("{:?} {:?}", media.name, media.created_at.and_then(|t| t.get())); // `PrimitiveDateTime`: UTAGE sends no offset
//! }
//! # Ok(()) }
//! ```

#[rustfmt::skip]
pub mod generated;

/// The `time` crate the timestamps parse into, so callers name the same version.
pub use client_runtime::time;
pub use client_runtime::{ApiError, BuildError, Error, LocalDateTime, Response, ResponseMeta, StorageError};
pub use generated::{operations, types, Client, ClientBuilder};

pub mod prelude;
pub mod quirks;
pub mod upload;

pub use upload::{UploadBuilder, UploadError, UploadStep};
