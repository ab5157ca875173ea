//! consulta's analyzers (see [`crate::analyze`]) as tantivy tokenizers, registered by name.
//! Custom tokenizers are not persisted in an index: [`register`] runs after every open.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;

use crate::analyze::words::{words, Word};
use crate::analyze::Analyzer;

/// A tantivy tokenizer running one of consulta's analyzers.
#[derive(Clone)]
pub struct ConsultaTokenizer {
    analyzer: Analyzer,
    token: Token,
}

impl ConsultaTokenizer {
    /// Wraps `analyzer`.
    pub fn new(analyzer: Analyzer) -> Self {
        ConsultaTokenizer { analyzer, token: Token::default() }
    }
}

/// The tokens of one text, each analyzed as the stream reaches it into one reused token.
pub struct ConsultaTokenStream<'a> {
    analyzer: Analyzer,
    words: std::vec::IntoIter<Word<'a>>,
    token: &'a mut Token,
}

impl Tokenizer for ConsultaTokenizer {
    type TokenStream<'a> = ConsultaTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ConsultaTokenStream<'a> {
        ConsultaTokenStream { analyzer: self.analyzer, words: words(text).into_iter(), token: &mut self.token }
    }
}

impl TokenStream for ConsultaTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for w in self.words.by_ref() {
            if self.analyzer.term_into(&w, &mut self.token.text) {
                self.token.offset_from = w.from;
                self.token.offset_to = w.to;
                self.token.position = w.position;
                self.token.position_length = w.span;
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
