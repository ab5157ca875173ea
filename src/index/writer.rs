//! The writer side of the index: a [`Batch`] replaces and removes the records of files and
//! commits once, with the manifest that describes the commit. Which files to touch is decided
//! above, in [`crate::reindex`].

use tantivy::indexer::UserOperation;
use tantivy::{doc, IndexWriter, TantivyDocument, Term};

use super::manifest::{self, Manifest};
use super::schema::Fields;
use crate::error::{Error, Internal, Result};
use crate::model::{Dimension, Document, Record};

/// One batch of changes to an index, made visible by one commit.
pub struct Batch {
    /// The writer, until the batch is committed or abandoned.
    writer: Option<IndexWriter<TantivyDocument>>,
    fields: Fields,
    /// The manifest of the last commit (empty for a new index).
    previous: Manifest,
    /// The index folder.
    dir: std::path::PathBuf,
    /// For a first build: the folder being built, renamed to `dir` once committed.
    building: Option<std::path::PathBuf>,
    /// Commit even when the manifest did not change (`--full`).
    full: bool,
    /// For a full rebuild of an existing folder: its lock, until the new index replaces it.
    replaces: Option<tantivy::directory::DirectoryLock>,
    /// When building aside: the building folder's lock, until it is installed.
    build_lock: Option<tantivy::directory::DirectoryLock>,
}

impl Batch {
    /// Opens the index in `dir` for writing, taking the writer lock: an index that is there
    /// must pass [`super::check`] as closely as `scrutiny` says (a damaged one asks for `--full`); a missing one is built
    /// aside, and with `full` whatever the folder holds is rebuilt aside and replaced.
    /// A search bringing its index up to date only checks that the files are there
    /// (`scrutiny`); an explicit run reads their checksums too.
    pub fn open(dir: &std::path::Path, full: bool, scrutiny: super::Scrutiny) -> Result<Batch> {
        let super::Target { index, building, replaces, build_lock } = super::open_for_write(dir, full)?;
        let fields = Fields::from_schema(&index.schema())?;
        let previous = super::read_manifest(&index)?.unwrap_or_else(Manifest::current);
        let writer = super::writer(&index, building.as_deref().unwrap_or(dir))?;
        if building.is_none() {
            // checked under the lock, so that no commit lands between the check and the batch
            super::ensure_whole(&index, dir, scrutiny)?;
        }
        Ok(Batch {
            writer: Some(writer),
            fields,
            previous,
            dir: dir.to_path_buf(),
            building,
            full,
            replaces,
            build_lock,
        })
    }

    /// The folder this batch writes: the index folder, or its building folder.
    pub fn written(&self) -> &std::path::Path {
        self.building.as_deref().unwrap_or(&self.dir)
    }

    /// The manifest of the last commit.
    pub fn previous(&self) -> &Manifest {
        &self.previous
    }

    /// Whether the batch builds a new index (which is committed even when empty).
    pub fn is_new(&self) -> bool {
        self.building.is_some()
    }

    /// Replaces the records of `doc`'s file by those of `doc`. Its old records go and its new
    /// ones come in together, in one send to the indexing threads. Only a file the last
    /// manifest lists has records to delete (the manifest is committed with the records).
    ///
    /// A file with nothing to delete (every file of a first or full build) is sent record by
    /// record instead: tantivy's queue to its indexing threads holds 10,000 sends, and with a
    /// file per send a build that reads faster than it indexes queued thousands of files'
    /// records, text and stored JSON (peak RSS of a 25,000-file build 0.8–1.4 GB, growing
    /// while the first segment was still being written).
    pub fn replace(&mut self, doc: Document) -> Result<()> {
        let replaces = self.previous.files.contains_key(&doc.meta.file);
        let mut ops = Vec::with_capacity(if replaces { doc.sections.len() + 1 } else { 0 });
        if replaces {
            ops.push(UserOperation::Delete(Term::from_field_text(self.fields.doc, &doc.meta.file)));
        }
        let Document { meta, sections, .. } = doc;
        for (seq, section) in sections.into_iter().enumerate() {
            let record = to_tantivy(&self.fields, &meta, section, seq as u64)?;
            if replaces {
                ops.push(UserOperation::Add(record));
            } else if let Err(e) = self.writer().add_document(record) {
                return Err(self.stopped(e));
            }
        }
        if replaces {
            if let Err(e) = self.writer().run(ops) {
                return Err(self.stopped(e));
            }
        }
        Ok(())
    }

