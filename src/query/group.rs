//! Twins in results: a record and its twin (the same record in the report's translation, see
//! `index::manifest::link_twins`) are one hit unless a request asks otherwise
//! ([`super::SearchRequest::group`]). Half of a list over both reports of a plenary would
//! otherwise be a translation of its other half (issue 19).
//!
//! How a grouped list counts, after Meilisearch's `distinct`:
//! - a hit is a group: the record in the query's language first (see [`query_lang`]; the
//!   better-ranked one when the query's language is not clear, the first in document order when
//!   listing), its twin under `also`; the group ranks where its better record ranks;
//! - `total` counts the groups of the records the query matched (a record and its twin once,
//!   both matched or one; records brought along, twins and a session's practices, rank but are
//!   not counted, as without grouping), and `offset` pages over groups: page 2 never repeats a
//!   group of page 1;
//! - facets count records, every record the query matched in either language (Algolia's
//!   default, `facetingAfterDistinct: false`): counting only the record shown first would make
//!   `lang` say the query's language only, while `--lang es` lists every Spanish record.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::query::{Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::expand::{self, Vocabulary};
use super::parse::ParsedQuery;
use super::twins::Scope;
use super::Searchable;
use crate::error::Result;
use crate::model::{Dimension, Lang, Record};

/// The twin shown under a grouped hit ("also in English").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Also {
    /// The twin record's id.
    pub id: String,
    /// Its source file.
    pub doc: String,
    /// Its language.
    pub lang: Lang,
    /// Its document's title.
    pub title: String,
    /// Its heading.
    pub heading: String,
}

impl Also {
    /// What a hit shows of its twin `record`.
    pub fn of(record: Record) -> Also {
        Also { id: record.id, doc: record.doc, lang: record.lang, title: record.title, heading: record.heading }
    }
}

/// One hit of a grouped list: where it ranks, the record shown and its twin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Group {
    /// The score of the better of its records (0 when listing).
    pub score: f32,
    /// The record shown.
    pub lead: DocAddress,
    /// Its twin, when the list holds it or it may pass the query (see `listed`).
    pub twin: Option<DocAddress>,
    /// Whether the list holds the twin (else it still has to pass the query's filters).
    pub listed: bool,
}

/// Groups `list` (ranked, or in document order): each record with its twin, where the better
/// ranked of the two stands, the one in language `prefer` shown first. The twin of a record
/// is kept when `list` holds it; otherwise it is kept as a twin to check (`listed: false`).
/// The groups of a list's first records are those of any longer list (a twin folds into the
/// better ranked record, which comes before it), which is what keeps paging consistent.
pub(super) fn group(
    list: &[(f32, DocAddress)],
    twins: &HashMap<DocAddress, DocAddress>,
    prefer: Option<Lang>,
    lang_of: impl Fn(DocAddress) -> Option<Lang>,
) -> Vec<Group> {
    let listed: HashSet<DocAddress> = list.iter().map(|&(_, a)| a).collect();
    let mut folded = HashSet::new();
    let mut out = Vec::with_capacity(list.len());
    for &(score, addr) in list {
        if folded.contains(&addr) {
            continue;
        }
        let twin = twins.get(&addr).copied();
        let in_list = twin.is_some_and(|t| listed.contains(&t));
        let group = match twin {
            Some(t) if in_list => {
                folded.insert(t);
                let swap = prefer.is_some() && lang_of(addr) != prefer && lang_of(t) == prefer;
                let (lead, other) = if swap { (t, addr) } else { (addr, t) };
                Group { score, lead, twin: Some(other), listed: true }
            }
            _ => Group { score, lead: addr, twin, listed: false },
        };
        out.push(group);
    }
    out
}

