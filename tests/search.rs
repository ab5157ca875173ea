//! Ranked results for real queries on the shipped corpus, through the binary's `--json`.

use crate::util::{hits, search_json};

fn ids(resp: &serde_json::Value) -> Vec<String> {
    hits(resp).iter().map(|h| h["id"].as_str().expect("id").to_string()).collect()
}

#[test]
fn remittances_finds_the_plenary_remittance_passages_first() {
    let resp = search_json(&["remittances", "--limit", "2"]);
    for hit in hits(&resp) {
        assert_eq!(
            hit["doc"],
            "003_896af30beb401831.txt",
            "help: ranking or the remittance session split changed: {:?}",
            ids(&resp)
        );
        assert!(hit["text"].as_str().expect("text").to_lowercase().contains("remittance"));
    }
    let snippet = hits(&resp)[0]["snippet"].as_str().expect("snippet");
    assert!(snippet.to_lowercase().contains("<mark>remittance"), "{snippet}");
}

#[test]
fn unaccented_spanish_finds_both_languages() {
    let resp = search_json(&["migracion", "--limit", "100"]);
    let langs = &resp["facets"]["lang"];
    assert!(langs["es"].as_u64().unwrap_or(0) > 10, "{langs}");
    assert!(
        langs["en"].as_u64().unwrap_or(0) > 10,
        "help: the thesaurus bridge migración ⇔ migration is broken: {langs}"
    );
    // and the accented form ranks the same records
    assert_eq!(ids(&search_json(&["migración"])), ids(&search_json(&["migracion"])));
}

#[test]
fn lang_filter_keeps_only_spanish_sections() {
    let resp = search_json(&["niñez migrante", "--lang", "es"]);
    assert!(!hits(&resp).is_empty());
    assert!(hits(&resp).iter().all(|h| h["lang"] == "es"));
    assert_eq!(resp["facets"]["lang"].as_object().expect("lang facet").len(), 1);
    // folded input meets the same records
    assert_eq!(ids(&resp), ids(&search_json(&["ninez migrante", "--lang", "es"])));
}

#[test]
fn sacm_partnerships_ranks_the_sacm_survey_part_first() {
    let resp = search_json(&["SACM partnerships", "--kind", "partnerships"]);
    assert_eq!(ids(&resp)[0], "000_4092b891d15061c0#partnerships");
    assert!(hits(&resp).iter().all(|h| h["kind"] == "partnerships"));
}

#[test]
fn mechanism_filter_accepts_aliases_and_restricts() {
    let resp = search_json(&["migration", "--mechanism", "OCAM", "--limit", "50"]);
    assert!(!hits(&resp).is_empty());
    for h in hits(&resp) {
        assert!(h["mechanisms"].as_array().expect("mechanisms").iter().any(|m| m == "OCAM"), "{}", h["id"]);
    }
    let by_alias = search_json(&[
        "migration",
        "--mechanism",
        "Comisión Centroamericana de Directores de Migración",
        "--limit",
        "50",
    ]);
    assert_eq!(ids(&resp), ids(&by_alias));
    let csm = search_json(&["migración", "--mechanism", "CSM"]);
    assert_eq!(ids(&csm), ids(&search_json(&["migración", "--mechanism", "SACM"])));
}

#[test]
fn facet_counts_equal_filtered_totals() {
    // facets count records, as the totals of a search that does not group twins do
    let resp = search_json(&["migration governance", "--limit", "1", "--no-group"]);
    let total = resp["total"].as_u64().expect("total");
    assert!(total > 5);
    for dim in ["kind", "lang", "mechanism", "year"] {
        let counts = resp["facets"][dim].as_object().expect("facet object");
        assert!(!counts.is_empty(), "{dim}");
        for (value, count) in counts {
            let filtered =
                search_json(&["migration governance", &format!("--{dim}"), value, "--limit", "1", "--no-group"]);
            assert_eq!(filtered["total"].as_u64(), count.as_u64(), "{dim}={value}");
        }
    }
    let kinds: u64 = resp["facets"]["kind"].as_object().expect("kinds").values().filter_map(|v| v.as_u64()).sum();
    assert_eq!(kinds, total, "each record has exactly one kind");
}

#[test]
fn facet_limit_keeps_the_most_frequent_values() {
    let all = search_json(&["migration", "--facet-limit", "0", "--limit", "1"]);
    let kinds = all["facets"]["kind"].as_object().expect("kinds");
    assert!(kinds.len() > 3, "{kinds:?}");
    let mut by_count: Vec<(u64, &String)> = kinds.iter().map(|(k, v)| (v.as_u64().expect("count"), k)).collect();
    by_count.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let top = search_json(&["migration", "--facet-limit", "3", "--limit", "1"]);
    let got: Vec<(u64, &String)> = top["facets"]["kind"]
        .as_object()
        .expect("kinds")
        .iter()
        .map(|(k, v)| (v.as_u64().expect("count"), k))
        .collect();
    let mut want = by_count[..3].to_vec();
    want.sort_by(|a, b| a.1.cmp(b.1));
    assert_eq!(got, want, "the 3 most frequent kinds, with their full counts");
    assert_eq!(top["total"], all["total"], "the limit cuts listed values, not matches");
}

