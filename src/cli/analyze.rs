//! `consulta analyze`: the tokens each analyzer produces, like a search engine's analyze API.

use std::io::Write;

use crate::cli::{io, print_json};
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::Lang;

/// Arguments of `consulta analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The text to analyze.
    #[arg(required = true, value_name = "TEXT")]
    text: Vec<String>,
    /// Only this language's analyzer (default: en, es and folded).
    #[arg(long, value_name = "en|es")]
    lang: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8> {
    let lang = match &args.lang {
        Some(l) => Some(Lang::parse(l).ok_or_else(|| Error::Usage(format!("unknown --lang {l:?}; use en or es")))?),
        None => None,
    };
    let analysis = Engine::analyze(&args.text.join(" "), lang);
    if args.json {
        print_json(out, &analysis)?;
        return Ok(0);
    }
    for a in &analysis.analyzers {
        let toks: Vec<String> = a.tokens.iter().map(|t| format!("{}@{}", t.token, t.position)).collect();
        io(writeln!(out, "{:<7} {}", format!("{}:", a.analyzer), toks.join(" ")))?;
    }
    let ents: Vec<String> = analysis.entities.iter().map(|e| format!("{} ({})", e.id, e.kind)).collect();
    io(writeln!(out, "entities: {}", if ents.is_empty() { "-".to_string() } else { ents.join(", ") }))?;
    Ok(0)
}
