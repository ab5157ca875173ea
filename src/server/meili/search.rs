//! `POST`/`GET /indexes/{uid}/search` and `POST /multi-search`: a Meilisearch search request →
//! the engine's [`SearchRequest`] → a Meilisearch response whose hits are the CLI's records.

use serde_json::{json, Map, Value};

use super::{filter, MeiliError};
use crate::engine::Engine;
use crate::model::{Dimension, Lang};
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

fn invalid(field: &str, message: impl Into<String>) -> MeiliError {
    let code = format!("invalid_search_{}", snake(field));
    MeiliError::new(axum::http::StatusCode::BAD_REQUEST, &code, "invalid_request", message)
}

fn snake(s: &str) -> String {
    s.chars().flat_map(|c| if c.is_uppercase() { vec!['_', c.to_ascii_lowercase()] } else { vec![c] }).collect()
}

fn number(body: &Map<String, Value>, field: &str) -> Result<Option<usize>, MeiliError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_u64().map(|n| Some(n as usize)).ok_or_else(|| {
            invalid(field, format!("Invalid value type at `.{field}`: expected a positive integer, but found `{v}`."))
        }),
    }
}

fn strings(body: &Map<String, Value>, field: &str) -> Result<Option<Vec<String>>, MeiliError> {
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
    let condition = filter::from_json(body.get("filter").unwrap_or(&Value::Null)).map_err(|m| invalid("filter", m))?;
    let order = match strings(body, "sort")?.as_deref() {
        None | Some([]) => Order::Relevance,
        Some([s]) if s == "year:asc" => Order::YearAsc,
        Some([s]) if s == "year:desc" => Order::YearDesc,
        Some(other) => return Err(invalid("sort", format!("only `year:asc` or `year:desc` sort, not {other:?}"))),
    };
    if let Some(Value::String(m)) = body.get("matchingStrategy") {
        if !["all", "last", "frequency"].contains(&m.as_str()) {
            return Err(invalid("matchingStrategy", format!("`{m}`: use all, last or frequency")));
        }
    }
    let facets: Vec<Dimension> = match strings(body, "facets")? {
        None => Vec::new(),
        Some(names) if names.iter().any(|n| n == "*") => Dimension::FACETS.to_vec(),
        Some(names) => names
            .iter()
            .map(|n| Dimension::parse(n).ok_or_else(|| invalid("facets", format!("attribute `{n}` is not filterable"))))
            .collect::<Result<_, _>>()?,
    };
    let req =
        SearchRequest { query: q.clone(), limit, offset, condition, browse: true, order, ..SearchRequest::default() };
    let resp = engine.search(&req).map_err(|e| invalid("q", format!("{e:#}")))?;
    let retrieve = strings(body, "attributesToRetrieve")?;
    let highlight = strings(body, "attributesToHighlight")?;
    let pre = body.get("highlightPreTag").and_then(Value::as_str).unwrap_or("<em>").to_string();
    let post = body.get("highlightPostTag").and_then(Value::as_str).unwrap_or("</em>").to_string();
    let hits: Vec<Value> = resp
        .hits
        .iter()
        .map(|h| {
            let mut doc = match serde_json::to_value(&h.record) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            if let Some(keep) = &retrieve {
                if !keep.iter().any(|k| k == "*") {
                    doc.retain(|k, _| keep.contains(k));
                }
            }
            if let Some(fields) = &highlight {
                let mut formatted = doc.clone();
                for (k, v) in formatted.iter_mut() {
                    if let Value::String(s) = v {
                        if fields.iter().any(|f| f == "*" || f == k) {
                            *s = mark(&q, s, h.record.lang, &pre, &post);
                        }
                    } else if let Value::Number(n) = v {
                        *v = Value::String(n.to_string());
                    }
                }
                doc.insert("_formatted".into(), Value::Object(formatted));
            }
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

/// `text` with the words `q` matches wrapped in the tags.
fn mark(q: &str, text: &str, lang: Lang, pre: &str, post: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (from, to) in Engine::marks(q, text, lang) {
        if from < at {
            continue;
        }
        out.push_str(&text[at..from]);
        out.push_str(pre);
        out.push_str(&text[from..to]);
        out.push_str(post);
        at = to;
    }
    out.push_str(&text[at..]);
    out
}
