//! The questions of issue 19 as a user types them: each behaves as a user would expect.
//!
//! help: a failure names the query; `consulta search --json QUERY` shows the expansions that
//! fired and the `relaxed` words.

use serde_json::Value;

use crate::util::{run_shared, search_json};

fn ids(resp: &Value) -> Vec<String> {
    resp["hits"].as_array().expect("hits").iter().map(|h| h["id"].as_str().expect("id").to_string()).collect()
}

fn expansions(resp: &Value) -> Vec<(String, String)> {
    resp["expansions"]
        .as_array()
        .expect("expansions")
        .iter()
        .flat_map(|e| {
            let kind = e["kind"].as_str().expect("kind").to_string();
            e["to"].as_array().expect("to").iter().map(move |t| (kind.clone(), t.as_str().expect("to").to_string()))
        })
        .collect()
}

#[test]
fn a_question_finds_its_topic_not_its_question_words() {
    let resp = search_json(&["--limit", "5", "--", "what did countries share about labour migration?"]);
    let top = ids(&resp);
    assert!(
        !top.iter().take(3).any(|id| id.contains("practice-"))
            || top.iter().take(3).any(|id| {
                let hit = resp["hits"].as_array().expect("hits").iter().find(|h| h["id"] == *id.as_str()).expect("hit");
                hit["text"].as_str().expect("text").to_lowercase().contains("labo")
            }),
        "a practice about intelligence sharing no longer leads: {top:?}"
    );
    assert!(
        resp["hits"][0]["text"].as_str().expect("text").to_lowercase().contains("labo"),
        "the first hit is about labour: {}",
        resp["hits"][0]["heading"]
    );
    assert!(
        expansions(&resp).iter().all(|(_, to)| !["what", "did"].contains(&to.as_str())),
        "question words are not expanded"
    );
}

#[test]
fn british_and_american_spellings_meet() {
    let british = ids(&search_json(&["--limit", "5", "labour migration"]));
    let american = ids(&search_json(&["--limit", "5", "labor migration"]));
    assert_eq!(british, american);
    assert!(british.iter().filter(|id| id.contains("practice-")).count() >= 2, "the labour practices: {british:?}");
    let a = ids(&search_json(&["--limit", "5", "organisation of migration programmes"]));
    let b = ids(&search_json(&["--limit", "5", "organization of migration programs"]));
    assert_eq!(a, b);
}

