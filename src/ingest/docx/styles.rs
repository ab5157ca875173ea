//! What `styles.xml` and `numbering.xml` say about paragraphs: which styles are headings or
//! contents entries, and the labels of numbered and bulleted list items.
//!
//! Style ids are localized (Spanish Word writes `Ttulo1`, Dutch `Kop1`); the names of built-in
//! styles are not (`heading 1`, `Title`, `toc 1`), so a style is known by its name, through
//! `basedOn`, or by the outline level it sets.

use std::collections::HashMap;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::package::attr;

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A heading, of outline level 1 (a title) to 9.
    Heading(u8),
    /// An entry of a table of contents.
    Contents,
    /// Anything else.
    Body,
}

#[derive(Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
}

/// The paragraph styles of a document.
#[derive(Default)]
pub struct Styles {
    styles: HashMap<String, Style>,
    default: Option<String>,
}

impl Styles {
    /// Reads `styles.xml`; what cannot be parsed is left out (paragraphs are then body text).
    pub fn parse(xml: &str) -> Styles {
        let mut out = Styles::default();
        let mut reader = Reader::from_str(xml);
        let mut current: Option<(String, Style)> = None;
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                    "style" => {
                        let paragraph = attr(&e, "type").is_none_or(|t| t == "paragraph");
                        if let (Some(id), true) = (attr(&e, "styleId"), paragraph) {
                            if attr(&e, "default").is_some_and(|d| d == "1" || d == "true") {
                                out.default = Some(id.clone());
                            }
                            if let Some((id, style)) = current.replace((id, Style::default())) {
                                out.styles.insert(id, style);
                            }
                        }
                    }
                    "name" => with(&mut current, |s| s.name = attr(&e, "val").unwrap_or_default().to_lowercase()),
                    "basedOn" => with(&mut current, |s| s.based_on = attr(&e, "val")),
                    "outlineLvl" => with(&mut current, |s| s.outline = attr(&e, "val").and_then(|v| v.parse().ok())),
                    _ => {}
                },
                Ok(Event::End(e)) if e.local_name().as_ref() == "style" => {
                    if let Some((id, style)) = current.take() {
                        out.styles.insert(id, style);
                    }
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        out
    }

    /// The role of a paragraph of style `id` (`None`: the default style) whose own properties
    /// set outline level `outline` (0-based, 9 = body text).
    pub fn role(&self, id: Option<&str>, outline: Option<u8>) -> Role {
        if let Some(level) = outline {
            return level_role(level);
        }
        let mut id = id.or(self.default.as_deref());
        // `basedOn` chains are short; the bound stops a cycle
        for _ in 0..16 {
            let Some(style) = id.and_then(|i| self.styles.get(i)) else { break };
            if let Some(role) = name_role(&style.name) {
                return role;
            }
            if let Some(level) = style.outline {
                return level_role(level);
            }
            id = style.based_on.as_deref();
        }
        Role::Body
    }
}

fn with(current: &mut Option<(String, Style)>, f: impl FnOnce(&mut Style)) {
    if let Some((_, style)) = current {
        f(style);
    }
}

fn level_role(level: u8) -> Role {
    if level < 9 {
        Role::Heading(level + 1)
    } else {
        Role::Body
    }
}

/// The role a built-in style's (lowercased) name gives: `heading 2`, `title`, `toc 1`.
fn name_role(name: &str) -> Option<Role> {
    if name == "title" {
        return Some(Role::Heading(1));
    }
    if let Some(n) = name.strip_prefix("heading ") {
        return n.trim().parse().ok().filter(|n| (1..=9).contains(n)).map(Role::Heading);
    }
    let toc =
        ["toc ", "contents "].iter().any(|p| name.strip_prefix(p).is_some_and(|n| n.trim().parse::<u8>().is_ok()));
    toc.then_some(Role::Contents)
}

/// One level of a list definition.
#[derive(Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// The list definitions of a document and the counters of the lists met so far.
#[derive(Default)]
pub struct Numbering {
    /// `w:num` id → its abstract definition's levels.
    lists: HashMap<String, Vec<Level>>,
    counters: HashMap<String, [u32; 9]>,
}

