//! `consulta search`.

use std::io::Write;

use crate::cli::{io, print_json, render, Paths};
use crate::error::Result;
use crate::model::Dimension;
use crate::query::{SearchRequest, DEFAULT_FACET_LIMIT};

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
    /// List a record and its twin (the same record in the report's translation) as two hits,
    /// instead of one hit with the twin under it ("also in Spanish").
    #[arg(long)]
    no_group: bool,
    /// Facet values listed per dimension, the most frequent first; 0 lists every value.
    #[arg(long, default_value_t = DEFAULT_FACET_LIMIT, value_name = "N")]
    facet_limit: usize,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let engine = args.paths.open(err)?;
    let filters = [
        (Dimension::Mechanism, args.mechanism),
        (Dimension::Kind, args.kind),
        (Dimension::Session, args.session),
        (Dimension::Country, args.country),
        (Dimension::Lang, args.lang.into_iter().collect()),
        (Dimension::Doc, args.doc),
        (Dimension::Year, args.year),
    ];
    let req = SearchRequest {
        query: args.query.join(" "),
        limit: args.limit,
        offset: args.offset,
        filters: filters.into_iter().filter(|(_, values)| !values.is_empty()).collect(),
        expand: !args.no_expand,
        facet_limit: (args.facet_limit > 0).then_some(args.facet_limit),
        group: !args.no_group,
        ..SearchRequest::default()
    };
    let resp = engine.search(&req)?;
    if args.json {
        print_json(out, &resp)?;
    } else {
        io(render::results(out, &resp, render::color_wanted(&std::io::stdout())))?;
    }
    Ok(0)
}