#[test]
fn json_hits_have_the_design_fields() {
    let resp = search_json(&["trafficking in persons", "--limit", "1"]);
    for key in ["query", "total", "took_ms", "hits", "facets"] {
        assert!(resp.get(key).is_some(), "{key}");
    }
    let hit = &hits(&resp)[0];
    for key in [
        "id",
        "doc",
        "title",
        "heading",
        "kind",
        "session",
        "mechanisms",
        "countries",
        "lang",
        "year",
        "score",
        "snippet",
        "text",
    ] {
        assert!(hit.get(key).is_some(), "{key}");
    }
    for dim in ["mechanism", "kind", "country", "session", "lang", "doc", "year"] {
        assert!(resp["facets"].get(dim).is_some(), "{dim}");
    }
}

#[test]
fn phrases_exclusions_and_filters_without_words() {
    let phrase = search_json(&["\"early warning system\"", "--limit", "100"]);
    assert!(!hits(&phrase).is_empty());
    for h in hits(&phrase) {
        let text = h["text"].as_str().expect("text").to_lowercase();
        // the Spanish hits come from the thesaurus: sistema de alerta temprana
        let want = if h["lang"] == "en" { "early warning system" } else { "alerta temprana" };
        assert!(text.contains(want), "{}", h["id"]);
    }
    let without = search_json(&["trafficking -Belize", "--limit", "100"]);
    assert!(hits(&without).iter().all(|h| !h["text"].as_str().expect("text").contains("Belize")));
    // faceted browsing: filters only, document order; each English roadmap with its Spanish twin
    let browse = search_json(&["--kind", "roadmap", "--limit", "100"]);
    assert_eq!(
        ids(&browse),
        ["003_896af30beb401831#roadmap-1", "003_896af30beb401831#roadmap-2", "003_896af30beb401831#roadmap-3"]
    );
    assert!(hits(&browse).iter().all(|h| h["also"]["id"]
        == h["id"].as_str().unwrap().replace("003_896af30beb401831", "006_plenaria_crm_csm_2024_es")));
    // and with --no-group one report after the other
    let browse = search_json(&["--kind", "roadmap", "--limit", "100", "--no-group"]);
    assert_eq!(
        ids(&browse),
        [
            "003_896af30beb401831#roadmap-1",
            "003_896af30beb401831#roadmap-2",
            "003_896af30beb401831#roadmap-3",
            "006_plenaria_crm_csm_2024_es#roadmap-1",
            "006_plenaria_crm_csm_2024_es#roadmap-2",
            "006_plenaria_crm_csm_2024_es#roadmap-3"
        ]
    );
    let chile = search_json(&["--kind", "practice", "--country", "Chile", "--limit", "100", "--no-group"]);
    // grep '^- .* | .*Chile' corpus/00[36]* | wc -l  →  20 practices Chile shared, in both reports
    assert_eq!(hits(&chile).len(), 20);
    assert!(hits(&chile).iter().all(|h| h["countries"].as_array().expect("countries").iter().any(|c| c == "Chile")));
}

#[test]
fn malformed_queries_never_crash() {
    for q in ["\"unclosed", "- x", "AND OR NOT", "kind:", "((()))", "\u{0301}", "a:b:c", "x ---x", "kind:chapter"] {
        let out = crate::util::run_shared(&["search", "--", q]);
        let code = out.status.code().expect("exited");
        assert!(code == 0 || code == 2, "{q:?} exited {code}: {}", String::from_utf8_lossy(&out.stderr));
        if code == 2 {
            assert!(String::from_utf8_lossy(&out.stderr).starts_with("consulta: "), "{q:?}");
        }
    }
}

/// A thesaurus phrase is searched as its indexed tag: on the shipped corpus, each tag matches
/// exactly the records where the phrase query matches.
#[test]
fn phrase_tags_match_where_phrase_queries_do() {
    use consulta::analyze::thesaurus::{phrase_tag, PhraseTags, THESAURUS};
    use consulta::analyze::Analyzer;
    use consulta::index::schema::Fields;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::{PhraseQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    let (idx, _) = consulta::index::open(crate::util::shared_index()).expect("shared index opens");
    let fields = Fields::from_schema(&idx.schema()).expect("fields");
    let searcher = idx.reader().expect("reader").searcher();
    let (mut phrases, mut matched) = (0, 0);
    for term in THESAURUS.iter().flat_map(|c| &c.terms) {
        let tokens = Analyzer::for_lang(term.lang).analyze_whole(&term.text);
        if tokens.len() < 2 {
            continue;
        }
        let positioned: Vec<(usize, &str)> = tokens.iter().map(|t| (t.position, t.text.as_str())).collect();
        let tag = phrase_tag(&positioned);
        assert!(PhraseTags::of(term.lang).contains(&tag), "{:?} is tagged", term.text);
        phrases += 1;
        for field in [fields.body(term.lang), fields.head(term.lang)] {
            let base = positioned[0].0;
            let phrase = PhraseQuery::new_with_offset(
                positioned.iter().map(|&(p, t)| (p - base, Term::from_field_text(field, t))).collect(),
            );
            let tagq = TermQuery::new(Term::from_field_text(field, &tag), IndexRecordOption::WithFreqs);
            let by_phrase = searcher.search(&phrase, &DocSetCollector).expect("phrase query");
            let by_tag = searcher.search(&tagq, &DocSetCollector).expect("tag query");
            assert_eq!(by_tag, by_phrase, "{:?} ({tag}) in {:?}", term.text, idx.schema().get_field_name(field));
            matched += usize::from(!by_tag.is_empty());
        }
    }
    assert!(phrases > 100 && matched > 40, "{phrases} phrases, {matched} found in some field");
}
