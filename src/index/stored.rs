//! The manifest file on disk, and the view of it a search reads.
//!
//! A search needs a few facts about the commit (its format and analysis, the folder times of
//! the staleness check, whether any document has a twin, the acronyms the corpus defines) and,
//! for the twin pass, the entries of a handful of files. It used to parse the whole manifest, a
//! 35 MB JSON document at 25,000 files: 36 % of a cold search's time, another 27 % deriving the
//! mined acronyms and the twin flag from every entry, and the freeing of it all at exit. The
//! file is now laid out so that a search reads only its head:
//!
//! ```text
//! magic "consulta-manifest" · version u32 · summary bytes u32 · files u32 · acronyms u32
//! · five u64 lengths: file table, file entries, acronym table, acronym entries, failed
//! summary    JSON: the few facts every search needs (see [`Summary`]), well under a kilobyte
//! files      (files + 1) × u64 offsets into the entries, then one binary entry per file
//!            (see `put_entry`), sorted by name
//! acronyms   (acronyms + 1) × u64 offsets, then per acronym the names the corpus gives it,
//!            sorted by acronym: those the glossary does not know (52,573 in the 25,000-file
//!            bench corpus, 3 MB as JSON: a tenth of a cold search when they were read whole)
//! failed     JSON: the files that could not be indexed
//! ```
//!
//! The file is memory-mapped: the pages a search never looks at are never read. An entry or an
//! acronym is found by binary search over its table (a search looks up the words of its query);
//! a full decoding (what an indexing run diffs against) reads the entries in order, with no
//! JSON on the way.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use tantivy::directory::OwnedBytes;

use super::manifest::{About, FileEntry, Manifest};
use crate::error::{Error, Result};
use crate::model::Lang;

/// What a manifest file starts with.
const MAGIC: &[u8; 17] = b"consulta-manifest";
/// The layout's version. Version 1 was the JSON manifest (`consulta-manifest-<hash>.json`).
pub(crate) const VERSION: u32 = 2;
/// Bytes before the summary: magic, version, summary length, two counts, five section lengths.
const PREAMBLE: usize = MAGIC.len() + 4 * 4 + 8 * 5;

/// What every search needs of a commit's manifest, at the head of its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// [`super::schema::FORMAT_VERSION`] of the index.
    pub format: u32,
    /// Fingerprint of the analysis (see [`Manifest::analysis`]).
    pub analysis: String,
    /// The size limit of the run that wrote it (see [`Manifest::max_bytes`]).
    pub max_bytes: u64,
    /// Whether that run followed symlinks (see [`Manifest::follow_links`]).
    pub follow_links: bool,
    /// The corpus folders that run walked and their modification times then.
    pub folders: BTreeMap<String, u128>,
    /// Files indexed.
    pub documents: usize,
    /// Files that failed and have no records from an earlier run.
    pub failed_only: usize,
    /// Whether some document has a twin.
    pub has_twins: bool,
    /// The documents that have a twin (a few in most archives: what grouping twins needs
    /// without reading every entry).
    #[serde(default)]
    pub twinned: Vec<String>,
}

impl Summary {
    /// The summary of `manifest`.
    fn of(manifest: &Manifest) -> Summary {
        Summary {
            format: manifest.format,
            analysis: manifest.analysis.clone(),
            max_bytes: manifest.max_bytes,
            follow_links: manifest.follow_links,
            folders: manifest.folders.clone(),
            documents: manifest.files.len(),
            failed_only: manifest.failed.keys().filter(|k| !manifest.files.contains_key(*k)).count(),
            has_twins: manifest.files.values().any(|f| f.twin.is_some()),
            twinned: manifest.files.iter().filter(|(_, f)| f.twin.is_some()).map(|(name, _)| name.clone()).collect(),
        }
    }
}

