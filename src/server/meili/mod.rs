//! A Meilisearch-compatible read surface over the index uid `sections`, so that the official
//! clients and InstantSearch front-ends work unchanged. Errors are `{message, code, type,
//! link}` with Meilisearch's codes and statuses. Permissive CORS here only.

mod filter;
mod format;
mod info;
mod search;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{Failure, Shared};

/// The one index uid.
pub const UID: &str = "sections";

/// The paths of this surface (for errors in its shape).
pub fn is_meili_path(path: &str) -> bool {
    ["/indexes", "/multi-search", "/stats", "/version", "/health", "/keys", "/tasks"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// The routes of this surface.
pub fn routes() -> Router<Shared> {
    let cors = tower_http::cors::CorsLayer::permissive();
    Router::new()
        .route("/indexes/{uid}/search", get(search_get).post(search_post))
        .route("/indexes/{uid}/facet-search", axum::routing::post(facet_search))
        .route("/indexes/{uid}/settings", get(settings))
        .route("/indexes/{uid}/settings/{name}", get(setting))
        .route("/indexes/{uid}/stats", get(index_stats))
        .route("/stats", get(all_stats))
        .route("/multi-search", axum::routing::post(multi_search))
        .route(
            "/indexes",
            get(|| async { Json(json!({"results": [index_object()], "offset": 0, "limit": 20, "total": 1})) }),
        )
        .route("/indexes/{uid}", get(get_index))
        .route(
            "/version",
            get(|| async {
                Json(json!({"commitSha": "consulta", "commitDate": "", "pkgVersion": env!("CARGO_PKG_VERSION")}))
            }),
        )
        .route("/health", get(|| async { Json(json!({"status": "available"})) }))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(cors)
}

fn index_object() -> Value {
    json!({"uid": UID, "primaryKey": "id", "createdAt": null, "updatedAt": null})
}

fn check_uid(uid: &str) -> Result<(), MeiliError> {
    if uid == UID {
        return Ok(());
    }
    Err(MeiliError::new(
        StatusCode::NOT_FOUND,
        "index_not_found",
        "invalid_request",
        format!("Index `{uid}` not found."),
    ))
}

async fn get_index(Path(uid): Path<String>) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    Ok(Json(index_object()))
}

async fn facet_search(
    State(state): State<Shared>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    let body = json_body(&headers, body)?;
    Ok(Json(state.call(move |e| Ok(info::facet_search(e, &body))).await??))
}

async fn settings(Path(uid): Path<String>) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    Ok(Json(info::settings()))
}

/// One setting, `/settings/filterable-attributes` → `filterableAttributes`.
async fn setting(Path((uid, name)): Path<(String, String)>) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    let key: String = name
        .split('-')
        .enumerate()
        .map(|(i, w)| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) if i > 0 => first.to_uppercase().chain(chars).collect(),
                _ => w.to_string(),
            }
        })
        .collect();
    match info::settings().get(&key) {
        Some(v) => Ok(Json(v.clone())),
        None => {
            Err(MeiliError::new(StatusCode::NOT_FOUND, "not_found", "invalid_request", format!("no setting `{name}`")))
        }
    }
}

async fn index_stats(State(state): State<Shared>, Path(uid): Path<String>) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    Ok(Json(state.call(info::index_stats).await?))
}

async fn all_stats(State(state): State<Shared>) -> Result<Json<Value>, MeiliError> {
    Ok(Json(state.call(info::all_stats).await?))
}

impl From<Failure> for MeiliError {
    fn from(f: Failure) -> MeiliError {
        match f {
            Failure::Busy | Failure::TimedOut => MeiliError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "too_many_search_requests",
                "system",
                "busy; try again",
            ),
            Failure::Engine(e) => {
                MeiliError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal", format!("{e:#}"))
            }
        }
    }
}

