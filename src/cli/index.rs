//! `consulta index`.

use std::io::Write;

use crate::cli::{io, print_json, progress::Notices, Paths};
use crate::engine::{Engine, ReindexOptions};
use crate::error::Result;
use crate::ingest::DEFAULT_MAX_BYTES;
use crate::reindex::IndexReport;

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
    let config = args.paths.config();
    let mut notices = Notices::new(&config, err, false);
    let opts = ReindexOptions { full: args.full, max_bytes: args.max_bytes, follow_links: args.paths.follow_links };
    let report = Engine::index(&config, opts, &mut |e| notices.event(e))?;
    if args.json {
        print_json(out, &report)?;
    } else {
        io(writeln!(out, "{}", summary(&report)))?;
    }
    Ok(u8::from(!report.failed.is_empty()))
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
