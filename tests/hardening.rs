//! Hardening of the index side (issue 17): requests bounded where they enter, a damaged index
//! found and reported (never a panic) and rebuilt by `--full`, readers that need no writer, a
//! search whose update fails answering from the last commit, runs that wait for each other
//! instead of failing, and a fuzz run over the command line.
//!
//! help: a failure here names the damage case or the arguments; run the same `consulta`
//! command by hand on a copy of the index to see the message.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{corpus_dir, run_in, run_shared};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// A temp dir with a copy of the shipped corpus at `corpus/`, indexed at `index/`.
fn indexed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), &dir.path().join("corpus"));
    let out = run_in(dir.path(), &["index"]);
    assert!(out.status.success(), "the copy indexes: {}", stderr(&out));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// `search --json QUERY` in `root`: exit code, totals (when it answered) and stderr.
fn totals(root: &Path, queries: &[&str]) -> (Option<i32>, Vec<u64>, String) {
    let mut all = Vec::new();
    for q in queries {
        let out = run_in(root, &["search", "--json", "--", q]);
        if !out.status.success() {
            return (out.status.code(), all, stderr(&out));
        }
        let v: Value = serde_json::from_slice(&out.stdout).expect("search --json prints JSON");
        all.push(v["total"].as_u64().expect("total"));
    }
    (Some(0), all, String::new())
}

const QUERIES: [&str; 4] = ["trafficking in persons", "remesas", "CSM", "niñez migrante"];

#[test]
fn offsets_and_limits_past_the_window_are_usage_errors() {
    for args in [
        ["--offset", "9223372036854775807", "--limit", "10"],
        ["--offset", "0", "--limit", "9223372036854775807"],
        ["--offset", "0", "--limit", "1000000000000000"],
        ["--offset", "1", "--limit", "18446744073709551615"],
    ] {
        let mut all = vec!["search", "trafficking"];
        all.extend_from_slice(&args);
        let out = run_shared(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("10000 best hits"), "{args:?}: {}", stderr(&out));
    }
    let out = run_shared(&["search", "trafficking", "--offset", "9990", "--limit", "10"]);
    assert_eq!(out.status.code(), Some(0), "the last page of the window: {}", stderr(&out));
}

