//! `use posteverywhere_client::prelude::*;` for `.items()` and `.pages()` on paged requests and the
//! stream methods (`try_next`, `try_collect`, …) to consume them.
//!
//! ```no_run
//! # async fn demo(client: posteverywhere_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use posteverywhere_client::prelude::*;
//! let mut items = client.list_media().items();
//! while let Some(media) = items.try_next().await? {
//!     println!("{:?}", media.filename);
//! }
//! # Ok(()) }
//! ```

// `listMedia` pages as its spec declares (`x-speakeasy-pagination`): the source is generated.
pub use crate::operations::ListMediaPaging;
pub use client_runtime::paginate::{
    Checkpoint, Items, Page, PageError, Pages, PaginateConfig, Paginated, PaginationError, ShiftPolicy, TokenExpiry,
};
pub use futures::{StreamExt as _, TryStreamExt as _};
