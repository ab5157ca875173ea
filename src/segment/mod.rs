//! Segment: a clean document → its sections, practice records and footnotes, with metadata.
//!
//! One pass over the paragraphs: the title block is set apart for metadata, each heading
//! (see [`headings`]) opens a section of its kind, a heading of the same kind without its own
//! number is a sub-heading ("GENERAL OBJECTIVE" inside "IV. OBJECTIVES"), lines "Title |
//! Country; Country" under a practices heading become `practice` records, footnotes become
//! `footnote` records next to the section that cites them, and text under no heading is grouped
//! into passages of readable size.
//!
//! The V RCM–SACM plenary report lost the session headings its contents list; recovering them
//! by aligning [`Cleaned::contents`](crate::ingest::Cleaned) with the body is the next seam.

pub mod acronyms;
pub mod headings;
pub mod meta;
pub mod pages;
mod practice;
mod roadmap;
pub mod toc;

use rustc_hash::FxHashSet;

use crate::analyze::entities::{self, EntityKind, GLOSSARY};
use crate::analyze::{lang, words};
use crate::ingest::{CleanDoc, Footnote};
use crate::model::{DocMeta, Document, Lang, Section, SectionKind};
use headings::{Heading, Opens};

/// Bump when segmentation output changes, so existing indexes are rebuilt by the next run.
pub const SEGMENTER_VERSION: u32 = 10;

/// Headless text is cut into passages of at least this many words.
const PASSAGE_WORDS: usize = 150;

/// A section being built.
#[derive(Debug, Default)]
struct Draft {
    kind: Option<SectionKind>,
    heading: String,
    /// A passage cut from untitled text: its heading is its first words.
    headless: bool,
    /// Opened because text came before any heading (not by a heading of the document).
    synthetic: bool,
    session: Option<String>,
    number: Option<u32>,
    paragraphs: Vec<Para>,
    practices: Vec<practice::Practice>,
}

/// A paragraph and the footnotes it cites.
#[derive(Debug)]
struct Para {
    text: String,
    notes: Vec<Footnote>,
}

/// Splits a cleaned document into its records, in document order.
pub fn segment(doc: &CleanDoc) -> Document {
    let paras = &doc.content.paragraphs;
    let doctype = meta::family(paras);
    let mut block_len = meta::title_block_len(paras, |p| headings::heading(p).is_some_and(|h| is_strong(&h)));
    if block_len == paras.len() {
        // a document of a few short lines is all body; its first line still gives the title
        block_len = 0;
    }
    let (block, body) = paras.split_at(block_len);
    let iscm = meta::iscm_name(paras).map(|(_, name)| name);
    let lang = meta::language(paras);
    let meta = DocMeta {
        file: doc.file.clone(),
        title: meta::title(if block.is_empty() { &paras[..1] } else { block }, doctype, iscm.as_deref()),
        doctype: doctype.to_string(),
        mechanisms: meta::mechanisms(block, iscm.as_deref()),
        year: meta::year(block, body),
        place: meta::place(block),
        lang,
    };
    let heads: Vec<Option<Heading>> = body.iter().map(|p| headings::heading(p)).collect();
    let recovered = toc::recover(&doc.content.contents, body, &heads, &meta.title, lang);
    let body = with_recovered_headings(body, heads, &recovered, block_len);
    let proper = if recovered.is_empty() {
        Default::default()
    } else {
        // only the words of recovered headings are ever looked up (see `sentence_case`)
        let wanted = recovered.iter().flat_map(|(_, h)| h.split(' '));
        let wanted = wanted.map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).collect();
        proper_nouns(body.iter().map(|p| p.text), &wanted)
    };
    let mut drafts = split(body, &doc.content.footnotes, lang, &proper);
    drafts = drafts.into_iter().flat_map(split_passages).collect();
    let sections = finish(&meta, drafts);
    let acronyms = acronyms::mine(&paras.iter().map(String::as_str).collect::<Vec<_>>());
    let mut document = Document { meta, sections, acronyms };
    name_mined_entities(&mut document);
    pages::assign(&mut document, &doc.pages);
    document
}

