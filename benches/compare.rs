//! Side-by-side run of issue 6: consulta beside a raw tantivy baseline over the same synthetic
//! corpus (`../shared/bench/gen_corpus.py`, `CONSULTA_BENCH_DOCS` documents, default 5000 ≈ 100 MB;
//! or the folder `CONSULTA_BENCH_CORPUS` names, such as one made with `--docs 25000`).
//!
//! For each engine: index build wall time and MB/s (the median of 3 builds, the two engines
//! alternating; `CONSULTA_BENCH_BUILDS` rounds), index bytes on disk and per corpus byte, peak
//! RSS (each build runs in a child process: this binary re-executes itself), and warm query
//! latency p50/p95/p99 over `../shared/bench/queries.txt` plus typo and filter cases. Then the
//! cold start of a `consulta search` process (the release binary, median of 10 runs) on this
//! corpus's index (issue 21: ≤ 30 ms at 25,000 files) and on the shipped corpus.
//!
//! The baseline is one document per file, one `TEXT` field with tantivy's `en_stem` analyzer,
//! nothing stored, plain BM25 through `QueryParser` and `TopDocs`; the writer gets the same
//! thread count and memory budget as consulta's (see `src/index/mod.rs`).
//!
//! Counts are asserted along the way (documents per index, hits per query), so the bench fails
//! when behaviour drifts.
//!
//! Run: `CONSULTA_BENCH_DOCS=5000 cargo bench --bench compare`, or at 25,000 files
//! `CONSULTA_BENCH_CORPUS=/work/bench/c25k CONSULTA_BENCH_BUILDS=1 cargo bench --bench compare`

mod common;

/// The allocator of the `consulta` binary (see `src/main.rs`), for both engines alike.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};

use common::{bench_corpus, cold_searches, corpus_files, dir_bytes, spread, vm_hwm_kb, GEN, RELEASE_BIN};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use consulta::index;
use consulta::query::{SearchRequest, DEFAULT_FACET_LIMIT};
use consulta::reindex::{self, IndexOptions};
use consulta::{Config, Dimension, Engine};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::QueryParser;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{doc, Index, IndexWriter, TantivyDocument};

const QUERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/queries.txt");
const SHIPPED_CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

/// Mirrors `WRITER_BUDGET` in `src/index/mod.rs` (private there): keep the two in step.
const WRITER_BUDGET: usize = 200_000_000;
/// Build rounds per engine, alternated (`CONSULTA_BENCH_BUILDS` overrides).
const BUILDS: usize = 3;
/// Timed rounds over the query list, after one warm-up round.
const ROUNDS: usize = 20;
/// Cold-start runs.
const COLD_RUNS: usize = 10;

const CHILD_ENV: &str = "CONSULTA_COMPARE_CHILD";
const CORPUS_ENV: &str = "CONSULTA_COMPARE_CORPUS";
const INDEX_ENV: &str = "CONSULTA_COMPARE_INDEX";

/// Same thread count as consulta's writer (`src/index/mod.rs`).
fn writer_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