/// The bytes of a manifest file for `manifest`.
pub(crate) fn encode(manifest: &Manifest) -> Vec<u8> {
    let summary = serde_json::to_vec(&Summary::of(manifest)).expect("summary serializes");
    let failed = serde_json::to_vec(&manifest.failed).expect("failed entries serialize");
    // a BTreeMap iterates in key order: each table is sorted, as the binary search needs
    let files = table(manifest.files.iter().map(|(name, entry)| {
        let mut out = Vec::new();
        put_str(&mut out, name);
        put_entry(&mut out, entry);
        out
    }));
    // worked out when the commit is written: the glossary is part of `Summary::analysis`, so
    // a binary with another glossary finds the index stale and rewrites it
    let mined: BTreeMap<String, Vec<String>> = manifest.mined_names().into_iter().collect();
    let acronyms = table(mined.iter().map(|(acronym, names)| {
        let mut out = Vec::new();
        put_str(&mut out, acronym);
        put_strs(&mut out, names);
        out
    }));
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    for n in [VERSION as usize, summary.len(), manifest.files.len(), mined.len()] {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    for len in [files.0.len(), files.1.len(), acronyms.0.len(), acronyms.1.len(), failed.len()] {
        out.extend_from_slice(&(len as u64).to_le_bytes());
    }
    for part in [&summary, &files.0, &files.1, &acronyms.0, &acronyms.1, &failed] {
        out.extend_from_slice(part);
    }
    out
}

/// The offsets (one u64 per item and one for the end) and the bytes of `items`.
fn table(items: impl Iterator<Item = Vec<u8>>) -> (Vec<u8>, Vec<u8>) {
    let (mut offsets, mut bytes) = (Vec::new(), Vec::new());
    for item in items {
        offsets.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&item);
    }
    offsets.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    (offsets, bytes)
}

/// Whether `bytes` start like a manifest file of any layout version (the JSON one of version
/// 1 starts with `{`).
pub(crate) fn version_of(bytes: &[u8]) -> Option<u32> {
    if bytes.first() == Some(&b'{') {
        return Some(1);
    }
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    Some(u32::from_le_bytes(rest.get(..4)?.try_into().ok()?))
}

/// A manifest file, mapped, with its summary decoded.
pub struct Stored {
    /// What every search needs.
    pub summary: Summary,
    bytes: OwnedBytes,
    files: Table,
    acronyms: Table,
    failed: Range<usize>,
}

/// Where a sorted table of a manifest file lies in it.
struct Table {
    count: usize,
    offsets: Range<usize>,
    items: Range<usize>,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (files, acronyms) = (self.files.count, self.acronyms.count);
        f.debug_struct("Stored")
            .field("summary", &self.summary)
            .field("files", &files)
            .field("acronyms", &acronyms)
            .finish()
    }
}

/// A manifest file whose bytes are not what [`encode`] writes.
fn corrupt(what: &str) -> Error {
    Error::internal(format!("unreadable manifest: {what}"))
}

impl Stored {
    /// The manifest in `bytes` (of layout [`VERSION`]: see [`version_of`]). Only the preamble
    /// and the summary are read.
    pub(crate) fn parse(bytes: OwnedBytes) -> Result<Stored> {
        let b = bytes.as_slice();
        if b.len() < PREAMBLE || version_of(b) != Some(VERSION) {
            return Err(corrupt("not a manifest file of this version"));
        }
        let u32_at = |k: usize| {
            let at = MAGIC.len() + 4 * k;
            u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as usize
        };
        let u64_at = |k: usize| {
            let at = MAGIC.len() + 16 + 8 * k;
            u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes")) as usize
        };
        let mut end = PREAMBLE;
        let mut next = |len: usize| {
            let range = end..end.saturating_add(len);
            end = range.end;
            range
        };
        let summary = next(u32_at(1));
        let mut table = |count: usize, k: usize| Table { count, offsets: next(u64_at(k)), items: next(u64_at(k + 1)) };
        let files = table(u32_at(2), 0);
        let acronyms = table(u32_at(3), 2);
        let failed = next(u64_at(4));
        let sized = |t: &Table| t.offsets.len() == (t.count + 1) * 8;
        if failed.end != b.len() || !sized(&files) || !sized(&acronyms) {
            return Err(corrupt("its sections do not add up to its length"));
        }
        let summary = serde_json::from_slice(&b[summary]).map_err(|e| corrupt(&e.to_string()))?;
        Ok(Stored { summary, bytes, files, acronyms, failed })
    }

