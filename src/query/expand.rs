//! Query expansion: a parsed query → a [`Plan`] of weighted alternatives per unit, with no
//! tantivy type. [`super::build`] turns a plan into the tantivy query.
//!
//! Each unit of the query (a word, a quoted phrase, or consecutive words that name an entity,
//! such as "Puebla Process") matches what was typed in both languages' analyses. Unless
//! expansion is off, it also matches, at a lower weight: the entity it names (the `entity`
//! field holds every section's entities under any alias), the other terms of a thesaurus
//! concept it names (in either language), the name of an acronym a corpus document defines,
//! and, for a word of 5+ letters that the index does not know, the known words one or two
//! edits away.

use serde::{Deserialize, Serialize};

use super::parse::{Clause, ParsedQuery};
use crate::analyze::entities::{Entity, GLOSSARY};
use crate::analyze::{fold, thesaurus, Analyzer, Token};
use crate::model::Lang;

/// Weight of a thesaurus expansion relative to the words the user typed.
pub const CONCEPT_WEIGHT: f32 = 0.3;
/// Weight of a match on the entity a name denotes (any of its aliases in the record), and of
/// the spelled-out name of an acronym a corpus document defines.
pub const ENTITY_WEIGHT: f32 = 0.8;
/// Weight of a record that defines the entity a query names ("… on Migration (SACM)").
pub const DEFINES_WEIGHT: f32 = 2.0;
/// Weight of a cognate in the other language (*coalición* for *coalition*): no more than a
/// curated concept, since a correspondence of suffixes is a guess.
pub const COGNATE_WEIGHT: f32 = 0.3;
/// Weight of a translation from the word lexicon (*frontera* for *border*): a curated pair, but
/// of one word, which may mean something else in the name at hand.
pub const TRANSLATION_WEIGHT: f32 = 0.25;
/// Weight of a term mined from twin documents (see `query::mined`): an estimate from a few
/// pairs, below the curated lexicon.
pub const MINED_WEIGHT: f32 = 0.2;
/// Weight of a typo-tolerant match (the most frequent candidate; the others weigh less).
pub const TYPO_WEIGHT: f32 = 0.5;
/// Longest entity name looked for among consecutive query words.
const MAX_NAME_WORDS: usize = 10;
/// At most this many known words stand in for one mistyped word.
const TYPO_CANDIDATES: usize = 3;

/// One expansion that fired, for `--json` and for explaining results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expansion {
    /// What the user typed.
    pub from: String,
    /// How it was expanded.
    pub kind: ExpansionKind,
    /// What it was expanded to.
    pub to: Vec<String>,
}

/// How a query word was expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpansionKind {
    /// It names a glossary entity: every record naming it under any alias matches.
    Entity,
    /// It names a thesaurus concept: the concept's other terms, in both languages, match.
    Concept,
    /// An acronym a corpus document defines: its spelled-out name matches.
    Acronym,
    /// No index knows it: the known words closest to it match.
    Typo,
    /// A word of the same Latin family in the other language, that the index knows.
    Cognate,
    /// The word's translation in the word lexicon, that the index knows.
    Translation,
    /// A term that goes with the word in the translations of the records holding it.
    Mined,
}

impl ExpansionKind {
    /// The name shown in text output and JSON.
    pub fn name(self) -> &'static str {
        match self {
            ExpansionKind::Entity => "entity",
            ExpansionKind::Concept => "concept",
            ExpansionKind::Acronym => "acronym",
            ExpansionKind::Typo => "typo",
            ExpansionKind::Cognate => "cognate",
            ExpansionKind::Translation => "translation",
            ExpansionKind::Mined => "mined",
        }
    }
}

impl std::fmt::Display for ExpansionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What expansion needs to know about the words of the index.
pub trait Vocabulary {
    /// Whether some record holds `term` in `lang`'s body or heading.
    fn has(&self, lang: Lang, term: &str) -> bool;

    /// The terms of `lang`'s body at most `distance` edits from `term` (a transposition is one
    /// edit) that start with its first letter, with the number of records holding each.
    fn near(&self, lang: Lang, term: &str, distance: u8) -> Vec<(String, u64)>;

    /// The terms of the other language that go with `term` of `lang` in twin documents (see
    /// `query::mined`); none by default.
    fn mined(&self, _lang: Lang, _term: &str) -> Vec<String> {
        Vec::new()
    }
}

/// Acronyms the corpus defines beyond the glossary: acronym → spelled-out names.
pub type Mined = std::collections::HashMap<String, Vec<String>>;