#[test]
fn a_question_about_funding_finds_the_passage_on_funding() {
    let resp = search_json(&["--limit", "5", "How is the SACM funded?"]);
    let texts: Vec<String> = resp["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["text"].as_str().expect("text").to_lowercase())
        .collect();
    assert!(resp["total"].as_u64() > Some(1), "more than one hit: {resp}");
    assert!(texts.iter().take(3).any(|t| t.contains("fund") || t.contains("financ")), "{:?}", ids(&resp));
}

#[test]
fn a_spanish_verb_is_no_false_friend_and_an_unaccented_word_is_no_typo() {
    let resp = search_json(&["--limit", "3", "¿Qué países integran la CSM?"]);
    assert!(!expansions(&resp).iter().any(|(_, to)| to.contains("integration")), "{:?}", expansions(&resp));
    for word in ["reserva", "ciudadania"] {
        let resp = search_json(&["--limit", "3", word]);
        assert!(!expansions(&resp).iter().any(|(kind, _)| kind == "typo"), "{word}: {:?}", expansions(&resp));
    }
}

#[test]
fn a_long_query_says_which_words_it_let_go() {
    let resp = search_json(&["--limit", "5", "fondo de reserva retorno voluntario Proceso de Puebla"]);
    let relaxed = resp["relaxed"].as_array().expect("the words some hits lack are named");
    assert!(!relaxed.is_empty(), "{resp}");
    let out = run_shared(&["search", "fondo de reserva retorno voluntario Proceso de Puebla", "--limit", "3"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("few records hold every word"));
}

#[test]
fn a_name_only_one_language_uses_finds_both_records() {
    // the Spanish report names the Colombian plan in Spanish only; its English twin record
    // follows it, and with --lang en it is found on its own
    let resp = search_json(&["--limit", "10", "--lang", "en", "Gobierno en Terreno"]);
    assert!(!ids(&resp).is_empty(), "{resp}");
    assert!(ids(&resp).iter().all(|id| id.starts_with("003_") || id.starts_with("000_") || id.starts_with("00")));
    // one hit: the Spanish record, its English twin under it
    let resp = search_json(&["--limit", "10", "Gobierno en Terreno"]);
    let mut both = ids(&resp);
    both.extend(
        resp["hits"].as_array().expect("hits").iter().filter_map(|h| h["also"]["id"].as_str().map(String::from)),
    );
    assert!(both.iter().any(|id| id.starts_with("006_")) && both.iter().any(|id| id.starts_with("003_")), "{both:?}");
}

#[test]
fn unknown_filter_values_say_what_was_meant() {
    let out = run_shared(&["search", "remesas", "--mechanism", "CMS"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean CSM?"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_shared(&["search", "remesas", "--country", "Narnia"]);
    assert_eq!(out.status.code(), Some(2));
    let resp = search_json(&["--doc", "006_plenaria_crm_csm_2024_es", "remesas"]);
    assert!(ids(&resp).iter().all(|id| id.starts_with("006_")) && !ids(&resp).is_empty());
}

#[test]
fn roman_numerals_and_glosses_are_not_mined_as_acronyms() {
    let out = run_shared(&["acronyms", "--json"]);
    let rows: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mined: Vec<&Value> = rows.as_array().expect("rows").iter().filter(|r| r["source"] == "mined").collect();
    assert!(mined.iter().all(|r| !["XXII", "XIX", "IV", "V"].contains(&r["acronym"].as_str().unwrap_or_default())));
    for r in &mined {
        for name in r["names"].as_array().expect("names") {
            let name = name.as_str().expect("name");
            assert!(!(name.contains("System") && name.contains("Sistema")), "a gloss in {name}");
        }
    }
}

#[test]
fn a_name_only_the_other_languages_report_uses_is_found_word_by_word() {
    // 006 (Spanish) calls Venezuela's plan "Plan Vuelta a la Patria"; typed in English, with
    // the Spanish records only
    let resp = search_json(&["--limit", "3", "--lang", "es", "Return to Homeland plan"]);
    let text = resp["hits"][0]["text"].as_str().expect("text");
    assert!(text.contains("Plan Vuelta a la Patria"), "the Spanish record of the plan leads: {:?}", ids(&resp));
    assert!(expansions(&resp).contains(&("translation".into(), "patria".into())), "{:?}", expansions(&resp));
    // the curated concept comes first: a word naming one is not translated as well
    let resp = search_json(&["--limit", "1", "remesas"]);
    assert!(expansions(&resp).iter().all(|(kind, _)| kind != "translation"), "{:?}", expansions(&resp));
}

#[test]
fn a_british_name_names_its_entity() {
    let resp = search_json(&["--limit", "3", "Organisation of American States"]);
    assert!(expansions(&resp).contains(&("entity".into(), "OAS".into())), "{:?}", expansions(&resp));
}

#[test]
fn a_generic_verb_of_a_question_is_the_first_word_let_go() {
    let resp = search_json(&["--limit", "3", "Why do remittances matter for development?"]);
    let text = resp["hits"][0]["text"].as_str().expect("text").to_lowercase();
    assert!(
        text.contains("remittance") || text.contains("remesa"),
        "the first hit is about remittances: {}",
        resp["hits"][0]["heading"]
    );
    let relaxed: Vec<&str> =
        resp["relaxed"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    assert!(!relaxed.contains(&"remittances"), "the topic word is kept: {relaxed:?}");
}

#[test]
fn a_mistyped_word_brings_the_concept_of_the_word_meant() {
    let resp = search_json(&["--limit", "3", "smugling"]);
    assert!(
        expansions(&resp).contains(&("concept".into(), "tráfico ilícito de migrantes".into())),
        "{:?}",
        expansions(&resp)
    );
    let headings: Vec<&str> =
        resp["hits"].as_array().expect("hits").iter().map(|h| h["heading"].as_str().expect("heading")).collect();
    // the session on smuggling leads (its twin grouped under it)
    assert!(headings[0].contains("Smuggling") || headings[0].contains("Tráfico"), "{headings:?}");
}

#[test]
fn a_list_of_acronyms_ranks_below_the_passages_about_a_topic() {
    let resp = search_json(&["--limit", "3", "smuggling"]);
    let headings: Vec<&str> =
        resp["hits"].as_array().expect("hits").iter().map(|h| h["heading"].as_str().expect("heading")).collect();
    assert!(!headings.iter().any(|h| h.to_lowercase().contains("acronym")), "{headings:?}");
}

#[test]
fn a_word_neither_list_knows_is_translated_from_the_twin_documents() {
    // "desarticular" is in no thesaurus or lexicon line; 006 and its English twin 003 say it as
    // "disrupt" in the same place of the same records
    let resp = search_json(&["--limit", "3", "--lang", "en", "desarticular"]);
    assert!(expansions(&resp).contains(&("mined".into(), "disrupt".into())), "{:?}", expansions(&resp));
    let text = resp["hits"][0]["text"].as_str().expect("text");
    assert!(text.contains("disrupt"), "an English record saying it leads: {:?}", ids(&resp));
    // numbers are the same in both languages: nothing is mined for them
    let resp = search_json(&["--limit", "1", "4"]);
    assert!(expansions(&resp).iter().all(|(kind, _)| kind != "mined"), "{:?}", expansions(&resp));
}
