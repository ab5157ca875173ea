//! Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, and a Windows-1252 fallback for
//! legacy exports (a superset of Latin-1 for printable text). Binary, empty and undecodable
//! input is refused with a reason a user can act on.

use std::borrow::Cow;

/// Decodes a source file's bytes. The error is the reason, without the path (the caller adds it).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file (nothing but whitespace); add text or remove it from the corpus".into());
    }
    let text: Cow<'_, str> = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_legacy(rest)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            return Err("invalid UTF-16 (the byte-order mark promises UTF-16 but the bytes are not)".into());
        }
        text
    } else if bytes.contains(&0) {
        return Err("binary file (contains NUL bytes), not plain text; save it as UTF-8 text, or give it the \
             extension of its real format"
            .into());
    } else {
        utf8_or_legacy(bytes)
    };
    let controls = bad_controls(&text);
    if controls > 0 && (controls > 8 || controls * 200 > text.chars().count()) {
        return Err(format!(
            "undecodable text ({controls} control characters after trying UTF-8 and Windows-1252); \
             convert the file to UTF-8"
        ));
    }
    if text.trim().is_empty() {
        return Err("empty file (nothing but whitespace); add text or remove it from the corpus".into());
    }
    Ok(text.into_owned())
}

fn utf8_or_legacy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0,
    }
}

/// How many C0 and C1 control characters other than tab, newline, carriage return and form
/// feed `text` holds. A byte scan: C0 and DEL are single bytes, and C1 (U+0080–U+009F) is
/// 0xC2 followed by 0x80–0x9F in UTF-8. The tests are branch-free and counted per run of 255
/// bytes in a byte, which the compiler turns into a vector loop.
fn bad_controls(text: &str) -> usize {
    let b = text.as_bytes();
    let c0 = |c: u8| u8::from(c < 0x20) & u8::from(!matches!(c, b'\t' | b'\n' | b'\r' | b'\x0c')) | u8::from(c == 0x7f);
    let c1 = |w: (&u8, &u8)| u8::from(*w.0 == 0xC2) & u8::from((0x80..0xA0).contains(w.1));
    let runs = b.chunks(255).enumerate().map(|(i, run)| (run, &b[i * 255 + 1..(i * 255 + 256).min(b.len())]));
    runs.map(|(run, next)| {
        let singles = run.iter().fold(0u8, |n, &c| n + c0(c));
        let pairs = run.iter().zip(next).fold(0u8, |n, w| n + c1(w));
        usize::from(singles) + usize::from(pairs)
    })
    .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_counted_by_bytes_as_by_chars() {
        let text = "a\tb\nc\r\x0cd\x01e\x7ff\u{85}g\u{9f}h\u{a0}ñ\u{1b}";
        let by_chars = text.chars().filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')).count();
        assert_eq!((bad_controls(text), by_chars), (5, 5));
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(decode("Niñez migrante".as_bytes()).unwrap(), "Niñez migrante");
        assert_eq!(decode(b"\xEF\xBB\xBFSACM").unwrap(), "SACM");
    }

    #[test]
    fn latin1_is_decoded_not_refused() {
        assert_eq!(decode(b"Migraci\xf3n y ni\xf1ez").unwrap(), "Migración y niñez");
        // Windows-1252 curly quotes, as Word exports them
        assert_eq!(decode(b"\x93CSM\x94").unwrap(), "\u{201c}CSM\u{201d}");
    }

    #[test]
    fn utf16_with_bom() {
        let bytes: Vec<u8> = [0xFF, 0xFE].into_iter().chain("CRM".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&bytes).unwrap(), "CRM");
    }

    #[test]
    fn refuses_binary_empty_and_undecodable() {
        assert!(decode(b"\x89PNG\r\n\x1a\n\0\0\0").unwrap_err().starts_with("binary file"));
        assert!(decode(b"").unwrap_err().starts_with("empty file"));
        assert!(decode(b"  \n\t ").unwrap_err().starts_with("empty file"));
        let junk: Vec<u8> = (1u8..32).filter(|b| !b"\t\n\r\x0c".contains(b)).cycle().take(64).collect();
        assert!(decode(&junk).unwrap_err().starts_with("undecodable"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn the_byte_count_of_controls_is_the_char_count(text in "[\\x00-\\x{a0}a-zñ]{0,600}") {
            let by_chars = text.chars().filter(|&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')).count();
            proptest::prop_assert_eq!(bad_controls(&text), by_chars);
        }
    }
}
