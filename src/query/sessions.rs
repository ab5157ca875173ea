//! Questions about sessions ("session on trafficking", "sesión sobre remesas", see
//! `expand::Plan::about_sessions`): the sessions that match best lead the results, then their
//! practices, the records whose `parent` is one of them (the lines "Title | Country" shared in
//! that session), in document order; the twin session joins through the twins
//! ([`super::twins`]), or as the `also` of the session's hit when grouped ([`super::group`]).
//! Before, only the session record was found: its practices name their topic in a title, often
//! not in the query's words ("Consular coordination protocols for victim protection").

use std::collections::BTreeMap;

use tantivy::collector::DocSetCollector;
use tantivy::{DocAddress, Searcher};

use super::twins::Scope;
use super::{build, expand, Searchable};
use crate::error::Result;
use crate::model::{Dimension, Lang};

/// The sessions that lead are among this many best matches…
const SESSION_WINDOW: usize = 10;

/// …and score at least this part of the best session's score (a session that only mentions
/// the topic in passing stays where it ranks).
const SESSION_SHARE: f32 = 0.5;

/// At most this many sessions lead (a session and its twin are two).
const MAX_SESSIONS: usize = 4;

/// A practice's score when it did not match the words itself, in parts of its session's.
const PRACTICE_WEIGHT: f32 = 0.5;

/// How many matches a search about sessions keeps at least, so that the sessions that lead
/// are the same on every page.
pub(super) const KEEP_AT_LEAST: usize = 3 * SESSION_WINDOW;

impl Searchable {
    /// Moves the best sessions of `best` to its head, each session's practices (that pass the
    /// query's filters and exclusions) after the sessions, session by session in document
    /// order; the rest follows as it ranked. A practice that did not match the words scores
    /// below its session, in the session's tier (graded matching). Each session comes with its
    /// twin, the one in language `prefer` first. Returns the records added.
    pub(super) fn lead_with_sessions(
        &self,
        searcher: &Searcher,
        scope: &Scope<'_>,
        best: &mut Vec<(f32, DocAddress)>,
        graded: bool,
        prefer: Option<Lang>,
    ) -> Result<Vec<DocAddress>> {
        let tables = self.tables()?;
        let kind = |a: &DocAddress| tables[a.segment_ord as usize].value(a.doc_id, Dimension::Kind);
        let value = |a: &DocAddress, dim| tables[a.segment_ord as usize].value(a.doc_id, dim).map(String::from);
        let within = |score: f32| if graded { score - (score / build::TIER).floor() * build::TIER } else { score };
        let sessions: Vec<(f32, DocAddress)> =
            best.iter().take(SESSION_WINDOW).filter(|(_, a)| kind(a) == Some("session")).copied().collect();
        let Some(&(top, _)) = sessions.first() else { return Ok(Vec::new()) };
        let sessions: Vec<(f32, DocAddress)> = sessions
            .into_iter()
            .filter(|(s, _)| within(*s) >= within(top) * SESSION_SHARE)
            .take(MAX_SESSIONS)
            .collect();
        // each session with its twin (the same session in the translation, when it passes the
        // query's filters), the one in the query's language first
        let twins = if self.has_twins { Some(self.twin_map()?) } else { None };
        let mut passes = None;
        let mut chosen: Vec<(f32, DocAddress)> = Vec::new();
        let mut added = Vec::new();
        for &(score, session) in &sessions {
            if chosen.iter().any(|(_, a)| *a == session) {
                continue;
            }
            let mut pair = vec![(score, session)];
            if let Some(&twin) = twins.and_then(|t| t.get(&session)) {
                let listed = best.iter().find(|(_, a)| *a == twin).copied();
                let pair_score = match listed {
                    Some((s, _)) => Some(s),
                    None => {
                        let weight = match &mut passes {
                            Some(w) => w,
                            None => passes.insert(self.passes(searcher, scope)?),
                        };
                        let tier = score - within(score);
                        super::twins::passes_at(searcher, &**weight, twin)?.then(|| {
                            added.push(twin);
                            tier + within(score) * PRACTICE_WEIGHT
                        })
                    }
                };
                if let Some(s) = pair_score {
                    pair.push((s, twin));
                }
            }
            if prefer.is_some() && self.lang_at(pair[0].1) != prefer {
                pair.reverse();
            }
            chosen.extend(pair.into_iter().filter(|(_, a)| !chosen.iter().any(|(_, c)| c == a)).collect::<Vec<_>>());
        }
        let sessions = chosen;
        let mut head: Vec<(f32, DocAddress)> = sessions.clone();
        for &(score, session) in &sessions {
            let (Some(doc), Some(label)) = (value(&session, Dimension::Doc), value(&session, Dimension::Session))
            else {
                continue;
            };
            // a practice's session and document are its parent's (segment::practice)
            let mut filters = scope.filters.clone();
            filters.retain(|(d, _)| !matches!(d, Dimension::Doc | Dimension::Kind | Dimension::Session));
            filters.push((Dimension::Doc, vec![doc]));
            filters.push((Dimension::Kind, vec!["practice".into()]));
            filters.push((Dimension::Session, vec![label]));
            let plan = expand::Plan { exclude: scope.plan.exclude.clone(), ..expand::Plan::default() };
            let query = build::build(&self.fields, &plan, &filters, scope.condition, &build::Matching::All).query;
            let mut practices: Vec<(u64, DocAddress)> = Vec::new();
            let mut seqs = BTreeMap::new();
            for addr in searcher.search(&*query, &DocSetCollector)? {
                let column = match seqs.entry(addr.segment_ord) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(searcher.segment_reader(addr.segment_ord).fast_fields().u64("seq")?)
                    }
                };
                practices.push((column.first(addr.doc_id).unwrap_or(0), addr));
            }
            practices.sort_unstable();
            let tier = score - within(score);
            for (_, addr) in practices {
                let own = best.iter().find(|(_, a)| *a == addr).map(|&(s, _)| s);
                if own.is_none() {
                    added.push(addr);
                }
                head.push((own.unwrap_or(tier + within(score) * PRACTICE_WEIGHT), addr));
            }
        }
        let rest: Vec<(f32, DocAddress)> =
            best.iter().filter(|(_, a)| !head.iter().any(|(_, h)| h == a)).copied().collect();
        head.extend(rest);
        *best = head;
        Ok(added)
    }
}
