//! `use microcms_client::prelude::*;` for `.items()` and `.pages()` on paged requests and the
//! stream methods (`try_next`, `try_collect`, …) to consume them.
//!
//! ```no_run
//! # async fn demo(client: microcms_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use microcms_client::prelude::*;
//! let mut items = client.list_media_v2().tags(["animals"]).items();
//! while let Some(media) = items.try_next().await? {
//!     println!("{:?}", media.url);
//! }
//! # Ok(()) }
//! ```

pub use crate::pagination::{ListMediaV1Paging, ListMediaV2Paging, MAX_V1_OFFSET};
pub use client_runtime::paginate::{
    Checkpoint, Items, Page, PageError, Pages, PaginateConfig, Paginated, PaginationError, ShiftPolicy, TokenExpiry,
};
pub use futures::{StreamExt as _, TryStreamExt as _};
