//! `consulta analyze`: the tokens each analyzer produces, like a search engine's analyze API.

use std::io::Write;

use serde::Serialize;

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::analyze::Analyzer;
use crate::cli::io;
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

#[derive(Serialize)]
struct Analysis {
    analyzer: &'static str,
    tokens: Vec<TokenOut>,
}

#[derive(Serialize)]
struct TokenOut {
    token: String,
    start: usize,
    end: usize,
    position: usize,
}

#[derive(Serialize)]
struct EntityOut {
    id: String,
    kind: &'static str,
}

pub fn run(args: Args, out: &mut dyn Write) -> Result<u8> {
    let text = args.text.join(" ");
    let analyzers: Vec<Analyzer> = match &args.lang {
        Some(l) => vec![Analyzer::for_lang(
            Lang::parse(l).ok_or_else(|| Error::Usage(format!("unknown --lang {l:?}; use en or es")))?,
        )],
        None => Analyzer::ALL.to_vec(),
    };
    let analyses: Vec<Analysis> = analyzers
        .into_iter()
        .map(|a| Analysis {
            analyzer: a.name(),
            tokens: a
                .analyze(&text)
                .into_iter()
                .map(|t| TokenOut { token: t.text, start: t.from, end: t.to, position: t.position })
                .collect(),
        })
        .collect();
    let mut entities: Vec<EntityOut> = Vec::new();
    GLOSSARY.scan(&text, |e| {
        let kind = match e.kind {
            EntityKind::Mechanism => "mechanism",
            EntityKind::Organization => "organization",
            EntityKind::Country => "country",
            EntityKind::Region => "region",
        };
        if !entities.iter().any(|x| x.id == e.id) {
            entities.push(EntityOut { id: e.id.clone(), kind });
        }
    });
    if args.json {
        let v = serde_json::json!({ "text": text, "analyzers": analyses, "entities": entities });
        io(writeln!(out, "{v}"))?;
        return Ok(0);
    }
    for a in &analyses {
        let toks: Vec<String> = a.tokens.iter().map(|t| format!("{}@{}", t.token, t.position)).collect();
        io(writeln!(out, "{:<7} {}", format!("{}:", a.analyzer), toks.join(" ")))?;
    }
    let ents: Vec<String> = entities.iter().map(|e| format!("{} ({})", e.id, e.kind)).collect();
    io(writeln!(out, "entities: {}", if ents.is_empty() { "-".to_string() } else { ents.join(", ") }))?;
    Ok(0)
}
