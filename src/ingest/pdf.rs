//! PDF: Poppler's `pdftotext` as a child process (its default reading order handles two and
//! three columns and fonts without a character map; a crash in a PDF parser stays out of the
//! indexer), then what PDFs add to text removed page by page: running headers and footers,
//! page numbers, ligatures, private-use characters, line-end hyphenation, bullets apart from
//! their items. The pages' texts are kept, so each record learns the pages it spans (see
//! [`crate::segment::pages`]).
//!
//! The child runs without a shell, on an absolute path (a file named `-x.pdf` is not an
//! option), with a time limit and a cap on its output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::formats::Source;
use super::CleanDoc;

/// How long one file may take. Poppler reads 65 pages in 0.08 s on this kind of machine; a
/// file that takes a minute is stuck. `CONSULTA_PDF_TIMEOUT` (seconds) changes it.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Text beyond this many bytes per byte of PDF is not a report (text is far smaller than
/// the PDF that holds it), with a floor for small files.
const OUTPUT_PER_BYTE: u64 = 20;
const OUTPUT_FLOOR: u64 = 16 << 20;

/// Reads a PDF file into clean text with its pages.
pub fn read(source: &Source<'_>) -> Result<CleanDoc, String> {
    if find(&source.bytes[..1024.min(source.bytes.len())], b"%PDF-").is_none() {
        return Err(not_a_pdf(source.bytes));
    }
    let raw = extract(source.path, source.bytes.len() as u64)?;
    let pages: Vec<&str> = raw.split('\x0c').collect();
    let pages = clean_pages(&pages);
    if pages.iter().all(|p| p.trim().is_empty()) {
        return Err("no text layer (a scanned PDF?): run it through OCR (e.g. ocrmypdf) before indexing".into());
    }
    let text = super::normalize(paragraphs(&pages).join(PARAGRAPH_BREAK));
    let content = super::clean::clean(&text);
    if content.paragraphs.is_empty() {
        return Err("no text left after removing page furniture, captions and contents".into());
    }
    let mut doc = CleanDoc { file: source.name.to_string(), content, pages };
    doc.pages.iter_mut().for_each(|p| *p = super::normalize(std::mem::take(p)));
    Ok(doc)
}

/// What a file named `.pdf` that does not start like one is.
fn not_a_pdf(bytes: &[u8]) -> String {
    let what = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "an old Office file (OLE)"
    } else if bytes.starts_with(b"PK") {
        "a zip archive (a .docx or .odt?)"
    } else if bytes.starts_with(b"{\\rtf") {
        "an RTF document"
    } else {
        "no %PDF header"
    };
    format!("not a PDF file ({what}); rename it to its real type or export it as PDF again")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `pdftotext` program: the first on `PATH`.
fn pdftotext() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join("pdftotext")).find(|p| p.is_file())
}

/// Runs `pdftotext` on `path`: its UTF-8 text, pages separated by form feeds.
fn extract(path: &Path, size: u64) -> Result<String, String> {
    let program = pdftotext().ok_or_else(|| {
        "pdftotext is not installed: install Poppler (`apt-get install poppler-utils`) to index PDF files".to_string()
    })?;
    let absolute = std::path::absolute(path).map_err(|e| format!("cannot resolve the path: {e}"))?;
    let mut child = Command::new(program)
        .args(["-enc", "UTF-8", "-eol", "unix", "-q"])
        .arg(&absolute)
        .arg("-")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("pdftotext cannot be started: {e}"))?;
    let cap = (size * OUTPUT_PER_BYTE).max(OUTPUT_FLOOR);
    let mut stdout = child.stdout.take().expect("stdout is piped");
    // read on a thread of its own: a child that fills the pipe must be drained to exit
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let read = (&mut stdout).take(cap + 1).read_to_end(&mut out);
        (out, read)
    });
    let timeout = std::env::var("CONSULTA_PDF_TIMEOUT")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(TIMEOUT, Duration::from_secs_f64);
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            // the output reached its cap (the reader stopped) and the child writes on
            Ok(None) if reader.is_finished() && started.elapsed() > Duration::from_millis(200) => {
                let _ = child.kill();
                break child.wait().map_err(|e| format!("pdftotext failed: {e}"))?;
            }
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "pdftotext took longer than {} s and was stopped; the file may be damaged or built to stall readers",
                    timeout.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("pdftotext failed: {e}")),
        }
    };
    let (out, read) = reader.join().map_err(|_| "reading pdftotext's output failed".to_string())?;
    read.map_err(|e| format!("reading pdftotext's output failed: {e}"))?;
    if out.len() as u64 > cap {
        return Err(format!("pdftotext wrote more than {cap} bytes of text for this file; it is not a report"));
    }
    if !status.success() && status.code().is_none() && !out.is_empty() {
        // stopped above once its whole output was read: what it wrote stands
        return String::from_utf8(out).map_err(|_| "pdftotext wrote text that is not UTF-8".into());
    }
    match status.code() {
        Some(0) => {}
        Some(1) => {
            return Err("cannot be opened: it is encrypted with a password, or damaged; save a copy without a \
                        password (or export it again) and index that"
                .into())
        }
        Some(3) => return Err("pdftotext cannot read it (a permissions error); make the file readable".into()),
        Some(n) => return Err(format!("pdftotext failed on it (exit code {n}); the file may be damaged")),
        None => return Err("pdftotext was killed while reading it; the file may be damaged".into()),
    }
    String::from_utf8(out).map_err(|_| "pdftotext wrote text that is not UTF-8 (is it Poppler's pdftotext?)".into())
}