/// The acronyms a document defines that the glossary does not know ("OSUMI") become entities
/// of its records that use them or spell them out, so that a query for the acronym matches a
/// record naming "South American Observatory on Migration" through the `entity` field, as it
/// does for glossary entities.
fn name_mined_entities(doc: &mut Document) {
    use crate::analyze::entities::GLOSSARY;
    let mined: Vec<(&str, &str)> = doc
        .acronyms
        .iter()
        .filter(|(acr, _)| GLOSSARY.named_by(acr).is_none())
        .map(|(acr, name)| (acr.as_str(), name.as_str()))
        .collect();
    if mined.is_empty() {
        return;
    }
    // plain substring searches (a name is written as it was defined): this runs over every
    // record of every document that defines an acronym
    let says = |text: &str, acr: &str| {
        text.match_indices(acr).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + acr.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        })
    };
    for section in &mut doc.sections {
        for &(acr, name) in &mined {
            if (says(&section.text, acr) || section.text.contains(name)) && !section.entities.iter().any(|e| e == acr) {
                section.entities.push(acr.to_string());
            }
        }
    }
}

/// A heading that ends a title block: one with its own number, or the contents. Unnumbered
/// headings do not, because title blocks carry lines such as "International Partnerships
/// Division (IPD)" that name a section kind without opening one.
fn is_strong(h: &Heading) -> bool {
    h.numbered || h.opens == Opens::Contents
}

/// A paragraph of the body as [`split`] takes it.
struct BodyPar<'a> {
    /// The paragraph, or the contents entry put back.
    text: &'a str,
    /// What [`headings::heading`] makes of it.
    heading: Option<Heading>,
    /// Its index among the document's paragraphs; `None` for a heading put back from the
    /// contents.
    origin: Option<usize>,
}

/// The body with the headings its contents list but it lost (`recovered`, see [`toc`]) put
/// back. `heads` holds the heading of each paragraph of `body`, which starts at document
/// paragraph `first`.
fn with_recovered_headings<'a>(
    body: &'a [String],
    heads: Vec<Option<Heading>>,
    recovered: &'a [(usize, String)],
    first: usize,
) -> Vec<BodyPar<'a>> {
    let mut out = Vec::with_capacity(body.len() + recovered.len());
    let mut next = recovered.iter().peekable();
    for (i, (par, heading)) in body.iter().zip(heads).enumerate() {
        while let Some((_, title)) = next.next_if(|(at, _)| *at == i) {
            out.push(BodyPar { text: title, heading: headings::heading(title), origin: None });
        }
        out.push(BodyPar { text: par, heading, origin: Some(first + i) });
    }
    out
}

