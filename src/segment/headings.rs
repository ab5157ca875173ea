//! Which paragraphs are headings, and what kind of section each heading opens.
//!
//! The registry [`KINDS`] maps words of a heading (folded, so "SESIÓN" meets "sesion") to a
//! section kind, English and Spanish side by side; adding a family's headings is a line here.

use crate::analyze::fold;
use crate::model::SectionKind;

/// What a heading line opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    /// A section of this kind.
    Section(SectionKind),
    /// A list of practices shared in the current session ("Related best practices … shared:").
    PracticeList,
    /// The table of contents (its entries were set apart by ingest; what follows is front matter).
    Contents,
}

/// A heading found in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The heading as written, without its numbering ("IV. ", "2. ").
    pub text: String,
    /// What it opens.
    pub opens: Opens,
    /// Whether it carries its own number ("Session 3", "Roadmap 1", "IV."), which makes it a
    /// new section even after a section of the same kind.
    pub numbered: bool,
    /// Session label for session headings: "intro", "1" … .
    pub session: Option<String>,
    /// Roadmap number for roadmap headings.
    pub number: Option<u32>,
    /// The arabic number it is numbered with ("2. Contribution…" → 2); the segmenter accepts
    /// such a heading only in sequence, so item "4. Joint Communiqué" of a list is no heading.
    pub arabic: Option<u32>,
}

/// Heading words (folded) → what they open. First match wins, so specific entries come first.
const KINDS: &[(&[&str], Opens)] = &[
    (&["table of contents", "indice", "contenido"], Opens::Contents),
    (
        &["best practices", "buenas practicas", "tools shared", "herramientas compartidas", "practices, policies"],
        Opens::PracticeList,
    ),
    (&["question", "pregunta"], Opens::Section(SectionKind::Questions)),
    (&["expected result", "resultados esperados"], Opens::Section(SectionKind::ExpectedResults)),
    (&["opening remarks", "palabras de apertura", "palabras inaugurales"], Opens::Section(SectionKind::OpeningRemarks)),
    (
        &["thematic focus", "enfoque tematico", "evolution of program", "evolucion de la program"],
        Opens::Section(SectionKind::ThematicFocus),
    ),
    (
        &["contribution to migration governance", "contribucion a la gobernanza"],
        Opens::Section(SectionKind::Contribution),
    ),
    (&["structures", "estructuras"], Opens::Section(SectionKind::Structures)),
    (&["partnership", "alianza"], Opens::Section(SectionKind::Partnerships)),
    (&["added value", "valor agregado", "valor anadido"], Opens::Section(SectionKind::AddedValue)),
    (&["background", "antecedentes"], Opens::Section(SectionKind::Background)),
    (&["objective", "objetivo"], Opens::Section(SectionKind::Objectives)),
    (&["roadmap", "road map", "hoja de ruta", "hojas de ruta"], Opens::Section(SectionKind::Roadmap)),
    (&["session", "sesion"], Opens::Section(SectionKind::Session)),
    (&["conclusion"], Opens::Section(SectionKind::Conclusions)),
    (&["communique", "comunicado", "declaration", "declaracion"], Opens::Section(SectionKind::Communique)),
    (&["introduction", "introduccion"], Opens::Section(SectionKind::Intro)),
];

/// Ordinal words that number a session ("the second session", "la tercera sesión").
const ORDINALS: &[(&str, &str)] = &[
    ("introductory", "intro"),
    ("introductoria", "intro"),
    ("inaugural", "intro"),
    ("first", "1"),
    ("primera", "1"),
    ("second", "2"),
    ("segunda", "2"),
    ("third", "3"),
    ("tercera", "3"),
    ("fourth", "4"),
    ("cuarta", "4"),
    ("fifth", "5"),
    ("quinta", "5"),
    ("sixth", "6"),
    ("sexta", "6"),
    ("seventh", "7"),
    ("septima", "7"),
    ("eighth", "8"),
    ("octava", "8"),
    ("ninth", "9"),
    ("novena", "9"),
    ("tenth", "10"),
    ("decima", "10"),
];

