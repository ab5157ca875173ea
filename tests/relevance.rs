//! Ranking quality on the relevance set in tests/relevance/judgments.tsv: nDCG@10, MRR and
//! recall@10 over 281 queries (English, Spanish, questions, British/American spellings, unaccented
//! Spanish, sessions, acronyms and names in the other language, typos, filters). Judgments name a
//! document and a phrase inside the relevant passage, so they survive re-sectioning: a hit is
//! relevant when it is from that document and its text holds the phrase.
//!
//! tests/relevance/split.tsv gives each query its kind and language and a fixed tune/test part
//! (FNV-1a of the query and filters, recomputed here); the figures are printed for the whole set,
//! each part, each kind and each language (`cargo test --test tests relevance -- --nocapture`).
//! Tune on the tune part only; the test part is only scored.
//!
//! help: if this fails after a ranking or sectioning change, the printed worst queries say
//! which answers fell; `consulta search QUERY` shows what ranks above them now.

use std::collections::BTreeMap;

use consulta::query::{SearchRequest, DEFAULT_FACET_LIMIT};
use consulta::{Dimension, Engine};

/// Set from the test part, a little below what it scored once graded matching, spellings,
/// question words, twins and cognates were in (nDCG@10 0.840, MRR 0.920, recall@10 0.903 on the
/// test part; the whole set 0.827 / 0.910 / 0.897). When the set grew from 101 to 281 queries it
/// scored 0.721 / 0.877 on the whole set. The thresholds guard against losses; the test part is
/// only scored, never tuned on (issue 19 asks 0.85 on each part).
const MIN_NDCG: f64 = 0.85;
const MIN_MRR: f64 = 0.92;
const MIN_RECALL: f64 = 0.90;

/// Seed of the tune/test split, hashed in front of "query\tfilters" (see split.tsv).
const SPLIT_SEED: &str = "consulta-split-v1";

struct Judgment {
    doc: String,
    grade: u32,
    phrase: String,
}

/// A query's place in the split: its kind, its language and its part.
struct Split {
    kind: String,
    lang: String,
    part: String,
}

type Key = (String, String);

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Data lines of a file in tests/relevance, split on tabs.
fn rows(name: &str) -> Vec<Vec<String>> {
    let path = format!("{}/tests/relevance/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn judgments() -> BTreeMap<Key, Vec<Judgment>> {
    let mut out: BTreeMap<Key, Vec<Judgment>> = BTreeMap::new();
    for cols in rows("judgments.tsv") {
        let [query, filters, doc, grade, phrase] = &cols[..] else { panic!("bad judgment line: {cols:?}") };
        out.entry((query.clone(), filters.clone())).or_default().push(Judgment {
            doc: doc.clone(),
            grade: grade.parse().expect("grade"),
            phrase: normalize(phrase),
        });
    }
    out
}

/// FNV-1a, 64 bits.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The part a query falls in: even hash → tune, odd → test.
fn part_of(query: &str, filters: &str) -> &'static str {
    if fnv1a(&format!("{SPLIT_SEED}\t{query}\t{filters}")).is_multiple_of(2) {
        "tune"
    } else {
        "test"
    }
}

fn split() -> BTreeMap<Key, Split> {
    let mut out = BTreeMap::new();
    for cols in rows("split.tsv") {
        let [query, filters, kind, lang, part] = &cols[..] else { panic!("bad split line: {cols:?}") };
        assert_eq!(
            part,
            part_of(query, filters),
            "split.tsv: {query} [{filters}] is in the {} part",
            part_of(query, filters)
        );
        let split = Split { kind: kind.clone(), lang: lang.clone(), part: part.clone() };
        assert!(out.insert((query.clone(), filters.clone()), split).is_none(), "split.tsv: {query} [{filters}] twice");
    }
    out
}

fn request(query: &str, filters: &str, group: bool) -> SearchRequest {
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
        group,
        ..SearchRequest::default()
    }
}

/// The records a response shows, in order: each hit, then the twin shown under it (`also`),
/// the first ten. Judgments name records, one rank each, so the figures score the ranking
/// itself, twins as separate hits (`--no-group`): grouping folds a twin under its hit, the same
/// records in nearly the same order, and figures stay comparable with earlier ones. The
/// "grouped" row scores the default page this way: a hit's twin one rank below it, found, but
/// taking a rank from the records below (whole set 0.827 grouped against 0.830 ungrouped when
/// grouping came in).
fn shown(engine: &Engine, resp: &consulta::SearchResponse) -> Vec<consulta::Record> {
    let mut out = Vec::new();
    for hit in &resp.hits {
        out.push(hit.record.clone());
        if let Some(also) = &hit.also {
            out.push(engine.record(&also.id).expect("the twin reads").expect("the twin of a hit is indexed"));
        }
    }
    out.truncate(10);
    out
}

/// The scores of one query.
#[derive(Clone, Copy, Default)]
struct Score {
    ndcg: f64,
    rr: f64,
    recall: f64,
}

