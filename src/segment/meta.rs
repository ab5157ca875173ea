//! Document metadata: family (doctype), title, primary mechanisms, year, place, language.

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::analyze::{fold, lang, words};
use crate::model::Lang;

/// A report family: how to recognize it and its `doctype` facet value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// The `doctype` facet value.
    pub doctype: &'static str,
    /// Folded phrases that identify the family in the document's first paragraphs.
    markers: &'static [&'static str],
}

/// The families, tried in order; a document that matches none is a plain `document`.
pub const FAMILIES: &[Family] = &[
    Family {
        doctype: "survey-summary",
        markers: &["name of the inter-state consultation mechanism", "nombre del mecanismo de consulta interestatal"],
    },
    Family { doctype: "plenary-report", markers: &["plenary meeting", "reunion plenaria"] },
    Family { doctype: "concept-paper", markers: &["concept paper", "nota conceptual", "documento conceptual"] },
    Family { doctype: "note", markers: &["nota informativa", "information note", "background note", "nota tecnica"] },
    Family { doctype: "declaration", markers: &["declaration of", "declaracion de"] },
];

/// Where a survey names its mechanism.
const ISCM_NAME: [&str; 2] =
    ["name of the inter-state consultation mechanism", "nombre del mecanismo de consulta interestatal"];

/// The family of a document, from its first paragraphs.
pub fn family(paragraphs: &[String]) -> &'static str {
    let head: Vec<String> = paragraphs.iter().take(12).map(|p| fold(p).into_owned()).collect();
    FAMILIES
        .iter()
        .find(|f| head.iter().any(|p| f.markers.iter().any(|m| p.contains(m))))
        .map_or("document", |f| f.doctype)
}

/// Leading short paragraphs that name the document (title, date, place, author), up to the
/// first structural heading or body paragraph.
pub fn title_block_len(paragraphs: &[String], is_structural: impl Fn(&str) -> bool) -> usize {
    paragraphs.iter().take(8).take_while(|p| p.chars().nth(249).is_none() && !is_structural(p)).count()
}

/// The survey's "Name of the ISCM: …" paragraph, if any: its mechanism name.
pub fn iscm_name(paragraphs: &[String]) -> Option<(usize, String)> {
    // both labels start with an "n": no other paragraph is folded
    let mut candidates =
        paragraphs.iter().enumerate().filter(|(_, p)| p.as_bytes().first().is_some_and(|b| b | 0x20 == b'n'));
    candidates.find_map(|(i, p)| {
        // the label is at the start: fold no more of the paragraph than the longest label
        let f = fold(&p[..words::floor_boundary(p, 64)]);
        ISCM_NAME
            .iter()
            .any(|m| f.starts_with(m))
            .then(|| (i, p.split_once("):").map_or(p.as_str(), |(_, n)| n).trim().to_string()))
    })
}

/// The document's title from its title block.
pub fn title(block: &[String], doctype: &str, iscm: Option<&str>) -> String {
    let labels = ["concept paper", "nota conceptual", "nota informativa", "information note", "table of contents"];
    let candidate = block
        .iter()
        .filter(|p| !labels.contains(&fold(p).trim()))
        .find(|p| !p.starts_with('(') && year_in(p).is_none())
        .or(block.first());
    let base = match (doctype, iscm) {
        ("survey-summary", Some(name)) => {
            let label =
                block.iter().rev().find(|p| p.chars().count() < 80).map_or("Summary of Findings per ISCM", |s| s);
            return format!("{}: {name}", label.trim_end_matches(':'));
        }
        _ => candidate.map_or("Untitled", |s| s.as_str()),
    };
    // cut first: the casing reads every word
    title_case_if_shouting(&shorten(base.trim_end_matches('.').trim(), MAX_TITLE_CHARS))
}

/// Titles and headings longer than this are cut: each hit prints its document's title, and a
/// document with no short opening paragraph took its first one, 5 MB of it, as its title.
pub const MAX_TITLE_CHARS: usize = 200;

