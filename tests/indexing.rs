//! The batch indexer's guarantees, through the binary: incremental runs, bad input named and
//! skipped (and the last good version kept), one writer at a time, an index that survives a
//! killed run, searches during a reindex, and an index of another format.
//!
//! Every corpus and index lives in a temp dir. The tests that need a large corpus generate it
//! with `../shared/bench/gen_corpus.py` and skip themselves (with a note on stderr) when that
//! script or `python3` is not there.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::util::run_in;

/// The deterministic scale-corpus generator, beside the repository.
const GENERATOR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/bench/gen_corpus.py");

/// Generated documents are kept small: the tests run the debug binary, which indexes about
/// 50 such documents a second on one core.
const MEAN_BYTES: &str = "2000";

/// A temp dir holding `corpus/` and `index/`; commands run with it as the working directory,
/// so the default `--corpus corpus --index index` apply.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).expect("mkdir corpus");
        Fixture { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn corpus(&self) -> PathBuf {
        self.root().join("corpus")
    }

    fn index(&self) -> PathBuf {
        self.root().join("index")
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.corpus().join(name), bytes).expect("write corpus file");
    }

    /// `consulta index --json ARGS`: the exit code, the parsed report and stderr.
    fn index_json(&self, args: &[&str]) -> (Option<i32>, Value, String) {
        let mut all = vec!["index", "--json"];
        all.extend_from_slice(args);
        let out = run_in(self.root(), &all);
        let err = stderr(&out);
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("index --json printed no JSON ({e}); stderr: {err}"));
        (out.status.code(), report, err)
    }

    /// The documents whose records match `word` (no expansion), read from the index alone.
    fn docs_matching(&self, word: &str) -> Vec<String> {
        let resp = search_index(self.root(), &self.index(), word);
        doc_names(&resp)
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// `consulta search WORD --json --no-expand` on `index` alone: `--corpus` names a folder that
/// does not exist, so the search never updates the index itself and shows what the last
/// `consulta index` run committed. Asserts exit 0 and parses the response.
fn search_index(cwd: &Path, index: &Path, word: &str) -> Value {
    let no_corpus = cwd.join("no-such-corpus");
    let args = [
        "search",
        word,
        "--json",
        "--no-expand",
        "--limit",
        "100",
        "--index",
        path_str(index),
        "--corpus",
        path_str(&no_corpus),
    ];
    let out = run_in(cwd, &args);
    assert_eq!(out.status.code(), Some(0), "search {word}: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("search {word}: not JSON ({e})"))
}

fn doc_names(resp: &Value) -> Vec<String> {
    let mut docs: Vec<String> = resp["hits"]
        .as_array()
        .expect("hits is an array")
        .iter()
        .map(|h| h["doc"].as_str().expect("doc is a string").to_string())
        .collect();
    docs.sort();
    docs.dedup();
    docs
}

fn counts(report: &Value) -> [u64; 4] {
    ["added", "updated", "removed", "unchanged"]
        .map(|k| report[k].as_u64().unwrap_or_else(|| panic!("{k} in {report}")))
}

fn failed(report: &Value) -> &Vec<Value> {
    report["failed"].as_array().expect("failed is an array")
}

/// Starts `consulta ARGS` in `cwd` without waiting for it.
fn spawn(cwd: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_consulta"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the consulta binary starts")
}

/// Generates `docs` report-like documents into `out` (which must not exist yet). `None` (with a
/// note on stderr) when the generator or python3 is missing: the caller skips its test.
fn generate(docs: usize, seed: u32, out: &Path) -> Option<()> {
    if !Path::new(GENERATOR).is_file() {
        eprintln!("skipped: {GENERATOR} not found (a clean clone without ../shared)");
        return None;
    }
    let docs = docs.to_string();
    let seed = seed.to_string();
    let args = [GENERATOR, "--docs", &docs, "--seed", &seed, "--mean-bytes", MEAN_BYTES, "--out", path_str(out)];
    match Command::new("python3").args(args).output() {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => panic!("gen_corpus.py failed: {}", stderr(&o)),
        Err(e) => {
            eprintln!("skipped: python3 cannot run ({e})");
            None
        }
    }
}

/// Starts `consulta ARGS` in the fixture and returns once the run holds the index writer lock.
/// `.tantivy-writer.lock` stays after a run (tantivy locks it with `flock`, it does not delete
/// it), so it is removed first, while nobody holds it, and its reappearance is the signal.
/// The run may still have finished by the time the caller looks: check `try_wait`.
fn spawn_holding_lock(fx: &Fixture, args: &[&str]) -> Child {
    // a first build writes in a sibling `.index.building` folder, renamed into place when done
    let index = fx.index();
    let name = index.file_name().and_then(|n| n.to_str()).expect("utf-8 index name").to_string();
    let locks = [
        index.join(".tantivy-writer.lock"),
        index.with_file_name(format!(".{name}.building")).join(".tantivy-writer.lock"),
    ];
    for lock in &locks {
        let _ = std::fs::remove_file(lock);
    }
    let mut child = spawn(fx.root(), args);
    let seen = wait_for(Duration::from_secs(30), || locks.iter().any(|l| l.exists()));
    if !seen {
        let _ = child.kill();
        panic!("`consulta {}` never took the lock", args.join(" "));
    }
    // the file is created just before it is locked
    std::thread::sleep(Duration::from_millis(20));
    child
}

/// Polls `cond` every 5 ms for up to `limit`.
fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

const A_TXT: &str = "Report of the Regional Conference on Migration\n\n\
    The member states reviewed labour mobility programmes and the alpacaflux pilot for migrant \
    workers in Tegucigalpa.\n";
const B_TXT: &str = "Informe de la Conferencia Suramericana sobre Migraciones\n\n\
    Los países revisaron el programa borealumen de regularización migratoria y la protección de \
    la niñez migrante.\n";
const C_TXT: &str = "Concept note on remittances\n\n\
    The cygnetora initiative connects diaspora remittances with local development in Guatemala.\n";
const D_TXT: &str = "Hoja de ruta sobre trata de personas\n\n\
    La iniciativa deltaquin coordina la asistencia a víctimas de trata entre Honduras y México.\n";

// ---------------------------------------------------------------------------------------------
// 1. Incremental runs
// ---------------------------------------------------------------------------------------------

#[test]
fn incremental_runs_add_update_remove_and_leave_the_rest() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    fx.write("b.txt", B_TXT);
    fx.write("c.md", C_TXT);

    let (code, first, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&first), [3, 0, 0, 0], "{first}");
    assert_eq!(first["documents"], 3);
    assert!(failed(&first).is_empty() && first["skipped"].as_array().is_some_and(Vec::is_empty), "{first}");
    assert_eq!(fx.docs_matching("cygnetora"), ["c.md"]);

    assert_eq!(manifest_files(&fx).len(), 1, "one manifest file, named by the commit");
    // a manifest file left by a run killed before its commit
    std::fs::write(fx.index().join("consulta-manifest-0000000000000000.json"), "{}").expect("stray manifest");

    // add d, change b (appended: content and size differ), delete c
    fx.write("d.txt", D_TXT);
    let mut changed = B_TXT.to_string();
    changed.push_str("\nEl programa echidnara complementa la regularización.\n");
    fx.write("b.txt", &changed);
    std::fs::remove_file(fx.corpus().join("c.md")).expect("rm c.md");

    let (code, second, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&second), [1, 1, 1, 1], "added, updated, removed, unchanged: {second}");
    assert_eq!(second["documents"], 3, "{second}");
    assert!(failed(&second).is_empty(), "{second}");
    assert_eq!(fx.docs_matching("deltaquin"), ["d.txt"], "the added file is searchable");
    assert_eq!(fx.docs_matching("echidnara"), ["b.txt"], "the changed text is searchable");
    assert_eq!(fx.docs_matching("borealumen"), ["b.txt"], "the changed file is not indexed twice");
    let gone = search_index(fx.root(), &fx.index(), "cygnetora");
    assert_eq!(gone["total"], 0, "the deleted file's records are gone: {gone}");
    assert_eq!(fx.docs_matching("alpacaflux"), ["a.txt"]);
    let manifests = manifest_files(&fx);
    assert_eq!(manifests.len(), 1, "the earlier and the stray manifest files are removed: {manifests:?}");
    assert_ne!(manifests[0], "consulta-manifest-0000000000000000.json");

    // nothing changed: everything unchanged, and nothing is committed
    let meta = std::fs::read(fx.index().join("meta.json")).expect("meta.json");
    let (code, third, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&third), [0, 0, 0, 3], "{third}");
    assert_eq!(third["documents"], 3);
    assert_eq!(std::fs::read(fx.index().join("meta.json")).expect("meta.json"), meta, "a no-op run commits nothing");

    // touched with the same content: still unchanged (the content hash decides), records intact
    let later = SystemTime::now() + Duration::from_secs(5);
    let file = std::fs::File::options().write(true).open(fx.corpus().join("a.txt")).expect("open a.txt");
    file.set_modified(later).expect("set mtime");
    drop(file);
    let (code, fourth, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&fourth), [0, 0, 0, 3], "{fourth}");
    assert_eq!(fx.docs_matching("alpacaflux"), ["a.txt"]);
    let (_, fifth, _) = fx.index_json(&[]);
    assert_eq!(counts(&fifth), [0, 0, 0, 3], "the new mtime was recorded: {fifth}");
}

