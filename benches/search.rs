//! Warm query latency on the shipped corpus with facets and snippets on, over a fixed list of
//! English, Spanish, acronym, phrase, typo-free and filtered queries. Hit totals are asserted
//! inside the timed loop.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use consulta::query::{SearchRequest, DEFAULT_FACET_LIMIT};
use consulta::reindex::{self, IndexOptions};
use consulta::{Config, Dimension, Engine};

const QUERIES: &[(&str, &[(&str, &str)])] = &[
    ("trafficking in persons", &[]),
    ("trata de personas", &[]),
    ("remittances", &[]),
    ("remesas", &[]),
    ("SACM", &[]),
    ("CSM", &[]),
    ("OIM", &[]),
    ("\"early warning system\"", &[]),
    ("migration governance", &[("kind", "session")]),
    ("niñez migrante", &[("lang", "es")]),
    ("regularization", &[("mechanism", "CSM")]),
    ("", &[("kind", "practice"), ("country", "Chile")]),
];

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = IndexOptions {
        corpus: concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").into(),
        index: dir.path().join("index"),
        full: false,
        max_bytes: 50 << 20,
        follow_links: false,
    };
    reindex::run(&opts, &mut |_| {}).expect("indexes");
    let searchable = Engine::open(Config::new(&opts.corpus, &opts.index)).expect("opens");
    let requests: Vec<SearchRequest> = QUERIES
        .iter()
        .map(|(q, filters)| SearchRequest {
            query: q.to_string(),
            limit: 10,
            offset: 0,
            filters: filters
                .iter()
                .map(|(d, v)| (Dimension::parse(d).expect("a dimension"), vec![v.to_string()]))
                .collect(),
            expand: true,
            facet_limit: Some(DEFAULT_FACET_LIMIT),
            ..SearchRequest::default()
        })
        .collect();
    let totals: Vec<usize> = requests.iter().map(|r| searchable.search(r).expect("search").total).collect();
    assert!(totals.iter().all(|&t| t > 0), "every bench query has hits: {totals:?}");
    c.bench_function("search/shipped_corpus_query_list", |b| {
        b.iter(|| {
            for (req, &total) in requests.iter().zip(&totals) {
                assert_eq!(searchable.search(black_box(req)).expect("search").total, total);
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
