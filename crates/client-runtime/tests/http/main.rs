//! End-to-end tests of the runtime against real HTTP servers on 127.0.0.1.

mod common;
mod downloads;
mod error_chains;
mod explicit_auth;
mod pacing;
mod paging;
mod query_keys;
mod raw_bodies;
mod response_meta;
mod retries;
mod safety;
mod several_keys;
mod storage;