/// Analyzed terms of one language with their positions: one word, or a phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    /// The language whose analyzer made them (and whose fields they are searched in).
    pub lang: Lang,
    /// (position, term).
    pub terms: Vec<(usize, String)>,
}

impl Terms {
    fn of(text: &str, lang: Lang) -> Terms {
        Terms { lang, terms: clause_terms(text, lang).into_iter().map(|t| (t.position, t.text)).collect() }
    }
}

/// One way a unit can match, and its weight relative to what was typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Alternative {
    /// What was typed, in each language where it analyzes to something: body and heading.
    Typed(Vec<Terms>),
    /// A concept typed in several words: each of them, anywhere in body or heading.
    AllWords(Terms),
    /// The entity the unit names (canonical id), and the records that define it.
    Entity(String),
    /// Another term of a concept the unit names, in body and heading.
    Concept(Terms),
    /// The spelled-out name of an acronym a corpus document defines, in the body.
    Acronym(Terms),
    /// A known word close to a mistyped one, in the body, at its own weight.
    Typo(Terms, f32),
    /// A cognate in the other language, in body and heading.
    Cognate(Terms),
    /// A translation from the word lexicon, in body and heading.
    Translation(Terms),
    /// A term mined from twin documents, in body and heading.
    Mined(Terms),
}

impl Alternative {
    /// The weight of a match, relative to the words typed (1.0).
    pub fn weight(&self) -> f32 {
        match self {
            Alternative::Typed(_) | Alternative::AllWords(_) => 1.0,
            Alternative::Entity(_) | Alternative::Acronym(_) => ENTITY_WEIGHT,
            Alternative::Concept(_) => CONCEPT_WEIGHT,
            Alternative::Cognate(_) => COGNATE_WEIGHT,
            Alternative::Translation(_) => TRANSLATION_WEIGHT,
            Alternative::Mined(_) => MINED_WEIGHT,
            Alternative::Typo(_, w) => *w,
        }
    }
}

/// A query expanded: what each unit matches, what only adds to the score, what fired.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Per unit that matches anything, its alternatives.
    pub units: Vec<Vec<Alternative>>,
    /// What the user typed for each unit of [`Plan::units`].
    pub unit_texts: Vec<String>,
    /// Whether each unit of [`Plan::units`] is a generic word ("matter", "help", "significa"):
    /// it matches and scores, but is the first that graded matching lets go.
    pub generic: Vec<bool>,
    /// Concept terms named by several units together ("trata de personas"), which match as a
    /// whole instead of the units.
    pub whole: Vec<Alternative>,
    /// Concept terms that hold every typed word: they add no match where the typed words match
    /// anywhere in a record, only score (see `Built::boosts`).
    pub boosts: Vec<Alternative>,
    /// The typed words of each language, for the proximity boost (empty when the query has a
    /// phrase or a single word).
    pub proximity: Vec<Terms>,
    /// The excluded clauses, as typed.
    pub exclude: Vec<Alternative>,
    /// Expansions, in query order.
    pub expansions: Vec<Expansion>,
    /// The query asks for sessions about its words ("session on trafficking").
    pub about_sessions: bool,
}

/// The analyzed terms of a text in one language, compounds kept whole ("CA-4" not "ca", "4").
pub fn clause_terms(text: &str, lang: Lang) -> Vec<Token> {
    Analyzer::for_lang(lang).analyze_whole(text)
}

/// Whether the query has words that search text (not only filters or exclusions).
pub fn has_text(q: &ParsedQuery) -> bool {
    q.include.iter().any(|c| Lang::ALL.iter().any(|&l| !clause_terms(c.text(), l).is_empty()))
}