/// Every kind of segment file damaged three ways: each search answers as before or reports
/// damage (exit 1, with `--full`), `consulta index` always reports it, `--full` restores the
/// exact totals.
#[test]
fn damaged_segment_files_are_reported_and_full_restores_the_index() {
    let dir = indexed_copy();
    let index = dir.path().join("index");
    let (code, pristine, err) = totals(dir.path(), &QUERIES);
    assert_eq!(code, Some(0), "{err}");
    let pristine_copy = dir.path().join("pristine");
    copy_dir(&index, &pristine_copy);
    let mut segment_files: Vec<PathBuf> = std::fs::read_dir(&index)
        .expect("index dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.len() > 33 && n.as_bytes()[32] == b'.'))
        .collect();
    segment_files.sort();
    let kinds: std::collections::BTreeSet<String> =
        segment_files.iter().filter_map(|p| p.extension()).map(|e| e.to_string_lossy().into_owned()).collect();
    assert!(kinds.len() >= 6, "segment files of every kind: {kinds:?}");
    let mut cases = 0;
    for file in &segment_files {
        for damage in ["flip", "truncate", "delete"] {
            std::fs::remove_dir_all(&index).expect("reset");
            copy_dir(&pristine_copy, &index);
            let target = index.join(file.file_name().expect("name"));
            let bytes = std::fs::read(&target).expect("read");
            match damage {
                "flip" => {
                    let mut b = bytes.clone();
                    let at = b.len() / 2;
                    for x in &mut b[at..(at + 8).min(bytes.len())] {
                        *x ^= 0x5a;
                    }
                    std::fs::write(&target, b).expect("flip");
                }
                "truncate" => std::fs::write(&target, &bytes[..bytes.len() / 2]).expect("truncate"),
                _ => std::fs::remove_file(&target).expect("delete"),
            }
            let case = format!("{damage} {}", target.display());
            let (code, got, err) = totals(dir.path(), &QUERIES);
            match code {
                Some(0) => assert_eq!(got, pristine, "{case}: a search that answers answers as before"),
                Some(1) => assert!(err.contains("damaged") && err.contains("--full"), "{case}: {err}"),
                other => panic!("{case}: search exited {other:?}: {err}"),
            }
            let out = run_in(dir.path(), &["index"]);
            assert_eq!(out.status.code(), Some(1), "{case}: `index` must report the damage: {}", stderr(&out));
            assert!(stderr(&out).contains("damaged") && stderr(&out).contains("--full"), "{case}: {}", stderr(&out));
            let check = run_in(dir.path(), &["index", "--check"]);
            assert_eq!(check.status.code(), Some(1), "{case}: --check: {}", String::from_utf8_lossy(&check.stdout));
            let out = run_in(dir.path(), &["index", "--full"]);
            assert!(out.status.success(), "{case}: --full: {}", stderr(&out));
            let (code, got, err) = totals(dir.path(), &QUERIES);
            assert_eq!((code, got), (Some(0), pristine.clone()), "{case}: after --full: {err}");
            cases += 1;
        }
    }
    assert!(cases >= 18, "{cases} cases");
    // a lost meta.json, and what a killed first build left beside it, are no obstacle either
    std::fs::remove_file(index.join("meta.json")).expect("remove meta.json");
    std::fs::create_dir_all(dir.path().join(".index.building")).expect("leftover");
    let out = run_in(dir.path(), &["index"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("meta.json is missing") && stderr(&out).contains("--full"), "{}", stderr(&out));
    let out = run_in(dir.path(), &["index", "--full"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(totals(dir.path(), &QUERIES).1, pristine);
    assert!(!dir.path().join(".index.building").exists() && !dir.path().join(".index.old").exists());
    let check = run_in(dir.path(), &["index", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn an_index_folder_that_holds_the_corpus_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), &dir.path().join("corpus"));
    let out = run_in(dir.path(), &["index", "--index", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("holds the corpus folder"), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["corpus"], "nothing written beside the corpus");
}

/// Runs `f` with `dir` mounted as a tmpfs of `size` (root only; `None` when mounting is not
/// allowed here, and the caller skips).
fn with_tmpfs<T>(dir: &Path, size: &str, f: impl FnOnce() -> T) -> Option<T> {
    std::fs::create_dir_all(dir).expect("mount point");
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", s(dir)]).output();
    if !mounted.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot mount a tmpfs here (needs root)");
        return None;
    }
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    let _ = Command::new("umount").arg(s(dir)).output();
    Some(out.unwrap_or_else(|p| std::panic::resume_unwind(p)))
}

#[test]
fn a_read_only_index_answers_and_a_stale_one_answers_from_its_last_commit() {
    let dir = indexed_copy();
    let (_, pristine, _) = totals(dir.path(), &QUERIES);
    let ro = dir.path().join("ro");
    let index = ro.join("index");
    let _ = with_tmpfs(&ro, "64m", || {
        copy_dir(&dir.path().join("index"), &index);
        let remount = Command::new("mount").args(["-o", "remount,ro", s(&ro)]).output().expect("mount runs");
        assert!(remount.status.success(), "remount read-only");
        let corpus = dir.path().join("corpus");
        let args = |q: &'static str| vec!["search", "--json", "--index", s(&index), "--corpus", s(&corpus), "--", q];
        let out = run_in(dir.path(), &args("remesas"));
        assert!(out.status.success(), "a read-only index answers: {}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["total"].as_u64(), Some(pristine[1]));
        let show = run_in(
            dir.path(),
            &["show", "--index", s(&index), "--corpus", s(&corpus), "006_plenaria_crm_csm_2024_es.txt"],
        );
        assert!(show.status.success(), "{}", stderr(&show));
        // the corpus changed: the update cannot be written, the search answers and says so
        std::fs::write(corpus.join("new.txt"), "A new report on remesas.\n").expect("write");
        let out = run_in(dir.path(), &args("remesas"));
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("searching its last commit"), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["total"].as_u64(), Some(pristine[1]), "the last commit's answer");
    });
}

#[test]
fn a_full_disk_during_a_searchs_update_answers_from_the_last_commit_and_leaves_nothing_behind() {
    let dir = indexed_copy();
    let (_, pristine, _) = totals(dir.path(), &QUERIES);
    let small = dir.path().join("small");
    let index = small.join("index");
    let index_bytes: u64 = std::fs::read_dir(dir.path().join("index"))
        .expect("dir")
        .map(|e| e.expect("e").metadata().expect("m").len())
        .sum();
    // room for the index and little more: the update of a corpus twice as large cannot fit
    let size = format!("{}k", index_bytes / 1024 + 160);
    let _ = with_tmpfs(&small, &size, || {
        copy_dir(&dir.path().join("index"), &index);
        let before: Vec<String> = names(&index);
        let corpus = dir.path().join("corpus");
        for (i, entry) in std::fs::read_dir(corpus_dir()).expect("corpus").enumerate() {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, corpus.join(format!("copy{i}_{}", path.file_name().expect("n").to_string_lossy())))
                .expect("copy");
        }
        let out =
            run_in(dir.path(), &["search", "--json", "--index", s(&index), "--corpus", s(&corpus), "--", "remesas"]);
        assert!(out.status.success(), "the search answers: {}", stderr(&out));
        assert!(stderr(&out).contains("searching its last commit"), "{}", stderr(&out));
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["total"].as_u64(), Some(pristine[1]), "the last commit's answer");
        assert_eq!(names(&index), before, "no orphan segment or manifest files stay");
        assert!(!small.join(".index.building").exists());
    });
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".lock"))
        .collect();
    n.sort();
    n
}