/// The language the query's words are in, by vote: a word that is a stop word in one
/// language only ("the", "on", "de", "sobre"), a word with a Spanish letter (á, ñ, ¿), or a
/// word only one language's records hold (*remesas*, *remittances*) votes for its language.
/// `None` when the votes tie ("SACM 2024"), and then a group shows its better record first.
pub(super) fn query_lang(q: &ParsedQuery, vocabulary: &dyn Vocabulary) -> Option<Lang> {
    let (mut en, mut es) = (0usize, 0usize);
    for clause in &q.include {
        for word in clause.text().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            if word.chars().any(|c| "áéíóúñü¿¡ÁÉÍÓÚÑÜ".contains(c)) {
                es += 1;
                continue;
            }
            let (in_en, in_es) = (expand::clause_terms(word, Lang::En), expand::clause_terms(word, Lang::Es));
            match (in_en.first(), in_es.first()) {
                (None, Some(_)) => en += 1,
                (Some(_), None) => es += 1,
                (Some(e), Some(s)) => match (vocabulary.has(Lang::En, &e.text), vocabulary.has(Lang::Es, &s.text)) {
                    (true, false) => en += 1,
                    (false, true) => es += 1,
                    _ => {}
                },
                (None, None) => {}
            }
        }
    }
    match en.cmp(&es) {
        std::cmp::Ordering::Greater => Some(Lang::En),
        std::cmp::Ordering::Less => Some(Lang::Es),
        std::cmp::Ordering::Equal => None,
    }
}

/// A list to group: its records, which of them were brought along rather than matched, and
/// how it was made.
pub(super) struct Listed<'a> {
    /// Ranked, or in document order.
    pub all: &'a [(f32, DocAddress)],
    /// Records of `all` the query did not match (twins, practices brought along).
    pub added: &'a [DocAddress],
    /// Whether `all` is ranked (else it holds every match, in order).
    pub ranked: bool,
    /// How many records the query matched.
    pub matched: usize,
    /// The query's language (see [`query_lang`]).
    pub prefer: Option<Lang>,
}

/// A page of grouped hits: (score, record shown), and the twin shown under it.
pub(super) type GroupedPage = Vec<((f32, DocAddress), Option<DocAddress>)>;

impl Searchable {
    /// The page `offset..offset + limit` of the groups of `list`, and how many matched records
    /// the grouping folds into another matched record's hit over every match (not only those
    /// listed), for the total. A twin the list does not hold is shown when it passes the
    /// query's filters (the translation of a hit, whether or not it holds the words).
    pub(super) fn grouped_page(
        &self,
        searcher: &Searcher,
        scope: &Scope<'_>,
        query: &dyn Query,
        list: &Listed<'_>,
        offset: usize,
        limit: usize,
    ) -> Result<(GroupedPage, usize)> {
        let twins = self.twin_map()?;
        let groups = group(list.all, twins, list.prefer, |a| self.lang_at(a));
        let folded = if !list.ranked {
            // a listing holds every match
            list.all.len() - groups.len()
        } else {
            let matched: HashSet<DocAddress> = if list.all.len() - list.added.len() >= list.matched {
                // the list holds every match (a search of few matches)
                let added: HashSet<&DocAddress> = list.added.iter().collect();
                list.all.iter().map(|&(_, a)| a).filter(|a| !added.contains(a)).collect()
            } else {
                self.matched_with_twins(searcher, query)?
            };
            matched.iter().filter(|a| twins.get(a).is_some_and(|t| matched.contains(t) && *a < t)).count()
        };
        let mut passes = None;
        let mut page = Vec::with_capacity(limit.min(groups.len()));
        for g in groups.into_iter().skip(offset).take(limit) {
            let twin = match g.twin {
                Some(t) if !g.listed && list.ranked => {
                    let weight = match &mut passes {
                        Some(w) => w,
                        None => passes.insert(self.passes(searcher, scope)?),
                    };
                    super::twins::passes_at(searcher, &**weight, t)?.then_some(t)
                }
                // a listing holds every record that passes
                Some(_) if !g.listed => None,
                twin => twin,
            };
            page.push(((g.score, g.lead), twin));
        }
        Ok((page, folded))
    }

