//! A hit's `_formatted` and `_matchesPosition`, as Meilisearch makes them: highlighted fields
//! wrap the words the query matches in the tags, cropped fields keep the window of `cropLength`
//! words that holds the most matches (with the crop marker where text was cut), numbers become
//! strings; match positions are byte offsets into the field's value, as Meilisearch gives them.
//! The words matched are the engine's ([`Engine::marks`]: any form the analyzer gives, so
//! "migraciones" is marked for "migración").

use serde_json::{json, Map, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::search::invalid;
use super::MeiliError;
use crate::engine::Engine;
use crate::model::Lang;

/// Meilisearch's default crop length, in words.
const CROP_LENGTH: usize = 10;

/// How a search asked its hits to be formatted.
pub struct Format {
    /// The attributes to highlight (`*` for all), when asked.
    pub highlight: Option<Vec<String>>,
    /// The attributes to crop, each with its length in words.
    pub crop: Vec<(String, usize)>,
    pub pre: String,
    pub post: String,
    pub marker: String,
    pub matches_position: bool,
}

impl Format {
    /// Reads the formatting fields of a search body.
    pub fn parse(body: &Map<String, Value>) -> Result<Format, MeiliError> {
        let text = |field: &str, default: &str| match body.get(field) {
            None | Some(Value::Null) => Ok(default.to_string()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => {
                Err(invalid(field, format!("Invalid value type at `.{field}`: expected a string, but found `{v}`.")))
            }
        };
        let length = super::search::number(body, "cropLength")?.unwrap_or(CROP_LENGTH);
        let crop = super::search::strings(body, "attributesToCrop")?
            .unwrap_or_default()
            .into_iter()
            .map(|a| match a.rsplit_once(':') {
                Some((name, n)) => n.parse().map(|n| (name.to_string(), n)).map_err(|_| {
                    invalid("attributesToCrop", format!("`{a}`: a crop length after `:` is a number of words"))
                }),
                None => Ok((a, length)),
            })
            .collect::<Result<_, _>>()?;
        let matches_position = match body.get("showMatchesPosition") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                return Err(invalid("showMatchesPosition", format!("`.showMatchesPosition` is a boolean, not `{v}`")))
            }
        };
        Ok(Format {
            highlight: super::search::strings(body, "attributesToHighlight")?,
            crop,
            pre: text("highlightPreTag", "<em>")?,
            post: text("highlightPostTag", "</em>")?,
            marker: text("cropMarker", "…")?,
            matches_position,
        })
    }

    /// Whether hits carry `_formatted` (Meilisearch adds it only when asked to highlight or crop).
    pub fn formats(&self) -> bool {
        self.highlight.is_some() || !self.crop.is_empty()
    }

    fn highlights(&self, field: &str) -> bool {
        self.highlight.as_ref().is_some_and(|h| h.iter().any(|f| f == "*" || f == field))
    }

    fn crop_length(&self, field: &str) -> Option<usize> {
        let named = self.crop.iter().find(|(f, _)| f == field);
        named.or_else(|| self.crop.iter().find(|(f, _)| f == "*")).map(|(_, n)| *n)
    }

    /// Adds `_formatted` and `_matchesPosition` to `doc` (the retrieved fields of a record in
    /// `lang`); `all` is the whole record, whose every field counts for match positions.
    pub fn apply(&self, q: &str, lang: Lang, doc: &mut Map<String, Value>, all: &Map<String, Value>) {
        if self.formats() {
            // the retrieved fields, and those named to highlight or crop even when not retrieved
            let mut formatted = doc.clone();
            let named = self.highlight.iter().flatten().chain(self.crop.iter().map(|(f, _)| f));
            for f in named {
                if let (false, Some(v)) = (formatted.contains_key(f), all.get(f)) {
                    formatted.insert(f.clone(), v.clone());
                }
            }
            for (k, v) in formatted.iter_mut() {
                let (highlight, crop) = (self.highlights(k), self.crop_length(k));
                let format = |s: &str| self.format(q, lang, s, highlight, crop);
                match v {
                    Value::String(s) => *s = format(s),
                    Value::Array(items) => {
                        for item in items.iter_mut() {
                            if let Value::String(s) = item {
                                *s = format(s);
                            }
                        }
                    }
                    Value::Number(n) => *v = Value::String(n.to_string()),
                    _ => {}
                }
            }
            doc.insert("_formatted".into(), Value::Object(formatted));
        }
        if self.matches_position {
            let mut positions = Map::new();
            for (k, v) in all {
                let mut found = Vec::new();
                let mut add = |s: &str, index: Option<usize>| {
                    for (from, to) in Engine::marks(q, s, lang) {
                        let mut m = json!({"start": from, "length": to - from});
                        if let Some(i) = index {
                            m["indices"] = json!([i]);
                        }
                        found.push(m);
                    }
                };
                match v {
                    Value::String(s) => add(s, None),
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, x)| Some((i, x.as_str()?)))
                        .for_each(|(i, s)| add(s, Some(i))),
                    _ => {}
                }
                if !found.is_empty() {
                    positions.insert(k.clone(), Value::Array(found));
                }
            }
            doc.insert("_matchesPosition".into(), Value::Object(positions));
        }
    }

    /// One string value, cropped to `crop` words and highlighted as asked.
    fn format(&self, q: &str, lang: Lang, text: &str, highlight: bool, crop: Option<usize>) -> String {
        let marks = if highlight || crop.is_some() { Engine::marks(q, text, lang) } else { Vec::new() };
        let (from, to) = match crop {
            Some(n) => crop_window(text, &marks, n),
            None => (0, text.len()),
        };
        let mut out = String::with_capacity(to - from + 16);
        if from > 0 {
            out.push_str(&self.marker);
        }
        let mut at = from;
        if highlight {
            for &(a, b) in marks.iter().filter(|(a, b)| *a >= from && *b <= to) {
                if a < at {
                    continue;
                }
                out.push_str(&text[at..a]);
                out.push_str(&self.pre);
                out.push_str(&text[a..b]);
                out.push_str(&self.post);
                at = b;
            }
        }
        out.push_str(&text[at..to]);
        if to < text.len() {
            out.push_str(&self.marker);
        }
        out
    }
}

