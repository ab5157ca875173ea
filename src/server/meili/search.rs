//! `POST`/`GET /indexes/{uid}/search` and `POST /multi-search`: a Meilisearch search request →
//! the engine's [`SearchRequest`] → a Meilisearch response whose hits are the CLI's records.

use serde_json::{json, Map, Value};

use super::format::Format;
use super::{filter, MeiliError};
use crate::engine::Engine;
use crate::model::Dimension;
use crate::query::{Order, SearchRequest};
use crate::server::{MAX_LIMIT, MAX_QUERY};

const FIELDS: &[&str] = &[
    "q",
    "offset",
    "limit",
    "page",
    "hitsPerPage",
    "filter",
    "facets",
    "attributesToRetrieve",
    "attributesToHighlight",
    "highlightPreTag",
    "highlightPostTag",
    "attributesToCrop",
    "cropLength",
    "cropMarker",
    "showMatchesPosition",
    "matchingStrategy",
    "sort",
    "showRankingScore",
    "indexUid",
    "attributesToSearchOn",
    "showRankingScoreDetails",
    "rankingScoreThreshold",
    "locales",
    "distinct",
];

pub(super) fn invalid(field: &str, message: impl Into<String>) -> MeiliError {
    let code = format!("invalid_search_{}", snake(field));
    MeiliError::new(axum::http::StatusCode::BAD_REQUEST, &code, "invalid_request", message)
}

fn snake(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect()
}

pub(super) fn number(body: &Map<String, Value>, field: &str) -> Result<Option<usize>, MeiliError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(|n| Some(n as usize)).ok_or_else(|| {
            invalid(field, format!("Invalid value type at `.{field}`: expected a positive integer, but found `{v}`."))
        }),
    }
}

pub(super) fn strings(body: &Map<String, Value>, field: &str) -> Result<Option<Vec<String>>, MeiliError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(|| invalid(field, format!("`.{field}` holds strings"))))
            .collect::<Result<_, _>>()
            .map(Some),
        Some(Value::String(s)) => Ok(Some(s.split(',').map(|x| x.trim().to_string()).collect())),
        Some(v) => Err(invalid(field, format!("`.{field}` is an array of strings, not `{v}`"))),
    }
}

/// The engine request of a search (or facet-search) body's `q`, `filter`, `sort` and
/// `matchingStrategy`, for every record it matches (the page is the caller's).
pub(super) fn request(body: &Map<String, Value>, q: String) -> Result<SearchRequest, MeiliError> {
    let condition = filter::from_json(body.get("filter").unwrap_or(&Value::Null)).map_err(|m| invalid("filter", m))?;
    let order = match strings(body, "sort")?.as_deref() {
        None | Some([]) => Order::Relevance,
        Some([s]) if s == "year:asc" => Order::YearAsc,
        Some([s]) if s == "year:desc" => Order::YearDesc,
        Some(other) => return Err(invalid("sort", format!("only `year:asc` or `year:desc` sort, not {other:?}"))),
    };
    // Meilisearch's strategies on the engine's matching: `all` keeps only records holding every
    // word (under any of its expansions; no graded pass, no twins brought along). `last` (Meilisearch's default, dropping words from the end of the query)
    // and `frequency` (dropping the most frequent words first) are both the engine's own
    // graded matching, which, when fewer than 20 records hold every word, lets records miss
    // the least important words, by how many records each word matches (IDF): `frequency`
    // exactly, `last` by importance rather than by position in the query.
    let every_word = match body.get("matchingStrategy") {
        None | Some(Value::Null) => false,
        Some(Value::String(m)) if m == "all" => true,
        Some(Value::String(m)) if m == "last" || m == "frequency" => false,
        Some(m) => return Err(invalid("matchingStrategy", format!("`{m}`: use all, last or frequency"))),
    };
    // Meilisearch clients expect one hit per document (`distinctAttribute` is null): no twins grouped
    Ok(SearchRequest { query: q, condition, browse: true, order, every_word, group: false, ..SearchRequest::default() })
}

/// Runs one search request on the engine (on a blocking thread already).
pub fn run(engine: &Engine, body: &Map<String, Value>) -> Result<Value, MeiliError> {
    if let Some(unknown) = body.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(MeiliError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "bad_request",
            "invalid_request",
            format!("Unknown field `{unknown}`: expected one of {}", FIELDS.join(", ")),
        ));
    }
    let started = std::time::Instant::now();
    let q = match body.get("q") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => return Err(invalid("q", format!("`.q` is a string, not `{v}`"))),
    };
    if q.len() > MAX_QUERY {
        return Err(invalid("q", format!("the query is {} bytes; at most {MAX_QUERY} are searched", q.len())));
    }
    let (page, per_page) = (number(body, "page")?, number(body, "hitsPerPage")?);
    let paged = page.is_some() || per_page.is_some();
    let (offset, limit) = if paged {
        let per = per_page.unwrap_or(20).min(MAX_LIMIT);
        (page.unwrap_or(1).max(1).saturating_sub(1).saturating_mul(per), per)
    } else {
        (number(body, "offset")?.unwrap_or(0), number(body, "limit")?.unwrap_or(20).min(MAX_LIMIT))
    };
    if offset.saturating_add(limit) > crate::query::MAX_WINDOW {
        return Err(invalid(
            "offset",
            format!("offset {offset} with limit {limit} pages past the first {} hits", crate::query::MAX_WINDOW),
        ));
    }
    let mut req = request(body, q.clone())?;
    (req.offset, req.limit) = (offset, limit);
    let facets: Vec<Dimension> = match strings(body, "facets")? {
        None => Vec::new(),
        Some(names) if names.iter().any(|n| n == "*") => Dimension::FACETS.to_vec(),
        Some(names) => names
            .iter()
            .map(|n| Dimension::parse(n).ok_or_else(|| invalid("facets", format!("attribute `{n}` is not filterable"))))
            .collect::<Result<_, _>>()?,
    };
    let format = Format::parse(body)?;
    let resp = engine.search(&req).map_err(|e| invalid("q", format!("{e:#}")))?;
    let retrieve = strings(body, "attributesToRetrieve")?;
    let hits: Vec<Value> = resp
        .hits
        .iter()
        .map(|h| {
            let all = match serde_json::to_value(&h.record) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            let mut doc = all.clone();
            if let Some(keep) = &retrieve {
                if !keep.iter().any(|k| k == "*") {
                    doc.retain(|k, _| keep.contains(k));
                }
            }
            format.apply(&q, h.record.lang, &mut doc, &all);
            Value::Object(doc)
        })
        .collect();
    let total = resp.total.min(1000);
    let mut out = json!({"hits": hits, "query": q, "processingTimeMs": started.elapsed().as_millis() as u64});
    if paged {
        out["hitsPerPage"] = json!(limit);
        out["page"] = json!(page.unwrap_or(1).max(1));
        out["totalPages"] = json!(if limit == 0 { 0 } else { total.div_ceil(limit) });
        out["totalHits"] = json!(total);
    } else {
        out["limit"] = json!(limit);
        out["offset"] = json!(offset);
        out["estimatedTotalHits"] = json!(total);
    }
    if !facets.is_empty() {
        let dist: Map<String, Value> = facets
            .iter()
            .map(|d| (d.name().to_string(), json!(resp.facets.get(d).cloned().unwrap_or_default())))
            .collect();
        out["facetDistribution"] = Value::Object(dist);
    }
    Ok(out)
}
