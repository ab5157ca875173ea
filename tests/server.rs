//! `consulta serve` over HTTP (issue 20): every endpoint of its own API answers what the CLI
//! prints for the same request; each error has its status and JSON shape; bad requests are
//! refused and the server keeps serving; new commits are served without a restart; SIGTERM
//! stops it cleanly. The server runs as the real binary on a free loopback port.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{corpus_dir, run_in, run_shared, search_json, shared_index};

/// A running `consulta serve`, stopped (SIGTERM) when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
}

impl Server {
    /// Serves the shared index of the shipped corpus.
    pub fn shared() -> Server {
        Server::start(&corpus_dir(), shared_index(), &[])
    }

    /// Serves `index` over `corpus` with extra arguments, on a free port.
    pub fn start(corpus: &Path, index: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_consulta"))
            .args(["serve", "--addr", "127.0.0.1:0", "--corpus"])
            .arg(corpus)
            .arg("--index")
            .arg(index)
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("consulta serve starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr piped")).lines();
        let addr = loop {
            let line = lines.next().expect("consulta serve prints its address").expect("stderr is text");
            if let Some(rest) = line.split("http://").nth(1) {
                break rest.split('/').next().expect("an address").to_string();
            }
        };
        // keep draining stderr so the server never blocks on a full pipe
        std::thread::spawn(move || for _ in lines {});
        Server { child, addr }
    }

    /// `GET path` with the right Host.
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    /// `POST path` with a JSON body.
    pub fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.request("POST", path, &[("Content-Type", "application/json")], body.to_string().as_bytes())
    }

    /// Any request; `Host` is this server's unless `headers` gives one (an empty value: none).
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(&self.addr).expect("the server accepts");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (k, v) in headers.iter().filter(|(_, v)| !v.is_empty()) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("request head sent");
        // the server may answer (413) and close before a large body is all sent
        for chunk in body.chunks(64 * 1024) {
            if stream.write_all(chunk).is_err() {
                break;
            }
        }
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        Reply::parse(&raw)
    }

    /// Stops the server with SIGTERM; its exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let status = self.terminate();
        std::mem::forget(self);
        status
    }

    fn terminate(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("consulta serve did not stop within 10 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
            let _ = self.child.wait();
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete HTTP response");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.split("\r\n");
        let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
            body = dechunk(&body);
        }
        Reply { status, headers, body }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("status {} body is not JSON ({e}): {}", self.status, self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&body[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[end + 2..end + 2 + size]);
        body = &body[end + 4 + size..];
    }
    out
}

/// Percent-encodes a path segment or query value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A response without its timing, for comparing with the CLI's.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut().map(|o| o.remove("took_ms"));
    v
}