/// The byte range of the `n` words of `text` to keep: the window holding the most matched
/// words (the first such), widened evenly on both sides of its matches; the first `n` words
/// when nothing matches. The whole text when it has `n` words or fewer.
fn crop_window(text: &str, marks: &[(usize, usize)], n: usize) -> (usize, usize) {
    let words: Vec<(usize, usize)> = text
        .split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(at, w)| (at, at + w.len()))
        .collect();
    let n = n.max(1);
    if words.len() <= n {
        return (0, text.len());
    }
    let matched: Vec<bool> = words.iter().map(|&(a, b)| marks.iter().any(|&(x, y)| x < b && a < y)).collect();
    let mut best = (0, 0);
    let mut count = matched[..n].iter().filter(|m| **m).count();
    best.1 = count;
    for start in 1..=words.len() - n {
        count = count + usize::from(matched[start + n - 1]) - usize::from(matched[start - 1]);
        if count > best.1 {
            best = (start, count);
        }
    }
    let mut start = best.0;
    if best.1 > 0 {
        // center the matches of the window in it
        let first = (start..start + n).find(|&i| matched[i]).unwrap_or(start);
        let last = (start..start + n).rev().find(|&i| matched[i]).unwrap_or(first);
        let spare = n - (last - first + 1);
        start = first.saturating_sub(spare / 2).min(words.len() - n);
    }
    // the first kept word starts the text when nothing before it is a word
    let from = if start == 0 { 0 } else { words[start].0 };
    let end = start + n - 1;
    let to = if end + 1 == words.len() { text.len() } else { words[end].1 };
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_with_the_most_matches_is_kept_centered() {
        let text = "one two three four five six seven eight nine ten";
        // "six" (bytes 24..27) matched: three words around it
        assert_eq!(&text[..][crop_range(text, &[(24, 27)], 3)], "five six seven");
        // nothing matched: the opening words
        assert_eq!(&text[crop_range(text, &[], 3)], "one two three");
        // short enough: the whole text
        assert_eq!(&text[crop_range(text, &[], 20)], text);
        // the last words: up to the end
        assert_eq!(&text[crop_range(text, &[(45, 48)], 2)], "nine ten");
    }

    fn crop_range(text: &str, marks: &[(usize, usize)], n: usize) -> std::ops::Range<usize> {
        let (a, b) = crop_window(text, marks, n);
        a..b
    }
}
