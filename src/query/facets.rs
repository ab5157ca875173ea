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
    /// What document `d` counts is `counted[starts[d]..starts[d + 1]]`: first the counter of its
    /// combination (`names.len()` + the combination's number), then its own slots. One run per
    /// match, so counting a match is one loop over adjacent numbers.
    starts: Vec<u32>,
    counted: Numbers,
    /// The slots of combination `c` are `combined_slots[combined_starts[c]..combined_starts[c + 1]]`.
    combined_starts: Vec<u32>,
    combined_slots: Vec<u32>,
    /// What each slot stands for: (index into `dims`, value), in (dimension, value) order.
    names: Vec<(usize, String)>,
    prior: Vec<u8>,
    /// Per window of `1 << window_shift` documents (all of them, deleted or not), what its
    /// documents count: `windows[w * counters + c]` for counter `c` (see
    /// [`SegmentTables::count_window`]).
    windows: Vec<u32>,
    window_shift: u32,
    /// Set for tables read with [`SegmentTables::columns`]: the values are then read from the
    /// segment's columns, match by match, and `starts`, `counted`, `prior` and `windows` are empty.
    columns: Option<Columns>,
}

/// The columns [`SegmentTables::columns`] reads a match's values and prior from.
struct Columns {
    /// (first slot, column, index into `dims`) per dimension the segment has.
    dims: Vec<(u32, tantivy::columnar::StrColumn, usize)>,
    prior: Option<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>>,
}

/// The fewest documents per window of [`SegmentTables::count_window`]; a window holds at least
/// as many documents as there are counters (about 4,500 per segment of the bench corpus), so
/// the windows' counts take at most one `u32` per document.
const MIN_WINDOW: u32 = 4096;

/// Counter numbers, in 16 bits when every counter of the segment has one (a segment of the
/// 5,000-file bench corpus has about 4,500 counters). A broad query reads the numbers of tens
/// of thousands of matches, spread over a few MB with the postings: in half the bytes, fewer
/// of them miss the cache (the load of a match's numbers was half the counting time in perf).
enum Numbers {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Numbers {
    /// `numbers`, each below `counters`.
    fn of(numbers: Vec<u32>, counters: usize) -> Numbers {
        if counters <= usize::from(u16::MAX) + 1 {
            Numbers::Narrow(numbers.into_iter().map(|n| n as u16).collect())
        } else {
            Numbers::Wide(numbers)
        }
    }

    fn at(&self, i: usize) -> u32 {
        match self {
            Numbers::Narrow(numbers) => u32::from(numbers[i]),
            Numbers::Wide(numbers) => numbers[i],
        }
    }
}

/// A dimension with at most this many values, one or none per record, is counted through
/// combinations (see [`SegmentTables`]).
const COMBINED_VALUES: usize = 64;

impl SegmentTables {
    /// The columns of `dims` in one segment, each with its first slot, and the names of the slots.
    #[allow(clippy::type_complexity)]
    fn dimension_columns(
        reader: &tantivy::SegmentReader,
        dims: &[Dimension],
    ) -> Result<(Vec<(u32, tantivy::columnar::StrColumn, usize)>, Vec<(usize, String)>)> {
        let mut columns = Vec::new();
        let mut names = Vec::new();
        for (i, dim) in dims.iter().enumerate() {
            let Some(column) = reader.fast_fields().str(&dimension_field(*dim))? else { continue };
            columns.push((names.len() as u32, column.clone(), i));
            let mut stream = column
                .dictionary()
                .stream()
                .map_err(|e| Error::Index(crate::error::Internal::caused_by(e.to_string(), e)))?;
            while stream.advance() {
                names.push((i, String::from_utf8_lossy(stream.key()).into_owned()));
            }
        }
        Ok((columns, names))
    }