/// The one pass: body paragraphs → drafts.
fn split(body: Vec<BodyPar<'_>>, footnotes: &[Footnote], lang: Lang, proper: &FxHashSet<String>) -> Vec<Draft> {
    let first = body.iter().find_map(|p| p.origin).unwrap_or(0);
    let mut drafts: Vec<Draft> = Vec::new();
    let mut in_practices = false;
    let mut last_arabic = 0;
    for BodyPar { text: par, heading, origin } in body {
        // footnotes cited in the title block go with the first paragraph of the body
        let notes = match origin {
            Some(index) => footnotes
                .iter()
                .filter(|f| f.paragraph == index || (index == first && f.paragraph < first))
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let para = Para { text: par.to_string(), notes };
        let heading = if origin.is_none() {
            // a recovered contents entry: always a heading, shown in sentence case
            heading.map(|h| Heading { text: sentence_case(&h.text, proper), ..h })
        } else {
            heading.filter(|h| h.arabic.is_none_or(|n| n == 1 || n == last_arabic + 1))
        };
        if let Some(n) = heading.as_ref().and_then(|h| h.arabic) {
            last_arabic = n;
        }
        match heading {
            Some(h) if h.opens == Opens::PracticeList => {
                in_practices = true;
                current(&mut drafts, lang).paragraphs.push(para);
            }
            Some(h) => {
                in_practices = false;
                let kind = match h.opens {
                    Opens::Section(kind) => kind,
                    _ => SectionKind::Passage,
                };
                let sub =
                    drafts.last().is_some_and(|d| d.kind == Some(kind) && kind != SectionKind::Passage && !h.numbered);
                if sub {
                    current(&mut drafts, lang).paragraphs.push(para);
                } else {
                    let heading = if h.opens == Opens::Contents { String::new() } else { h.text };
                    let mut d =
                        Draft { kind: Some(kind), heading, session: h.session, number: h.number, ..Draft::default() };
                    if !para.notes.is_empty() {
                        // a heading that cites a footnote keeps the note with its section
                        d.paragraphs.push(Para { text: String::new(), notes: para.notes });
                    }
                    drafts.push(d);
                }
            }
            None if is_speaker(par) && drafts.last().is_some_and(|d| d.kind == Some(SectionKind::OpeningRemarks)) => {
                // each speaker's remarks are their own section, headed by name and role
                let d = drafts.last_mut().expect("checked");
                if d.paragraphs.is_empty() {
                    d.heading = par.to_string();
                } else {
                    drafts.push(Draft {
                        kind: Some(SectionKind::OpeningRemarks),
                        heading: par.to_string(),
                        ..Draft::default()
                    });
                }
            }
            None => {
                let draft = current(&mut drafts, lang);
                match practice::parse(par).filter(|_| in_practices) {
                    Some(p) => draft.practices.push(p),
                    None => in_practices = false,
                }
                draft.paragraphs.push(para);
            }
        }
    }
    drafts.retain(|d| !d.paragraphs.is_empty() || !d.heading.is_empty());
    drafts
}

/// The open draft, or a headless one (an introduction in the document's language).
fn current(drafts: &mut Vec<Draft>, lang: Lang) -> &mut Draft {
    if drafts.is_empty() {
        let heading = match lang {
            Lang::En => "Introduction",
            Lang::Es => "Introducción",
        };
        drafts.push(Draft {
            kind: Some(SectionKind::Intro),
            heading: heading.into(),
            synthetic: true,
            ..Draft::default()
        });
    }
    drafts.last_mut().expect("just pushed")
}

/// Cuts a long headless draft into passages of about [`PASSAGE_WORDS`] words, and names the
/// contents block for what it holds once the contents lines are gone.
fn split_passages(mut d: Draft) -> Vec<Draft> {
    if d.heading.is_empty() && d.kind == Some(SectionKind::Passage) {
        d.heading = if looks_like_acronym_list(&d.paragraphs) { "List of acronyms".into() } else { "Contents".into() };
        return vec![d];
    }
    // counted no further than the length that makes it long
    let long = || d.paragraphs.iter().flat_map(|p| p.text.split_whitespace()).nth(2 * PASSAGE_WORDS - 1).is_some();
    if !d.synthetic || !long() {
        return vec![d];
    }
    // a long untitled opening: keep the first passage as the introduction, the rest as passages
    let mut out: Vec<Draft> = Vec::new();
    let mut words = 0;
    for par in std::mem::take(&mut d.paragraphs) {
        if out.is_empty() || words >= PASSAGE_WORDS {
            let kind = if out.is_empty() { SectionKind::Intro } else { SectionKind::Passage };
            out.push(Draft { kind: Some(kind), headless: kind == SectionKind::Passage, ..Draft::default() });
            words = 0;
        }
        words += par.text.split_whitespace().count();
        out.last_mut().expect("pushed above").paragraphs.push(par);
    }
    out[0].heading = d.heading;
    out
}

/// "Shannon-Marie Soni, Senior Director, Immigration, Refugees and Citizenship Canada": a short
/// line of a capitalized name followed by a role, no sentence punctuation.
fn is_speaker(par: &str) -> bool {
    if par.chars().nth(200).is_some() || par.ends_with(['.', ':', ';', '?', '!']) || !par.contains(',') {
        return false;
    }
    let name = par.split(',').next().unwrap_or("");
    let words: Vec<&str> = name.split_whitespace().collect();
    let particles = ["de", "del", "la", "da", "dos", "y"];
    (2..=5).contains(&words.len())
        && words.iter().all(|w| particles.contains(w) || w.chars().next().is_some_and(char::is_uppercase))
        && !name.chars().all(|c| !c.is_lowercase())
}

/// Proper nouns of the body among the lowercased words `wanted`: words it capitalizes after a
/// lowercase word ("in the Americas") and never writes in lowercase.
fn proper_nouns<'a>(body: impl Iterator<Item = &'a str>, wanted: &FxHashSet<String>) -> FxHashSet<String> {
    let mut lower = FxHashSet::default();
    let mut capitalized = FxHashSet::default();
    // the byte lengths of the wanted words: a word of another length is no wanted word (nor,
    // when ASCII, is its lowercase)
    let lengths = wanted.iter().fold(0u64, |bits, w| bits | 1 << w.len().min(63));
    let may_be_wanted = |bare: &str| lengths & 1 << bare.len().min(63) != 0;
    for p in body {
        let mut prev_lower = false;
        for w in p.split_whitespace() {
            let bare = w.trim_matches(|c: char| !c.is_alphabetic());
            let mut cs = bare.chars();
            match cs.next() {
                Some(c)
                    if c.is_uppercase()
                        && prev_lower
                        && (may_be_wanted(bare) || !bare.is_ascii())
                        && cs.all(char::is_lowercase) =>
                {
                    let folded = bare.to_lowercase();
                    if wanted.contains(&folded) {
                        capitalized.insert(folded);
                    }
                }
                Some(c) if c.is_lowercase() && may_be_wanted(bare) && wanted.contains(bare) => {
                    lower.insert(bare);
                }
                _ => {}
            }
            prev_lower = bare.chars().next().is_some_and(char::is_lowercase) && !w.ends_with(['.', ':', '?', '!']);
        }
    }
    capitalized.retain(|w| !lower.contains(w.as_str()));
    capitalized
}

