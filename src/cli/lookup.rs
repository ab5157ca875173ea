//! `consulta lookup`: the profile of a mechanism (or any glossary entity), or of a session.

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::{io, print_json, render, Paths};
use crate::engine::{EntityProfile, SessionProfile};
use crate::error::Result;

/// Arguments of `consulta lookup`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["name", "session"])))]
pub struct Args {
    /// A mechanism, organization or country by any name: CSM, SACM, "Proceso Puebla", OIM.
    #[arg(value_name = "MECHANISM")]
    name: Option<String>,
    /// A session instead: intro, 1 … 8.
    #[arg(long, value_name = "S")]
    session: Option<String>,
    #[command(flatten)]
    paths: Paths,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let engine = args.paths.open(err)?;
    match (&args.name, &args.session) {
        (Some(name), _) => {
            let profile = engine.mechanism_profile(name)?;
            if args.json {
                print_json(out, &profile)?;
            } else {
                io(entity(out, &profile))?;
            }
        }
        (_, session) => {
            // clap requires one of the two
            let profiles = engine.session_profile(session.as_deref().unwrap_or_default())?;
            if args.json {
                print_json(out, &profiles)?;
            } else {
                io(sessions(out, &profiles))?;
            }
        }
    }
    Ok(0)
}

fn entity(out: &mut dyn Write, profile: &EntityProfile) -> std::io::Result<()> {
    // keys are documents (file names) or facet values
    let list = |m: &BTreeMap<String, u64>| {
        m.iter().map(|(k, v)| format!("{} ({v})", render::name(k))).collect::<Vec<_>>().join(", ")
    };
    writeln!(out, "{} [{}]", profile.id, profile.kind)?;
    writeln!(out, "English: {}", profile.names_en.join(" | "))?;
    writeln!(out, "Spanish: {}", profile.names_es.join(" | "))?;
    writeln!(out, "acronyms: {}", profile.acronyms.join(", "))?;
    let others: Vec<&str> = profile
        .names
        .iter()
        .filter(|n| !profile.names_en.contains(n) && !profile.names_es.contains(n) && !profile.acronyms.contains(n))
        .map(String::as_str)
        .collect();
    if !others.is_empty() {
        writeln!(out, "also: {}", others.join(" | "))?;
    }
    writeln!(out, "documents about it: {}", list(&profile.documents_about))?;
    writeln!(out, "named in {} records: {}", profile.records, list(&profile.mentioned_in))?;
    writeln!(out, "by kind: {}", list(&profile.by_kind))?;
    writeln!(out, "sessions: {}", list(&profile.sessions))?;
    let with: Vec<String> = profile.mentioned_with.iter().map(|(k, v)| format!("{k} ({v})")).collect();
    writeln!(out, "most often named with: {}", with.join(", "))
}

fn sessions(out: &mut dyn Write, profiles: &[SessionProfile]) -> std::io::Result<()> {
    for p in profiles {
        writeln!(out, "{} · {}\n  id: {}", p.heading, render::name(&p.doc), render::name(&p.id))?;
        writeln!(out, "  led by: {}", if p.led_by.is_empty() { "-".into() } else { p.led_by.join(", ") })?;
        writeln!(out, "  countries: {}", p.countries.join(", "))?;
        for (title, countries) in &p.practices {
            writeln!(out, "  - {title} | {}", countries.join(", "))?;
        }
    }
    Ok(())
}
