//! The server's own JSON API: the CLI's `--json` objects over HTTP. `GET /api/search` answers
//! exactly what `consulta search --json` prints for the same request; errors are
//! `{"error": {"code", "message"}}` with a status that says whose fault it is.

use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::{safe_name, Failure, Shared, MAX_LIMIT, MAX_QUERY};
use crate::engine::ReindexOptions;
use crate::error::Error;
use crate::model::{Dimension, Lang};
use crate::query::{Hit, SearchRequest};

/// The routes of this API.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/records/{id}", get(record))
        .route("/api/docs/{doc}", get(outline))
        .route("/api/lookup/{name}", get(lookup))
        .route("/api/sessions/{session}", get(sessions))
        .route("/api/acronyms", get(acronyms))
        .route("/api/analyze", get(analyze))
        .route("/api/stats", get(stats))
        .route("/api/reindex", post(reindex))
        .route("/reindex", post(reindex))
}

/// An error of this API: a status and `{"error": {"code", "message"}}`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// An error with this status, machine-readable code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    fn bad(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body<'a> {
            error: Inner<'a>,
        }
        #[derive(Serialize)]
        struct Inner<'a> {
            code: &'a str,
            message: &'a str,
        }
        let body = Json(Body { error: Inner { code: self.code, message: &self.message } });
        let mut response = (self.status, body).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> ApiError {
        let unavailable = |code, message: String| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, message);
        match f {
            Failure::Busy => unavailable("busy", "too many requests at once; try again".into()),
            Failure::TimedOut => unavailable("timeout", "the request took too long; narrow it".into()),
            Failure::Engine(e @ Error::Usage(_)) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_request", format!("{e:#}"))
            }
            Failure::Engine(e @ Error::Locked(_)) => unavailable("index_locked", format!("{e:#}")),
            Failure::Engine(e @ (Error::Damaged { .. } | Error::IndexVersion { .. })) => {
                unavailable("index_unavailable", format!("{e:#}"))
            }
            Failure::Engine(e) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", format!("{e:#}")),
        }
    }
}

type Answer<T> = Result<Json<T>, ApiError>;

/// The 404 of every unknown path (in the shape of the surface the path belongs to).
pub async fn not_found(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    if super::meili::is_meili_path(uri.path()) {
        return super::meili::not_found(method, uri).await;
    }
    ApiError::not_found(format!("no such endpoint {:?}; see /api/search, /api/records/ID, /api/stats", uri.path()))
        .into_response()
}

/// The 405 of a known path called with another method.
pub async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    if super::meili::is_meili_path(uri.path()) {
        return super::meili::method_not_allowed(method, uri).await;
    }
    let message = format!("{method} is not allowed on {}; the server is read-only", uri.path());
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message).into_response()
}

fn query_error(e: QueryRejection) -> ApiError {
    ApiError::bad("invalid_parameter", format!("unreadable query string: {}", e.body_text()))
}

fn path_name(p: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(name) = p.map_err(|e| ApiError::bad("invalid_parameter", e.body_text()))?;
    safe_name(&name).map_err(|m| ApiError::bad("invalid_name", m))?;
    Ok(name)
}

/// `q`/`query`, `limit`, `offset`, `expand`, `group`, `facet_limit` and any facet dimension by name
/// (repeatable) → the request `consulta search` would make.
fn search_request(params: Vec<(String, String)>) -> Result<SearchRequest, ApiError> {
    let number = |name: &str, v: &str| {
        v.trim().parse::<usize>().map_err(|_| {
            ApiError::bad("invalid_parameter", format!("{name}={v:?} is not a whole number of at least 0"))
        })
    };
    let boolean = |name: &str, v: &str| match v {
        "true" | "1" | "" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(ApiError::bad("invalid_parameter", format!("{name}={v:?}: use true or false"))),
    };
    let mut req = SearchRequest::default();
    let mut words = Vec::new();
    for (name, value) in params {
        match name.as_str() {
            "q" | "query" => words.push(value),
            "limit" => req.limit = number("limit", &value)?,
            "offset" => req.offset = number("offset", &value)?,
            "facet_limit" => req.facet_limit = Some(number("facet_limit", &value)?).filter(|&n| n > 0),
            "expand" => req.expand = boolean("expand", &value)?,
            "group" => req.group = boolean("group", &value)?,
            other => match Dimension::parse(other) {
                Some(dim) => req.filters.entry(dim).or_default().push(value),
                None => {
                    let dims: Vec<&str> = Dimension::FACETS.iter().map(|d| d.name()).collect();
                    return Err(ApiError::bad(
                        "unknown_parameter",
                        format!(
                            "unknown parameter {other:?}; use q, limit, offset, expand, group, facet_limit or a facet: {}",
                            dims.join(", ")
                        ),
                    ));
                }
            },
        }
    }
    req.query = words.join(" ");
    if req.query.len() > MAX_QUERY {
        return Err(ApiError::bad(
            "query_too_long",
            format!("the query is {} bytes; at most {MAX_QUERY} are searched", req.query.len()),
        ));
    }
    if req.limit > MAX_LIMIT {
        return Err(ApiError::bad(
            "limit_too_large",
            format!("limit={} asks for more than {MAX_LIMIT} hits", req.limit),
        ));
    }
    Ok(req)
}