/// Expands a parsed query (`expand` off: only what was typed).
pub fn expand(q: &ParsedQuery, expand: bool, vocabulary: &dyn Vocabulary, mined: &Mined) -> Plan {
    let mut ctx = Ctx { expand, vocabulary, mined, plan: Plan::default() };
    // a query of question words only ("how?") searches them
    let topic: Vec<Clause> = q.include.iter().filter(|c| !is_question(c)).cloned().collect();
    let include = if topic.is_empty() { &q.include } else { &topic };
    // "session on X", "sesión sobre X": the session word says which records are wanted, X what
    // they are about; X is searched, and the sessions found lead with their practices (see
    // `query::sessions`). "Session 5" alone stays words.
    let about: Vec<Clause> = include.iter().filter(|c| !is_session_word(c)).cloned().collect();
    let about_sessions =
        about.len() < include.len() && about.iter().any(|c| !is_function_word(c) && !is_question(c) && !is_number(c));
    let include = if about_sessions { &about } else { include };
    ctx.plan.about_sessions = about_sessions;
    let units = units(include, expand);
    for unit in &units {
        let alternatives = ctx.unit(unit);
        if !alternatives.is_empty() {
            ctx.plan.units.push(alternatives);
            ctx.plan.unit_texts.push(unit.text.clone());
            ctx.plan.generic.push(unit.single_word && is_generic_word(&unit.text));
        }
    }
    if expand && units.len() > 1 && !ctx.plan.units.is_empty() {
        let text = include.iter().map(Clause::text).collect::<Vec<_>>().join(" ");
        let whole = ctx.concepts(&text, &[], &[]);
        ctx.plan.whole = whole;
    }
    ctx.plan.proximity = proximity(include);
    ctx.plan.exclude = q.exclude.iter().filter_map(|c| typed(c.text())).collect();
    ctx.plan
}

/// A unit of the query: what the user typed as one thing.
struct Unit<'q> {
    text: String,
    single_word: bool,
    entity: Option<&'q Entity>,
    /// For a concept named by several typed words: those words, each of which must match
    /// (in any order) unless the concept's other terms match instead.
    words: Vec<String>,
}

/// Groups the positive clauses into units: runs of words that name an entity ("Proceso de
/// Puebla") or a thesaurus concept ("valor agregado") as a whole become one unit, searched as a
/// phrase and expanded as one; everything else stays as typed.
fn units(include: &[Clause], expand: bool) -> Vec<Unit<'static>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < include.len() {
        let mut found = None;
        if expand {
            for j in (i + 1..=include.len().min(i + MAX_NAME_WORDS)).rev() {
                if include[i..j].iter().any(|c| matches!(c, Clause::Phrase(_))) && j - i > 1 {
                    continue;
                }
                let text = include[i..j].iter().map(Clause::text).collect::<Vec<_>>().join(" ");
                let named = GLOSSARY
                    .named_by(&text)
                    .or_else(|| crate::analyze::spelling::american_text(&text).and_then(|us| GLOSSARY.named_by(&us)));
                if let Some(e) = named {
                    found = Some((j, text, Some(e)));
                    break;
                }
                let edge_is_function_word = [&include[i], &include[j - 1]].iter().any(|c| is_function_word(c));
                if j - i > 1 && !edge_is_function_word && !thesaurus::lookup(&text).is_empty() {
                    found = Some((j, text, None));
                    break;
                }
            }
        }
        match found {
            Some((j, text, entity)) => {
                let words = if entity.is_none() {
                    include[i..j].iter().map(|c| c.text().to_string()).collect()
                } else {
                    Vec::new()
                };
                out.push(Unit { text, single_word: false, entity, words });
                i = j;
            }
            None => {
                let c = &include[i];
                let single_word = matches!(c, Clause::Word(_));
                if !is_function_word(c) {
                    out.push(Unit { text: c.text().to_string(), single_word, entity: None, words: Vec::new() });
                }
                i += 1;
            }
        }
    }
    out
}

/// A word that is a stop word in either language ("of", "de"): a function word of the query,
/// not something every record must contain.
fn is_function_word(c: &Clause) -> bool {
    matches!(c, Clause::Word(_)) && Lang::ALL.iter().any(|&l| clause_terms(c.text(), l).is_empty())
}

/// A question or filler word typed as a word ("what", "did", "cómo", "cuáles"): left out of
/// the units, never required, never expanded.
fn is_question(c: &Clause) -> bool {
    matches!(c, Clause::Word(_)) && is_question_word(c.text())
}

/// Words people put around a question's topic, in English and Spanish (folded).
const QUESTION_WORDS: &[&str] = &[
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "did",
    "does",
    "do",
    "done",
    "can",
    "could",
    "should",
    "would",
    "shall",
    "may",
    "might",
    "must",
    "had",
    "tell",
    "me",
    "us",
    "we",
    "i",
    "you",
    "please",
    "show",
    "list",
    "find",
    "give",
    "any",
    "some",
    "there",
    "about",
    "regarding",
    "concerning",
    "kind",
    "kinds",
    "type",
    "types",
    "que",
    "cual",
    "cuales",
    "quien",
    "quienes",
    "como",
    "donde",
    "cuando",
    "cuanto",
    "cuanta",
    "cuantos",
    "cuantas",
    "hay",
    "es",
    "son",
    "fue",
    "fueron",
    "ha",
    "han",
    "hizo",
    "hicieron",
    "puede",
    "pueden",
    "dime",
    "muestra",
    "mostrar",
    "existe",
    "existen",
    "acerca",
    "respecto",
    "sobre",
    "tipo",
    "tipos",
];

