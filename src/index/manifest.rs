//! The manifest: what each source file looked like when it was indexed.
//!
//! It is a file of the index folder, `consulta-manifest-<content hash>.bin` (laid out as
//! [`super::stored`] describes), written (tempfile, fsync, rename) before the commit whose
//! payload names it; the previous one is removed only after that commit. A crash at any point
//! leaves `meta.json` naming a complete manifest that describes its commit. The manifest used
//! to travel whole in the payload, but tantivy stores the payload as a JSON string inside
//! `meta.json`: every quote escaped, parsed twice per open. On the 5,000-file bench corpus (a
//! 7 MB manifest) that was most of a search's cold start and of a no-change reindex (0.2 s).
//! It then was a JSON file (`.json`, layout 1), which a search still parsed whole: 35 MB and
//! most of a cold search at 25,000 files.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The commit payload: the name of the manifest file of that commit.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Pointer {
    pub manifest: String,
}

impl Pointer {
    /// The commit payload.
    pub fn payload(&self) -> String {
        serde_json::to_string(self).expect("pointer serializes")
    }
}

/// How a manifest file's name starts.
const FILE_PREFIX: &str = "consulta-manifest-";

/// Whether `name` is a manifest file (or the temporary file one is written through).
/// The JSON manifests of layout 1 count too: a full rebuild of such an index replaces them, and
/// the commit after an upgrade removes them.
pub(crate) fn is_manifest_file(name: &str) -> bool {
    name.strip_prefix(FILE_PREFIX)
        .is_some_and(|rest| [".bin", ".bin.tmp", ".json", ".json.tmp"].iter().any(|end| rest.ends_with(end)))
}

/// Writes `manifest` into the index folder `dir`, durably, and returns the pointer to it.
pub(crate) fn write(dir: &Path, manifest: &Manifest) -> Result<Pointer> {
    let bytes = super::stored::encode(manifest);
    let name = format!("{FILE_PREFIX}{:016x}.bin", xxhash_rust::xxh3::xxh3_64(&bytes));
    let (path, tmp) = (dir.join(&name), dir.join(format!("{name}.tmp")));
    let written = std::fs::File::create(&tmp).and_then(|mut f| {
        f.write_all(&bytes)?;
        f.sync_all()
    });
    written.and_then(|()| std::fs::rename(&tmp, &path)).map_err(|e| Error::io(&path, e))?;
    // the rename itself is durable once the folder is synced
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(dir, e))?;
    Ok(Pointer { manifest: name })
}

/// Removes the manifest files of `dir` other than `keep` (those of earlier commits, or of a
/// run killed before its commit). A reader that still holds an older payload rereads
/// `meta.json` (see [`super::read_manifest`]).
pub(crate) fn remove_others(dir: &Path, keep: &Pointer) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if is_manifest_file(&name) && name != keep.manifest {
            // a file left behind is removed by the next commit
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// One indexed source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: u128,
    /// xxh3-128 of the content, hex.
    pub hash: String,
    /// Number of records indexed from it.
    pub records: usize,
    /// Ids of those records, without the file stem: `session-5`, `session-5-practice-2`, … (the
    /// full id is `<file stem>#<slug>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<String>,
    /// Acronyms it defines: (acronym, spelled-out name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acronyms: Vec<(String, String)>,
    /// What tells its translation: its language, year, family and the mechanisms it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<About>,
    /// The file that is its translation into the other language (see [`link_twins`] and
    /// [`super::stored::Stored::twin_of`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twin: Option<String>,
}

/// A document's language, year, family and mechanisms, as its metadata says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct About {
    /// Main language.
    pub lang: crate::model::Lang,
    /// Year of the meeting or survey.
    pub year: Option<u32>,
    /// Report family.
    pub doctype: String,
    /// Canonical ids of the mechanisms it is about.
    pub mechanisms: Vec<String>,
}

/// Links each document to its translation: secretariats publish every report in both
/// languages, and a report and its translation are split into the same records (the same
/// slugs: `session-5`, `session-5-practice-2`, `roadmap-3`…). Two documents are twins when
/// they are of the same family, year and mechanisms, in different languages, and their
/// records other than passages and footnotes (at least three) are mostly the same: the
/// smaller set nine tenths inside the larger (a translation may merge the opening remarks of
/// several speakers). A document with two such candidates gets none; a group of more than
/// [`TWIN_GROUP`] documents alike is not searched for pairs.
pub fn link_twins(manifest: &mut Manifest) {
    type Key = (String, Option<u32>, Vec<String>);
    type Member = (String, crate::model::Lang, std::collections::BTreeSet<String>);
    let mut groups: BTreeMap<Key, Vec<Member>> = BTreeMap::new();
    for (name, entry) in &manifest.files {
        let Some(about) = &entry.about else { continue };
        let distinctive: std::collections::BTreeSet<String> = entry
            .sections
            .iter()
            .filter(|s| !s.starts_with("passage") && !s.starts_with("footnote"))
            .cloned()
            .collect();
        if distinctive.len() < 3 {
            continue;
        }
        let mut mechanisms = about.mechanisms.clone();
        mechanisms.sort();
        let key = (about.doctype.clone(), about.year, mechanisms);
        groups.entry(key).or_default().push((name.clone(), about.lang, distinctive));
    }
    let alike = |a: &Member, b: &Member| {
        let shared = a.2.intersection(&b.2).count();
        a.1 != b.1 && shared * 10 >= a.2.len().min(b.2.len()) * 9
    };
    let mut pairs = Vec::new();
    for members in groups.values().filter(|m| m.len() <= TWIN_GROUP) {
        for (i, a) in members.iter().enumerate() {
            let candidates: Vec<usize> = (0..members.len()).filter(|&j| j != i && alike(a, &members[j])).collect();
            let [j] = candidates[..] else { continue };
            // each the other's only candidate, taken once
            let back = (0..members.len()).filter(|&k| k != j && alike(&members[j], &members[k])).count();
            if back == 1 && i < j {
                pairs.push((a.0.clone(), members[j].0.clone()));
            }
        }
    }
    for entry in manifest.files.values_mut() {
        entry.twin = None;
    }
    for (a, b) in pairs {
        if let Some(e) = manifest.files.get_mut(&a) {
            e.twin = Some(b.clone());
        }
        if let Some(e) = manifest.files.get_mut(&b) {
            e.twin = Some(a);
        }
    }
}