fn main() {
    if let Ok(which) = std::env::var(CHILD_ENV) {
        child_build(&which);
        return;
    }
    if !Path::new(GEN).is_file() {
        println!("compare: corpus generator {GEN} not found; skipping the side-by-side run");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let (corpus, made) = bench_corpus(tmp.path());
    let files = corpus_files(&corpus);
    let bytes: u64 = files.iter().map(|f| f.metadata().expect("metadata").len()).sum();
    assert!(!files.is_empty(), "the corpus holds files");

    println!();
    println!("machine: {}, {} CPUs (nproc), {}", cpu_model(), nproc(), mem_total());
    println!("corpus:  {} files, {:.1} MB ({made})", files.len(), bytes as f64 / 1e6);

    let consulta_dir = tmp.path().join("consulta-index");
    let baseline_dir = tmp.path().join("baseline-index");
    // the machine's speed drifts by ±10 % from one minute to the next: the builds alternate,
    // and each engine's median round is compared (its peak RSS is the largest of any round)
    let rounds: usize = std::env::var("CONSULTA_BENCH_BUILDS").ok().and_then(|v| v.parse().ok()).unwrap_or(BUILDS);
    let (mut c_builds, mut b_builds) = (Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        for (which, dir, out) in
            [("consulta", &consulta_dir, &mut c_builds), ("baseline", &baseline_dir, &mut b_builds)]
        {
            if dir.exists() {
                std::fs::remove_dir_all(dir).expect("remove the last round's index");
            }
            out.push(build_in_child(which, &corpus, dir));
        }
    }
    let (c_build, b_build) = (median_build(&c_builds), median_build(&b_builds));
    assert_eq!(c_build.docs, files.len() as u64, "consulta indexed every file");
    assert_eq!(b_build.docs, files.len() as u64, "the baseline indexed every file");

    // consulta: the manifest lists every file; the tantivy index holds every record
    let (c_index, stored) = index::open(&consulta_dir).expect("consulta index opens");
    let manifest = stored.decode().expect("the manifest decodes");
    assert_eq!(manifest.files.len(), files.len(), "consulta's manifest lists every file");
    assert!(manifest.failed.is_empty(), "no file failed: {:?}", manifest.failed.keys().take(5).collect::<Vec<_>>());
    let records: u64 = manifest.files.values().map(|f| f.records as u64).sum();
    let searchable = Engine::open(Config::new(&corpus, &consulta_dir)).expect("consulta index opens");
    let c_num_docs = c_index.reader().expect("reader").searcher().num_docs();
    assert_eq!(c_num_docs, records, "consulta's index holds every record of the manifest");

    let cases = query_cases();
    let c_lat = consulta_latencies(&searchable, &cases);
    let b_idx = Index::open_in_dir(&baseline_dir).expect("baseline index opens");
    let b_reader = b_idx.reader().expect("baseline reader");
    assert_eq!(b_reader.searcher().num_docs(), files.len() as u64, "baseline: one document per file");
    let b_lat = baseline_latencies(&b_idx, &cases);

    let c_size = dir_bytes(&consulta_dir);
    let b_size = dir_bytes(&baseline_dir);
    let mbps = |secs: f64| bytes as f64 / 1e6 / secs;
    let (c_p, b_p) = (percentiles(&c_lat.samples), percentiles(&b_lat.samples));

    println!(
        "consulta: {} records from {} files; {} queries × {ROUNDS} rounds (warm)",
        records,
        files.len(),
        cases.len()
    );
    println!(
        "baseline: {} text queries × {ROUNDS} rounds (filter-only cases skipped), default OR parser, TopDocs(10)",
        b_lat.queries
    );
    println!("writers: {} threads, {} MB budget (both)", writer_threads(), WRITER_BUDGET / 1_000_000);
    let secs = |builds: &[ChildBuild]| builds.iter().map(|b| format!("{:.2}", b.secs)).collect::<Vec<_>>().join(", ");
    println!(
        "builds:  {} alternated rounds, median shown; consulta {} s; baseline {} s",
        c_builds.len(),
        secs(&c_builds),
        secs(&b_builds)
    );
    println!();
    println!(
        "| engine | build s | index MB/s | index MB | peak RSS MB | query p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|---|---|"
    );
    let row = |name: &str, b: &ChildBuild, size: u64, p: [f64; 3]| {
        println!(
            "| {name} | {:.2} | {:.1} | {:.1} | {:.0} ({}) | {:.3} | {:.3} | {:.3} |",
            b.secs,
            mbps(b.secs),
            size as f64 / 1e6,
            b.peak_rss_kb as f64 / 1024.0,
            b.rss_source,
            p[0],
            p[1],
            p[2]
        )
    };
    row("consulta (sections, 2 analyzers, facets, snippets, expansion)", &c_build, c_size, c_p);
    row("tantivy 0.27 en_stem (raw baseline)", &b_build, b_size, b_p);
    println!(
        "| ratio consulta / baseline | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.1} | {:.1} |",
        c_build.secs / b_build.secs,
        mbps(c_build.secs) / mbps(b_build.secs),
        c_size as f64 / b_size as f64,
        c_build.peak_rss_kb as f64 / b_build.peak_rss_kb as f64,
        c_p[0] / b_p[0],
        c_p[1] / b_p[1],
        c_p[2] / b_p[2]
    );
    println!();
    println!(
        "issue 6 targets: build MB/s ≥ 0.5 × baseline → {}",
        verdict(mbps(c_build.secs) >= 0.5 * mbps(b_build.secs))
    );
    println!("                 warm p99 < 5 ms → {}", verdict(c_p[2] < 5.0));
    println!("                 peak RSS < 1 GB → {}", verdict(c_build.peak_rss_kb < 1_000_000));
    println!(
        "issue 21 targets: index bytes / corpus bytes {:.2} (baseline {:.2}) ≤ 0.5 → {}",
        c_size as f64 / bytes as f64,
        b_size as f64 / bytes as f64,
        verdict(c_size * 2 <= bytes)
    );
    println!(
        "                  build peak RSS {:.0} MB ≤ 500 MB → {}",
        c_build.peak_rss_kb as f64 / 1024.0,
        verdict(c_build.peak_rss_kb <= 500 * 1024)
    );
    let cold = cold_searches(&corpus, &consulta_dir, COLD_RUNS).map(|walls| spread(&walls));
    if let Some((median, min, max)) = cold {
        println!(
            "                  cold `consulta search \"trafficking in persons\"` on this corpus's index, {COLD_RUNS} runs: \
             median {median:.1} ms (min {min:.1}, max {max:.1}) ≤ 30 ms → {}",
            verdict(median <= 30.0)
        );
    }
    println!();
    println!("slowest consulta queries (median of {ROUNDS} rounds, total hits):");
    let mut slow = c_lat.per_query.clone();
    slow.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (label, median, total) in slow.iter().take(8) {
        println!("  {median:>8.3} ms  {total:>7}  {label}");
    }

    cold_start();
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

// ---------------------------------------------------------------------------------------------
// builds, each in its own process

#[derive(Clone, Copy)]
struct ChildBuild {
    secs: f64,
    docs: u64,
    peak_rss_kb: u64,
    rss_source: &'static str,
}

/// The round of median build time, with the largest peak RSS of all rounds.
fn median_build(builds: &[ChildBuild]) -> ChildBuild {
    let mut by_time: Vec<&ChildBuild> = builds.iter().collect();
    by_time.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    let median = by_time[by_time.len() / 2];
    let peak = builds.iter().max_by_key(|b| b.peak_rss_kb).expect("at least one round");
    ChildBuild { peak_rss_kb: peak.peak_rss_kb, rss_source: peak.rss_source, ..*median }
}

fn build_in_child(which: &str, corpus: &Path, index_dir: &Path) -> ChildBuild {
    let exe = std::env::current_exe().expect("current exe");
    let time_v = Path::new("/usr/bin/time");
    let mut cmd = if time_v.is_file() {
        let mut c = Command::new(time_v);
        c.arg("-v").arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    cmd.env(CHILD_ENV, which).env(CORPUS_ENV, corpus).env(INDEX_ENV, index_dir);
    let out = cmd.output().expect("child build runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{which} build failed ({}):\n{stdout}\n{stderr}", out.status);
    let line = stdout.lines().find(|l| l.starts_with("RESULT ")).unwrap_or_else(|| panic!("no RESULT line:\n{stdout}"));
    let field = |key: &str| -> &str {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .unwrap_or_else(|| panic!("{key} missing in {line}"))
    };
    let secs: f64 = field("secs").parse().expect("secs");
    let docs: u64 = field("docs").parse().expect("docs");
    let hwm: u64 = field("vmhwm_kb").parse().expect("vmhwm");
    let from_time = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse::<u64>().ok());
    let (peak_rss_kb, rss_source) = match from_time {
        Some(kb) => (kb, "time -v"),
        None => (hwm, "VmHWM"),
    };
    ChildBuild { secs, docs, peak_rss_kb, rss_source }
}

/// In the child process: one build, then `RESULT secs=… docs=… vmhwm_kb=…` on stdout.
fn child_build(which: &str) {
    // the allocator set up as the `consulta` binary sets it, for both engines alike
    consulta::alloc::tune();
    let corpus = PathBuf::from(std::env::var_os(CORPUS_ENV).expect("corpus env"));
    let index_dir = PathBuf::from(std::env::var_os(INDEX_ENV).expect("index env"));
    let started = Instant::now();
    let docs = match which {
        "consulta" => {
            let opts = IndexOptions {
                corpus,
                index: index_dir,
                full: true,
                max_bytes: consulta::ingest::DEFAULT_MAX_BYTES,
                follow_links: false,
            };
            let report = reindex::run(&opts, &mut |_| {}).expect("consulta indexes");
            assert!(report.failed.is_empty(), "failed files: {:?}", report.failed);
            assert_eq!(report.added, report.documents, "a fresh build adds every file");
            report.documents as u64
        }
        "baseline" => baseline_build(&corpus, &index_dir),
        other => panic!("unknown child build {other:?}"),
    };
    let secs = started.elapsed().as_secs_f64();
    println!("RESULT secs={secs:.4} docs={docs} vmhwm_kb={}", vm_hwm_kb());
}

fn baseline_schema() -> Schema {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer("en_stem")
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    b.add_text_field("body", TextOptions::default().set_indexing_options(indexing));
    b.build()
}

/// The raw tantivy baseline: one document per file, one en_stem field, nothing stored, one
/// commit; the writer is dropped after the commit as consulta's is.
fn baseline_build(corpus: &Path, index_dir: &Path) -> u64 {
    std::fs::create_dir_all(index_dir).expect("index dir");
    let index = Index::create_in_dir(index_dir, baseline_schema()).expect("baseline index");
    let body = index.schema().get_field("body").expect("body field");
    let mut w: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(writer_threads(), WRITER_BUDGET).expect("baseline writer");
    let mut n = 0;
    for f in corpus_files(corpus) {
        let bytes = std::fs::read(&f).expect("read");
        let text = String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        w.add_document(doc!(body => text)).expect("add");
        n += 1;
    }
    w.commit().expect("commit");
    drop(w);
    n
}

// ---------------------------------------------------------------------------------------------
// queries

struct Case {
    query: String,
    filters: Vec<(String, Vec<String>)>,
    label: String,
    /// Must match at least one record (typo cases: the typo tolerance must fire).
    must_hit: bool,
}

fn query_cases() -> Vec<Case> {
    let text = std::fs::read_to_string(QUERIES).expect("queries.txt");
    let mut cases: Vec<Case> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|q| Case { query: q.to_string(), filters: Vec::new(), label: q.to_string(), must_hit: false })
        .collect();
    assert_eq!(cases.len(), 64, "queries.txt holds the 64 queries of issue 6");
    for typo in ["remitances", "smugling", "trafiking", "goverance migratoria"] {
        cases.push(Case { query: typo.into(), filters: Vec::new(), label: format!("{typo} [typo]"), must_hit: true });
    }
    let filtered: [(&str, &[(&str, &str)]); 6] = [
        ("migration governance", &[("lang", "es")]),
        ("trafficking in persons", &[("kind", "session")]),
        ("remesas", &[("mechanism", "CSM")]),
        ("regularization", &[("lang", "en"), ("kind", "practice")]),
        ("derechos humanos", &[("country", "Colombia")]),
        ("", &[("kind", "practice"), ("country", "Chile")]),
    ];
    for (q, fs) in filtered {
        let filters: Vec<(String, Vec<String>)> =
            fs.iter().map(|(d, v)| (d.to_string(), vec![v.to_string()])).collect();
        let label = format!("{q} [{}]", fs.iter().map(|(d, v)| format!("{d}:{v}")).collect::<Vec<_>>().join(" "));
        cases.push(Case { query: q.into(), filters, label, must_hit: true });
    }
    cases
}

struct Latencies {
    /// Every timed run, in ms.
    samples: Vec<f64>,
    /// (label, median ms, total hits) per query.
    per_query: Vec<(String, f64, usize)>,
    /// Queries run.
    queries: usize,
}

fn consulta_latencies(s: &Engine, cases: &[Case]) -> Latencies {
    let requests: Vec<SearchRequest> = cases
        .iter()
        .map(|c| SearchRequest {
            query: c.query.clone(),
            limit: 10,
            offset: 0,
            filters: c.filters.iter().map(|(d, v)| (Dimension::parse(d).expect("a dimension"), v.clone())).collect(),
            expand: true,
            facet_limit: Some(DEFAULT_FACET_LIMIT),
            ..SearchRequest::default()
        })
        .collect();
    // warm-up round; it also fixes the totals every timed round must repeat
    let totals: Vec<usize> = requests.iter().map(|r| s.search(r).expect("consulta search").total).collect();
    let zero: Vec<&str> = cases.iter().zip(&totals).filter(|(_, &t)| t == 0).map(|(c, _)| c.label.as_str()).collect();
    assert!(zero.len() * 10 <= cases.len(), "most queries have hits; without: {zero:?}");
    let missing: Vec<&str> =
        cases.iter().zip(&totals).filter(|(c, &t)| c.must_hit && t == 0).map(|(c, _)| c.label.as_str()).collect();
    assert!(missing.is_empty(), "typo and filter cases have hits; without: {missing:?}");
    if !zero.is_empty() {
        println!("consulta: no hits for {zero:?}");
    }
    let mut per: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); cases.len()];
    for _ in 0..ROUNDS {
        for (i, (req, &total)) in requests.iter().zip(&totals).enumerate() {
            let t = Instant::now();
            let resp = s.search(std::hint::black_box(req)).expect("consulta search");
            per[i].push(ms(t.elapsed()));
            assert_eq!(resp.total, total, "stable total for {:?}", cases[i].label);
            assert!(resp.hits.len() == total.min(10), "a full page for {:?}", cases[i].label);
        }
    }
    summarize(cases, per, totals)
}

