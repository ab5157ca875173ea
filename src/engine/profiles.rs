//! The answers besides search, as serde types: a mechanism's and a session's profile, a
//! document's outline, the acronym list, an analysis of a text. The CLI prints them, `--json`
//! and the HTTP API serialize them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::analyze::Analyzer;
use crate::error::{Error, Result};
use crate::index::manifest::Manifest;
use crate::model::{Dimension, Lang, Record, SectionKind};
use crate::query::{SearchRequest, Searchable};

/// The profile of a glossary entity (a mechanism, organization or country) in the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityProfile {
    /// Canonical id.
    pub id: String,
    /// `mechanism`, `organization`, `country` or `region`.
    pub kind: String,
    /// Its English names.
    pub names_en: Vec<String>,
    /// Its Spanish names.
    pub names_es: Vec<String>,
    /// Its acronyms.
    pub acronyms: Vec<String>,
    /// Every name it goes by.
    pub names: Vec<String>,
    /// Documents about it (it is their subject), with their record counts.
    pub documents_about: BTreeMap<String, u64>,
    /// Records that name it, by document.
    pub mentioned_in: BTreeMap<String, u64>,
    /// Records that name it.
    pub records: usize,
    /// Those records by kind.
    pub by_kind: BTreeMap<String, u64>,
    /// Those records by session.
    pub sessions: BTreeMap<String, u64>,
    /// Mechanisms and organizations named in the same records, most frequent first (ten).
    pub mentioned_with: Vec<(String, u64)>,
}

/// One session of a report and what was shared in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionProfile {
    /// The report.
    pub doc: String,
    /// The session record's id.
    pub id: String,
    /// Its heading.
    pub heading: String,
    /// The countries that led it (named in its first sentence).
    pub led_by: Vec<String>,
    /// Countries it names.
    pub countries: Vec<String>,
    /// Its practices: (title, countries), in document order.
    pub practices: Vec<(String, Vec<String>)>,
}

/// A document's outline: its metadata and one entry per record, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outline {
    /// Source file.
    pub doc: String,
    /// Title.
    pub title: String,
    /// Report family.
    pub doctype: String,
    /// Year, where stated.
    pub year: Option<u32>,
    /// Its records.
    pub records: Vec<OutlineEntry>,
}

/// One record in an outline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutlineEntry {
    /// Record id.
    pub id: String,
    /// Kind.
    pub kind: SectionKind,
    /// Heading.
    pub heading: String,
    /// Session label, if any.
    pub session: Option<String>,
    /// Words in its text.
    pub words: usize,
}

impl Outline {
    /// The outline of a document's records (`None` when there are none).
    pub fn of(records: &[Record]) -> Option<Outline> {
        let first = records.first()?;
        Some(Outline {
            doc: first.doc.clone(),
            title: first.title.clone(),
            doctype: first.doctype.clone(),
            year: first.year,
            records: records
                .iter()
                .map(|r| OutlineEntry {
                    id: r.id.clone(),
                    kind: r.kind,
                    heading: r.heading.clone(),
                    session: r.session.clone(),
                    words: r.text.split_whitespace().count(),
                })
                .collect(),
        })
    }
}

/// One acronym: from the glossary, or defined by documents of the corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acronym {
    /// The acronym.
    pub acronym: String,
    /// The names it stands for.
    pub names: Vec<String>,
    /// `glossary` or `mined`.
    pub source: String,
    /// Canonical id, for glossary entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Corpus files that define it (mined entries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen_in: Vec<String>,
}

/// What the analyzers make of a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// The text analyzed.
    pub text: String,
    /// One entry per analyzer run.
    pub analyzers: Vec<AnalyzerOutput>,
    /// Glossary entities the text names.
    pub entities: Vec<EntityRef>,
}

/// The tokens of one analyzer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzerOutput {
    /// `en`, `es` or `folded`.
    pub analyzer: String,
    /// Its tokens.
    pub tokens: Vec<AnalyzedToken>,
}

/// One token: its term, byte offsets in the text, position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyzedToken {
    /// The indexed term.
    pub token: String,
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset where it ends.
    pub end: usize,
    /// Word position.
    pub position: usize,
}

/// A glossary entity named in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityRef {
    /// Canonical id.
    pub id: String,
    /// Its kind.
    pub kind: String,
}

