//! Analyzer throughput (MB/s) per language on the shipped corpus, beside tantivy's stock
//! `en_stem` analyzer as a baseline in the same group. Token counts are asserted inside the
//! timed loop, so the bench also fails when analysis drifts.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use consulta::analyze::Analyzer;
use consulta::Lang;
use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};

fn corpus_text(lang: Lang) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let mut files: Vec<_> = std::fs::read_dir(dir).expect("corpus/").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut text = String::new();
    for f in files {
        let body = std::fs::read_to_string(&f).expect("utf-8 corpus");
        let spanish = f.to_string_lossy().ends_with("_es.txt");
        if spanish == (lang == Lang::Es) {
            text.push_str(&body);
        }
    }
    text
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("analyze");
    for lang in Lang::ALL {
        let text = corpus_text(lang);
        let analyzer = Analyzer::for_lang(lang);
        let expected = analyzer.analyze(&text).len();
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("consulta_{}", lang.code()), |b| {
            b.iter(|| {
                let mut n = 0;
                analyzer.for_each_token(black_box(&text), |_, _| n += 1);
                assert_eq!(n, expected);
            })
        });
        if lang == Lang::En {
            let mut stock: TextAnalyzer = TokenizerManager::default().get("en_stem").expect("en_stem");
            group.bench_function("tantivy_en_stem_baseline", |b| {
                b.iter(|| {
                    let mut stream = stock.token_stream(black_box(&text));
                    let mut n = 0;
                    while stream.advance() {
                        n += 1;
                    }
                    assert!(n > expected / 2);
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