    /// Tables of one segment that read each match's values from its columns as it is counted,
    /// instead of from every record up front: what a process that searches once (a cold
    /// `consulta search`) reads. Counting a match costs more than with [`SegmentTables::read`]
    /// (about 190 ns, see above), but only the matches are read; the counts are the same.
    pub fn columns(reader: &tantivy::SegmentReader, dims: &[Dimension]) -> Result<SegmentTables> {
        let (columns, names) = Self::dimension_columns(reader, dims)?;
        let prior = reader.fast_fields().u64("prior").ok().map(|c| c.first_or_default_col(100));
        Ok(SegmentTables {
            dims: dims.to_vec(),
            starts: Vec::new(),
            counted: Numbers::Narrow(Vec::new()),
            combined_starts: vec![0],
            combined_slots: Vec::new(),
            names,
            prior: Vec::new(),
            windows: Vec::new(),
            window_shift: MIN_WINDOW.trailing_zeros(),
            columns: Some(Columns { dims: columns, prior }),
        })
    }

    /// Reads the tables of one segment, for dimensions `dims`.
    pub fn read(reader: &tantivy::SegmentReader, dims: &[Dimension]) -> Result<SegmentTables> {
        use tantivy::columnar::Cardinality;
        let max_doc = reader.max_doc();
        let (columns, names) = Self::dimension_columns(reader, dims)?;
        // (first slot, column, counted through combinations)
        let columns: Vec<_> = columns
            .into_iter()
            .map(|(first, column, _)| {
                let combined = column.ords().get_cardinality() != Cardinality::Multivalued
                    && column.num_terms() <= COMBINED_VALUES;
                (first, column, combined)
            })
            .collect();
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut counted = Vec::with_capacity(max_doc as usize * (columns.len() + 1));
        let (mut combined_starts, mut combined_slots) = (vec![0u32], Vec::new());
        let mut known: rustc_hash::FxHashMap<Vec<u32>, u32> = Default::default();
        let mut combo = Vec::new();
        let mut own = Vec::new();
        starts.push(0);
        for doc in 0..max_doc {
            combo.clear();
            own.clear();
            for (first, column, combined) in &columns {
                let values = column.term_ords(doc).map(|o| first + o as u32);
                if *combined {
                    combo.extend(values);
                } else {
                    own.extend(values);
                }
            }
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
            counted.push(names.len() as u32 + id);
            counted.extend_from_slice(&own);
            starts.push(counted.len() as u32);
        }
        let prior = match reader.fast_fields().u64("prior") {
            Ok(column) => {
                let column = column.first_or_default_col(100);
                (0..max_doc).map(|d| column.get_val(d).min(100) as u8).collect()
            }
            Err(_) => vec![100; max_doc as usize],
        };
        let counted = Numbers::of(counted, names.len() + combined_starts.len() - 1);
        let mut tables = SegmentTables {
            dims: dims.to_vec(),
            starts,
            counted,
            combined_starts,
            combined_slots,
            names,
            prior,
            windows: Vec::new(),
            window_shift: 0,
            columns: None,
        };
        let per_window = tables.counters().len();
        let window = (per_window as u32).next_power_of_two().max(MIN_WINDOW);
        let mut windows = vec![0u32; max_doc.div_ceil(window) as usize * per_window];
        for doc in 0..max_doc {
            let w = (doc / window) as usize;
            tables.count(doc, &mut windows[w * per_window..(w + 1) * per_window]);
        }
        tables.windows = windows;
        tables.window_shift = window.trailing_zeros();
        Ok(tables)
    }

    /// The ranking prior of `doc`, in percent.
    pub fn prior(&self, doc: tantivy::DocId) -> u8 {
        if let Some(columns) = &self.columns {
            return columns.prior.as_ref().map_or(100, |c| c.get_val(doc).min(100) as u8);
        }
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
        if let Some(columns) = &self.columns {
            let (first, column, _) = columns.dims.iter().find(|(_, _, i)| *i == dim)?;
            let ord = column.term_ords(doc).next()?;
            return Some(self.names[(first + ord as u32) as usize].1.as_str());
        }
        let d = doc as usize;
        let (first, end) = (self.starts[d] as usize, self.starts[d + 1] as usize);
        let combination = self.counted.at(first) - self.names.len() as u32;
        let own = (first + 1..end).map(|i| self.counted.at(i));
        let slots = own.chain(self.combined(combination).iter().copied());
        slots.map(|slot| &self.names[slot as usize]).find(|(i, _)| *i == dim).map(|(_, v)| v.as_str())
    }

