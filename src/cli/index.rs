//! `consulta index`.

use std::io::Write;

use crate::cli::{io, print_json, progress::Reporter, Paths};
use crate::error::Result;
use crate::index::{self, IndexOptions, IndexReport};
use crate::ingest::DEFAULT_MAX_BYTES;

/// Arguments of `consulta index`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// Re-read and re-index every file (also rebuilds an index of an older format).
    #[arg(long)]
    full: bool,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES, value_name = "BYTES")]
    max_bytes: u64,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let opts =
        IndexOptions { corpus: args.paths.corpus, index: args.paths.index, full: args.full, max_bytes: args.max_bytes };
    let report = build(&opts, err)?;
    if args.json {
        print_json(out, &report)?;
    } else {
        io(writeln!(out, "{}", summary(&report)))?;
    }
    Ok(u8::from(!report.failed.is_empty()))
}

/// Runs an index batch with progress on stderr and each failure named there.
pub fn build(opts: &IndexOptions, err: &mut dyn Write) -> Result<IndexReport> {
    let mut reporter = Reporter::new();
    let report = index::writer::run(opts, &mut |p| reporter.event(p));
    reporter.finish();
    let report = report?;
    for f in &report.failed {
        let kept = if f.kept_previous == Some(true) { " (its last good version stays searchable)" } else { "" };
        let _ = writeln!(err, "consulta: skipped {}: {}{kept}", opts.corpus.join(&f.path).display(), f.reason);
    }
    Ok(report)
}

/// The one-line summary.
pub fn summary(r: &IndexReport) -> String {
    format!(
        "indexed {} documents, {} records: added {}, updated {}, removed {}, unchanged {}, failed {}, skipped {} in {:.2} s",
        r.documents,
        r.records,
        r.added,
        r.updated,
        r.removed,
        r.unchanged,
        r.failed.len(),
        r.skipped.len(),
        r.seconds
    )
}
