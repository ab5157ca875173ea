//! Facet filters with alias resolution, and facet counts over the matching set.

use std::collections::BTreeMap;

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::error::{Error, Result};
use crate::index::schema::dimension_field;
use crate::model::{Dimension, Lang, SectionKind};

/// Facet filters: dimension → accepted values. AND across dimensions, OR within one.
pub type Filters = Vec<(Dimension, Vec<String>)>;

/// Resolves user filter values to facet values: any alias of a mechanism or country, kinds and
/// languages by name. An unknown mechanism or country is kept as typed (it may be in the
/// index under that name); an unknown kind or language is a usage error. Values of one
/// dimension given twice are merged.
pub fn resolve_filters<'a>(filters: impl IntoIterator<Item = (Dimension, &'a [String])>) -> Result<Filters> {
    let mut out: Filters = Vec::new();
    for (dim, values) in filters {
        if values.is_empty() {
            continue;
        }
        let resolved = values.iter().map(|v| resolve(dim, v)).collect::<Result<Vec<_>>>()?;
        match out.iter_mut().find(|(d, _)| *d == dim) {
            Some((_, existing)) => existing.extend(resolved),
            None => out.push((dim, resolved)),
        }
    }
    Ok(out)
}

/// One filter value resolved to its facet value (see [`resolve_filters`]).
pub(crate) fn resolve(dim: Dimension, value: &str) -> Result<String> {
    let value = value.trim();
    Ok(match dim {
        Dimension::Mechanism | Dimension::Country | Dimension::Entity | Dimension::Primary => {
            let kind = if dim == Dimension::Country { EntityKind::Country } else { EntityKind::Mechanism };
            GLOSSARY
                .resolve(value)
                .filter(|e| e.kind == kind || dim == Dimension::Mechanism)
                .map_or(value.to_string(), |e| e.id.clone())
        }
        Dimension::Kind => SectionKind::parse(value).map(|k| k.name().to_string()).ok_or_else(|| {
            let kinds: Vec<_> = SectionKind::ALL.iter().map(|k| k.name()).collect();
            Error::Usage(format!("unknown --kind {value:?}; use one of {}", kinds.join(", ")))
        })?,
        Dimension::Lang => Lang::parse(value)
            .map(|l| l.code().to_string())
            .ok_or_else(|| Error::Usage(format!("unknown --lang {value:?}; use en or es")))?,
        Dimension::Session => session_label(value)?,
        Dimension::Doc | Dimension::Doctype | Dimension::Year => value.to_string(),
    })
}

/// Checks resolved filter values against the values the index holds (`known`), so that a
/// filter that can match nothing says why: an unknown value is a usage error naming the
/// closest known ones ("did you mean CSM?"). A document may be named without its extension.
/// `holds` answers for one value; `known` lists a dimension's values, only when one is missing.
pub fn check_filters(
    filters: &mut Filters,
    holds: impl Fn(Dimension, &str) -> bool,
    known: impl Fn(Dimension) -> Vec<String>,
) -> Result<()> {
    for (dim, values) in filters.iter_mut() {
        if matches!(dim, Dimension::Entity | Dimension::Primary) {
            continue;
        }
        for value in values.iter_mut() {
            if holds(*dim, value) {
                continue;
            }
            let known = known(*dim);
            if *dim == Dimension::Doc {
                let stem = |k: &String| k.rsplit_once('.').map_or(k.clone(), |(s, _)| s.to_string());
                if let Some(k) = known.iter().find(|k| stem(k) == *value) {
                    *value = k.clone();
                    continue;
                }
            }
            return Err(Error::Usage(unknown_value(*dim, value, &known)));
        }
    }
    Ok(())
}

