//! The sandbox over real HTTP. One test binary (modules below) to keep link time down.

mod conformance;
mod data;
mod faults;
mod microcms;
mod posteverywhere;
mod ratelimit;
mod support;
mod uploads;
mod utage;
