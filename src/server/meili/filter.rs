//! Meilisearch's filter syntax → [`Condition`]: `attr = v`, `!=`, `>`, `>=`, `<`, `<=` (on
//! `year`), `attr IN [a, b]`, `NOT IN`, `attr a TO b`, `EXISTS`, `AND`, `OR`, `NOT`,
//! parentheses; values and attributes bare or quoted. Arrays: outer AND, inner OR.

use crate::model::Dimension;
use crate::query::Condition;

/// Deepest nesting accepted (Meilisearch's own cap).
const MAX_DEPTH: usize = 150;

/// A filter given as a string or as arrays of strings.
pub fn from_json(v: &serde_json::Value) -> Result<Option<Condition>, String> {
    use serde_json::Value;
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => parse(s).map(Some),
        Value::Array(outer) => {
            let mut all = Vec::new();
            for item in outer {
                match item {
                    Value::String(s) => all.push(parse(s)?),
                    Value::Array(inner) => {
                        let any = inner
                            .iter()
                            .map(|x| {
                                x.as_str()
                                    .ok_or("a filter array holds strings or arrays of strings")
                                    .and_then(|s| parse(s).map_err(|_| ""))
                            })
                            .collect::<Result<Vec<_>, _>>();
                        match any {
                            Ok(any) => all.push(Condition::Or(any)),
                            Err(_) => {
                                // say what was wrong with the first bad one
                                for x in inner {
                                    parse(x.as_str().ok_or("a filter array holds strings or arrays of strings")?)?;
                                }
                            }
                        }
                    }
                    _ => return Err("a filter array holds strings or arrays of strings".into()),
                }
            }
            Ok(Some(Condition::And(all)))
        }
        _ => Err("`filter` is a string or an array of strings or arrays of strings".into()),
    }
}

/// Parses one filter expression.
pub fn parse(s: &str) -> Result<Condition, String> {
    let tokens = lex(s)?;
    let mut p = Parser { tokens, at: 0, depth: 0 };
    let c = p.or()?;
    if p.at < p.tokens.len() {
        return Err(format!("unexpected `{}` in filter {s:?}", p.tokens[p.at].text()));
    }
    Ok(c)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String),
    Op(&'static str),
}