    /// Every value of `dim` in the segment (names of dictionaries hold values of records
    /// since deleted too, which is harmless for telling a typed value from a known one).
    pub fn values(&self, dim: Dimension) -> impl Iterator<Item = &str> {
        let d = self.dims.iter().position(|x| *x == dim);
        self.names.iter().filter(move |(i, _)| Some(*i) == d).map(|(_, v)| v.as_str())
    }

    /// Empty counters: one per slot, then one per combination.
    pub fn counters(&self) -> Vec<u32> {
        vec![0; self.counters_len()]
    }

    /// Counts `doc` in `counters` (from [`SegmentTables::counters`]).
    #[inline]
    pub fn count(&self, doc: tantivy::DocId, counters: &mut [u32]) {
        if let Some(columns) = &self.columns {
            for (first, column, _) in &columns.dims {
                for ord in column.term_ords(doc) {
                    counters[(first + ord as u32) as usize] += 1;
                }
            }
            return;
        }
        let d = doc as usize;
        let run = self.starts[d] as usize..self.starts[d + 1] as usize;
        match &self.counted {
            Numbers::Narrow(numbers) => {
                for &counter in &numbers[run] {
                    counters[usize::from(counter)] += 1;
                }
            }
            Numbers::Wide(numbers) => {
                for &counter in &numbers[run] {
                    counters[counter as usize] += 1;
                }
            }
        }
    }

    /// The window of `doc` (see [`SegmentTables::count_window`]).
    #[inline]
    pub fn window_of(&self, doc: tantivy::DocId) -> u32 {
        doc >> self.window_shift
    }

    /// Counts the matches `docs` (in increasing order) of window `w` (the documents whose
    /// [`SegmentTables::window_of`] is `w`) in `counters`. When they are most of the window, its
    /// documents' counts are added and the others' taken away, which gives the same counts:
    /// a broad query ("migration" matches 97 % of the bench corpus) then counts the few records
    /// it does not match instead of the many it does, counting having been a fifth of its time.
    pub fn count_window(&self, w: u32, docs: &[tantivy::DocId], counters: &mut [u32]) {
        if !self.dense(w, docs.len()) {
            for &doc in docs {
                self.count(doc, counters);
            }
            return;
        }
        let first = w << self.window_shift;
        let end = (first + (1 << self.window_shift)).min(self.prior.len() as u32);
        let per_window = counters.len();
        let totals = &self.windows[w as usize * per_window..(w as usize + 1) * per_window];
        for (c, &n) in counters.iter_mut().zip(totals) {
            *c = c.wrapping_add(n);
        }
        // the documents of the window that did not match, between the matches
        let mut next = first;
        for doc in docs.iter().copied().chain(std::iter::once(end)) {
            for missing in next..doc {
                self.uncount(missing, counters);
            }
            next = doc + 1;
        }
    }

    /// Whether `matches` matches in window `w` are better counted through the documents they
    /// leave out: adding a window's counts costs about one count per counter, counting a
    /// document a few.
    pub fn dense(&self, w: u32, matches: usize) -> bool {
        if self.columns.is_some() {
            // no window counts to add: every match is counted
            return false;
        }
        let first = w << self.window_shift;
        let end = (first + (1 << self.window_shift)).min(self.prior.len() as u32);
        let size = end.saturating_sub(first) as usize;
        matches * 2 > size + self.counters_len() / 4
    }

    fn counters_len(&self) -> usize {
        self.names.len() + self.combined_starts.len() - 1
    }

    /// Takes `doc` back out of `counters`. Counters may go below zero on the way (wrapping),
    /// never at the end: every document taken out was added with its window.
    fn uncount(&self, doc: tantivy::DocId, counters: &mut [u32]) {
        let d = doc as usize;
        for i in self.starts[d] as usize..self.starts[d + 1] as usize {
            let c = &mut counters[self.counted.at(i) as usize];
            *c = c.wrapping_sub(1);
        }
    }