/// The CLI's JSON for `args` (run against the shared index).
fn cli_json(args: &[&str]) -> Value {
    let out = run_shared(args);
    assert!(out.status.success(), "consulta {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}

/// Asserts an error reply of the server's own API.
fn assert_api_error(reply: &Reply, status: u16, code: &str) {
    let body = reply.json();
    assert_eq!(reply.status, status, "expected {status} {code}, got {}: {body}", reply.status);
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[test]
fn search_answers_what_the_cli_prints() {
    let server = Server::shared();
    let cases: [(&str, &[&str]); 6] = [
        ("q=remesas", &["remesas"]),
        ("q=remesas&group=false&limit=3", &["remesas", "--no-group", "--limit", "3"]),
        ("q=trata%20de%20personas&mechanism=CSM&limit=3", &["trata de personas", "--mechanism", "CSM", "--limit", "3"]),
        ("kind=session&lang=es&limit=20", &["--kind", "session", "--lang", "es", "--limit", "20"]),
        (
            "q=migration&offset=10&limit=5&country=Brasil&country=Chile",
            &["migration", "--offset", "10", "--limit", "5", "--country", "Brasil", "--country", "Chile"],
        ),
        (
            "q=remittances&expand=false&year=2024&facet_limit=2",
            &["remittances", "--no-expand", "--year", "2024", "--facet-limit", "2"],
        ),
    ];
    for (query, args) in cases {
        let reply = server.get(&format!("/api/search?{query}"));
        assert_eq!(reply.status, 200, "{query}: {}", reply.text());
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(untimed(reply.json()), untimed(search_json(args)), "GET /api/search?{query} differs from the CLI");
    }
}

#[test]
fn a_grouped_hit_carries_its_twin_and_group_false_lists_both() {
    let server = Server::shared();
    let grouped = server.get("/api/search?q=remesas&limit=1").json();
    assert_eq!(grouped["total"], 6, "{grouped}");
    assert_eq!(grouped["hits"][0]["id"], "006_plenaria_crm_csm_2024_es#session-7");
    assert_eq!(
        grouped["hits"][0]["also"],
        serde_json::json!({
            "id": "003_896af30beb401831#session-7",
            "doc": "003_896af30beb401831.txt",
            "lang": "en",
            "title": grouped["hits"][0]["also"]["title"],
            "heading": "Session 7: Costs of sending remittances",
        })
    );
    assert!(grouped["hits"][0]["also"]["title"].as_str().is_some_and(|t| t.starts_with("V Plenary Meeting")));
    let both = server.get("/api/search?q=remesas&limit=2&group=false").json();
    assert_eq!(both["total"], 12);
    assert!(both["hits"][0].get("also").is_none(), "{both}");
    assert_api_error(&server.get("/api/search?q=remesas&group=maybe"), 400, "invalid_parameter");
}

#[test]
fn every_read_endpoint_answers_what_the_cli_prints() {
    let server = Server::shared();
    let id = "003_896af30beb401831#session-5";
    let shown = cli_json(&["show", id, "--json"]);
    assert_eq!(server.get(&format!("/api/records/{}", enc(id))).json(), shown[0]);

    // the outline is the one `show DOC` prints, from the same records
    let doc = "006_plenaria_crm_csm_2024_es.txt";
    let records: Vec<consulta::Record> = serde_json::from_value(cli_json(&["show", doc, "--json"])).unwrap();
    let outline = consulta::engine::Outline::of(&records).unwrap();
    assert_eq!(server.get(&format!("/api/docs/{doc}")).json(), serde_json::to_value(&outline).unwrap());
    // also without the extension, as `show` accepts it
    assert_eq!(server.get("/api/docs/006_plenaria_crm_csm_2024_es").json(), serde_json::to_value(&outline).unwrap());

    assert_eq!(server.get("/api/lookup/CSM").json(), cli_json(&["lookup", "CSM", "--json"]));
    assert_eq!(
        server.get(&format!("/api/lookup/{}", enc("Proceso de Puebla"))).json(),
        cli_json(&["lookup", "Proceso de Puebla", "--json"])
    );
    assert_eq!(server.get("/api/sessions/5").json(), cli_json(&["lookup", "--session", "5", "--json"]));
    assert_eq!(server.get("/api/acronyms").json(), cli_json(&["acronyms", "--json"]));
    let analyzed = run_in(Path::new("."), &["analyze", "--json", "--lang", "es", "Niñez migrante en la CSM"]);
    assert_eq!(
        server.get(&format!("/api/analyze?lang=es&text={}", enc("Niñez migrante en la CSM"))).json(),
        serde_json::from_slice::<Value>(&analyzed.stdout).unwrap()
    );
    let stats = server.get("/api/stats").json();
    assert_eq!(stats["documents"], 8, "{stats}");
    assert!(stats["records"].as_u64().unwrap() > 100 && stats["index_bytes"].as_u64().unwrap() > 0, "{stats}");
    assert!(stats["last_commit"].as_u64().is_some(), "{stats}");
    assert_eq!(server.get("/health").json(), serde_json::json!({"status": "available"}));
}

#[test]
fn errors_have_their_status_and_shape_and_the_server_keeps_serving() {
    let server = Server::shared();
    // a query string past 64 KiB is refused by the HTTP layer itself (414, before any
    // handler); one under it but past the query cap gets this API's error
    let reply = server.get(&format!("/api/search?q={}", "a".repeat(100 * 1024)));
    assert_eq!(reply.status, 414);
    let long = format!("/api/search?q={}", "a%20".repeat(15 * 1024));
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/records/003_896af30beb401831%23no-such-record".into(), 404, "not_found"),
        ("/api/records/nothing".into(), 404, "not_found"),
        ("/api/docs/no-such-file.txt".into(), 404, "not_found"),
        ("/api/lookup/Atlantis%20Process".into(), 404, "not_found"),
        ("/api/sessions/99".into(), 404, "not_found"),
        ("/api/nothing-here".into(), 404, "not_found"),
        ("/assets/../../etc/passwd".into(), 404, "not_found"),
        ("/api/search?q=remesas&limit=1e9".into(), 400, "invalid_parameter"),
        ("/api/search?q=remesas&limit=1000000000".into(), 400, "limit_too_large"),
        ("/api/search?q=remesas&offset=-1".into(), 400, "invalid_parameter"),
        ("/api/search?q=remesas&sort=year".into(), 400, "unknown_parameter"),
        ("/api/search?q=%FF%FE".into(), 422, "invalid_request"),
        (long, 400, "query_too_long"),
        ("/api/search?q=remesas&offset=9999&limit=10".into(), 422, "invalid_request"),
        ("/api/search?q=".into(), 422, "invalid_request"),
        ("/api/search?q=remesas&kind=chapter".into(), 422, "invalid_request"),
        ("/api/analyze?lang=fr&text=hola".into(), 400, "invalid_parameter"),
        ("/api/analyze".into(), 400, "missing_parameter"),
        ("/api/records/..%2F..%2Fetc%2Fpasswd".into(), 400, "invalid_name"),
        ("/api/records/a%00b".into(), 400, "invalid_name"),
        ("/api/docs/..".into(), 400, "invalid_name"),
        ("/api/docs/%2Fetc%2Fpasswd".into(), 400, "invalid_name"),
    ];
    for (path, status, code) in &cases {
        let reply = server.get(path);
        assert_api_error(&reply, *status, code);
    }
    assert_api_error(&server.request("DELETE", "/api/stats", &[], b""), 405, "method_not_allowed");
    assert_api_error(&server.request("POST", "/api/search", &[], b"{}"), 405, "method_not_allowed");
    assert_api_error(&server.request("POST", "/reindex", &[], b""), 403, "reindex_disabled");
    // DNS rebinding: another site's name, or no Host at all
    for host in ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.1:1"] {
        assert_api_error(&server.request("GET", "/api/stats", &[("Host", host)], b""), 403, "invalid_host");
    }
    assert_api_error(&server.request("GET", "/", &[("Host", "evil.example")], b""), 403, "invalid_host");
    assert_eq!(server.request("GET", "/api/stats", &[("Host", "localhost")], b"").status, 200);
    // a 10 MB body is refused without reading it all
    let big = vec![b'x'; 10 * 1024 * 1024];
    let reply = server.request("POST", "/reindex", &[("Content-Type", "application/json")], &big);
    assert!([403, 413].contains(&reply.status), "{}", reply.status);
    // and after all of that, it still answers
    let after = server.get("/api/search?q=remesas");
    assert_eq!(after.status, 200);
    assert_eq!(untimed(after.json()), untimed(search_json(&["remesas"])));
}

/// A copy of the shipped corpus in a temporary folder, and where its index goes.
fn corpus_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), corpus.join(entry.file_name())).unwrap();
    }
    let index = dir.path().join("index");
    (dir, corpus, index)
}