#[test]
fn concurrent_first_searches_all_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&corpus_dir(), &dir.path().join("corpus"));
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_consulta"))
                .args(["search", "--json", "remesas"])
                .current_dir(dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let totals: Vec<Option<u64>> = children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().expect("wait");
            assert!(out.status.success(), "every first search answers: {}", stderr(&out));
            serde_json::from_slice::<Value>(&out.stdout).expect("json")["total"].as_u64()
        })
        .collect();
    assert!(totals.windows(2).all(|w| w[0] == w[1]) && totals[0].is_some_and(|t| t > 0), "{totals:?}");
}

#[test]
fn an_explicit_index_run_waits_for_a_searchs_update() {
    let dir = indexed_copy();
    // a search's update is marked in the index folder while it holds the lock: simulate one
    // holding the lock with the mark, and see `index` wait and then run
    let index = dir.path().join("index");
    std::fs::write(index.join(".consulta-search-update"), "1").expect("mark");
    let holder = Command::new("flock").args(["-x", s(&index.join(".tantivy-writer.lock")), "sleep", "2"]).spawn();
    let Ok(mut holder) = holder else {
        eprintln!("skipped: flock(1) not found");
        return;
    };
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let release = std::thread::spawn({
        let mark = index.join(".consulta-search-update");
        move || {
            let _ = holder.wait();
            let _ = std::fs::remove_file(mark);
        }
    });
    let out = run_in(dir.path(), &["index"]);
    release.join().expect("released");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("waiting for it to finish"), "{}", stderr(&out));
    assert!(started.elapsed() >= Duration::from_millis(1000), "it waited for the lock");
    // without the mark, another run holding the lock is refused at once, as before
    let mut holder = Command::new("flock")
        .args(["-x", s(&index.join(".tantivy-writer.lock")), "sleep", "2"])
        .spawn()
        .expect("flock");
    std::thread::sleep(Duration::from_millis(300));
    let out = run_in(dir.path(), &["index"]);
    let _ = holder.wait();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("holds the lock"), "{}", stderr(&out));
}

mod fuzz {
    use proptest::prelude::*;

    use crate::util::{corpus_dir, shared_index};

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("CSM".to_string()),
            Just("Narnia".to_string()),
            Just("-1".to_string()),
            Just(String::new()),
            Just("session".to_string()),
            Just("006_plenaria_crm_csm_2024_es".to_string()),
            "\\PC{0,12}",
        ]
    }

    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            (0u64..30).prop_map(|n| n.to_string()),
            Just(u64::MAX.to_string()),
            Just(i64::MAX.to_string()),
            Just("10000".to_string()),
            Just("-3".to_string()),
            Just("1e9".to_string()),
        ]
    }

    fn args() -> impl Strategy<Value = Vec<String>> {
        let flag = prop_oneof![
            Just("--mechanism"),
            Just("--kind"),
            Just("--session"),
            Just("--country"),
            Just("--lang"),
            Just("--doc"),
            Just("--year")
        ];
        let search =
            (value(), number(), number(), proptest::collection::vec((flag, value()), 0..3), any::<bool>(), number())
                .prop_map(|(q, offset, limit, filters, json, facets)| {
                    let mut a = vec!["search".to_string(), "--offset".into(), offset, "--limit".into(), limit];
                    a.extend(["--facet-limit".to_string(), facets]);
                    for (f, v) in filters {
                        a.push(format!("{f}={v}"));
                    }
                    if json {
                        a.push("--json".into());
                    }
                    a.extend(["--".to_string(), q]);
                    a
                });
        let show = value().prop_map(|id| vec!["show".to_string(), "--".into(), id]);
        let show_id = value().prop_map(|slug| vec!["show".to_string(), format!("006_plenaria_crm_csm_2024_es#{slug}")]);
        let lookup = value().prop_map(|m| vec!["lookup".to_string(), "--".into(), m]);
        let session = value().prop_map(|s| vec!["lookup".to_string(), format!("--session={s}")]);
        prop_oneof![4 => search, 1 => show, 1 => show_id, 1 => lookup, 1 => session]
    }

    /// The exit code `main` gives: clap's own for a parse error, 0/1 from a run, 2 for a usage
    /// error and 1 for any other.
    fn exit_code(args: &[String]) -> i32 {
        use clap::Parser;
        let index = shared_index().to_str().expect("utf-8").to_string();
        let corpus = corpus_dir().to_str().expect("utf-8").to_string();
        let mut all = vec!["consulta".to_string(), args[0].clone(), "--index".into(), index, "--corpus".into(), corpus];
        all.extend_from_slice(&args[1..]);
        let cli = match consulta::cli::Cli::try_parse_from(&all) {
            Ok(cli) => cli,
            Err(e) => return e.exit_code(),
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        match consulta::cli::run(cli, &mut out, &mut err) {
            Ok(code) => i32::from(code),
            Err(e) if e.is_usage() => 2,
            Err(_) => 1,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn the_command_line_never_panics_and_exits_0_1_or_2(args in args()) {
            let code = std::panic::catch_unwind(|| exit_code(&args));
            prop_assert!(matches!(code, Ok(0..=2)), "{args:?} → {code:?}");
        }
    }
}