/// What a heading's words say it opens, if anything.
pub fn opens(text: &str) -> Option<Opens> {
    let folded = fold(text);
    KINDS.iter().find(|(keys, _)| keys.iter().any(|k| folded.contains(k))).map(|&(_, opens)| opens)
}

/// Classifies a paragraph as a heading, or not.
pub fn heading(par: &str) -> Option<Heading> {
    let par = par.trim();
    // counted no further than the limits, and the words only of a short paragraph: most
    // paragraphs are long sentences, not headings
    if par.chars().nth(160).is_some() {
        return None;
    }
    let words = par.split_whitespace().take(23).count();
    if words > 22 || words == 0 || par.starts_with(['-', '•', '–', '·']) {
        return None;
    }
    let last = par.chars().last()?;
    if matches!(last, '.' | '?' | '!' | ',' | ';') {
        return None;
    }
    let (numbering, rest) = split_numbering(par);
    let opens = opens(rest);
    if last == ':' && !matches!(opens, Some(Opens::PracticeList | Opens::Section(SectionKind::Questions))) {
        return None;
    }
    let kind_number = keyword_number(rest);
    let is_heading = match numbering {
        Some(Numbering::Roman) => !rest.is_empty(),
        Some(Numbering::Arabic) => opens.is_some(),
        None => is_all_caps(rest) || (opens.is_some() && (words <= 12 || kind_number.is_some())),
    };
    if !is_heading {
        return None;
    }
    let opens = opens.unwrap_or(Opens::Section(SectionKind::Passage));
    let session = match opens {
        Opens::Section(SectionKind::Session) => kind_number.clone(),
        _ => None,
    };
    let number = match opens {
        Opens::Section(SectionKind::Roadmap) => kind_number.as_deref().and_then(|n| n.parse().ok()),
        _ => None,
    };
    let arabic = match numbering {
        Some(Numbering::Arabic) => par.split('.').next().and_then(|n| n.parse().ok()),
        _ => None,
    };
    Some(Heading {
        arabic,
        text: rest.trim_end_matches(':').trim().to_string(),
        opens,
        numbered: numbering == Some(Numbering::Roman) || kind_number.is_some(),
        session,
        number,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    Roman,
    Arabic,
}

/// "IV. OBJECTIVES" → (Roman, "OBJECTIVES"); "2. Contribution…" → (Arabic, "Contribution…").
fn split_numbering(par: &str) -> (Option<Numbering>, &str) {
    let Some((head, rest)) = par.split_once(' ') else { return (None, par) };
    let Some(num) = head.strip_suffix('.') else { return (None, par) };
    if !num.is_empty() && num.len() <= 2 && num.bytes().all(|b| b.is_ascii_digit()) {
        (Some(Numbering::Arabic), rest.trim())
    } else if !num.is_empty() && num.len() <= 5 && num.bytes().all(|b| b"IVXL".contains(&b)) {
        (Some(Numbering::Roman), rest.trim())
    } else {
        (None, par)
    }
}

/// The number that follows (or the ordinal that precedes) the kind keyword: "Session 3" → "3",
/// "SESIÓN III" → "3", "The second session" → "2", "Roadmap 1" → "1", "Sesión introductoria" →
/// "intro".
pub fn keyword_number(text: &str) -> Option<String> {
    keyword_number_folded(&fold(text))
}

/// The kind keywords [`keyword_number`] looks for, folded.
const KEYWORDS: [&str; 4] = ["session", "sesion", "roadmap", "ruta"];

/// [`keyword_number`] of text already folded.
pub fn keyword_number_folded(folded: &str) -> Option<String> {
    // most paragraphs name no keyword: four substring scans settle them
    if !KEYWORDS.iter().any(|k| folded.contains(k)) {
        return None;
    }
    let mut words = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty());
    let mut prev = None;
    let next = loop {
        let w = words.next()?;
        if KEYWORDS.contains(&w) {
            break words.next();
        }
        prev = Some(w);
    };
    if let Some(next) = next {
        if let Some(n) = parse_number(next) {
            return Some(n.to_string());
        }
        if let Some((_, label)) = ORDINALS.iter().find(|(w, _)| *w == next) {
            return Some(label.to_string());
        }
    }
    ORDINALS.iter().find(|(w, _)| Some(*w) == prev).map(|(_, label)| label.to_string())
}

fn parse_number(word: &str) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return (n < 100).then_some(n);
    }
    roman(word)
}

