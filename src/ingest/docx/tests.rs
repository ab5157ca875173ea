//! The DOCX reader on small packages built here, its refusals, and random and mutated input.

use std::io::Write;
use std::path::Path;

use super::*;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;
const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOC_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;
const STYLES: &str = r#"<w:styles xmlns:w="x"><w:style w:type="paragraph" w:styleId="Ttulo1"><w:name w:val="heading 1"/></w:style></w:styles>"#;

/// A zip of `(name, content)` entries, deflated.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A DOCX whose body is `body` (the children of `w:body`), with a heading style and footnotes.
fn docx(body: &str, footnotes: &str) -> Vec<u8> {
    let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
    let notes = format!("<w:footnotes {W}>{footnotes}</w:footnotes>");
    zip_of(&[
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", DOC_RELS.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/footnotes.xml", notes.as_bytes()),
    ])
}

fn read_bytes(bytes: &[u8]) -> Result<CleanDoc, String> {
    read(&Source { path: Path::new("x.docx"), name: "x.docx", bytes })
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

#[test]
fn paragraphs_entities_headings_and_breaks() {
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Ttulo1"/></w:pPr><w:r><w:t>1.</w:t><w:tab/><w:t>Migración</w:t></w:r></w:p>"#
            .to_string(),
        p("Trabajo &amp; movilidad en Per&#250; y &#x4D;&#233;xico"),
        // a lowercase paragraph after an open one stays apart (a .txt line would be re-joined)
        p("the session opened"),
        p("and continued"),
        r#"<w:p><w:r><w:t>one</w:t><w:br/><w:t>line</w:t></w:r></w:p>"#.to_string(),
    ]
    .concat();
    let doc = read_bytes(&docx(&body, "")).unwrap();
    assert_eq!(
        doc.content.paragraphs,
        ["1. Migración", "Trabajo & movilidad en Perú y México", "the session opened", "and continued", "one line"]
    );
}

#[test]
fn deleted_text_field_codes_and_fallbacks_are_skipped() {
    let body = r#"<w:p>
        <w:r><w:t>Kept </w:t></w:r><w:del><w:r><w:delText>deleted </w:delText></w:r></w:del>
        <w:moveFrom><w:r><w:t>moved </w:t></w:r></w:moveFrom>
        <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:r><w:t> text.</w:t></w:r>
        <mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>In the box.</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
        <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>In the box.</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent>
    </w:p>"#;
    let doc = read_bytes(&docx(body, "")).unwrap();
    assert_eq!(doc.content.paragraphs, ["In the box.", "Kept 3 text."]);
}

#[test]
fn tables_lists_and_contents() {
    let numbering = r#"<w:numbering xmlns:w="x"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
    let item = |t: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
        )
    };
    let toc = r#"<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC \o "1-3"</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>SESSION 1: GOVERNANCE</w:t></w:r><w:r><w:tab/></w:r><w:r><w:t>15</w:t></w:r></w:p><w:p><w:r><w:t>No page here</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#;
    let table = format!(
        "<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr><w:tr><w:tc/><w:tc>{}</w:tc></w:tr></w:tbl>",
        p("Sistema de Alerta"),
        p("Temprana"),
        p("Chile"),
        p("Perú")
    );
    let numbers = format!("<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>", p("Leaves"), p("175"));
    let body = [toc.to_string(), item("first item"), item("second item"), table, numbers, p("Practice title | Chile")]
        .concat();
    let document = format!("<w:document {W}><w:body>{body}</w:body></w:document>");
    let bytes = zip_of(&[
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ]);
    let doc = read_bytes(&bytes).unwrap();
    assert_eq!(doc.content.contents, ["SESSION 1: GOVERNANCE"]);
    assert_eq!(
        doc.content.paragraphs,
        [
            "- first item",
            "- second item",
            "Sistema de Alerta Temprana Chile",
            "Perú",
            "Leaves 175",
            "Practice title | Chile"
        ]
    );
    // the row keeps its cells apart before cleaning
    assert!(text(&bytes).unwrap().contains("Sistema de Alerta Temprana\tChile\n"));
}

