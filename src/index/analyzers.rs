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
#[derive(Clone)]
pub struct ConsultaTokenizer {
    analyzer: Analyzer,
    token: Token,
    matcher: PhraseMatcher,
}

impl ConsultaTokenizer {
    /// Wraps `analyzer`.
    pub fn new(analyzer: Analyzer) -> Self {
        ConsultaTokenizer { analyzer, token: Token::default(), matcher: PhraseMatcher::default() }
    }
}

/// The tokens of one text, each analyzed as the stream reaches it into one reused token, each
/// phrase tag right after the word that ends its phrase.
pub struct ConsultaTokenStream<'a> {
    analyzer: Analyzer,
    words: Words<'a>,
    token: &'a mut Token,
    tags: Option<&'static PhraseTags>,
    matcher: &'a mut PhraseMatcher,
}

impl Tokenizer for ConsultaTokenizer {
    type TokenStream<'a> = ConsultaTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ConsultaTokenStream<'a> {
        self.matcher.reset();
        // the phrase tags are built on first use, not when an index is opened for reading
        let tags = match self.analyzer {
            Analyzer::Stemmed(lang) => Some(PhraseTags::of(lang)),
            Analyzer::Folded => None,
        };
        ConsultaTokenStream {
            analyzer: self.analyzer,
            words: Words::new(text),
            token: &mut self.token,
            tags,
            matcher: &mut self.matcher,
        }
    }
}

impl TokenStream for ConsultaTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((tag, from)) = self.matcher.pop() {
            // at the last word's position and end: only its text and start change
            self.token.text.clear();
            self.token.text.push_str(tag);
            self.token.offset_from = from;
            self.token.position_length = 1;
            return true;
        }
        for w in self.words.by_ref() {
            if self.analyzer.term_into(&w, &mut self.token.text) {
                self.token.offset_from = w.from;
                self.token.offset_to = w.to;
                self.token.position = w.position;
                self.token.position_length = w.span;
                if let Some(tags) = self.tags {
                    self.matcher.push(tags, &self.token.text, w.position, w.from);
                }
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Registers every analyzer under its name (`en`, `es`, `folded`).
pub fn register(index: &Index) {
    for analyzer in Analyzer::ALL {
        index.tokenizers().register(analyzer.name(), ConsultaTokenizer::new(analyzer));
    }
}