impl Tok {
    fn text(&self) -> &str {
        match self {
            Tok::Word(s) | Tok::Quoted(s) => s,
            Tok::Op(o) => o,
        }
    }
    fn keyword(&self, k: &str) -> bool {
        matches!(self, Tok::Word(w) if w.eq_ignore_ascii_case(k))
    }
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' | ',' => {
                out.push(Tok::Op(match c {
                    '(' => "(",
                    ')' => ")",
                    '[' => "[",
                    ']' => "]",
                    _ => ",",
                }));
                i += 1;
            }
            '=' => {
                out.push(Tok::Op("="));
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::Op("!="));
                i += 2;
            }
            '>' | '<' => {
                let eq = chars.get(i + 1) == Some(&'=');
                out.push(Tok::Op(match (c, eq) {
                    ('>', true) => ">=",
                    ('>', false) => ">",
                    ('<', true) => "<=",
                    _ => "<",
                }));
                i += if eq { 2 } else { 1 };
            }
            '"' | '\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unclosed quote in filter {s:?}")),
                        Some('\\') if chars.get(i + 1).is_some() => {
                            value.push(chars[i + 1]);
                            i += 2;
                        }
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(&x) => {
                            value.push(x);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Quoted(value));
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !"()[],=!<>\"'".contains(chars[i]) {
                    i += 1;
                }
                if start == i {
                    return Err(format!("unexpected `{c}` in filter {s:?}"));
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Tok>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.at)
    }
    fn next(&mut self) -> Result<Tok, String> {
        let t = self.tokens.get(self.at).cloned().ok_or("the filter ends too soon")?;
        self.at += 1;
        Ok(t)
    }
    fn eat_op(&mut self, op: &str) -> bool {
        if self.peek()
            == Some(&Tok::Op(match op {
                "(" => "(",
                ")" => ")",
                "[" => "[",
                "]" => "]",
                "," => ",",
                _ => "",
            }))
            && !op.is_empty()
        {
            self.at += 1;
            return true;
        }
        false
    }
    fn eat_kw(&mut self, k: &str) -> bool {
        if self.peek().is_some_and(|t| t.keyword(k)) {
            self.at += 1;
            return true;
        }
        false
    }
    fn or(&mut self) -> Result<Condition, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("the filter nests deeper than {MAX_DEPTH}"));
        }
        let mut any = vec![self.and()?];
        while self.eat_kw("OR") {
            any.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if any.len() == 1 { any.pop().unwrap_or(Condition::And(vec![])) } else { Condition::Or(any) })
    }
    fn and(&mut self) -> Result<Condition, String> {
        let mut all = vec![self.not()?];
        while self.eat_kw("AND") {
            all.push(self.not()?);
        }
        Ok(if all.len() == 1 { all.pop().unwrap_or(Condition::And(vec![])) } else { Condition::And(all) })
    }
    fn not(&mut self) -> Result<Condition, String> {
        if self.eat_kw("NOT") {
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        if self.eat_op("(") {
            let c = self.or()?;
            if !self.eat_op(")") {
                return Err("a `(` is not closed".into());
            }
            return Ok(c);
        }
        self.test()
    }
    fn value(&mut self) -> Result<String, String> {
        match self.next()? {
            Tok::Word(w) | Tok::Quoted(w) => Ok(w),
            Tok::Op(o) => Err(format!("expected a value, found `{o}`")),
        }
    }
    fn test(&mut self) -> Result<Condition, String> {
        let attr = self.value()?;
        let dim = Dimension::parse(&attr).ok_or_else(|| {
            let dims: Vec<&str> = Dimension::FACETS.iter().map(|d| d.name()).collect();
            format!("attribute `{attr}` is not filterable; filterable attributes: {}", dims.join(", "))
        })?;
        let year = |v: &str| v.trim().parse::<u32>().map_err(|_| format!("`{v}` is not a year"));
        let t = self.next()?;
        Ok(match t {
            Tok::Op("=") => Condition::Is(dim, self.value()?),
            Tok::Op("!=") => Condition::Not(Box::new(Condition::Is(dim, self.value()?))),
            Tok::Op(op @ (">" | ">=" | "<" | "<=")) => {
                if dim != Dimension::Year {
                    return Err(format!("`{op}` compares numbers; only `year` is a number"));
                }
                let y = year(&self.value()?)?;
                match op {
                    ">" => Condition::Years(Some(y + 1), None),
                    ">=" => Condition::Years(Some(y), None),
                    "<" => Condition::Years(None, Some(y.saturating_sub(1))),
                    _ => Condition::Years(None, Some(y)),
                }
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("IN") => Condition::Or(self.list(dim)?),
            Tok::Word(w) if w.eq_ignore_ascii_case("NOT") => {
                if self.eat_kw("IN") {
                    Condition::Not(Box::new(Condition::Or(self.list(dim)?)))
                } else if self.eat_kw("EXISTS") {
                    Condition::Not(Box::new(Condition::Exists(dim)))
                } else {
                    return Err("expected IN or EXISTS after NOT".into());
                }
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("EXISTS") => Condition::Exists(dim),
            Tok::Word(lo) | Tok::Quoted(lo) if self.peek().is_some_and(|t| t.keyword("TO")) => {
                self.at += 1;
                let hi = self.value()?;
                if dim != Dimension::Year {
                    return Err("`TO` ranges are on `year` only".into());
                }
                Condition::Years(Some(year(&lo)?), Some(year(&hi)?))
            }
            other => return Err(format!("expected an operator after `{attr}`, found `{}`", other.text())),
        })
    }
    fn list(&mut self, dim: Dimension) -> Result<Vec<Condition>, String> {
        if !self.eat_op("[") {
            return Err("IN takes a list: IN [a, b]".into());
        }
        let mut values = Vec::new();
        if self.eat_op("]") {
            return Ok(values);
        }
        loop {
            values.push(Condition::Is(dim, self.value()?));
            if self.eat_op("]") {
                return Ok(values);
            }
            if !self.eat_op(",") {
                return Err("expected `,` or `]` in an IN list".into());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is(d: Dimension, v: &str) -> Condition {
        Condition::Is(d, v.into())
    }

    #[test]
    fn the_grammar_clients_send_parses() {
        assert_eq!(parse("mechanism = CSM").unwrap(), is(Dimension::Mechanism, "CSM"));
        assert_eq!(parse(r#""mechanism"="SACM""#).unwrap(), is(Dimension::Mechanism, "SACM"));
        assert_eq!(
            parse("(kind = session OR kind = 'practice') AND NOT lang = es").unwrap(),
            Condition::And(vec![
                Condition::Or(vec![is(Dimension::Kind, "session"), is(Dimension::Kind, "practice")]),
                Condition::Not(Box::new(is(Dimension::Lang, "es"))),
            ])
        );
        assert_eq!(parse("year 2019 TO 2024").unwrap(), Condition::Years(Some(2019), Some(2024)));
        assert_eq!(parse("year > 2019").unwrap(), Condition::Years(Some(2020), None));
        assert_eq!(
            parse("country NOT IN [Chile, \"El Salvador\"]").unwrap(),
            Condition::Not(Box::new(Condition::Or(vec![
                is(Dimension::Country, "Chile"),
                is(Dimension::Country, "El Salvador")
            ])))
        );
        let arrays = serde_json::json!([["mechanism = CSM", "mechanism = RCM"], "lang = es"]);
        assert_eq!(
            from_json(&arrays).unwrap().unwrap(),
            Condition::And(vec![
                Condition::Or(vec![is(Dimension::Mechanism, "CSM"), is(Dimension::Mechanism, "RCM")]),
                is(Dimension::Lang, "es"),
            ])
        );
    }

    #[test]
    fn broken_filters_are_errors_not_panics() {
        for bad in [
            "mechanism =",
            "mechanism",
            "(kind = session",
            "nope = 1",
            "kind > 3",
            "mechanism IN [a b]",
            "'open",
            "= x",
            "AND",
            ")",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse(&"(".repeat(1000)).is_err());
    }
}
