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
    /// Only check the index: every file of its last commit present and passing its checksum.
    #[arg(long, conflicts_with = "full")]
    check: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let config = args.paths.config();
    if args.check {
        return check(&config, args.json, out);
    }
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

/// `consulta index --check`: exit 0 when the index is whole, 1 (naming the files) when not.
fn check(config: &crate::engine::Config, json: bool, out: &mut dyn Write) -> Result<u8> {
    let bad = Engine::check(config)?;
    if json {
        print_json(out, &serde_json::json!({ "index": config.index, "damaged": bad }))?;
    } else if bad.is_empty() {
        io(writeln!(
            out,
            "{}: every file of the last commit is present and passes its checksum",
            config.index.display()
        ))?;
    } else {
        let index = config.index.display();
        io(writeln!(out, "{index}: damaged: {}; rebuild it with `consulta index --full`", bad.join(", ")))?;
    }
    Ok(u8::from(!bad.is_empty()))
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
