//! `consulta show`: one record whole, or a document's outline.

use std::io::Write;

use crate::cli::{io, print_json, render, search::open_or_build, Paths};
use crate::error::{Error, Result};
use crate::index::StoredRecord;
use crate::query::Hit;

/// Arguments of `consulta show`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A record id (`003_896af30beb401831#session-5`) or a document (`003_896af30beb401831.txt`).
    #[arg(value_name = "ID|DOC")]
    target: String,
    #[command(flatten)]
    paths: Paths,
    /// Print the records as a JSON array, in document order.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    let searchable = open_or_build(&args.paths, err)?;
    // a path into the corpus folder names the same document as its file name
    let target = std::path::Path::new(&args.target)
        .strip_prefix(&args.paths.corpus)
        .ok()
        .and_then(|p| p.to_str())
        .map_or(args.target.clone(), |s| s.replace('\\', "/"));
    let records = searchable.records(&target)?;
    if records.is_empty() {
        return Err(Error::Usage(format!(
            "no record or document {:?} in the index; `consulta search` prints ids, and `consulta show FILE.txt` an outline",
            args.target
        )));
    }
    if args.json {
        let hits: Vec<Hit> = records.into_iter().map(to_hit).collect();
        print_json(out, &hits)?;
    } else if target.contains('#') {
        io(record(out, &records[0]))?;
    } else {
        io(outline(out, &records))?;
    }
    Ok(0)
}

fn to_hit(r: StoredRecord) -> Hit {
    let snippet = crate::segment::first_words(&r.section.text, 30);
    Hit { snippet, ..Hit::from(r) }
}

fn record(out: &mut dyn Write, r: &StoredRecord) -> std::io::Result<()> {
    let hit = to_hit(r.clone());
    writeln!(out, "{} [{}]", hit.heading, hit.kind)?;
    writeln!(out, "{} · {}", hit.doc, hit.title)?;
    writeln!(out, "{}", render::facet_line(&hit))?;
    writeln!(out, "id: {}", hit.id)?;
    if let Some(parent) = &hit.parent {
        writeln!(out, "in: {parent}")?;
    }
    writeln!(out)?;
    match &hit.roadmap {
        Some(r) => roadmap_card(out, r),
        None => writeln!(out, "{}", hit.text),
    }
}

/// A roadmap as a card: each part under its label.
fn roadmap_card(out: &mut dyn Write, r: &crate::model::Roadmap) -> std::io::Result<()> {
    let list = |out: &mut dyn Write, label: &str, items: &[String]| -> std::io::Result<()> {
        if !items.is_empty() {
            writeln!(out, "{label}:")?;
            for (i, item) in items.iter().enumerate() {
                writeln!(out, "  {}. {item}", i + 1)?;
            }
        }
        Ok(())
    };
    writeln!(out, "Roadmap {}", r.number)?;
    writeln!(out, "Theme: {}", r.theme)?;
    list(out, "Subtopics", &r.subtopics)?;
    writeln!(out, "General objective: {}", r.general_objective)?;
    list(out, "Specific objectives", &r.specific_objectives)?;
    for (i, o) in r.outcomes.iter().enumerate() {
        if !o.objective.is_empty() {
            writeln!(out, "Outcome objective {}: {}", i + 1, o.objective)?;
        }
        list(out, "  Indicators", &o.indicators)?;
    }
    Ok(())
}

fn outline(out: &mut dyn Write, records: &[StoredRecord]) -> std::io::Result<()> {
    let first = &records[0];
    writeln!(
        out,
        "{} · {} · {} · {}",
        first.doc,
        first.title,
        first.doctype,
        first.year.map_or("-".into(), |y| y.to_string())
    )?;
    for r in records {
        let s = &r.section;
        let words = s.text.split_whitespace().count();
        let session = s.session.as_deref().map_or(String::new(), |x| format!(" (session {x})"));
        writeln!(out, "  {:<16} {}{session} · {words} words · {}", s.kind.name(), s.heading, s.id)?;
    }
    Ok(())
}