// ---------------------------------------------------------------------------------------------
// 2. Bad input: exit 1, the file and the reason on stderr, the `failed` entry, the rest indexed
// ---------------------------------------------------------------------------------------------

const GOOD_EN: &str = "The RCM reviewed the alpacaflux pilot.\n";
const GOOD_ES: &str = "La CSM revisó el programa borealumen.\n";

/// A corpus of two good files (both under 100 bytes) plus whatever `add` puts there.
/// The manifest files in the index folder, sorted.
fn manifest_files(fx: &Fixture) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fx.index())
        .expect("index folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("consulta-manifest-"))
        .collect();
    names.sort();
    names
}

fn corpus_with_good_files(add: impl FnOnce(&Fixture)) -> Fixture {
    let fx = Fixture::new();
    fx.write("good.txt", GOOD_EN);
    fx.write("bueno.md", GOOD_ES);
    add(&fx);
    fx
}

/// Runs `consulta index --json ARGS` and checks the contract for exactly these failures:
/// exit 1, `corpus/PATH: REASON…` on stderr, one `failed` entry each (reason starting with
/// REASON, `kept_previous` false), and both good files indexed and searchable.
fn expect_failures(fx: &Fixture, args: &[&str], expected: &[(&str, &str)]) -> Value {
    let (code, report, err) = fx.index_json(args);
    assert_eq!(code, Some(1), "a failed file makes the run exit 1: {report}\n{err}");
    let entries = failed(&report);
    assert_eq!(entries.len(), expected.len(), "{report}");
    for (path, reason) in expected {
        let line = format!("consulta: skipped corpus/{path}: {reason}");
        assert!(err.lines().any(|l| l.starts_with(&line)), "stderr lacks {line:?}:\n{err}");
        let entry = entries
            .iter()
            .find(|e| e["path"] == *path)
            .unwrap_or_else(|| panic!("no failed entry for {path}: {report}"));
        assert!(entry["reason"].as_str().is_some_and(|r| r.starts_with(reason)), "{entry}");
        assert_eq!(entry["kept_previous"], false, "{entry}");
    }
    assert_eq!(report["documents"], 2, "the good files are indexed: {report}");
    assert_eq!(report["added"], 2, "{report}");
    assert_eq!(fx.docs_matching("alpacaflux"), ["good.txt"]);
    assert_eq!(fx.docs_matching("borealumen"), ["bueno.md"]);
    // a rerun does not retry the unchanged bad files silently: they are reported again
    let (code, again, err) = fx.index_json(args);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(failed(&again).len(), expected.len(), "{again}");
    assert_eq!(counts(&again), [0, 0, 0, 2], "{again}");
    report
}

