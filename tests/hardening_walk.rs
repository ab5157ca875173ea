//! The walk policy for a corpus on a shared drive (issue #17, rows 3, 4, 5, 9, 10 and 14),
//! through the binary: only regular files are read, reads stop at `--max-bytes`, an unreadable
//! folder is one failure and keeps its records, links out of the corpus are followed only when
//! asked, a folder is walked once however many links reach it, and file names reach the
//! terminal with their control characters escaped.
//!
//! Every command runs with a deadline: the failures these tests guard against were hangs and
//! runaway reads, and a test that hangs says less than one that fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Long enough for the debug binary to index a few files on a busy 2-core machine.
const DEADLINE: Duration = Duration::from_secs(60);

const GOOD_EN: &str = "The SACM met in Lima to discuss alpacaflux and regular migration.\n";
const GOOD_ES: &str = "La CSM se reunió en Lima para tratar borealumen y la migración.\n";

/// A temp dir holding `corpus/`; commands run in it, so `--corpus corpus --index index` apply.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("corpus")).expect("mkdir corpus");
        let fx = Fixture { dir };
        fx.write("good.txt", GOOD_EN);
        fx
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn corpus(&self) -> PathBuf {
        self.root().join("corpus")
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.corpus().join(name);
        std::fs::create_dir_all(path.parent().expect("in the corpus")).expect("mkdir");
        std::fs::write(path, text).expect("write corpus file");
    }

    fn link(&self, target: impl AsRef<Path>, name: &str) {
        std::os::unix::fs::symlink(target, self.corpus().join(name)).expect("symlink");
    }

    /// `consulta ARGS` in the fixture, within the deadline.
    fn run(&self, args: &[&str]) -> Output {
        run_with_deadline(Command::new(env!("CARGO_BIN_EXE_consulta")).args(args).current_dir(self.root()))
    }

    /// `consulta index --json ARGS`: the exit code, the report and stderr.
    fn index(&self, args: &[&str]) -> (Option<i32>, Value, String) {
        let out = self.run(&[&["index", "--json"], args].concat());
        let err = stderr(&out);
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("index --json printed no JSON ({e}); stderr: {err}"));
        (out.status.code(), report, err)
    }

    /// The documents a search for `word` finds (exit 0 asserted); the search may update the
    /// index first, as any search does.
    fn search(&self, word: &str, args: &[&str]) -> Vec<String> {
        let out = self.run(&[&["search", word, "--json", "--no-expand", "--limit", "100"], args].concat());
        assert_eq!(out.status.code(), Some(0), "search {word}: {}", stderr(&out));
        let resp: Value = serde_json::from_slice(&out.stdout).expect("search --json prints JSON");
        let mut docs: Vec<String> = resp["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["doc"].as_str().expect("doc").to_string())
            .collect();
        docs.sort();
        docs.dedup();
        docs
    }
}

/// Runs `cmd`, killing it and failing the test when it outlives [`DEADLINE`].
fn run_with_deadline(cmd: &mut Command) -> Output {
    let mut child =
        cmd.env("NO_COLOR", "1").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the binary starts");
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let out = child.wait_with_output().expect("killed");
            panic!(
                "{cmd:?} still running after {DEADLINE:?} (killed); help: something blocks or reads without end\n{}",
                stderr(&out)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The entry of `list` (`failed` or `skipped`) for `path`.
fn entry<'r>(report: &'r Value, list: &str, path: &str) -> &'r Value {
    report[list]
        .as_array()
        .expect("a list")
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("no {list} entry for {path}: {report}"))
}

fn reason<'r>(report: &'r Value, list: &str, path: &str) -> &'r str {
    entry(report, list, path)["reason"].as_str().expect("reason")
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in a temp path");
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

// Row 3: `mkfifo corpus/pipe.txt` made `index` and `search` block forever on the open.
#[test]
fn a_named_pipe_is_skipped_and_blocks_neither_search_nor_index() {
    let fx = Fixture::new();
    mkfifo(&fx.corpus().join("pipe.txt"));
    // a search without an index builds one: it must not block on the pipe either
    assert_eq!(fx.search("alpacaflux", &[]), ["good.txt"]);
    let (code, report, err) = fx.index(&[]);
    assert_eq!(code, Some(0), "a skipped pipe is not a failure: {report}\n{err}");
    assert!(reason(&report, "skipped", "pipe.txt").starts_with("not a regular file (a named pipe); "), "{report}");
    assert_eq!(report["documents"], 1, "{report}");
}

// Row 4: `ln -s /dev/zero corpus/zero.txt` grew to 2.8 GB resident in 3 s.
#[test]
fn a_link_to_an_endless_device_is_never_read() {
    let fx = Fixture::new();
    fx.link("/dev/zero", "zero.txt");
    let (code, report, err) = fx.index(&["--max-bytes", "1000"]);
    assert_eq!(code, Some(0), "{report}\n{err}");
    assert!(reason(&report, "skipped", "zero.txt").contains("outside the corpus folder"), "{report}");
    // followed, it is a device, not a file: passed over before anything is read
    let (code, report, err) = fx.index(&["--max-bytes", "1000", "--follow-links"]);
    assert_eq!(code, Some(0), "{report}\n{err}");
    assert!(reason(&report, "skipped", "zero.txt").starts_with("not a regular file (a character device)"), "{report}");
    assert_eq!(report["documents"], 1, "{report}");
}

