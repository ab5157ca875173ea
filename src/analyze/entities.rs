//! Named entities: mechanisms, organizations and countries, each with one canonical id and every
//! alias it goes by in English and Spanish (`data/glossary.json`, documented in its `about`).
//!
//! Used at ingest to fill the `mechanism` and `country` facets of each section and at query
//! time to accept any alias as a filter value (`--mechanism CSM` means SACM). Acronyms written
//! in capitals match case-sensitively: "CAN" (Andean Community) is not the verb "can".

use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::LazyLock;

use super::fold::{fold, fold_into, FoldedFilter};
use super::words::{words, Word};

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A consultation mechanism or regional body (the `mechanism` facet).
    Mechanism,
    /// An international organization.
    Organization,
    /// A country (the `country` facet).
    Country,
    /// A region of countries ("South America"), kept in the `country` facet beside countries
    /// because practices are shared "| South America" as often as "| Chile".
    Region,
}

impl EntityKind {
    /// The kind's name in profiles and JSON.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Mechanism => "mechanism",
            EntityKind::Organization => "organization",
            EntityKind::Country => "country",
            EntityKind::Region => "region",
        }
    }
}

/// One canonical entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// Canonical id, the facet value.
    pub id: String,
    /// What it is.
    pub kind: EntityKind,
    /// Every other name it goes by: English and Spanish names, acronyms, other aliases.
    pub aliases: Vec<String>,
    /// Its names in English.
    pub en: Vec<String>,
    /// Its names in Spanish.
    pub es: Vec<String>,
    /// Its acronyms, in either language.
    pub acronyms: Vec<String>,
}

/// An entity as the data file writes it.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityEntry {
    id: String,
    kind: String,
    #[serde(default)]
    en: Vec<String>,
    #[serde(default)]
    es: Vec<String>,
    #[serde(default)]
    acronyms: Vec<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
struct GlossaryFile {
    #[allow(dead_code)]
    about: Vec<String>,
    entities: Vec<EntityEntry>,
}

/// One compiled alias: its words, folded, and whether they must match case-sensitively.
#[derive(Debug)]
struct Pattern {
    entity: usize,
    folded: Vec<String>,
    exact: Option<Vec<String>>,
}

/// The glossary, compiled for matching.
#[derive(Debug)]
pub struct Glossary {
    entities: Vec<Entity>,
    /// Patterns by their first folded word, longest first.
    by_first: FxHashMap<String, Vec<Pattern>>,
    /// The keys of `by_first`, for a quick test before folding a word.
    firsts: FoldedFilter,
    /// Every name (id or alias), folded and whitespace-normalized, to its entity.
    by_name: HashMap<String, usize>,
}

/// The glossary shipped in `data/glossary.json`.
pub static GLOSSARY: LazyLock<Glossary> =
    LazyLock::new(|| Glossary::parse(include_str!("data/glossary.json")).expect("data/glossary.json is valid"));

impl Glossary {
    /// Parses the JSON format documented in the `about` of `data/glossary.json`.
    pub fn parse(data: &str) -> Result<Glossary, String> {
        let file: GlossaryFile = serde_json::from_str(data).map_err(|e| format!("glossary: {e}"))?;
        let mut entities = Vec::with_capacity(file.entities.len());
        for e in file.entities {
            let kind = match e.kind.as_str() {
                "mechanism" => EntityKind::Mechanism,
                "organization" => EntityKind::Organization,
                "country" => EntityKind::Country,
                "region" => EntityKind::Region,
                other => return Err(format!("{}: unknown kind {other:?}", e.id)),
            };
            let mut aliases: Vec<String> = Vec::new();
            for name in e.en.iter().chain(&e.es).chain(&e.acronyms).chain(&e.aliases) {
                if *name != e.id && !aliases.contains(name) {
                    aliases.push(name.clone());
                }
            }
            entities.push(Entity { id: e.id, kind, aliases, en: e.en, es: e.es, acronyms: e.acronyms });
        }
        Glossary::new(entities)
    }