async fn search(State(state): State<Shared>, params: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Response {
    let answer: Answer<_> = async {
        let req = search_request(params.map_err(query_error)?.0)?;
        Ok(Json(state.call(move |e| e.search(&req)).await?))
    }
    .await;
    answer.into_response()
}

async fn record(State(state): State<Shared>, id: Result<Path<String>, PathRejection>) -> Answer<Hit> {
    let id = path_name(id)?;
    let wanted = id.clone();
    match state.call(move |e| e.record(&wanted)).await? {
        Some(r) => Ok(Json(Hit::listed(r))),
        None => Err(ApiError::not_found(format!("no record {id:?}; ids look like 003_896af30beb401831#session-5"))),
    }
}

async fn outline(
    State(state): State<Shared>,
    doc: Result<Path<String>, PathRejection>,
) -> Answer<crate::engine::Outline> {
    let doc = path_name(doc)?;
    let wanted = doc.clone();
    match state.call(move |e| e.outline(&wanted)).await? {
        Some(o) => Ok(Json(o)),
        None => Err(ApiError::not_found(format!("no document {doc:?} in the index"))),
    }
}

async fn lookup(
    State(state): State<Shared>,
    name: Result<Path<String>, PathRejection>,
) -> Answer<crate::engine::EntityProfile> {
    let name = path_name(name)?;
    match state.call(move |e| e.mechanism_profile(&name)).await {
        Err(Failure::Engine(Error::Usage(m))) => Err(ApiError::not_found(m)),
        other => Ok(Json(other?)),
    }
}

async fn sessions(
    State(state): State<Shared>,
    s: Result<Path<String>, PathRejection>,
) -> Answer<Vec<crate::engine::SessionProfile>> {
    let session = path_name(s)?;
    let wanted = session.clone();
    let profiles = match state.call(move |e| e.session_profile(&wanted)).await {
        Err(Failure::Engine(Error::Usage(m))) => return Err(ApiError::not_found(m)),
        other => other?,
    };
    if profiles.is_empty() {
        return Err(ApiError::not_found(format!("no session {session:?} in any report")));
    }
    Ok(Json(profiles))
}

async fn acronyms(State(state): State<Shared>) -> Answer<Vec<crate::engine::Acronym>> {
    Ok(Json(state.call(|e| e.acronyms()).await?))
}

async fn analyze(
    State(state): State<Shared>,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Answer<crate::engine::Analysis> {
    let (mut text, mut lang) = (None, None);
    for (name, value) in params.map_err(query_error)?.0 {
        match name.as_str() {
            "text" => text = Some(value),
            "lang" => {
                lang = Some(
                    Lang::parse(&value)
                        .ok_or_else(|| ApiError::bad("invalid_parameter", format!("lang={value:?}: use en or es")))?,
                )
            }
            other => {
                return Err(ApiError::bad(
                    "unknown_parameter",
                    format!("unknown parameter {other:?}; use text and lang"),
                ))
            }
        }
    }
    let text =
        text.filter(|t| !t.trim().is_empty()).ok_or_else(|| ApiError::bad("missing_parameter", "give text=…"))?;
    if text.len() > MAX_QUERY {
        return Err(ApiError::bad(
            "query_too_long",
            format!("text is {} bytes; at most {MAX_QUERY} are analyzed", text.len()),
        ));
    }
    Ok(Json(state.call(move |_| Ok(crate::engine::Engine::analyze(&text, lang))).await?))
}

async fn stats(State(state): State<Shared>) -> Answer<crate::engine::Stats> {
    Ok(Json(state.call(|e| e.stats()).await?))
}

async fn reindex(State(state): State<Shared>) -> Answer<crate::reindex::IndexReport> {
    if !state.options.allow_reindex {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "reindex_disabled",
            "this server is read-only; start it with --allow-reindex, or run `consulta index` beside it",
        ));
    }
    // an index run may take minutes: it runs outside the request timeout and limit
    let engine = Arc::clone(&state.engine);
    let report = tokio::task::spawn_blocking(move || engine.reindex(ReindexOptions::default(), &mut |_| {}))
        .await
        .map_err(|e| Failure::Engine(Error::internal(format!("the reindex worker failed: {e}"))))?;
    Ok(Json(report.map_err(Failure::Engine)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn query_strings_become_the_cli_request() {
        let req =
            search_request(params(&[("q", "remesas"), ("mechanism", "CSM"), ("mechanism", "RCM"), ("limit", "5")]))
                .unwrap();
        assert_eq!(
            req,
            SearchRequest::new("remesas")
                .limit(5)
                .filter(Dimension::Mechanism, "CSM")
                .filter(Dimension::Mechanism, "RCM")
        );
        assert_eq!(search_request(params(&[("limit", "1e9")])).unwrap_err().code, "invalid_parameter");
        assert_eq!(search_request(params(&[("limit", "1000000000")])).unwrap_err().code, "limit_too_large");
        assert_eq!(search_request(params(&[("nope", "x")])).unwrap_err().code, "unknown_parameter");
        assert_eq!(search_request(params(&[("q", &"a".repeat(2000))])).unwrap_err().code, "query_too_long");
    }
}