/// nDCG@10, reciprocal rank and recall@10 (the share of judged passages among the first ten hits).
fn evaluate(engine: &Engine, query: &str, filters: &str, judged: &[Judgment], group: bool) -> Score {
    let resp = engine.search(&request(query, filters, group)).expect("search runs");
    let records = shown(engine, &resp);
    let texts: Vec<(&str, String)> = records.iter().map(|r| (r.doc.as_str(), normalize(&r.text))).collect();
    let matches = |j: &Judgment, (doc, text): &(&str, String)| j.doc == *doc && text.contains(&j.phrase);
    let gains: Vec<u32> =
        texts.iter().map(|hit| judged.iter().filter(|j| matches(j, hit)).map(|j| j.grade).max().unwrap_or(0)).collect();
    let dcg = |g: &[u32]| -> f64 {
        g.iter()
            .enumerate()
            .map(|(i, &g)| (2f64.powi(g as i32) - 1.0) / (i as f64 + 2.0).log2())
            .fold(0.0, |a, b| a + b)
    };
    // the ideal ranking lists each record a judgment points to once, at its best grade: two
    // phrases of one record are one relevant record, not two
    let mut docs: Vec<&str> = judged.iter().map(|j| j.doc.as_str()).collect();
    docs.sort_unstable();
    docs.dedup();
    let mut ideal: Vec<u32> = Vec::new();
    for doc in docs {
        for record in engine.records(doc).expect("a judged document is indexed") {
            let text = (doc, normalize(&record.text));
            let grade = judged.iter().filter(|j| matches(j, &text)).map(|j| j.grade).max().unwrap_or(0);
            ideal.extend((grade > 0).then_some(grade));
        }
    }
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    ideal.truncate(10);
    let found = judged.iter().filter(|j| texts.iter().any(|hit| matches(j, hit))).count();
    Score {
        ndcg: dcg(&gains) / dcg(&ideal),
        rr: gains.iter().position(|&g| g > 0).map_or(0.0, |i| 1.0 / (i as f64 + 1.0)),
        recall: found as f64 / judged.len() as f64,
    }
}

/// Mean scores of a group of queries, as one table row.
fn row(label: &str, scores: &[Score]) -> String {
    let n = scores.len().max(1) as f64;
    let mean = |f: fn(&Score) -> f64| scores.iter().map(f).sum::<f64>() / n;
    format!(
        "  {label:<14} {:>4}  {:>7.3}  {:>5.3}  {:>9.3}",
        scores.len(),
        mean(|s| s.ndcg),
        mean(|s| s.rr),
        mean(|s| s.recall)
    )
}

#[test]
fn ranking_meets_the_relevance_set() {
    let engine = crate::util::shared_engine();
    let set = judgments();
    let split = split();
    assert!(set.len() >= 250, "the relevance set has 250+ queries");
    for key in set.keys() {
        assert!(split.contains_key(key), "split.tsv has no line for {} [{}]", key.0, key.1);
    }
    for key in split.keys() {
        assert!(set.contains_key(key), "split.tsv names {} [{}], which judgments.tsv does not judge", key.0, key.1);
    }
    let scored: Vec<(Score, &Split, String)> = set
        .iter()
        .map(|((q, f), js)| (evaluate(engine, q, f, js, false), &split[&(q.clone(), f.clone())], format!("{q} [{f}]")))
        .collect();
    // the page as shown by default, for comparison only (see `shown`)
    let grouped: Vec<Score> = set.iter().map(|((q, f), js)| evaluate(engine, q, f, js, true)).collect();
    let group = |keep: &dyn Fn(&Split) -> bool| -> Vec<Score> {
        scored.iter().filter(|(_, s, _)| keep(s)).map(|(score, _, _)| *score).collect()
    };
    let all = group(&|_| true);
    let mut table = vec![format!("  {:<14} {:>4}  {:>7}  {:>5}  {:>9}", "part", "n", "nDCG@10", "MRR", "recall@10")];
    table.push(row("whole", &all));
    table.push(row("  grouped", &grouped));
    for part in ["tune", "test"] {
        table.push(row(part, &group(&|s| s.part == part)));
    }
    for lang in ["en", "es"] {
        table.push(row(&format!("lang={lang}"), &group(&|s| s.lang == lang)));
    }
    let mut kinds: Vec<&str> = split.values().map(|s| s.kind.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        table.push(row(kind, &group(&|s| s.kind == kind)));
    }
    let test = group(&|s| s.part == "test");
    let mean = |f: fn(&Score) -> f64| test.iter().map(f).sum::<f64>() / test.len() as f64;
    let (ndcg, mrr, recall) = (mean(|s| s.ndcg), mean(|s| s.rr), mean(|s| s.recall));
    // the worst queries of the tuning part only: the test part is scored, never looked into
    let mut worst: Vec<&(Score, &Split, String)> = scored.iter().filter(|(_, s, _)| s.part == "tune").collect();
    worst.sort_by(|a, b| a.0.ndcg.total_cmp(&b.0.ndcg));
    let worst: Vec<String> = worst
        .iter()
        .take(std::env::var("CONSULTA_RELEVANCE_WORST").ok().and_then(|n| n.parse().ok()).unwrap_or(20))
        .map(|(s, sp, q)| {
            format!("  nDCG {:.2} RR {:.2} R {:.2}  {:<13} {:<5} {q}", s.ndcg, s.rr, s.recall, sp.kind, sp.part)
        })
        .collect();
    if let Ok(path) = std::env::var("CONSULTA_RELEVANCE_DUMP") {
        // every tuning query's scores, to compare two runs line by line
        let lines: Vec<String> = scored
            .iter()
            .filter(|(_, s, _)| s.part == "tune")
            .map(|(s, _, q)| format!("{:.3}\t{:.2}\t{:.2}\t{q}", s.ndcg, s.rr, s.recall))
            .collect();
        std::fs::write(&path, lines.join("\n") + "\n").expect("dump written");
    }
    eprintln!(
        "relevance: {} queries\n{}\nworst of the tuning part:\n{}",
        all.len(),
        table.join("\n"),
        worst.join("\n")
    );
    assert!(
        ndcg >= MIN_NDCG && mrr >= MIN_MRR && recall >= MIN_RECALL,
        "test part: nDCG@10 {ndcg:.3} (min {MIN_NDCG}), MRR {mrr:.3} (min {MIN_MRR}), recall@10 {recall:.3} (min {MIN_RECALL})"
    );
}