    fn new(entities: Vec<Entity>) -> Result<Glossary, String> {
        let mut by_first: FxHashMap<String, Vec<Pattern>> = FxHashMap::default();
        let mut by_name = HashMap::new();
        for (i, e) in entities.iter().enumerate() {
            for name in std::iter::once(&e.id).chain(&e.aliases) {
                if let Some(prev) = by_name.insert(name_key(name), i) {
                    if prev != i {
                        return Err(format!("alias {name:?} names both {} and {}", entities[prev].id, e.id));
                    }
                }
                let ws: Vec<&str> = words(name).into_iter().filter(|w| w.span == 1).map(|w| w.text).collect();
                let Some(first) = ws.first() else { continue };
                let exact = is_acronym(name).then(|| ws.iter().map(|w| w.to_string()).collect());
                let folded: Vec<String> = ws.iter().map(|w| fold(w).into_owned()).collect();
                by_first.entry(fold(first).into_owned()).or_default().push(Pattern { entity: i, folded, exact });
            }
        }
        for patterns in by_first.values_mut() {
            patterns.sort_by_key(|p| std::cmp::Reverse(p.folded.len()));
        }
        let firsts = FoldedFilter::new(by_first.keys().map(String::as_str));
        Ok(Glossary { entities, by_first, firsts, by_name })
    }

    /// Every entity, in file order.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity a user-typed name denotes (`CSM`, `conferencia suramericana sobre migraciones`).
    /// Case- and accent-insensitive: a filter value is an explicit request, not running text.
    pub fn resolve(&self, name: &str) -> Option<&Entity> {
        self.by_name.get(&name_key(name)).map(|&i| &self.entities[i])
    }

    /// Canonical ids of the entities of `kind` that `text` mentions, in order of first mention.
    pub fn mentions(&self, text: &str, kind: EntityKind) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        self.scan(text, |e| {
            if e.kind == kind && !out.contains(&e.id) {
                out.push(e.id.clone());
            }
        });
        out
    }

    /// Calls `found` for each entity mention in `text`, longest alias first at each word.
    pub fn scan(&self, text: &str, mut found: impl FnMut(&Entity)) {
        self.walk(&words(text), |e, _, _, _| found(e));
    }

    /// The entity that `text` names as a whole ("Puebla Process", "CSM"), honouring the case of
    /// acronyms: "CAN" is the Andean Community, "can" is nothing.
    pub fn named_by(&self, text: &str) -> Option<&Entity> {
        let n = words(text).into_iter().filter(|w| w.span == 1).count();
        match self.mentions_in(text).as_slice() {
            [only] if only.words == n => Some(only.entity),
            _ => None,
        }
    }

    /// Entities `text` defines: a name followed by its acronym in parentheses, "Regional
    /// Conference on Migration (RCM)", "Conferencia Suramericana sobre Migraciones (CSM)".
    pub fn definitions(&self, text: &str) -> Vec<String> {
        if !text.contains('(') {
            return Vec::new();
        }
        definitions(text, &self.mentions_in(text))
    }

    /// Every mention in `text`, in order, longest alias first at each word.
    pub fn mentions_in(&self, text: &str) -> Vec<Mention<'_>> {
        self.mentions_among(&words(text))
    }

    /// Every mention among `words` (from [`words()`] of one text), for a caller that needs the
    /// words for more than this scan.
    pub fn mentions_among(&self, words: &[Word<'_>]) -> Vec<Mention<'_>> {
        let mut out = Vec::new();
        self.walk(words, |entity, from, to, words| out.push(Mention { entity, from, to, words }));
        out
    }

    /// The one scan behind the others: each mention with its byte range and word count. Words
    /// are folded into one reused buffer; only a word that can start an alias is compared on.
    fn walk<'g>(&'g self, words: &[Word<'_>], mut found: impl FnMut(&'g Entity, usize, usize, usize)) {
        // the parts of a compound are words, not the compound ("CA-4" gives "CA" and "4")
        let parts = |from: usize| (from..words.len()).filter(|&j| words[j].span == 1);
        let (mut buf, mut next) = (String::new(), String::new());
        let mut i = 0;
        while i < words.len() {
            let first = &words[i];
            if first.span > 1 || !self.firsts.may_contain(first.text) {
                i += 1;
                continue;
            }
            buf.clear();
            fold_into(first.text, &mut buf);
            // the first pattern (longest first) whose words all follow, with its last word's index
            let hit = self.by_first.get(buf.as_str()).and_then(|ps| {
                ps.iter().find_map(|p| {
                    let mut last = i;
                    let mut following = parts(i + 1);
                    for (k, f) in p.folded.iter().enumerate() {
                        if k > 0 {
                            last = following.next()?;
                            next.clear();
                            fold_into(words[last].text, &mut next);
                            if next != *f {
                                return None;
                            }
                        }
                        if p.exact
                            .as_ref()
                            .is_some_and(|exact| exact.get(k).map(String::as_str) != Some(words[last].text))
                        {
                            return None;
                        }
                    }
                    Some((p, last))
                })
            });
            match hit {
                Some((p, last)) => {
                    found(&self.entities[p.entity], first.from, words[last].to, p.folded.len());
                    i = last + 1;
                }
                None => i += 1,
            }
        }
    }
}

