//! Integration tests, compiled as one binary (see Cargo.toml `autotests = false`).

mod cli;
mod corpus;
mod docx;
mod engine;
mod hardening;
mod hardening_text;
mod hardening_walk;
mod indexing;
mod pdf;
mod questions;
mod relevance;
mod search;
mod server;
mod server_clients;
mod twins;
mod util;