/// Documents alike (same family, year and mechanisms) past which no twins are looked for.
const TWIN_GROUP: usize = 64;

/// The whole manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Manifest {
    /// [`super::schema::FORMAT_VERSION`] of the index.
    pub format: u32,
    /// Fingerprint of the analysis (analyzer version + data files): a change forces a rebuild.
    pub analysis: String,
    /// Source files by name relative to the corpus folder.
    pub files: BTreeMap<String, FileEntry>,
    /// Files that could not be indexed, with size, mtime and reason, so that an unchanged bad
    /// file does not make every search rebuild the index.
    #[serde(default)]
    pub failed: BTreeMap<String, FailedEntry>,
    /// The size limit of the run that wrote it, so that a search's staleness check and the
    /// update it may trigger use the limit the user chose.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// Whether the run that wrote it followed symlinks out of the corpus folder
    /// (`--follow-links`), so that a search's staleness check and update walk the same way.
    #[serde(default)]
    pub follow_links: bool,
    /// The corpus folders the run walked and their modification times then (see
    /// [`crate::reindex::is_stale`]).
    #[serde(default)]
    pub folders: BTreeMap<String, u128>,
}

fn default_max_bytes() -> u64 {
    crate::ingest::DEFAULT_MAX_BYTES
}

/// A source file that could not be indexed at its current size and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedEntry {
    /// Size in bytes when it failed.
    pub size: u64,
    /// Modification time when it failed.
    pub mtime_ns: u128,
    /// Why.
    pub reason: String,
}

impl Manifest {
    /// Acronyms the corpus defines that the glossary does not know: acronym → (names, files).
    pub fn mined_acronyms(&self) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
        let mut known: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
        let mut sets: BTreeMap<&str, (std::collections::BTreeSet<&str>, std::collections::BTreeSet<&str>)> =
            BTreeMap::new();
        for (file, entry) in &self.files {
            for (acr, name) in &entry.acronyms {
                let in_glossary =
                    *known.entry(acr).or_insert_with(|| crate::analyze::entities::GLOSSARY.named_by(acr).is_some());
                if !in_glossary {
                    let (names, files) = sets.entry(acr).or_default();
                    names.insert(name);
                    files.insert(file);
                }
            }
        }
        let owned = |set: std::collections::BTreeSet<&str>| set.into_iter().map(String::from).collect();
        sets.into_iter().map(|(acr, (names, files))| (acr.to_string(), (owned(names), owned(files)))).collect()
    }

    /// Acronyms the corpus defines that the glossary does not know: acronym → names (what
    /// query expansion needs, without the files).
    pub fn mined_names(&self) -> std::collections::HashMap<String, Vec<String>> {
        let mut known: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
        let mut out: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for entry in self.files.values() {
            for (acr, name) in &entry.acronyms {
                let in_glossary =
                    *known.entry(acr).or_insert_with(|| crate::analyze::entities::GLOSSARY.named_by(acr).is_some());
                let names = if in_glossary { None } else { Some(out.entry(acr.clone()).or_default()) };
                if let Some(names) = names.filter(|n| !n.contains(name)) {
                    names.push(name.clone());
                }
            }
        }
        out
    }

    /// An empty manifest for the current format and analysis.
    pub fn current() -> Manifest {
        Manifest {
            format: super::schema::FORMAT_VERSION,
            analysis: analysis_fingerprint(),
            max_bytes: crate::ingest::DEFAULT_MAX_BYTES,
            ..Manifest::default()
        }
    }
}

/// Analyzer and segmenter versions plus a hash of the data that shapes analysis and entity facets.
pub fn analysis_fingerprint() -> String {
    let data = [
        include_str!("../analyze/data/glossary.json"),
        include_str!("../analyze/data/stopwords_en.txt"),
        include_str!("../analyze/data/stopwords_es.txt"),
        include_str!("../analyze/data/thesaurus.tsv"),
    ]
    .concat();
    format!(
        "a{}-s{}-{:016x}",
        crate::analyze::ANALYZER_VERSION,
        crate::segment::SEGMENTER_VERSION,
        xxhash_rust::xxh3::xxh3_64(data.as_bytes())
    )
}

/// Content hash of a source file.
pub fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}