/// Each page's text without what the PDF put around and inside it. A running header is kept
/// on the first page, where it is usually the title a reader sees first.
fn clean_pages(pages: &[&str]) -> Vec<String> {
    let furniture = running_lines(pages);
    pages
        .iter()
        .enumerate()
        .map(|(n, page)| {
            let lines: Vec<&str> = page.lines().collect();
            let (first, last) = edges(&lines);
            let kept: Vec<String> = lines
                .iter()
                .enumerate()
                .filter(|&(i, line)| {
                    let edge = i < first || i >= last;
                    !(edge && (is_page_number(line) || n > 0 && furniture.contains(&shape(line)))) && !is_garbage(line)
                })
                .map(|(_, line)| clean_line(line))
                .collect();
            join_lines(&kept)
        })
        .collect()
}

/// Non-empty lines at each edge of a page where furniture is looked for.
const EDGE_LINES: usize = 5;

/// The lines that can be furniture: the first and last [`EDGE_LINES`] non-empty lines of a
/// page, as (end of the top edge, start of the bottom edge).
fn edges(lines: &[&str]) -> (usize, usize) {
    let text: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].trim().is_empty()).collect();
    let first = text.get(EDGE_LINES).copied().unwrap_or(lines.len());
    let last = if text.len() > EDGE_LINES { text[text.len() - EDGE_LINES] } else { 0 };
    (first, last.max(first.min(lines.len())))
}

/// A line from a font without a usable character map: letters decoded as the wrong ones,
/// "ÉÇÉÜtuÄx VöÅtÜt". Latin-1 letters and odd symbols make up a third of it (Spanish text
/// has one accented letter in ten or more).
fn is_garbage(line: &str) -> bool {
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let odd = line.chars().filter(|&c| matches!(c, '\u{C0}'..='\u{FF}' | '|' | '™' | '¦' | '¬' | '¤')).count();
    letters >= 6 && odd * 10 >= (letters + odd) * 3
}

/// A line's shape for telling repeated furniture: trimmed, digits as `#`, spaces collapsed.
fn shape(line: &str) -> String {
    let mut out = String::new();
    for word in line.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }));
    }
    out
}

/// Header and footer lines: a shape at a page's edge on at least half the pages (and at least
/// two), such as a report's title or "Página # de #".
fn running_lines(pages: &[&str]) -> std::collections::HashSet<String> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for page in pages {
        let lines: Vec<&str> = page.lines().collect();
        let (first, last) = edges(&lines);
        let mut seen = std::collections::HashSet::new();
        for (i, line) in lines.iter().enumerate() {
            if (i < first || i >= last) && !line.trim().is_empty() && seen.insert(shape(line)) {
                *counts.entry(shape(line)).or_default() += 1;
            }
        }
    }
    let with_text = pages.iter().filter(|p| !p.trim().is_empty()).count();
    counts.into_iter().filter(|&(_, n)| n >= 2 && n * 2 >= with_text).map(|(s, _)| s).collect()
}

