//! Real clients as judges of `consulta serve` (issue 20): consulta's own page in headless
//! Chromium (tests/browser/page.mjs). These need node with tests/browser's packages (`npm ci`
//! there) and Debian's chromium: missing tools skip the test locally and fail it under
//! `CI=true`, where `.ci/run` installs them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::server::Server;

/// Whether the tools are there; when not, a skip notice locally and a failure on CI.
fn tools(what: &str, present: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = present.iter().filter(|(_, ok)| !ok).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} needs {} (bash .ci/run installs them)", missing.join(", "));
    }
    eprintln!("skipped {what}: {} missing (bash .ci/run installs them)", missing.join(", "));
    false
}

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn has_command(name: &str, arg: &str) -> bool {
    Command::new(name).arg(arg).output().is_ok_and(|o| o.status.success())
}

/// The test's output folder (screenshots).
fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::create_dir_all(&dir).expect("output folder");
    dir
}

fn run_node(script: &str, args: &[&str]) {
    let out = Command::new("node").arg(script).args(args).current_dir(browser_dir()).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node {script} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{stdout}");
}

fn browser_tools(what: &str) -> bool {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    tools(
        what,
        &[
            ("node", has_command("node", "--version")),
            ("chromium", Path::new(&chromium).exists()),
            ("tests/browser/node_modules (npm ci)", browser_dir().join("node_modules/playwright-core").exists()),
        ],
    )
}

#[test]
fn the_page_searches_filters_opens_a_record_and_goes_back_in_chromium() {
    if !browser_tools("the page test") {
        return;
    }
    let server = Server::shared();
    let out = out_dir("serve-page");
    run_node("page.mjs", &[&format!("http://{}", server.addr), out.to_str().unwrap()]);
    for shot in ["1-typed-remesas.png", "2-mechanism-SACM.png", "3-record.png", "4-back.png"] {
        assert!(
            out.join(shot).metadata().is_ok_and(|m| m.len() > 10_000),
            "screenshot {shot} saved in {}",
            out.display()
        );
    }
}