/// Polls `path` until `done` holds for its JSON (10 s at most).
fn eventually(server: &Server, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let v = server.get(path).json();
        if done(&v) || started.elapsed() > Duration::from_secs(10) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_commit_by_another_process_is_served_without_a_restart() {
    let (_dir, corpus, index) = corpus_copy();
    let server = Server::start(&corpus, &index, &[]);
    let path = "/api/search?q=zyxwservemarker";
    assert_eq!(server.get(path).json()["total"], 0);
    std::fs::write(corpus.join("new.txt"), "A report on zyxwservemarker and remittances.\n").unwrap();
    let out =
        run_in(Path::new("."), &["index", "--corpus", corpus.to_str().unwrap(), "--index", index.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = eventually(&server, path, |v| v["total"] == 1);
    assert_eq!(found["total"], 1, "the new commit was not picked up: {found}");
    assert_eq!(found["hits"][0]["doc"], "new.txt");
    assert_eq!(server.stop().code(), Some(0), "SIGTERM stops the server cleanly");
}

#[test]
fn post_reindex_runs_only_when_allowed() {
    let (_dir, corpus, index) = corpus_copy();
    let server = Server::start(&corpus, &index, &["--allow-reindex"]);
    std::fs::write(corpus.join("new.txt"), "A note on qwvreindexmarker.\n").unwrap();
    let reply = server.request("POST", "/reindex", &[], b"");
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()["added"], 1);
    assert_eq!(
        server.get("/api/search?q=qwvreindexmarker").json()["total"],
        1,
        "answers come from the new commit at once"
    );
}

#[test]
fn sigterm_stops_the_server_without_cutting_an_answer_short() {
    let server = Server::shared();
    let addr = server.addr.clone();
    // a client that keeps searching while the server is told to stop: every answer it gets
    // is whole, and the rest are refused connections
    let client = std::thread::spawn(move || {
        let mut whole = 0;
        for _ in 0..400 {
            let Ok(mut stream) = TcpStream::connect(&addr) else { break };
            let head = format!("GET /api/search?q=remesas HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            if stream.write_all(head.as_bytes()).is_err() {
                break;
            }
            let mut raw = Vec::new();
            if stream.read_to_end(&mut raw).is_err() || raw.is_empty() {
                break;
            }
            let reply = Reply::parse(&raw);
            assert_eq!(reply.status, 200);
            reply.json();
            whole += 1;
        }
        whole
    });
    std::thread::sleep(Duration::from_millis(300));
    let addr = server.addr.clone();
    assert_eq!(server.stop().code(), Some(0), "SIGTERM is a clean stop");
    assert!(client.join().expect("every answer was whole") > 0);
    assert!(TcpStream::connect(&addr).is_err(), "the port is closed after shutdown");
}

fn ids(hits: &Value) -> Vec<String> {
    hits.as_array().unwrap().iter().map(|h| h["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_meilisearch_surface_answers_the_cli_hits_and_meilisearch_errors() {
    let server = Server::shared();
    let cli = search_json(&["remesas", "--mechanism", "CSM", "--lang", "es", "--limit", "5"]);
    let body = serde_json::json!({"q": "remesas", "filter": "mechanism = CSM AND lang = es", "limit": 5,
        "facets": ["mechanism"], "attributesToHighlight": ["heading"], "page": null, "sort": null});
    let reply = server.post_json("/indexes/sections/search", &body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    assert_eq!(ids(&v["hits"]), ids(&cli["hits"]), "the same hits as the CLI");
    assert_eq!(v["estimatedTotalHits"], cli["total"]);
    assert_eq!(v["facetDistribution"]["mechanism"], cli["facets"]["mechanism"]);
    assert!(v["hits"][0]["_formatted"]["heading"].as_str().unwrap().contains("<em>"), "{}", v["hits"][0]);
    let arrays = server.post_json(
        "/indexes/sections/search",
        &serde_json::json!({"q": "remesas", "filter": [["\"mechanism\"=\"CSM\""], ["lang = es"]], "limit": 5}),
    );
    assert_eq!(ids(&arrays.json()["hits"]), ids(&cli["hits"]));
    let multi = server.post_json("/multi-search", &serde_json::json!({"queries": [{"indexUid": "sections", "q": "remesas", "limit": 5, "filter": "mechanism = CSM AND lang = es"}]}));
    assert_eq!(ids(&multi.json()["results"][0]["hits"]), ids(&cli["hits"]));
    let placeholder = server.post_json("/indexes/sections/search", &serde_json::json!({"hitsPerPage": 3, "page": 2}));
    assert_eq!(placeholder.json()["hits"].as_array().unwrap().len(), 3);
    assert_eq!(server.get("/indexes/sections").json()["uid"], "sections");
    let errors: Vec<(Reply, u16, &str)> = vec![
        (server.post_json("/indexes/nope/search", &serde_json::json!({"q": "x"})), 404, "index_not_found"),
        (
            server.post_json("/indexes/sections/search", &serde_json::json!({"q": "x", "filter": "mechanism = "})),
            400,
            "invalid_search_filter",
        ),
        (server.post_json("/indexes/sections/search", &serde_json::json!({"q": "x", "wat": 1})), 400, "bad_request"),
        (
            server.post_json("/indexes/sections/search", &serde_json::json!({"q": "x", "limit": 1e9})),
            400,
            "invalid_search_limit",
        ),
        (server.request("POST", "/indexes/sections/search", &[], b"{}"), 415, "missing_content_type"),
        (
            server.request(
                "POST",
                "/indexes/sections/search",
                &[("Content-Type", "application/json")],
                &vec![b' '; 10 * 1024 * 1024],
            ),
            413,
            "payload_too_large",
        ),
        (
            server.request("POST", "/indexes/sections/documents", &[("Content-Type", "application/json")], b"[]"),
            405,
            "method_not_allowed",
        ),
        (server.request("DELETE", "/indexes/sections", &[], b""), 405, "method_not_allowed"),
    ];
    for (reply, status, code) in errors {
        let v = reply.json();
        assert_eq!((reply.status, v["code"].as_str().unwrap()), (status, code), "{v}");
        assert!(v["message"].is_string() && v["type"].is_string() && v["link"].is_string(), "{v}");
    }
    // a browser's CORS preflight is answered on this surface (InstantSearch on another origin)
    let preflight = server.request(
        "OPTIONS",
        "/multi-search",
        &[("Origin", "http://127.0.0.1:1"), ("Access-Control-Request-Method", "POST")],
        b"",
    );
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(server.request("OPTIONS", "/api/stats", &[("Origin", "http://127.0.0.1:1")], b"").status, 405);
    assert_eq!(server.get("/api/search?q=remesas").status, 200, "still serving");
}

/// The words of a cropped value, markers and tags aside.
fn words(s: &str) -> usize {
    s.replace("<em>", "").replace("</em>", "").split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).count()
}

#[test]
fn the_meilisearch_surface_crops_marks_positions_and_matches_as_asked() {
    let server = Server::shared();
    let search = |body: Value| {
        let reply = server.post_json("/indexes/sections/search", &body);
        assert_eq!(reply.status, 200, "{body}: {}", reply.text());
        reply.json()
    };
    // (in Spanish: marks are the words typed, under their Spanish forms, and "remesas" brings
    // English records about remittances along through the thesaurus)
    let v = search(serde_json::json!({"q": "remesas", "limit": 5, "filter": "lang = es",
        "attributesToCrop": ["text"], "cropLength": 8,
        "attributesToHighlight": ["text"], "showMatchesPosition": true}));
    for hit in v["hits"].as_array().unwrap() {
        let (text, cropped) = (hit["text"].as_str().unwrap(), hit["_formatted"]["text"].as_str().unwrap());
        // eight words around the best matches, cut with Meilisearch's marker, matches tagged
        assert!(words(cropped) <= 8 && cropped.contains("<em>"), "{cropped}");
        assert!(cropped.starts_with('…') || text.starts_with(&cropped[..cropped.find('<').unwrap()]), "{cropped}");
        // not highlighted nor cropped: as retrieved; numbers become strings
        assert_eq!(hit["_formatted"]["heading"], hit["heading"]);
        assert_eq!(hit["_formatted"]["year"], Value::String(hit["year"].to_string()));
        // positions are byte offsets of the words matched, in every field that holds one
        let positions = hit["_matchesPosition"].as_object().unwrap();
        assert!(positions.contains_key("text"), "{hit}");
        for (field, found) in positions {
            for m in found.as_array().unwrap() {
                let (start, length) = (m["start"].as_u64().unwrap() as usize, m["length"].as_u64().unwrap() as usize);
                let word = &hit[field].as_str().unwrap()[start..start + length];
                assert!(word.to_lowercase().starts_with("remesa"), "{field} {m}: {word:?}");
            }
        }
    }
    // a length per attribute, another marker, cropped without highlighting; no `_formatted` unasked
    let v = search(serde_json::json!({"q": "remesas", "limit": 3, "filter": "lang = es",
        "attributesToCrop": ["text:4"], "cropLength": 30,
        "cropMarker": "[…]", "attributesToRetrieve": ["id", "text"]}));
    let cropped = v["hits"][0]["_formatted"]["text"].as_str().unwrap();
    assert!(words(cropped) <= 4 && cropped.contains("[…]") && !cropped.contains("<em>"), "{cropped}");
    // a field named to crop or highlight is formatted even when not retrieved
    let v = search(serde_json::json!({"q": "remesas", "limit": 1, "attributesToRetrieve": ["id"],
        "attributesToHighlight": ["heading"]}));
    assert!(v["hits"][0].get("heading").is_none(), "{v}");
    assert!(v["hits"][0]["_formatted"]["heading"].as_str().unwrap().contains("<em>"), "{v}");
    assert!(v["hits"][0].get("_matchesPosition").is_none());
    assert!(search(serde_json::json!({"q": "remesas"}))["hits"][0].get("_formatted").is_none());

    // matchingStrategy: `all` keeps only records holding every word; `last` and `frequency`
    // are the engine's graded matching, the CLI's hits
    let cli = search_json(&["remesas zzqq", "--no-group"]);
    assert!(cli["total"].as_u64().unwrap() > 0, "the CLI relaxes a word no record holds: {cli}");
    for strategy in [Value::Null, "last".into(), "frequency".into()] {
        let v = search(serde_json::json!({"q": "remesas zzqq", "limit": 10, "matchingStrategy": strategy}));
        assert_eq!(ids(&v["hits"]), ids(&cli["hits"]), "{strategy}");
    }
    let all = search(serde_json::json!({"q": "remesas zzqq", "matchingStrategy": "all"}));
    assert_eq!(all["estimatedTotalHits"], 0, "{all}");
    let both = search(serde_json::json!({"q": "remesas desarrollo", "limit": 50, "matchingStrategy": "all"}));
    assert!(both["estimatedTotalHits"].as_u64().unwrap() > 0);
    for hit in both["hits"].as_array().unwrap() {
        let text = format!("{} {} {}", hit["title"], hit["heading"], hit["text"]).to_lowercase();
        // every word, in either language (the thesaurus pairs them)
        let holds = |forms: &[&str]| forms.iter().any(|f| text.contains(f));
        assert!(holds(&["remesa", "remittance"]) && holds(&["desarroll", "develop"]), "{}", hit["id"]);
    }
    let bad = server.post_json("/indexes/sections/search", &serde_json::json!({"q": "x", "matchingStrategy": "any"}));
    assert_eq!((bad.status, bad.json()["code"].as_str().unwrap()), (400, "invalid_search_matching_strategy"));
}

#[test]
fn the_meilisearch_surface_facet_searches_and_describes_its_index() {
    let server = Server::shared();
    let facet_search = |body: Value| server.post_json("/indexes/sections/facet-search", &body);
    // every country among the records of a search, counted as the CLI counts them
    let cli = search_json(&["remesas", "--lang", "es"]);
    let v = facet_search(serde_json::json!({"facetName": "country", "q": "remesas", "filter": "lang = es"})).json();
    let counted: serde_json::Map<String, Value> = v["facetHits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["value"].as_str().unwrap().to_string(), h["count"].clone()))
        .collect();
    assert_eq!(Value::Object(counted), cli["facets"]["country"], "{v}");
    assert_eq!(v["facetQuery"], Value::Null);
    // a facet query keeps the values starting like it, or that it names by an alias
    let v = facet_search(serde_json::json!({"facetName": "country", "facetQuery": "el sal", "q": "remesas"})).json();
    assert_eq!(v["facetHits"][0]["value"], "El Salvador", "{v}");
    assert_eq!(v["facetHits"].as_array().unwrap().len(), 1, "{v}");
    let v = facet_search(serde_json::json!({"facetName": "mechanism", "facetQuery": "CSM"})).json();
    assert_eq!(v["facetHits"][0]["value"], "SACM", "{v}");
    assert_eq!(v["facetQuery"], "CSM");
    for (body, code) in [
        (serde_json::json!({"facetName": "text"}), "invalid_facet_search_facet_name"),
        (serde_json::json!({"facetQuery": "x"}), "missing_facet_search_facet_name"),
        (serde_json::json!({"facetName": "kind", "filter": "kind = "}), "invalid_search_filter"),
    ] {
        let reply = facet_search(body.clone());
        assert_eq!((reply.status, reply.json()["code"].as_str().unwrap()), (400, code), "{body}");
    }
    let reply = server.post_json("/indexes/nope/facet-search", &serde_json::json!({"facetName": "kind"}));
    assert_eq!(reply.status, 404);

    // settings: the filterable attributes are the facets; one setting by its own path
    let settings = server.get("/indexes/sections/settings").json();
    let facets: Vec<&str> = consulta::Dimension::FACETS.iter().map(|d| d.name()).collect();
    assert_eq!(settings["filterableAttributes"], serde_json::json!(facets));
    assert_eq!(settings["sortableAttributes"], serde_json::json!(["year"]));
    assert_eq!(server.get("/indexes/sections/settings/sortable-attributes").json(), serde_json::json!(["year"]));
    assert_eq!(server.get("/indexes/sections/settings/no-such-setting").status, 404);
    assert_eq!(server.get("/indexes/nope/settings").status, 404);

    // stats: records are Meilisearch's documents
    let own = server.get("/api/stats").json();
    let stats = server.get("/indexes/sections/stats").json();
    assert_eq!(stats["numberOfDocuments"], own["records"], "{stats}");
    assert_eq!(stats["isIndexing"], false);
    assert_eq!(stats["fieldDistribution"]["text"], own["records"]);
    let sessions = search_json(&["--kind", "session", "--limit", "1"]);
    assert!(stats["fieldDistribution"]["session"].as_u64().unwrap() >= sessions["total"].as_u64().unwrap());
    let all = server.get("/stats").json();
    assert_eq!(all["indexes"]["sections"], stats);
    assert_eq!(all["databaseSize"], own["index_bytes"]);
    assert!(all["lastUpdate"].as_str().is_some_and(|t| t.len() == 20 && t.ends_with('Z')), "{all}");
}
