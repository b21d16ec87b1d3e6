//! Typed async client for the PostEverywhere API (media), generated from `specs/posteverywhere/openapi.yaml` by
//! `cargo xtask codegen`, with a handwritten layer for what OpenAPI cannot say.
//!
//! The generated code is in [`generated`] (never edited by hand); everything a caller needs is
//! re-exported here. Who decides what: the spec (and the generator's model of it) decides every
//! operation, type and name, and the paging of `listMedia` (its `x-speakeasy-pagination`, so
//! [`operations::ListMediaPaging`] is generated); [`quirks`] holds what the spec cannot say.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use posteverywhere_client::prelude::*;
//! use posteverywhere_client::types::MediaType;
//!
//! let client = posteverywhere_client::Client::builder()
//!     .api_key(std::env::var("POSTEVERYWHERE_API_KEY")?) // base URL defaults to https://app.posteverywhere.ai/api/v1
//!     .build()?;
//!
//! let page = client.list_media().r#type(MediaType::Image).limit(50).send().await?;
//! println!("request {:?}: media_ids {:?}", page.request_id(), page.data.media_ids);
//!
//! let videos: Vec<_> = client.list_media().r#type(MediaType::Video).items().try_collect().await?;
//! println!("{} videos", videos.len());
//! # Ok(()) }
//! ```

#[rustfmt::skip]
pub mod generated;

/// The `time` crate the timestamps parse into, so callers name the same version.
pub use client_runtime::time;
pub use client_runtime::{ApiError, BuildError, DateTime, Error, Response, ResponseMeta, StorageError};
pub use generated::{operations, types, Client, ClientBuilder};

pub mod prelude;
pub mod quirks;
pub mod upload;

pub use upload::{UploadBuilder, UploadError, UploadStep};
