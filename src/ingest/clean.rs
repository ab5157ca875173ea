//! Clean text → paragraphs: removes the conversion debris real reports carry and keeps
//! footnotes as their own records.
//!
//! Handles, in order: Word footnotes (`[footnoteRef:3]` markers, `[3: . body]` bodies) and
//! superscript footnotes (a line "¹RCM participating countries: …"); translator notes
//! (`[TRANSLATOR: check link]`); markdown emphasis (`***SACM***`) and links (`[OSUMI](#)`,
//! `<https://…>`); photo captions ("Left to right: … Photo: IOM."); table-of-contents lines
//! ("SESSION 1: MIGRATION GOVERNANCE<TAB>15"), kept apart for the segmenter; page numbers; and
//! paragraphs broken by hard line wraps or page breaks, which are re-joined.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::analyze::words::{floor_boundary, offset_in};

/// A footnote, kept as its own record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote {
    /// The label the document gives it (`3`).
    pub label: String,
    /// The footnote's text.
    pub text: String,
    /// Index of the paragraph that cites it.
    pub paragraph: usize,
}

/// A document after cleaning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    /// Paragraphs (and headings, list items, table rows), in order, each on one line.
    pub paragraphs: Vec<String>,
    /// Footnotes, in order of citation.
    pub footnotes: Vec<Footnote>,
    /// Table-of-contents entries (title without the page number), for contents-guided sectioning.
    pub contents: Vec<String>,
}

/// Private-use marks standing for an extracted Word footnote until paragraphs are known.
const FN_OPEN: char = '\u{E000}';
const FN_CLOSE: char = '\u{E001}';

/// Cleans decoded, NFC, `\n`-terminated text.
pub fn clean(text: &str) -> Cleaned {
    let mut bodies = Vec::new();
    let text = extract_word_footnotes(text, &mut bodies);
    let text = strip_markup(&text);
    let mut out = Cleaned::default();
    let mut superscript_notes = Vec::new();
    let lines = logical_lines(&text);
    for line in lines {
        if let Some(entry) = contents_entry(&line) {
            out.contents.push(entry);
        } else if let Some((label, body)) = superscript_note(&line) {
            superscript_notes.push((label, body));
        } else if !is_caption(&line) && !is_page_number(&line) {
            out.paragraphs.push(line);
        }
    }
    link_word_footnotes(&mut out, &bodies);
    link_superscript_notes(&mut out, superscript_notes);
    if let Some(last) = out.paragraphs.last_mut() {
        strip_document_code(last);
    }
    out
}

/// Word exports end with the document's filing code glued to the last sentence
/// ("… member states.CIDRP03838E04"): capitals and digits right after the final period.
fn strip_document_code(last: &mut String) {
    let Some(dot) = last.rfind('.') else { return };
    let code = &last[dot + 1..];
    let digits = code.bytes().filter(u8::is_ascii_digit).count();
    if code.len() >= 8 && digits >= 3 && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        last.truncate(dot + 1);
    }
}

