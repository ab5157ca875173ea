//! The one table from file kind to reader. A new format is a reader (a file of its own) and a
//! line in [`FORMATS`]; the walk, the messages about what is read, `show`'s file names and the
//! benches all take their extensions from here.

use std::path::Path;

use super::CleanDoc;

/// A file as a reader gets it: where it is, the name it is indexed under, its bytes (read once,
/// also for the content hash).
pub struct Source<'a> {
    /// Full path on disk.
    pub path: &'a Path,
    /// Name relative to the corpus folder, `/`-separated.
    pub name: &'a str,
    /// The file's content.
    pub bytes: &'a [u8],
}

/// One file kind consulta reads.
pub struct Format {
    /// What users call it, for messages.
    pub name: &'static str,
    /// File name extensions, lowercase, without the dot.
    pub extensions: &'static [&'static str],
    /// Turns a file into clean text; the error is the reason it was refused (without the path).
    pub read: fn(&Source<'_>) -> Result<CleanDoc, String>,
}

/// Every format, tried by extension.
pub const FORMATS: &[Format] = &[
    Format { name: "plain text", extensions: &["txt", "md"], read: plain_text },
    Format { name: "PDF", extensions: &["pdf"], read: super::pdf::read },
    Format { name: "Word", extensions: &["docx"], read: super::docx::read },
];

fn plain_text(source: &Source<'_>) -> Result<CleanDoc, String> {
    super::from_bytes(source.bytes, source.name)
}

/// The format of `path`, by its extension (any case).
pub fn for_path(path: &Path) -> Option<&'static Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    FORMATS.iter().find(|f| f.extensions.contains(&ext.as_str()))
}

/// Every extension consulta reads.
pub fn extensions() -> impl Iterator<Item = &'static str> {
    FORMATS.iter().flat_map(|f| f.extensions.iter().copied())
}

/// The extensions read, for messages: `.txt, .md or .docx`.
pub fn described() -> String {
    let all: Vec<String> = extensions().map(|e| format!(".{e}")).collect();
    match all.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// Reads one file through the reader of its format.
pub fn read(source: &Source<'_>) -> Result<CleanDoc, String> {
    match for_path(source.path) {
        Some(format) => (format.read)(source),
        None => Err(format!("not a {} file", described())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_found_by_extension_in_any_case() {
        assert_eq!(for_path(Path::new("a/Report.TXT")).map(|f| f.name), Some("plain text"));
        assert_eq!(for_path(Path::new("notes.md")).map(|f| f.name), Some("plain text"));
        assert!(for_path(Path::new("report.pdf.bak")).is_none());
        assert_eq!(described(), ".txt, .md, .pdf or .docx");
        let err = read(&Source { path: Path::new("x.odt"), name: "x.odt", bytes: b"text" }).err();
        assert_eq!(err.as_deref(), Some("not a .txt, .md, .pdf or .docx file"));
    }
}
