//! `consulta acronyms`: the glossary's acronyms and those the corpus defines, with where each
//! was seen.

use std::io::Write;

use serde::Serialize;

use crate::analyze::entities::GLOSSARY;
use crate::cli::{io, print_json, search::open_or_build, Paths};
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

#[derive(Serialize)]
struct Row {
    acronym: String,
    names: Vec<String>,
    /// `glossary` or `mined`.
    source: &'static str,
    /// Canonical id, for glossary entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// Corpus files that define it (mined entries).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    seen_in: Vec<String>,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let searchable = open_or_build(&args.paths, err)?;
    let manifest = crate::index::read_manifest(&searchable.index)?.unwrap_or_default();
    let mut rows: Vec<Row> = Vec::new();
    for e in GLOSSARY.entities() {
        let names: Vec<String> = std::iter::once(&e.id).chain(&e.aliases).filter(|a| !is_acronym(a)).cloned().collect();
        for acr in std::iter::once(&e.id).chain(&e.aliases).filter(|a| is_acronym(a)) {
            rows.push(Row {
                acronym: acr.clone(),
                names: names.clone(),
                source: "glossary",
                id: Some(e.id.clone()),
                seen_in: Vec::new(),
            });
        }
    }
    for (acr, (names, files)) in manifest.mined_acronyms() {
        rows.push(Row { acronym: acr, names, source: "mined", id: None, seen_in: files });
    }
    rows.sort_by(|a, b| a.acronym.cmp(&b.acronym));
    if args.json {
        print_json(out, &rows)?;
        return Ok(0);
    }
    for r in &rows {
        let origin = match (&r.id, r.seen_in.is_empty()) {
            (Some(id), _) => format!("glossary: {id}"),
            (None, _) => format!("defined in {}", r.seen_in.join(", ")),
        };
        io(writeln!(out, "{:<10} {}  [{origin}]", r.acronym, r.names.join(" | ")))?;
    }
    Ok(0)
}

fn is_acronym(s: &str) -> bool {
    s.chars().any(char::is_alphabetic) && !s.chars().any(char::is_lowercase) && !s.contains(' ')
}
