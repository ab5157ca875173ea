//! consulta: bilingual (English/Spanish) full-text search for the documents of inter-state
//! consultation mechanisms on migration (RCM/CRM, SACM/CSM, OCAM, OAS CAM and their peers).
//!
//! ```text
//! corpus/*.txt ─► ingest ─► segment ─► analyze ─► index/ (tantivy) ─► query ─► cli
//!                decode     sections    tokens      schema + facets      parse, rank,
//!                clean      records     entities    manifest             facet, snippet
//! ```
//!
//! Data flows one way and each stage is a plain function over the structs of [`model`]. Only
//! [`index`] and [`query`] know tantivy; [`cli`] is a thin shell that parses arguments and prints.
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

pub use engine::{Config, Engine};
pub use error::{Error, Result};
pub use model::{Dimension, DocMeta, Document, Lang, Record, Section, SectionKind};
pub use query::{SearchRequest, SearchResponse};