    /// The manifest of an index with no commit yet: no file.
    pub fn empty() -> Stored {
        Stored::of(&Manifest::current())
    }

    /// `manifest` as a search would read it from its file.
    pub fn of(manifest: &Manifest) -> Stored {
        Stored::parse(OwnedBytes::new(encode(manifest))).expect("an encoded manifest parses")
    }

    /// The bytes of item `i` of `table`.
    fn item(&self, table: &Table, i: usize) -> Result<&[u8]> {
        let at = |k: usize| {
            let p = table.offsets.start + k * 8;
            u64::from_le_bytes(self.bytes[p..p + 8].try_into().expect("8 bytes")) as usize
        };
        let (start, end) = (at(i), at(i + 1));
        if start > end || end > table.items.len() {
            return Err(corrupt("an entry lies outside the file"));
        }
        Ok(&self.bytes[table.items.start + start..table.items.start + end])
    }

    /// The item of `table` whose key (its first string) is `key`, past its key: a binary
    /// search that reads the keys of about log₂(items) items.
    fn find(&self, table: &Table, key: &str) -> Result<Option<Cursor<'_>>> {
        let (mut low, mut high) = (0, table.count);
        while low < high {
            let mid = (low + high) / 2;
            let mut r = Cursor::new(self.item(table, mid)?);
            match r.str()?.cmp(key) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(Some(r)),
            }
        }
        Ok(None)
    }

    /// The entry of the file `name`, when the manifest lists it.
    pub fn entry(&self, name: &str) -> Result<Option<FileEntry>> {
        self.find(&self.files, name)?.map(|mut r| get_entry(&mut r)).transpose()
    }

    /// The names the corpus gives `acronym`, when it defines it and the glossary does not
    /// know it (what [`Manifest::mined_names`] holds for it).
    pub fn mined_names(&self, acronym: &str) -> Result<Option<Vec<String>>> {
        self.find(&self.acronyms, acronym)?.map(|mut r| r.strs()).transpose()
    }

    /// The twin of record `seq` of `doc`: the twin document and the place there of the record
    /// with the same slug (see [`Manifest::twin_of`]). An unreadable entry has no twin.
    pub fn twin_of(&self, doc: &str, seq: usize) -> Option<(String, usize)> {
        let entry = self.entry(doc).ok()??;
        let twin = entry.twin?;
        let slug = entry.sections.get(seq)?;
        let at = self.entry(&twin).ok()??.sections.iter().position(|s| s == slug)?;
        Some((twin, at))
    }

    /// The whole manifest, every entry decoded (what an indexing run diffs against).
    pub fn decode(&self) -> Result<Manifest> {
        let mut files = Vec::with_capacity(self.files.count);
        for i in 0..self.files.count {
            let mut r = Cursor::new(self.item(&self.files, i)?);
            let name = r.str()?.to_string();
            files.push((name, get_entry(&mut r)?));
        }
        if files.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(corrupt("its entries are not in name order"));
        }
        let failed = serde_json::from_slice(&self.bytes[self.failed.clone()]).map_err(|e| corrupt(&e.to_string()))?;
        let s = &self.summary;
        Ok(Manifest {
            format: s.format,
            analysis: s.analysis.clone(),
            // built from sorted pairs, a BTreeMap is filled in one pass
            files: files.into_iter().collect(),
            failed,
            max_bytes: s.max_bytes,
            follow_links: s.follow_links,
            folders: s.folders.clone(),
        })
    }
}