    /// The count of each slot from `counters` (from [`SegmentTables::counters`]), the
    /// combinations' counts spread over their values.
    fn slot_totals(&self, counters: &[u32]) -> Vec<u32> {
        let (by_slot, by_combination) = counters.split_at(self.names.len());
        let mut totals = by_slot.to_vec();
        for (c, &n) in by_combination.iter().enumerate().filter(|(_, &n)| n > 0) {
            for &slot in self.combined(c as u32) {
                totals[slot as usize] += n;
            }
        }
        totals
    }

    /// Appends the values `counters` counted to `into`: per dimension (by index into the
    /// dimensions held), (value, count) in value order.
    pub fn add_counts<'t>(&'t self, counters: &[u32], into: &mut [Vec<(&'t str, u64)>]) {
        let totals = self.slot_totals(counters);
        for ((d, name), &n) in self.names.iter().zip(&totals).filter(|(_, &n)| n > 0) {
            into[*d].push((name.as_str(), u64::from(n)));
        }
    }
}

/// The facet values of every segment of a commit in one numbering, so that the counts of the
/// segments add up by number rather than by value: summing them by value (sorting the
/// 5,000-odd `doc` names of a broad query's counts, then comparing strings) took about a
/// twentieth of the bench queries' time. Built once per commit, with its [`SegmentTables`].
pub struct Merged {
    /// Every (dimension index, value) of any segment, in (dimension, value) order.
    names: Vec<(usize, String)>,
    /// The values of dimension `d` are `names[dim_starts[d]..dim_starts[d + 1]]`.
    dim_starts: Vec<usize>,
    /// Per segment, the number of each of its slots.
    numbers: Vec<Vec<u32>>,
}

impl Merged {
    /// The numbering of the values of `tables` (one per segment, all holding the same
    /// dimensions).
    pub fn of(tables: &[std::sync::Arc<SegmentTables>]) -> Merged {
        let dims = tables.first().map_or(0, |t| t.dims.len());
        let mut names: Vec<(usize, String)> = tables.iter().flat_map(|t| t.names.iter().cloned()).collect();
        // byte order of the values, as the columns' dictionaries and `top_values` order them
        names.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.as_bytes().cmp(b.1.as_bytes())));
        names.dedup();
        let dim_starts = (0..=dims).map(|d| names.partition_point(|(i, _)| *i < d)).collect();
        let numbers = tables
            .iter()
            .map(|t| {
                t.names
                    .iter()
                    .map(|name| {
                        let at = names
                            .binary_search_by(|n| n.0.cmp(&name.0).then_with(|| n.1.as_bytes().cmp(name.1.as_bytes())));
                        at.expect("every segment's value is in the merged names") as u32
                    })
                    .collect()
            })
            .collect();
        Merged { names, dim_starts, numbers }
    }

    /// The counts of `dims` (the dimensions the tables hold, in their order) over the
    /// segments' `counters` (segment ordinal, counters from [`SegmentTables::counters`]), each
    /// dimension cut to its `limit` most frequent values (ties: by value), as [`top_values`]
    /// cuts them.
    pub fn counts<'c>(
        &self,
        tables: &[std::sync::Arc<SegmentTables>],
        dims: &[Dimension],
        counters: impl IntoIterator<Item = (usize, &'c [u32])>,
        limit: Option<usize>,
    ) -> Counts {
        let mut totals = vec![0u64; self.names.len()];
        for (segment, counters) in counters {
            let numbers = &self.numbers[segment];
            for (slot, n) in tables[segment].slot_totals(counters).into_iter().enumerate().filter(|(_, n)| *n > 0) {
                totals[numbers[slot] as usize] += u64::from(n);
            }
        }
        dims.iter()
            .enumerate()
            .map(|(d, dim)| {
                let range =
                    self.dim_starts.get(d).copied().unwrap_or(0)..self.dim_starts.get(d + 1).copied().unwrap_or(0);
                let mut counted: Vec<(usize, u64)> = range.filter(|&i| totals[i] > 0).map(|i| (i, totals[i])).collect();
                if let Some(limit) = limit.filter(|&l| l < counted.len()) {
                    // numbers follow the values' order, so a tie on count goes to the lower number
                    counted.select_nth_unstable_by(limit, |a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    counted.truncate(limit);
                }
                (*dim, counted.into_iter().map(|(i, n)| (self.names[i].1.clone(), n)).collect())
            })
            .collect()
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
