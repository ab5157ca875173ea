//! Word (DOCX) files through the binary: real files nobody here wrote
//! (`../shared/fixtures/real/`, skipped with a note on stderr when that folder is not there),
//! and DOCX versions of two corpus reports (`tests/fixtures/office/`, made by its `make.py`),
//! which must index to the same records as their `.txt`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::run_in;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/real");
const OFFICE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/office");

/// A temp dir whose `corpus/` holds copies of `files`, indexed; `None` (with a note) when one of
/// them is missing.
fn indexed(files: &[PathBuf]) -> Option<tempfile::TempDir> {
    if let Some(missing) = files.iter().find(|f| !f.exists()) {
        eprintln!("note: skipped, {} is not there", missing.display());
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for f in files {
        std::fs::copy(f, corpus.join(f.file_name().expect("name"))).expect("copy");
    }
    let out = run_in(dir.path(), &["index", "--json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "index failed: {err}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("index --json prints JSON");
    assert_eq!(report["failed"], serde_json::json!([]), "help: the DOCX reader refused a file: {report}");
    Some(dir)
}

/// `consulta show DOC --json`.
fn records(dir: &Path, doc: &str) -> Vec<Value> {
    let out = run_in(dir, &["show", doc, "--json"]);
    assert!(out.status.success(), "show {doc}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout).expect("show --json prints JSON").as_array().expect("array").clone()
}

/// Every record's text of `doc`, one after the other.
fn text_of(dir: &Path, doc: &str) -> String {
    records(dir, doc).iter().map(|r| r["text"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join("\n")
}

/// The documents whose records match `query` (no expansion).
fn docs_matching(dir: &Path, query: &str) -> Vec<String> {
    let out = run_in(dir, &["search", query, "--json", "--no-expand", "--limit", "100"]);
    assert!(out.status.success(), "search {query}: {}", String::from_utf8_lossy(&out.stderr));
    let resp: Value = serde_json::from_slice(&out.stdout).expect("search --json prints JSON");
    let mut docs: Vec<String> = resp["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["doc"].as_str().unwrap_or_default().to_string())
        .collect();
    docs.dedup();
    docs
}

fn real(name: &str) -> PathBuf {
    Path::new(REAL).join(name)
}

#[test]
fn real_word_files_give_their_body_once_and_nothing_else() {
    let names = [
        "docling-Strict.docx",
        "docling-textbox.docx",
        "docling-docx_page_header_footer_first_page.docx",
        "docling-docx_lists.docx",
        "docling-word_tables.docx",
        "docling-word_sample.docx",
    ];
    let Some(dir) = indexed(&names.map(real)) else { return };
    let dir = dir.path();

    // the Strict file (another namespace) has one paragraph and no heading
    assert_eq!(text_of(dir, "docling-Strict.docx"), "Some text", "help: Strict elements not matched by local name?");
    assert!(docs_matching(dir, "\"some text\"").contains(&"docling-Strict.docx".to_string()));

    // a text box is stored twice (mc:Choice and mc:Fallback) and read once
    let sentence = "Upon receiving a report from the kindergarten, conduct a preliminary assessment of the case";
    let boxes = text_of(dir, "docling-textbox.docx");
    assert_eq!(boxes.matches(sentence).count(), 1, "help: the mc:Fallback copy was read too?\n{boxes}");
    assert_eq!(docs_matching(dir, "kindergarten epidemiological"), ["docling-textbox.docx"]);

    // headers and footers are not body text; the body is
    let page = text_of(dir, "docling-docx_page_header_footer_first_page.docx");
    for not_body in ["FIRST PAGE HEADER", "REGULAR HEADER", "FIRST PAGE FOOTER", "REGULAR FOOTER"] {
        assert!(!page.contains(not_body), "{not_body} read as body text:\n{page}");
    }
    assert!(page.contains("This is body text on page 2."), "{page}");
    assert!(docs_matching(dir, "onward").is_empty(), "a header's words are searchable");

    // list items and table rows are paragraphs of their own, with their labels and cells
    let lists = text_of(dir, "docling-docx_lists.docx");
    let paras: Vec<&str> = lists.lines().collect();
    for item in ["1. List item a", "2. List item b", "- List item 1.1", "- Buy fresh bread from the corner bakery"] {
        assert!(paras.contains(&item), "no list item {item:?}:\n{lists}");
    }
    let tables = text_of(dir, "docling-word_tables.docx");
    let rows: Vec<&str> = tables.lines().collect();
    for row in ["Header 0.0 Header 0.1 Header 0.2 Header 0.3", "Cell 1.0 Merged Cell 1.1 1.2 Cell 1.3"] {
        assert!(rows.contains(&row), "no table row {row:?}:\n{tables}");
    }
    // a row ending in a number stays a row (not a contents entry)
    let sample = text_of(dir, "docling-word_sample.docx");
    assert!(sample.contains("Leaves Ash, Elm, Maple"), "{sample}");
    assert!(sample.contains("Don’t forget to drink water"), "typographic apostrophes survive:\n{sample}");
}

/// What must be the same for a report and its DOCX version: each record's kind, heading,
/// session and countries, in order, and the text up to white space.
fn outline(records: &[Value]) -> Vec<(Value, Value, Value, Value, String)> {
    let words = |v: &Value| v.as_str().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    records
        .iter()
        .map(|r| {
            (r["kind"].clone(), r["heading"].clone(), r["session"].clone(), r["countries"].clone(), words(&r["text"]))
        })
        .collect()
}

#[test]
fn docx_versions_of_corpus_reports_index_to_the_outline_of_their_txt() {
    let stems = ["006_plenaria_crm_csm_2024_es", "003_896af30beb401831", "000_4092b891d15061c0"];
    let mut files = Vec::new();
    for stem in stems {
        files.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(format!("{stem}.txt")));
        files.push(Path::new(OFFICE).join(format!("{stem}.docx")));
    }
    let Some(dir) = indexed(&files) else { return };
    for stem in stems {
        let txt = records(dir.path(), &format!("{stem}.txt"));
        let docx = records(dir.path(), &format!("{stem}.docx"));
        assert!(txt.len() >= 6, "{stem}: {} records", txt.len());
        for key in ["title", "year", "mechanisms", "doctype", "lang"] {
            assert_eq!(txt[0][key], docx[0][key], "{stem}: the document's {key}");
        }
        let (a, b) = (outline(&txt), outline(&docx));
        for (i, (x, y)) in a.iter().zip(&b).enumerate() {
            assert_eq!(x, y, "{stem}: record {i} differs (left .txt, right .docx)\nhelp: a paragraph split or joined differently by the DOCX reader?");
        }
        assert_eq!(a.len(), b.len(), "{stem}: record counts");
    }
    // accents went through Word's XML
    let es = text_of(dir.path(), "006_plenaria_crm_csm_2024_es.docx");
    assert!(es.contains("Niñez y Adolescencia Migrante") && es.contains("Bogotá"), "{es}");
}

/// A `.doc` (or an encrypted `.docx`: both are OLE compound files), a file named `.docx` that
/// is not a zip, and a damaged zip are each named with their reason; the rest indexes.
#[test]
fn bad_word_files_get_a_reason_and_the_rest_is_indexed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    std::fs::write(corpus.join("old.docx"), &ole).expect("write");
    std::fs::write(corpus.join("notes.docx"), "plain text, not a zip").expect("write");
    let good = Path::new(OFFICE).join("000_4092b891d15061c0.docx");
    if let Ok(bytes) = std::fs::read(&good) {
        std::fs::write(corpus.join("cut.docx"), &bytes[..bytes.len() / 2]).expect("write");
    }
    std::fs::write(corpus.join("good.txt"), "Informe\n\nLa CSM revisó las remesas.\n").expect("write");
    let out = run_in(dir.path(), &["index", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let reason = |name: &str| crate::util::failure_reason(&report, name);
    assert!(reason("old.docx").contains("Word 97–2003 .doc file or an encrypted .docx"), "{report}");
    assert_eq!(reason("notes.docx"), "not a DOCX file (not a zip archive)", "{report}");
    if good.is_file() {
        assert!(!reason("cut.docx").is_empty(), "a cut zip is refused with a reason: {report}");
    }
    assert_eq!(report["added"].as_u64(), Some(1), "the text file is indexed: {report}");
}