#[test]
fn a_binary_file_is_named_and_skipped() {
    let fx = corpus_with_good_files(|fx| fx.write("scan.txt", b"Report\0\0\x01\x02PK\x03\x04 more text\n"));
    expect_failures(&fx, &[], &[("scan.txt", "binary file (contains NUL bytes)")]);
}

#[test]
fn empty_and_whitespace_only_files_are_named_and_skipped() {
    let fx = corpus_with_good_files(|fx| {
        fx.write("empty.txt", b"");
        fx.write("blank.md", b"  \n\t\r\n   \n");
    });
    expect_failures(&fx, &[], &[("blank.md", "empty file (nothing but whitespace)"), ("empty.txt", "empty file")]);
}

#[test]
fn an_undecodable_file_is_named_and_skipped() {
    let junk: Vec<u8> =
        b"Informe ".iter().copied().chain((1u8..32).filter(|b| !b"\t\n\r\x0c".contains(b)).cycle().take(120)).collect();
    let fx = corpus_with_good_files(|fx| fx.write("garbled.txt", &junk));
    expect_failures(&fx, &[], &[("garbled.txt", "undecodable text (")]);
}

#[test]
fn a_file_over_the_size_limit_is_named_and_skipped() {
    let big = "The SACM met in Lima. ".repeat(10).into_bytes()[..200].to_vec();
    let fx = corpus_with_good_files(|fx| fx.write("big.txt", &big));
    let report = expect_failures(&fx, &["--max-bytes", "100"], &[("big.txt", "file too large (200 bytes, limit 100)")]);
    assert!(failed(&report)[0]["reason"].as_str().is_some_and(|r| r.contains("--max-bytes")), "{report}");
}

