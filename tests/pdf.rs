//! PDF ingest through Poppler's `pdftotext` (issue 18): real PDFs nobody here wrote are found
//! by what a reader sees in them, every record of a PDF knows its pages, and bad files get a
//! reason, never a crash or a hang.
//!
//! These tests need `pdftotext` (Debian's poppler-utils). Without it they skip, saying so on
//! stderr; under `CI=true` they fail instead (`.ci/run` installs it).
//!
//! help: run `pdftotext -enc UTF-8 -eol unix -q FILE -` on the file to see what consulta got.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::util::run_in;

const REAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/real");
const OURS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pdf");

/// Whether `pdftotext` is here; a test without it skips (or fails under CI).
pub fn have_pdftotext() -> bool {
    let found = std::process::Command::new("pdftotext").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pdftotext is required under CI=true (apt-get install poppler-utils)"
        );
        eprintln!("skipped: pdftotext not found (apt-get install poppler-utils)");
    }
    found
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A temp dir whose `corpus/` holds copies of `files`.
fn corpus_of(files: &[PathBuf]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("corpus")).expect("corpus");
    for f in files {
        std::fs::copy(f, dir.path().join("corpus").join(f.file_name().expect("name"))).expect("copy");
    }
    dir
}

fn search(root: &Path, args: &[&str]) -> Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let out = run_in(root, &all);
    assert!(out.status.success(), "search {args:?}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn docs(resp: &Value) -> Vec<String> {
    let mut d: Vec<String> =
        resp["hits"].as_array().expect("hits").iter().map(|h| h["doc"].as_str().expect("doc").to_string()).collect();
    d.dedup();
    d
}

