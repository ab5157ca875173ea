//! Acronyms a document defines, mined at ingest so they join the glossary for that corpus:
//! "South American Observatory on Migration (OSUMI)" in running text, and rows of a list of
//! acronyms ("CIPRAT Intersectoral Commission for Rapid Response to Early Warnings (Colombia,
//! Spanish acronym)").

/// Small words allowed inside a spelled-out name.
const NAME_PARTICLES: &[&str] = &[
    "of", "on", "for", "and", "the", "in", "to", "against", "de", "del", "la", "las", "los", "el", "y", "para",
    "sobre", "en", "contra", "a",
];

/// Most words a spelled-out name is looked for over.
const MAX_NAME_WORDS: usize = 14;

/// (acronym, spelled-out name) pairs defined in `paragraphs`, in order, without repeats.
pub fn mine(paragraphs: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut push = |acr: &str, name: String| {
        if !out.iter().any(|(a, _)| a == acr) {
            out.push((acr.to_string(), name));
        }
    };
    for p in paragraphs {
        if let Some((acr, name)) = list_row(p) {
            push(acr, name);
            continue;
        }
        let mut rest = *p;
        while let Some(open) = rest.find('(') {
            let before = &rest[..open];
            let after = &rest[open + 1..];
            let Some(close) = after.find(')') else { break };
            let inside = after[..close].trim();
            if is_acronym(inside) {
                if let Some(name) = name_before(before) {
                    push(inside, name);
                }
            }
            rest = &after[close + 1..];
        }
    }
    out
}

/// "CIPRAT Intersectoral Commission … (Colombia, Spanish acronym)" → ("CIPRAT", "Intersectoral …").
fn list_row(p: &str) -> Option<(&str, String)> {
    let (acr, rest) = p.split_once(' ')?;
    if !is_acronym(acr) || p.chars().nth(200).is_some() || p.ends_with('.') {
        return None;
    }
    let name = without_gloss(rest.split(" (").next()?.trim());
    let capitalized = name.split_whitespace().next()?.chars().next()?.is_uppercase();
    let written = name.chars().any(char::is_lowercase) && !name.contains(':');
    (capitalized && written && name.split_whitespace().count() >= 2).then(|| (acr, name.to_string()))
}

/// A list row's name without the translation that follows it: "Early Warning System Sistema de
/// Alerta Temprana" → "Early Warning System". The name is cut before a capitalized word after
/// which the small words are of one language and before which they are not (a name of a few
/// capitalized words has no other sign of its language).
fn without_gloss(name: &str) -> &str {
    const ES: &[&str] = &["de", "del", "la", "las", "los", "el", "para", "y", "sobre", "contra"];
    const EN: &[&str] = &["of", "on", "for", "and", "the", "against"];
    let words: Vec<&str> = name.split_whitespace().collect();
    let has = |ws: &[&str], list: &[&str]| ws.iter().any(|w| list.contains(w));
    for k in 2..words.len().saturating_sub(1) {
        if !words[k].starts_with(char::is_uppercase) {
            continue;
        }
        let (before, after) = words.split_at(k);
        // the word the other language starts with looks like it: "Sistema", "Conferencia"
        let spanish_looking = words[k].ends_with(['a', 'o']) || !words[k].is_ascii();
        let english_then_spanish = spanish_looking && !has(before, ES) && has(after, ES) && !has(after, EN);
        let spanish_then_english =
            !spanish_looking && has(before, ES) && !has(before, EN) && has(after, EN) && !has(after, ES);
        if english_then_spanish || spanish_then_english {
            let cut = name.find(words[k]).filter(|&i| i > 0).unwrap_or(name.len());
            return name[..cut].trim_end();
        }
    }
    name
}

/// The capitalized name right before an opening parenthesis: "… the South American Migration
/// Observatory database (" → "South American Migration Observatory database" trimmed to the
/// capitalized run.
fn name_before(before: &str) -> Option<String> {
    // no more than the last words are ever looked at: the text before can be a long paragraph
    let mut words: Vec<&str> = before.split_whitespace().rev().take(MAX_NAME_WORDS).collect();
    words.reverse();
    let mut start = words.len();
    while start > 0 && words.len() - start < MAX_NAME_WORDS {
        let w = words[start - 1].trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let capital = w.chars().next().is_some_and(char::is_uppercase);
        if capital || (NAME_PARTICLES.contains(&w) && start < words.len()) {
            start -= 1;
        } else {
            break;
        }
    }
    // a name starts with a capitalized word, not a particle
    while start < words.len() && NAME_PARTICLES.contains(&words[start].to_lowercase().as_str()) {
        start += 1;
    }
    let name: Vec<&str> = words[start..].to_vec();
    (name.len() >= 2 && !words[start..].iter().any(|w| w.ends_with(['.', ',', ';', ':']))).then(|| name.join(" "))
}

/// 2–10 capitals, digits or hyphens, at least two capitals: SACM, CA-4, UNASUR. A Roman
/// numeral ("XXII Conferencia Suramericana") numbers a meeting: it is no acronym.
fn is_acronym(s: &str) -> bool {
    let caps = s.chars().filter(char::is_ascii_uppercase).count();
    (2..=10).contains(&s.len())
        && caps >= 2
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !is_roman_numeral(s)
}

/// Whether `s` is a Roman numeral written the standard way (XXII, XIV, MMXXIV), so that
/// letters that only look like one (CIM, the Inter-American Commission of Women) stay acronyms.
fn is_roman_numeral(s: &str) -> bool {
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let Some(digits) = s.chars().map(value).collect::<Option<Vec<u32>>>() else { return false };
    let n: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| if digits.get(i + 1).is_some_and(|&next| next > d) { 0u32.wrapping_sub(d) } else { d })
        .fold(0u32, u32::wrapping_add);
    (1..4000).contains(&n) && crate::ingest::roman_numeral(n) == s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_before_parentheses_and_list_rows() {
        let got = mine(&[
            "The South American Observatory on Migration (OSUMI) generates information since 2002.",
            "CIPRAT Intersectoral Commission for Rapid Response to Early Warnings (Colombia, Spanish acronym)",
            "la Red Regional de Organizaciones Civiles para las Migraciones (RROCM) participó.",
            "in 2019 (IOM) and (the survey)",
            "MECANISMOS SUBREGIONALES DE CONSULTA SOBRE MIGRACIÓN: OCAM, RIAM Y PROCESO DE QUITO",
            "la XXII Conferencia Suramericana sobre Migraciones (XXII) se reunió en Lima.",
            "EWS Early Warning System Sistema de Alerta Temprana",
            "RCM Regional Conference on Migration Conferencia Regional sobre Migración",
        ]);
        assert_eq!(
            got,
            [
                ("OSUMI".to_string(), "South American Observatory on Migration".to_string()),
                ("CIPRAT".into(), "Intersectoral Commission for Rapid Response to Early Warnings".into()),
                ("RROCM".into(), "Red Regional de Organizaciones Civiles para las Migraciones".into()),
                ("EWS".into(), "Early Warning System".into()),
                ("RCM".into(), "Regional Conference on Migration".into()),
            ]
        );
    }

    #[test]
    fn roman_numerals_are_meeting_numbers_not_acronyms() {
        for numeral in ["XXII", "XIV", "IV", "MMXXIV", "XIX"] {
            assert!(is_roman_numeral(numeral) && !is_acronym(numeral), "{numeral}");
        }
        for acronym in ["CIM", "CAM", "IOM", "CSM", "MIC"] {
            assert!(is_acronym(acronym), "{acronym}");
        }
    }
}
