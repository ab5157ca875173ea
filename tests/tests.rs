//! Integration tests, compiled as one binary (see Cargo.toml `autotests = false`).

mod cli;
mod corpus;
mod engine;
mod hardening_text;
mod indexing;
mod relevance;
mod search;
mod util;
