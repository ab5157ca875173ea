//! Whole-file ingest by format, on both cores as the indexer runs it: PDF pages per second
//! (Poppler's `pdftotext` as a child process, then page cleaning and paragraphs) and DOCX
//! megabytes per second (zip + XML, then cleaning), over the real fixtures in
//! `../shared/fixtures/real/` and the office versions of two corpus reports
//! (`tests/fixtures/office/`).
//!
//! `cargo bench --bench ingest` (set `CONSULTA_BENCH_ROUNDS`, default 20).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use consulta::ingest::formats::{self, Source};

fn files(ext: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/real"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/office"),
    ];
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        for path in entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == ext)) {
            let bytes = std::fs::read(&path).expect("fixture");
            out.push((path, bytes));
        }
    }
    out.sort();
    out
}

/// Reads every file `rounds` times on two threads; (seconds, pages, bytes).
fn run(files: &[(PathBuf, Vec<u8>)], rounds: usize) -> (f64, usize, usize) {
    let jobs: Vec<&(PathBuf, Vec<u8>)> = (0..rounds).flat_map(|_| files.iter()).collect();
    let cursor = AtomicUsize::new(0);
    let (pages, bytes) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let started = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..std::thread::available_parallelism().map_or(1, |n| n.get()) {
            s.spawn(|| {
                while let Some((path, data)) = jobs.get(cursor.fetch_add(1, Ordering::Relaxed)) {
                    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("x");
                    let doc =
                        formats::read(&Source { path: Path::new(path), name, bytes: data }).expect("the fixture reads");
                    assert!(!doc.content.paragraphs.is_empty(), "{name} gives text");
                    pages.fetch_add(doc.pages.len(), Ordering::Relaxed);
                    bytes.fetch_add(data.len(), Ordering::Relaxed);
                }
            });
        }
    });
    (started.elapsed().as_secs_f64(), pages.into_inner(), bytes.into_inner())
}

fn main() {
    let rounds: usize = std::env::var("CONSULTA_BENCH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let pdfs = files("pdf");
    if std::process::Command::new("pdftotext").arg("-v").output().is_ok() && !pdfs.is_empty() {
        let (secs, pages, bytes) = run(&pdfs, rounds);
        println!(
            "PDF:  {} files × {rounds} rounds, {pages} pages, {:.1} MB in {secs:.2} s: {:.0} pages/s, {:.1} MB/s",
            pdfs.len(),
            bytes as f64 / 1e6,
            pages as f64 / secs,
            bytes as f64 / 1e6 / secs
        );
    } else {
        println!("PDF:  skipped (pdftotext or the fixtures are missing)");
    }
    let docx = files("docx");
    let (secs, _, bytes) = run(&docx, rounds * 10);
    println!(
        "DOCX: {} files × {} rounds, {:.1} MB in {secs:.2} s: {:.1} MB/s",
        docx.len(),
        rounds * 10,
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
}
