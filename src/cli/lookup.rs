//! `consulta lookup`: the profile of a mechanism (or any glossary entity), or of a session.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::analyze::entities::{EntityKind, GLOSSARY};
use crate::cli::{io, print_json, search::open_or_build, Paths};
use crate::error::{Error, Result};
use crate::query::{Hit, SearchRequest, Searchable, ENTITY_FACET, PRIMARY_FACET};

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

/// The profile of an entity.
#[derive(Debug, Serialize)]
struct EntityProfile {
    id: String,
    kind: &'static str,
    names_en: Vec<String>,
    names_es: Vec<String>,
    acronyms: Vec<String>,
    /// Every name it goes by.
    names: Vec<String>,
    /// Documents about it (it is their subject), with their record counts.
    documents_about: BTreeMap<String, u64>,
    /// Records that name it, by document.
    mentioned_in: BTreeMap<String, u64>,
    records: usize,
    by_kind: BTreeMap<String, u64>,
    sessions: BTreeMap<String, u64>,
    /// Mechanisms and organizations named in the same records, most frequent first.
    mentioned_with: Vec<(String, u64)>,
}

/// One session and what was shared in it.
#[derive(Debug, Serialize)]
struct SessionProfile {
    doc: String,
    id: String,
    heading: String,
    led_by: Vec<String>,
    countries: Vec<String>,
    practices: Vec<(String, Vec<String>)>,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let searchable = open_or_build(&args.paths, err)?;
    match (&args.name, &args.session) {
        (Some(name), _) => entity(&searchable, name, args.json, out),
        (None, Some(session)) => session_profile(&searchable, session, args.json, out),
        (None, None) => Err(Error::Usage("give a MECHANISM or --session S".into())),
    }
}

fn entity(searchable: &Searchable, name: &str, json: bool, out: &mut dyn Write) -> Result<u8> {
    let e = GLOSSARY.resolve(name).ok_or_else(|| {
        let known: Vec<&str> =
            GLOSSARY.entities().iter().filter(|e| e.kind == EntityKind::Mechanism).map(|e| e.id.as_str()).collect();
        Error::Usage(format!("{name:?} is not in the glossary; known mechanisms: {}", known.join(", ")))
    })?;
    let dims = ["doc", "kind", "session", ENTITY_FACET];
    let (records, counts) = searchable.profile(&[(ENTITY_FACET.to_string(), vec![e.id.clone()])], &dims)?;
    let (_, about) = searchable.profile(&[(PRIMARY_FACET.to_string(), vec![e.id.clone()])], &["doc"])?;
    let mut with: Vec<(String, u64)> = counts[ENTITY_FACET]
        .iter()
        .filter(|(id, _)| **id != e.id)
        .filter(|(id, _)| {
            GLOSSARY.resolve(id).is_some_and(|x| matches!(x.kind, EntityKind::Mechanism | EntityKind::Organization))
        })
        .map(|(id, n)| (id.clone(), *n))
        .collect();
    with.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    with.truncate(10);
    let profile = EntityProfile {
        id: e.id.clone(),
        kind: match e.kind {
            EntityKind::Mechanism => "mechanism",
            EntityKind::Organization => "organization",
            EntityKind::Country => "country",
            EntityKind::Region => "region",
        },
        names_en: e.en.clone(),
        names_es: e.es.clone(),
        acronyms: e.acronyms.clone(),
        names: e.aliases.clone(),
        documents_about: about["doc"].clone(),
        mentioned_in: counts["doc"].clone(),
        records,
        by_kind: counts["kind"].clone(),
        sessions: counts["session"].clone(),
        mentioned_with: with,
    };
    if json {
        print_json(out, &profile)?;
        return Ok(0);
    }
    let list = |m: &BTreeMap<String, u64>| m.iter().map(|(k, v)| format!("{k} ({v})")).collect::<Vec<_>>().join(", ");
    io(writeln!(out, "{} [{}]", profile.id, profile.kind))?;
    io(writeln!(out, "English: {}", profile.names_en.join(" | ")))?;
    io(writeln!(out, "Spanish: {}", profile.names_es.join(" | ")))?;
    io(writeln!(out, "acronyms: {}", profile.acronyms.join(", ")))?;
    let others: Vec<&String> = profile
        .names
        .iter()
        .filter(|n| !profile.names_en.contains(n) && !profile.names_es.contains(n) && !profile.acronyms.contains(n))
        .collect();
    if !others.is_empty() {
        io(writeln!(out, "also: {}", others.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" | ")))?;
    }
    io(writeln!(out, "documents about it: {}", list(&profile.documents_about)))?;
    io(writeln!(out, "named in {} records: {}", profile.records, list(&profile.mentioned_in)))?;
    io(writeln!(out, "by kind: {}", list(&profile.by_kind)))?;
    io(writeln!(out, "sessions: {}", list(&profile.sessions)))?;
    let with: Vec<String> = profile.mentioned_with.iter().map(|(k, v)| format!("{k} ({v})")).collect();
    io(writeln!(out, "most often named with: {}", with.join(", ")))?;
    Ok(0)
}

fn session_profile(searchable: &Searchable, session: &str, json: bool, out: &mut dyn Write) -> Result<u8> {
    let listing = |filters: Vec<(String, Vec<String>)>| -> Result<Vec<Hit>> {
        let req = SearchRequest { limit: 1000, filters, ..SearchRequest::default() };
        Ok(searchable.search(&req)?.hits)
    };
    let sessions = listing(vec![("kind".into(), vec!["session".into()]), ("session".into(), vec![session.into()])])?;
    if sessions.is_empty() {
        return Err(Error::Usage(format!("no session {session:?} in the index; sessions are labelled intro, 1, 2, …")));
    }
    let mut profiles = Vec::new();
    for s in sessions {
        let practices = listing(vec![
            ("kind".into(), vec!["practice".into()]),
            ("session".into(), vec![session.into()]),
            ("doc".into(), vec![s.doc.clone()]),
        ])?;
        profiles.push(SessionProfile {
            led_by: led_by(&s.text),
            doc: s.doc,
            id: s.id,
            heading: s.heading,
            countries: s.countries,
            practices: practices.into_iter().map(|p| (p.heading, p.countries)).collect(),
        });
    }
    if json {
        print_json(out, &profiles)?;
        return Ok(0);
    }
    for p in &profiles {
        io(writeln!(out, "{} · {}\n  id: {}", p.heading, p.doc, p.id))?;
        io(writeln!(out, "  led by: {}", if p.led_by.is_empty() { "-".into() } else { p.led_by.join(", ") }))?;
        io(writeln!(out, "  countries: {}", p.countries.join(", ")))?;
        for (title, countries) in &p.practices {
            io(writeln!(out, "  - {title} | {}", countries.join(", ")))?;
        }
    }
    Ok(0)
}

/// Who led a session: the countries its first sentence names ("Belize led the session on …",
/// "The second session, led by Costa Rica, …", "Perú y Brasil condujeron …").
fn led_by(text: &str) -> Vec<String> {
    let first = text.split(". ").next().unwrap_or("");
    let mut out: Vec<String> = Vec::new();
    GLOSSARY.scan(first, |e| {
        if e.kind == EntityKind::Country && !out.contains(&e.id) {
            out.push(e.id.clone());
        }
    });
    out
}
