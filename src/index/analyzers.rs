//! consulta's analyzers (see [`crate::analyze`]) as tantivy tokenizers, registered by name.
//! Custom tokenizers are not persisted in an index: [`register`] runs after every open.
//!
//! The stemmed analyzers also index each thesaurus phrase a text says as one extra token, its
//! phrase tag, at the position of its last word (see [`crate::analyze::thesaurus`]).

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;

use crate::analyze::thesaurus::{PhraseMatcher, PhraseTags};
use crate::analyze::words::Words;
use crate::analyze::Analyzer;

/// A tantivy tokenizer running one of consulta's analyzers.
///
/// It replays, rather than analyzes again, a text it was just given: every record of a
/// document carries the document's title in its heading field (see `index::writer`), so the
/// title's tokens are analyzed once per document and indexing thread, not once per record.
#[derive(Clone)]
pub struct ConsultaTokenizer {
    analyzer: Analyzer,
    token: Token,
    matcher: PhraseMatcher,
    /// The tokens of the last few texts, most recent last.
    recent: Vec<Recorded>,
}

/// How many texts a tokenizer remembers: a heading field gets a heading, then the title.
const REMEMBERED: usize = 2;

/// Texts longer than this are not remembered: a body text is seldom repeated, and recording
/// its tokens would be wasted.
const REMEMBERED_BYTES: usize = 400;

/// A text and the tokens it gave: their terms one after another in `terms`, and for each
/// token where its term ends there and the rest of it.
#[derive(Clone, Default)]
struct Recorded {
    text: String,
    terms: String,
    tokens: Vec<Mark>,
}

/// A recorded token but its term.
#[derive(Clone, Copy)]
struct Mark {
    end: usize,
    offset_from: usize,
    offset_to: usize,
    position: usize,
    position_length: usize,
}

impl Recorded {
    fn clear(&mut self) {
        self.text.clear();
        self.terms.clear();
        self.tokens.clear();
    }

    fn push(&mut self, t: &Token) {
        self.terms.push_str(&t.text);
        let (offset_from, offset_to, position, position_length) =
            (t.offset_from, t.offset_to, t.position, t.position_length);
        self.tokens.push(Mark { end: self.terms.len(), offset_from, offset_to, position, position_length });
    }

    /// Writes recorded token `i` into `token`.
    fn replay(&self, i: usize, token: &mut Token) {
        let m = self.tokens[i];
        let start = i.checked_sub(1).map_or(0, |p| self.tokens[p].end);
        token.text.clear();
        token.text.push_str(&self.terms[start..m.end]);
        token.offset_from = m.offset_from;
        token.offset_to = m.offset_to;
        token.position = m.position;
        token.position_length = m.position_length;
    }
}

impl ConsultaTokenizer {
    /// Wraps `analyzer`.
    pub fn new(analyzer: Analyzer) -> Self {
        ConsultaTokenizer { analyzer, token: Token::default(), matcher: PhraseMatcher::default(), recent: Vec::new() }
    }
}

/// The tokens of one text, one at a time in one reused token: analyzed as the stream reaches
/// them (each phrase tag right after the word that ends its phrase), or replayed.
pub struct ConsultaTokenStream<'a> {
    token: &'a mut Token,
    source: Source<'a>,
}

enum Source<'a> {
    /// Analyzing, and recording into `record` when the text is to be remembered.
    Live {
        analyzer: Analyzer,
        words: Words<'a>,
        tags: Option<&'static PhraseTags>,
        matcher: &'a mut PhraseMatcher,
        record: Option<&'a mut Recorded>,
    },
    /// Replaying the tokens of a remembered text; `next` is the index of the next one.
    Replay { recorded: &'a Recorded, next: usize },
}