pub(super) fn entity(searchable: &Searchable, name: &str) -> Result<EntityProfile> {
    let e = GLOSSARY.resolve(name).ok_or_else(|| {
        let known: Vec<&str> =
            GLOSSARY.entities().iter().filter(|e| e.kind == EntityKind::Mechanism).map(|e| e.id.as_str()).collect();
        Error::Usage(format!("{name:?} is not in the glossary; known mechanisms: {}", known.join(", ")))
    })?;
    let dims = [Dimension::Doc, Dimension::Kind, Dimension::Session, Dimension::Entity];
    let (records, mut counts) = searchable.profile((Dimension::Entity, &e.id), &dims)?;
    let (_, mut about) = searchable.profile((Dimension::Primary, &e.id), &[Dimension::Doc])?;
    let mut take = |dim| counts.remove(&dim).unwrap_or_default();
    let (mentioned_in, by_kind, sessions, entities) =
        (take(Dimension::Doc), take(Dimension::Kind), take(Dimension::Session), take(Dimension::Entity));
    let mut with: Vec<(String, u64)> = entities
        .into_iter()
        .filter(|(id, _)| *id != e.id)
        .filter(|(id, _)| {
            GLOSSARY.resolve(id).is_some_and(|x| matches!(x.kind, EntityKind::Mechanism | EntityKind::Organization))
        })
        .collect();
    with.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    with.truncate(10);
    Ok(EntityProfile {
        id: e.id.clone(),
        kind: e.kind.name().to_string(),
        names_en: e.en.clone(),
        names_es: e.es.clone(),
        acronyms: e.acronyms.clone(),
        names: e.aliases.clone(),
        documents_about: about.remove(&Dimension::Doc).unwrap_or_default(),
        mentioned_in,
        records,
        by_kind,
        sessions,
        mentioned_with: with,
    })
}

pub(super) fn sessions(searchable: &Searchable, session: &str) -> Result<Vec<SessionProfile>> {
    let listing = |req: SearchRequest| -> Result<Vec<Record>> {
        // every record of each report: a session profile per report, twins included
        Ok(searchable.search(&req.limit(1000).group(false))?.hits.into_iter().map(|h| h.record).collect())
    };
    let of_session =
        |kind: &str| SearchRequest::default().filter(Dimension::Kind, kind).filter(Dimension::Session, session);
    let found = listing(of_session("session"))?;
    if found.is_empty() {
        return Err(Error::Usage(format!("no session {session:?} in the index; sessions are labelled intro, 1, 2, …")));
    }
    let mut profiles = Vec::new();
    for s in found {
        let practices = listing(of_session("practice").filter(Dimension::Doc, s.doc.clone()))?;
        profiles.push(SessionProfile {
            led_by: led_by(&s.text),
            doc: s.doc,
            id: s.id,
            heading: s.heading,
            countries: s.countries,
            practices: practices.into_iter().map(|p| (p.heading, p.countries)).collect(),
        });
    }
    Ok(profiles)
}

/// Who led a session: the countries its first sentence names ("Belize led the session on …",
/// "The second session, led by Costa Rica, …", "Perú y Brasil condujeron …").
fn led_by(text: &str) -> Vec<String> {
    let first = text.split(". ").next().unwrap_or("");
    let mut out: Vec<String> = Vec::new();
    GLOSSARY.scan(first, |e| {
        if e.kind == EntityKind::Country && !out.contains(&e.id) {
            out.push(e.id.clone());
        }
    });
    out
}

pub(super) fn acronyms(manifest: &Manifest) -> Vec<Acronym> {
    let mut rows: Vec<Acronym> = Vec::new();
    for e in GLOSSARY.entities() {
        let names: Vec<String> = std::iter::once(&e.id).chain(&e.aliases).filter(|a| !is_acronym(a)).cloned().collect();
        for acr in std::iter::once(&e.id).chain(&e.aliases).filter(|a| is_acronym(a)) {
            rows.push(Acronym {
                acronym: acr.clone(),
                names: names.clone(),
                source: "glossary".into(),
                id: Some(e.id.clone()),
                seen_in: Vec::new(),
            });
        }
    }
    for (acr, (names, files)) in manifest.mined_acronyms() {
        rows.push(Acronym { acronym: acr, names, source: "mined".into(), id: None, seen_in: files });
    }
    rows.sort_by(|a, b| a.acronym.cmp(&b.acronym));
    rows
}

fn is_acronym(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase) && !s.contains(' ')
}

pub(super) fn analyze(text: &str, lang: Option<Lang>) -> Analysis {
    let analyzers: Vec<Analyzer> = match lang {
        Some(l) => vec![Analyzer::for_lang(l)],
        None => Analyzer::ALL.to_vec(),
    };
    let analyzers = analyzers
        .into_iter()
        .map(|a| AnalyzerOutput {
            analyzer: a.name().to_string(),
            tokens: a
                .analyze(text)
                .into_iter()
                .map(|t| AnalyzedToken { token: t.text, start: t.from, end: t.to, position: t.position })
                .collect(),
        })
        .collect();
    let mut entities: Vec<EntityRef> = Vec::new();
    GLOSSARY.scan(text, |e| {
        if !entities.iter().any(|x| x.id == e.id) {
            entities.push(EntityRef { id: e.id.clone(), kind: e.kind.name().to_string() });
        }
    });
    Analysis { text: text.to_string(), analyzers, entities }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_led_by_the_countries_of_its_first_sentence() {
        assert_eq!(led_by("Belize led the session on trafficking. Chile shared a protocol."), ["Belize"]);
        assert_eq!(led_by("Perú y Brasil condujeron la sesión."), ["Peru", "Brazil"]);
    }

    #[test]
    fn analysis_names_tokens_and_entities() {
        let a = analyze("la CSM y la OIM", Some(Lang::Es));
        let tokens: Vec<&str> = a.analyzers[0].tokens.iter().map(|t| t.token.as_str()).collect();
        assert_eq!(tokens, ["csm", "oim"]);
        let ids: Vec<&str> = a.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["SACM", "IOM"]);
    }
}