/// "SESSION 5: SMUGGLING AND TRAFFICKING OF MIGRANTS" → "Session 5: Smuggling and trafficking
/// of migrants"; acronyms the glossary knows, roman numerals and words the document never
/// capitalizes as proper nouns ("Americas") keep their capitals.
fn sentence_case(s: &str, proper: &FxHashSet<String>) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut capitalize = true;
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric());
        let acronym = |part: &str| {
            part.chars().all(|c| "IVXL".contains(c))
                || (part.len() <= 6
                    && GLOSSARY.resolve(part).is_some_and(|e| e.aliases.iter().chain([&e.id]).any(|a| a == part)))
        };
        let lower = bare.to_lowercase();
        if !bare.is_empty() && bare.split('-').all(acronym) {
            out.push_str(word);
        } else if proper.contains(&lower) {
            // a proper noun: capitalized wherever the document writes it
            let mut cs = word.chars();
            if let Some(c) = cs.next() {
                out.push(c);
            }
            out.push_str(&cs.as_str().to_lowercase());
        } else {
            let lower = word.to_lowercase();
            let mut cs = lower.chars();
            if capitalize {
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                }
            }
            out.push_str(cs.as_str());
        }
        capitalize = word.ends_with(':');
    }
    out
}

fn looks_like_acronym_list(paragraphs: &[Para]) -> bool {
    let rows = paragraphs
        .iter()
        .filter(|p| {
            p.text.split_whitespace().next().is_some_and(|w| w.len() >= 2 && !w.chars().any(char::is_lowercase))
        })
        .count();
    !paragraphs.is_empty() && rows * 10 >= paragraphs.len() * 6
}

/// Drafts → sections with ids, languages and entity facets, practices and footnotes after the
/// section they belong to.
fn finish(meta: &DocMeta, drafts: Vec<Draft>) -> Vec<Section> {
    let stem = meta.file.rsplit_once('.').map_or(meta.file.as_str(), |(s, _)| s);
    let mut ids = Ids::default();
    let mut out = Vec::new();
    let mut passages = 0;
    for d in drafts {
        let kind = d.kind.unwrap_or(SectionKind::Passage);
        let text = join_paragraphs(d.paragraphs.iter().map(|p| p.text.as_str()).filter(|t| !t.is_empty()));
        let lines: Vec<&str> = d.paragraphs.iter().map(|p| p.text.as_str()).filter(|t| !t.is_empty()).collect();
        let roadmap = match (kind, d.number) {
            (SectionKind::Roadmap, Some(n)) => Some(roadmap::parse(n, &lines)),
            _ => None,
        };
        let notes: Vec<Footnote> = d.paragraphs.into_iter().flat_map(|p| p.notes).collect();
        let heading = if d.headless {
            passages += 1;
            first_words(&text, 9)
        } else {
            d.heading
        };
        let slug = match (kind, &d.session, d.number) {
            (SectionKind::Session, Some(s), _) => format!("session-{s}"),
            (SectionKind::Roadmap, _, Some(n)) => format!("roadmap-{n}"),
            (SectionKind::Passage, _, _) if d.headless => format!("passage-{passages}"),
            _ => kind.name().to_string(),
        };
        let id = ids.unique(stem, &slug);
        let mut section = record(meta, &id, kind, heading, d.session.clone(), text);
        section.roadmap = roadmap;
        out.push(section);
        for (n, p) in d.practices.into_iter().enumerate() {
            let pid = ids.unique(stem, &format!("{slug}-practice-{}", n + 1));
            let mut rec = record(meta, &pid, SectionKind::Practice, p.title.clone(), d.session.clone(), p.line.clone());
            rec.parent = Some(id.clone());
            rec.countries = p.countries;
            for m in p.mechanisms {
                if !rec.mechanisms.contains(&m) {
                    rec.mechanisms.push(m);
                }
            }
            out.push(rec);
        }
        for f in notes {
            let fid = ids.unique(stem, &format!("footnote-{}", f.label));
            let heading = match meta.lang {
                Lang::En => format!("Footnote {}", f.label),
                Lang::Es => format!("Nota {}", f.label),
            };
            let mut rec = record(meta, &fid, SectionKind::Footnote, heading, d.session.clone(), f.text);
            rec.parent = Some(id.clone());
            out.push(rec);
        }
    }
    out
}

