//! The bilingual thesaurus (`data/thesaurus.tsv`): migration-policy concepts with their English
//! and Spanish terms. Terms are compared after analysis in their own language, so "remesa",
//! "Remesas" and "REMESAS" all name the concept of "remesas".

use std::sync::LazyLock;

use super::Analyzer;
use crate::model::Lang;

/// One term of a concept, in one language, with its analyzed terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The term as written in the data file.
    pub text: String,
    /// Its language.
    pub lang: Lang,
    /// Its analyzed terms in that language.
    pub terms: Vec<String>,
}

/// One concept: every term for it in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    /// Its terms, English first.
    pub terms: Vec<Term>,
}

/// The shipped thesaurus.
pub static THESAURUS: LazyLock<Vec<Concept>> =
    LazyLock::new(|| parse(include_str!("data/thesaurus.tsv")).expect("data/thesaurus.tsv is valid"));

/// Parses the TSV format documented at the top of `data/thesaurus.tsv`.
pub fn parse(data: &str) -> Result<Vec<Concept>, String> {
    let mut out = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((en, es)) = line.split_once('\t') else {
            return Err(format!("line {}: expected English <TAB> Spanish", n + 1));
        };
        let mut terms = Vec::new();
        for (lang, col) in [(Lang::En, en), (Lang::Es, es)] {
            for text in col.split(" | ").map(str::trim).filter(|t| !t.is_empty()) {
                let analyzed: Vec<String> =
                    Analyzer::for_lang(lang).analyze(text).into_iter().map(|t| t.text).collect();
                if analyzed.is_empty() {
                    return Err(format!("line {}: {text:?} is only stop words", n + 1));
                }
                terms.push(Term { text: text.to_string(), lang, terms: analyzed });
            }
        }
        out.push(Concept { terms });
    }
    Ok(out)
}

/// The concepts a text names exactly (after analysis in either language).
pub fn lookup(text: &str) -> Vec<&'static Concept> {
    let analyzed: Vec<Vec<String>> =
        Lang::ALL.iter().map(|&l| Analyzer::for_lang(l).analyze(text).into_iter().map(|t| t.text).collect()).collect();
    THESAURUS.iter().filter(|c| c.terms.iter().any(|t| analyzed[t.lang as usize] == t.terms)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_thesaurus_loads() {
        assert!(THESAURUS.len() >= 80);
        assert!(THESAURUS
            .iter()
            .all(|c| c.terms.iter().any(|t| t.lang == Lang::En) && c.terms.iter().any(|t| t.lang == Lang::Es)));
    }

    #[test]
    fn finds_concepts_in_either_language_and_any_form() {
        let en = |q: &str| {
            lookup(q).iter().flat_map(|c| &c.terms).filter(|t| t.lang == Lang::En).map(|t| t.text.clone()).next()
        };
        assert_eq!(en("remesa").as_deref(), Some("remittances"));
        assert_eq!(en("Trata de Personas").as_deref(), Some("trafficking in persons"));
        assert_eq!(en("tráfico ilícito de migrantes").as_deref(), Some("smuggling of migrants"));
        assert_eq!(en("migracion").as_deref(), Some("migration"));
        assert!(lookup("Chile").is_empty());
    }
}
