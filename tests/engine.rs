//! The library face, `consulta::Engine`: open or build, every question the CLI answers, and a
//! process that stays open seeing each new commit.
//!
//! help: if these fail after a change to `src/engine/` or `src/query/mod.rs` (`Reader`), the
//! CLI tests probably fail the same way; a failure that only shows here is in what the engine
//! hands the CLI (profiles, outlines, events).

use std::time::{Duration, Instant};

use consulta::engine::{BuildReason, Config, Engine, Event, ReindexOptions};
use consulta::{Dimension, Error, SearchRequest, SectionKind};

use crate::util::{corpus_dir, shared_engine};

/// A copy of the shipped corpus in a temporary folder, and an index path beside it.
fn copied_corpus() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("corpus folder");
    for entry in std::fs::read_dir(corpus_dir()).expect("shipped corpus") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, corpus.join(path.file_name().expect("a name"))).expect("copied");
    }
    let index = dir.path().join("index");
    (dir, Config::new(corpus, index))
}

/// The reasons `open_or_build` gave for running the indexer.
fn open_recording(config: &Config) -> (Engine, Vec<BuildReason>) {
    let mut reasons = Vec::new();
    let engine = Engine::open_or_build(config.clone(), &mut |e| {
        if let Event::Building(r) = e {
            reasons.push(r);
        }
    })
    .expect("the engine opens");
    (engine, reasons)
}

fn ids(engine: &Engine, query: &str) -> Vec<String> {
    let resp = engine.search(&SearchRequest::new(query)).expect("search runs");
    resp.hits.into_iter().map(|h| h.record.id).collect()
}

#[test]
fn an_open_engine_sees_a_commit_made_by_another_engine_without_reopening() {
    let (_dir, config) = copied_corpus();
    let (first, reasons) = open_recording(&config);
    assert_eq!(reasons, [BuildReason::Missing], "a missing index is built first");
    assert!(ids(&first, "zyxwvutsengine").is_empty());
    let top = ids(&first, "trata de personas");
    assert!(!top.is_empty(), "the shipped corpus answers");

    // a second engine (another thread or process would do the same) adds a file and commits
    std::fs::write(config.corpus.join("nuevo.txt"), "Informe nuevo\n\nLa palabra zyxwvutsengine aparece aquí.\n")
        .expect("file written");
    let (second, reasons) = open_recording(&config);
    assert_eq!(reasons, [BuildReason::Stale], "a changed corpus is brought up to date");
    assert_eq!(ids(&second, "zyxwvutsengine"), ["nuevo#intro"]);

    // the first engine, never reopened, answers from the new commit (tantivy's watcher sees
    // meta.json change within about half a second)
    let started = Instant::now();
    while ids(&first, "zyxwvutsengine").is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "the open engine never saw the new commit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(ids(&first, "zyxwvutsengine"), ["nuevo#intro"]);

    // and `refresh` sees a commit at once
    std::fs::remove_file(config.corpus.join("nuevo.txt")).expect("removed");
    let report = second.reindex(ReindexOptions::default(), &mut |_| {}).expect("reindexes");
    assert_eq!((report.removed, report.documents), (1, 8));
    assert!(ids(&second, "zyxwvutsengine").is_empty(), "reindex answers from its own commit");
    first.refresh().expect("refresh");
    assert!(ids(&first, "zyxwvutsengine").is_empty());
    assert!(!first.refresh().expect("refresh"), "no new commit: nothing to reload");
}

#[test]
fn an_unchanged_corpus_is_not_reindexed_and_a_changed_folder_is() {
    let (_dir, config) = copied_corpus();
    let (_, reasons) = open_recording(&config);
    assert_eq!(reasons, [BuildReason::Missing]);
    let (_, reasons) = open_recording(&config);
    assert!(reasons.is_empty(), "nothing changed: no index run");
    // a new subfolder with a report changes the corpus folder's time
    std::fs::create_dir(config.corpus.join("anexos")).expect("subfolder");
    std::fs::write(config.corpus.join("anexos/a.txt"), "Anexo\n\nTexto del anexo sobre remesas.\n").expect("file");
    let (engine, reasons) = open_recording(&config);
    assert_eq!(reasons, [BuildReason::Stale]);
    assert_eq!(engine.records("anexos/a.txt").expect("records").len(), 1);
    // a report saved the way editors save it (a new file renamed over the old) too
    let tmp = config.corpus.join("anexos/.a.txt.swp");
    std::fs::write(&tmp, "Anexo\n\nTexto del anexo sobre la trata de personas.\n").expect("file");
    std::fs::rename(&tmp, config.corpus.join("anexos/a.txt")).expect("renamed over");
    let (engine, reasons) = open_recording(&config);
    assert_eq!(reasons, [BuildReason::Stale]);
    let text = &engine.records("anexos/a.txt").expect("records")[0].text;
    assert!(text.contains("trata de personas"), "{text}");
}

