//! Twins in results and questions about sessions (issue 19, items 4 and 5), on the shipped
//! corpus: its V RCM–SACM plenary is there in English (003_…) and Spanish (006_…), and so is
//! the CSM survey summary (000_…, 005_…).
//!
//! help: a failure here after a ranking change may only have moved a hit; `consulta search
//! --json QUERY` shows `also` and `twin`, `--no-group` the list before grouping. Grouping lives
//! in src/query/group.rs, sessions in src/query/sessions.rs.

use std::collections::HashSet;

use consulta::query::Hit;
use consulta::{Dimension, Lang, SearchRequest, SearchResponse};
use serde_json::Value;

use crate::util::{run_shared, search_json, shared_engine};

fn search(req: &SearchRequest) -> SearchResponse {
    shared_engine().search(req).expect("search runs")
}

fn ids(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.record.id.as_str()).collect()
}

fn also_id(hit: &Hit) -> Option<&str> {
    hit.also.as_ref().map(|a| a.id.as_str())
}

#[test]
fn a_record_and_its_twin_are_one_hit_in_the_query_language() {
    let grouped = search(&SearchRequest::new("remesas"));
    let top = &grouped.hits[0];
    assert_eq!(top.record.id, "006_plenaria_crm_csm_2024_es#session-7", "a Spanish query shows the Spanish record");
    let also = top.also.as_ref().expect("its twin is shown under it");
    assert_eq!(
        (also.id.as_str(), also.lang, also.heading.as_str()),
        ("003_896af30beb401831#session-7", Lang::En, "Session 7: Costs of sending remittances")
    );
    assert!(grouped.hits.iter().all(|h| h.record.lang == Lang::Es && h.also.is_some()), "{:?}", ids(&grouped.hits));
    // an English query shows the same hits the other way round
    let english = search(&SearchRequest::new("remittances"));
    assert_eq!(english.hits[0].record.id, "003_896af30beb401831#session-7");
    assert_eq!(also_id(&english.hits[0]), Some("006_plenaria_crm_csm_2024_es#session-7"));
    // the record knows its twin whether grouped or not, and `show` too
    assert_eq!(top.record.twin.as_deref(), Some("003_896af30beb401831#session-7"));
    let shown = shared_engine().record("003_896af30beb401831#session-7").expect("reads").expect("exists");
    assert_eq!(shown.twin.as_deref(), Some("006_plenaria_crm_csm_2024_es#session-7"));
}

#[test]
fn no_group_lists_both_records_and_total_counts_hits_not_records() {
    let grouped = search(&SearchRequest::new("remesas").limit(50));
    let both = search(&SearchRequest::new("remesas").limit(50).group(false));
    assert!(both.hits.iter().all(|h| h.also.is_none()));
    let mut expected: Vec<&str> = ids(&grouped.hits);
    expected.extend(grouped.hits.iter().filter_map(also_id));
    let mut listed = ids(&both.hits);
    expected.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, expected, "ungrouped lists every record of the groups, each once");
    assert_eq!((grouped.total, both.total), (6, 12));
    assert_eq!(grouped.total, grouped.hits.len());
    // facets count records in both cases: `lang` still says how many of each language matched
    assert_eq!(grouped.facets, both.facets);
    assert_eq!(grouped.facets[&Dimension::Lang]["es"], 6);
    assert_eq!(grouped.facets[&Dimension::Lang]["en"], 6);
    // a language filter leaves no twin to group
    let spanish = search(&SearchRequest::new("remesas").filter(Dimension::Lang, "es"));
    assert!(spanish.hits.iter().all(|h| h.also.is_none()) && spanish.total == 6);
}

#[test]
fn pages_of_groups_never_repeat_a_group() {
    for query in ["migración", "migration governance", "trafficking"] {
        let whole = search(&SearchRequest::new(query).limit(40));
        let mut paged: Vec<(String, Option<String>)> = Vec::new();
        for offset in (0..40).step_by(7) {
            let page = search(&SearchRequest::new(query).offset(offset).limit(7));
            assert_eq!(page.total, whole.total, "{query}: the total is the same on every page");
            paged.extend(page.hits.iter().map(|h| (h.record.id.clone(), h.also.as_ref().map(|a| a.id.clone()))));
        }
        paged.truncate(40);
        let expected: Vec<(String, Option<String>)> =
            whole.hits.iter().map(|h| (h.record.id.clone(), h.also.as_ref().map(|a| a.id.clone()))).collect();
        assert_eq!(paged, expected, "{query}: pages of 7 put together are the first 40 hits");
        let shown: Vec<&String> =
            paged.iter().flat_map(|(id, also)| std::iter::once(id).chain(also.as_ref())).collect();
        assert_eq!(shown.iter().collect::<HashSet<_>>().len(), shown.len(), "{query}: no record shown twice");
    }
}