/// Runs `consulta ARGS` in `fx` as `nobody` (for a root test run, where chmod 000 stops
/// nothing), with the fixture handed to that user; `None` when `setpriv` is missing.
fn as_nobody(fx: &Fixture, args: &[&str]) -> Option<Output> {
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists())?;
    let mut cmd = Command::new(setpriv);
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_consulta")]);
    Some(run_with_deadline(cmd.args(args).current_dir(fx.root())))
}

fn chown_all(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).expect("chown");
    if path.is_dir() && !path.is_symlink() {
        for e in std::fs::read_dir(path).expect("read_dir") {
            chown_all(&e.expect("entry").path(), uid, gid);
        }
    }
}

// Row 5: one unreadable subfolder made `index`, `search` and `show` exit 1 with "Permission
// denied", even with a valid index.
#[test]
fn an_unreadable_folder_fails_alone_and_keeps_its_records() {
    use std::os::unix::fs::PermissionsExt;
    let fx = Fixture::new();
    fx.write("locked/informe.md", GOOD_ES);
    let root = unsafe { libc::geteuid() } == 0;
    // as root a chmod 000 folder can still be listed: run the binary as `nobody` instead
    // (the walk's handling of the error is also unit-tested in src/ingest/corpus.rs)
    if root {
        chown_all(fx.root(), 65534, 65534);
    }
    let run = |args: &[&str]| if root { as_nobody(&fx, args) } else { Some(fx.run(args)) };
    let Some(first) = run(&["index"]) else {
        eprintln!("skipped: running as root without setpriv to drop to `nobody`");
        return;
    };
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let locked = fx.corpus().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod 000");
    fx.write("later.txt", "A later report on regular pathways.\n");

    let out = run(&["index", "--json"]).expect("ran before");
    let _restore = Restore(locked.clone());
    let err = stderr(&out);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {err}"));
    assert_eq!(out.status.code(), Some(1), "an unreadable folder is a failure: {report}\n{err}");
    let failed = entry(&report, "failed", "locked");
    assert!(
        failed["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("folder cannot be read (permission denied); make it readable")),
        "{failed}"
    );
    assert_eq!(failed["kept_previous"], true, "its records stay: {failed}");
    assert_eq!(report["failed"].as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(
        (&report["added"], &report["removed"], &report["documents"]),
        (&1.into(), &0.into(), &3.into()),
        "{report}"
    );
    assert!(err.contains("consulta: skipped corpus/locked: folder cannot be read (permission denied)"), "{err}");

    // search and show answer, the folder's document included, without rebuilding each time
    let out = run(&["search", "borealumen", "--json", "--no-expand"]).expect("ran before");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let resp: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(resp["hits"][0]["doc"], "locked/informe.md", "{resp}");
    let out = run(&["show", "good.txt"]).expect("ran before");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(&["index", "--json"]).expect("ran before");
    let again: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!((&again["added"], &again["removed"], &again["unchanged"]), (&0.into(), &0.into(), &2.into()), "{again}");

    // readable again: the failure clears and the folder is walked
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod 755");
    let out = run(&["index", "--json"]).expect("ran before");
    let healed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(out.status.code(), Some(0), "{healed}");
    assert_eq!((&healed["unchanged"], &healed["documents"]), (&3.into(), &3.into()), "{healed}");
}

/// Makes a folder removable again when a test fails with it at chmod 000.
struct Restore(PathBuf);

impl Drop for Restore {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

// Row 9: `ln -s /etc/passwd corpus/outside.txt` made /etc/passwd searchable, and
// `ln -s /etc corpus/outside_dir` walked all of /etc.
#[test]
fn links_out_of_the_corpus_are_skipped_unless_followed() {
    let fx = Fixture::new();
    let outside = fx.root().join("outside");
    std::fs::create_dir(&outside).expect("mkdir outside");
    std::fs::write(outside.join("secret.txt"), "The quorvex plan is kept outside.\n").expect("write");
    fx.link(outside.join("secret.txt"), "outside.txt");
    fx.link(&outside, "outside_dir");
    fx.link("/etc/passwd", "passwd.txt");
    fx.link("good.txt", "inside.txt"); // a link within the corpus is taken as before

    let (code, report, err) = fx.index(&[]);
    assert_eq!(code, Some(0), "{report}\n{err}");
    for name in ["outside.txt", "outside_dir", "passwd.txt"] {
        let why = reason(&report, "skipped", name);
        assert!(why.starts_with("symbolic link to /"), "{why}");
        assert!(why.ends_with("outside the corpus folder; pass --follow-links to index what it points to"), "{why}");
    }
    assert_eq!(report["documents"], 2, "good.txt and inside.txt: {report}");
    assert!(fx.search("quorvex", &[]).is_empty());
    assert!(fx.search("root", &[]).is_empty(), "/etc/passwd is not searchable");

    let (code, report, err) = fx.index(&["--follow-links"]);
    assert_eq!(code, Some(0), "{report}\n{err}");
    assert_eq!(fx.search("quorvex", &[]), ["outside.txt", "outside_dir/secret.txt"]);
    // the manifest keeps the policy: a search's update of a changed corpus still follows
    fx.write("new.txt", "A new report on labour mobility.\n");
    assert_eq!(fx.search("quorvex", &[]), ["outside.txt", "outside_dir/secret.txt"]);
    // and an index run without the flag stops following
    let (_, report, _) = fx.index(&[]);
    assert_eq!(report["removed"], 3, "outside.txt, outside_dir/secret.txt and passwd.txt: {report}");
    assert!(fx.search("quorvex", &[]).is_empty());
    // a search may ask for it too
    assert_eq!(fx.search("quorvex", &["--follow-links"]), ["outside.txt", "outside_dir/secret.txt"]);
}

// Row 14: a folder reached by two links (no loop) was reported as a "symlink loop".
#[test]
fn a_folder_reached_by_two_links_is_walked_once_and_only_real_loops_are_loops() {
    let fx = Fixture::new();
    fx.write("real/informe.md", GOOD_ES);
    fx.link("real", "first");
    fx.link("real", "second");
    fx.link("..", "real/up"); // a real loop: back to the corpus folder, which holds it
    let (code, report, err) = fx.index(&[]);
    assert_eq!(code, Some(1), "the loop is a failure: {report}\n{err}");
    assert_eq!(reason(&report, "skipped", "first"), "already walked as real");
    assert_eq!(reason(&report, "skipped", "second"), "already walked as real");
    let failed: Vec<&str> =
        report["failed"].as_array().expect("failed").iter().map(|e| e["path"].as_str().expect("path")).collect();
    assert_eq!(failed, ["real/up"], "{report}");
    assert!(
        reason(&report, "failed", "real/up").starts_with("symlink loop: it links back to the corpus folder"),
        "{report}"
    );
    assert_eq!(fx.search("borealumen", &[]), ["real/informe.md"], "indexed once, under its own name");

    // a folder outside reached by two links, followed: the first link walks it
    let outside = fx.root().join("shared");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("x.txt"), "The zentrofax report.\n").expect("write");
    fx.link(&outside, "a_link");
    fx.link(&outside, "b_link");
    let (_, report, err) = fx.index(&["--follow-links"]);
    assert_eq!(reason(&report, "skipped", "b_link"), "already walked as a_link", "{err}");
    assert_eq!(fx.search("zentrofax", &[]), ["a_link/x.txt"]);
}

// Row 14: `show ./corpus/X.txt` must find what `show corpus/X.txt` finds.
#[test]
fn show_takes_a_document_by_any_path_into_the_corpus() {
    let fx = Fixture::new();
    let (code, _, err) = fx.index(&[]);
    assert_eq!(code, Some(0), "{err}");
    let corpus = fx.corpus();
    let absolute = corpus.join("good.txt");
    let absolute = absolute.to_str().expect("utf-8 temp path");
    let expected = fx.run(&["show", "good.txt"]);
    assert_eq!(expected.status.code(), Some(0), "{}", stderr(&expected));
    for args in [
        vec!["show", "corpus/good.txt"],
        vec!["show", "./corpus/good.txt"],
        vec!["show", absolute],
        vec!["show", "./corpus/good.txt", "--corpus", corpus.to_str().expect("utf-8")],
    ] {
        let out = fx.run(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(out.stdout, expected.stdout, "{args:?} shows the same outline as `show good.txt`");
    }
}

// Row 10: a file named with a newline and `\x1b[32m…` printed a fake green summary line.
#[test]
fn file_names_reach_the_terminal_escaped() {
    let fx = Fixture::new();
    let evil = "x\n\x1b[32mindexed 99 documents\x1b[0m.txt";
    fx.write(evil, GOOD_ES);
    fx.write("bad\n\x1b[31mempty.txt", "");
    let out = fx.run(&["index"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "the empty file fails: {err}");
    assert!(!err.contains('\x1b') && !String::from_utf8_lossy(&out.stdout).contains('\x1b'), "raw escape: {err:?}");
    assert!(err.contains(r"consulta: skipped corpus/bad\n\u{1b}[31mempty.txt: empty file"), "{err}");
    assert_eq!(err.lines().count(), 1, "one failure, one line: {err:?}");

    let out = fx.run(&["search", "borealumen", "--no-expand"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains(r"x\n\u{1b}[32mindexed 99 documents\u{1b}[0m.txt · "), "{text}");
    // JSON keeps the name as it is (serde escapes it)
    assert_eq!(fx.search("borealumen", &[]), [evil]);
    let out = fx.run(&["show", evil]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\x1b') && text.starts_with(r"x\n\u{1b}[32mindexed"), "{text:?}");
}