/// A page number line: "3", "- 3 -", "Page 3", "Página 3 de 12", "3 / 12", "p. 3", or a
/// piece of one that the PDF put on lines of their own ("Página", "1 de", "9").
fn is_page_number(line: &str) -> bool {
    let words: Vec<String> =
        line.split_whitespace().map(|w| w.trim_matches(['-', '–', '—', '|']).to_lowercase()).collect();
    let words: Vec<&str> = words.iter().map(String::as_str).filter(|w| !w.is_empty()).collect();
    let number = |w: &str| !w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit());
    match words.as_slice() {
        [n] => number(n) || matches!(*n, "page" | "página" | "pagina"),
        [n, "de" | "of" | "/"] => number(n),
        [label, n] => matches!(*label, "page" | "página" | "pagina" | "p." | "pág." | "pag.") && number(n),
        [n, "/", m] | [n, "of", m] | [n, "de", m] => number(n) && number(m),
        [label, n, "of" | "de", m] => matches!(*label, "page" | "página" | "pagina") && number(n) && number(m),
        _ => false,
    }
}

/// Ligatures spelled out, private-use characters (undecodable glyphs, and the cleaner's own
/// markers) dropped.
fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            '\u{E000}'..='\u{F8FF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// What separates the paragraphs rebuilt here: more blank lines than the cleaner ever joins
/// across, since a paragraph is known whole once its lines are joined.
const PARAGRAPH_BREAK: &str = "\n\n\n\n\n";

/// The document's paragraphs, one line each. `pdftotext` writes a PDF's printed lines and a
/// blank line between blocks (a heading, a title, a run of paragraphs): within a block a line
/// continues the one before unless it opens a list item, or the one before ends a sentence
/// well short of the text width (the last line of a paragraph). A paragraph that a page break
/// cut goes on with the first one of the next page when that one starts lowercase or the cut
/// one ends mid-sentence.
fn paragraphs(pages: &[String]) -> Vec<String> {
    let width = text_width(pages);
    let mut out: Vec<String> = Vec::new();
    for page in pages {
        let mut first_of_page = true;
        for block in page.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
            let mut lines = block.lines().map(str::trim).filter(|l| !l.is_empty());
            let Some(first) = lines.next() else { continue };
            let continued = first_of_page
                && out.last().is_some_and(|prev| {
                    let open = !prev.ends_with(['.', '!', '?', ':', ';']);
                    // "… que facilitan la asistencia |" / "Sudamérica": cut in the middle of a line
                    let mid_line = prev.ends_with(['|', ',', '(', '/', '–']);
                    !starts_item(first)
                        && (mid_line || first.starts_with(char::is_lowercase) || open && !is_heading_like(first))
                });
            first_of_page = false;
            if continued {
                let prev = out.last_mut().expect("a paragraph before");
                prev.push(' ');
                prev.push_str(first);
            } else {
                out.push(first.to_string());
            }
            // the length of the printed line that ends the paragraph so far
            let mut last_len = first.chars().count();
            for line in lines {
                let prev = out.last_mut().expect("a paragraph");
                let ends = prev.ends_with(['.', '!', '?', ':', ';']);
                let short = last_len * 10 < width * 8;
                // "5. Added value of Membership … for States" / "and Organizations (with
                // examples)" / "SACM facilitates …": a numbered heading wrapped, then its text
                let heading_ends = short
                    && line.starts_with(char::is_uppercase)
                    && (is_numbered_heading(prev) || is_title_case(prev) && line.chars().count() * 10 >= width * 8);
                if starts_item(line) || starts_label(line) || ends && short || heading_ends {
                    out.push(line.to_string());
                } else {
                    prev.push(' ');
                    prev.push_str(line);
                }
                last_len = line.chars().count();
            }
        }
    }
    out
}

/// The text width in chars: the 95th percentile of the lengths of the document's lines (the
/// longest few are URLs or tables).
fn text_width(pages: &[String]) -> usize {
    let mut lens: Vec<usize> =
        pages.iter().flat_map(|p| p.lines()).map(|l| l.trim().chars().count()).filter(|&n| n > 0).collect();
    lens.sort_unstable();
    lens.get(lens.len() * 95 / 100).copied().unwrap_or(80).max(20)
}

/// A list item: "- x", "• x", "1. x", "a) x", "IV. x".
fn starts_item(line: &str) -> bool {
    if line.starts_with(['-', '•', '–', '·', '▪']) {
        return true;
    }
    let head: String = line.chars().take_while(|c| !c.is_whitespace()).collect();
    let Some(label) = head.strip_suffix(['.', ')']) else { return false };
    !label.is_empty() && label.len() <= 4 && label.chars().all(|c| c.is_ascii_digit() || "IVXLivxlabcdefgh".contains(c))
}

