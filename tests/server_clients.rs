//! Real clients as judges of `consulta serve` (issue 20): the official Meilisearch Python
//! client (tests/clients/meili_python.py), and consulta's own page in headless Chromium
//! (tests/browser/page.mjs). These need python3 with PyPI's `meilisearch`, node with
//! tests/browser's packages (`npm ci` there) and Debian's chromium: missing tools skip the
//! test locally and fail it under `CI=true`, where `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::server::Server;
use crate::util::search_json;

/// Whether the tools are there; when not, a skip notice locally and a failure on CI.
fn tools(what: &str, present: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = present.iter().filter(|(_, ok)| !ok).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} needs {} (bash .ci/run installs them)", missing.join(", "));
    }
    eprintln!("skipped {what}: {} missing (bash .ci/run installs them)", missing.join(", "));
    false
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn has_command(name: &str, arg: &str) -> bool {
    Command::new(name).arg(arg).output().is_ok_and(|o| o.status.success())
}

/// The test's output folder (screenshots).
fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("output folder");
    dir
}

fn run_node(script: &str, args: &[&str]) {
    let out = Command::new("node").arg(script).args(args).current_dir(browser_dir()).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node {script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{stdout}");
}

fn browser_tools(what: &str) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    tools(
        what,
        &[
            ("node", has_command("node", "--version")),
            ("chromium", Path::new(&chromium).exists()),
            ("tests/browser/node_modules (npm ci)", browser_dir().join("node_modules/playwright-core").exists()),
        ],
    )
}

#[test]
fn the_page_searches_filters_opens_a_record_and_goes_back_in_chromium() {
    if !browser_tools("the page test") {
        return;
    }
    let server = Server::shared();
    let out = out_dir("serve-page");
    run_node("page.mjs", &[&format!("http://{}", server.addr), out.to_str().unwrap()]);
    for shot in ["1-typed-remesas.png", "2-mechanism-SACM.png", "3-record.png", "4-back.png"] {
        assert!(
            out.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "screenshot {shot} saved in {}",
            out.display()
        );
    }
}

fn ids(hits: &Value) -> Vec<String> {
    hits.as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("an id").to_string()).collect()
}

