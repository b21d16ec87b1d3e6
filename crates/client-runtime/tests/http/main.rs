//! End-to-end tests of the runtime against real HTTP servers on 127.0.0.1.

mod common;
mod pacing;
mod retries;
mod safety;
