//! Ranking quality on the relevance set in tests/relevance/judgments.tsv: nDCG@10 and MRR over
//! 101 real queries (English, Spanish, acronyms, cross-lingual, typos, filters). Judgments name a
//! document and a phrase inside the relevant passage, so they survive re-sectioning: a hit is
//! relevant when it is from that document and its text holds the phrase.
//!
//! help: if this fails after a ranking or sectioning change, the printed worst queries say
//! which answers fell; `consulta search QUERY` shows what ranks above them now.

use std::collections::BTreeMap;

use consulta::query::{SearchRequest, DEFAULT_FACET_LIMIT};
use consulta::{Dimension, Engine};

/// Reached when the set was last tuned: nDCG@10 0.830, MRR 0.917. A change that loses more
/// than a little fails.
const MIN_NDCG: f64 = 0.80;
const MIN_MRR: f64 = 0.90;

struct Judgment {
    doc: String,
    grade: u32,
    phrase: String,
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn judgments() -> BTreeMap<(String, String), Vec<Judgment>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/relevance/judgments.tsv");
    let mut out: BTreeMap<(String, String), Vec<Judgment>> = BTreeMap::new();
    for line in std::fs::read_to_string(path).expect("judgments.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [query, filters, doc, grade, phrase] = cols[..] else { panic!("bad judgment line: {line}") };
        out.entry((query.to_string(), filters.to_string())).or_default().push(Judgment {
            doc: doc.to_string(),
            grade: grade.parse().expect("grade"),
            phrase: normalize(phrase),
        });
    }
    out
}

fn request(query: &str, filters: &str) -> SearchRequest {
    let mut by_dim: BTreeMap<Dimension, Vec<String>> = BTreeMap::new();
    for pair in filters.split_whitespace().filter(|p| *p != "-") {
        let (dim, value) = pair.split_once('=').expect("dim=value");
        by_dim.entry(Dimension::parse(dim).expect("a dimension")).or_default().push(value.to_string());
    }
    SearchRequest {
        query: query.to_string(),
        limit: 10,
        offset: 0,
        filters: by_dim,
        expand: true,
        facet_limit: Some(DEFAULT_FACET_LIMIT),
        ..SearchRequest::default()
    }
}

/// (nDCG@10, reciprocal rank) of one query.
fn evaluate(engine: &Engine, query: &str, filters: &str, judged: &[Judgment]) -> (f64, f64) {
    let resp = engine.search(&request(query, filters)).expect("search runs");
    let gains: Vec<u32> = resp
        .hits
        .iter()
        .map(|h| {
            let text = normalize(&h.record.text);
            judged
                .iter()
                .filter(|j| j.doc == h.record.doc && text.contains(&j.phrase))
                .map(|j| j.grade)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let dcg = |g: &[u32]| -> f64 {
        g.iter().enumerate().map(|(i, &g)| (2f64.powi(g as i32) - 1.0) / (i as f64 + 2.0).log2()).sum()
    };
    let mut ideal: Vec<u32> = judged.iter().map(|j| j.grade).collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    ideal.truncate(10);
    let ndcg = dcg(&gains) / dcg(&ideal);
    let rr = gains.iter().position(|&g| g > 0).map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    (ndcg, rr)
}

#[test]
fn ranking_meets_the_relevance_set() {
    let engine = crate::util::shared_engine();
    let set = judgments();
    assert!(set.len() >= 50, "the relevance set has 50+ queries");
    let mut scores: Vec<(f64, f64, String)> = set
        .iter()
        .map(|((q, f), js)| {
            let (n, rr) = evaluate(engine, q, f, js);
            (n, rr, format!("{q} [{f}]"))
        })
        .collect();
    let ndcg = scores.iter().map(|s| s.0).sum::<f64>() / scores.len() as f64;
    let mrr = scores.iter().map(|s| s.1).sum::<f64>() / scores.len() as f64;
    scores.sort_by(|a, b| a.0.total_cmp(&b.0));
    let worst: Vec<String> =
        scores.iter().take(12).map(|(n, rr, q)| format!("  nDCG {n:.2} RR {rr:.2}  {q}")).collect();
    eprintln!("relevance: {} queries, nDCG@10 {ndcg:.3}, MRR {mrr:.3}\nworst:\n{}", scores.len(), worst.join("\n"));
    assert!(ndcg >= MIN_NDCG && mrr >= MIN_MRR, "nDCG@10 {ndcg:.3} (min {MIN_NDCG}), MRR {mrr:.3} (min {MIN_MRR})");
}
