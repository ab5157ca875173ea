//! Word (DOCX) files → the text conventions of the hand-extracted `.txt` files → `normalize` and
//! `clean`, so the segmenter sees a DOCX report as it sees its `.txt` version.
//!
//! Reads only the main document part (found through `_rels/.rels`), its styles, numbering,
//! footnotes and endnotes; headers, footers and comments are not body text. Refuses, with the
//! reason: `.doc` and encrypted files (OLE compound files), other files that are not zips, zips
//! without a Word document, and zips whose parts inflate past [`package::MAX_TOTAL_BYTES`].
//! No input makes it panic (see the tests at the bottom).

mod body;
mod package;
mod styles;

use super::formats::Source;
use super::{clean, normalize, CleanDoc};
use package::Package;
use styles::{Numbering, Styles};

/// The first bytes of an OLE compound file: a Word 97–2003 `.doc`, or an encrypted `.docx`.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Paragraphs are joined with four blank lines: `clean` never re-joins lines more than three
/// blank lines apart, and a DOCX paragraph is known to be whole (the `.txt` files needed the
/// re-joining for paragraphs broken by hard wraps and page breaks).
const PARAGRAPH_BREAK: &str = "\n\n\n\n\n";

/// Reads a DOCX file; the error is the reason it was refused (without the path).
pub fn read(source: &Source<'_>) -> Result<CleanDoc, String> {
    let text = text(source.bytes)?;
    let content = clean::clean(&normalize(text));
    if content.paragraphs.is_empty() {
        return Err("the Word document holds no body text (headers, footers and contents are not read)".into());
    }
    // Word has no pages: where a page breaks depends on the printer
    Ok(CleanDoc { file: source.name.to_string(), content, pages: Vec::new() })
}

/// The document's body in the `.txt` conventions, before normalizing and cleaning.
fn text(bytes: &[u8]) -> Result<String, String> {
    text_of(bytes, |p| p)
}

/// [`text`], with the package adjusted first (tests set small budgets).
fn text_of<'a>(bytes: &'a [u8], adjust: impl FnOnce(Package<'a>) -> Package<'a>) -> Result<String, String> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err("a Word 97–2003 .doc file or an encrypted .docx; save it as .docx (Word 2007 or later) \
                    without a password"
            .into());
    }
    let mut package = adjust(Package::open(bytes)?);
    let main = main_part(&mut package)?;
    let xml = package.part(&main)?.ok_or_else(|| no_document(&format!("its main part {main} is missing")))?;
    let related = package.relationships(&main)?;
    let mut part_of = |kind: &str, usual: &str| -> Result<Option<String>, String> {
        let name = related.iter().find(|r| r.kind == kind).map_or(usual, |r| r.target.as_str());
        package.part(name)
    };
    let styles = part_of("styles", "word/styles.xml")?.map(|x| Styles::parse(&x)).unwrap_or_default();
    let mut numbering = part_of("numbering", "word/numbering.xml")?.map(|x| Numbering::parse(&x)).unwrap_or_default();
    let mut notes = body::Notes::new();
    for (kind, part, usual) in
        [("footnote", "footnotes", "word/footnotes.xml"), ("endnote", "endnotes", "word/endnotes.xml")]
    {
        if let Some(xml) = part_of(part, usual)? {
            body::notes(&xml, kind, &styles, &mut notes);
        }
    }
    let lines = body::document(&xml, &main, &styles, &mut numbering, &notes)?;
    let mut text = lines.join(PARAGRAPH_BREAK);
    text.push('\n');
    Ok(text)
}

/// The name of the main document part: the target of the package's `officeDocument`
/// relationship (transitional or Strict), else `word/document.xml` when there is one.
fn main_part(package: &mut Package<'_>) -> Result<String, String> {
    let rels = package.relationships("")?;
    if let Some(main) = rels.into_iter().find(|r| r.kind == "officeDocument") {
        return Ok(main.target);
    }
    if package.has("word/document.xml") {
        return Ok("word/document.xml".into());
    }
    Err(no_document("no officeDocument relationship in _rels/.rels and no word/document.xml"))
}

fn no_document(what: &str) -> String {
    format!("a zip archive without a Word document ({what}); save it from Word as a .docx")
}

#[cfg(test)]
mod tests;
