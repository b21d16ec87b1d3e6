//! The Bookshelf client, generated in `build.rs` from `openapi.yaml` (see the generator's
//! `generate_module`): nothing generated is committed; editing the spec regenerates it on the
//! next build.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = bookshelf_build_script_example::Client::builder()
//!     .api_key(std::env::var("BOOKSHELF_TOKEN")?)
//!     .build()?;
//! let book = client.get_book("dune").send().await?;
//! println!("{} ({:?})", book.title, book.year);
//! # Ok(()) }
//! ```

include!(concat!(env!("OUT_DIR"), "/generated.rs"));

pub use generated::{operations, types, Client, ClientBuilder};
