//! Facet filters with alias resolution, and facet counts over the matching set.

use std::collections::BTreeMap;

use tantivy::collector::{FacetCollector, FacetCounts};

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::error::{Error, Result};
use crate::index::schema::{ENTITY_FACET, FACETS, PRIMARY_FACET};

/// Dimensions that filter and count for `lookup` but are not listed in search responses.
pub const HIDDEN: [&str; 2] = [ENTITY_FACET, PRIMARY_FACET];
use crate::model::{Lang, SectionKind};

/// Resolves user filter values to facet values: any alias of a mechanism or country, kinds and
/// languages by name. An unknown mechanism or country is kept as typed (it may be in the
/// index under that name); an unknown kind or language is a usage error.
pub fn resolve_filters(filters: &[(String, Vec<String>)]) -> Result<Vec<(String, Vec<String>)>> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (dim, values) in filters {
        if values.is_empty() {
            continue;
        }
        if !FACETS.contains(&dim.as_str()) && !HIDDEN.contains(&dim.as_str()) {
            return Err(Error::Usage(format!("unknown filter {dim:?}; use one of {}", FACETS.join(", "))));
        }
        let resolved = values.iter().map(|v| resolve(dim, v)).collect::<Result<Vec<_>>>()?;
        match out.iter_mut().find(|(d, _)| d == dim) {
            Some((_, existing)) => existing.extend(resolved),
            None => out.push((dim.clone(), resolved)),
        }
    }
    Ok(out)
}

fn resolve(dim: &str, value: &str) -> Result<String> {
    let value = value.trim();
    Ok(match dim {
        "mechanism" | "country" | ENTITY_FACET | PRIMARY_FACET => {
            let kind = if dim == "country" { EntityKind::Country } else { EntityKind::Mechanism };
            GLOSSARY
                .resolve(value)
                .filter(|e| e.kind == kind || dim == "mechanism")
                .map_or(value.to_string(), |e| e.id.clone())
        }
        "kind" => SectionKind::parse(value).map(|k| k.name().to_string()).ok_or_else(|| {
            let kinds: Vec<_> = SectionKind::ALL.iter().map(|k| k.name()).collect();
            Error::Usage(format!("unknown --kind {value:?}; use one of {}", kinds.join(", ")))
        })?,
        "lang" => Lang::parse(value)
            .map(|l| l.code().to_string())
            .ok_or_else(|| Error::Usage(format!("unknown --lang {value:?}; use en or es")))?,
        "session" => value.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase(),
        _ => value.to_string(),
    })
}

/// A collector counting every dimension of `dims`.
pub fn collector(dims: &[&str]) -> FacetCollector {
    let mut c = FacetCollector::for_field("facets");
    for dim in dims {
        c.add_facet(format!("/{dim}").as_str());
    }
    c
}

/// Counts as dimension → value → count, every dimension of `dims` present.
pub fn counts(fc: &FacetCounts, dims: &[&str]) -> BTreeMap<String, BTreeMap<String, u64>> {
    dims.iter()
        .map(|dim| {
            let values = fc
                .get(format!("/{dim}").as_str())
                .filter_map(|(facet, n)| facet.to_path().last().map(|v| (v.to_string(), n)))
                .collect();
            (dim.to_string(), values)
        })
        .collect()
}

/// Counts matches per value of a single-valued raw fast field (the `doc` field), for
/// dimensions with one value per document: ordinals are counted in an array per segment and
/// their names read by one sequential pass over the segment's dictionary. tantivy's
/// `FacetCollector` looks each counted value up in the dictionary instead, which on a
/// 5,000-document corpus was most of a broad query's time.
pub struct FieldCounter {
    field: &'static str,
}

impl FieldCounter {
    /// Counts the values of `field`.
    pub fn new(field: &'static str) -> FieldCounter {
        FieldCounter { field }
    }
}

/// The per-segment part of [`FieldCounter`].
pub struct FieldSegmentCounter {
    column: Option<tantivy::columnar::StrColumn>,
    counts: Vec<u32>,
}

impl tantivy::collector::Collector for FieldCounter {
    type Fruit = BTreeMap<String, u64>;
    type Child = FieldSegmentCounter;

    fn for_segment(&self, _: tantivy::SegmentOrdinal, reader: &tantivy::SegmentReader) -> tantivy::Result<Self::Child> {
        let column = reader.fast_fields().str(self.field)?;
        let counts = vec![0; column.as_ref().map_or(0, |c| c.num_terms())];
        Ok(FieldSegmentCounter { column, counts })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        let mut out = BTreeMap::new();
        for fruit in fruits {
            for (value, n) in fruit {
                *out.entry(value).or_insert(0) += n;
            }
        }
        Ok(out)
    }
}

impl tantivy::collector::SegmentCollector for FieldSegmentCounter {
    type Fruit = BTreeMap<String, u64>;

    fn collect(&mut self, doc: tantivy::DocId, _: tantivy::Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut out = BTreeMap::new();
        let Some(column) = self.column else { return out };
        let Ok(mut stream) = column.dictionary().stream() else { return out };
        while stream.advance() {
            let n = self.counts.get(stream.term_ord() as usize).copied().unwrap_or(0);
            if n > 0 {
                out.insert(String::from_utf8_lossy(stream.key()).into_owned(), u64::from(n));
            }
        }
        out
    }
}
