//! The word lexicon (`data/lexicon.tsv`): single words of these reports' institutional and
//! policy vocabulary with their translations. The thesaurus pairs whole concepts; the lexicon
//! is the path, word by word and at a low weight, by which a name that only one language's
//! reports use is found from the other language ("National Border Service of Panama" from
//! "Servicio Nacional de Fronteras de Panamá"). A word may have several translations and sit on
//! several lines.
//!
//! A typed word takes a line when one of the line's words in its language has its analyzed stem
//! and is spelled within three edits of it: "networks" takes the line of "network", but
//! "nationality", which stems like "national" in Spanish and English alike, does not take the
//! line of "national" (the same guard as the thesaurus's, see `query::expand::same_word`).

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::{fold, Analyzer};
use crate::model::Lang;

/// One word of a line, as written and as analyzed.
#[derive(Debug)]
struct Word {
    written: String,
    /// Folded and lowercased, for the spelling guard.
    folded: String,
    /// Its one analyzed term; empty for a phrase or a stop word, which are never looked up.
    stem: String,
}

/// The lines, and where each (language, stem) occurs.
struct Lexicon {
    /// Per line, its words in each language (`Lang::ALL` order).
    lines: Vec<[Vec<Word>; 2]>,
    by_stem: FxHashMap<(Lang, String), Vec<usize>>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| parse(include_str!("data/lexicon.tsv")));

fn slot(lang: Lang) -> usize {
    Lang::ALL.iter().position(|&l| l == lang).expect("a language of Lang::ALL")
}

fn parse(data: &str) -> Lexicon {
    let mut lexicon = Lexicon { lines: Vec::new(), by_stem: FxHashMap::default() };
    for line in data.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let mut columns = line.split('\t');
        let (Some(en), Some(es)) = (columns.next(), columns.next()) else { continue };
        let mut sides: [Vec<Word>; 2] = [Vec::new(), Vec::new()];
        for (lang, column) in [(Lang::En, en), (Lang::Es, es)] {
            for written in column.split(" | ").map(str::trim).filter(|w| !w.is_empty()) {
                let folded = fold(written).to_lowercase();
                // a phrase ("hoja de ruta") is a translation only: it is never looked up
                let stem = match Analyzer::for_lang(lang).analyze_whole(written).as_slice() {
                    [one] if !written.contains(' ') => one.text.clone(),
                    _ => String::new(),
                };
                sides[slot(lang)].push(Word { written: written.to_string(), folded, stem });
            }
        }
        let at = lexicon.lines.len();
        for lang in Lang::ALL {
            for word in sides[slot(lang)].iter().filter(|w| !w.stem.is_empty()) {
                let lines = lexicon.by_stem.entry((lang, word.stem.clone())).or_default();
                if !lines.contains(&at) {
                    lines.push(at);
                }
            }
        }
        lexicon.lines.push(sides);
    }
    lexicon
}

/// The translations into the other language of the one word `word`, read as `lang`: the other
/// side's words of every line it takes, as written, each once.
pub fn translations(word: &str, lang: Lang) -> Vec<&'static str> {
    let lexicon: &'static Lexicon = &LEXICON;
    let typed = fold(word.trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
    let Ok([token]) = <[super::Token; 1]>::try_from(Analyzer::for_lang(lang).analyze_whole(&typed)) else {
        return Vec::new();
    };
    let Some(lines) = lexicon.by_stem.get(&(lang, token.text.clone())) else { return Vec::new() };
    let other = slot(if lang == Lang::En { Lang::Es } else { Lang::En });
    let mut out: Vec<&'static str> = Vec::new();
    for &line in lines {
        let sides = &lexicon.lines[line];
        let takes =
            sides[slot(lang)].iter().any(|w| w.stem == token.text && strsim::osa_distance(&w.folded, &typed) <= 3);
        if !takes {
            continue;
        }
        for w in &sides[other] {
            if !out.contains(&w.written.as_str()) {
                out.push(w.written.as_str());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_translate_by_stem_and_spelling() {
        assert_eq!(translations("Fronteras", Lang::Es), ["border", "borders", "frontier"]);
        assert_eq!(translations("networks", Lang::En), ["red", "redes"]);
        assert!(translations("Patria", Lang::Es).contains(&"homeland"));
        // a phrase is a translation, never looked up
        assert!(translations("roadmap", Lang::En).contains(&"hoja de ruta"));
        assert!(translations("hoja", Lang::Es).is_empty());
    }

    #[test]
    fn a_word_of_the_same_stem_but_another_spelling_takes_no_line() {
        // Snowball stems "nacionalidad" like "nacional"
        assert!(!translations("nacional", Lang::Es).is_empty());
        assert!(translations("nacionalidad", Lang::Es).is_empty());
        assert!(translations("unknownword", Lang::En).is_empty());
    }

    #[test]
    fn every_line_has_both_languages() {
        for (i, sides) in LEXICON.lines.iter().enumerate() {
            assert!(sides.iter().all(|s| !s.is_empty()), "lexicon.tsv line {} lacks a language", i + 1);
        }
    }
}
