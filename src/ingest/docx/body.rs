//! WordprocessingML → lines in the conventions of the hand-extracted `.txt` files: one
//! paragraph, heading or list item a line; a table row a line with its cells apart by tabs;
//! contents entries as `TITLE<TAB>PAGE`; Word footnotes as `[footnoteRef:N]` where they are
//! cited and `[N: . body]` at the end of the citing line (what `clean` expects).
//!
//! Elements are matched by local name, so the Strict vocabulary reads like the transitional
//! one. What is not body text is skipped: deleted and moved-away text, field instructions,
//! the `mc:Fallback` copy of a text box (the `mc:Choice` one is read).

use std::collections::HashMap;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::package::attr;
use super::styles::{Numbering, Role, Styles};

/// Footnote and endnote bodies by reference: `("footnote", id)` → text.
pub type Notes = HashMap<(&'static str, String), String>;

/// The body of a main document part as lines; the error names the part and what to do.
pub fn document(
    xml: &str,
    part: &str,
    styles: &Styles,
    numbering: &mut Numbering,
    notes: &Notes,
) -> Result<Vec<String>, String> {
    let mut walker = Walker::new(styles, numbering, Some(notes));
    let mut reader = Reader::from_str(xml);
    let mut root = None;
    loop {
        let event = reader.read_event().map_err(|e| malformed(part, &e, reader.error_position()))?;
        if let (None, Event::Start(e) | Event::Empty(e)) = (&root, &event) {
            let name = e.local_name().as_ref().to_string();
            if name != "document" {
                return Err(format!(
                    "its main part {part} is a <{name}>, not a Word document (a spreadsheet or presentation?); \
                     save it as a Word .docx"
                ));
            }
            root = Some(name);
        }
        if !walker.event(&mut reader, event).map_err(|e| malformed(part, &e, reader.error_position()))? {
            return Ok(walker.lines);
        }
    }
}

/// The footnotes (`kind` "footnote") or endnotes ("endnote") of a notes part; separators are
/// not notes. A damaged notes part yields the notes read before the damage.
pub fn notes(xml: &str, kind: &'static str, styles: &Styles, into: &mut Notes) {
    let mut numbering = Numbering::default();
    let mut walker = Walker::new(styles, &mut numbering, None);
    let mut reader = Reader::from_str(xml);
    let mut current: Option<(String, usize)> = None;
    loop {
        let Ok(event) = reader.read_event() else { return };
        match &event {
            Event::Start(e) if e.local_name().as_ref() == kind => {
                let separator = attr(e, "type").is_some_and(|t| t != "normal");
                match attr(e, "id") {
                    Some(id) if !separator => current = Some((id, walker.lines.len())),
                    _ => {
                        if reader.read_to_end(e.name()).is_err() {
                            return;
                        }
                    }
                }
                continue;
            }
            Event::End(e) if e.local_name().as_ref() == kind => {
                if let Some((id, from)) = current.take() {
                    let body = walker.lines.split_off(from).join(" ");
                    // a bracket would end the `[N: . body]` form early
                    into.insert((kind, id), body.replace('[', "(").replace(']', ")").trim().to_string());
                }
                continue;
            }
            _ => {}
        }
        if !matches!(walker.event(&mut reader, event), Ok(true)) {
            return;
        }
    }
}

fn malformed(part: &str, e: &quick_xml::Error, at: u64) -> String {
    format!("its part {part} is not well-formed XML ({e}, at byte {at}); the file is damaged: open it in Word and save it again")
}

#[derive(Default)]
struct Para {
    text: String,
    style: Option<String>,
    outline: Option<u8>,
    num: Option<String>,
    ilvl: usize,
    /// Indexes into `Walker::cited`.
    notes: Vec<usize>,
    /// Text of a TOC field's result went in.
    toc: bool,
}

#[derive(Default)]
struct Table {
    lines: Vec<String>,
    row: Vec<String>,
    cell: Option<String>,
    notes: Vec<usize>,
}

enum Container {
    Para(Para),
    Table(Table),
}

/// A field being read: its instruction, and whether its result has begun.
struct Field {
    instr: String,
    result: bool,
}

struct Walker<'a> {
    styles: &'a Styles,
    numbering: &'a mut Numbering,
    /// `None` while reading notes themselves (a reference there is not followed).
    notes: Option<&'a Notes>,
    /// Notes cited so far, in order: (label, body).
    cited: Vec<(usize, String)>,
    stack: Vec<Container>,
    fields: Vec<Field>,
    in_text: bool,
    in_instr: bool,
    in_ppr: bool,
    lines: Vec<String>,
}