fn record(
    meta: &DocMeta,
    id: &str,
    kind: SectionKind,
    heading: String,
    session: Option<String>,
    text: String,
) -> Section {
    // a contents entry becomes a heading whatever its length: a heading is printed with each hit
    let heading =
        if heading.len() > meta::MAX_TITLE_CHARS { meta::shorten(&heading, meta::MAX_TITLE_CHARS) } else { heading };
    let both = format!("{heading}\n{text}");
    let mut mechanisms = meta.mechanisms.clone();
    let mut countries = Vec::new();
    let mut entities: Vec<String> = Vec::new();
    // one split serves the entity scan (heading and text) and language detection (text)
    let text_from = heading.len() + 1;
    let (mentions, lang) = words::with_words(&both, |ws| {
        let text_words = ws.iter().position(|w| w.from >= text_from).map_or(&ws[ws.len()..], |i| &ws[i..]);
        let read = text_words.iter().position(|w| w.to > text_from + lang::DETECT_BYTES).unwrap_or(text_words.len());
        (GLOSSARY.mentions_among(ws), lang::detect_among(&text_words[..read]))
    });
    let lang = lang.unwrap_or(meta.lang);
    for e in mentions.iter().map(|m| m.entity) {
        let list = match e.kind {
            EntityKind::Mechanism => Some(&mut mechanisms),
            EntityKind::Country | EntityKind::Region => Some(&mut countries),
            EntityKind::Organization => None,
        };
        for l in list.into_iter().chain([&mut entities]) {
            if !l.contains(&e.id) {
                l.push(e.id.clone());
            }
        }
    }
    let defines = if both.contains('(') { entities::definitions(&both, &mentions) } else { Vec::new() };
    Section {
        id: id.to_string(),
        kind,
        heading,
        session,
        mechanisms,
        countries,
        entities,
        defines,
        lang,
        text,
        parent: None,
        roadmap: None,
        pages: None,
    }
}

/// Paragraphs joined by a blank line; consecutive list items by a single newline.
fn join_paragraphs<'a>(paragraphs: impl Iterator<Item = &'a str>) -> String {
    let list = |s: &str| s.starts_with("- ") || s.starts_with("• ");
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for p in paragraphs {
        if let Some(prev) = prev {
            out.push_str(if list(p) && list(prev) { "\n" } else { "\n\n" });
        }
        out.push_str(p);
        prev = Some(p);
    }
    out
}

/// The first `n` words of `text`, with an ellipsis when cut.
pub fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n + 1).collect();
    if words.len() > n {
        format!("{} …", words[..n].join(" "))
    } else {
        words.join(" ")
    }
}

/// Section ids unique within a document: a repeated slug gets `-2`, `-3`.
#[derive(Default)]
struct Ids(std::collections::HashMap<String, usize>);

