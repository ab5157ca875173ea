//! The binary's contract: exit codes, stderr wording, building on first use, bad input.

use std::path::Path;

use crate::util::{run_in, run_shared};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_files_are_named_and_skipped_and_latin1_is_decoded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    std::fs::write(corpus.join("binary.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    std::fs::write(corpus.join("empty.txt"), b"").expect("write");
    std::fs::write(
        corpus.join("latin1.txt"),
        b"Informe sobre la migraci\xf3n y la ni\xf1ez migrante en la regi\xf3n.\n",
    )
    .expect("write");
    std::fs::write(corpus.join("good.md"), "The RCM met in Bogotá to discuss remittances.\n").expect("write");
    std::fs::write(corpus.join("photo.jpg"), b"\xff\xd8\xff").expect("write");

    let out = run_in(dir.path(), &["index"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("binary.txt: binary file (contains NUL bytes)"), "{err}");
    assert!(err.contains("empty.txt: empty file"), "{err}");
    assert!(!err.contains("latin1.txt"), "{err}");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("indexed 2 documents") && summary.contains("failed 2") && summary.contains("skipped 1"),
        "{summary}"
    );

    let found = run_in(dir.path(), &["search", "niñez", "--json"]);
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    let resp: serde_json::Value = serde_json::from_slice(&found.stdout).expect("json");
    assert_eq!(resp["hits"][0]["doc"], "latin1.txt");
    assert!(resp["hits"][0]["text"].as_str().expect("text").contains("migración"));
}

#[test]
fn search_builds_a_missing_index_then_reuses_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    std::fs::write(corpus.join("a.txt"), "La Conferencia Suramericana sobre Migraciones trató las remesas.\n")
        .expect("write");
    let out = run_in(dir.path(), &["search", "remesas", "--mechanism", "SACM", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.path().join("index/meta.json").is_file());
    let resp: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(resp["total"], 1);
    // a new file makes the index stale: the next search sees it
    std::fs::write(corpus.join("b.txt"), "Remittances and the CSM.\n").expect("write");
    let out = run_in(dir.path(), &["search", "remesas", "--json"]);
    let resp: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(resp["total"], 2, "{}", stderr(&out));
}

#[test]
fn exit_codes_follow_the_contract() {
    let zero = run_shared(&["search", "zzzzqqqq"]);
    assert_eq!(zero.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&zero.stdout).starts_with("0 results"));
    let bad_kind = run_shared(&["search", "x", "--kind", "chapter"]);
    assert_eq!(bad_kind.status.code(), Some(2));
    assert!(stderr(&bad_kind).contains("unknown --kind \"chapter\"; use one of intro,"), "{}", stderr(&bad_kind));
    let bad_flag = run_shared(&["search", "--no-such-flag"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let no_corpus =
        run_in(Path::new("/"), &["index", "--corpus", "/nonexistent-corpus", "--index", "/tmp/consulta-never"]);
    assert_eq!(no_corpus.status.code(), Some(2));
    assert!(stderr(&no_corpus).contains("corpus folder /nonexistent-corpus not found"), "{}", stderr(&no_corpus));
}

#[test]
fn show_prints_a_record_and_an_outline() {
    let out = run_shared(&["show", "006_plenaria_crm_csm_2024_es#roadmap-3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("Hoja de ruta 3 [roadmap]"), "{text}");
    let outline = run_shared(&["show", "000_4092b891d15061c0.txt"]);
    let text = String::from_utf8_lossy(&outline.stdout);
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(text.contains("partnerships     Partnership models by the ISCM"), "{text}");
}

#[test]
fn analyze_prints_tokens_per_analyzer() {
    let out = run_in(Path::new("."), &["analyze", "--lang", "es", "Información de la CSM"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "es:     inform@0 csm@3\nentities: SACM (mechanism)\n");
}

#[test]
fn show_prints_a_roadmap_as_a_card() {
    let out = run_shared(&["show", "003_896af30beb401831#roadmap-3"]);
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "Theme: Social and labor integration of migrants",
        "Specific objectives:",
        "Outcome objective 2: RCM Member Countries receive information",
        "  1. Number of participants from the RCM and SACM in the Workshop.",
    ] {
        assert!(text.lines().any(|l| l.starts_with(line)), "missing {line:?} in\n{text}");
    }
    let json = run_shared(&["show", "003_896af30beb401831#roadmap-3", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v[0]["roadmap"]["outcomes"][1]["indicators"].as_array().map(Vec::len), Some(3));
}

#[test]
fn lookup_profiles_a_mechanism_by_any_name_and_a_session() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.push("--json");
        let out = run_shared(&all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    let csm = json(&["lookup", "CSM"]);
    assert_eq!(csm, json(&["lookup", "Conferencia Suramericana sobre Migraciones"]));
    assert_eq!(csm["id"], "SACM");
    for doc in ["000_4092b891d15061c0.txt", "005_csm_resumen_encuesta_es.txt", "003_896af30beb401831.txt"] {
        assert!(csm["documents_about"].get(doc).is_some(), "{doc} is about the SACM");
    }
    assert_eq!(csm["mentioned_with"][0][0], "RCM", "the RCM is named with the SACM most often");
    let s5 = json(&["lookup", "--session", "5"]);
    let english = s5
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["doc"] == "003_896af30beb401831.txt")
        .expect("003 session 5");
    assert_eq!(english["led_by"][0], "Belize");
    assert_eq!(english["practices"].as_array().map(Vec::len), Some(7));
    let unknown = run_shared(&["lookup", "Atlantis"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("\"Atlantis\" is not in the glossary; known mechanisms: RCM, SACM"));
}

#[test]
fn acronyms_lists_glossary_and_mined_entries() {
    let out = run_shared(&["acronyms", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let find = |acr: &str| rows.iter().find(|r| r["acronym"] == acr).unwrap_or_else(|| panic!("{acr} listed"));
    assert_eq!(find("CSM")["id"], "SACM");
    assert_eq!(find("CAN")["source"], "glossary");
    let ca4 = find("CA-4");
    assert_eq!(ca4["source"], "mined");
    assert!(ca4["seen_in"].as_array().expect("files").iter().any(|f| f == "003_896af30beb401831.txt"));
    assert!(rows.iter().all(|r| r["acronym"].as_str().is_some_and(|a| !a.contains(' '))));
}

#[test]
fn the_commit_names_its_manifest_file_which_lists_each_files_records() {
    let index = crate::util::shared_index();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(index.join("meta.json")).expect("meta.json")).expect("meta.json is JSON");
    let pointer: serde_json::Value =
        serde_json::from_str(meta["payload"].as_str().expect("a payload")).expect("the payload is JSON");
    let name = pointer["manifest"].as_str().expect("the payload names the manifest file");
    assert!(name.starts_with("consulta-manifest-") && name.ends_with(".bin"), "{name}");
    // the only manifest file: earlier commits' are removed
    let manifests: Vec<String> = std::fs::read_dir(index)
        .expect("index folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("consulta-manifest-"))
        .collect();
    assert_eq!(manifests, [name]);
    let (_, stored) = consulta::index::open(index).expect("the index opens");
    let plenary = stored.entry("003_896af30beb401831.txt").expect("readable").expect("the plenary is listed");
    assert_eq!(plenary.hash.len(), 32);
    let sections = plenary.sections;
    assert_eq!(sections.len(), plenary.records);
    // what a search reads without the entries agrees with them
    let whole = stored.decode().expect("the manifest decodes");
    assert_eq!(stored.summary.documents, whole.files.len());
    assert_eq!(stored.summary.has_twins, whole.files.values().any(|f| f.twin.is_some()));
    let mined = whole.mined_names();
    assert!(!mined.is_empty(), "the shipped corpus defines acronyms the glossary does not know");
    for (acronym, names) in &mined {
        assert_eq!(stored.mined_names(acronym).expect("readable").as_ref(), Some(names), "{acronym}");
    }
    assert_eq!(stored.mined_names("NOT-AN-ACRONYM").expect("readable"), None);
    assert!(sections.iter().any(|s| s == "session-5") && sections.iter().any(|s| s == "roadmap-3"));
}