/// A JSON object body: 415 without a JSON content type, 413 past the cap, 400 otherwise bad.
fn json_body(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Map<String, Value>, MeiliError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            MeiliError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "invalid_request",
                format!("The provided payload reached the size limit of {} bytes.", super::MAX_BODY),
            )
        } else {
            MeiliError::new(StatusCode::BAD_REQUEST, "malformed_payload", "invalid_request", e.body_text())
        }
    })?;
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    match ct {
        None => return Err(MeiliError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "missing_content_type", "invalid_request", "A Content-Type header is missing. Accepted values for the Content-Type header are: `application/json`")),
        Some(ct) if !ct.starts_with("application/json") => return Err(MeiliError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "invalid_content_type", "invalid_request", format!("The Content-Type `{ct}` is invalid. Accepted values for the Content-Type header are: `application/json`"))),
        _ => {}
    }
    if body.is_empty() {
        return Err(MeiliError::new(
            StatusCode::BAD_REQUEST,
            "missing_payload",
            "invalid_request",
            "A json payload is missing.",
        ));
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => {
            Err(MeiliError::new(StatusCode::BAD_REQUEST, "bad_request", "invalid_request", "the body is a JSON object"))
        }
        Err(e) => Err(MeiliError::new(
            StatusCode::BAD_REQUEST,
            "malformed_payload",
            "invalid_request",
            format!("The json payload provided is malformed. `{e}`."),
        )),
    }
}

async fn run_search(state: &Shared, body: Map<String, Value>) -> Result<Value, MeiliError> {
    state.call(move |e| Ok(search::run(e, &body))).await?
}

async fn search_post(
    State(state): State<Shared>,
    Path(uid): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    let body = json_body(&headers, body)?;
    Ok(Json(run_search(&state, body).await?))
}

async fn search_get(
    State(state): State<Shared>,
    Path(uid): Path<String>,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, MeiliError> {
    check_uid(&uid)?;
    let mut body = Map::new();
    for (k, v) in params {
        let value = match k.as_str() {
            "offset" | "limit" | "page" | "hitsPerPage" | "cropLength" => {
                v.parse::<u64>().map(Value::from).unwrap_or(Value::String(v))
            }
            "showMatchesPosition" | "showRankingScore" => Value::Bool(v == "true"),
            _ => Value::String(v),
        };
        body.insert(k, value);
    }
    Ok(Json(run_search(&state, body).await?))
}

async fn multi_search(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, MeiliError> {
    let body = json_body(&headers, body)?;
    let Some(Value::Array(queries)) = body.get("queries") else {
        return Err(MeiliError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "invalid_request",
            "Missing field `queries`",
        ));
    };
    let mut results = Vec::new();
    for (i, q) in queries.iter().enumerate() {
        let Value::Object(mut q) = q.clone() else {
            return Err(MeiliError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "invalid_request",
                format!("Inside `.queries[{i}]`: a query is an object"),
            ));
        };
        let uid = q.remove("indexUid").and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        check_uid(&uid).map_err(|e| e.inside(i))?;
        let mut answer = run_search(&state, q).await.map_err(|e| e.inside(i))?;
        answer["indexUid"] = json!(uid);
        results.push(answer);
    }
    Ok(Json(json!({"results": results})))
}

/// An error in Meilisearch's shape.
#[derive(Debug, Serialize)]
pub struct MeiliError {
    #[serde(skip)]
    status: StatusCode,
    message: String,
    code: String,
    #[serde(rename = "type")]
    kind: &'static str,
    link: String,
}

impl MeiliError {
    /// An error with this status, code, type (`invalid_request`, `auth`, `system`,
    /// `internal`) and message.
    pub fn new(status: StatusCode, code: &str, kind: &'static str, message: impl Into<String>) -> MeiliError {
        MeiliError {
            status,
            message: message.into(),
            code: code.to_string(),
            kind,
            link: format!("https://docs.meilisearch.com/errors#{code}"),
        }
    }
}

impl MeiliError {
    fn inside(mut self, i: usize) -> MeiliError {
        self.message = format!("Inside `.queries[{i}]`: {}", self.message);
        self
    }
}

impl IntoResponse for MeiliError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

/// Unknown paths of this surface.
pub async fn not_found(method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return method_not_allowed(method, uri).await;
    }
    MeiliError::new(StatusCode::NOT_FOUND, "not_found", "invalid_request", format!("no route {}", uri.path()))
        .into_response()
}

/// Write calls and other methods.
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("{method} {} is not supported: this server is a read-only search surface", uri.path());
    MeiliError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "invalid_request", message).into_response()
}