/// Appends `entry` to `out` (after its file's name). Numbers are LEB128 varints (an mtime is
/// 16 bytes), strings a varint length and their UTF-8, lists a varint count and their items,
/// options a byte 0/1 and the value.
fn put_entry(out: &mut Vec<u8>, entry: &FileEntry) {
    put_varint(out, entry.size);
    out.extend_from_slice(&entry.mtime_ns.to_le_bytes());
    put_str(out, &entry.hash);
    put_varint(out, entry.records as u64);
    put_strs(out, &entry.sections);
    put_varint(out, entry.acronyms.len() as u64);
    for (acronym, name) in &entry.acronyms {
        put_str(out, acronym);
        put_str(out, name);
    }
    match &entry.about {
        None => out.push(0),
        Some(about) => {
            out.push(1);
            out.push(match about.lang {
                Lang::En => 0,
                Lang::Es => 1,
            });
            put_varint(out, about.year.map_or(0, |y| u64::from(y) + 1));
            put_str(out, &about.doctype);
            put_strs(out, &about.mechanisms);
        }
    }
    match &entry.twin {
        None => out.push(0),
        Some(twin) => {
            out.push(1);
            put_str(out, twin);
        }
    }
}

/// Reads what [`put_entry`] wrote after the name.
fn get_entry(r: &mut Cursor<'_>) -> Result<FileEntry> {
    let size = r.varint()?;
    let mtime_ns = u128::from_le_bytes(r.take(16)?.try_into().expect("16 bytes"));
    let hash = r.str()?.to_string();
    let records = r.varint()? as usize;
    let sections = r.strs()?;
    let acronyms = (0..r.count()?).map(|_| Ok((r.str()?.to_string(), r.str()?.to_string()))).collect::<Result<_>>()?;
    let about = match r.byte()? {
        0 => None,
        _ => {
            let lang = match r.byte()? {
                0 => Lang::En,
                _ => Lang::Es,
            };
            let year = r.varint()?.checked_sub(1).map(|y| y as u32);
            let doctype = r.str()?.to_string();
            let mechanisms = r.strs()?;
            Some(About { lang, year, doctype, mechanisms })
        }
    };
    let twin = match r.byte()? {
        0 => None,
        _ => Some(r.str()?.to_string()),
    };
    Ok(FileEntry { size, mtime_ns, hash, records, sections, acronyms, about, twin })
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_strs(out: &mut Vec<u8>, list: &[String]) {
    put_varint(out, list.len() as u64);
    for s in list {
        put_str(out, s);
    }
}

/// Reads an entry's bytes, every read checked against their end.
struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Cursor<'a> {
        Cursor { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.bytes.len() {
            return Err(corrupt("an entry ends too soon"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(corrupt("a number runs past 64 bits"))
    }

    /// A list's length, bounded by the bytes left (each item takes at least one).
    fn count(&mut self) -> Result<usize> {
        let n = self.varint()? as usize;
        if n > self.bytes.len() {
            return Err(corrupt("a list is longer than its entry"));
        }
        Ok(n)
    }

    fn str(&mut self) -> Result<&'a str> {
        let n = self.varint()? as usize;
        std::str::from_utf8(self.take(n)?).map_err(|_| corrupt("a name is not UTF-8"))
    }

    fn strs(&mut self) -> Result<Vec<String>> {
        (0..self.count()?).map(|_| self.str().map(String::from)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::manifest::FailedEntry;

    fn entry(sections: &[&str], twin: Option<&str>, about: Option<About>) -> FileEntry {
        FileEntry {
            size: 300,
            mtime_ns: 1_700_000_000_123_456_789,
            hash: "ab".repeat(16),
            records: sections.len(),
            sections: sections.iter().map(|s| s.to_string()).collect(),
            acronyms: vec![("SACM".into(), "South American Conference on Migration".into())],
            about,
            twin: twin.map(String::from),
        }
    }

    fn sample() -> Manifest {
        let about = |lang| About { lang, year: Some(2019), doctype: "plenary".into(), mechanisms: vec!["rcm".into()] };
        let mut m = Manifest::current();
        m.files.insert("b-en.txt".into(), entry(&["intro", "session-5"], Some("b-es.txt"), Some(about(Lang::En))));
        m.files.insert("b-es.txt".into(), entry(&["session-5", "intro"], Some("b-en.txt"), Some(about(Lang::Es))));
        let mut plain = entry(&[], None, None);
        plain.acronyms.push(("ZQX".into(), "Zeta Quux Office".into()));
        m.files.insert("a/ñandú.md".into(), plain);
        m.failed.insert("bad.pdf".into(), FailedEntry { size: 9, mtime_ns: 3, reason: "no text layer".into() });
        m.folders.insert(String::new(), 42);
        m
    }

    #[test]
    fn a_manifest_comes_back_whole_and_its_entries_one_by_one() {
        let m = sample();
        let stored = Stored::parse(OwnedBytes::new(encode(&m))).expect("parses");
        assert_eq!(stored.decode().expect("decodes"), m);
        assert_eq!(stored.entry("b-es.txt").expect("read"), m.files.get("b-es.txt").cloned());
        assert_eq!(stored.entry("a/ñandú.md").expect("read"), m.files.get("a/ñandú.md").cloned());
        assert_eq!(stored.entry("c.txt").expect("read"), None);
        assert_eq!(stored.entry("").expect("read"), None);
        // record 1 of the English report is `session-5`, record 0 of its twin
        assert_eq!(stored.twin_of("b-en.txt", 1), Some(("b-es.txt".to_string(), 0)));
        assert_eq!(stored.twin_of("a/ñandú.md", 0), None);
        let s = &stored.summary;
        assert_eq!((s.documents, s.failed_only, s.has_twins), (3, 1, true));
        assert_eq!(s.folders, m.folders);
        // SACM is in the glossary: nothing mined beyond it; ZQX is not
        assert_eq!(stored.mined_names("SACM").expect("read"), None);
        assert_eq!(stored.mined_names("ZQX").expect("read"), Some(vec!["Zeta Quux Office".to_string()]));
        assert_eq!(stored.mined_names("ZQ").expect("read"), None);
    }

    #[test]
    fn an_empty_manifest_and_the_older_json_one_are_told_apart() {
        let stored = Stored::parse(OwnedBytes::new(encode(&Manifest::current()))).expect("parses");
        assert_eq!(stored.decode().expect("decodes"), Manifest::current());
        assert_eq!(stored.entry("x").expect("read"), None);
        let json = serde_json::to_vec(&Manifest::current()).expect("json");
        assert_eq!(version_of(&json), Some(1));
        assert_eq!(version_of(&encode(&Manifest::current())), Some(VERSION));
        assert_eq!(version_of(b"garbage"), None);
    }

    #[test]
    fn a_cut_or_altered_file_is_an_error_not_a_panic() {
        let bytes = encode(&sample());
        for cut in [0, 10, PREAMBLE, bytes.len() / 2, bytes.len() - 1] {
            assert!(Stored::parse(OwnedBytes::new(bytes[..cut].to_vec())).is_err(), "cut at {cut}");
        }
        // every byte flipped in turn: parsing and decoding may fail, never panic
        for at in 0..bytes.len() {
            let mut altered = bytes.clone();
            altered[at] ^= 0xff;
            if let Ok(stored) = Stored::parse(OwnedBytes::new(altered)) {
                let _ = stored.decode();
                let _ = stored.entry("b-en.txt");
                let _ = stored.mined_names("ZQX");
            }
        }
    }
}