/// `s` cut to at most `max` chars, at a word boundary when one is in the second half of them,
/// with "…" after the cut.
pub fn shorten(s: &str, max: usize) -> String {
    let Some((cut, _)) = s.char_indices().nth(max.saturating_sub(1)) else {
        return s.to_string();
    };
    if cut + s[cut..].chars().next().map_or(0, char::len_utf8) == s.len() {
        return s.to_string(); // exactly `max` chars
    }
    let head = &s[..cut];
    let at_word = head.rfind(char::is_whitespace).filter(|&w| head[..w].chars().count() * 2 >= max);
    let kept = at_word.map_or(head, |w| &head[..w]).trim_end_matches(|c: char| c.is_whitespace() || ",;:".contains(c));
    format!("{kept}…")
}

/// An all-capitals title becomes title case, keeping acronyms the glossary knows ("CAM").
fn title_case_if_shouting(s: &str) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    const SMALL: [&str; 16] =
        ["and", "of", "the", "to", "in", "on", "for", "a", "y", "de", "del", "la", "las", "los", "el", "en"];
    s.split(' ')
        .enumerate()
        .map(|(i, w)| {
            let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
            if GLOSSARY.resolve(bare).is_some_and(|_| bare.len() <= 6) {
                w.to_string()
            } else {
                let lower = w.to_lowercase();
                if i > 0 && SMALL.contains(&lower.as_str()) {
                    lower
                } else {
                    let mut cs = lower.chars();
                    cs.next().map_or(String::new(), |c| c.to_uppercase().chain(cs).collect())
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first plausible year (1990–2039) in the title block, else in the next paragraphs.
pub fn year(block: &[String], body: &[String]) -> Option<u32> {
    block.iter().chain(body.iter().take(3)).find_map(|p| year_in(p))
}

fn year_in(text: &str) -> Option<u32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|w| w.len() == 4)
        .filter_map(|w| w.parse().ok())
        .find(|y| (1990..2040).contains(y))
}

/// "10 to 11 October 2024, Bogota, Colombia" → "Bogota, Colombia".
pub fn place(block: &[String]) -> Option<String> {
    block.iter().find_map(|p| {
        let y = year_in(p)?.to_string();
        let after = p[p.find(&y)? + 4..].trim_start_matches([',', ' ']).trim_end_matches(['.', ')']);
        (!after.is_empty() && after.split(',').count() <= 3 && after.chars().next()?.is_uppercase())
            .then(|| after.to_string())
    })
}

/// The mechanisms a document is about: those its ISCM line or its title block names.
pub fn mechanisms(block: &[String], iscm: Option<&str>) -> Vec<String> {
    match iscm {
        Some(name) => GLOSSARY.mentions(name, EntityKind::Mechanism),
        None => GLOSSARY.mentions(&block.join("\n"), EntityKind::Mechanism),
    }
}

/// The document's main language (English when undecided).
pub fn language(paragraphs: &[String]) -> Lang {
    // detection reads the first few thousand bytes only: join no more than that
    let mut sample = String::new();
    for p in paragraphs.iter().take(40) {
        if sample.len() >= 4000 {
            break;
        }
        if !sample.is_empty() {
            sample.push(' ');
        }
        sample.push_str(p);
    }
    lang::detect(&sample).unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_at_a_word() {
        assert_eq!(shorten("Informe de la reunión", 200), "Informe de la reunión");
        assert_eq!(shorten("abcde", 5), "abcde");
        assert_eq!(shorten("Informe de la reunión plenaria", 20), "Informe de la…");
        assert_eq!(shorten("Informe, plenaria", 12), "Informe…");
        assert_eq!(shorten(&"ñ".repeat(50), 10), format!("{}…", "ñ".repeat(9)));
        let cut = shorten(&"word ".repeat(1_000_000), MAX_TITLE_CHARS);
        assert!(cut.chars().count() <= MAX_TITLE_CHARS && cut.ends_with("word…"), "{cut}");
    }

    #[test]
    fn a_huge_first_paragraph_gives_a_short_title() {
        let block = ["Migration ".repeat(500_000)];
        let t = title(&block, "document", None);
        assert!(t.chars().count() <= MAX_TITLE_CHARS && t.starts_with("Migration Migration"), "{}", &t[..60]);
    }
}