#[test]
fn an_unreadable_file_is_named_and_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let fx = corpus_with_good_files(|fx| fx.write("locked.txt", "The RCM met in Panama City.\n"));
    let path = fx.corpus().join("locked.txt");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    if std::fs::read(&path).is_ok() {
        eprintln!("skipped: running as root, a chmod 000 file is still readable");
        return;
    }
    expect_failures(&fx, &[], &[("locked.txt", "permission denied")]);
}

#[test]
fn a_file_name_that_is_not_utf8_is_named_and_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let fx = corpus_with_good_files(|_| {});
    let name = std::ffi::OsStr::from_bytes(b"bad\xff.txt");
    std::fs::write(fx.corpus().join(name), "The RCM met in Belize.\n").expect("write non-UTF-8 name");
    expect_failures(&fx, &[], &[("bad\u{fffd}.txt", "file name is not valid UTF-8")]);
}

#[test]
fn symlink_loops_are_named_and_not_followed() {
    let fx = corpus_with_good_files(|fx| {
        std::os::unix::fs::symlink(".", fx.corpus().join("here")).expect("symlink dir");
        std::os::unix::fs::symlink("a.txt", fx.corpus().join("a.txt")).expect("symlink file");
    });
    // `here` points back to corpus/, the folder that holds it; `a.txt` points to itself
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(1), "{report}\n{err}");
    let paths: Vec<&str> = failed(&report).iter().map(|e| e["path"].as_str().expect("path")).collect();
    assert_eq!(paths, ["a.txt", "here"], "{report}");
    assert!(err.contains("corpus/a.txt: symlink loop"), "{err}");
    assert!(err.contains("corpus/here: symlink loop"), "{err}");
    for e in failed(&report) {
        assert!(e["reason"].as_str().is_some_and(|r| r.starts_with("symlink loop")), "{e}");
        assert_eq!(e["kept_previous"], false, "{e}");
    }
    // the good files are indexed once each, under their own names
    assert_eq!(fx.docs_matching("alpacaflux"), ["good.txt"], "{report}");
    assert_eq!(fx.docs_matching("borealumen"), ["bueno.md"], "{report}");
    assert_eq!(report["documents"], 2, "{report}");
}

#[test]
fn a_file_that_turns_bad_keeps_its_last_good_version() {
    let fx = corpus_with_good_files(|fx| fx.write("turns.txt", A_TXT));
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&report), [3, 0, 0, 0], "{report}");
    assert_eq!(fx.docs_matching("tegucigalpa"), ["turns.txt"]);

    // overwritten by a binary of another size
    fx.write("turns.txt", vec![0u8; A_TXT.len() + 17]);
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(1), "{report}\n{err}");
    assert_eq!(
        failed(&report),
        &vec![serde_json::json!({
            "path": "turns.txt",
            "reason": "binary file (contains NUL bytes), not plain text; save it as UTF-8 text, or give it the extension of its real format",
            "kept_previous": true,
        })],
        "{report}"
    );
    assert!(
        err.contains("corpus/turns.txt: binary file (contains NUL bytes)")
            && err.contains("(its last good version stays searchable)"),
        "{err}"
    );
    assert_eq!(report["documents"], 3, "the old version still counts: {report}");
    assert_eq!(fx.docs_matching("alpacaflux"), ["good.txt", "turns.txt"], "the old text is still found");

    // a rerun still keeps it (and still reports it)
    let (code, report, _) = fx.index_json(&[]);
    assert_eq!(code, Some(1));
    assert_eq!(failed(&report)[0]["kept_previous"], true, "{report}");
    assert_eq!(fx.docs_matching("tegucigalpa"), ["turns.txt"]);

    // fixed: the new version replaces the old one
    fx.write("turns.txt", C_TXT);
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&report), [0, 1, 0, 2], "{report}");
    assert_eq!(fx.docs_matching("cygnetora"), ["turns.txt"]);
    assert_eq!(search_index(fx.root(), &fx.index(), "tegucigalpa")["total"], 0);

    // bad again, then deleted: its records go
    fx.write("turns.txt", b"\0\0\0");
    let (code, report, _) = fx.index_json(&[]);
    assert_eq!((code, failed(&report)[0]["kept_previous"].clone()), (Some(1), Value::Bool(true)), "{report}");
    std::fs::remove_file(fx.corpus().join("turns.txt")).expect("rm");
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(counts(&report), [0, 0, 1, 2], "{report}");
    assert_eq!(search_index(fx.root(), &fx.index(), "cygnetora")["total"], 0);
}