#[test]
fn searches_profiles_outlines_and_records_come_from_the_library() {
    let engine = shared_engine();
    let resp = engine
        .search(&SearchRequest::new("remesas").filter(Dimension::Mechanism, "CSM").limit(3).group(false))
        .expect("search runs");
    assert_eq!(resp.hits.len(), 3);
    assert!(resp.total >= 10, "{}", resp.total);
    assert_eq!(resp.hits[0].record.id, "006_plenaria_crm_csm_2024_es#session-7");
    assert!(resp.facets[&Dimension::Mechanism]["SACM"] as usize == resp.total, "the filter holds for every match");

    let outline = engine.outline("006_plenaria_crm_csm_2024_es").expect("outline").expect("an indexed document");
    assert_eq!(outline.doc, "006_plenaria_crm_csm_2024_es.txt");
    assert_eq!(outline.doctype, "plenary-report");
    let sessions = outline.records.iter().filter(|r| r.kind == SectionKind::Session).count();
    let practices = outline.records.iter().filter(|r| r.kind == SectionKind::Practice).count();
    assert_eq!((sessions, outline.year), (9, Some(2024)), "the introductory session and sessions 1–8");
    assert!(practices >= 20, "{practices} practices");
    assert!(engine.outline("nope.txt").expect("outline").is_none());

    let record = engine.record("006_plenaria_crm_csm_2024_es#roadmap-3").expect("record").expect("a roadmap");
    assert_eq!(record.kind, SectionKind::Roadmap);
    assert_eq!(record.roadmap.as_ref().map(|r| r.number), Some(3));
    assert!(engine.record("006_plenaria_crm_csm_2024_es#nope").expect("record").is_none());

    let profile = engine.mechanism_profile("Conferencia Suramericana sobre Migraciones").expect("profile");
    assert_eq!((profile.id.as_str(), profile.kind.as_str()), ("SACM", "mechanism"));
    assert!(profile.documents_about.contains_key("005_csm_resumen_encuesta_es.txt"));
    assert!(profile.mentioned_with.iter().any(|(id, _)| id == "RCM"));
    let err = engine.mechanism_profile("Narnia").expect_err("not in the glossary");
    assert!(err.is_usage() && err.to_string().contains("known mechanisms"), "{err}");

    let sessions = engine.session_profile("5").expect("profile");
    assert_eq!(sessions.len(), 2, "session 5 of the English and of the Spanish report");
    let english = sessions.iter().find(|s| s.doc == "003_896af30beb401831.txt").expect("the English report");
    assert_eq!(english.led_by, ["Belize"]);
    assert!(english
        .practices
        .iter()
        .any(|(title, countries)| title.contains("intelligence") && countries == &["Guyana"]));

    let acronyms = engine.acronyms().expect("acronyms");
    assert!(acronyms.iter().any(|a| a.acronym == "CSM" && a.id.as_deref() == Some("SACM")));
    assert!(acronyms.iter().any(|a| a.source == "mined" && !a.seen_in.is_empty()), "the corpus defines acronyms");

    let analysis = Engine::analyze("Niñez migrante", Some(consulta::Lang::Es));
    let tokens: Vec<&str> = analysis.analyzers[0].tokens.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(tokens, ["ninez", "migrant"]);

    let stats = engine.stats().expect("stats");
    assert_eq!(stats.documents, 8);
    assert!(stats.records > 200 && stats.index_bytes > 0 && stats.last_commit.is_some(), "{stats:?}");
}

#[test]
fn a_search_request_reads_as_json_with_every_default() {
    let req: SearchRequest =
        serde_json::from_str(r#"{"q": "remesas", "filters": {"mechanism": ["CSM"]}}"#).expect("json");
    assert_eq!(req, SearchRequest::new("remesas").filter(Dimension::Mechanism, "CSM"));
    assert_eq!((req.limit, req.expand), (10, true));
    let err = serde_json::from_str::<SearchRequest>(r#"{"query": "x", "limt": 3}"#).expect_err("a typo in a field");
    assert!(err.to_string().contains("unknown field `limt`"), "{err}");
}

#[test]
fn user_errors_and_internal_failures_are_told_apart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let err = Engine::open(Config::new(dir.path(), dir.path().join("index"))).err().expect("no index");
    assert!(err.is_usage() && err.is_user(), "{err}");
    assert!(err.to_string().contains("run `consulta index"), "{err}");
    // a page past what a search can page through is the caller's mistake
    let req = SearchRequest::new("remesas").offset(usize::MAX).limit(10);
    let err = shared_engine().search(&req).expect_err("out of range");
    assert!(err.is_usage() && err.to_string().contains("--offset"), "{err}");
    // a folder that holds other files is not taken for an index
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("file");
    let err = Engine::index(&Config::new(corpus_dir(), dir.path()), ReindexOptions::default(), &mut |_| {})
        .expect_err("a foreign folder");
    assert!(matches!(err, Error::Usage(_)) && err.to_string().contains("not a consulta index"), "{err}");
    assert!(!Error::internal("x").is_user());
}
