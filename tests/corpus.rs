//! Golden outlines: every corpus document's records (kind | heading | session | first words),
//! checked in under tests/golden/. A changed split fails here.
//!
//! help: if a change to ingest/segment is intended, run
//! `CONSULTA_BLESS=1 cargo test --test tests corpus` and review the diff of tests/golden/.

use std::path::Path;

use consulta::{ingest, segment};

use crate::util::corpus_dir;

fn outline(file: &Path) -> String {
    let name = file.file_name().and_then(|n| n.to_str()).expect("utf-8 name");
    let bytes = std::fs::read(file).expect("corpus file reads");
    let doc = segment::segment(&ingest::from_bytes(&bytes, name).expect("corpus file ingests"));
    let m = &doc.meta;
    let mut out = format!(
        "title: {}\ndoctype: {}\nmechanisms: {}\nyear: {:?}\nplace: {:?}\nlang: {}\n\n",
        m.title,
        m.doctype,
        m.mechanisms.join(", "),
        m.year,
        m.place,
        m.lang.code()
    );
    for s in &doc.sections {
        let session = s.session.as_deref().unwrap_or("-");
        let first = segment::first_words(&s.text, 8);
        out.push_str(&format!("{} | {} | {} | {} | {}\n", s.kind.name(), s.heading, session, s.lang.code(), first));
    }
    out
}

#[test]
fn every_corpus_document_matches_its_golden_outline() {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let bless = std::env::var_os("CONSULTA_BLESS").is_some();
    let mut files: Vec<_> =
        std::fs::read_dir(corpus_dir()).expect("corpus/ exists").map(|e| e.expect("entry").path()).collect();
    files.sort();
    assert!(files.len() >= 8, "corpus/ holds the 5 seed reports and 3 Spanish documents");
    let mut failures = Vec::new();
    for file in files {
        let got = outline(&file);
        let golden = golden_dir.join(format!("{}.outline", file.file_stem().and_then(|s| s.to_str()).expect("stem")));
        if bless {
            std::fs::create_dir_all(&golden_dir).expect("golden dir");
            std::fs::write(&golden, &got).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n--- want\n{want}\n--- got\n{got}", golden.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nhelp: the sectioning changed; if intended, rerun with CONSULTA_BLESS=1 and review tests/golden/",
        failures.join("\n")
    );
}

#[test]
fn survey_summaries_have_their_five_parts_in_order() {
    for name in [
        "000_4092b891d15061c0.txt",
        "001_381946063f7eab6b.txt",
        "002_acfb9e7f930e4e5c.txt",
        "005_csm_resumen_encuesta_es.txt",
    ] {
        let bytes = std::fs::read(corpus_dir().join(name)).expect("reads");
        let doc = segment::segment(&ingest::from_bytes(&bytes, name).expect("ingests"));
        let kinds: Vec<&str> = doc.sections.iter().map(|s| s.kind.name()).collect();
        assert_eq!(
            kinds,
            ["intro", "thematic-focus", "contribution", "structures", "partnerships", "added-value"],
            "{name}"
        );
        assert_eq!(doc.meta.doctype, "survey-summary");
        assert_eq!(doc.meta.year, Some(2019));
    }
}

#[test]
fn spanish_plenary_has_every_session_and_roadmap() {
    let name = "006_plenaria_crm_csm_2024_es.txt";
    let bytes = std::fs::read(corpus_dir().join(name)).expect("reads");
    let doc = segment::segment(&ingest::from_bytes(&bytes, name).expect("ingests"));
    let sessions: Vec<&str> =
        doc.sections.iter().filter(|s| s.kind.name() == "session").filter_map(|s| s.session.as_deref()).collect();
    assert_eq!(sessions, ["intro", "1", "2", "3", "4", "5", "6", "7", "8"]);
    let roadmaps = doc.sections.iter().filter(|s| s.kind.name() == "roadmap").count();
    assert_eq!(roadmaps, 3);
    // every "- Título | País" line under a practices heading is a practice record:
    // grep -c '^- .* | ' corpus/006_plenaria_crm_csm_2024_es.txt
    let text = String::from_utf8(bytes).expect("utf-8");
    let lines = text.lines().filter(|l| l.starts_with("- ") && l.contains(" | ")).count();
    let practices: Vec<_> = doc.sections.iter().filter(|s| s.kind.name() == "practice").collect();
    assert_eq!(practices.len(), lines);
    for p in practices {
        let who = p.text.rsplit_once(" | ").map_or("", |(_, w)| w);
        let named = !p.countries.is_empty() || who.contains("CRM") || who.contains("CSM") || who == "Sudamérica";
        assert!(named, "{} names no country or mechanism: {who:?}", p.id);
    }
}

#[test]
fn conversion_debris_is_gone_and_footnotes_are_records() {
    let name = "004_c1d063250565f349.txt";
    let bytes = std::fs::read(corpus_dir().join(name)).expect("reads");
    let doc = segment::segment(&ingest::from_bytes(&bytes, name).expect("ingests"));
    for s in &doc.sections {
        for debris in ["[footnoteRef", "TRANSLATOR", "***", "](#)", "CIDRP03838E04"] {
            assert!(!s.text.contains(debris), "{debris} left in {}", s.id);
        }
    }
    let footnotes = doc.sections.iter().filter(|s| s.kind.name() == "footnote").count();
    assert_eq!(footnotes, 13, "the concept paper has 13 Word footnotes");
}
