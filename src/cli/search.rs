//! `consulta search`, and the build-on-first-use every reading command shares.

use std::io::{IsTerminal, Write};

use crate::cli::{io, print_json, render, Paths};
use crate::error::Result;
use crate::index::{self, IndexOptions};
use crate::ingest::DEFAULT_MAX_BYTES;
use crate::query::{SearchRequest, Searchable, DEFAULT_FACET_LIMIT};

/// Arguments of `consulta search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words, "quoted phrases", -excluded words, field:value filters. Optional with filters.
    /// Quote the whole query when it has exclusions: `consulta search "trafficking -Belize"`.
    #[arg(value_name = "QUERY")]
    query: Vec<String>,
    #[command(flatten)]
    paths: Paths,
    /// Hits to print.
    #[arg(long, default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Hits to skip (for paging).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,
    /// Only these mechanisms (any name or acronym: CSM, SACM, "Puebla Process"); repeatable.
    #[arg(long, value_name = "M")]
    mechanism: Vec<String>,
    /// Only these section kinds (session, practice, roadmap, partnerships, …); repeatable.
    #[arg(long, value_name = "K")]
    kind: Vec<String>,
    /// Only these sessions (intro, 1 … 8); repeatable.
    #[arg(long, value_name = "S")]
    session: Vec<String>,
    /// Only sections naming these countries (any name: Brasil, Brazil); repeatable.
    #[arg(long, value_name = "C")]
    country: Vec<String>,
    /// Only sections in this language (en or es).
    #[arg(long, value_name = "en|es")]
    lang: Option<String>,
    /// Only this source file; repeatable.
    #[arg(long, value_name = "FILE")]
    doc: Vec<String>,
    /// Only documents of this year; repeatable.
    #[arg(long, value_name = "Y")]
    year: Vec<String>,
    /// Print one JSON object (the contract in DESIGN.md).
    #[arg(long)]
    json: bool,
    /// Search only what was typed: no entity, thesaurus or typo expansion.
    #[arg(long)]
    no_expand: bool,
    /// Facet values listed per dimension, the most frequent first; 0 lists every value.
    #[arg(long, default_value_t = DEFAULT_FACET_LIMIT, value_name = "N")]
    facet_limit: usize,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let searchable = open_or_build(&args.paths, err)?;
    let filters = vec![
        ("mechanism".to_string(), args.mechanism),
        ("kind".to_string(), args.kind),
        ("session".to_string(), args.session),
        ("country".to_string(), args.country),
        ("lang".to_string(), args.lang.into_iter().collect()),
        ("doc".to_string(), args.doc),
        ("year".to_string(), args.year),
    ];
    let req = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        filters,
        expand: !args.no_expand,
        facet_limit: (args.facet_limit > 0).then_some(args.facet_limit),
    };
    let resp = searchable.search(&req)?;
    if args.json {
        print_json(out, &resp)?;
    } else {
        io(render::results(out, &resp, render::color_wanted(&std::io::stdout())))?;
    }
    Ok(0)
}

/// Opens the index, first building or updating it when it is missing or older than the corpus
/// (notices on stderr only when it is a terminal; failures always).
pub fn open_or_build(paths: &Paths, err: &mut dyn Write) -> Result<Searchable> {
    let notices = std::io::stderr().is_terminal();
    let mut opened = None;
    let (reason, max_bytes) = if !index::exists(&paths.index) {
        (Some("no index yet: building it"), DEFAULT_MAX_BYTES)
    } else {
        let (idx, manifest) = index::open(&paths.index)?;
        let corpus_present = paths.corpus.is_dir();
        let stale = corpus_present && index::is_stale(&paths.corpus, &manifest)?;
        let max_bytes = manifest.max_bytes;
        opened = Some((idx, manifest));
        (stale.then_some("the corpus changed since the last index run: updating the index"), max_bytes)
    };
    if let Some(reason) = reason {
        if notices {
            let _ = writeln!(err, "consulta: {reason} ({} → {})", paths.corpus.display(), paths.index.display());
        }
        let opts = IndexOptions { corpus: paths.corpus.clone(), index: paths.index.clone(), full: false, max_bytes };
        match super::index::build(&opts, err) {
            Ok(report) if notices => {
                let _ = writeln!(err, "consulta: {}", super::index::summary(&report));
            }
            Ok(_) => {}
            // another run is updating the index: answer from its last commit meanwhile
            Err(crate::Error::Locked(_)) if opened.is_some() => {
                if notices {
                    let _ =
                        writeln!(err, "consulta: another index run is updating the index; searching its last commit");
                }
            }
            Err(e) => return Err(e),
        }
    }
    // reopen after an update; otherwise the index opened for the staleness check serves
    let (idx, manifest) = match (reason, opened) {
        (None, Some(opened)) => opened,
        _ => index::open(&paths.index)?,
    };
    Searchable::new(idx, &manifest)
}
