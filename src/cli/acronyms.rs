//! `consulta acronyms`: the glossary's acronyms and those the corpus defines, with where each
//! was seen.

use std::io::Write;

use crate::cli::{io, print_json, render, Paths};
use crate::error::Result;

/// Arguments of `consulta acronyms`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    paths: Paths,
    /// Print a JSON array.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let rows = args.paths.open(err)?.acronyms()?;
    if args.json {
        print_json(out, &rows)?;
        return Ok(0);
    }
    for r in &rows {
        let origin = match &r.id {
            Some(id) => format!("glossary: {id}"),
            None => {
                let files: Vec<_> = r.seen_in.iter().map(|f| render::name(f)).collect();
                format!("defined in {}", files.join(", "))
            }
        };
        io(writeln!(out, "{:<10} {}  [{origin}]", r.acronym, r.names.join(" | ")))?;
    }
    Ok(0)
}