#[test]
fn the_official_meilisearch_python_client_gets_the_cli_answers() {
    // the Meilisearch surface does not group twins (`distinctAttribute` is null): the CLI's
    // answers are taken with --no-group
    let client = Command::new("python3").args(["-c", "import meilisearch"]).output();
    if !tools(
        "the Python client test",
        &[("python3 with PyPI's meilisearch", client.is_ok_and(|o| o.status.success()))],
    ) {
        return;
    }
    let server = Server::shared();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/meili_python.py");
    let out =
        Command::new("python3").arg(&script).arg(format!("http://{}", server.addr)).output().expect("python3 runs");
    assert!(out.status.success(), "{} failed:\n{}", script.display(), String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).expect("the script prints JSON");

    // a filter string with facets, highlight, crop and match positions
    let cli = search_json(&["--no-group", "remesas", "--mechanism", "CSM", "--lang", "es", "--limit", "5"]);
    let r = &got["filter_string"];
    assert_eq!(r["ids"], serde_json::json!(ids(&cli["hits"])), "the CLI's hits");
    assert_eq!(r["estimatedTotalHits"], cli["total"]);
    for dim in ["mechanism", "kind"] {
        assert_eq!(r["facetDistribution"][dim], cli["facets"][dim], "{dim} counts");
    }
    assert!(r["formatted_headings"][0].as_str().unwrap().contains("<em>remesas</em>"), "{r}");
    for text in r["cropped_texts"].as_array().unwrap() {
        let text = text.as_str().unwrap().replace("<em>", "").replace("</em>", "");
        let words = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count();
        assert!(words <= 12, "cropped to 12 words: {text}");
    }
    assert!(r["matched_fields"].as_array().unwrap().iter().all(|f| f.to_string().contains("text")), "{r}");

    // an array filter: OR inside, AND across
    let cli = search_json(&[
        "--no-group",
        "migration",
        "--kind",
        "session",
        "--kind",
        "practice",
        "--lang",
        "en",
        "--limit",
        "10",
    ]);
    assert_eq!(got["filter_array"]["ids"], serde_json::json!(ids(&cli["hits"])));
    assert_eq!(got["filter_array"]["estimatedTotalHits"], cli["total"]);
    let cli = search_json(&["--no-group", "migration", "--offset", "4", "--limit", "4"]);
    assert_eq!(got["paged"]["ids"], serde_json::json!(ids(&cli["hits"])));
    assert_eq!(got["paged"]["totalHits"], cli["total"].as_u64().unwrap().min(1000));

    let multi = got["multi_search"].as_array().unwrap();
    assert_eq!(multi[0]["ids"], got["filter_string"]["ids"]);
    let cli = search_json(&["--no-group", "trata de personas", "--limit", "3"]);
    assert_eq!(multi[1]["ids"], serde_json::json!(ids(&cli["hits"])));
    assert_eq!(multi[1]["indexUid"], "sections");

    // facet search: the CLI's counts for the query; an alias finds its canonical value
    assert_eq!(got["facet_search"], search_json(&["--no-group", "remesas"])["facets"]["mechanism"]);
    assert_eq!(got["facet_search_alias"], serde_json::json!(["SACM"]));

    assert_eq!(got["get_index"], serde_json::json!({"uid": "sections", "primary_key": "id"}));
    assert_eq!(got["get_indexes"], serde_json::json!(["sections"]));
    let own = server.get("/api/stats").json();
    assert_eq!(got["index_stats"]["number_of_documents"], own["records"]);
    assert_eq!(got["index_stats"]["is_indexing"], false);
    assert_eq!(got["index_stats"]["text"], own["records"]);
    assert_eq!(got["all_stats"], serde_json::json!({"databaseSize": own["index_bytes"], "documents": own["records"]}));
    let facets: Vec<&str> = consulta::Dimension::FACETS.iter().map(|d| d.name()).collect();
    assert_eq!(got["settings_filterable"], serde_json::json!(facets));
    assert_eq!(got["health"], serde_json::json!({"status": "available"}));
    assert_eq!(got["is_healthy"], true);
    assert_eq!(got["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        got["errors"],
        serde_json::json!({
            "missing index": {"status": 404, "code": "index_not_found"},
            "bad filter": {"status": 400, "code": "invalid_search_filter"},
            "bad facet": {"status": 400, "code": "invalid_facet_search_facet_name"},
            "write": {"status": 405, "code": "method_not_allowed"},
        })
    );
}

#[test]
fn instantsearch_with_instant_meilisearch_types_refines_and_reads_the_cli_hits_in_chromium() {
    if !browser_tools("the InstantSearch test") {
        return;
    }
    let server = Server::shared();
    let out = out_dir("serve-instantsearch");
    // the Meilisearch surface does not group twins (its `distinctAttribute` is null)
    let cli = search_json(&["remesas", "--limit", "10", "--no-group"]);
    // a mechanism some of the hits have and some lack, so refining changes the count
    let total = cli["total"].as_u64().unwrap();
    let mut values: Vec<(u64, String)> = cli["facets"]["mechanism"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(v, n)| (n.as_u64().unwrap(), v.clone()))
        .filter(|(n, _)| *n < total)
        .collect();
    values.sort();
    let value = &values.first().expect("a mechanism only some remesas records name").1;
    let script = browser_dir().join("instantsearch.mjs");
    let node = Command::new("node")
        .arg(&script)
        .args([&format!("http://{}", server.addr), out.to_str().unwrap(), "remesas", value])
        .current_dir(browser_dir())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&node.stdout);
    assert!(
        node.status.success(),
        "node instantsearch.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let shown: Value = serde_json::from_str(stdout.lines().last().expect("a JSON line")).expect("JSON");

    // what the page shows after typing is the CLI's first page, count and mechanism counts
    assert_eq!(shown["typed"]["ids"], serde_json::json!(ids(&cli["hits"])), "{stdout}");
    assert_eq!(shown["typed"]["nbHits"], cli["total"]);
    assert_eq!(shown["typed"]["counts"], cli["facets"]["mechanism"]);
    assert!(shown["typed"]["marked"].as_u64().unwrap() > 0, "headings are highlighted");
    // after clicking the refinement: the CLI's hits with that filter; the other values keep
    // their counts (InstantSearch asks for them without the refinement)
    let refined = search_json(&["remesas", "--mechanism", value, "--limit", "10", "--no-group"]);
    assert_eq!(shown["refined"]["ids"], serde_json::json!(ids(&refined["hits"])), "{stdout}");
    assert_eq!(shown["refined"]["nbHits"], refined["total"]);
    assert_eq!(shown["refined"]["counts"], cli["facets"]["mechanism"]);
    for shot in ["1-typed.png", "2-refined.png"] {
        assert!(out.join(shot).metadata().is_ok_and(|m| m.len() > 10_000), "screenshot {shot} in {}", out.display());
    }
}
