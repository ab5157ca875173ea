//! Every field of the index in one place.
//!
//! One tantivy document per record (section, practice, footnote):
//! - `body_en` / `body_es`: the record's text, analyzed by its own language's analyzer only
//!   (one analysis pass per record); a query runs each language's analysis against its field;
//! - `head_en` / `head_es`: heading and document title, boosted at query time;
//! - `facets`: one hierarchical facet field holding `/mechanism/SACM`, `/kind/session`, …;
//! - `entity`: canonical ids of the glossary entities the record names, under any alias;
//! - `id` and `doc` as raw terms (lookup, delete-by-document), `doc` and `seq` as fast fields
//!   for document-order listing;
//! - `record`: the stored JSON of the record, everything `search` and `show` print.

use tantivy::schema::{
    FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};

use crate::model::Lang;

/// Bump when the schema or the stored record changes: old indexes then ask for `--full`.
pub const FORMAT_VERSION: u32 = 6;

/// Ranking prior of a record kind, in percent of its BM25 score. Footnotes and practice lines
/// are a sentence long, so BM25's length normalization lifts them above the sections that
/// discuss a topic at length; the prior hands some of that back.
pub fn prior(kind: crate::model::SectionKind) -> u64 {
    use crate::model::SectionKind::*;
    match kind {
        Footnote => 55,
        Practice => 85,
        _ => 100,
    }
}

/// The facet dimension of every entity a record names (for `lookup`; not in search responses).
pub const ENTITY_FACET: &str = "entity";

/// The facet dimension of the mechanisms a record's document is about (for `lookup`).
pub const PRIMARY_FACET: &str = "primary";

/// Facet dimensions, in the order responses list them.
pub const FACETS: [&str; 8] = ["mechanism", "kind", "country", "session", "lang", "doc", "doctype", "year"];

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Record id (raw, stored in `record`).
    pub id: Field,
    /// Source file name (raw, fast).
    pub doc: Field,
    /// Position of the record in its document (fast).
    pub seq: Field,
    /// Ranking prior of the record's kind, in percent (fast).
    pub prior: Field,
    /// English-analyzed text.
    pub body_en: Field,
    /// Spanish-analyzed text.
    pub body_es: Field,
    /// English-analyzed heading and title.
    pub head_en: Field,
    /// Spanish-analyzed heading and title.
    pub head_es: Field,
    /// Canonical ids of the entities a record names (raw terms).
    pub entity: Field,
    /// Canonical ids of the entities a record defines (name followed by acronym).
    pub defines: Field,
    /// All facets.
    pub facets: Field,
    /// The raw fast field of each response dimension but `doc`, in [`FACETS`] order.
    pub facet_values: [Option<Field>; 8],
    /// The stored record JSON.
    pub record: Field,
}

impl Fields {
    /// The body field analyzed for `lang`.
    pub fn body(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.body_en,
            Lang::Es => self.body_es,
        }
    }

    /// The heading field analyzed for `lang`.
    pub fn head(&self, lang: Lang) -> Field {
        match lang {
            Lang::En => self.head_en,
            Lang::Es => self.head_es,
        }
    }

    /// Resolves the handles in `schema` (which must come from [`build`]).
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            doc: f("doc")?,
            seq: f("seq")?,
            prior: f("prior")?,
            body_en: f("body_en")?,
            body_es: f("body_es")?,
            head_en: f("head_en")?,
            head_es: f("head_es")?,
            entity: f("entity")?,
            defines: f("defines")?,
            facets: f("facets")?,
            facet_values: FACETS.map(|d| schema.get_field(&format!("facet_{d}")).ok()),
            record: f("record")?,
        })
    }
}

/// The schema.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING);
    b.add_text_field("doc", STRING | FAST);
    b.add_u64_field("seq", INDEXED | FAST);
    b.add_u64_field("prior", FAST);
    for lang in Lang::ALL {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(lang.code())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        b.add_text_field(&format!("body_{}", lang.code()), text.clone());
        b.add_text_field(&format!("head_{}", lang.code()), text);
    }
    b.add_text_field("entity", STRING);
    b.add_text_field("defines", STRING);
    b.add_facet_field("facets", FacetOptions::default());
    // the response dimensions again as raw fast fields, for counting (see query::facets)
    for dim in FACETS.iter().filter(|d| **d != "doc") {
        b.add_text_field(&format!("facet_{dim}"), TextOptions::default().set_fast("raw"));
    }
    b.add_text_field("record", STORED);
    b.build()
}