#[test]
fn other_file_types_are_skipped_not_failed() {
    let fx = corpus_with_good_files(|fx| {
        fx.write("photo.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0");
        fx.write("notes.odt", b"PK\x03\x04");
    });
    let (code, report, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "skipped files are not failures: {report}\n{err}");
    assert!(failed(&report).is_empty(), "{report}");
    assert_eq!(
        report["skipped"],
        serde_json::json!([
            {"path": "notes.odt", "reason": "not a .txt, .md, .pdf or .docx file"},
            {"path": "photo.jpg", "reason": "not a .txt, .md, .pdf or .docx file"},
        ]),
        "{report}"
    );
    assert!(!err.contains("photo.jpg"), "skipped files are not named as failures: {err}");
    assert_eq!(report["documents"], 2);
}

// ---------------------------------------------------------------------------------------------
// 3. One writer at a time
// ---------------------------------------------------------------------------------------------

#[test]
fn a_second_writer_fails_at_once_with_a_clear_message() {
    for (attempt, docs) in [120usize, 300, 600].into_iter().enumerate() {
        let fx = Fixture::new();
        // a committed index first (a fresh index has no manifest until its first commit)
        fx.write("a.txt", A_TXT);
        let (code, _, err) = fx.index_json(&[]);
        assert_eq!(code, Some(0), "{err}");
        let generated = fx.corpus().join("generated");
        if generate(docs, 1, &generated).is_none() {
            return;
        }
        let mut first = spawn_holding_lock(&fx, &["index", "--json"]);
        let started = Instant::now();
        let second = run_in(fx.root(), &["index", "--json"]);
        let second_took = started.elapsed();
        let first_still_running = first.try_wait().expect("try_wait").is_none();
        let first_out = first.wait_with_output().expect("first run");
        assert_eq!(first_out.status.code(), Some(0), "the first run completes: {}", stderr(&first_out));
        let report: Value = serde_json::from_slice(&first_out.stdout).expect("first run JSON");
        assert_eq!(report["added"], docs as u64, "{report}");

        if second.status.success() {
            assert!(!first_still_running);
            eprintln!("attempt {attempt}: the first run ({docs} docs) finished before the second; retrying bigger");
            continue;
        }
        let err = stderr(&second);
        assert_eq!(second.status.code(), Some(1), "{err}");
        assert!(err.contains("another `consulta index` run holds the lock"), "{err}");
        assert!(err.starts_with("consulta: index: another"), "the message names the index: {err}");
        assert!(second.stdout.is_empty(), "no report from the refused run");
        assert!(
            first_still_running || second_took < Duration::from_secs(2),
            "the second run waited for the lock ({second_took:?}) instead of failing at once"
        );

        // after the first run, the lock is free again
        let (code, again, err) = fx.index_json(&[]);
        assert_eq!(code, Some(0), "{err}");
        assert_eq!(again["unchanged"], docs as u64 + 1, "{again}");
        return;
    }
    eprintln!("skipped: every first run finished before the second one started");
}

// ---------------------------------------------------------------------------------------------
// 4. Crash safety
// ---------------------------------------------------------------------------------------------