/// Replaces each `[N: . body]` with a placeholder and drops `[footnoteRef:N]` markers.
fn extract_word_footnotes(text: &str, bodies: &mut Vec<(String, String)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let Some(close) = matching_bracket(tail) else {
            out.push_str(tail);
            return out;
        };
        let inner = &tail[1..close];
        if inner.starts_with("footnoteRef:") {
            // the marker: the body that follows carries the label
        } else if let Some((label, body)) = footnote_body(inner) {
            out.push(FN_OPEN);
            out.push_str(&bodies.len().to_string());
            out.push(FN_CLOSE);
            bodies.push((label, body));
        } else {
            out.push_str(&tail[..=close]);
        }
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Byte index of the `]` closing the `[` at the start of `s`, allowing nesting.
fn matching_bracket(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `3: .\ttext` → ("3", "text").
fn footnote_body(inner: &str) -> Option<(String, String)> {
    let (label, body) = inner.split_once(':')?;
    if label.is_empty() || !label.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let body = body.trim_start_matches(|c: char| c.is_whitespace() || c == '.' || c.is_ascii_digit());
    Some((label.to_string(), collapse_ws(&remove_translator_notes(body)).into_owned()))
}

/// Removes `[TRANSLATOR: …]`-style notes, emphasis markers and link syntax.
fn strip_markup(text: &str) -> String {
    let text = remove_translator_notes(text);
    let mut out = String::with_capacity(text.len());
    let mut rest = &*text;
    // a byte scan: all three marks are ASCII
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'*' | b'[' | b'<')) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if tail.starts_with("**") {
            rest = tail.trim_start_matches('*');
        } else if let Some((label, after)) = markdown_link(tail) {
            out.push_str(label);
            rest = after;
        } else if let Some((url, after)) = autolink(tail) {
            out.push_str(url);
            rest = after;
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The notes translators leave in the text, removed with what they hold.
const TRANSLATOR_NOTES: [&str; 4] = ["[TRANSLATOR:", "[Translator:", "[NOTA DEL TRADUCTOR:", "[N. del T.:"];

/// Removes `[TRANSLATOR: …]`-style notes in one pass: each `[` is looked at once, and a note
/// is skipped whole, so the text is read once however many notes it holds. A note left open
/// ends at the end of its line rather than swallowing the rest of the document.
fn remove_translator_notes(text: &str) -> Cow<'_, str> {
    let is_note = |at: usize| TRANSLATOR_NOTES.iter().any(|n| text[at..].starts_with(n));
    if !text.match_indices('[').any(|(at, _)| is_note(at)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (at, _) in text.match_indices('[') {
        if at < from || !is_note(at) {
            continue;
        }
        out.push_str(&text[from..at]);
        let line_end = text[at..].find('\n').map_or(text.len(), |e| at + e);
        from = matching_bracket(&text[at..]).map_or(line_end, |e| at + e + 1);
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// The longest link target looked for: past it a `](` opens no link (a real target is a URL
/// or an anchor), and a long run of `[x](` without `)` is not read to its end for each `(`.
const MAX_LINK_TARGET: usize = 2048;

/// `[label](target)` → (label, rest). The label ends at the first `]`, and a `[` or a line
/// end before it means no link: each search stops where the next `[` starts its own, so
/// cleaning reads a text full of unclosed `[` once, not once per `[` (1.6 MB of them took
/// 12.7 s).
fn markdown_link(s: &str) -> Option<(&str, &str)> {
    let close = 1 + s[1..].bytes().position(|b| matches!(b, b']' | b'[' | b'\n'))?;
    if !s[close..].starts_with("](") {
        return None;
    }
    let label = &s[1..close];
    let after = &s[close + 2..];
    let window = &after.as_bytes()[..after.len().min(MAX_LINK_TARGET)];
    let end = window.iter().position(|&b| b == b')' || b.is_ascii_whitespace())?;
    (window[end] == b')').then(|| (label, &after[end + 1..]))
}

/// `<https://…>` → (url, rest). The URL ends at the first `>`; a `<` or a line end before it
/// means no link, so, as for [`markdown_link`], each search stops where the next one starts.
fn autolink(s: &str) -> Option<(&str, &str)> {
    if !(s[1..].starts_with("http://") || s[1..].starts_with("https://")) {
        return None;
    }
    let end = 1 + s[1..].bytes().position(|b| matches!(b, b'>' | b'<' | b'\n'))?;
    (s.as_bytes()[end] == b'>').then(|| (&s[1..end], &s[end + 1..]))
}

/// Joins physical lines into logical ones: one paragraph, heading, list item or row each.
fn logical_lines(text: &str) -> Vec<String> {
    let raw: Vec<&str> = text.lines().map(|l| l.trim_end()).collect();
    let wrap_width = wrap_width(&raw);
    let mut out: Vec<String> = Vec::new();
    let mut blank_run = 0;
    for line in raw {
        let line = line.trim_start_matches([' ', '\u{a0}']);
        if line.trim().is_empty() {
            blank_run += 1;
            continue;
        }
        // contents entries keep their tab leader so `clean` can recognize them; other rows
        // with tabs (a list of acronyms) are never joined to their neighbours
        let row = line.contains('\t');
        let line = if contents_entry(line).is_some() { Cow::Borrowed(line) } else { collapse_ws(line) };
        match out.last_mut() {
            Some(prev) if !row && blank_run <= 3 && continues(prev, &line, wrap_width) => {
                if prev.ends_with('-') && line.starts_with(char::is_lowercase) && !prev.ends_with(" -") {
                    prev.pop();
                } else {
                    prev.push(' ');
                }
                prev.push_str(&line);
            }
            _ => out.push(line.into_owned()),
        }
        blank_run = 0;
    }
    out
}

/// The width a hard-wrapped document was wrapped at, if it was: most lines are of a similar,
/// moderate length. `None` for documents with one line per paragraph.
fn wrap_width(lines: &[&str]) -> Option<usize> {
    let mut lens: Vec<usize> = lines.iter().map(|l| l.chars().count()).filter(|&n| n > 0).collect();
    if lens.len() < 20 {
        return None;
    }
    lens.sort_unstable();
    let p90 = lens[lens.len() * 9 / 10];
    let long = lens.iter().filter(|&&n| n > 130).count();
    (p90 <= 130 && long * 50 < lens.len()).then_some(p90)
}

/// Whether `next` continues the logical line `prev` (a wrapped line or a page break).
fn continues(prev: &str, next: &str, wrap_width: Option<usize>) -> bool {
    if contents_entry(prev).is_some() || contents_entry(next).is_some() {
        return false;
    }
    let last = prev.chars().last().unwrap_or('.');
    let open = !matches!(last, '.' | '!' | '?' | ':' | ';' | '»' | '"' | '”');
    let first = next.chars().next().unwrap_or('A');
    if first.is_lowercase() {
        return open || last == ',';
    }
    if !open || starts_item(next) {
        return false;
    }
    // "… Union of South American Nations" / "(UNASUR). These …": a page break inside a
    // sentence; a line that is only a parenthesis ("(Prepared by …)") stands alone
    let parenthesis_continues = next.find(')').is_some_and(|i| i + 1 < next.len());
    if first == '(' && parenthesis_continues && longer_than(prev, 60) && last.is_alphabetic() {
        return true;
    }
    match wrap_width {
        // at least 70 % of the wrap width
        Some(width) => longer_than(prev, (width * 7).div_ceil(10).saturating_sub(1)) && !starts_item(prev),
        None => false,
    }
}

/// Whether `s` has more than `n` chars. `prev` is the logical line joined so far, which grows
/// with each wrapped line: counting all its chars for each line read a long paragraph once
/// per line.
fn longer_than(s: &str, n: usize) -> bool {
    s.len() > n && s.chars().nth(n).is_some()
}

/// A list item or numbered heading: "- x", "• x", "1. x", "IV. X", "a. x".
fn starts_item(line: &str) -> bool {
    if line.starts_with(['-', '•', '–', '·']) {
        return true;
    }
    let head: String = line.chars().take_while(|c| !c.is_whitespace()).collect();
    let Some(num) = head.strip_suffix(['.', ')']) else { return false };
    !num.is_empty()
        && (num.chars().all(|c| c.is_ascii_digit())
            || num.chars().all(|c| "IVXLC".contains(c))
            || (num.len() == 1 && num.chars().all(|c| c.is_ascii_lowercase())))
}

/// "SESSION 1: MIGRATION GOVERNANCE<TAB>15" or "Introduction ........ 7" → the entry's title.
fn contents_entry(line: &str) -> Option<String> {
    let trimmed = line.trim_end();
    let digits = trimmed.len() - trimmed.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let title = &trimmed[..trimmed.len() - digits];
    let sep = title.len() - title.trim_end_matches(['\t', '.', '…', ' ']).len();
    let leader = title.ends_with('\t') || title.trim_end().ends_with("...") || title.ends_with('…');
    let title = title.trim_end_matches(['\t', '.', '…', ' ']);
    (leader && sep > 0 && title.chars().filter(|c| c.is_alphabetic()).count() >= 3).then(|| title.trim().to_string())
}

/// A line that is a footnote body introduced by superscript digits: "¹RCM participating …".
fn superscript_note(line: &str) -> Option<(String, String)> {
    let label: String = line.chars().map_while(superscript_digit).collect();
    if label.is_empty() {
        return None;
    }
    let skip: usize = line.chars().take(label.chars().count()).map(char::len_utf8).sum();
    Some((label, line[skip..].trim().to_string()))
}

/// Whether `s` holds a superscript digit. Each one's UTF-8 starts with 0xC2 (¹ ² ³) or 0xE2
/// (⁰ ⁴–⁹), so only the chars starting there are decoded: every paragraph is looked at, and
/// decoding all of them cost 1.5 % of an index build.
fn has_superscript_digit(s: &str) -> bool {
    let lead = |(_, &b): &(usize, &u8)| b == 0xC2 || b == 0xE2;
    s.as_bytes()
        .iter()
        .enumerate()
        .filter(lead)
        .any(|(i, _)| s[i..].chars().next().and_then(superscript_digit).is_some())
}

fn superscript_digit(c: char) -> Option<char> {
    match c {
        '⁰' => Some('0'),
        '¹' => Some('1'),
        '²' => Some('2'),
        '³' => Some('3'),
        '⁴'..='⁹' => char::from_digit(c as u32 - '⁴' as u32 + 4, 10),
        _ => None,
    }
}

/// Photo captions: "Left to right: … Photo: IOM." and lines that end in a photo credit.
fn is_caption(line: &str) -> bool {
    // only the opening and the last words can tell, so only they are lowercased
    let head = &line[..floor_boundary(line, 32)];
    let lower = head.to_lowercase();
    if ["left to right:", "from left to right:", "de izquierda a derecha:"].iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if line.len() >= 600 {
        return false;
    }
    // a credit followed by at most 4 more words starts within the last 6 words
    let tail = line.split_whitespace().rev().nth(5).map_or(line, |w| &line[offset_in(line, w)..]);
    let lower = tail.to_lowercase();
    ["photo:", "foto:"]
        .iter()
        .any(|credit| lower.rfind(credit).is_some_and(|at| lower[at..].split_whitespace().count() <= 5))
}

fn is_page_number(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Attaches each extracted Word footnote to the paragraph that held it and drops the placeholder.
fn link_word_footnotes(out: &mut Cleaned, bodies: &[(String, String)]) {
    for (p, para) in out.paragraphs.iter_mut().enumerate() {
        if para.contains(FN_OPEN) {
            *para = without_placeholders(para, |n| {
                if let Some((label, text)) = bodies.get(n) {
                    out.footnotes.push(Footnote { label: label.clone(), text: text.clone(), paragraph: p });
                }
            });
        }
        collapse_in_place(para);
    }
    out.paragraphs.retain(|p| !p.is_empty());
}

/// `para` without its footnote placeholders, calling `found` with each one's number, in one
/// pass (removing them one by one moved the rest of the paragraph each time). A private-use
/// char of the document itself, not followed by a number and [`FN_CLOSE`], is kept as text:
/// PDF exports map symbols there, and one once cut its paragraph short, or panicked.
fn without_placeholders(para: &str, mut found: impl FnMut(usize)) -> String {
    let mut kept = String::with_capacity(para.len());
    let mut rest = para;
    while let Some(open) = rest.find(FN_OPEN) {
        kept.push_str(&rest[..open]);
        let after = &rest[open + FN_OPEN.len_utf8()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match after[digits..].strip_prefix(FN_CLOSE) {
            Some(tail) if digits > 0 => {
                found(after[..digits].parse().unwrap_or(usize::MAX));
                rest = tail;
            }
            _ => {
                kept.push(FN_OPEN);
                rest = after;
            }
        }
    }
    kept.push_str(rest);
    kept
}

/// Attaches "¹…" footnotes to the last paragraph before them that carries the same superscript
/// marker, and removes superscript markers from the text.
fn link_superscript_notes(out: &mut Cleaned, notes: Vec<(String, String)>) {
    // a document cites the same few labels over and over: each label's paragraph is looked
    // for once, not once per note (a long run of notes read every paragraph for each)
    let mut found: FxHashMap<String, usize> = FxHashMap::default();
    for (label, text) in notes {
        let paragraph = *found.entry(label.clone()).or_insert_with(|| {
            let marker: String = label.chars().map(to_superscript).collect();
            out.paragraphs.iter().rposition(|p| p.contains(&marker)).unwrap_or(0)
        });
        out.footnotes.push(Footnote { label, text, paragraph });
    }
    for para in &mut out.paragraphs {
        if has_superscript_digit(para) {
            *para = para.chars().filter(|&c| superscript_digit(c).is_none()).collect::<String>();
            collapse_in_place(para);
        }
    }
}

fn to_superscript(d: char) -> char {
    match d {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        _ => char::from_u32('⁴' as u32 + d.to_digit(10).unwrap_or(4) - 4).unwrap_or('⁴'),
    }
}

/// Collapses runs of whitespace (tabs included) to one space and trims.
fn collapse_ws(s: &str) -> Cow<'_, str> {
    // most lines are already tidy: single spaces between words, no other white space (the
    // byte tests are folds without early exit, which the compiler vectorizes)
    let b = s.as_bytes();
    let untidy_ascii = b.iter().fold(false, |bad, c| bad | matches!(c, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
        || b.iter().zip(b.get(1..).unwrap_or_default()).fold(false, |bad, (x, y)| bad | (*x == b' ' && *y == b' '));
    // the UTF-8 of every white space beyond ASCII (U+0085, U+00A0, U+1680, U+2000…, U+3000)
    // starts with one of these bytes, which accented letters never use: a Spanish line is
    // decoded only when it holds one (typographic quotes and dashes, 3% of lines)
    let maybe_unicode_ws = b.iter().fold(false, |any, c| any | matches!(c, 0xC2 | 0xE1 | 0xE2 | 0xE3));
    let tidy = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !untidy_ascii
        && (!maybe_unicode_ws || !s.chars().any(|c| c.is_whitespace() && c != ' '));
    if tidy {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    Cow::Owned(out)
}

/// Collapses the white space of `s` in place, when it has any to collapse.
fn collapse_in_place(s: &mut String) {
    if let Cow::Owned(tidy) = collapse_ws(s) {
        *s = tidy;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscript_digits_are_found_by_their_first_byte() {
        for d in '0'..='9' {
            let sup = to_superscript(d);
            assert_eq!(superscript_digit(sup), Some(d));
            assert!(has_superscript_digit(&format!("migración{sup} y más")), "{sup}");
        }
        // other chars starting with the same bytes are not digits
        assert!(!has_superscript_digit("año 2021 – “Niñez” ‘x’ …"));
        assert!(!has_superscript_digit(""));
    }

    #[test]
    fn word_footnotes_become_records_and_markers_vanish() {
        let c =
            clean("Data on migrants.[footnoteRef:1] More. [1: .\tMigration data portal [TRANSLATOR: check link] ]\n");
        assert_eq!(c.paragraphs, ["Data on migrants. More."]);
        assert_eq!(c.footnotes, [Footnote { label: "1".into(), text: "Migration data portal".into(), paragraph: 0 }]);
    }

    #[test]
    fn emphasis_links_and_translator_notes_are_cleaned() {
        let c = clean("ISCM: ***South American Conference (SACM)***\n\nThe database ([OSUMI](#)) and <https://bit.ly/x>. [TRANSLATOR: check]\n");
        assert_eq!(
            c.paragraphs,
            ["ISCM: South American Conference (SACM)", "The database (OSUMI) and https://bit.ly/x."]
        );
    }

    #[test]
    fn paragraphs_broken_across_a_page_are_joined() {
        let c = clean("the Andean Community (CAN), and the Union of South American Nations\n\n(UNASUR). These regional policies\n\nare implemented.\n\n2. Next heading\n");
        assert_eq!(
            c.paragraphs,
            ["the Andean Community (CAN), and the Union of South American Nations (UNASUR). These regional policies are implemented.", "2. Next heading"]
        );
    }

    #[test]
    fn captions_page_numbers_and_contents_are_set_apart() {
        let c = clean("TABLE OF CONTENTS\n\nINTRODUCTION\t07\nSESSION 1: MIGRATION GOVERNANCE\t15\n\nLeft to right: A, IOM; B, Canada. Photo: IOM.\n\n17\n\nBody text.\n");
        assert_eq!(c.contents, ["INTRODUCTION", "SESSION 1: MIGRATION GOVERNANCE"]);
        assert_eq!(c.paragraphs, ["TABLE OF CONTENTS", "Body text."]);
    }

    #[test]
    fn superscript_footnotes_link_to_their_paragraph() {
        let c = clean("Delegations from RCM and SACM¹ attended.\n\nOther text.\n\n¹RCM participating countries: Belize, Canada.\n");
        assert_eq!(c.paragraphs, ["Delegations from RCM and SACM attended.", "Other text."]);
        assert_eq!(c.footnotes[0].paragraph, 0);
        assert_eq!(c.footnotes[0].text, "RCM participating countries: Belize, Canada.");
    }

    #[test]
    fn trailing_filing_code_is_removed() {
        assert_eq!(clean("It is requested.CIDRP03838E04\n").paragraphs, ["It is requested."]);
        assert_eq!(clean("Law 19.254\n").paragraphs, ["Law 19.254"]);
    }

    #[test]
    fn list_items_stay_apart_but_wrapped_items_join() {
        let c = clean("- **Consular Cooperation:** cooperation to ensure adequate consular\n\nservices was highlighted.\n- Second item\n");
        assert_eq!(
            c.paragraphs,
            [
                "- Consular Cooperation: cooperation to ensure adequate consular services was highlighted.",
                "- Second item"
            ]
        );
    }

    #[test]
    fn links_and_notes_are_looked_for_within_their_line() {
        assert_eq!(markdown_link("[OSUMI](#) x"), Some(("OSUMI", " x")));
        assert_eq!(markdown_link("[OSUMI\n](#)"), None);
        assert_eq!(markdown_link("[a [b](#)"), None, "the second `[` starts the link");
        assert_eq!(markdown_link(&format!("[a]({})", "x".repeat(MAX_LINK_TARGET + 1))), None);
        assert_eq!(autolink("<https://bit.ly/x> y"), Some(("https://bit.ly/x", " y")));
        assert_eq!(autolink("<https://bit.ly/x\n>"), None);
        assert_eq!(autolink("<a href>"), None);
        assert_eq!(remove_translator_notes("a [TRANSLATOR: open\nb [N. del T.: x] c"), "a \nb  c");
    }

    #[test]
    fn private_use_chars_of_the_document_are_kept() {
        let c = clean("Symbol \u{E000} here.[footnoteRef:1] [1: . A note.] And \u{E000}\n");
        assert_eq!(c.paragraphs, ["Symbol \u{E000} here. And \u{E000}"]);
        assert_eq!(c.footnotes.len(), 1);
    }

    #[test]
    fn a_long_logical_line_is_not_counted_per_wrapped_line() {
        assert!(longer_than("ñandú", 4) && !longer_than("ñandú", 5) && !longer_than("", 0));
        // 30 wrapped lines of 60 chars join into one paragraph, as before
        let text = format!("{}end.\n", "word word word word word word word word word word word wor\n".repeat(30));
        assert_eq!(clean(&text).paragraphs.len(), 1);
    }

    proptest::proptest! {
        /// Whatever follows the line of a `[` or `<` does not change what it opens: each
        /// search reads one line at most, so cleaning is linear in the text.
        #[test]
        fn a_mark_opens_the_same_whatever_follows_its_line(
            line in "[\\[\\]()<>a-z:/. ]{0,40}",
            rest in "[\\[\\]()<>a-z:/.\n ]{0,40}",
        ) {
            for mark in ["[", "<", "<https://"] {
                let alone = format!("{mark}{line}\n");
                let followed = format!("{alone}{rest}");
                let cut = |r: Option<(&str, &str)>| r.map(|(label, after)| (label.to_string(), after.len()));
                let tail = rest.len();
                let with_rest = |r: Option<(&str, &str)>| cut(r).map(|(l, n)| (l, n - tail));
                proptest::prop_assert_eq!(with_rest(markdown_link(&followed)), cut(markdown_link(&alone)));
                proptest::prop_assert_eq!(with_rest(autolink(&followed)), cut(autolink(&alone)));
            }
        }

        #[test]
        fn never_panics(s in "[\\[\\]\\*<>:0-9a-zA-Z ¹²⁴\\n\\t.(#)-]{0,120}") {
            let _ = clean(&s);
        }

        #[test]
        fn collapsed_white_space_is_single_spaces_between_words(s in "[a-zé \u{a0}\t\r\u{2003}]{0,40}") {
            let words: Vec<&str> = s.split_whitespace().collect();
            proptest::prop_assert_eq!(collapse_ws(&s), words.join(" "));
        }
    }
}
