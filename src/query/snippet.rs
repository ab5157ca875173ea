//! Snippets: the window of a record's text with the most distinct query terms, matches wrapped
//! in `<mark>`, HTML-escaped. Built from the analyzer's own token offsets, so "Migraciones"
//! highlights for "migración" and a folded "ninez" highlights "niñez".

use std::collections::HashSet;

use crate::analyze::words::{floor_boundary, Words};
use crate::analyze::{Analyzer, Openings};
use crate::model::Lang;

/// Longest snippet, in bytes of source text (before marks), cut on word boundaries.
const WINDOW: usize = 220;

/// Cuts a highlighted snippet of `text` (in `lang`) for the analyzed query `terms`.
pub fn snippet(text: &str, lang: Lang, terms: &HashSet<String>) -> String {
    let tokens = matching_tokens(text, lang, terms);
    let hits: Vec<(usize, usize, &str)> = tokens.iter().map(|t| (t.from, t.to, t.text.as_str())).collect();
    // best window start: the hit whose following WINDOW bytes hold the most distinct terms
    let mut best = (0usize, 0usize);
    for (i, &(from, _, _)) in hits.iter().enumerate() {
        let distinct: HashSet<&str> = hits[i..].iter().take_while(|h| h.1 <= from + WINDOW).map(|h| h.2).collect();
        if distinct.len() > best.1 {
            best = (i, distinct.len());
        }
    }
    let anchor = hits.get(best.0).map_or(0, |h| h.0);
    let start = floor_boundary(text, anchor.saturating_sub(WINDOW / 4));
    let start = if start == 0 { 0 } else { text[start..].find(' ').map_or(start, |i| start + i + 1) };
    let mut end = floor_boundary(text, (start + WINDOW).min(text.len()));
    if end < text.len() {
        end = text[..end].rfind(' ').filter(|&i| i > start).unwrap_or(end);
    }
    let mut out = String::new();
    if start > 0 {
        out.push_str("… ");
    }
    let mut at = start;
    for &(from, to, _) in hits.iter().filter(|h| h.0 >= start && h.1 <= end) {
        if from < at {
            continue;
        }
        escape_into(&text[at..from], &mut out);
        out.push_str("<mark>");
        escape_into(&text[from..to], &mut out);
        out.push_str("</mark>");
        at = to;
    }
    escape_into(&text[at..end], &mut out);
    if end < text.len() {
        out.push_str(" …");
    }
    out.replace('\n', " ")
}

/// The tokens of `text` whose term is a query term. Analysis (stemming) is the costly part on
/// long sections, so only words that open like some query term are analyzed (see
/// [`Openings`]), through the analyzer's memo.
pub(crate) fn matching_tokens(text: &str, lang: Lang, terms: &HashSet<String>) -> Vec<crate::analyze::Token> {
    let openings = Openings::of(terms.iter().map(String::as_str));
    let analyzer = Analyzer::for_lang(lang);
    let mut term = String::new();
    let mut out = Vec::new();
    for w in Words::new(text) {
        if openings.may_give(w.text) && analyzer.term_into(&w, &mut term) && terms.contains(term.as_str()) {
            out.push(crate::analyze::Token {
                text: term.clone(),
                from: w.from,
                to: w.to,
                position: w.position,
                span: w.span,
            });
        }
    }
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_form_of_the_query_terms() {
        let terms: HashSet<String> =
            Analyzer::for_lang(Lang::Es).analyze("migración").into_iter().map(|t| t.text).collect();
        assert_eq!(
            snippet("Las migraciones y la Migración.", Lang::Es, &terms),
            "Las <mark>migraciones</mark> y la <mark>Migración</mark>."
        );
    }

    #[test]
    fn marks_words_whose_stem_changes_their_opening() {
        let terms: HashSet<String> = Analyzer::for_lang(Lang::En).analyze("die").into_iter().map(|t| t.text).collect();
        assert_eq!(snippet("Migrants dying at sea.", Lang::En, &terms), "Migrants <mark>dying</mark> at sea.");
        let terms: HashSet<String> =
            Analyzer::for_lang(Lang::Es).analyze("ninez").into_iter().map(|t| t.text).collect();
        assert_eq!(snippet("La Niñez migrante.", Lang::Es, &terms), "La <mark>Niñez</mark> migrante.");
    }

    #[test]
    fn long_text_is_cut_around_the_best_window_and_escaped() {
        let text =
            format!("{} the <b>remittances</b> costs {}", "filler words here ".repeat(40), "more filler ".repeat(40));
        let terms: HashSet<String> = ["remitt".to_string(), "cost".to_string()].into();
        let s = snippet(&text, Lang::En, &terms);
        assert!(s.starts_with("… ") && s.ends_with(" …"), "{s}");
        assert!(s.contains("&lt;b&gt;<mark>remittances</mark>&lt;/b&gt; <mark>costs</mark>"), "{s}");
    }
}
