//! The Meilisearch calls around a search: `POST /indexes/{uid}/facet-search` (facet values
//! whose words start like the facet query, among the records a search matches),
//! `GET /indexes/{uid}/settings` (what this index does, told in Meilisearch's settings terms),
//! `GET /indexes/{uid}/stats` and `GET /stats`.

use serde_json::{json, Map, Value};

use super::search::{invalid, request};
use super::MeiliError;
use crate::engine::Engine;
use crate::model::Dimension;
use crate::query::SearchRequest;
use crate::server::MAX_QUERY;

/// The searchable fields of a record, most important first (heading and title are boosted
/// over the body; mechanisms and countries are found through the names the text uses).
const SEARCHABLE: &[&str] = &["heading", "title", "text"];

/// Meilisearch's `maxValuesPerFacet` here: the engine's default facet limit.
const MAX_FACET_VALUES: usize = crate::query::DEFAULT_FACET_LIMIT;

/// `POST /indexes/{uid}/facet-search`: `{facetName, facetQuery?, q?, filter?, matchingStrategy?,
/// …}` → `{facetHits: [{value, count}], facetQuery, processingTimeMs}`. Fields a search takes
/// that do not narrow the records (paging, highlighting) are accepted and ignored, as
/// Meilisearch does.
pub fn facet_search(engine: &Engine, body: &Map<String, Value>) -> Result<Value, MeiliError> {
    let started = std::time::Instant::now();
    let name = match body.get("facetName") {
        None | Some(Value::Null) => {
            return Err(MeiliError::new(
                axum::http::StatusCode::BAD_REQUEST,
                "missing_facet_search_facet_name",
                "invalid_request",
                "Missing field `facetName`",
            ))
        }
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(facet_name_error(format!("`.facetName` is a string, not `{v}`"))),
    };
    let dim = Dimension::parse(&name).filter(|d| d.is_facet()).ok_or_else(|| {
        let names: Vec<&str> = Dimension::FACETS.iter().map(|d| d.name()).collect();
        facet_name_error(format!(
            "Attribute `{name}` is not facet-searchable. Available facet-searchable attributes are: `{}`.",
            names.join(", ")
        ))
    })?;
    let facet_query = match body.get("facetQuery") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => return Err(invalid("facetQuery", format!("`.facetQuery` is a string, not `{v}`"))),
    };
    let q = match body.get("q") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if s.len() <= MAX_QUERY => s.clone(),
        Some(Value::String(s)) => {
            return Err(invalid("q", format!("the query is {} bytes; at most {MAX_QUERY} are searched", s.len())))
        }
        Some(v) => return Err(invalid("q", format!("`.q` is a string, not `{v}`"))),
    };
    let req = request(body, q)?;
    let values = engine
        .facet_values(&req, dim, facet_query.as_deref().unwrap_or(""))
        .map_err(|e| invalid("q", format!("{e:#}")))?;
    let hits: Vec<Value> = values
        .into_iter()
        .take(MAX_FACET_VALUES)
        .map(|(value, count)| json!({"value": value, "count": count}))
        .collect();
    Ok(json!({"facetHits": hits, "facetQuery": facet_query, "processingTimeMs": started.elapsed().as_millis() as u64}))
}

fn facet_name_error(message: String) -> MeiliError {
    MeiliError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_facet_search_facet_name", "invalid_request", message)
}

/// `GET /indexes/{uid}/settings`: the settings a Meilisearch index would need to behave as
/// this one does. Read-only: they describe the engine, they do not configure it.
pub fn settings() -> Value {
    let facets: Vec<&str> = Dimension::FACETS.iter().map(|d| d.name()).collect();
    json!({
        "displayedAttributes": ["*"],
        "searchableAttributes": SEARCHABLE,
        "filterableAttributes": facets,
        "sortableAttributes": ["year"],
        // relevance: graded matching by word importance, then BM25 with field and phrase
        // boosts; `sort` on year replaces it
        "rankingRules": ["words", "attribute", "exactness", "proximity", "sort"],
        "stopWords": [],
        "nonSeparatorTokens": [],
        "separatorTokens": [],
        "dictionary": [],
        // the glossary and the thesaurus expand queries in both languages
        "synonyms": {},
        "distinctAttribute": null,
        "proximityPrecision": "byWord",
        "typoTolerance": {
            "enabled": true,
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnWords": [],
            "disableOnAttributes": [],
            "disableOnNumbers": true
        },
        "faceting": {"maxValuesPerFacet": MAX_FACET_VALUES, "sortFacetValuesBy": {"*": "count"}},
        "pagination": {"maxTotalHits": crate::query::MAX_WINDOW},
        "embedders": {},
        "searchCutoffMs": null,
        "localizedAttributes": [{"attributePatterns": ["*"], "locales": ["eng", "spa"]}],
        "facetSearch": true,
        "prefixSearch": "disabled"
    })
}

/// `GET /indexes/{uid}/stats`: records (Meilisearch's documents) and how many hold each field.
/// Every record has every field but `session` and `year` (counted from their facets) and
/// `parent`, `roadmap` and `pages` (kind-specific, not counted: left out).
pub fn index_stats(engine: &Engine) -> crate::error::Result<Value> {
    let stats = engine.stats()?;
    let all = engine.search(&SearchRequest {
        limit: 0,
        facet_limit: None,
        browse: true,
        group: false,
        ..SearchRequest::default()
    })?;
    let mut fields = Map::new();
    for f in ["id", "doc", "title", "heading", "kind", "mechanisms", "countries", "lang", "doctype", "text"] {
        fields.insert(f.into(), json!(stats.records));
    }
    for (field, dim) in [("session", Dimension::Session), ("year", Dimension::Year)] {
        let held: u64 = all.facets.get(&dim).map_or(0, |c| c.values().sum());
        fields.insert(field.into(), json!(held));
    }
    let average = stats.index_bytes.checked_div(stats.records).unwrap_or(0);
    Ok(json!({
        "numberOfDocuments": stats.records,
        "rawDocumentDbSize": stats.index_bytes,
        "avgDocumentSize": average,
        "isIndexing": false,
        "numberOfEmbeddings": 0,
        "numberOfEmbeddedDocuments": 0,
        "fieldDistribution": fields
    }))
}

/// `GET /stats`: the index's stats under its uid, the index size and the last commit's time.
pub fn all_stats(engine: &Engine) -> crate::error::Result<Value> {
    let stats = engine.stats()?;
    Ok(json!({
        "databaseSize": stats.index_bytes,
        "usedDatabaseSize": stats.index_bytes,
        "lastUpdate": stats.last_commit.map(rfc3339),
        "indexes": {super::UID: index_stats(engine)?}
    }))
}

/// Seconds since the epoch as an RFC 3339 UTC time (`2025-03-01T12:00:00Z`).
fn rfc3339(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // days since 1970-01-01 to a civil date (Howard Hinnant's algorithm)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_are_utc_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_740_830_400), "2025-03-01T12:00:00Z");
    }
}