#[test]
fn a_killed_run_leaves_the_last_commit_searchable() {
    let fx = Fixture::new();
    let old = fx.root().join("old");
    let new = fx.root().join("new");
    if generate(100, 1, &old).is_none() || generate(160, 2, &new).is_none() {
        return;
    }
    std::fs::write(old.join("marker_old.txt"), A_TXT).expect("write");
    std::fs::write(new.join("marker_new.txt"), D_TXT).expect("write");
    let index = fx.index();
    let (old_s, new_s, index_s) = (path_str(&old), path_str(&new), path_str(&index));

    let started = Instant::now();
    let out = run_in(fx.root(), &["index", "--json", "--corpus", old_s, "--index", index_s]);
    let full_run = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let total = |fx: &Fixture| search_index(fx.root(), &fx.index(), "migration")["total"].as_u64().expect("total");
    let old_total = total(&fx);
    assert!(old_total > 0);
    let mut new_total = None;

    // fixed early points, then about half and four fifths of the way through (the new corpus
    // is 1.6 times the old one), where the run may be writing segments or committing
    let ms = Duration::from_millis;
    for delay in [ms(50), ms(200), ms(600), full_run.max(ms(900)), full_run.mul_f64(1.3).max(ms(1300))] {
        let mut child = spawn(fx.root(), &["index", "--full", "--json", "--corpus", new_s, "--index", index_s]);
        std::thread::sleep(delay);
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("wait");

        // the index shows one whole commit, the old one or (when the run got that far) the new
        // one, never a mix
        let now = total(&fx);
        let old_marker = fx.docs_matching("alpacaflux");
        let new_marker = fx.docs_matching("deltaquin");
        if new_marker.is_empty() {
            assert_eq!(old_marker, ["marker_old.txt"], "after a kill at {delay:?} ({status})");
            assert_eq!(now, old_total, "after a kill at {delay:?} ({status})");
        } else {
            eprintln!("the run killed at {delay:?} had committed ({status})");
            assert_eq!(new_marker, ["marker_new.txt"], "after a kill at {delay:?} ({status})");
            assert!(old_marker.is_empty(), "after a kill at {delay:?} ({status}): {old_marker:?}");
            assert!(now > 0 && *new_total.get_or_insert(now) == now, "after a kill at {delay:?}: {now}");
        }
    }
    // the killed runs leave `.tantivy-writer.lock` behind, but it is an OS file lock that died
    // with them: the next run takes it
    let out = run_in(fx.root(), &["index", "--json", "--corpus", new_s, "--index", index_s]);
    assert_eq!(out.status.code(), Some(0), "a run after the kills completes: {}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(failed(&report).is_empty(), "{report}");
    assert_eq!(report["documents"], 161, "{report}");
    assert_eq!(fx.docs_matching("deltaquin"), ["marker_new.txt"]);
    assert_eq!(search_index(fx.root(), &fx.index(), "alpacaflux")["total"], 0);
    let after = search_index(fx.root(), &fx.index(), "migration");
    assert!(after["total"].as_u64().is_some_and(|t| t > 0), "{after}");
}

// ---------------------------------------------------------------------------------------------
// 5. Searches during a reindex
// ---------------------------------------------------------------------------------------------

#[test]
fn searches_succeed_while_a_full_reindex_runs() {
    let fx = Fixture::new();
    let generated = fx.corpus().join("generated");
    if generate(100, 3, &generated).is_none() {
        return;
    }
    let (code, _, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");

    let mut indexer = spawn(fx.root(), &["index", "--full", "--json"]);
    let (mut searches, mut during) = (0, 0);
    // at least 20 searches, and on until the reindex is over (bounded)
    while searches < 20 || (indexer.try_wait().expect("try_wait").is_none() && searches < 300) {
        let running = indexer.try_wait().expect("try_wait").is_none();
        // the real corpus: unchanged, so the search reads the last commit and does not update
        let out = run_in(fx.root(), &["search", "migration", "--json"]);
        assert_eq!(out.status.code(), Some(0), "search {searches} during the reindex: {}", stderr(&out));
        let resp: Value = serde_json::from_slice(&out.stdout).expect("search --json prints JSON");
        assert!(resp["total"].as_u64().is_some_and(|t| t > 0), "{resp}");
        searches += 1;
        during += usize::from(running);
    }
    let out = indexer.wait_with_output().expect("reindex");
    assert_eq!(out.status.code(), Some(0), "the reindex completes: {}", stderr(&out));
    if during == 0 {
        eprintln!("note: the reindex finished before the first search");
    }
    eprintln!("{searches} searches, {during} while the reindex ran");
}

// ---------------------------------------------------------------------------------------------
// 6. An index of another format
// ---------------------------------------------------------------------------------------------

/// A tantivy index with tantivy's own kind of schema and one committed document.
fn foreign_tantivy_index(dir: &Path) {
    use tantivy::schema::{Schema, STORED, TEXT};
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut builder = Schema::builder();
    let title = builder.add_text_field("title", TEXT | STORED);
    let index = tantivy::Index::create_in_dir(dir, builder.build()).expect("create a tantivy index");
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 20_000_000).expect("writer");
    writer.add_document(tantivy::doc!(title => "migration")).expect("add");
    writer.commit().expect("commit");
}

fn assert_refused_then_rebuilt(fx: &Fixture, index: &Path) {
    let index_s = path_str(index);
    let search = run_in(fx.root(), &["search", "migration", "--json", "--index", index_s]);
    let err = stderr(&search);
    assert_eq!(search.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot be read by this version of consulta"), "{err}");
    assert!(err.contains("consulta index --full"), "{err}");
    assert!(search.stdout.is_empty());

    let plain = run_in(fx.root(), &["index", "--json", "--index", index_s]);
    assert_eq!(plain.status.code(), Some(1), "without --full the index is refused: {}", stderr(&plain));
    assert!(stderr(&plain).contains("consulta index --full"), "{}", stderr(&plain));

    let full = run_in(fx.root(), &["index", "--full", "--json", "--index", index_s]);
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let report: Value = serde_json::from_slice(&full.stdout).expect("json");
    assert_eq!(counts(&report), [2, 0, 0, 0], "{report}");
    let resp = search_index(fx.root(), index, "alpacaflux");
    assert_eq!(doc_names(&resp), ["a.txt"]);
}

#[test]
fn an_index_of_another_schema_is_refused_until_full() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    fx.write("b.txt", B_TXT);
    let index = fx.root().join("foreign");
    foreign_tantivy_index(&index);
    assert_refused_then_rebuilt(&fx, &index);
}

#[test]
fn a_garbage_meta_json_is_refused_until_full() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    fx.write("b.txt", B_TXT);
    let index = fx.root().join("garbage");
    std::fs::create_dir(&index).expect("mkdir");
    std::fs::write(index.join("meta.json"), "{\"segments\": [garbage").expect("write");
    assert_refused_then_rebuilt(&fx, &index);
}

