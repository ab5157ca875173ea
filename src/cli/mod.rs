//! The command line: clap declarations, the conversion from what was typed to library
//! requests, and the dispatch. Only this module knows clap and indicatif.

mod acronyms;
mod analyze;
mod index;
mod lookup;
pub mod progress;
pub mod render;
mod search;
mod serve;
mod show;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Result;

/// consulta: bilingual (English/Spanish) search over the reports of the inter-state
/// consultation mechanisms on migration (RCM/CRM, SACM/CSM, OCAM, OAS CAM, …).
#[derive(Debug, Parser)]
#[command(name = "consulta", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the corpus and the index live.
#[derive(Debug, Clone, clap::Args)]
pub struct Paths {
    /// Folder of source reports (the formats `consulta index` lists), walked recursively.
    #[arg(long, default_value = "corpus", value_name = "DIR")]
    pub corpus: PathBuf,
    /// Folder of the index (created on demand).
    #[arg(long, default_value = "index", value_name = "DIR")]
    pub index: PathBuf,
    /// Index what symlinks out of the corpus folder point to (skipped by default). An index
    /// built with it keeps it when a search updates it; `consulta index` without it stops.
    #[arg(long)]
    pub follow_links: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index the corpus: add new files, re-index changed ones, drop deleted ones, in one commit.
    Index(index::Args),
    /// Search the corpus (building the index first if it is missing or stale).
    Search(search::Args),
    /// Print one record whole (ID like 003_896af30beb401831#session-5), or a document's outline.
    Show(show::Args),
    /// Print the tokens each analyzer produces for TEXT, and the entities it names.
    Analyze(analyze::Args),
    /// Profile of a mechanism (any name: CSM, SACM, "Puebla Process"), or of a session.
    Lookup(lookup::Args),
    /// List the glossary's acronyms and those the corpus defines, with where each was seen.
    Acronyms(acronyms::Args),
    /// Serve the search page, a JSON API and a Meilisearch-compatible API (loopback, read-only).
    Serve(serve::Args),
}

impl Paths {
    /// The engine configuration.
    pub fn config(&self) -> crate::engine::Config {
        crate::engine::Config::new(&self.corpus, &self.index).follow_links(self.follow_links)
    }

    /// Opens the engine, building or updating the index first when it is missing or stale.
    pub fn open(&self, err: &mut dyn Write) -> Result<crate::engine::Engine> {
        let config = self.config();
        let mut notices = progress::Notices::new(&config, err, true);
        crate::engine::Engine::open_or_build(config, &mut |e| notices.event(e))
    }
}

/// Runs a parsed command line, writing results to `out` and notices to `err`.
/// Returns the process exit code for runtime outcomes (0, or 1 when some file failed).
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> Result<u8> {
    match cli.command {
        Command::Index(args) => index::run(args, out, err),
        Command::Search(args) => search::run(args, out, err),
        Command::Show(args) => show::run(args, out, err),
        Command::Analyze(args) => analyze::run(args, out),
        Command::Lookup(args) => lookup::run(args, out, err),
        Command::Acronyms(args) => acronyms::run(args, out, err),
        Command::Serve(args) => serve::run(args, out, err),
    }
}

/// Prints `value` as one line of JSON.
pub(crate) fn print_json(out: &mut dyn Write, value: &impl serde::Serialize) -> Result<()> {
    io(serde_json::to_writer(&mut *out, value).map_err(std::io::Error::from).and_then(|_| writeln!(out)))
}

/// Writes, turning an I/O error on stdout into the crate's error.
pub(crate) fn io(r: std::io::Result<()>) -> Result<()> {
    r.map_err(|e| crate::Error::io("<stdout>", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_declarations_are_valid() {
        Cli::command().debug_assert();
    }
}
