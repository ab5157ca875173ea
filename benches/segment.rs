//! Segmentation throughput (MB/s) of issue 6: decoding and cleaning (`ingest::from_bytes`), then
//! sectioning (`segment::segment`), over the synthetic corpus (`../shared/bench/gen_corpus.py`,
//! `CONSULTA_BENCH_DOCS` documents, default 500, about 10 MB), or over the shipped corpus when the
//! generator is not beside the repository. Record counts are asserted inside the timed loop, so
//! the bench also fails when sectioning drifts.
//!
//! Run: `cargo bench --bench segment`

mod common;

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use common::{corpus_files, generate, GEN};
use consulta::{ingest, segment};

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir: PathBuf = if Path::new(GEN).is_file() {
        let docs = std::env::var("CONSULTA_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
        generate(tmp.path(), docs);
        tmp.path().to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
    };
    let files: Vec<(String, Vec<u8>)> = corpus_files(&dir)
        .into_iter()
        .map(|p| (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("read")))
        .collect();
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let cleaned: Vec<ingest::CleanDoc> =
        files.iter().map(|(name, b)| ingest::from_bytes(b, name).expect("a clean corpus file")).collect();
    let paragraphs: usize = cleaned.iter().map(|d| d.content.paragraphs.len()).sum();
    let records: usize = cleaned.iter().map(|d| segment::segment(d).sections.len()).sum();

    let mut group = c.benchmark_group("segment");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(format!("ingest_{}_files", files.len()), |b| {
        b.iter(|| {
            let n: usize = files
                .iter()
                .map(|(name, b)| ingest::from_bytes(black_box(b), name).expect("clean").content.paragraphs.len())
                .sum();
            assert_eq!(n, paragraphs);
        })
    });
    group.bench_function(format!("sections_{}_files", files.len()), |b| {
        b.iter(|| {
            let n: usize = cleaned.iter().map(|d| segment::segment(black_box(d)).sections.len()).sum();
            assert_eq!(n, records);
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