/// "unknown --mechanism "CMS": no record has it; did you mean CSM? (known: …)".
fn unknown_value(dim: Dimension, value: &str, known: &[String]) -> String {
    let folded = |s: &str| crate::analyze::fold::fold(s).into_owned();
    let typed = folded(value);
    // a mechanism or a country is also suggested by the names it goes by ("CSM" for SACM)
    let aliases: Vec<String> = match dim {
        Dimension::Mechanism | Dimension::Country => GLOSSARY
            .entities()
            .iter()
            .filter(|e| known.contains(&e.id))
            .flat_map(|e| e.aliases.iter().cloned())
            .collect(),
        _ => Vec::new(),
    };
    let mut close: Vec<(f64, &String)> =
        known.iter().chain(&aliases).map(|k| (strsim::normalized_damerau_levenshtein(&typed, &folded(k)), k)).collect();
    close.dedup_by(|a, b| a.1 == b.1);
    close.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let suggestions: Vec<&str> = close.iter().filter(|(s, _)| *s >= 0.5).take(3).map(|(_, k)| k.as_str()).collect();
    let hint = match suggestions.as_slice() {
        [] => String::new(),
        s => format!("; did you mean {}?", s.join(" or ")),
    };
    let mut all: Vec<&str> = known.iter().map(String::as_str).collect();
    all.sort_unstable();
    let listed = if all.len() <= 12 { format!(" (known: {})", all.join(", ")) } else { String::new() };
    format!("unknown --{} {value:?}: no record has it{hint}{listed}", dim.name())
}

/// A session value as the index labels sessions: `intro` or a number below 100 (see
/// `segment::headings`). "#5", "05", "V" and "fifth" are read as 5; anything else is a usage
/// error, not another session: "-1" once filtered on session 1.
fn session_label(value: &str) -> Result<String> {
    let bare = value.strip_prefix('#').unwrap_or(value).to_lowercase();
    if matches!(bare.as_str(), "intro" | "introduction" | "introduccion" | "introducción") {
        return Ok("intro".into());
    }
    let number = match bare.parse::<u32>() {
        Ok(n) => Some(n),
        // roman numerals and ordinals, read as a heading would read them
        Err(_) if bare.chars().all(char::is_alphabetic) && !bare.is_empty() => {
            crate::segment::headings::keyword_number(&format!("session {bare}"))
                .or_else(|| crate::segment::headings::keyword_number(&format!("{bare} session")))
                .and_then(|n| n.parse().ok())
        }
        Err(_) => None,
    };
    match number {
        Some(n) if (1..100).contains(&n) => Ok(n.to_string()),
        _ => Err(Error::Usage(format!(
            "session {value:?} (given with --session or session: in the query) is not a session label; \
             use intro or a session number (1, 2, …, as in `--session 5`)"
        ))),
    }
}

/// What a search reads for every match, per segment, held in memory: the values of some
/// dimensions (every response dimension for a search; from their raw fast fields) and the
/// ranking prior. Reading values from tantivy's columns cost about 190 ns per match (most of a
/// broad query's time on the 100 MB bench corpus); here a match's values are one run of
/// slots in one array. Built once per opened index, on its first search.
///
/// The values of the dimensions where a record has at most one value among a few
/// ([`COMBINED_VALUES`]: kind, language, family, year, session) are counted together: each
/// record has a combination of them (about 1,700 on the bench corpus), a match counts its
/// combination once, and the combinations' counts are spread over their values at the end.
/// A match then takes 4–5 counts instead of 9–10, most of a broad query's counting time.
pub struct SegmentTables {
    /// The dimensions held.
    dims: Vec<Dimension>,
    /// The slots of document `d` counted one by one are `slots[starts[d]..starts[d + 1]]`.
    starts: Vec<u32>,
    slots: Vec<u32>,
    /// The combination of document `d`: its other slots are
    /// `combined_slots[combined_starts[c]..combined_starts[c + 1]]` for `c = combination[d]`.
    combination: Vec<u32>,
    combined_starts: Vec<u32>,
    combined_slots: Vec<u32>,
    /// What each slot stands for: (index into `dims`, value).
    names: Vec<(usize, String)>,
    prior: Vec<u8>,
}

