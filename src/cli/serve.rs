//! `consulta serve`: the search page, the JSON API and the Meilisearch-compatible API over one
//! open index (see `crate::server`).

use std::io::Write;
use std::net::SocketAddr;

use crate::cli::Paths;
use crate::error::Result;

/// Arguments of `consulta serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; loopback by default (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "IP:PORT")]
    addr: SocketAddr,
    #[command(flatten)]
    paths: Paths,
    /// Let `POST /reindex` run the indexer on the corpus (read-only otherwise).
    #[arg(long)]
    allow_reindex: bool,
    /// Engine calls at once (default: two per core).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
}

pub fn run(args: Args, _out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let engine = args.paths.open(err)?;
    let mut options = crate::server::Options::new(args.addr);
    options.allow_reindex = args.allow_reindex;
    if let Some(n) = args.concurrency {
        options.concurrency = n.max(1);
    }
    crate::server::run(engine, options, |addr| {
        // the address goes out even when stderr is not a terminal: scripts started with
        // port 0 read it here
        let _ = writeln!(err, "consulta: serving http://{addr}/ (Ctrl-C stops)");
        let _ = err.flush();
    })?;
    Ok(0)
}
