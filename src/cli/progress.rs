//! Progress on stderr: an indicatif bar on a terminal; otherwise (a log, a CI job) a plain
//! line every few seconds, so short runs stay silent and long ones show they are alive.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::{BuildReason, Config, Event};
use crate::reindex::Progress;

/// Interval between plain progress lines.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// A progress reporter for an index run.
pub struct Reporter {
    bar: Option<ProgressBar>,
    plain: Option<Plain>,
}

/// State of the plain-line reporter.
struct Plain {
    started: Instant,
    last: Instant,
    files: (usize, usize),
    bytes: (u64, u64),
}

impl Reporter {
    /// A bar when stderr is a terminal, periodic lines otherwise.
    pub fn new() -> Reporter {
        Reporter { bar: None, plain: None }
    }

    /// Handles one event.
    pub fn event(&mut self, p: Progress<'_>) {
        match p {
            Progress::Start { bytes, .. } if std::io::stderr().is_terminal() => {
                let bar = ProgressBar::new(bytes);
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta} {wide_msg}",
                    )
                    .expect("valid template"),
                );
                self.bar = Some(bar);
            }
            Progress::Start { files, bytes } => {
                let now = Instant::now();
                self.plain = Some(Plain { started: now, last: now, files: (0, files), bytes: (0, bytes) });
            }
            Progress::Waiting => {
                let _ = writeln!(
                    std::io::stderr(),
                    "consulta: a search is bringing the index up to date; waiting for it to finish"
                );
            }
            Progress::File { name, bytes } => {
                if let Some(bar) = &self.bar {
                    bar.set_message(super::render::name(name).into_owned());
                    bar.inc(bytes);
                }
                if let Some(p) = &mut self.plain {
                    p.files.0 += 1;
                    p.bytes.0 += bytes;
                    if p.last.elapsed() >= LINE_EVERY {
                        p.last = Instant::now();
                        let secs = p.started.elapsed().as_secs_f64();
                        let mb = p.bytes.0 as f64 / 1e6;
                        let _ = writeln!(
                            std::io::stderr(),
                            "consulta: indexed {}/{} files, {mb:.1}/{:.1} MB, {:.1} MB/s",
                            p.files.0,
                            p.files.1,
                            p.bytes.1 as f64 / 1e6,
                            mb / secs.max(1e-9)
                        );
                    }
                }
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Default for Reporter {
    fn default() -> Self {
        Reporter::new()
    }
}

/// What a command prints while the engine opens, builds or reindexes: notices ("building it")
/// and the summary on stderr only when it is a terminal, a bar or periodic lines for progress,
/// and every file that failed, always (with where it is).
pub struct Notices<'e> {
    err: &'e mut dyn Write,
    config: Config,
    reporter: Reporter,
    notices: bool,
    /// Print the run's summary line (an index run started by a search; `consulta index` prints
    /// its own on stdout).
    summary: bool,
}

impl<'e> Notices<'e> {
    /// Notices for the engine of `config`, written to `err`.
    pub fn new(config: &Config, err: &'e mut dyn Write, summary: bool) -> Notices<'e> {
        let notices = std::io::stderr().is_terminal();
        Notices { err, config: config.clone(), reporter: Reporter::new(), notices, summary }
    }

    /// Handles one event of the engine.
    pub fn event(&mut self, e: Event<'_>) {
        match e {
            Event::Building(reason) if self.notices => {
                let why = match reason {
                    BuildReason::Missing => "no index yet: building it",
                    BuildReason::Stale => "the corpus changed since the last index run: updating the index",
                };
                let (c, i) = (self.config.corpus.display(), self.config.index.display());
                let _ = writeln!(self.err, "consulta: {why} ({c} → {i})");
            }
            Event::Building(_) => {}
            Event::Indexing(p) => self.reporter.event(p),
            Event::Built(report) => {
                self.reporter.finish();
                for f in &report.failed {
                    let kept =
                        if f.kept_previous == Some(true) { " (its last good version stays searchable)" } else { "" };
                    let path = self.config.corpus.join(&f.path);
                    let path = super::render::name(&path.to_string_lossy()).into_owned();
                    let _ = writeln!(self.err, "consulta: skipped {path}: {}{kept}", f.reason);
                }
                if self.summary && self.notices {
                    let _ = writeln!(self.err, "consulta: {}", super::index::summary(report));
                }
            }
            // the answers may be out of date: said even off a terminal
            Event::LastCommit(why) => {
                let _ = writeln!(self.err, "consulta: {why}; searching its last commit");
            }
            Event::Waiting(why) if self.notices => {
                let _ = writeln!(self.err, "consulta: {why}; waiting for it to finish");
            }
            Event::Waiting(_) => {}
        }
    }
}
