//! Bytes → text: UTF-8 (with or without BOM), UTF-16 and UTF-32 (with a BOM, or told by
//! where their NUL bytes fall), and a Windows-1252 fallback for legacy exports (a superset of Latin-1 for printable text). Binary, empty and undecodable
//! input is refused with a reason a user can act on.

use std::borrow::Cow;

/// Decodes a source file's bytes. The error is the reason, without the path (the caller adds it).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("empty file (nothing but whitespace); add text or remove it from the corpus".into());
    }
    let text: Cow<'_, str> = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        utf8_or_legacy(rest)
    } else if let Some(wide) = Wide::sniff(bytes) {
        Cow::Owned(wide.decode(bytes)?)
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

/// The encodings of two or four bytes a char that Windows tools still write ("Unicode" in
/// Notepad's save dialog is UTF-16LE), told by their byte-order mark or, without one, by where
/// the NUL bytes of mostly-ASCII text fall. Read as anything else they looked binary (UTF-16
/// has a NUL after each ASCII letter) or undecodable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wide {
    Utf16 { big_endian: bool, bom: bool },
    Utf32 { big_endian: bool, bom: bool },
}

impl Wide {
    fn sniff(bytes: &[u8]) -> Option<Wide> {
        // the UTF-32LE mark starts with the UTF-16LE one: look for it first
        if bytes.starts_with(b"\xFF\xFE\0\0") || bytes.starts_with(b"\0\0\xFE\xFF") {
            return Some(Wide::Utf32 { big_endian: bytes[0] == 0, bom: true });
        }
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Some(Wide::Utf16 { big_endian: bytes[0] == 0xFE, bom: true });
        }
        // a sample of whole units: ASCII text in UTF-16LE is "c\0c\0…", in UTF-32LE "c\0\0\0…"
        let sample = &bytes[..bytes.len().min(4096) & !3];
        let nul_share = |phase: usize, of: usize| {
            let at: Vec<u8> = sample.iter().skip(phase).step_by(of).copied().collect();
            at.iter().filter(|&&b| b == 0).count() as f32 / at.len().max(1) as f32
        };
        let mostly = |share: f32| share >= 0.6;
        let rarely = |share: f32| share <= 0.05;
        if sample.len() >= 8 && bytes.len().is_multiple_of(4) {
            let [z0, z1, z2, z3] = [0, 1, 2, 3].map(|p| nul_share(p, 4));
            if rarely(z0) && z1 >= 0.9 && z2 >= 0.9 && z3 >= 0.9 || z0 >= 0.9 && z1 >= 0.9 && z2 >= 0.9 && rarely(z3) {
                return Some(Wide::Utf32 { big_endian: rarely(z3), bom: false });
            }
        }
        if sample.len() >= 4 && bytes.len().is_multiple_of(2) {
            let (even, odd) = (nul_share(0, 2), nul_share(1, 2));
            if rarely(even) && mostly(odd) || mostly(even) && rarely(odd) {
                return Some(Wide::Utf16 { big_endian: mostly(even), bom: false });
            }
        }
        None
    }

    fn decode(self, bytes: &[u8]) -> Result<String, String> {
        let (name, decoded) = match self {
            Wide::Utf16 { big_endian, bom } => {
                let encoding = if big_endian { encoding_rs::UTF_16BE } else { encoding_rs::UTF_16LE };
                let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[if bom { 2 } else { 0 }..]);
                (if big_endian { "UTF-16BE" } else { "UTF-16LE" }, (!had_errors).then(|| text.into_owned()))
            }
            Wide::Utf32 { big_endian, bom } => {
                let units = bytes[if bom { 4 } else { 0 }..].chunks_exact(4);
                let unit = |u: &[u8]| {
                    let u = [u[0], u[1], u[2], u[3]];
                    char::from_u32(if big_endian { u32::from_be_bytes(u) } else { u32::from_le_bytes(u) })
                };
                let text =
                    (bytes.len().is_multiple_of(4)).then(|| units.map(unit).collect::<Option<String>>()).flatten();
                (if big_endian { "UTF-32BE" } else { "UTF-32LE" }, text)
            }
        };
        let how = if self.bom() { "the byte-order mark says" } else { "the NUL bytes say" };
        decoded.ok_or_else(|| format!("invalid {name} ({how} {name} but the bytes are not); convert the file to UTF-8"))
    }

    fn bom(self) -> bool {
        matches!(self, Wide::Utf16 { bom: true, .. } | Wide::Utf32 { bom: true, .. })
    }
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

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
    }

    fn utf32(text: &str, big_endian: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| if big_endian { (c as u32).to_be_bytes() } else { (c as u32).to_le_bytes() })
            .collect()
    }

    #[test]
    fn utf16_and_utf32_with_or_without_bom() {
        let text = "Informe de la reunión: niñez migrante en Belize.\n";
        for big_endian in [false, true] {
            let bom16 = utf16("\u{feff}", big_endian);
            let bom32 = utf32("\u{feff}", big_endian);
            for bytes in [utf16(text, big_endian), [bom16, utf16(text, big_endian)].concat()] {
                assert_eq!(decode(&bytes).as_deref(), Ok(text), "UTF-16 big_endian={big_endian}");
            }
            for bytes in [utf32(text, big_endian), [bom32, utf32(text, big_endian)].concat()] {
                assert_eq!(decode(&bytes).as_deref(), Ok(text), "UTF-32 big_endian={big_endian}");
            }
        }
    }

    #[test]
    fn invalid_utf32_is_named_with_what_to_do() {
        let mut bytes = utf32("Informe de la reunión\n", false);
        bytes[8..12].copy_from_slice(&0xD800u32.to_le_bytes()); // a surrogate is no char
        let err = decode(&bytes).unwrap_err();
        assert!(err.starts_with("invalid UTF-32LE") && err.ends_with("convert the file to UTF-8"), "{err}");
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