/// A dimension with at most this many values, one or none per record, is counted through
/// combinations (see [`SegmentTables`]).
const COMBINED_VALUES: usize = 64;

impl SegmentTables {
    /// Reads the tables of one segment, for dimensions `dims`.
    pub fn read(reader: &tantivy::SegmentReader, dims: &[Dimension]) -> Result<SegmentTables> {
        use tantivy::columnar::Cardinality;
        let max_doc = reader.max_doc();
        // (first slot, column, counted through combinations)
        let mut columns = Vec::new();
        let mut names = Vec::new();
        for (i, dim) in dims.iter().enumerate() {
            let Some(column) = reader.fast_fields().str(&dimension_field(*dim))? else { continue };
            let combined =
                column.ords().get_cardinality() != Cardinality::Multivalued && column.num_terms() <= COMBINED_VALUES;
            columns.push((names.len() as u32, column.clone(), combined));
            let mut stream = column
                .dictionary()
                .stream()
                .map_err(|e| Error::Index(crate::error::Internal::caused_by(e.to_string(), e)))?;
            while stream.advance() {
                names.push((i, String::from_utf8_lossy(stream.key()).into_owned()));
            }
        }
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut slots = Vec::with_capacity(max_doc as usize * columns.len());
        let mut combination = Vec::with_capacity(max_doc as usize);
        let (mut combined_starts, mut combined_slots) = (vec![0u32], Vec::new());
        let mut known: rustc_hash::FxHashMap<Vec<u32>, u32> = Default::default();
        let mut combo = Vec::new();
        starts.push(0);
        for doc in 0..max_doc {
            combo.clear();
            for (first, column, combined) in &columns {
                let values = column.term_ords(doc).map(|o| first + o as u32);
                if *combined {
                    combo.extend(values);
                } else {
                    slots.extend(values);
                }
            }
            starts.push(slots.len() as u32);
            // looked up by slice: a combination is copied only when it is new, not once per
            // record (581,717 allocations at 25,000 files, on every cold search)
            let id = match known.get(combo.as_slice()) {
                Some(&id) => id,
                None => {
                    let id = known.len() as u32;
                    known.insert(combo.clone(), id);
                    combined_slots.extend_from_slice(&combo);
                    combined_starts.push(combined_slots.len() as u32);
                    id
                }
            };
            combination.push(id);
        }
        let prior = match reader.fast_fields().u64("prior") {
            Ok(column) => {
                let column = column.first_or_default_col(100);
                (0..max_doc).map(|d| column.get_val(d).min(100) as u8).collect()
            }
            Err(_) => vec![100; max_doc as usize],
        };
        Ok(SegmentTables {
            dims: dims.to_vec(),
            starts,
            slots,
            combination,
            combined_starts,
            combined_slots,
            names,
            prior,
        })
    }

    /// The ranking prior of `doc`, in percent.
    pub fn prior(&self, doc: tantivy::DocId) -> u8 {
        self.prior[doc as usize]
    }

    /// The slots of combination `c`.
    fn combined(&self, c: u32) -> &[u32] {
        let c = c as usize;
        &self.combined_slots[self.combined_starts[c] as usize..self.combined_starts[c + 1] as usize]
    }

    /// The value of `doc` in dimension `dim` (the first, when it has several).
    pub fn value(&self, doc: tantivy::DocId, dim: Dimension) -> Option<&str> {
        let dim = self.dims.iter().position(|d| *d == dim)?;
        let d = doc as usize;
        let own = &self.slots[self.starts[d] as usize..self.starts[d + 1] as usize];
        let slots = own.iter().chain(self.combined(self.combination[d]));
        slots.map(|&slot| &self.names[slot as usize]).find(|(i, _)| *i == dim).map(|(_, v)| v.as_str())
    }

    /// Every value of `dim` in the segment (names of dictionaries hold values of records
    /// since deleted too, which is harmless for telling a typed value from a known one).
    pub fn values(&self, dim: Dimension) -> impl Iterator<Item = &str> {
        let d = self.dims.iter().position(|x| *x == dim);
        self.names.iter().filter(move |(i, _)| Some(*i) == d).map(|(_, v)| v.as_str())
    }