/// Parses a lowercase roman numeral up to 39.
fn roman(word: &str) -> Option<u32> {
    let mut total = 0;
    let mut prev = 0;
    for c in word.chars().rev() {
        let v = match c {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            _ => return None,
        };
        if v < prev {
            total -= v;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0 && total < 40).then_some(total)
}

/// No lowercase letter, and at least one word of three letters or more.
fn is_all_caps(text: &str) -> bool {
    !text.chars().any(char::is_lowercase)
        && text.split_whitespace().any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(par: &str) -> Option<(String, Opens, Option<String>)> {
        heading(par).map(|h| (h.text, h.opens, h.session))
    }

    #[test]
    fn survey_parts_in_both_languages() {
        assert_eq!(
            kind("1. Evolution of programing and thematic focus").unwrap().1,
            Opens::Section(SectionKind::ThematicFocus)
        );
        assert_eq!(
            kind("1. Evolución de la programación y enfoque temático").unwrap().1,
            Opens::Section(SectionKind::ThematicFocus)
        );
        assert_eq!(kind("4. Partnership models by the ISCM").unwrap().1, Opens::Section(SectionKind::Partnerships));
        assert_eq!(
            kind("5. Valor agregado de la membresía en el MCIM").unwrap().1,
            Opens::Section(SectionKind::AddedValue)
        );
    }

    #[test]
    fn roman_all_caps_and_numbered_sessions() {
        assert_eq!(kind("IV. OBJECTIVES").unwrap().1, Opens::Section(SectionKind::Objectives));
        assert_eq!(kind("II. REGIONAL CONFERENCE ON MIGRATION (RCM)").unwrap().1, Opens::Section(SectionKind::Passage));
        assert_eq!(
            kind("Sesión 3: Tránsito, documentos de viaje y alertas tempranas"),
            Some((
                "Sesión 3: Tránsito, documentos de viaje y alertas tempranas".into(),
                Opens::Section(SectionKind::Session),
                Some("3".into())
            ))
        );
        assert_eq!(kind("INTRODUCTORY SESSION: MIGRATION TRENDS IN THE AMERICAS").unwrap().2.as_deref(), Some("intro"));
        assert_eq!(heading("Hoja de ruta 2").unwrap().number, Some(2));
        assert_eq!(kind("Joint Communiqué").unwrap().1, Opens::Section(SectionKind::Communique));
        assert_eq!(
            kind("Related best practices, policies and tools shared during the session:").unwrap().1,
            Opens::PracticeList
        );
    }

    #[test]
    fn sentences_and_list_items_are_not_headings() {
        assert_eq!(kind("1. Generate actionable commitments that contribute to migration governance."), None);
        assert_eq!(kind("1. Trafficking and smuggling of migrants"), None);
        assert_eq!(kind("General Objective:"), None);
        assert_eq!(kind("The second session, led by Costa Rica, focused on irregular flows."), None);
        assert_eq!(kind("Shannon-Marie Soni, Senior Director, Immigration, Refugees and Citizenship Canada"), None);
    }

    #[test]
    fn ordinals_and_roman_numbers() {
        assert_eq!(keyword_number("The second session").as_deref(), Some("2"));
        assert_eq!(keyword_number("la tercera sesión").as_deref(), Some("3"));
        assert_eq!(keyword_number("SESIÓN IV").as_deref(), Some("4"));
        assert_eq!(keyword_number("Sesión introductoria").as_deref(), Some("intro"));
    }
}