/// Whether the one word `text` names `concept` rather than only sharing a stem with one of its
/// words: *nacional* and *nacionalidad* stem alike, but are not the same word. A word of the
/// concept that stems like the typed one must be spelled within three letters of it; text of
/// several words is taken as it matched.
fn same_word(text: &str, concept: &thesaurus::Concept) -> bool {
    let typed = fold(text.trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
    if typed.contains(char::is_whitespace) {
        return true;
    }
    concept.terms.iter().any(|term| {
        let [stem] = term.terms.as_slice() else { return false };
        let written = fold(&term.text).to_lowercase();
        clause_terms(&typed, term.lang).first().is_some_and(|t| &t.text == stem)
            && written.len().abs_diff(typed.len()) <= 3
    })
}

/// The word with the accent Spanish writes on a final "-ia"/"-ias" ("ciudadania" →
/// "ciudadanía"), when it has none.
fn accented(word: &str) -> Option<String> {
    let lower = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    if !lower.is_ascii() || lower.len() < 5 {
        return None;
    }
    [("ias", "ías"), ("ia", "ía")]
        .iter()
        .find_map(|(plain, accent)| lower.strip_suffix(plain).map(|s| format!("{s}{accent}")))
}

/// A single Spanish word with the ending of a conjugated verb ("integran", "participaron",
/// "compartimos"), which Snowball stems like the noun of the same family.
fn is_spanish_verb_form(text: &str) -> bool {
    const ENDINGS: &[&str] =
        &["an", "en", "aron", "ieron", "amos", "emos", "imos", "aban", "ian", "ara", "aran", "eran"];
    let word = fold(text.trim_matches(|c: char| !c.is_alphanumeric()));
    !word.contains(' ')
        && word.len() > 5
        && ENDINGS.iter().any(|e| word.ends_with(e))
        && !clause_terms(&word, Lang::Es).is_empty()
        && clause_terms(&word, Lang::En).first().is_some_and(|t| t.text == word.as_ref())
}

/// Verbs and nouns of general meaning that a question wraps around its topic ("why do
/// remittances *matter* for development?", "¿para qué *sirve* la CSM?"): rare in these reports,
/// so by their rarity alone graded matching would keep them and let the topic words go.
const GENERIC_WORDS: &[&str] = &[
    "matter",
    "matters",
    "mattered",
    "mean",
    "means",
    "meant",
    "happen",
    "happens",
    "happened",
    "help",
    "helps",
    "helped",
    "work",
    "works",
    "worked",
    "use",
    "uses",
    "used",
    "make",
    "makes",
    "made",
    "get",
    "gets",
    "got",
    "take",
    "takes",
    "took",
    "taken",
    "give",
    "gives",
    "gave",
    "given",
    "say",
    "says",
    "said",
    "talk",
    "talks",
    "talked",
    "mention",
    "mentions",
    "mentioned",
    "discuss",
    "discusses",
    "discussed",
    "role",
    "way",
    "ways",
    "thing",
    "things",
    "explain",
    "explained",
    "describe",
    "described",
    "look",
    "like",
    "know",
    "known",
    "need",
    "needs",
    "want",
    "wants",
    "go",
    "goes",
    "went",
    "come",
    "came",
    "importa",
    "importan",
    "significa",
    "significan",
    "sirve",
    "sirven",
    "ayuda",
    "ayudan",
    "ayudo",
    "hace",
    "hacen",
    "usa",
    "usan",
    "dijo",
    "dijeron",
    "dice",
    "dicen",
    "menciono",
    "mencionaron",
    "hablo",
    "hablaron",
    "explico",
    "explicaron",
    "manera",
    "forma",
    "cosa",
    "cosas",
    "papel",
    "funciona",
    "funcionan",
];

/// Whether a word typed is of general meaning (see [`GENERIC_WORDS`]).
fn is_generic_word(text: &str) -> bool {
    let word = fold(text.trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
    GENERIC_WORDS.contains(&word.as_str())
}

/// "session", "sesión" and their plurals, typed as a word.
fn is_session_word(c: &Clause) -> bool {
    let word = fold(c.text().trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
    matches!(c, Clause::Word(_)) && matches!(word.as_str(), "session" | "sessions" | "sesion" | "sesiones")
}

/// A word of digits or a Roman numeral ("5", "IV"): a session's number, not its topic.
fn is_number(c: &Clause) -> bool {
    let word = c.text().trim_matches(|c: char| !c.is_alphanumeric());
    !word.is_empty() && (word.chars().all(|c| c.is_ascii_digit()) || word.chars().all(|c| "IVXL".contains(c)))
}

fn is_question_word(text: &str) -> bool {
    let word = fold(text.trim_matches(|c: char| !c.is_alphanumeric()));
    QUESTION_WORDS.contains(&word.as_ref())
}

/// What was typed, in every language where it analyzes to something; `None` when it is only
/// stop words.
fn typed(text: &str) -> Option<Alternative> {
    let per_lang: Vec<Terms> =
        Lang::ALL.into_iter().map(|l| Terms::of(text, l)).filter(|t| !t.terms.is_empty()).collect();
    (!per_lang.is_empty()).then_some(Alternative::Typed(per_lang))
}

struct Ctx<'a> {
    expand: bool,
    vocabulary: &'a dyn Vocabulary,
    mined: &'a Mined,
    plan: Plan,
}

impl Ctx<'_> {
    /// The alternatives of one unit (none when it is only stop words).
    fn unit(&mut self, unit: &Unit<'_>) -> Vec<Alternative> {
        let mut alternatives = Vec::new();
        if !unit.words.is_empty() {
            // a concept typed in several words: all of them, anywhere, in one language
            alternatives.extend(
                Lang::ALL
                    .into_iter()
                    .map(|l| Terms::of(&unit.text, l))
                    .filter(|t| !t.terms.is_empty())
                    .map(Alternative::AllWords),
            );
        } else if let Some(typed) = typed(&unit.text) {
            alternatives.push(typed);
        }
        let typed: Vec<(Lang, Vec<String>)> = Lang::ALL
            .into_iter()
            .map(|lang| (lang, clause_terms(&unit.text, lang).into_iter().map(|t| t.text).collect()))
            .collect();
        if self.expand && unit.single_word {
            let typos = self.typos(&unit.text, &typed);
            // the word it most likely stands for brings that word's concept ("smugling" →
            // "smuggling" → "tráfico ilícito de migrantes"), as the word typed right would
            let likeliest = typos.iter().find_map(|a| match a {
                Alternative::Typo(t, w) if *w >= TYPO_WEIGHT => t.terms.first().map(|(_, term)| term.clone()),
                _ => None,
            });
            alternatives.extend(typos);
            if let Some(term) = likeliest {
                let before = self.plan.expansions.len();
                alternatives.extend(self.concepts(&term, &[], &[]));
                for e in &mut self.plan.expansions[before..] {
                    e.from = unit.text.clone();
                }
            }
        }
        if self.expand {
            if let Some(e) = unit.entity {
                alternatives.push(Alternative::Entity(e.id.clone()));
                let expansion =
                    Expansion { from: unit.text.clone(), kind: ExpansionKind::Entity, to: vec![e.id.clone()] };
                self.plan.expansions.push(expansion);
            }
            // a concept term holding every typed word adds no match where the typed words
            // match anywhere in the record: one typed term, or a concept typed in several words
            let anywhere: Vec<(Lang, Vec<String>)> = typed
                .iter()
                .filter(|(_, terms)| terms.len() == 1 || (!unit.words.is_empty() && !terms.is_empty()))
                .cloned()
                .collect();
            let before = self.plan.expansions.len();
            alternatives.extend(self.concepts(&unit.text, &typed, &anywhere));
            let named_concept = self.plan.expansions[before..].iter().any(|e| e.kind == ExpansionKind::Concept);
            alternatives.extend(self.mined_acronym(&unit.text));
            if unit.single_word && unit.entity.is_none() {
                // the curated concept comes first: a word that names one is not translated
                let translated = if named_concept { Vec::new() } else { self.translations(&unit.text) };
                let cognates = self.cognates(&unit.text);
                let same_terms = |c: &Alternative| {
                    translated
                        .iter()
                        .any(|t| matches!((c, t), (Alternative::Cognate(a), Alternative::Translation(b)) if a == b))
                };
                alternatives.extend(cognates.into_iter().filter(|c| !same_terms(c)));
                alternatives.extend(translated);
            }
        }
        alternatives
    }

    /// An acronym one of the corpus's documents defines ("OSUMI") also matches its name.
    fn mined_acronym(&mut self, text: &str) -> Vec<Alternative> {
        let Some(names) = self.mined.get(text.trim()) else { return Vec::new() };
        // the records of its documents that use it or spell it out name it as an entity
        let mut out = vec![Alternative::Entity(text.trim().to_string())];
        for name in names {
            out.extend(
                Lang::ALL
                    .into_iter()
                    .map(|l| Terms::of(name, l))
                    .filter(|t| !t.terms.is_empty())
                    .map(Alternative::Acronym),
            );
        }
        let expansion = Expansion { from: text.trim().to_string(), kind: ExpansionKind::Acronym, to: names.clone() };
        self.plan.expansions.push(expansion);
        out
    }

    /// Thesaurus expansions of `text`: every other term of the concepts it names, searched in
    /// its own language, weighted below the typed words. Terms equal to what was typed are left
    /// out (they are already searched). A term whose words include all those of `anywhere` in
    /// its language (typed words that match wherever they are in a record) only boosts.
    fn concepts(
        &mut self,
        text: &str,
        typed: &[(Lang, Vec<String>)],
        anywhere: &[(Lang, Vec<String>)],
    ) -> Vec<Alternative> {
        let mut out = Vec::new();
        if is_spanish_verb_form(text) {
            // "integran" (they make up) is not "integración": a conjugated verb shares its stem
            // with nouns that mean something else, so it names no concept
            return out;
        }
        let mut seen: Vec<(Lang, Vec<(usize, String)>)> = Vec::new();
        for concept in thesaurus::lookup(text).into_iter().filter(|c| same_word(text, c)) {
            let mut to = Vec::new();
            for term in &concept.terms {
                if typed.iter().any(|(l, t)| *l == term.lang && *t == term.terms) {
                    continue;
                }
                // positions from analysis, so a dropped stop word keeps its gap ("cost of sending")
                let terms = Terms::of(&term.text, term.lang);
                to.push(term.text.clone());
                let Some(&(base, _)) = terms.terms.first() else { continue };
                // terms that analyze alike ("de la migración", "de las migraciones") once
                let key = (term.lang, terms.terms.iter().map(|(p, t)| (p - base, t.clone())).collect());
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                let boost_only = anywhere.iter().any(|(lang, words)| {
                    *lang == term.lang && words.iter().all(|w| terms.terms.iter().any(|(_, t)| t == w))
                });
                if boost_only {
                    self.plan.boosts.push(Alternative::Concept(terms));
                } else {
                    out.push(Alternative::Concept(terms));
                }
            }
            if !to.is_empty() {
                self.plan.expansions.push(Expansion { from: text.to_string(), kind: ExpansionKind::Concept, to });
            }
        }
        out
    }

    /// The other language's words of the same family as `word` that the index knows, in that
    /// language only (see [`crate::analyze::cognates`]).
    fn cognates(&mut self, word: &str) -> Vec<Alternative> {
        let folded = fold(word.trim_matches(|c: char| !c.is_alphanumeric())).to_lowercase();
        let mut out = Vec::new();
        let mut to = Vec::new();
        for (from, into) in [(Lang::Es, Lang::En), (Lang::En, Lang::Es)] {
            for form in crate::analyze::cognates::of(&folded, from) {
                let terms = Terms::of(&form, into);
                let [(_, term)] = terms.terms.as_slice() else { continue };
                // only a word the other language's records use, and not the word itself
                if term != &folded && self.vocabulary.has(into, term) && !to.contains(&form) {
                    to.push(form);
                    out.push(Alternative::Cognate(terms));
                }
            }
        }
        if !to.is_empty() {
            self.plan.expansions.push(Expansion { from: word.to_string(), kind: ExpansionKind::Cognate, to });
        }
        out
    }

    /// The word's translations in the other language from the word lexicon
    /// ([`crate::analyze::lexicon`]) that the index knows; none for a conjugated Spanish verb,
    /// whose stem is a noun's ("integran" is not "integración").
    fn translations(&mut self, word: &str) -> Vec<Alternative> {
        if is_spanish_verb_form(word) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut to = Vec::new();
        // whether the lexicon has a line for the word, even one whose translations are the word
        // itself ("plan"): such a word is not mined
        let mut curated = false;
        for (from, into) in [(Lang::Es, Lang::En), (Lang::En, Lang::Es)] {
            let typed: Vec<String> = clause_terms(word, into).into_iter().map(|t| t.text).collect();
            let forms = crate::analyze::lexicon::translations(word, from);
            curated |= !forms.is_empty();
            for form in forms {
                let terms = Terms::of(form, into);
                let known = terms.terms.iter().all(|(_, t)| self.vocabulary.has(into, t));
                let same = terms.terms.iter().map(|(_, t)| t).eq(typed.iter());
                let alternative = Alternative::Translation(terms.clone());
                if !terms.terms.is_empty() && known && !same && !out.contains(&alternative) {
                    to.push(form.to_string());
                    out.push(alternative);
                }
            }
        }
        if !to.is_empty() {
            let to = std::mem::take(&mut to);
            self.plan.expansions.push(Expansion { from: word.to_string(), kind: ExpansionKind::Translation, to });
        }
        if curated {
            return out;
        }
        // a word the lexicon does not know: what the twin documents say it goes with
        for (from, into) in [(Lang::Es, Lang::En), (Lang::En, Lang::Es)] {
            let Ok([term]) = <[Token; 1]>::try_from(clause_terms(word, from)) else { continue };
            if !self.vocabulary.has(from, &term.text) {
                continue;
            }
            for mined in self.vocabulary.mined(from, &term.text) {
                let alternative = Alternative::Mined(Terms { lang: into, terms: vec![(0, mined.clone())] });
                if !out.contains(&alternative) && mined != term.text {
                    if !to.contains(&mined) {
                        to.push(mined.clone());
                    }
                    out.push(alternative);
                }
            }
        }
        if !to.is_empty() {
            self.plan.expansions.push(Expansion { from: word.to_string(), kind: ExpansionKind::Mined, to });
        }
        out
    }

    /// A word of 5+ letters (9+: two edits) that the index knows in no language is matched
    /// to the known words one (two) edits away from its analyzed term, most frequent first,
    /// each scored by BM25 like a typed word but weighted below any exact match.
    fn typos(&mut self, word: &str, typed: &[(Lang, Vec<String>)]) -> Vec<Alternative> {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        let distance = match letters {
            0..=4 => return Vec::new(),
            5..=8 => 1,
            _ => 2,
        };
        let mut single = Vec::new();
        for (lang, terms) in typed {
            let [term] = terms.as_slice() else { return Vec::new() };
            if self.vocabulary.has(*lang, term) {
                return Vec::new(); // a real word in some language: no typo
            }
            single.push((*lang, term));
        }
        let mut out = Vec::new();
        let mut to = Vec::new();
        // the word's own term in another language ("reserva" is "reserv" in Spanish, a term the
        // English records hold for "reserve") is no typo: it is the same word there
        let mut own: Vec<String> = single.iter().map(|(_, t)| (*t).clone()).collect();
        // and a Spanish word typed without its accent ("ciudadania") is the accented one the
        // index knows ("ciudadanía"), not a typo of it
        own.extend(accented(word).and_then(|w| clause_terms(&w, Lang::Es).into_iter().next()).map(|t| t.text));
        let mut cognates = Vec::new();
        for &(lang, term) in &single {
            for other in own.iter().filter(|t| *t != term) {
                if self.vocabulary.has(lang, other) {
                    cognates.push(Alternative::Cognate(Terms { lang, terms: vec![(0, (*other).clone())] }));
                }
            }
        }
        if !cognates.is_empty() {
            let to = cognates.iter().filter_map(|c| match c {
                Alternative::Cognate(t) => t.terms.first().map(|(_, s)| s.clone()),
                _ => None,
            });
            let expansion = Expansion { from: word.to_string(), kind: ExpansionKind::Cognate, to: to.collect() };
            self.plan.expansions.push(expansion);
            return cognates;
        }
        for (lang, term) in single {
            let mut near: Vec<(usize, u64, String)> = self
                .vocabulary
                .near(lang, term, distance)
                .into_iter()
                .map(|(t, df)| (strsim::osa_distance(term, &t), df, t))
                .filter(|n| n.0 <= usize::from(distance))
                .collect();
            // the closest tier only, the more frequent words weighing more: "remitances" is
            // far more likely "remittances" than "remote"
            let Some(best) = near.iter().map(|n| n.0).min() else { continue };
            near.retain(|n| n.0 == best);
            near.sort_by_key(|n| std::cmp::Reverse(n.1));
            let top_df = near.first().map_or(1, |n| n.1).max(1) as f32;
            for (_, df, t) in near.into_iter().take(TYPO_CANDIDATES) {
                let weight = TYPO_WEIGHT * (df as f32 / top_df).sqrt();
                out.push(Alternative::Typo(Terms { lang, terms: vec![(0, t.clone())] }, weight));
                to.push(t);
            }
        }
        if !to.is_empty() {
            self.plan.expansions.push(Expansion { from: word.to_string(), kind: ExpansionKind::Typo, to });
        }
        out
    }
}

/// The typed words of each language, when the query has several and no phrase: records that
/// keep them close score higher.
fn proximity(include: &[Clause]) -> Vec<Terms> {
    if include.len() < 2 || include.iter().any(|c| matches!(c, Clause::Phrase(_))) {
        return Vec::new();
    }
    let text = include.iter().map(Clause::text).collect::<Vec<_>>().join(" ");
    Lang::ALL.into_iter().map(|l| Terms::of(&text, l)).filter(|t| t.terms.len() >= 2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A vocabulary that knows `words` in every language.
    struct Knows(&'static [&'static str]);

    impl Vocabulary for Knows {
        fn has(&self, _: Lang, term: &str) -> bool {
            self.0.contains(&term)
        }

        fn near(&self, _: Lang, term: &str, distance: u8) -> Vec<(String, u64)> {
            let close = |w: &&&str| strsim::osa_distance(term, w) <= usize::from(distance);
            self.0.iter().filter(close).map(|w| (w.to_string(), 3)).collect()
        }
    }

    #[test]
    fn compounds_are_searched_whole() {
        let t: Vec<String> = clause_terms("CA-4", Lang::En).into_iter().map(|t| t.text).collect();
        assert_eq!(t, ["ca-4"]);
        let t: Vec<String> = clause_terms("trata de personas", Lang::Es).into_iter().map(|t| t.text).collect();
        assert_eq!(t, ["trat", "person"]);
    }

    #[test]
    fn consecutive_words_naming_an_entity_form_one_unit() {
        let q = super::super::parse::parse("Proceso de Puebla remesas CAN can");
        let u = units(&q.include, true);
        let got: Vec<(&str, Option<&str>)> =
            u.iter().map(|u| (u.text.as_str(), u.entity.map(|e| e.id.as_str()))).collect();
        assert_eq!(got, [("Proceso de Puebla", Some("RCM")), ("remesas", None), ("CAN", Some("CAN")), ("can", None)]);
        let q = super::super::parse::parse("remittances of Belize");
        let got: Vec<String> = units(&q.include, true).into_iter().map(|u| u.text).collect();
        assert_eq!(got, ["remittances", "Belize"], "function words are not required");
        let q = super::super::parse::parse("valor agregado de la membresía");
        let got: Vec<String> = units(&q.include, true).into_iter().map(|u| u.text).collect();
        assert_eq!(got, ["valor agregado", "membresía"]);
        assert!(units(&q.include, false).iter().all(|u| u.entity.is_none()));
    }

    #[test]
    fn a_plan_holds_entities_concepts_and_typos_at_their_weights() {
        let q = super::super::parse::parse("CSM remesas");
        let plan = expand(&q, true, &Knows(&["remesa", "csm"]), &Mined::new());
        let kinds: Vec<ExpansionKind> = plan.expansions.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [ExpansionKind::Entity, ExpansionKind::Concept]);
        assert!(plan.units[0].contains(&Alternative::Entity("SACM".into())));
        let concept_weights: Vec<f32> =
            plan.units[1].iter().filter(|a| matches!(a, Alternative::Concept(_))).map(Alternative::weight).collect();
        assert!(!concept_weights.is_empty() && concept_weights.iter().all(|&w| w == CONCEPT_WEIGHT));
        // a word no index knows stands for its closest known words, below what was typed
        let q = super::super::parse::parse("remitances");
        let plan = expand(&q, true, &Knows(&["remittanc"]), &Mined::new());
        assert_eq!(plan.expansions[0].kind, ExpansionKind::Typo);
        assert!(plan.units[0].iter().any(|a| matches!(a, Alternative::Typo(_, w) if *w == TYPO_WEIGHT)));
        // without expansion only what was typed is searched
        let plan = expand(&q, false, &Knows(&[]), &Mined::new());
        assert!(plan.expansions.is_empty() && plan.units.iter().flatten().all(|a| matches!(a, Alternative::Typed(_))));
    }
}