    /// Empty counters: one per slot, then one per combination.
    pub fn counters(&self) -> Vec<u32> {
        vec![0; self.names.len() + self.combined_starts.len() - 1]
    }

    /// Counts `doc` in `counters` (from [`SegmentTables::counters`]).
    pub fn count(&self, doc: tantivy::DocId, counters: &mut [u32]) {
        let d = doc as usize;
        counters[self.names.len() + self.combination[d] as usize] += 1;
        for &slot in &self.slots[self.starts[d] as usize..self.starts[d + 1] as usize] {
            counters[slot as usize] += 1;
        }
    }

    /// Appends the values `counters` counted to `into`: per dimension (by index into the
    /// dimensions held), (value, count) in value order.
    pub fn add_counts<'t>(&'t self, counters: &[u32], into: &mut [Vec<(&'t str, u64)>]) {
        let (by_slot, by_combination) = counters.split_at(self.names.len());
        let mut totals = by_slot.to_vec();
        for (c, &n) in by_combination.iter().enumerate().filter(|(_, &n)| n > 0) {
            for &slot in self.combined(c as u32) {
                totals[slot as usize] += n;
            }
        }
        for ((d, name), &n) in self.names.iter().zip(&totals).filter(|(_, &n)| n > 0) {
            into[*d].push((name.as_str(), u64::from(n)));
        }
    }
}

/// The counts of one dimension (runs in value order, one per segment, from
/// [`SegmentTables::add_counts`]) summed per value and cut to the `limit` most frequent
/// values (ties: by value) when there are more.
pub fn top_values(mut counts: Vec<(&str, u64)>, limit: Option<usize>) -> BTreeMap<String, u64> {
    // a stable sort merges the sorted runs in linear time; equal values end up adjacent
    counts.sort_by(|a, b| a.0.cmp(b.0));
    counts.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    if let Some(limit) = limit.filter(|&l| l < counts.len()) {
        counts.select_nth_unstable_by(limit, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        counts.truncate(limit);
    }
    counts.into_iter().map(|(v, n)| (v.to_string(), n)).collect()
}

/// Facet counts: dimension → value → count.
pub type Counts = BTreeMap<Dimension, BTreeMap<String, u64>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_values_are_labels_or_usage_errors() {
        for (typed, label) in [("5", "5"), ("#5", "5"), ("05", "5"), ("V", "5"), ("fifth", "5"), ("Intro", "intro")] {
            assert_eq!(session_label(typed).unwrap(), label, "{typed}");
        }
        for typed in ["-1", "0", "100", "", "session", "1.5", "x1"] {
            let err = session_label(typed).unwrap_err().to_string();
            assert!(err.contains(&format!("{typed:?}")) && err.contains("use intro or a session number"), "{err}");
        }
    }

    #[test]
    fn top_values_sums_the_segments_and_keeps_the_most_frequent() {
        // two segments' runs, each in value order
        let runs = vec![("a.txt", 2), ("b.txt", 5), ("d.txt", 1), ("a.txt", 4), ("c.txt", 3), ("d.txt", 1)];
        let all = top_values(runs.clone(), None);
        let want: BTreeMap<String, u64> =
            [("a.txt", 6), ("b.txt", 5), ("c.txt", 3), ("d.txt", 2)].map(|(v, n)| (v.to_string(), n)).into();
        assert_eq!(all, want);
        let top: Vec<(String, u64)> = top_values(runs.clone(), Some(2)).into_iter().collect();
        assert_eq!(top, [("a.txt".to_string(), 6), ("b.txt".to_string(), 5)]);
        // ties go to the earlier value
        let tied = top_values(vec![("y", 1), ("x", 1), ("z", 1)], Some(1));
        assert_eq!(tied.into_iter().collect::<Vec<_>>(), [("x".to_string(), 1)]);
    }
}