#[test]
fn footnotes_become_records_of_their_paragraph() {
    let notes = r#"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
        <w:footnote w:id="7"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> RCM countries: Belize [and] Canada.</w:t></w:r></w:p></w:footnote>"#;
    let body = [p("Intro."), r#"<w:p><w:r><w:t>Delegations attended.</w:t></w:r><w:r><w:footnoteReference w:id="7"/></w:r><w:r><w:t xml:space="preserve"> More.</w:t></w:r></w:p>"#.to_string()].concat();
    let doc = read_bytes(&docx(&body, notes)).unwrap();
    assert_eq!(doc.content.paragraphs, ["Intro.", "Delegations attended. More."]);
    assert_eq!(doc.content.footnotes.len(), 1);
    let note = &doc.content.footnotes[0];
    assert_eq!(
        (note.label.as_str(), note.text.as_str(), note.paragraph),
        ("1", "RCM countries: Belize (and) Canada.", 1)
    );
}

#[test]
fn the_main_part_is_found_through_the_relationships_in_the_strict_namespace() {
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" Target="/word/main.xml"/></Relationships>"#;
    let doc = r#"<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"><w:body><w:p><w:r><w:t>Strict body.</w:t></w:r></w:p></w:body></w:document>"#;
    let bytes = zip_of(&[("_rels/.rels", rels.as_bytes()), ("word/main.xml", doc.as_bytes())]);
    assert_eq!(read_bytes(&bytes).unwrap().content.paragraphs, ["Strict body."]);
}

#[test]
fn refusals_say_why() {
    let err = |bytes: &[u8]| read_bytes(bytes).unwrap_err();
    let mut ole = OLE_MAGIC.to_vec();
    ole.extend([0; 512]);
    assert!(err(&ole).starts_with("a Word 97–2003 .doc file or an encrypted .docx; save it as .docx"), "{}", err(&ole));
    assert_eq!(err(b"plain text, not a zip"), "not a DOCX file (not a zip archive)");
    assert!(err(b"PK\x03\x04 broken").starts_with("a damaged zip archive"));
    let no_doc = zip_of(&[("xl/workbook.xml", b"<workbook/>")]);
    assert!(err(&no_doc).starts_with("a zip archive without a Word document"), "{}", err(&no_doc));
    let sheet_rels = RELS.replace("word/document.xml", "xl/workbook.xml");
    let sheet = zip_of(&[("_rels/.rels", sheet_rels.as_bytes()), ("xl/workbook.xml", b"<workbook/>")]);
    assert!(err(&sheet).contains("is a <workbook>, not a Word document"), "{}", err(&sheet));
    let broken = zip_of(&[("_rels/.rels", RELS.as_bytes()), ("word/document.xml", b"<w:document><w:body></w:p>")]);
    assert!(err(&broken).contains("word/document.xml is not well-formed XML"), "{}", err(&broken));
    assert!(err(&docx("", "")).starts_with("the Word document holds no body text"));
}

#[test]
fn parts_that_inflate_past_the_budgets_are_refused() {
    let big = docx(&p(&"a ".repeat(50_000)), "");
    let part = text_of(&big, |p| p.with_limits(10_000, 1 << 30)).unwrap_err();
    assert!(part.starts_with("one part inflates to more than 10000 bytes (a zip bomb?)"), "{part}");
    let total = text_of(&big, |p| p.with_limits(1 << 30, 50_000)).unwrap_err();
    assert!(total.starts_with("its parts inflate to more than 50000 bytes"), "{total}");
    assert!(text_of(&big, |p| p.with_limits(1 << 30, 1 << 30)).is_ok());
}

/// A real-looking package to mutate: every kind of element the reader handles.
fn sample() -> Vec<u8> {
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Ttulo1"/></w:pPr><w:r><w:t>Sesión 1</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:r><w:t>Texto &amp; más.</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r></w:p>"#.to_string(),
        format!("<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>", p("a"), p("b")),
    ]
    .concat();
    docx(&body, r#"<w:footnote w:id="2"><w:p><w:r><w:t>Nota.</w:t></w:r></w:p></w:footnote>"#)
}

#[test]
fn the_sample_reads() {
    let doc = read_bytes(&sample()).unwrap();
    assert_eq!(doc.content.paragraphs, ["Sesión 1", "Texto & más.", "a b"]);
    assert_eq!(doc.content.footnotes[0].text, "Nota.");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let _ = read_bytes(&bytes);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend(&bytes);
        let _ = read_bytes(&zipped);
    }

    #[test]
    fn mutated_packages_never_panic(flips in proptest::collection::vec((0usize..1 << 16, proptest::prelude::any::<u8>()), 1..8), cut in 0usize..1 << 16) {
        let mut bytes = sample();
        for (at, byte) in flips {
            let n = bytes.len();
            bytes[at % n] = byte;
        }
        let _ = read_bytes(&bytes);
        bytes.truncate(cut % (bytes.len() + 1));
        let _ = read_bytes(&bytes);
    }

    #[test]
    fn mutated_xml_never_panics(body in "[<>/=\"a-z:&#;0-9 ]{0,200}", keep in proptest::prelude::any::<bool>()) {
        // random markup spliced into a real body and into the notes
        let good = r#"<w:p><w:r><w:t>x</w:t></w:r></w:p>"#;
        let body = if keep { format!("{good}{body}{good}") } else { body };
        let _ = read_bytes(&docx(&body, &body));
    }
}
