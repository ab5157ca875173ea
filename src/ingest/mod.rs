//! Ingest: which files of the corpus are read ([`corpus`]), by which reader ([`formats`]), and
//! a source file's bytes → clean paragraphs and footnotes. No tantivy, no printing.

pub mod clean;
pub mod corpus;
pub mod decode;
pub mod docx;
pub mod formats;
pub mod pdf;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::analyze::invisible;

pub use clean::{Cleaned, Footnote};

/// Files larger than this are refused by default (a report is a few hundred kilobytes).
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;

/// A decoded, normalized and cleaned source document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanDoc {
    /// File name relative to the corpus folder, with `/` separators.
    pub file: String,
    /// The cleaned content.
    pub content: Cleaned,
    /// For a paged source (PDF): each page's text, in order, for the pages of each record.
    /// Empty for sources without pages.
    pub pages: Vec<String>,
}

/// Decodes and cleans plain text; the error is the reason the bytes were refused.
pub fn from_bytes(bytes: &[u8], file: &str) -> std::result::Result<CleanDoc, String> {
    let text = decode::decode(bytes)?;
    let text = normalize(text);
    let content = clean::clean(&text);
    if content.paragraphs.is_empty() {
        return Err("no text left after removing captions, contents and page numbers".into());
    }
    Ok(CleanDoc { file: file.to_string(), content, pages: Vec::new() })
}

/// NFC, `\n` line ends and no invisible format characters: PDF exports carry decomposed
/// accents that would otherwise split "migración" in two, and soft hyphens and zero-width or
/// bidi characters inside words (see [`invisible`]); Windows exports carry `\r\n`.
pub fn normalize(text: String) -> String {
    let unified = if text.bytes().any(|b| matches!(b, b'\r' | b'\x0c')) {
        text.replace("\r\n", "\n").replace(['\r', '\x0c'], "\n")
    } else {
        text
    };
    // before NFC: a mark after a removed char composes with the letter before it
    let unified = invisible::strip_owned(unified);
    // most text is already NFC (all ASCII text is): the quick check saves a full recomposition.
    // It looks only at chars from U+0300 on (combining marks and beyond): every char below is
    // NFC by itself, and a mark after one is still seen. Leaving them out can only turn a Yes
    // into a No (the check's order of marks), which costs a recomposition, never a wrong text
    // (a char from U+0300 on is one whose first byte is MARK_LEAD or more: no other byte is,
    // so only those chars are decoded)
    let marks =
        unified.bytes().enumerate().filter(|&(_, b)| b >= MARK_LEAD).filter_map(|(i, _)| unified[i..].chars().next());
    if unified.is_ascii() || is_nfc_quick(marks) == IsNormalized::Yes {
        return unified;
    }
    unified.nfc().collect()
}

/// U+0300, the first combining mark; every char below it passes the NFC quick check alone.
#[cfg(test)]
const FIRST_MARK: char = '\u{300}';

/// The first byte of U+0300 in UTF-8.
const MARK_LEAD: u8 = 0xCC;

/// `n` as a Roman numeral written the standard way (24 → XXIV), for list labels and for telling
/// a numeral from an acronym.
pub fn roman_numeral(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value && out.len() < 40 {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// Words a user can act on for an I/O error while reading a source file.
pub fn read_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied; make the file readable (chmod +r)".into(),
        std::io::ErrorKind::NotFound => "the file vanished while indexing; run `consulta index` again".into(),
        _ => format!("cannot be read: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_below_the_first_mark_are_nfc_alone() {
        for c in ('\0'..FIRST_MARK).filter(|c| !c.is_ascii()) {
            assert_eq!(is_nfc_quick([c, 'a'].into_iter()), IsNormalized::Yes, "U+{:04X}", c as u32);
        }
        // a mark after a Latin letter is still caught
        assert_eq!(normalize("Nin\u{303}ez cafe\u{301}".into()), "Niñez café");
        // the first byte of every char from U+0300 on, and of no char below, is 0xCC or more
        for c in ['\u{2ff}', FIRST_MARK, '\u{7ff}', '\u{800}', '\u{ffff}', '\u{10000}', char::MAX] {
            assert_eq!(c.to_string().as_bytes()[0] >= MARK_LEAD, c >= FIRST_MARK, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn invisible_characters_are_removed_before_composing() {
        // the mark after a zero-width space belongs to the "o" before it
        assert_eq!(normalize("migracio\u{200b}\u{301}n traf\u{ad}ficking".into()), "migración trafficking");
        let doc = from_bytes("\u{202a}Belize\u{202c} and \u{200f}Chile\n".as_bytes(), "x.txt").unwrap();
        assert_eq!(doc.content.paragraphs, ["Belize and Chile"]);
    }

    #[test]
    fn decomposed_accents_and_crlf_are_normalized() {
        let doc = from_bytes("Migracio\u{301}n\r\n\r\nNin\u{303}ez".as_bytes(), "x.txt").unwrap();
        assert_eq!(doc.content.paragraphs, ["Migración", "Niñez"]);
    }
}
