//! What the corpus-scale benches share: the synthetic corpus generator and its file list.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The deterministic corpus generator kept beside the repository (not shipped with it).
pub const GEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/gen_corpus.py");

/// Generates `docs` documents (seed 1) into `out`; returns the seconds it took.
pub fn generate(out: &Path, docs: usize) -> f64 {
    let started = Instant::now();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let status = Command::new("python3")
        .arg(GEN)
        .args(["--docs", &docs.to_string(), "--seed", "1", "--jobs", &jobs.to_string(), "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .status()
        .expect("python3 runs");
    assert!(status.success(), "gen_corpus.py failed: {status}");
    started.elapsed().as_secs_f64()
}

/// The files consulta reads in `dir` (`.txt`, `.md`), sorted.
pub fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| consulta::ingest::formats::extensions().any(|x| e == x)))
        .collect();
    files.sort();
    files
}