#[test]
fn browsing_lists_one_language_at_a_time_in_document_order() {
    // a session of the plenary, in both reports: the English records in order, each with its
    // Spanish twin, then what only one report has
    let mut req = SearchRequest::default().filter(Dimension::Session, "5").limit(50);
    let grouped = search(&req);
    let leads = ids(&grouped.hits);
    assert_eq!(leads[0], "003_896af30beb401831#session-5");
    assert_eq!(leads[1], "003_896af30beb401831#session-5-practice-1");
    assert!(leads.iter().all(|id| id.starts_with("003_")), "{leads:?}");
    for hit in &grouped.hits {
        if let Some(also) = &hit.also {
            assert_eq!(also.id, hit.record.id.replace("003_896af30beb401831", "006_plenaria_crm_csm_2024_es"));
        }
    }
    assert_eq!(grouped.hits.iter().filter(|h| h.also.is_some()).count(), 8, "the session and its 7 practices");
    assert_eq!(grouped.total, grouped.hits.len());
    // ungrouped: every English record, then every Spanish one, never interleaved
    req.group = false;
    let both = search(&req);
    let docs: Vec<&str> = both.hits.iter().map(|h| h.record.doc.as_str()).collect();
    let switches = docs.windows(2).filter(|w| w[0] != w[1]).count();
    assert_eq!(switches, 1, "{docs:?}");
    assert_eq!(both.total, 18);
    let seq = |hits: &[Hit], doc: &str| -> Vec<String> {
        hits.iter()
            .filter(|h| h.record.doc == doc)
            .map(|h| h.record.id.split('#').nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(seq(&both.hits, "006_plenaria_crm_csm_2024_es.txt")[..2], ["session-5", "session-5-practice-1"]);
}

#[test]
fn a_session_question_finds_the_session_its_practices_and_its_twin() {
    let resp = search(&SearchRequest::new("session on trafficking").limit(10));
    let session = "003_896af30beb401831#session-5";
    assert_eq!(resp.hits[0].record.id, session);
    assert_eq!(also_id(&resp.hits[0]), Some("006_plenaria_crm_csm_2024_es#session-5"), "its twin session");
    let practices: Vec<&str> = ids(&resp.hits[1..8]);
    let expected: Vec<String> = (1..=7).map(|n| format!("{session}-practice-{n}")).collect();
    assert_eq!(practices, expected, "its practices follow, in document order");
    assert!(resp.hits[1..8].iter().all(|h| h.record.parent.as_deref() == Some(session)), "linked by `parent`");
    assert!(resp.hits[1..8].iter().all(|h| h.also.is_some()), "each with its Spanish twin");
    // the same question in Spanish, from the Spanish report
    let es = search(&SearchRequest::new("sesión sobre trata de personas").limit(10));
    assert_eq!(es.hits[0].record.id, "006_plenaria_crm_csm_2024_es#session-5");
    assert_eq!(also_id(&es.hits[0]), Some(session));
    assert!(es.hits[1..8].iter().all(|h| h.record.parent.as_deref() == Some("006_plenaria_crm_csm_2024_es#session-5")));
    // ungrouped: both sessions first, then the practices of each
    let both = search(&SearchRequest::new("session on trafficking").limit(16).group(false));
    assert_eq!(ids(&both.hits[..2]), [session, "006_plenaria_crm_csm_2024_es#session-5"]);
    assert!(both.hits[2..16]
        .iter()
        .all(|h| h.record.kind.name() == "practice" && h.record.session.as_deref() == Some("5")));
}

#[test]
fn a_session_question_on_another_topic_and_a_session_by_number() {
    let resp = search(&SearchRequest::new("session about remittances").limit(6));
    assert_eq!(resp.hits[0].record.id, "003_896af30beb401831#session-7");
    assert!(resp.hits[1..6].iter().all(|h| h.record.parent.as_deref() == Some("003_896af30beb401831#session-7")));
    let es = search(&SearchRequest::new("sesión sobre remesas").limit(3));
    assert_eq!(es.hits[0].record.id, "006_plenaria_crm_csm_2024_es#session-7");
    // "session 5" names a session: the words stay words, the session leads
    let five = search(&SearchRequest::new("session 5").limit(3));
    assert_eq!(five.hits[0].record.id, "003_896af30beb401831#session-5");
}

#[test]
fn the_cli_shows_the_twin_under_its_hit_and_no_group_lists_both() {
    let out = run_shared(&["search", "remesas", "--limit", "1"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.starts_with("6 results for \"remesas\""), "{text}");
    assert!(
        text.contains(
            "     id: 006_plenaria_crm_csm_2024_es#session-7\n     also in English: Session 7: Costs of sending \
             remittances · id: 003_896af30beb401831#session-7\n"
        ),
        "{text}"
    );
    let out = run_shared(&["search", "remesas", "--limit", "2", "--no-group"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("12 results for \"remesas\""), "{text}");
    assert!(!text.contains("also in English"), "{text}");
    let json = search_json(&["remesas", "--limit", "1"]);
    let hit: &Value = &json["hits"][0];
    assert_eq!(hit["twin"], "003_896af30beb401831#session-7");
    assert_eq!(hit["also"]["id"], "003_896af30beb401831#session-7");
    assert_eq!(hit["also"]["lang"], "en");
    let english = run_shared(&["search", "remittances", "--limit", "1"]);
    assert!(String::from_utf8_lossy(&english.stdout)
        .contains("     también en español: Sesión 7: Costos del envío de remesas"));
    let json = search_json(&["remesas", "--limit", "1", "--no-group"]);
    assert!(json["hits"][0].get("also").is_none() && json["hits"][0]["twin"].is_string());
}
