//! Typed async client for the UTAGE API (media), generated from `specs/utage/openapi.yaml` by
//! `cargo xtask codegen`, with a handwritten layer for what OpenAPI cannot say.
//!
//! The generated code is in [`generated`] (never edited by hand); everything a caller needs is
//! re-exported here.

#[rustfmt::skip]
pub mod generated;

pub use client_runtime::{ApiError, BuildError, Error, Response, ResponseMeta};
pub use generated::{operations, types, Client, ClientBuilder};

mod pagination;
pub mod prelude;
pub mod quirks;