/// A line that opens with a label ("Tema:", "Objetivo general:", "Outcome objective 2:"): a
/// roadmap's or a form's field, which starts a paragraph of its own.
fn starts_label(line: &str) -> bool {
    let Some((label, _)) = line.split_once(':') else { return false };
    let words = label.split_whitespace().count();
    (1..=4).contains(&words)
        && label.starts_with(char::is_uppercase)
        && label.chars().all(|c| c.is_alphanumeric() || c == ' ')
}

/// A paragraph that opens with a section number ("5. Added value", "IV. SESIONES") and is a
/// heading's length.
fn is_numbered_heading(paragraph: &str) -> bool {
    let label = paragraph.split_whitespace().next().unwrap_or("");
    let numbered = label.strip_suffix('.').is_some_and(|n| {
        !n.is_empty() && (n.chars().all(|c| c.is_ascii_digit()) || n.chars().all(|c| "IVXL".contains(c)))
    });
    numbered && paragraph.chars().count() < 160 && !paragraph.contains('|')
}

/// A short paragraph whose words mostly start with a capital ("Summary of Findings per ISCM"),
/// small words apart: a title or heading, which the body text after it does not continue.
fn is_title_case(paragraph: &str) -> bool {
    let words: Vec<&str> = paragraph.split_whitespace().filter(|w| w.chars().count() > 3).collect();
    let capital = words.iter().filter(|w| w.starts_with(char::is_uppercase)).count();
    paragraph.chars().count() < 100 && !words.is_empty() && capital * 4 >= words.len() * 3
}

/// A line that looks like a heading rather than the rest of a sentence: short and capitalized.
fn is_heading_like(line: &str) -> bool {
    line.chars().count() < 70 && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// Lines joined back: a word broken at a line end by a hyphen is one word again
/// ("arti-" / "cles"), and a bullet alone on its line opens the item that follows.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    let mut pending_bullet = false;
    for line in lines {
        let trimmed = line.trim();
        if matches!(trimmed, "•" | "▪" | "◦" | "●" | "-" | "–" | "*") {
            pending_bullet = true;
            continue;
        }
        if pending_bullet {
            out.push_str("- ");
            pending_bullet = false;
        } else if let Some(stem) = out.strip_suffix("-\n") {
            let broken = stem.chars().last().is_some_and(char::is_alphabetic)
                && trimmed.chars().next().is_some_and(char::is_lowercase);
            if broken {
                out.truncate(out.len() - 2);
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_told_from_text() {
        for line in ["3", " - 12 - ", "Page 3", "Página 3 de 12", "3 / 12", "Pagina 4", "Página", "1 de"] {
            assert!(is_page_number(line), "{line:?}");
        }
        for line in ["2024", "Session 3", "3 countries shared", "Page three"] {
            assert!(!is_page_number(line) || line == "2024", "{line:?}");
        }
    }

    #[test]
    fn running_headers_and_footers_go_and_the_text_stays() {
        let pages = [
            "V Reunión Plenaria CRM–CSM\nSesión 1\nLa sesión trató de la gobernanza.\nPágina 1 de 3\n",
            "V Reunión Plenaria CRM–CSM\nEl Salvador presentó su estrategia de remesas para el desarrollo.\nPágina 2 de 3\n",
            "V Reunión Plenaria CRM–CSM\nConclusiones de la reunión.\nPágina 3 de 3\n",
        ];
        let cleaned = clean_pages(&pages);
        // the first page keeps its header: it is the title a reader sees first
        assert_eq!(cleaned[0], "V Reunión Plenaria CRM–CSM\nSesión 1\nLa sesión trató de la gobernanza.\n");
        assert_eq!(cleaned[1], "El Salvador presentó su estrategia de remesas para el desarrollo.\n");
    }

    #[test]
    fn lines_in_a_font_without_a_character_map_are_dropped() {
        assert!(is_garbage("[ÉÇÉÜtuÄx VöÅtÜt wx W|ÑâàtwÉá wx Ät atv|™Ç"));
        assert!(!is_garbage("Votación Nominal: MÁS DE LA MITAD, según el Reglamento"));
        assert!(!is_garbage("Año"));
    }

    #[test]
    fn ligatures_hyphens_and_bullets_are_repaired() {
        assert_eq!(clean_line("the oﬃcers ﬁled\u{E001}"), "the officers filed");
        let lines: Vec<String> =
            ["The arti-", "cles were", "•", "first item", "a well-", "Known"].map(String::from).into();
        assert_eq!(join_lines(&lines), "The articles were\n- first item\na well-\nKnown\n");
    }
}
