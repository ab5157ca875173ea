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
    let name = rest.split(" (").next()?.trim();
    let capitalized = name.split_whitespace().next()?.chars().next()?.is_uppercase();
    let written = name.chars().any(char::is_lowercase) && !name.contains(':');
    (capitalized && written && name.split_whitespace().count() >= 2).then(|| (acr, name.to_string()))
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

/// 2–10 capitals, digits or hyphens, at least two capitals: SACM, CA-4, UNASUR.
fn is_acronym(s: &str) -> bool {
    let caps = s.chars().filter(char::is_ascii_uppercase).count();
    (2..=10).contains(&s.len())
        && caps >= 2
        && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
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
        ]);
        assert_eq!(
            got,
            [
                ("OSUMI".to_string(), "South American Observatory on Migration".to_string()),
                ("CIPRAT".into(), "Intersectoral Commission for Rapid Response to Early Warnings".into()),
                ("RROCM".into(), "Red Regional de Organizaciones Civiles para las Migraciones".into()),
            ]
        );
    }
}