/// One mention of an entity in a text.
#[derive(Debug, Clone, Copy)]
pub struct Mention<'g> {
    /// The entity.
    pub entity: &'g Entity,
    /// Byte offset of its first word.
    pub from: usize,
    /// Byte offset one past its last word.
    pub to: usize,
    /// How many words the alias has.
    pub words: usize,
}

/// Entities defined in `text` given its mentions: a name immediately followed by an acronym of
/// the same entity in parentheses.
pub fn definitions(text: &str, mentions: &[Mention<'_>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for pair in mentions.windows(2) {
        let (name, acr) = (&pair[0], &pair[1]);
        let same = std::ptr::eq(name.entity, acr.entity);
        if same
            && name.words > acr.words
            && text[name.to..acr.from].trim() == "("
            && text[acr.to..].trim_start().starts_with(')')
            && !out.contains(&name.entity.id)
        {
            out.push(name.entity.id.clone());
        }
    }
    out
}

/// An alias written in capitals (no lowercase letter) is an acronym, matched case-sensitively.
fn is_acronym(name: &str) -> bool {
    name.chars().any(char::is_alphabetic) && !name.chars().any(char::is_lowercase)
}

fn name_key(name: &str) -> String {
    words(name).into_iter().filter(|w| w.span == 1).map(|w| fold(w.text).into_owned()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_glossary_loads_with_unique_aliases() {
        let g = &*GLOSSARY;
        assert!(g.entities().len() > 50);
        let mut ids: Vec<_> = g.entities().iter().map(|e| &e.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), g.entities().len(), "duplicate canonical ids");
        for e in g.entities() {
            assert!(!e.en.is_empty() || !e.acronyms.is_empty(), "{} has no English name or acronym", e.id);
        }
        let kinds = |k: EntityKind| g.entities().iter().filter(|e| e.kind == k).count();
        assert!(
            kinds(EntityKind::Mechanism) >= 20 && kinds(EntityKind::Country) >= 35,
            "mechanisms and the countries of the Americas"
        );
    }

    #[test]
    fn any_alias_resolves_to_the_canonical_id() {
        for name in [
            "CSM",
            "csm",
            "SACM",
            "Conferencia Suramericana sobre Migraciones",
            "south american conference on migration",
            "Lima Process",
        ] {
            assert_eq!(GLOSSARY.resolve(name).map(|e| e.id.as_str()), Some("SACM"), "{name}");
        }
        assert_eq!(GLOSSARY.resolve("Brasil").unwrap().id, "Brazil");
        assert_eq!(GLOSSARY.resolve("OIM").unwrap().id, "IOM");
        assert!(GLOSSARY.resolve("Atlantis").is_none());
    }

    #[test]
    fn mentions_match_acronyms_case_sensitively() {
        let text = "Decisions within the Andean Community (CAN) can help; we can meet.";
        assert_eq!(GLOSSARY.mentions(text, EntityKind::Mechanism), ["CAN"]);
        assert!(GLOSSARY.mentions("we can meet", EntityKind::Mechanism).is_empty());
    }

    #[test]
    fn a_query_names_an_entity_only_as_a_whole_and_with_acronym_case() {
        assert_eq!(GLOSSARY.named_by("Puebla Process").map(|e| e.id.as_str()), Some("RCM"));
        assert_eq!(
            GLOSSARY.named_by("conferencia suramericana sobre migraciones").map(|e| e.id.as_str()),
            Some("SACM")
        );
        assert_eq!(GLOSSARY.named_by("CAN").map(|e| e.id.as_str()), Some("CAN"));
        assert!(GLOSSARY.named_by("can").is_none());
        assert!(GLOSSARY.named_by("SACM partnerships").is_none());
    }

    #[test]
    fn definitions_are_a_name_then_its_acronym() {
        let text = "the South American Conference on Migration (SACM) and the CRM; la Conferencia Regional sobre Migración (CRM).";
        assert_eq!(GLOSSARY.definitions(text), ["SACM", "RCM"]);
        assert!(GLOSSARY.definitions("the SACM (South American Conference on Migration)").is_empty());
    }

    #[test]
    fn longest_alias_wins() {
        let text = "los Estados Unidos Mexicanos y los Estados Unidos de América";
        assert_eq!(GLOSSARY.mentions(text, EntityKind::Country), ["Mexico", "United States"]);
        assert_eq!(GLOSSARY.mentions("La CSM y el Proceso Puebla", EntityKind::Mechanism), ["SACM", "RCM"]);
    }
}
