//! Shared helpers: the shipped corpus indexed once per test run, and running the binary.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use consulta::engine::{Config, Engine, ReindexOptions};

/// The repository's `corpus/` folder.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// An index of the shipped corpus, built once (through the library) and shared by every test.
pub fn shared_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("index");
        let config = Config::new(corpus_dir(), &path);
        let report =
            Engine::index(&config, ReindexOptions::default(), &mut |_| {}).expect("the shipped corpus indexes");
        assert!(report.failed.is_empty(), "shipped corpus files failed: {:?}", report.failed);
        (dir, path)
    });
    path
}

/// An engine over the shared index, opened once.
pub fn shared_engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::open(Config::new(corpus_dir(), shared_index())).expect("the shared index opens"))
}

/// Runs the `consulta` binary with `args` in `cwd`.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_consulta"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the consulta binary runs")
}

/// Runs `consulta SUBCOMMAND ARGS…` against the shared index and the repository's corpus (the
/// paths go right after the subcommand, so a trailing `-- QUERY` stays last).
pub fn run_shared(args: &[&str]) -> Output {
    let index = shared_index().to_str().expect("utf-8 temp path").to_string();
    let corpus = corpus_dir().to_str().expect("utf-8 corpus path").to_string();
    let mut all = vec![args[0], "--index", &index, "--corpus", &corpus];
    all.extend_from_slice(&args[1..]);
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &all)
}

/// Runs `consulta search ARGS --json` against the shared index and parses the response.
pub fn search_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["search", "--json"];
    all.extend_from_slice(args);
    let out = run_shared(&all);
    assert!(out.status.success(), "search {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("search --json prints one JSON object")
}

/// The reason an `index --json` report gives for failing `name` (empty when it did not fail).
pub fn failure_reason(report: &serde_json::Value, name: &str) -> String {
    let failed = report["failed"].as_array().expect("failed is an array");
    let found = failed.iter().find(|f| f["path"] == name);
    found.map_or_else(String::new, |f| f["reason"].as_str().expect("a reason").to_string())
}

/// The hits of a response.
pub fn hits(resp: &serde_json::Value) -> &Vec<serde_json::Value> {
    resp["hits"].as_array().expect("hits is an array")
}