#[test]
fn real_pdfs_are_found_by_what_a_reader_sees_and_every_record_has_its_pages() {
    if !have_pdftotext() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(REAL) else {
        eprintln!("skipped: {REAL} not found");
        return;
    };
    let pdfs: Vec<PathBuf> =
        entries.map(|e| e.expect("entry").path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
    let dir = corpus_of(&pdfs);
    let out = run_in(dir.path(), &["index", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["added"].as_u64(), Some(pdfs.len() as u64), "{report}");
    // the Spanish voting record: a title in a font without a character map, the page's
    // "Página 1 de 9" split over lines; what reads is kept and the title is the real one
    let resp = search(dir.path(), &["Votación Nominal"]);
    assert_eq!(docs(&resp).first().map(String::as_str), Some("tabula-argentina_diputados_voting_record.pdf"));
    let hit = &resp["hits"][0];
    assert_eq!(hit["title"], "Votación Nominal", "{hit}");
    assert!(!hit["text"].as_str().expect("text").contains("Página"), "no page furniture in the text");
    // a word printed with a ligature (U+FB03) is found by its letters
    let resp = search(dir.path(), &["officers"]);
    assert_eq!(docs(&resp)[0], "pdfplumber-issue-848.pdf", "{resp}");
    assert!(!resp["hits"][0]["text"].as_str().expect("text").contains('\u{FB03}'));
    // three columns read in order: a phrase runs across a line break of its column
    let resp = search(dir.path(), &["\"involved in an accident after takeoff\""]);
    assert_eq!(docs(&resp), ["pdfplumber-federal-register-2020-17221.pdf"], "{resp}");
    // every record of every PDF knows its pages
    for pdf in &pdfs {
        let name = pdf.file_name().expect("name").to_string_lossy().into_owned();
        let out = run_in(dir.path(), &["show", "--json", &name]);
        assert!(out.status.success(), "{}", stderr(&out));
        let records: Value = serde_json::from_slice(&out.stdout).expect("json");
        for r in records.as_array().expect("records") {
            let pages = r["pages"].as_array().unwrap_or_else(|| panic!("{name}: {} has no pages", r["id"]));
            let (first, last) = (pages[0].as_u64().expect("first"), pages[1].as_u64().expect("last"));
            assert!(1 <= first && first <= last, "{name}: {} pages {pages:?}", r["id"]);
        }
    }
    // the text output names them
    let out = run_in(dir.path(), &["search", "officers", "--limit", "1"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(" · p. "), "{}", String::from_utf8_lossy(&out.stdout));
}

/// A PDF with one empty page and no text: what a scan without a text layer gives.
const NO_TEXT: &str = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
    2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
    3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n\
    trailer << /Root 1 0 R >>\n%%EOF\n";

#[test]
fn bad_pdfs_get_a_reason_and_the_rest_is_indexed() {
    if !have_pdftotext() {
        return;
    }
    let real = Path::new(REAL).join("pdfplumber-issue-848.pdf");
    let dir = corpus_of(&[Path::new(OURS).join("encrypted.pdf")]);
    let corpus = dir.path().join("corpus");
    std::fs::write(corpus.join("good.txt"), "Informe\n\nLa CSM revisó las remesas.\n").expect("write");
    std::fs::write(corpus.join("scan.pdf"), NO_TEXT).expect("write");
    std::fs::write(corpus.join("notes.pdf"), "these are notes, not a PDF").expect("write");
    if let Ok(bytes) = std::fs::read(&real) {
        std::fs::write(corpus.join("truncated.pdf"), &bytes[..bytes.len() / 3]).expect("write");
        // a name that would be an option if it reached pdftotext as typed
        std::fs::write(corpus.join("-x.pdf"), &bytes).expect("write");
    }
    let out = run_in(dir.path(), &["index", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let reason = |name: &str| crate::util::failure_reason(&report, name);
    assert!(reason("encrypted.pdf").contains("encrypted with a password"), "{report}");
    assert!(reason("scan.pdf").contains("no text layer") && reason("scan.pdf").contains("OCR"), "{report}");
    assert!(reason("notes.pdf").contains("not a PDF file"), "{report}");
    if real.is_file() {
        // a truncated PDF reads partly or not at all: either way it is no crash
        let truncated = reason("truncated.pdf");
        assert!(truncated.is_empty() || truncated.contains("damaged") || truncated.contains("no text"), "{report}");
        assert!(reason("-x.pdf").is_empty(), "a file named like an option is read: {report}");
        assert!(!docs(&search(dir.path(), &["officers"])).is_empty());
    }
    assert_eq!(docs(&search(dir.path(), &["remesas"])), ["good.txt"], "the rest is indexed");
    assert!(stderr(&out).contains("encrypted.pdf: cannot be opened"), "{}", stderr(&out));
}

/// Runs `consulta index --json` in `root` with `PATH` holding only `bin` (and the tools a
/// fake `pdftotext` script needs).
fn index_with_path(root: &Path, bin: &Path, env: &[(&str, &str)]) -> Value {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_consulta"));
    cmd.args(["index", "--json"]).current_dir(root).env("PATH", format!("{}:/bin:/usr/bin", bin.display()));
    if !bin.join("pdftotext").exists() {
        cmd.env("PATH", bin);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn fake_pdftotext(bin: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(bin).expect("bin");
    let path = bin.join("pdftotext");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).expect("script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[test]
fn a_missing_stuck_or_runaway_pdftotext_is_named_and_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("corpus");
    std::fs::write(corpus.join("report.pdf"), NO_TEXT).expect("write");
    std::fs::write(corpus.join("good.txt"), "Informe\n\nLa CSM revisó las remesas.\n").expect("write");
    let reason = |report: &Value| report["failed"][0]["reason"].as_str().unwrap_or_default().to_string();
    let empty = dir.path().join("empty-bin");
    std::fs::create_dir(&empty).expect("bin");
    let report = index_with_path(dir.path(), &empty, &[]);
    assert!(reason(&report).contains("install Poppler (`apt-get install poppler-utils`)"), "{report}");
    assert_eq!(report["added"].as_u64(), Some(1), "the text file is indexed: {report}");
    let stuck = dir.path().join("stuck-bin");
    fake_pdftotext(&stuck, "sleep 30");
    std::fs::write(corpus.join("report.pdf"), format!("{NO_TEXT}\n% touched")).expect("touch");
    let started = std::time::Instant::now();
    let report = index_with_path(dir.path(), &stuck, &[("CONSULTA_PDF_TIMEOUT", "1")]);
    assert!(reason(&report).contains("took longer than 1 s"), "{report}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "stopped after its time limit");
    let runaway = dir.path().join("runaway-bin");
    fake_pdftotext(&runaway, "exec yes 'la misma línea una y otra vez'");
    std::fs::write(corpus.join("report.pdf"), format!("{NO_TEXT}\n% touched again")).expect("touch");
    let report = index_with_path(dir.path(), &runaway, &[]);
    assert!(reason(&report).contains("bytes of text for this file"), "{report}");
}

/// The PDFs of two corpus reports (`tests/fixtures/office/`, made by its `make.py` with
/// LibreOffice, a "Página N" / "Page N" footer on every page) index to the records of their
/// `.txt`: the same kinds, headings, sessions and countries in order, the same roadmaps; no
/// footer inside any text; pages on every record. (The English V plenary report's PDF is not
/// among them: see the README's known limits.)
#[test]
fn the_pdfs_of_corpus_reports_index_to_the_outline_of_their_txt() {
    if !have_pdftotext() {
        return;
    }
    for stem in ["006_plenaria_crm_csm_2024_es", "000_4092b891d15061c0"] {
        pdf_matches_txt(stem);
    }
}

fn pdf_matches_txt(stem: &str) {
    let txt = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus").join(format!("{stem}.txt"));
    let pdf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/office").join(format!("{stem}.pdf"));
    let dir = corpus_of(&[txt, pdf]);
    let out = run_in(dir.path(), &["index"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records = |doc: &str| -> Vec<Value> {
        let out = run_in(dir.path(), &["show", "--json", doc]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_slice::<Value>(&out.stdout).expect("json").as_array().expect("records").clone()
    };
    let (from_txt, from_pdf) = (records(&format!("{stem}.txt")), records(&format!("{stem}.pdf")));
    let outline = |rs: &[Value]| -> Vec<(Value, Value, Value, Value, Value)> {
        rs.iter()
            .map(|r| {
                (
                    r["kind"].clone(),
                    r["heading"].clone(),
                    r["session"].clone(),
                    r["countries"].clone(),
                    r["roadmap"].clone(),
                )
            })
            .collect()
    };
    let (a, b) = (outline(&from_txt), outline(&from_pdf));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "record {i} differs (left .txt, right .pdf)\nhelp: a paragraph joined or split differently by the PDF reader?");
    }
    assert_eq!(a.len(), b.len(), "{stem}: record counts");
    for key in ["year", "mechanisms", "doctype", "lang"] {
        assert_eq!(from_txt[0][key], from_pdf[0][key], "{stem}: the document's {key}");
    }
    for r in &from_pdf {
        let text = r["text"].as_str().expect("text");
        assert!(!text.contains("Página ") && !text.contains("Page "), "{}: the footer is in the text: {text}", r["id"]);
        let pages = r["pages"].as_array().unwrap_or_else(|| panic!("{} has no pages", r["id"]));
        assert!(pages[0].as_u64() <= pages[1].as_u64(), "{}", r["id"]);
    }
    // later records are on later pages
    let first = from_pdf.first().and_then(|r| r["pages"][0].as_u64()).expect("a first page");
    let last = from_pdf.last().and_then(|r| r["pages"][1].as_u64()).expect("a last page");
    assert!(first == 1 && last > first, "{stem}: pages {first}..{last}");
}
