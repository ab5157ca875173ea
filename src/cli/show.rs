//! `consulta show`: one record whole, or a document's outline.

use std::io::Write;

use crate::cli::{io, print_json, render, Paths};
use crate::engine::Outline;
use crate::error::{Error, Result};
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
    let engine = args.paths.open(err)?;
    let hits = engine.show(&args.target)?;
    if hits.is_empty() {
        return Err(Error::Usage(format!(
            "no record or document {:?} in the index; `consulta search` prints ids, and `consulta show FILE.txt` an outline",
            args.target
        )));
    }
    if args.json {
        print_json(out, &hits)?;
    } else if args.target.contains('#') {
        io(record(out, &hits[0]))?;
    } else {
        let records: Vec<_> = hits.into_iter().map(|h| h.record).collect();
        io(outline(out, &Outline::of(&records).expect("records were found")))?;
    }
    Ok(0)
}

fn record(out: &mut dyn Write, hit: &Hit) -> std::io::Result<()> {
    let r = &hit.record;
    writeln!(out, "{} [{}]", r.heading, r.kind.name())?;
    writeln!(out, "{} · {}", render::name(&r.doc), r.title)?;
    writeln!(out, "{}", render::facet_line(r))?;
    writeln!(out, "id: {}", render::name(&r.id))?;
    if let Some(parent) = &r.parent {
        writeln!(out, "in: {}", render::name(parent))?;
    }
    writeln!(out)?;
    match &r.roadmap {
        Some(r) => roadmap_card(out, r),
        None => writeln!(out, "{}", r.text),
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

fn outline(out: &mut dyn Write, o: &Outline) -> std::io::Result<()> {
    let year = o.year.map_or("-".into(), |y| y.to_string());
    writeln!(out, "{} · {} · {} · {year}", render::name(&o.doc), o.title, o.doctype)?;
    for e in &o.records {
        let session = e.session.as_deref().map_or(String::new(), |x| format!(" (session {x})"));
        let id = render::name(&e.id);
        writeln!(out, "  {:<16} {}{session} · {} words · {id}", e.kind.name(), e.heading, e.words)?;
    }
    Ok(())
}
