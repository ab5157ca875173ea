//! Incremental reindex of issue 6: a full build over the synthetic corpus
//! (`../shared/bench/gen_corpus.py`, `CONSULTA_BENCH_DOCS` documents, default 5000), then one file
//! changed (a paragraph appended) and the incremental run timed, then a run with nothing changed.
//! Target: the one-file reindex under 5% of the full build. The reports' counts are asserted.
//!
//! Run: `CONSULTA_BENCH_DOCS=5000 cargo bench --bench reindex`

use std::io::Write;
mod common;

use std::path::Path;

use common::{corpus_files, generate, GEN};
use std::time::Instant;

use consulta::reindex::{self, IndexOptions, IndexReport};
use consulta::{Config, Engine};

/// Incremental runs, each after appending one more paragraph to the same file.
const EDITS: usize = 3;
/// No-change runs.
const IDLE_RUNS: usize = 3;

fn main() {
    if !Path::new(GEN).is_file() {
        println!("reindex: corpus generator {GEN} not found; skipping");
        return;
    }
    let docs: usize = std::env::var("CONSULTA_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(5000);
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    generate(&corpus, docs);
    let files = corpus_files(&corpus);
    assert_eq!(files.len(), docs, "one file per document");
    let bytes: u64 = files.iter().map(|f| f.metadata().expect("metadata").len()).sum();

    let mut opts = IndexOptions {
        corpus: corpus.clone(),
        index: tmp.path().join("index"),
        full: true,
        max_bytes: consulta::ingest::DEFAULT_MAX_BYTES,
        follow_links: false,
    };
    let (full, full_secs) = timed(&opts);
    assert_eq!((full.added, full.documents), (docs, docs), "the full build adds every file");
    assert!(full.failed.is_empty(), "no file fails: {:?}", full.failed);

    opts.full = false;
    let target = &files[files.len() / 2];
    let mut edit_secs = Vec::new();
    for round in 0..EDITS {
        append_paragraph(target, round);
        let (r, secs) = timed(&opts);
        assert_eq!(
            (r.added, r.updated, r.removed, r.unchanged, r.failed.len()),
            (0, 1, 0, docs - 1, 0),
            "one file changed: updated 1, unchanged N-1"
        );
        assert_eq!(r.documents, docs);
        edit_secs.push(secs);
    }
    let mut idle_secs = Vec::new();
    for _ in 0..IDLE_RUNS {
        let (r, secs) = timed(&opts);
        assert_eq!((r.added, r.updated, r.removed, r.unchanged), (0, 0, 0, docs), "nothing changed");
        idle_secs.push(secs);
    }
    // the appended words are searchable
    let searchable = Engine::open(Config::new(&opts.corpus, &opts.index)).expect("opens");
    let req = consulta::query::SearchRequest {
        query: "zyxwvutsreindexmarker".into(),
        limit: 10,
        expand: false,
        ..Default::default()
    };
    assert!(searchable.search(&req).expect("search").total >= 1, "the appended paragraph is indexed");

    let edit = median(&mut edit_secs);
    let idle = median(&mut idle_secs);
    println!();
    println!("corpus: {docs} files, {:.1} MB; changed file: {}", bytes as f64 / 1e6, target.display());
    println!("| run | seconds | share of full build |\n|---|---|---|");
    println!("| full build ({} records) | {full_secs:.3} | 100% |", full.records);
    println!(
        "| one file changed (median of {EDITS}: {}) | {edit:.3} | {:.2}% |",
        edit_secs.iter().map(|s| format!("{s:.3}")).collect::<Vec<_>>().join(", "),
        100.0 * edit / full_secs
    );
    println!(
        "| nothing changed (median of {IDLE_RUNS}: {}) | {idle:.3} | {:.2}% |",
        idle_secs.iter().map(|s| format!("{s:.3}")).collect::<Vec<_>>().join(", "),
        100.0 * idle / full_secs
    );
    println!(
        "issue 6 target: one-file reindex < 5% of the full build → {}",
        if edit < 0.05 * full_secs { "met" } else { "NOT met" }
    );
}

fn timed(opts: &IndexOptions) -> (IndexReport, f64) {
    let t = Instant::now();
    let report = reindex::run(opts, &mut |_| {}).expect("index run");
    (report, t.elapsed().as_secs_f64())
}

fn append_paragraph(path: &Path, round: usize) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).expect("open for append");
    write!(
        f,
        "\n\nAddendum {round}: the participating countries agreed to review the zyxwvutsreindexmarker \
         protocol on labour mobility and consular assistance at the next plenary meeting.\n"
    )
    .expect("append");
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
