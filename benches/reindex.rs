//! Incremental reindex of issues 6 and 21: a full build over the synthetic corpus
//! (`../shared/bench/gen_corpus.py`, `CONSULTA_BENCH_DOCS` documents, default 5000; or a copy of
//! the folder `CONSULTA_BENCH_CORPUS` names), then one file changed (a paragraph appended) and
//! the incremental run timed, then a run with nothing changed, then cold `consulta search`
//! processes on the index (the release binary). Targets: the one-file reindex under 1 % of the
//! full build at 25,000 files (issue 21; 5 % in issue 6). The reports' counts are asserted.
//!
//! Run: `CONSULTA_BENCH_DOCS=5000 cargo bench --bench reindex`, or at 25,000 files
//! `CONSULTA_BENCH_CORPUS=/work/bench/c25k cargo bench --bench reindex`

use std::io::Write;
mod common;

use std::path::Path;

use common::{bench_corpus, cold_searches, corpus_files, dir_bytes, spread, vm_hwm_kb, GEN};
use std::time::Instant;

use consulta::reindex::{self, IndexOptions, IndexReport};
use consulta::{Config, Engine};

/// Incremental runs, each after appending one more paragraph to the same file.
const EDITS: usize = 3;
/// No-change runs.
const IDLE_RUNS: usize = 3;
/// Cold-search processes.
const COLD_RUNS: usize = 10;

fn main() {
    if !Path::new(GEN).is_file() {
        println!("reindex: corpus generator {GEN} not found; skipping");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let (source, made) = bench_corpus(tmp.path());
    // the bench edits a file: a corpus it was given is copied first
    let corpus = tmp.path().join("corpus");
    if source != corpus {
        std::fs::create_dir(&corpus).expect("corpus copy");
        for f in corpus_files(&source) {
            std::fs::copy(&f, corpus.join(f.file_name().expect("a file name"))).expect("copied");
        }
    }
    let files = corpus_files(&corpus);
    let docs = files.len();
    let bytes: u64 = files.iter().map(|f| f.metadata().expect("metadata").len()).sum();

    let mut opts = IndexOptions {
        corpus: corpus.clone(),
        index: tmp.path().join("index"),
        full: true,
        max_bytes: consulta::ingest::DEFAULT_MAX_BYTES,
        follow_links: false,
    };
    let (full, full_secs) = timed(&opts);
    // the build is the first thing this process does that needs much memory
    let build_rss_kb = vm_hwm_kb();
    assert_eq!((full.added, full.documents), (docs, docs), "the full build adds every file");
    assert!(full.failed.is_empty(), "no file fails: {:?}", full.failed);
    let index_bytes = dir_bytes(&opts.index);

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
    drop(searchable);
    let cold = cold_searches(&opts.corpus, &opts.index, COLD_RUNS);

    let edit = median(&mut edit_secs);
    let idle = median(&mut idle_secs);
    println!();
    println!("corpus: {docs} files, {:.1} MB ({made}); changed file: {}", bytes as f64 / 1e6, target.display());
    println!(
        "full build: peak RSS {:.0} MB (VmHWM); index {:.1} MB, {:.2} bytes per corpus byte (after the full build)",
        build_rss_kb as f64 / 1024.0,
        index_bytes as f64 / 1e6,
        index_bytes as f64 / bytes as f64
    );
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
    let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("issue 6 target: one-file reindex < 5% of the full build → {}", verdict(edit < 0.05 * full_secs));
    println!("issue 21 target (at 25,000 files): one-file reindex ≤ 1% → {}", verdict(edit <= 0.01 * full_secs));
    if let Some(walls) = cold {
        let (median, min, max) = spread(&walls);
        println!(
            "cold `consulta search \"trafficking in persons\"` on this index, {COLD_RUNS} runs: median {median:.1} ms \
             (min {min:.1}, max {max:.1}); issue 21 target (at 25,000 files) ≤ 30 ms → {}",
            verdict(median <= 30.0)
        );
    }
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
