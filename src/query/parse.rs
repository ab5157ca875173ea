//! Lenient query syntax: words, "quoted phrases", `-` to exclude a word or phrase, and
//! `field:value` filters (`kind:session`, `country:"Costa Rica"`). `AND`/`OR` are accepted and
//! ignored (all words are wanted; ranking relaxes to any word when none has them all), `NOT x`
//! excludes. Never fails and never panics: unbalanced quotes end at the end of the input.

use unicode_normalization::UnicodeNormalization;

use crate::analyze::invisible;
use crate::model::Dimension;

/// A positive or negative clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// One word as typed (it may analyze to several tokens, e.g. "socio-economic").
    Word(String),
    /// A quoted phrase.
    Phrase(String),
}

impl Clause {
    /// The clause's text.
    pub fn text(&self) -> &str {
        match self {
            Clause::Word(s) | Clause::Phrase(s) => s,
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Clauses the user wants.
    pub include: Vec<Clause>,
    /// Clauses the user excluded.
    pub exclude: Vec<Clause>,
    /// `field:value` filters (a field is any name [`Dimension::parse`] accepts).
    pub filters: Vec<(Dimension, String)>,
}

/// Parses user query text.
pub fn parse(input: &str) -> ParsedQuery {
    // a query pasted from a PDF carries the soft hyphens and zero-width characters that
    // ingest removed from the documents
    let input: String = invisible::strip(input).nfc().collect();
    let mut q = ParsedQuery::default();
    let mut chars = input.chars().peekable();
    let mut negate_next = false;
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut negate = std::mem::take(&mut negate_next);
        if c == '-' || c == '+' {
            chars.next();
            negate |= c == '-';
            if chars.peek().is_none_or(|c| c.is_whitespace()) {
                continue;
            }
        }
        let clause = if chars.peek() == Some(&'"') {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            Clause::Phrase(phrase.trim().to_string())
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '"' && word.ends_with(':') {
                    word.extend(chars.by_ref().take_while(|&c| c != '"'));
                    break;
                }
                word.push(c);
            }
            match word.as_str() {
                "AND" | "OR" | "&&" | "||" => continue,
                "NOT" => {
                    negate_next = true;
                    continue;
                }
                _ => {}
            }
            if let Some((field, value)) = word.split_once(':') {
                if let Some(dim) = Dimension::parse(field).filter(|_| !value.is_empty() && !negate) {
                    q.filters.push((dim, value.to_string()));
                    continue;
                }
            }
            // a question's marks are no part of its words ("development?", "¿cuáles")
            let trimmed = word.trim_start_matches(['¿', '¡']).trim_end_matches(['?', '!', ',', ';']);
            Clause::Word(if trimmed.is_empty() { word } else { trimmed.to_string() })
        };
        if clause.text().chars().any(char::is_alphanumeric) {
            if negate {
                q.exclude.push(clause);
            } else {
                q.include.push(clause);
            }
        }
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_phrases_exclusions_and_filters() {
        let q = parse(r#"trafficking "early warning" -Chile kind:session country:"Costa Rica" AND NOT smuggling"#);
        assert_eq!(q.include, [Clause::Word("trafficking".into()), Clause::Phrase("early warning".into())]);
        assert_eq!(q.exclude, [Clause::Word("Chile".into()), Clause::Word("smuggling".into())]);
        assert_eq!(q.filters, [(Dimension::Kind, "session".into()), (Dimension::Country, "Costa Rica".into())]);
    }

    #[test]
    fn malformed_input_is_tolerated() {
        assert_eq!(parse(r#""unclosed phrase"#).include, [Clause::Phrase("unclosed phrase".into())]);
        assert_eq!(parse("- -- \"\" : ::").include, []);
        assert_eq!(parse("unknown:field").include, [Clause::Word("unknown:field".into())]);
        assert_eq!(
            parse("¿cuáles ejes? development?!").include,
            ["cuáles", "ejes", "development"].map(|w| Clause::Word(w.into()))
        );
    }

    #[test]
    fn invisible_characters_pasted_from_a_pdf_are_removed() {
        let q = parse("traf\u{ad}ficking \"mi\u{200b}gración \u{202a}Belize\u{202c}\" -\u{feff}Chile");
        assert_eq!(q.include, [Clause::Word("trafficking".into()), Clause::Phrase("migración Belize".into())]);
        assert_eq!(q.exclude, [Clause::Word("Chile".into())]);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = parse(&s);
        }
    }
}
