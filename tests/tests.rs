//! Integration tests, compiled as one binary (see Cargo.toml `autotests = false`).

mod cli;
mod corpus;
mod docx;
mod engine;
mod hardening;
mod indexing;
mod relevance;
mod search;
mod util;
