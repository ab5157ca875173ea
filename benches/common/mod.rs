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

/// The corpus a bench runs on: the folder `CONSULTA_BENCH_CORPUS` names when set (made by
/// `gen_corpus.py`; read, never written), else `CONSULTA_BENCH_DOCS` documents (default 5000,
/// seed 1) generated into `tmp/corpus`. Returns the folder and how it was made.
#[allow(dead_code)] // each bench binary uses its part of this module
pub fn bench_corpus(tmp: &Path) -> (PathBuf, String) {
    if let Some(dir) = std::env::var_os("CONSULTA_BENCH_CORPUS").map(PathBuf::from) {
        assert!(dir.is_dir(), "CONSULTA_BENCH_CORPUS={} is not a folder", dir.display());
        let what = format!("{} (CONSULTA_BENCH_CORPUS)", dir.display());
        return (dir, what);
    }
    let docs: usize = std::env::var("CONSULTA_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let corpus = tmp.join("corpus");
    let secs = generate(&corpus, docs);
    (corpus, format!("gen_corpus.py --docs {docs} --seed 1, generated in {secs:.1} s"))
}

/// The release binary the cold-start runs start (`cargo build --release` first).
#[allow(dead_code)]
pub const RELEASE_BIN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/target/release/consulta");

/// Wall times in milliseconds of `runs` `consulta search "trafficking in persons"` processes
/// on `index` (up to date with `corpus`), each checked to succeed with hits; `None` when the
/// release binary is missing.
#[allow(dead_code)]
pub fn cold_searches(corpus: &Path, index: &Path, runs: usize) -> Option<Vec<f64>> {
    let bin = Path::new(RELEASE_BIN);
    if !bin.is_file() {
        println!("cold start: {} not found; run `cargo build --release` first. Skipped.", bin.display());
        return None;
    }
    let mut walls = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(["search", "trafficking in persons", "--corpus"])
            .arg(corpus)
            .arg("--index")
            .arg(index)
            .stdin(Stdio::null())
            .output()
            .expect("consulta search runs");
        walls.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(out.status.success(), "search failed: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("results for") && !stdout.starts_with("0 results"), "search has hits:\n{stdout}");
    }
    Some(walls)
}

/// Median, min and max of `samples`.
#[allow(dead_code)]
pub fn spread(samples: &[f64]) -> (f64, f64, f64) {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n.is_multiple_of(2) { (v[n / 2 - 1] + v[n / 2]) / 2.0 } else { v[n / 2] };
    (median, v[0], v[n - 1])
}

/// Bytes of the files under `dir`.
#[allow(dead_code)]
pub fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    let meta = e.metadata().expect("metadata");
                    if meta.is_dir() {
                        dir_bytes(&e.path())
                    } else {
                        meta.len()
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Peak resident memory of this process so far (`VmHWM`), in kB.
#[allow(dead_code)]
pub fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
