//! The tracing a call leaves, in a test binary of its own: tracing caches each callsite's
//! interest process-wide, and tests running beside these without a subscriber could leave an
//! event's callsite cached as "no interest" while these capture.

#[path = "../http/common.rs"]
#[allow(dead_code)]
mod common;
mod tracing_fields;