impl Ids {
    fn unique(&mut self, stem: &str, slug: &str) -> String {
        let n = self.0.entry(slug.to_string()).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{stem}#{slug}")
        } else {
            format!("{stem}#{slug}-{n}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest;

    #[test]
    fn acronyms_a_document_defines_are_entities_of_the_records_that_name_them() {
        let text = "Informe\n\nEl Observatorio Sudamericano sobre Migraciones (OSUMI) publica datos.\n\n\
                    Los datos del OSUMI se usan en la región.\n\nLa región habla de otra cosa.\n";
        let doc = segment(&ingest::from_bytes(text.as_bytes(), "o.txt").expect("text"));
        let named: Vec<bool> = doc.sections.iter().map(|s| s.entities.iter().any(|e| e == "OSUMI")).collect();
        assert!(
            named.iter().any(|&n| n),
            "{:?}",
            doc.sections.iter().map(|s| (&s.text, &s.entities)).collect::<Vec<_>>()
        );
        let other = doc.sections.iter().find(|s| s.text.contains("otra cosa"));
        assert!(other.is_none_or(|s| !s.entities.iter().any(|e| e == "OSUMI") || s.text.contains("OSUMI")));
    }

    #[test]
    fn a_huge_heading_is_cut() {
        let meta = DocMeta {
            file: "t.txt".into(),
            title: "T".into(),
            doctype: "document".into(),
            mechanisms: Vec::new(),
            year: None,
            place: None,
            lang: Lang::En,
        };
        let heading = "Migration governance ".repeat(10_000);
        let s = record(&meta, "t#x", SectionKind::Session, heading, None, "Text.".into());
        assert!(s.heading.chars().count() <= meta::MAX_TITLE_CHARS && s.heading.ends_with('…'), "{}", s.heading);
        let s = record(&meta, "t#x", SectionKind::Session, "Session 1".into(), None, "Text.".into());
        assert_eq!(s.heading, "Session 1");
    }

    fn outline(text: &str) -> Vec<(String, String, Option<String>)> {
        let doc = segment(&ingest::from_bytes(text.as_bytes(), "t.txt").unwrap());
        doc.sections.into_iter().map(|s| (s.kind.name().to_string(), s.heading, s.session)).collect()
    }

    #[test]
    fn spanish_plenary_with_sessions_practices_and_roadmaps() {
        let text = "V Reunión Plenaria de la CRM y la CSM\n\n10 y 11 de octubre de 2024, Bogotá, Colombia\n\n\
            I. ANTECEDENTES\n\nLa CRM y la CSM se reúnen desde hace años.\n\n\
            Sesión 3: Tránsito y alertas tempranas\n\nChile presentó su sistema de alerta temprana.\n\n\
            Buenas prácticas, políticas y herramientas compartidas durante la sesión:\n\n\
            - Sistema de Alerta Temprana | Chile\n- Convenio CA-4 | Guatemala / El Salvador\n\n\
            Hoja de ruta 1\n\nTema: Derechos humanos en las fronteras.\n\nCONCLUSIONES\n\nSe acordó continuar.\n";
        let doc = segment(&ingest::from_bytes(text.as_bytes(), "p.txt").unwrap());
        assert_eq!(doc.meta.doctype, "plenary-report");
        assert_eq!(doc.meta.year, Some(2024));
        assert_eq!(doc.meta.place.as_deref(), Some("Bogotá, Colombia"));
        assert_eq!(doc.meta.mechanisms, ["RCM", "SACM"]);
        let got: Vec<_> = doc.sections.iter().map(|s| (s.kind.name(), s.id.as_str(), s.session.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("background", "p#background", None),
                ("session", "p#session-3", Some("3")),
                ("practice", "p#session-3-practice-1", Some("3")),
                ("practice", "p#session-3-practice-2", Some("3")),
                ("roadmap", "p#roadmap-1", None),
                ("conclusions", "p#conclusions", None),
            ]
        );
        assert_eq!(doc.sections[3].countries, ["Guatemala", "El Salvador"]);
        assert_eq!(doc.sections[3].heading, "Convenio CA-4");
        assert!(doc.sections.iter().all(|s| s.lang == Lang::Es));
    }

    #[test]
    fn same_kind_heading_without_number_is_a_subheading() {
        let got = outline("Title line\n\nIV. OBJECTIVES\n\nGENERAL OBJECTIVE\n\nPromote cooperation.\n\nSPECIFIC OBJECTIVES\n\n1. Generate commitments.\n");
        assert_eq!(got, [("objectives".into(), "OBJECTIVES".into(), None)]);
    }

    #[test]
    fn headless_text_becomes_passages() {
        let para =
            "The mechanisms of the region meet every year to discuss migration governance and protection. ".repeat(12);
        let text = format!("CONCEPT PAPER\n\nA SESSION ON GOVERNANCE\n\n{para}\n\n{para}\n\n{para}\n");
        let got = outline(&text);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].0, "intro");
        assert_eq!(got[1].0, "passage");
        assert!(got[1].1.starts_with("The mechanisms of the region"));
    }
}