impl<'a> Walker<'a> {
    fn new(styles: &'a Styles, numbering: &'a mut Numbering, notes: Option<&'a Notes>) -> Walker<'a> {
        Walker {
            styles,
            numbering,
            notes,
            cited: Vec::new(),
            stack: Vec::new(),
            fields: Vec::new(),
            in_text: false,
            in_instr: false,
            in_ppr: false,
            lines: Vec::new(),
        }
    }

    /// Takes one event; `false` at the end of the input.
    fn event(&mut self, reader: &mut Reader<&[u8]>, event: Event<'_>) -> Result<bool, quick_xml::Error> {
        match event {
            Event::Start(e) => {
                if SKIPPED.contains(&e.local_name().as_ref()) {
                    reader.read_to_end(e.name())?;
                } else {
                    self.start(&e, true);
                }
            }
            Event::Empty(e) => self.start(&e, false),
            Event::End(e) => self.end(e.local_name().as_ref()),
            Event::Text(t) => self.text(&t.xml10_content()),
            Event::CData(t) => self.text(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => self.text(c.encode_utf8(&mut [0; 4])),
                _ => self.text(resolve_predefined_entity(&r).unwrap_or_default()),
            },
            Event::Eof => return Ok(false),
            _ => {}
        }
        Ok(true)
    }

    fn start(&mut self, e: &BytesStart<'_>, open: bool) {
        let val = || attr(e, "val");
        match e.local_name().as_ref() {
            "p" if open => self.stack.push(Container::Para(Para::default())),
            "pPr" => self.in_ppr = open,
            "pStyle" if self.in_ppr => self.with_para(|p| p.style = val()),
            "outlineLvl" if self.in_ppr => self.with_para(|p| p.outline = val().and_then(|v| v.parse().ok())),
            "numId" if self.in_ppr => self.with_para(|p| p.num = val().filter(|v| v != "0")),
            "ilvl" if self.in_ppr => self.with_para(|p| p.ilvl = val().and_then(|v| v.parse().ok()).unwrap_or(0)),
            "tbl" if open => self.stack.push(Container::Table(Table::default())),
            "tc" => {
                if let Some(Container::Table(t)) = self.stack.last_mut() {
                    if open {
                        t.cell = Some(String::new());
                    } else {
                        t.row.push(String::new());
                    }
                }
            }
            "t" => self.in_text = open,
            "instrText" => self.in_instr = open,
            "tab" | "ptab" if !self.in_ppr => self.raw('\t'),
            "br" | "cr" if !self.in_ppr => self.raw(' '),
            "noBreakHyphen" => self.raw('-'),
            "fldChar" => match attr(e, "fldCharType").as_deref() {
                Some("begin") => self.fields.push(Field { instr: String::new(), result: false }),
                Some("separate") => {
                    if let Some(f) = self.fields.last_mut() {
                        f.result = true;
                    }
                }
                Some("end") => {
                    self.fields.pop();
                }
                _ => {}
            },
            "fldSimple" if open => {
                self.fields.push(Field { instr: attr(e, "instr").unwrap_or_default(), result: true })
            }
            "footnoteReference" => self.cite("footnote", attr(e, "id")),
            "endnoteReference" => self.cite("endnote", attr(e, "id")),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "p" => {
                if let Some(Container::Para(p)) = self.stack.pop() {
                    self.end_para(p);
                }
            }
            "pPr" => self.in_ppr = false,
            "tbl" => {
                if let Some(Container::Table(t)) = self.stack.pop() {
                    self.end_table(t);
                }
            }
            "tr" => {
                if let Some(Container::Table(t)) = self.stack.last_mut() {
                    let mut line = t.row.drain(..).collect::<Vec<_>>().join("\t");
                    line.truncate(line.trim_end().len());
                    if contents_line(&line).is_some() {
                        // "Leaves<TAB>175" would be taken for a contents entry: a space after
                        // the tab makes it a row (`clean` wants the tab right before the page)
                        if let Some(tab) = line.rfind('\t') {
                            line.insert(tab + 1, ' ');
                        }
                    }
                    for i in t.notes.drain(..) {
                        line.push_str(&note_body(&self.cited[i]));
                    }
                    if !line.trim().is_empty() {
                        t.lines.push(line);
                    }
                }
            }
            "tc" => {
                if let Some(Container::Table(t)) = self.stack.last_mut() {
                    let cell = t.cell.take().unwrap_or_default();
                    t.row.push(cell.split_whitespace().collect::<Vec<_>>().join(" "));
                }
            }
            "t" => self.in_text = false,
            "instrText" => self.in_instr = false,
            "fldSimple" => {
                self.fields.pop();
            }
            _ => {}
        }
    }

    fn with_para(&mut self, f: impl FnOnce(&mut Para)) {
        if let Some(Container::Para(p)) = self.stack.last_mut() {
            f(p);
        }
    }

    /// Text of a `w:t` (or of a field instruction); anything else between tags is layout.
    fn text(&mut self, s: &str) {
        if self.in_instr {
            if let Some(f) = self.fields.last_mut() {
                f.instr.push_str(s);
            }
        } else if self.in_text {
            self.push(s);
        }
    }

    fn raw(&mut self, c: char) {
        self.push(c.encode_utf8(&mut [0; 4]));
    }

    fn push(&mut self, s: &str) {
        if self.fields.iter().any(|f| !f.result) {
            return; // the instruction part of a field
        }
        let toc = self.fields.iter().any(|f| f.instr.trim_start().starts_with("TOC"));
        if let Some(Container::Para(p)) = self.stack.last_mut() {
            p.toc |= toc;
            // a line break inside a `w:t` is layout, and control chars are not text
            p.text.extend(s.chars().map(|c| if c.is_control() && c != '\t' { ' ' } else { c }));
        }
    }

    fn cite(&mut self, kind: &'static str, id: Option<String>) {
        let Some(body) = self.notes.zip(id).and_then(|(notes, id)| notes.get(&(kind, id))) else { return };
        let label = self.cited.len() + 1;
        self.cited.push((label, body.clone()));
        if let Some(Container::Para(p)) = self.stack.last_mut() {
            p.text.push_str(&format!("[footnoteRef:{label}]"));
            p.notes.push(label - 1);
        }
    }

    fn end_para(&mut self, p: Para) {
        let role = self.styles.role(p.style.as_deref(), p.outline);
        let mut text = p.text;
        if p.toc || role == Role::Contents {
            match contents_line(&text) {
                Some(line) => text = line,
                None => return,
            }
        } else if let Some(label) = p.num.and_then(|n| self.numbering.next_label(&n, p.ilvl)) {
            text.insert_str(0, &label);
        }
        if matches!(role, Role::Heading(_)) {
            // a heading is one paragraph, never a row or a contents entry ("1.<TAB>Introduction")
            text = text.replace('\t', " ");
        }
        if let Some(Container::Table(t)) = self.stack.last_mut() {
            if let Some(cell) = &mut t.cell {
                cell.push(' ');
                cell.push_str(&text.replace('\t', " "));
                t.notes.extend(p.notes);
                return;
            }
        }
        for i in p.notes {
            text.push_str(&note_body(&self.cited[i]));
        }
        self.emit(text);
    }

    fn end_table(&mut self, t: Table) {
        if let Some(Container::Table(parent)) = self.stack.last_mut() {
            if let Some(cell) = &mut parent.cell {
                // a table in a cell: its rows are that cell's text
                for line in &t.lines {
                    cell.push(' ');
                    cell.push_str(&line.replace('\t', " "));
                }
                return;
            }
        }
        for line in t.lines {
            self.emit(line);
        }
    }

    fn emit(&mut self, line: String) {
        if !line.trim().is_empty() {
            self.lines.push(line);
        }
    }
}

/// Elements whose content is not body text.
const SKIPPED: &[&str] = &["del", "moveFrom", "delText", "delInstrText", "Fallback"];

fn note_body((label, body): &(usize, String)) -> String {
    format!(" [{label}: . {body}]")
}

/// A contents entry as `TITLE<TAB>PAGE`, when it ends with a page number after a tab.
fn contents_line(text: &str) -> Option<String> {
    let (title, page) = text.rsplit_once('\t')?;
    let page = page.trim();
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let numeric = !page.is_empty() && page.len() <= 3 && page.bytes().all(|b| b.is_ascii_digit());
    (numeric && !title.is_empty()).then(|| format!("{title}\t{page}"))
}
