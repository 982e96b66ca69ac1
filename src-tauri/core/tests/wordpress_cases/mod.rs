//! The tests of `wordpress.rs`, by subject.

pub mod client;
pub mod errors;
pub mod media;
pub mod sync;
