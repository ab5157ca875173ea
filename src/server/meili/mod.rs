//! A Meilisearch-compatible read surface over the index uid `sections`, so that the official
//! clients and InstantSearch front-ends work unchanged. Errors are `{message, code, type,
//! link}` with Meilisearch's codes and statuses. Permissive CORS here only.

use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::Shared;

/// The paths of this surface (for errors in its shape).
pub fn is_meili_path(path: &str) -> bool {
    ["/indexes", "/multi-search", "/stats", "/version", "/health", "/keys", "/tasks"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// The routes of this surface.
pub fn routes() -> Router<Shared> {
    Router::new().route("/health", get(|| async { Json(serde_json::json!({"status": "available"})) }))
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

impl IntoResponse for MeiliError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}

/// Unknown paths of this surface.
pub async fn not_found(uri: Uri) -> Response {
    MeiliError::new(StatusCode::NOT_FOUND, "not_found", "invalid_request", format!("no route {}", uri.path()))
        .into_response()
}

/// Write calls and other methods.
pub async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    let message = format!("{method} {} is not supported: this server is a read-only search surface", uri.path());
    MeiliError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "invalid_request", message).into_response()
}
