//! Every field of the index in one place.
//!
//! One tantivy document per record (section, practice, footnote):
//! - `body_en` / `body_es`: the record's text, analyzed by its own language's analyzer only
//!   (one analysis pass per record); a query runs each language's analysis against its field;
//! - `head_en` / `head_es`: heading and document title, boosted at query time;
//! - one raw field per dimension ([`Dimension::ALL`]), indexed for filters and fast for
//!   counts: `facet_mechanism` holds `SACM`, `facet_kind` holds `session`, …; the `doc`
//!   dimension is the `doc` field (also deleted by), the `entity` dimension the `entity` field
//!   (canonical ids of the glossary entities the record names, under any alias);
//! - `seq`, the record's place in its document, as a fast field for document-order listing;
//! - `record`: the stored JSON of the record, everything `search` and `show` print (the doc
//!   store in zstd blocks, see [`settings`]).

use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STORED, STRING};

use crate::model::{Dimension, Lang};

/// Bump when the schema or the stored record changes: old indexes then ask for `--full`.
pub const FORMAT_VERSION: u32 = 9;

/// Ranking prior of a record, in percent of its BM25 score. Footnotes and practice lines
/// are a sentence long, so BM25's length normalization lifts them above the sections that
/// discuss a topic at length; the prior hands some of that back (practices: 85 → 60 raised the
/// relevance test's tuning part from 0.850 to 0.856). A report's list of acronyms
/// names every body and topic of the report in a few words each, so it matches most names
/// and topics without being about any: it ranks like a footnote.
pub fn prior(kind: crate::model::SectionKind, heading: &str) -> u64 {
    use crate::model::SectionKind::*;
    match kind {
        Footnote => 55,
        _ if is_list_of_acronyms(heading) => 55,
        Practice => 60,
        _ => 100,
    }
}

/// Whether a heading is that of a list of acronyms ("List of acronyms", "Siglas y acrónimos",
/// "Abbreviations").
fn is_list_of_acronyms(heading: &str) -> bool {
    let heading = crate::analyze::fold(heading).to_lowercase();
    heading.len() < 60
        && ["acronym", "abbreviation", "siglas", "acronimo", "abreviatura"].iter().any(|w| heading.contains(w))
}

/// The name of the raw field holding a dimension's values.
pub fn dimension_field(dim: Dimension) -> String {
    match dim {
        Dimension::Doc | Dimension::Entity => dim.name().to_string(),
        _ => format!("facet_{}", dim.name()),
    }
}

/// Handles to every field.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
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
    /// Canonical ids of the entities a record names (raw, fast).
    pub entity: Field,
    /// Canonical ids of the entities a record defines (name followed by acronym).
    pub defines: Field,
    /// The raw field of each dimension, in [`Dimension::ALL`] order.
    pub dimensions: [Field; 10],
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

    /// The raw field of dimension `dim`.
    pub fn dimension(&self, dim: Dimension) -> Field {
        self.dimensions[dim as usize]
    }

    /// Resolves the handles in `schema` (which must come from [`build`]).
    pub fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            doc: f("doc")?,
            seq: f("seq")?,
            prior: f("prior")?,
            body_en: f("body_en")?,
            body_es: f("body_es")?,
            head_en: f("head_en")?,
            head_es: f("head_es")?,
            entity: f("entity")?,
            defines: f("defines")?,
            dimensions: {
                let mut out = [Field::from_field_id(0); 10];
                for (slot, dim) in out.iter_mut().zip(Dimension::ALL) {
                    *slot = f(&dimension_field(dim))?;
                }
                out
            },
            record: f("record")?,
        })
    }
}

/// Bytes of records compressed together in the doc store. A hit decompresses its whole block,
/// so a block is the unit both of what compression can find repeated (a document's title and
/// metadata in each of its records, the phrasing documents share) and of what a hit costs to
/// read. On the 100 MB bench corpus (`gen_corpus.py --docs 5000 --seed 1`) the store took
/// 64.9 MB with lz4 and 16 KB blocks (tantivy's defaults), and with zstd level 3: 35.7 MB at
/// 64 KB, 28.0 MB at 256 KB, 21.4 MB at 1 MB. zstd decompresses ~450 MB/s on the 2 shared
/// cores, so a 64 KB block costs a hit ~0.15 ms, a 1 MB block ~2 ms (ten hits a page).
const STORE_BLOCK: usize = 64 * 1024;

/// How the doc store is written: zstd (level 3, its default) in [`STORE_BLOCK`] blocks.
pub fn settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: None,
        }),
        docstore_blocksize: STORE_BLOCK,
        ..Default::default()
    }
}

/// The schema.
pub fn build() -> Schema {
    let mut b = Schema::builder();
    b.add_u64_field("seq", FAST);
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
    b.add_text_field("defines", STRING);
    // one term per value: a hierarchical facet field would index `/`, `/kind` and
    // `/kind/session` for each value, and build a column of its own (6% of a build's instructions)
    // no field norms on the filter-only fields (a byte per record and field): a filter's
    // clause is boosted by 0 (see `query::build`), so its BM25 never counts. The entity field
    // keeps them: an entity match is scored.
    let filter_only = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    for dim in Dimension::ALL {
        let options = if dim == Dimension::Entity { STRING } else { filter_only.clone() };
        b.add_text_field(&dimension_field(dim), options | FAST);
    }
    b.add_text_field("record", STORED);
    b.build()
}
