//! The pages a record spans, for documents from paged sources (PDF). Records are found in the
//! pages' text by their words rather than carried through cleaning: their first and last
//! words (a run of [`RUN`] words, fewer for shorter records) are looked up among the pages'
//! words, from where the previous record started, so the answer does not depend on how
//! cleaning joined lines and paragraphs.

use std::collections::HashMap;

use crate::model::Document;

/// Words looked for together: enough to tell one place from another, few enough to survive a
/// line the cleaner dropped.
const RUN: usize = 4;

/// Sets the pages of every record of `doc` from the texts of its `pages` (1-based numbers).
/// Nothing happens without pages.
pub fn assign(doc: &mut Document, pages: &[String]) {
    if pages.is_empty() {
        return;
    }
    let (all, page_of): (Vec<String>, Vec<u32>) =
        pages.iter().enumerate().flat_map(|(i, p)| words(p).into_iter().map(move |w| (w, i as u32 + 1))).unzip();
    let runs = Runs::of(&all);
    let mut cursor = 0;
    for section in &mut doc.sections {
        // a record without text of its own (a heading alone) is found by its heading
        let own = Some(words(&section.text)).filter(|w| !w.is_empty()).unwrap_or_else(|| words(&section.heading));
        let n = RUN.min(own.len());
        let found = (n > 0).then(|| runs.find(&own[..n], cursor)).flatten();
        let Some(start) = found else {
            // not found (cleaning rewrote all its words): where the record before it started
            section.pages = page_of.get(cursor).map(|&p| [p, p]);
            continue;
        };
        let end = runs.find(&own[own.len() - n..], start).map_or(start, |at| at + n - 1);
        section.pages = Some([page_of[start], page_of[end.min(page_of.len() - 1)]]);
        cursor = start;
    }
}

/// Where each run of words starts.
struct Runs<'w> {
    words: &'w [String],
    starts: HashMap<&'w [String], Vec<usize>>,
}

impl<'w> Runs<'w> {
    fn of(words: &'w [String]) -> Runs<'w> {
        let mut starts: HashMap<&[String], Vec<usize>> = HashMap::new();
        for n in 1..=RUN {
            for (i, run) in words.windows(n).enumerate() {
                starts.entry(run).or_default().push(i);
            }
        }
        Runs { words, starts }
    }

    /// The first place at or after `from` where `run` is, else its first place anywhere.
    fn find(&self, run: &[String], from: usize) -> Option<usize> {
        let at = self.starts.get(run)?;
        debug_assert!(at.iter().all(|&i| self.words[i..].starts_with(run)));
        at.iter().copied().find(|&i| i >= from).or_else(|| at.first().copied())
    }
}

/// A text's words, lowercased, letters and digits only.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocMeta, Lang, Section, SectionKind};

    fn section(id: &str, text: &str) -> Section {
        Section {
            id: id.into(),
            kind: SectionKind::Passage,
            heading: String::new(),
            session: None,
            mechanisms: vec![],
            countries: vec![],
            entities: vec![],
            defines: vec![],
            lang: Lang::En,
            text: text.into(),
            parent: None,
            roadmap: None,
            pages: None,
        }
    }

    #[test]
    fn records_learn_the_pages_they_span() {
        let meta = DocMeta {
            file: "x.pdf".into(),
            title: "x".into(),
            doctype: "document".into(),
            mechanisms: vec![],
            year: None,
            place: None,
            lang: Lang::En,
        };
        let mut doc = Document {
            meta,
            sections: vec![
                section("a", "Opening words of the report. The report goes on"),
                section("b", "Session two began on page two and ended on page three, where it said goodbye."),
                section("c", "Nothing like this is in the pages at all, really not."),
            ],
            acronyms: vec![],
        };
        let pages = [
            "Opening words of the report.\nThe report goes on\n".to_string(),
            "Session two began on page two and\n".to_string(),
            "ended on page three, where it said goodbye.\n".to_string(),
        ];
        assign(&mut doc, &pages);
        let got: Vec<Option<[u32; 2]>> = doc.sections.iter().map(|s| s.pages).collect();
        // a record whose words are nowhere gets the page where the one before it started
        assert_eq!(got, [Some([1, 1]), Some([2, 3]), Some([2, 2])]);
    }
}
