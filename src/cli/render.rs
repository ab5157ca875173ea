//! Human renderers over `impl Write`; `--json` serializes the library's types directly.

use std::io::{IsTerminal, Result, Write};

use crate::model::{Dimension, Record};
use crate::query::{Hit, SearchResponse};

/// A file name (or an id, which holds one) as the terminal should get it: control characters
/// and the bidirectional overrides escaped (`\n`, `\u{1b}`, `\u{202e}`), so that a name
/// cannot end a line, colour the output or reorder it. A file named
/// `x\n\x1b[32mindexed 9 documents…` printed a fake green summary line (issue #17 row 10).
/// Every name the CLI prints goes through here; `--json` output is escaped by serde instead.
pub fn name(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return s.into();
    }
    s.chars().map(|c| if unsafe_char(c) { c.escape_default().to_string() } else { c.to_string() }).collect()
}

/// ANSI bold for highlights: only on a terminal, and never when NO_COLOR is set.
pub fn color_wanted(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Turns `<mark>` highlights into ANSI bold (or plain text) and unescapes HTML entities.
pub fn highlight(snippet: &str, color: bool) -> String {
    let (on, off) = if color { ("\x1b[1m", "\x1b[0m") } else { ("", "") };
    snippet
        .replace("<mark>", on)
        .replace("</mark>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The result list: a header line, one block per hit, then the top facet values.
pub fn results(out: &mut dyn Write, resp: &SearchResponse, color: bool) -> Result<()> {
    let shown = resp.hits.len();
    let what = if resp.query.trim().is_empty() { String::new() } else { format!(" for {:?}", resp.query) };
    writeln!(
        out,
        "{} results{what} ({} ms){}",
        resp.total,
        resp.took_ms,
        if shown < resp.total { format!(", showing {shown}") } else { String::new() }
    )?;
    for e in &resp.expansions {
        writeln!(out, "  also searched: {} → {} ({})", e.from, e.to.join(", "), e.kind)?;
    }
    if !resp.relaxed.is_empty() {
        writeln!(out, "  few records hold every word: some below lack {}", resp.relaxed.join(", "))?;
    }
    for (i, hit) in resp.hits.iter().enumerate() {
        writeln!(out)?;
        hit_block(out, i + 1, hit, color)?;
    }
    let facets: Vec<String> = Dimension::FACETS
        .iter()
        .filter(|d| !matches!(**d, Dimension::Doc | Dimension::Doctype))
        .filter_map(|dim| {
            let mut values: Vec<(&String, &u64)> = resp.facets.get(dim)?.iter().collect();
            values.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            (!values.is_empty()).then(|| {
                let top: Vec<String> = values.iter().take(6).map(|(v, n)| format!("{v} {n}")).collect();
                format!("{dim}: {}", top.join(", "))
            })
        })
        .collect();
    if !facets.is_empty() {
        writeln!(out)?;
        for line in facets {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// One hit: rank, heading and kind; doc and score; facets; snippet; id.
pub fn hit_block(out: &mut dyn Write, rank: usize, hit: &Hit, color: bool) -> Result<()> {
    let r = &hit.record;
    writeln!(out, "{rank:>3}. {} [{}]", r.heading, r.kind.name())?;
    writeln!(out, "     {} · {} · score {:.2}", name(&r.doc), r.title, hit.score)?;
    writeln!(out, "     {}", facet_line(r))?;
    writeln!(out, "     {}", highlight(&hit.snippet, color))?;
    writeln!(out, "     id: {}", name(&r.id))?;
    match &hit.also {
        Some(also) => writeln!(out, "     {}: {} · id: {}", also_in(also.lang), also.heading, name(&also.id)),
        None => Ok(()),
    }
}

/// "also in English", in the twin's own language: the words its readers look for.
pub fn also_in(lang: crate::model::Lang) -> &'static str {
    match lang {
        crate::model::Lang::En => "also in English",
        crate::model::Lang::Es => "también en español",
    }
}

/// "mechanism: RCM, SACM · country: Belize · session 5 · en · 2024".
pub fn facet_line(hit: &Record) -> String {
    let mut parts = Vec::new();
    if !hit.mechanisms.is_empty() {
        parts.push(format!("mechanism: {}", hit.mechanisms.join(", ")));
    }
    if !hit.countries.is_empty() {
        parts.push(format!("country: {}", hit.countries.join(", ")));
    }
    if let Some(s) = &hit.session {
        parts.push(format!("session {s}"));
    }
    parts.push(hit.lang.code().to_string());
    if let Some(y) = hit.year {
        parts.push(y.to_string());
    }
    match hit.pages {
        Some([first, last]) if first == last => parts.push(format!("p. {first}")),
        Some([first, last]) => parts.push(format!("p. {first}–{last}")),
        None => {}
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_reach_the_terminal_with_control_characters_escaped() {
        assert_eq!(name("informe 2024.txt"), "informe 2024.txt");
        assert!(matches!(name("niñez/año.md"), std::borrow::Cow::Borrowed(_)), "a plain name is not copied");
        assert_eq!(name("x.txt\n\x1b[32mindexed"), "x.txt\\n\\u{1b}[32mindexed");
        assert_eq!(name("a\tb\r\u{7f}"), "a\\tb\\r\\u{7f}");
        assert_eq!(name("txt.\u{202e}fdp"), "txt.\\u{202e}fdp");
        // a backslash that is part of the name is left alone
        assert_eq!(name(r"a\b.txt"), r"a\b.txt");
    }

    #[test]
    fn highlight_with_and_without_color() {
        assert_eq!(highlight("a <mark>b</mark> &amp; c", false), "a b & c");
        assert_eq!(highlight("<mark>b</mark>", true), "\x1b[1mb\x1b[0m");
    }
}