#[test]
fn an_index_whose_manifest_file_is_gone_is_refused_until_full() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    fx.write("b.txt", B_TXT);
    let (code, _, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    for name in manifest_files(&fx) {
        std::fs::remove_file(fx.index().join(name)).expect("remove the manifest file");
    }
    assert_refused_then_rebuilt(&fx, &fx.index());
}

/// Issue 21: the manifest was a JSON file (layout 1) that every search parsed whole; an index
/// written so asks for `--full`, which replaces it with a binary manifest.
#[test]
fn an_index_with_the_older_json_manifest_is_refused_until_full() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    fx.write("b.txt", B_TXT);
    let (code, _, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    let (_, stored) = consulta::index::open(&fx.index()).expect("the index opens");
    let manifest = stored.decode().expect("the manifest decodes");
    assert_eq!(manifest.files.len(), 2);
    drop(stored);
    // the layout-1 file and a commit payload naming it, as an earlier consulta left them
    for name in manifest_files(&fx) {
        std::fs::remove_file(fx.index().join(name)).expect("remove the manifest file");
    }
    let json = "consulta-manifest-00000000000000aa.json";
    std::fs::write(fx.index().join(json), serde_json::to_vec(&manifest).expect("json")).expect("json manifest");
    let meta_path = fx.index().join("meta.json");
    let mut meta: Value = serde_json::from_slice(&std::fs::read(&meta_path).expect("meta.json")).expect("json");
    meta["payload"] = Value::String(format!(r#"{{"manifest":"{json}"}}"#));
    std::fs::write(&meta_path, serde_json::to_vec(&meta).expect("json")).expect("meta.json written");
    let search = run_in(fx.root(), &["search", "migration", "--index", path_str(&fx.index())]);
    assert!(stderr(&search).contains("manifest is of layout 1"), "{}", stderr(&search));
    assert_refused_then_rebuilt(&fx, &fx.index());
    assert!(manifest_files(&fx).iter().all(|n| n.ends_with(".bin")), "{:?}", manifest_files(&fx));
}

// ---------------------------------------------------------------------------------------------
// First builds, concurrent runs and foreign folders (each once a bug; see the git log)
// ---------------------------------------------------------------------------------------------

/// A fixture whose corpus takes the debug binary a couple of seconds to index, with no index
/// yet. `None` when the generator is missing.
fn slow_corpus_without_index() -> Option<Fixture> {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    generate(100, 1, &fx.corpus().join("generated"))?;
    Some(fx)
}

#[test]

fn a_second_run_during_the_first_build_is_refused_by_the_lock() {
    let Some(fx) = slow_corpus_without_index() else { return };
    let mut first = spawn_holding_lock(&fx, &["index", "--json"]);
    // a first build happens in a locked sibling folder: others see no index, or the lock
    let second = run_in(fx.root(), &["index", "--json"]);
    let search = run_in(fx.root(), &["search", "migration", "--json"]);
    let running = first.try_wait().expect("try_wait").is_none();
    let _ = first.wait();
    if !running {
        eprintln!("skipped: the first build finished too early");
        return;
    }
    assert!(stderr(&second).contains("another `consulta index` run holds the lock"), "{}", stderr(&second));
    assert!(!stderr(&search).contains("consulta index --full"), "{}", stderr(&search));
}

#[test]

fn a_full_run_during_the_first_build_is_refused_by_the_lock() {
    let Some(fx) = slow_corpus_without_index() else { return };
    let first = spawn_holding_lock(&fx, &["index", "--json"]);
    // `--full` must not clear a folder another run is building; the lock refuses it
    let second = run_in(fx.root(), &["index", "--full", "--json"]);
    let first = first.wait_with_output().expect("first run");
    assert_eq!(
        first.status.code(),
        Some(0),
        "the first run was broken by the second (second exited {:?}): {}",
        second.status.code(),
        stderr(&first)
    );
    assert_eq!(second.status.code(), Some(1), "the second run must be refused by the lock");
}

#[test]

fn a_killed_first_build_leaves_nothing_to_repair() {
    let Some(fx) = slow_corpus_without_index() else { return };
    let mut first = spawn_holding_lock(&fx, &["index", "--json"]);
    if first.try_wait().expect("try_wait").is_some() {
        eprintln!("skipped: the first build finished too early");
        return;
    }
    first.kill().expect("SIGKILL");
    let _ = first.wait();
    // what a user sees after Ctrl-C on the first `consulta search` (which builds the index)
    let search = run_in(fx.root(), &["search", "migration", "--json"]);
    assert_eq!(search.status.code(), Some(0), "{}", stderr(&search));
    let (code, _, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]

fn a_search_during_a_reindex_of_a_changed_corpus_answers_from_the_last_commit() {
    let Some(fx) = slow_corpus_without_index() else { return };
    let (code, _, err) = fx.index_json(&[]);
    assert_eq!(code, Some(0), "{err}");
    fx.write("d.txt", D_TXT);
    let mut indexer = spawn_holding_lock(&fx, &["index", "--full", "--json"]);
    // the corpus is newer than the last commit: the search's own update meets the lock and
    // the search answers from the last commit instead
    let search = run_in(fx.root(), &["search", "migration", "--json"]);
    let running = indexer.try_wait().expect("try_wait").is_none();
    let _ = indexer.wait();
    if !running {
        eprintln!("skipped: the reindex finished too early");
        return;
    }
    assert_eq!(search.status.code(), Some(0), "{}", stderr(&search));
}

#[test]

fn full_never_deletes_a_folder_that_is_not_an_index() {
    let fx = Fixture::new();
    fx.write("a.txt", A_TXT);
    let project = fx.root().join("project");
    std::fs::create_dir_all(project.join("src")).expect("mkdir");
    std::fs::write(project.join("meta.json"), "{\"name\": \"my-project\"").expect("write");
    std::fs::write(project.join("notes.txt"), "precious").expect("write");
    std::fs::write(project.join("src/main.rs"), "fn main() {}").expect("write");
    let out = run_in(fx.root(), &["index", "--full", "--json", "--index", path_str(&project)]);
    assert!(
        project.join("notes.txt").is_file() && project.join("src/main.rs").is_file(),
        "`index --full` (exit {:?}) removed files it did not write",
        out.status.code()
    );
}
