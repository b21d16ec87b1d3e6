//! `use utage_client::prelude::*;` for `.items()` and `.pages()` on paged requests and the
//! stream methods (`try_next`, `try_collect`, …) to consume them.
//!
//! ```no_run
//! # async fn demo(client: utage_client::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use utage_client::prelude::*;
//! let mut items = client.list_media().keyword("cat").items();
//! while let Some(media) = items.try_next().await? {
//!     println!("{:?}", media.name);
//! }
//! # Ok(()) }
//! ```

// `listMedia` pages as its spec declares (`x-speakeasy-pagination`, from overlays/20-pagination.yaml):
// the source is generated, and follows the page size the server reports (it clamps `per_page`).
pub use crate::operations::ListMediaPaging;
pub use client_runtime::paginate::{
    Checkpoint, Items, Page, PageError, Pages, PaginateConfig, Paginated, PaginationError, ShiftPolicy, TokenExpiry,
};
pub use futures::{StreamExt as _, TryStreamExt as _};