fn baseline_latencies(index: &Index, cases: &[Case]) -> Latencies {
    let body = index.schema().get_field("body").expect("body");
    let reader = index.reader().expect("reader");
    let searcher = reader.searcher();
    let parser = QueryParser::for_index(index, vec![body]);
    let text_cases: Vec<&Case> = cases.iter().filter(|c| !c.query.trim().is_empty()).collect();
    let queries: Vec<_> = text_cases.iter().map(|c| parser.parse_query_lenient(&c.query).0).collect();
    let totals: Vec<usize> = queries.iter().map(|q| searcher.search(q, &Count).expect("count")).collect();
    let zero = totals.iter().filter(|&&t| t == 0).count();
    assert!(zero * 10 <= text_cases.len(), "most baseline queries have hits ({zero} without)");
    let top = TopDocs::with_limit(10).order_by_score();
    for q in &queries {
        searcher.search(q, &top).expect("warm-up");
    }
    let mut per: Vec<Vec<f64>> = vec![Vec::with_capacity(ROUNDS); queries.len()];
    for _ in 0..ROUNDS {
        for (i, (q, &total)) in queries.iter().zip(&totals).enumerate() {
            let t = Instant::now();
            let hits = searcher.search(std::hint::black_box(q), &top).expect("baseline search");
            per[i].push(ms(t.elapsed()));
            assert_eq!(hits.len(), total.min(10));
        }
    }
    let owned: Vec<Case> = text_cases
        .iter()
        .map(|c| Case { query: c.query.clone(), filters: Vec::new(), label: c.query.clone(), must_hit: false })
        .collect();
    summarize(&owned, per, totals)
}

