//! `consulta serve`: an HTTP shell over [`Engine`], like the CLI: it parses a request, calls the
//! engine off the async threads and renders its serde answer. Three surfaces share one engine:
//!
//! - its own JSON API under `/api/` (the CLI's `--json` objects; errors `{error: {code,
//!   message}}`), see [`api`];
//! - the search page at `/`, plain HTML/CSS/JS embedded in the binary, see [`page`];
//! - a Meilisearch-compatible read surface (`/indexes/sections/search`, `/multi-search`, …)
//!   so that existing clients and InstantSearch front-ends work unchanged, see [`meili`].
//!
//! No tantivy and no domain logic here: what a surface needs beyond translation is in the
//! library (`Engine::facet_values`, `Engine::marks`, `query::Condition`, `query::Order`).
//!
//! Safety: loopback by default, read-only (a reindex only with `--allow-reindex`), request
//! bodies capped at [`MAX_BODY`], query text at [`MAX_QUERY`] bytes, pages at
//! [`MAX_LIMIT`] hits; a request whose `Host` is not a loopback name is refused while bound to
//! loopback (DNS rebinding); record and document names with `..`, `/`, `\` or NUL are refused;
//! nothing but the index's answers and the embedded assets is ever served.

pub mod api;
pub mod meili;
pub mod page;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::Semaphore;

use crate::engine::Engine;
use crate::error::{Error, Result};

/// Largest request body (64 KiB): a search request is a few hundred bytes.
pub const MAX_BODY: usize = 64 * 1024;
/// Longest query text, in bytes.
pub const MAX_QUERY: usize = 1024;
/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen (`127.0.0.1:7700` by default; port 0 picks a free one).
    pub addr: SocketAddr,
    /// Whether `POST /reindex` may run the indexer.
    pub allow_reindex: bool,
    /// Engine calls running at once; more wait for a turn (up to `timeout`).
    pub concurrency: usize,
    /// How long one request may wait for and run its engine call before it is answered 503.
    pub timeout: Duration,
}

impl Options {
    /// The defaults at `addr`: two engine calls per core, 10 s per request.
    pub fn new(addr: SocketAddr) -> Options {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Options { addr, allow_reindex: false, concurrency: 2 * cores, timeout: Duration::from_secs(10) }
    }
}

/// What every handler shares.
pub struct AppState {
    engine: Arc<Engine>,
    permits: Arc<Semaphore>,
    options: Options,
}

type Shared = Arc<AppState>;

/// Why an engine call gave no answer.
#[derive(Debug)]
pub enum Failure {
    /// The engine's own error.
    Engine(Error),
    /// No turn came within the timeout (too many requests at once).
    Busy,
    /// The call did not finish within the timeout.
    TimedOut,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Engine(e)
    }
}

impl AppState {
    /// Runs `f` on the engine on a blocking thread, behind the concurrency limit and the
    /// timeout: searches are CPU-bound and must not hold an async worker.
    pub async fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> Result<T> + Send + 'static,
    ) -> std::result::Result<T, Failure> {
        let deadline = Instant::now() + self.options.timeout;
        let permit = tokio::time::timeout_at(deadline.into(), self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Failure::Busy)?
            .map_err(|_| Failure::Busy)?;
        let engine = self.engine.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(&engine)
        });
        match tokio::time::timeout_at(deadline.into(), task).await {
            Err(_) => Err(Failure::TimedOut),
            Ok(Err(join)) => Err(Failure::Engine(Error::internal(format!("the request's worker failed: {join}")))),
            Ok(Ok(answer)) => answer.map_err(Failure::Engine),
        }
    }
}

/// The whole application: the three surfaces, the body limit, compression and the Host check.
pub fn app(engine: Arc<Engine>, options: Options) -> Router {
    let state = Arc::new(AppState { engine, permits: Arc::new(Semaphore::new(options.concurrency.max(1))), options });
    Router::new()
        .merge(page::routes())
        .merge(api::routes())
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        // after the fallback above, which would replace its own: the CORS layer of that
        // surface must see a preflight `OPTIONS` before any 405 does
        .merge(meili::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(state.clone(), host_check))
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Serves `engine` at `options.addr` until Ctrl-C or SIGTERM, then lets the requests under
/// way finish. `ready` is told the address bound (port 0 resolved) once it accepts.
pub fn run(engine: Engine, options: Options, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("consulta-serve")
        .build()
        .map_err(|e| Error::io("<tokio runtime>", e))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.addr).await.map_err(|e| bind_error(options.addr, e))?;
        let addr = listener.local_addr().map_err(|e| Error::io("<listener>", e))?;
        let mut options = options;
        options.addr = addr;
        let app = app(Arc::new(engine), options);
        ready(addr);
        axum::serve(listener, app).with_graceful_shutdown(shutdown()).await.map_err(|e| Error::io("<server>", e))
    })
}

fn bind_error(addr: SocketAddr, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            Error::Usage(format!("{addr} is in use by another program; pick another with --addr 127.0.0.1:PORT"))
        }
        std::io::ErrorKind::AddrNotAvailable => Error::Usage(format!("{addr} is not an address of this machine")),
        _ => Error::io(addr.to_string(), e),
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// While bound to loopback, only requests addressed to a loopback name are served: a page on
/// another site that rebinds its own name to 127.0.0.1 sends its own name as `Host`.
async fn host_check(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if state.options.addr.ip().is_loopback() {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        if !is_loopback_host(host, state.options.addr.port()) {
            let message = format!(
                "Host {host:?} is not this server's: while bound to loopback it answers only to localhost, \
                 127.0.0.1 or [::1]"
            );
            return if meili::is_meili_path(req.uri().path()) {
                meili::MeiliError::new(StatusCode::FORBIDDEN, "invalid_host", "auth", message).into_response()
            } else {
                api::ApiError::new(StatusCode::FORBIDDEN, "invalid_host", message).into_response()
            };
        }
    }
    next.run(req).await
}

/// Whether `host` (a `Host` header) names this machine's loopback, on `port` or none.
fn is_loopback_host(host: &str, port: u16) -> bool {
    let (name, at) = match host.rsplit_once(':') {
        Some((name, p)) if !name.is_empty() && !p.contains(']') => (name, Some(p)),
        _ => (host, None),
    };
    let port_ok = at.is_none_or(|p| p.parse::<u16>() == Ok(port));
    let name = name.to_ascii_lowercase();
    port_ok && matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

/// A record id or document name from a URL: refused when it could name a path (`..`, `/`,
/// `\`, NUL) or is absurdly long.
pub fn safe_name(name: &str) -> std::result::Result<&str, String> {
    if name.is_empty() || name.len() > 512 || name.contains("..") || name.contains(['/', '\\', '\0']) {
        return Err(format!(
            "{name:?} is not a record id or document name (no `..`, `/`, `\\` or NUL, at most 512 bytes)"
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_loopback_names_on_our_port() {
        for ok in ["localhost", "127.0.0.1:7700", "LOCALHOST:7700", "[::1]:7700", "[::1]"] {
            assert!(is_loopback_host(ok, 7700), "{ok}");
        }
        for bad in ["", "evil.example", "evil.example:7700", "127.0.0.1:80", "localhost.evil.example", "[::2]"] {
            assert!(!is_loopback_host(bad, 7700), "{bad}");
        }
    }

    #[test]
    fn names_that_could_be_paths_are_refused() {
        assert!(safe_name("003_896af30beb401831#session-5").is_ok());
        for bad in ["..", "../etc/passwd", "a/b", "a\\b", "a\0b", ""] {
            assert!(safe_name(bad).is_err(), "{bad:?}");
        }
    }
}
