//! consulta's analyzers (see [`crate::analyze`]) as tantivy tokenizers, registered by name.
//! Custom tokenizers are not persisted in an index: [`register`] runs after every open.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::Index;

use crate::analyze::Analyzer;

/// A tantivy tokenizer running one of consulta's analyzers.
#[derive(Clone)]
pub struct ConsultaTokenizer {
    analyzer: Analyzer,
    tokens: Vec<Token>,
}

impl ConsultaTokenizer {
    /// Wraps `analyzer`.
    pub fn new(analyzer: Analyzer) -> Self {
        ConsultaTokenizer { analyzer, tokens: Vec::new() }
    }
}

/// Tokens of one text, produced in one pass and handed out in order.
pub struct ConsultaTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl Tokenizer for ConsultaTokenizer {
    type TokenStream<'a> = ConsultaTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ConsultaTokenStream<'a> {
        self.tokens.clear();
        let tokens = &mut self.tokens;
        self.analyzer.for_each_token(text, |term, w| {
            tokens.push(Token {
                offset_from: w.from,
                offset_to: w.to,
                position: w.position,
                text: term.to_string(),
                position_length: w.span,
            })
        });
        ConsultaTokenStream { tokens: &mut self.tokens, next: 0 }
    }
}

impl TokenStream for ConsultaTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// Registers every analyzer under its name (`en`, `es`, `folded`).
pub fn register(index: &Index) {
    for analyzer in Analyzer::ALL {
        index.tokenizers().register(analyzer.name(), ConsultaTokenizer::new(analyzer));
    }
}