fn summarize(cases: &[Case], per: Vec<Vec<f64>>, totals: Vec<usize>) -> Latencies {
    let samples: Vec<f64> = per.iter().flatten().copied().collect();
    let per_query = cases
        .iter()
        .zip(per)
        .zip(totals)
        .map(|((c, mut v), total)| {
            v.sort_by(f64::total_cmp);
            (c.label.clone(), v[v.len() / 2], total)
        })
        .collect();
    Latencies { samples, per_query, queries: cases.len() }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// p50, p95, p99 (nearest rank).
fn percentiles(samples: &[f64]) -> [f64; 3] {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    [at(0.50), at(0.95), at(0.99)]
}

// ---------------------------------------------------------------------------------------------
// cold start

fn cold_start() {
    println!();
    let tmp = tempfile::tempdir().expect("temp dir");
    let index_dir = tmp.path().join("index");
    let corpus = Path::new(SHIPPED_CORPUS);
    let Some(walls) = Path::new(RELEASE_BIN)
        .is_file()
        .then(|| {
            let warm = Command::new(RELEASE_BIN)
                .args(["index", "--corpus", SHIPPED_CORPUS, "--index"])
                .arg(&index_dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("consulta index runs");
            assert!(warm.success(), "warm-up build failed: {warm}");
            cold_searches(corpus, &index_dir, COLD_RUNS)
        })
        .flatten()
    else {
        println!("cold start: {RELEASE_BIN} not found; run `cargo build --release` first. Skipped.");
        return;
    };
    let (median, min, max) = spread(&walls);
    println!(
        "cold start: `consulta search \"trafficking in persons\"` on the shipped corpus, up-to-date index, {COLD_RUNS} runs"
    );
    println!("  binary {RELEASE_BIN}");
    println!(
        "  median {median:.1} ms wall (min {min:.1}, max {max:.1}); target < 100 ms → {}",
        verdict(median < 100.0)
    );
}

// ---------------------------------------------------------------------------------------------
// machine

fn nproc() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn mem_total() -> String {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(|| "memory unknown".into(), |kb| format!("{:.1} GiB RAM", kb as f64 / 1024.0 / 1024.0))
}