impl Tokenizer for ConsultaTokenizer {
    type TokenStream<'a> = ConsultaTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ConsultaTokenStream<'a> {
        let token = &mut self.token;
        if let Some(i) = self.recent.iter().position(|r| r.text == text) {
            // kept last, as the most recently used
            self.recent[i..].rotate_left(1);
            let recorded = &self.recent[self.recent.len() - 1];
            return ConsultaTokenStream { token, source: Source::Replay { recorded, next: 0 } };
        }
        let record = if text.len() <= REMEMBERED_BYTES {
            // the oldest recording's buffers are reused for this one
            let mut slot = if self.recent.len() == REMEMBERED { self.recent.remove(0) } else { Recorded::default() };
            slot.clear();
            slot.text.push_str(text);
            self.recent.push(slot);
            self.recent.last_mut()
        } else {
            None
        };
        self.matcher.reset();
        // the phrase tags are built on first use, not when an index is opened for reading
        let tags = match self.analyzer {
            Analyzer::Stemmed(lang) => Some(PhraseTags::of(lang)),
            Analyzer::Folded => None,
        };
        let words = Words::new(text);
        let source = Source::Live { analyzer: self.analyzer, words, tags, matcher: &mut self.matcher, record };
        ConsultaTokenStream { token, source }
    }
}

impl TokenStream for ConsultaTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match &mut self.source {
            Source::Live { analyzer, words, tags, matcher, record } => {
                let found = next_token(*analyzer, words, self.token, *tags, matcher);
                if let (true, Some(record)) = (found, record) {
                    record.push(self.token);
                }
                found
            }
            Source::Replay { recorded, next } => {
                let more = *next < recorded.tokens.len();
                if more {
                    recorded.replay(*next, self.token);
                    *next += 1;
                }
                more
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Analyzes words into `token` until one gives a token; a pending phrase tag comes first.
fn next_token(
    analyzer: Analyzer,
    words: &mut Words<'_>,
    token: &mut Token,
    tags: Option<&'static PhraseTags>,
    matcher: &mut PhraseMatcher,
) -> bool {
    if let Some((tag, from)) = matcher.pop() {
        // at the last word's position and end: only its text and start change
        token.text.clear();
        token.text.push_str(tag);
        token.offset_from = from;
        token.position_length = 1;
        return true;
    }
    for w in words.by_ref() {
        if analyzer.term_into(&w, &mut token.text) {
            token.offset_from = w.from;
            token.offset_to = w.to;
            token.position = w.position;
            token.position_length = w.span;
            if let Some(tags) = tags {
                matcher.push(tags, &token.text, w.position, w.from);
            }
            return true;
        }
    }
    false
}

/// Registers every analyzer under its name (`en`, `es`, `folded`).
pub fn register(index: &Index) {
    for analyzer in Analyzer::ALL {
        index.tokenizers().register(analyzer.name(), ConsultaTokenizer::new(analyzer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Lang;

    /// Every token of `text` as (term, from, to, position, span).
    fn tokens(t: &mut ConsultaTokenizer, text: &str) -> Vec<(String, usize, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = t.token_stream(text);
        while stream.advance() {
            let k = stream.token();
            out.push((k.text.clone(), k.offset_from, k.offset_to, k.position, k.position_length));
        }
        out
    }

    #[test]
    fn a_remembered_text_replays_the_tokens_it_gave() {
        let title = "Trafficking in persons and the smuggling of migrants: CA-4 report";
        let heading = |i: usize| format!("Session {i}: the cost of sending remittances");
        let fresh = tokens(&mut ConsultaTokenizer::new(Analyzer::Stemmed(Lang::En)), title);
        // phrase tags (`#…`) and a compound's parts are among them
        assert!(fresh.iter().any(|t| t.0.starts_with('#')) && fresh.iter().any(|t| t.0 == "ca-4"), "{fresh:?}");
        let mut t = ConsultaTokenizer::new(Analyzer::Stemmed(Lang::En));
        for i in 0..4 {
            // a heading field gets a record's heading, then its document's title
            let h = heading(i);
            assert_eq!(tokens(&mut t, &h), tokens(&mut ConsultaTokenizer::new(Analyzer::Stemmed(Lang::En)), &h));
            assert_eq!(tokens(&mut t, title), fresh, "record {i}");
        }
        // the title was analyzed once, then replayed
        assert!(matches!(t.token_stream(title).source, Source::Replay { .. }));
        // a long text is analyzed every time
        let long = title.repeat(10);
        assert_eq!(tokens(&mut t, &long), tokens(&mut t, &long));
        assert!(matches!(t.token_stream(&long).source, Source::Live { .. }));
    }
}