impl Numbering {
    /// Reads `numbering.xml`; what cannot be parsed is left out (items then get no label).
    pub fn parse(xml: &str) -> Numbering {
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        let mut nums: Vec<(String, String)> = Vec::new();
        let mut reader = Reader::from_str(xml);
        let (mut abstract_id, mut level, mut num_id) = (None::<String>, None::<usize>, None::<String>);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    let val = || attr(&e, "val").unwrap_or_default();
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = attr(&e, "abstractNumId"),
                        "lvl" => level = attr(&e, "ilvl").and_then(|l| l.parse().ok()).filter(|&l| l < 9),
                        "num" => num_id = attr(&e, "numId"),
                        "abstractNumId" => {
                            if let Some(id) = num_id.clone() {
                                nums.push((id, val()));
                            }
                        }
                        name @ ("numFmt" | "lvlText" | "start") => {
                            if let (Some(a), Some(l)) = (&abstract_id, level) {
                                let levels = abstracts.entry(a.clone()).or_insert_with(|| vec![Level::default(); 9]);
                                match name {
                                    "numFmt" => levels[l].format = val(),
                                    "lvlText" => levels[l].text = val(),
                                    _ => levels[l].start = val().parse().unwrap_or(1),
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Ok(Event::End(e)) => match e.local_name().as_ref() {
                    "abstractNum" => abstract_id = None,
                    "lvl" => level = None,
                    "num" => num_id = None,
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let lists = nums.into_iter().filter_map(|(num, a)| Some((num, abstracts.get(&a)?.clone()))).collect();
        Numbering { lists, counters: HashMap::new() }
    }

    /// The label of the next item of list `num` at level `ilvl` ("- " for bullets, "2. ",
    /// "b) "), counting it. `None` for a paragraph that is not a list item.
    pub fn next_label(&mut self, num: &str, ilvl: usize) -> Option<String> {
        let levels = self.lists.get(num)?;
        let ilvl = ilvl.min(8);
        let counters = self.counters.entry(num.to_string()).or_insert([0; 9]);
        for (l, c) in counters.iter_mut().enumerate().skip(ilvl + 1) {
            *c = levels[l].start.max(1) - 1;
        }
        let lvl = &levels[ilvl];
        if counters[ilvl] == 0 {
            counters[ilvl] = lvl.start.max(1) - 1;
        }
        counters[ilvl] += 1;
        match lvl.format.as_str() {
            "bullet" => return Some("- ".into()),
            "none" => return None,
            _ => {}
        }
        let mut label = String::new();
        let mut chars = lvl.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d)) if (1..=9).contains(&d) => {
                    chars.next();
                    let l = d as usize - 1;
                    label.push_str(&format_number(counters[l].max(1), &levels[l].format));
                }
                _ => label.push(c),
            }
        }
        let label = label.trim();
        (!label.is_empty()).then(|| format!("{label} "))
    }
}

/// `n` in a list's number format: decimal, letters or roman numerals.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "lowerLetter" => letters(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerRoman" => crate::ingest::roman_numeral(n).to_lowercase(),
        "upperRoman" => crate::ingest::roman_numeral(n),
        _ => n.to_string(),
    }
}

fn letters(n: u32) -> String {
    let c = char::from(b'A' + ((n - 1) % 26) as u8);
    c.to_string().repeat((n as usize - 1) / 26 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLES: &str = r#"<w:styles xmlns:w="x">
      <w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
      <w:style w:type="paragraph" w:styleId="Ttulo1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>
      <w:style w:type="paragraph" w:styleId="MiTitulo"><w:name w:val="Mi título"/><w:basedOn w:val="Ttulo1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Nivel"><w:name w:val="Nivel"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="TDC1"><w:name w:val="toc 1"/></w:style>
      <w:style w:type="paragraph" w:styleId="A"><w:name w:val="a"/><w:basedOn w:val="B"/></w:style>
      <w:style w:type="paragraph" w:styleId="B"><w:name w:val="b"/><w:basedOn w:val="A"/></w:style>
    </w:styles>"#;

    #[test]
    fn headings_are_known_by_name_base_and_outline_level() {
        let s = Styles::parse(STYLES);
        assert_eq!(s.role(Some("Ttulo1"), None), Role::Heading(1));
        assert_eq!(s.role(Some("MiTitulo"), None), Role::Heading(1));
        assert_eq!(s.role(Some("Nivel"), None), Role::Heading(3));
        assert_eq!(s.role(Some("Nivel"), Some(9)), Role::Body);
        assert_eq!(s.role(None, Some(1)), Role::Heading(2));
        assert_eq!(s.role(None, None), Role::Body);
        assert_eq!(s.role(Some("TDC1"), None), Role::Contents);
        assert_eq!(s.role(Some("A"), None), Role::Body, "a basedOn cycle ends");
        assert_eq!(s.role(Some("missing"), None), Role::Body);
    }

    #[test]
    fn list_labels_count_per_level() {
        let xml = r#"<w:numbering xmlns:w="x">
          <w:abstractNum w:abstractNumId="0">
            <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
            <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2)"/></w:lvl>
          </w:abstractNum>
          <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/></w:lvl></w:abstractNum>
          <w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
          <w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>
        </w:numbering>"#;
        let mut n = Numbering::parse(xml);
        let labels: Vec<_> = [("3", 0), ("3", 1), ("3", 1), ("3", 0), ("3", 1), ("4", 0), ("9", 0)]
            .iter()
            .map(|&(num, l)| n.next_label(num, l))
            .collect();
        let want = ["I. ", "I.a) ", "I.b) ", "II. ", "II.a) ", "- "];
        assert_eq!(labels[..6], want.map(|s| Some(s.to_string())));
        assert_eq!(labels[6], None);
        assert_eq!(crate::ingest::roman_numeral(1994), "MCMXCIV");
        assert_eq!(letters(27), "AA");
    }
}