    /// The records of `added` that `query` does not match.
    pub(super) fn unmatched(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        added: Vec<DocAddress>,
    ) -> Result<Vec<DocAddress>> {
        if added.is_empty() {
            return Ok(added);
        }
        let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
        let mut out = Vec::with_capacity(added.len());
        for addr in added {
            if !super::twins::passes_at(searcher, &*weight, addr)? {
                out.push(addr);
            }
        }
        Ok(out)
    }

    /// Each record of a document that has a twin → the same record in the twin (the record of
    /// the same slug, as `Manifest::twin_of` aligns them), read once per commit.
    pub(super) fn twin_map(&self) -> Result<&HashMap<DocAddress, DocAddress>> {
        if let Some(map) = self.twin_map.get() {
            return Ok(map);
        }
        let searcher = &self.searcher;
        let seqs = searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().u64("seq"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut at: HashMap<(&str, usize), DocAddress> = HashMap::new();
        for doc in &self.manifest.summary.twinned {
            let query = TermQuery::new(Term::from_field_text(self.fields.doc, doc), IndexRecordOption::Basic);
            for addr in searcher.search(&query, &DocSetCollector)? {
                let seq = seqs[addr.segment_ord as usize].first(addr.doc_id).unwrap_or(0) as usize;
                at.insert((doc.as_str(), seq), addr);
            }
        }
        // each entry decoded once, not twice per record as `Stored::twin_of` would (that was
        // three quarters of a cold search at 5,000 files); the same alignment: a record's slug
        // at its first position among the twin's sections
        let mut entries: HashMap<String, Option<(String, Vec<String>)>> = HashMap::new();
        let mut entry = |doc: &str| -> Option<(String, Vec<String>)> {
            entries
                .entry(doc.to_string())
                .or_insert_with(|| {
                    self.manifest.entry(doc).ok().flatten().map(|e| (e.twin.unwrap_or_default(), e.sections))
                })
                .clone()
        };
        let mut aligned: HashMap<(&str, usize), (String, usize)> = HashMap::new();
        for doc in &self.manifest.summary.twinned {
            let Some((twin, sections)) = entry(doc) else { continue };
            if twin.is_empty() {
                continue;
            }
            let Some((_, twin_sections)) = entry(&twin) else { continue };
            let mut first: HashMap<&str, usize> = HashMap::new();
            for (i, s) in twin_sections.iter().enumerate() {
                first.entry(s.as_str()).or_insert(i);
            }
            for (seq, slug) in sections.iter().enumerate() {
                if let Some(&at) = first.get(slug.as_str()) {
                    aligned.insert((doc.as_str(), seq), (twin.clone(), at));
                }
            }
        }
        let map = at
            .iter()
            .filter_map(|(&(doc, seq), &addr)| {
                let (twin, twin_seq) = aligned.get(&(doc, seq))?;
                Some((addr, *at.get(&(twin.as_str(), *twin_seq))?))
            })
            .collect();
        Ok(self.twin_map.get_or_init(|| map))
    }

    /// The records `query` matches that have a twin (the only records a group can fold), for
    /// counting the groups of a ranked search. The matches are walked in order, as the search's
    /// own pass does: intersecting the query with the twinned documents made a union of every
    /// query term seek at each of their records, which doubled the time of broad queries on the
    /// bench corpus (178 of its 5,000 files have a twin).
    pub(super) fn matched_with_twins(&self, searcher: &Searcher, query: &dyn Query) -> Result<HashSet<DocAddress>> {
        use tantivy::{DocSet, TERMINATED};
        let twins = self.twin_map()?;
        let weight = query.weight(tantivy::query::EnableScoring::disabled_from_searcher(searcher))?;
        let mut out = HashSet::new();
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let segment_ord = ord as u32;
            if !twins.keys().any(|a| a.segment_ord == segment_ord) {
                continue;
            }
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                let addr = DocAddress { segment_ord, doc_id: doc };
                // a deleted record is still in the postings until its segment is merged
                let alive = reader.alive_bitset().is_none_or(|a| a.is_alive(doc));
                if alive && twins.contains_key(&addr) {
                    out.insert(addr);
                }
                doc = scorer.advance();
            }
        }
        Ok(out)
    }

    /// The language of the record at `addr`, from the facet tables.
    pub(super) fn lang_at(&self, addr: DocAddress) -> Option<Lang> {
        let tables = self.tables.get().or_else(|| self.light.get())?;
        tables.0.get(addr.segment_ord as usize)?.value(addr.doc_id, Dimension::Lang).and_then(Lang::parse)
    }

    /// The id of the twin of `record` (the record of the same slug in its document's twin),
    /// for `twin` in `--json`.
    pub(super) fn twin_id(&self, record: &Record) -> Option<String> {
        let twin = self.manifest.entry(&record.doc).ok()??.twin?;
        let twin = twin.as_str();
        let slug = record.id.split_once('#')?.1;
        self.manifest.entry(twin).ok()??.sections.iter().any(|s| s == slug).then(|| {
            let stem = twin.rsplit_once('.').map_or(twin, |(s, _)| s);
            format!("{stem}#{slug}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(doc_id: u32) -> DocAddress {
        DocAddress { segment_ord: 0, doc_id }
    }

    /// Records 0–9 English, 10–19 Spanish; record n and n + 10 are twins.
    fn twins() -> HashMap<DocAddress, DocAddress> {
        (0..10).flat_map(|n| [(at(n), at(n + 10)), (at(n + 10), at(n))]).collect()
    }

    fn lang(a: DocAddress) -> Option<Lang> {
        Some(if a.doc_id < 10 { Lang::En } else { Lang::Es })
    }

    #[test]
    fn a_record_and_its_twin_are_one_group_led_by_the_query_language() {
        let list = [(9.0, at(1)), (8.0, at(12)), (7.0, at(11)), (6.0, at(3))];
        let groups = group(&list, &twins(), Some(Lang::Es), lang);
        let shown: Vec<(u32, Option<u32>, bool)> =
            groups.iter().map(|g| (g.lead.doc_id, g.twin.map(|t| t.doc_id), g.listed)).collect();
        // 1 and 11 are one hit, where 1 ranked, shown in Spanish; 3's twin is not listed
        assert_eq!(shown, [(11, Some(1), true), (12, Some(2), false), (3, Some(13), false)]);
        assert_eq!(groups[0].score, 9.0);
        // with no clear language the better ranked leads
        let groups = group(&list, &twins(), None, lang);
        assert_eq!((groups[0].lead, groups[0].twin), (at(1), Some(at(11))));
    }

    #[test]
    fn the_groups_of_a_page_are_those_of_any_longer_list() {
        let list: Vec<(f32, DocAddress)> =
            [4, 14, 2, 7, 12, 17, 0, 5, 15, 9].iter().enumerate().map(|(i, &d)| (100.0 - i as f32, at(d))).collect();
        let all = group(&list, &twins(), Some(Lang::En), lang);
        for cut in 1..list.len() {
            let part = group(&list[..cut], &twins(), Some(Lang::En), lang);
            let leads = |g: &[Group]| g.iter().map(|g| g.lead).collect::<Vec<_>>();
            assert_eq!(leads(&part), leads(&all[..part.len()]), "cut {cut}");
        }
        // no record is shown twice, as lead or as twin
        let mut seen: Vec<DocAddress> =
            all.iter().filter(|g| g.listed).flat_map(|g| [g.lead, g.twin.unwrap()]).collect();
        seen.extend(all.iter().filter(|g| !g.listed).map(|g| g.lead));
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len());
        assert_eq!(seen.len(), list.len());
    }
}