    /// The error of a send that failed because the indexing threads stopped ("An index writer
    /// was killed"): their own error, a full disk say, comes out of the commit that joins them.
    fn stopped(&mut self, e: tantivy::TantivyError) -> Error {
        self.writer().prepare_commit().err().unwrap_or(e).into()
    }

    /// Removes every record of `file`.
    pub fn remove(&mut self, file: &str) {
        let term = Term::from_field_text(self.fields.doc, file);
        self.writer().delete_term(term);
    }

    /// Commits with `next` as the commit's manifest (written durably first), and installs a
    /// first build in place. Nothing is committed when nothing changed, unless the batch was
    /// opened `full`.
    pub fn commit(mut self, next: &Manifest) -> Result<()> {
        let done = self.try_commit(next);
        if done.is_err() {
            self.abandon();
        } else {
            drop(self.replaces.take());
            drop(self.build_lock.take());
        }
        done
    }

    fn try_commit(&mut self, next: &Manifest) -> Result<()> {
        if *next != self.previous || self.building.is_some() || self.full {
            let dir = self.building.as_deref().unwrap_or(&self.dir);
            let pointer = manifest::write(dir, next)?;
            let mut commit = self.writer.as_mut().expect("open until committed").prepare_commit()?;
            commit.set_payload(&pointer.payload());
            commit.commit()?;
            manifest::remove_others(dir, &pointer);
        }
        if let Some(building) = &self.building {
            self.writer.take().expect("open until committed").wait_merging_threads()?;
            super::install(building, &self.dir, self.replaces.is_some())?;
            self.building = None;
        }
        Ok(())
    }

    /// Gives the batch up: nothing of it stays, not its segment files or manifest in the index
    /// folder, not its building folder (removed while its lock is still held).
    pub fn abandon(mut self) {
        drop(self.writer.take());
        match &self.building {
            Some(building) => {
                let _ = std::fs::remove_dir_all(building);
            }
            None => super::clean_up(&self.dir),
        }
        drop(self.build_lock.take());
    }

    fn writer(&mut self) -> &mut IndexWriter<TantivyDocument> {
        self.writer.as_mut().expect("open until committed or abandoned")
    }
}

/// The tantivy document of one record: analyzed text and heading, facet values, and the
/// stored [`Record`].
fn to_tantivy(
    fields: &Fields,
    meta: &crate::model::DocMeta,
    s: crate::model::Section,
    seq: u64,
) -> Result<TantivyDocument> {
    let (kind, defines, entities) = (s.kind, s.defines.clone(), s.entities.clone());
    let record = Record::new(meta, s);
    // sized for the text and the fields around it at once, not grown by doubling as it is written
    let mut json = Vec::with_capacity(record.text.len() + record.heading.len() + record.title.len() + 512);
    serde_json::to_writer(&mut json, &record)
        .map_err(|e| Error::Index(Internal::caused_by(format!("a record does not serialize: {e}"), e)))?;
    let json = String::from_utf8(json).expect("serde_json writes UTF-8");
    let mut d = doc!(
        fields.seq => seq,
        fields.prior => super::schema::prior(kind, &record.heading),
        fields.body(record.lang) => record.text.as_str(),
        // two values: the title's tokens are then replayed, not analyzed again, for each of
        // the document's records (see `ConsultaTokenizer`)
        fields.head(record.lang) => record.heading.as_str(),
        fields.head(record.lang) => meta.title.as_str(),
        fields.record => json,
    );
    for e in &defines {
        d.add_text(fields.defines, e);
    }
    let mut facet = |dim: Dimension, value: &str| d.add_text(fields.dimension(dim), value);
    for m in &record.mechanisms {
        facet(Dimension::Mechanism, m);
    }
    for c in &record.countries {
        facet(Dimension::Country, c);
    }
    for e in &entities {
        facet(Dimension::Entity, e);
    }
    for m in &meta.mechanisms {
        facet(Dimension::Primary, m);
    }
    facet(Dimension::Kind, kind.name());
    if let Some(session) = &record.session {
        facet(Dimension::Session, session);
    }
    facet(Dimension::Lang, record.lang.code());
    facet(Dimension::Doc, &meta.file);
    facet(Dimension::Doctype, &meta.doctype);
    if let Some(y) = meta.year {
        facet(Dimension::Year, &y.to_string());
    }
    Ok(d)
}
