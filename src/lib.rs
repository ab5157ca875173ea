//! consulta: bilingual (English/Spanish) full-text search for the documents of inter-state
//! consultation mechanisms on migration (RCM/CRM, SACM/CSM, OCAM, OAS CAM and their peers).
//!
//! ```text
//! corpus/ ─► ingest ─► segment ─► analyze ─► index/ (tantivy) ─► query ─► Engine ─► cli
//! .txt .md   formats    sections    tokens      schema + facets      expand,    open/build,
//!            decode     records     entities    manifest, writer     build,     refresh,
//!            clean                                                   rank,      profiles,
//!                                                                    facet,     reindex
//!                                                                    snippet
//! ```
//!
//! Data flows one way and each stage is a plain function over the structs of [`model`]. Only
//! [`index`] and [`query`] know tantivy. [`reindex`] runs an indexing batch (walk, diff, read on
//! workers, one commit). [`Engine`] is the one face: it opens or builds an index, follows its
//! commits, and answers every question with serde types; [`cli`] is a thin shell over it that
//! parses arguments and prints.
//!
//! ```no_run
//! use consulta::{Config, Dimension, Engine, SearchRequest};
//!
//! // builds index/ from corpus/ when it is missing or stale, as `consulta search` does
//! let engine = Engine::open_or_build(Config::new("corpus", "index"), &mut |_event| {})?;
//! let request = SearchRequest::new("trata de personas").filter(Dimension::Mechanism, "CSM").limit(3);
//! let response = engine.search(&request)?;
//! for hit in &response.hits {
//!     println!("{:.2} {} ({})", hit.score, hit.record.heading, hit.record.id);
//! }
//! let outline = engine.outline("006_plenaria_crm_csm_2024_es.txt")?;
//! let profile = engine.mechanism_profile("Proceso de Puebla")?; // RCM
//! # Ok::<(), consulta::Error>(())
//! ```
#![warn(missing_docs)]

pub mod alloc;
pub mod analyze;
pub mod cli;
pub mod engine;
pub mod error;
pub mod index;
pub mod ingest;
pub mod model;
pub mod query;
pub mod reindex;
pub mod segment;
pub mod server;

pub use engine::{Config, Engine};
pub use error::{Error, Result};
pub use model::{Dimension, DocMeta, Document, Lang, Record, Section, SectionKind};
pub use query::{SearchRequest, SearchResponse};
