//! The zip package of a DOCX file: its parts, read under a size budget, and the relationships
//! that name them. Knows nothing of WordprocessingML.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The most one part may hold once inflated. The body of a 300-page report is a few MB.
pub const MAX_PART_BYTES: u64 = 100 * 1024 * 1024;

/// The most all the parts read from one file may hold together (zip bombs).
pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;

/// An opened package and what has been read from it so far.
pub struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    read: u64,
    max_part: u64,
    max_total: u64,
}

/// A relationship of a part: its type (the last segment of the type URI, `officeDocument`,
/// `styles`, …, the same in the transitional and the Strict vocabulary) and its target part.
#[derive(Debug, PartialEq)]
pub struct Relationship {
    pub kind: String,
    pub target: String,
}

impl<'a> Package<'a> {
    /// Opens the zip; the error says what the bytes are instead.
    pub fn open(bytes: &'a [u8]) -> Result<Package<'a>, String> {
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            if bytes.starts_with(b"PK") {
                format!("a damaged zip archive ({e}); open it in Word and save it again")
            } else {
                "not a DOCX file (not a zip archive)".to_string()
            }
        })?;
        Ok(Package { zip, read: 0, max_part: MAX_PART_BYTES, max_total: MAX_TOTAL_BYTES })
    }

    /// The same package with other budgets (tests use small ones).
    #[cfg(test)]
    pub fn with_limits(mut self, max_part: u64, max_total: u64) -> Package<'a> {
        self.max_part = max_part;
        self.max_total = max_total;
        self
    }

    /// Whether the package has a part `name`.
    pub fn has(&self, name: &str) -> bool {
        self.index_of(name).is_some()
    }

    /// The text of the part `name`, `None` when there is no such part. Reading stops at the
    /// per-part and total budgets, whatever the zip's headers claim.
    pub fn part(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(index) = self.index_of(name) else { return Ok(None) };
        let mut file = self.zip.by_index(index).map_err(|e| format!("its part {name} cannot be read: {e}"))?;
        if file.encrypted() {
            return Err(format!("its part {name} is encrypted; save the document without a password"));
        }
        let left = self.max_total.saturating_sub(self.read);
        let budget = self.max_part.min(left);
        let (what, limit) = if budget < self.max_part {
            ("its parts inflate", self.max_total)
        } else {
            ("one part inflates", self.max_part)
        };
        let too_big = || format!("{what} to more than {limit} bytes (a zip bomb?); a Word report is far smaller");
        if file.size() > budget {
            return Err(too_big());
        }
        let mut raw = Vec::with_capacity(file.size() as usize);
        (&mut file)
            .take(budget + 1)
            .read_to_end(&mut raw)
            .map_err(|e| format!("its part {name} cannot be inflated ({e}); the file is damaged"))?;
        if raw.len() as u64 > budget {
            return Err(too_big());
        }
        self.read += raw.len() as u64;
        Ok(Some(xml_text(raw)))
    }

    /// The entry named `name`, also when the zip spells it in another case or with a leading `/`.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.zip.index_for_name(name).or_else(|| {
            let found = self.zip.file_names().flatten().find(|n| n.trim_start_matches('/').eq_ignore_ascii_case(name));
            found.and_then(|n| self.zip.index_for_name(&n))
        })
    }

    /// The relationships of the part `part` (`""` for the package itself), targets resolved to
    /// part names. A missing or unreadable relationships part has none.
    pub fn relationships(&mut self, part: &str) -> Result<Vec<Relationship>, String> {
        let (dir, file) = part.rsplit_once('/').unwrap_or(("", part));
        let rels = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let Some(xml) = self.part(&rels)? else { return Ok(Vec::new()) };
        let mut reader = Reader::from_str(&xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                    let external = attr(&e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("external"));
                    if let (Some(kind), Some(target), false) = (attr(&e, "Type"), attr(&e, "Target"), external) {
                        let kind = kind.rsplit('/').next().unwrap_or_default().to_string();
                        out.push(Relationship { kind, target: resolve(dir, &target) });
                    }
                }
                Ok(Event::Eof) | Err(_) => return Ok(out),
                Ok(_) => {}
            }
        }
    }
}

/// The value of the attribute whose local name is `name`, entities resolved.
pub fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| a.value.into_owned())
    })
}

/// `target` of a relationship held in folder `dir`, as a part name: `../media/x.png` from `word`
/// is `media/x.png`, `/word/document.xml` is `word/document.xml`.
fn resolve(dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { dir.split('/').filter(|s| !s.is_empty()).collect() };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A part's bytes as text: UTF-8 (a BOM dropped) or UTF-16 with a BOM, as XML allows.
fn xml_text(raw: Vec<u8>) -> String {
    let utf16 = match raw.get(..2) {
        Some([0xFF, 0xFE]) => Some(encoding_rs::UTF_16LE),
        Some([0xFE, 0xFF]) => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(encoding) = utf16 {
        return encoding.decode_with_bom_removal(&raw).0.into_owned();
    }
    let body = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw);
    match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("", "/word/document2.xml"), "word/document2.xml");
        assert_eq!(resolve("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve("word", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("word", "./footnotes.xml"), "word/footnotes.xml");
    }

    #[test]
    fn utf16_parts_are_decoded() {
        let mut raw = vec![0xFF, 0xFE];
        raw.extend("<a>é</a>".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(xml_text(raw), "<a>é</a>");
        assert_eq!(xml_text(b"\xEF\xBB\xBF<a/>".to_vec()), "<a/>");
    }
}
