//! Plain data shared by every stage: documents, their metadata and their sections.
//! No behaviour beyond naming and (de)serialization lives here.

use serde::{Deserialize, Serialize};

/// A language consulta analyzes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    En,
    /// Spanish.
    Es,
}

impl Lang {
    /// Every language, in the order fields and analyzers are declared.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The ISO 639-1 code, also the analyzer name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// Parses `en`/`es` (any case, or the English names).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "en" | "eng" | "english" | "inglés" | "ingles" => Some(Lang::En),
            "es" | "spa" | "spanish" | "español" | "espanol" => Some(Lang::Es),
            _ => None,
        }
    }
}

macro_rules! section_kinds {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// What a section is within its report family (the `kind` facet).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum SectionKind { $(#[doc = $doc] $variant,)* }

        impl SectionKind {
            /// Every kind, in the order DESIGN.md lists them.
            pub const ALL: &'static [SectionKind] = &[$(SectionKind::$variant,)*];

            /// The facet value (`thematic-focus`, `session`, …).
            pub fn name(self) -> &'static str {
                match self { $(SectionKind::$variant => $name,)* }
            }
        }
    };
}

section_kinds! {
    Intro => "intro", "A shared introduction or preamble.";
    ThematicFocus => "thematic-focus", "Survey part 1: evolution of programming and thematic focus.";
    Contribution => "contribution", "Survey part 2: contribution to migration governance.";
    Structures => "structures", "Survey part 3: salient structures.";
    Partnerships => "partnerships", "Survey part 4: partnership models.";
    AddedValue => "added-value", "Survey part 5: added value of membership.";
    Background => "background", "Background of a meeting or mechanism.";
    Objectives => "objectives", "Objectives of a meeting.";
    ExpectedResults => "expected-results", "Expected results of a meeting.";
    OpeningRemarks => "opening-remarks", "Opening remarks (one speaker or the whole block).";
    Session => "session", "A session of a meeting.";
    Practice => "practice", "One best practice, policy or tool shared in a session.";
    Roadmap => "roadmap", "A roadmap agreed at a meeting.";
    Conclusions => "conclusions", "Conclusions of a meeting.";
    Communique => "communique", "A joint communiqué or declaration.";
    Footnote => "footnote", "A footnote, kept as its own record.";
    Questions => "questions", "Questions put to a session.";
    Passage => "passage", "Paragraphs grouped under a heading, or under none.";
}

impl SectionKind {
    /// Parses a facet value such as `thematic-focus` (case-insensitive, `_` accepted for `-`).
    pub fn parse(s: &str) -> Option<SectionKind> {
        let wanted = s.trim().to_lowercase().replace('_', "-");
        SectionKind::ALL.iter().copied().find(|k| k.name() == wanted)
    }
}

/// Metadata of one source document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    /// File name relative to the corpus folder (`003_896af30beb401831.txt`), the `doc` facet.
    pub file: String,
    /// The document's title as it states it.
    pub title: String,
    /// Report family: `survey-summary`, `plenary-report`, `concept-paper`, `note`, `document`.
    pub doctype: String,
    /// Canonical ids of the mechanisms the document is about.
    pub mechanisms: Vec<String>,
    /// Year of the meeting or survey, where stated.
    pub year: Option<u32>,
    /// Place of the meeting, where stated.
    pub place: Option<String>,
    /// The document's main language.
    pub lang: Lang,
}

/// One searchable record: a section, a practice line or a footnote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Stable id: `<file stem>#<slug>`, e.g. `003_896af30beb401831#session-5`.
    pub id: String,
    /// What the section is.
    pub kind: SectionKind,
    /// The heading it carries in the document (or a short label for headless passages).
    pub heading: String,
    /// Session label (`intro`, `1` … `8`) for session records and what belongs to them.
    pub session: Option<String>,
    /// Canonical mechanism ids: the document's own plus those the section names.
    pub mechanisms: Vec<String>,
    /// Countries (and regions) the section names, by English short name.
    pub countries: Vec<String>,
    /// Every glossary entity the section names under any alias (mechanisms, organizations,
    /// countries), by canonical id: the `entity` field a query alias expands to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Entities the section defines: it spells out the name with the acronym, "South American
    /// Conference on Migration (SACM)". A query for the acronym ranks these first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub defines: Vec<String>,
    /// Language detected for this section.
    pub lang: Lang,
    /// The section's whole cleaned text, paragraphs separated by a blank line.
    pub text: String,
    /// For practices and footnotes: the id of the section they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For roadmaps: their parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<Roadmap>,
    /// For records of a paged source (PDF): the first and last page they span, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
}

/// A roadmap's parts, as its record lays them out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Roadmap {
    /// Its number in the report.
    pub number: u32,
    /// Theme or topic.
    pub theme: String,
    /// Subtopics, in order.
    pub subtopics: Vec<String>,
    /// The general objective.
    pub general_objective: String,
    /// Specific objectives, in order.
    pub specific_objectives: Vec<String>,
    /// Outcome objectives with their indicators.
    pub outcomes: Vec<Outcome>,
}

/// One outcome objective of a roadmap and the indicators that measure it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// The outcome objective (empty when the roadmap lists indicators only).
    pub objective: String,
    /// Its indicators.
    pub indicators: Vec<String>,
}

/// A document split into its sections, in document order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// What the document is.
    pub meta: DocMeta,
    /// Its records in document order.
    pub sections: Vec<Section>,
    /// Acronyms the document defines: (acronym, spelled-out name).
    pub acronyms: Vec<(String, String)>,
}

/// A dimension records are filtered and counted by. The first eight are the facets of every
/// search response ([`Dimension::FACETS`], in the order responses list them); `Entity` and
/// `Primary` are counted only by profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    /// Canonical ids of the mechanisms a record is about or names (`SACM`).
    Mechanism,
    /// The record's [`SectionKind`].
    Kind,
    /// Countries a record names, by English short name.
    Country,
    /// Session label (`intro`, `1` … `8`).
    Session,
    /// The record's language (`en`, `es`).
    Lang,
    /// Source file name relative to the corpus folder.
    Doc,
    /// Report family of the record's document.
    Doctype,
    /// Year of the record's document.
    Year,
    /// Every glossary entity a record names under any alias (for profiles).
    Entity,
    /// The mechanisms the record's document is about (for profiles).
    Primary,
}

impl Dimension {
    /// The dimensions of a search response's facets, in the order they are listed.
    pub const FACETS: [Dimension; 8] = [
        Dimension::Mechanism,
        Dimension::Kind,
        Dimension::Country,
        Dimension::Session,
        Dimension::Lang,
        Dimension::Doc,
        Dimension::Doctype,
        Dimension::Year,
    ];

    /// Every dimension: the facets, then those only profiles count.
    pub const ALL: [Dimension; 10] = [
        Dimension::Mechanism,
        Dimension::Kind,
        Dimension::Country,
        Dimension::Session,
        Dimension::Lang,
        Dimension::Doc,
        Dimension::Doctype,
        Dimension::Year,
        Dimension::Entity,
        Dimension::Primary,
    ];

    /// The name used in filters, facets and JSON (`mechanism`, `doctype`, …).
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Mechanism => "mechanism",
            Dimension::Kind => "kind",
            Dimension::Country => "country",
            Dimension::Session => "session",
            Dimension::Lang => "lang",
            Dimension::Doc => "doc",
            Dimension::Doctype => "doctype",
            Dimension::Year => "year",
            Dimension::Entity => "entity",
            Dimension::Primary => "primary",
        }
    }

    /// A facet dimension by the name a user types: its own name, a plural or a synonym
    /// (`mechanisms`, `countries`, `language`, `file`, `type`), any case. Every way in (CLI
    /// flags, `field:value` in a query, the HTTP APIs) resolves dimensions here. The
    /// profile-only dimensions are not for users to name.
    pub fn parse(name: &str) -> Option<Dimension> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "mechanism" | "mechanisms" | "mecanismo" => Dimension::Mechanism,
            "kind" | "kinds" => Dimension::Kind,
            "country" | "countries" | "pais" | "país" => Dimension::Country,
            "session" | "sessions" | "sesion" | "sesión" => Dimension::Session,
            "lang" | "language" | "idioma" => Dimension::Lang,
            "doc" | "docs" | "document" | "file" => Dimension::Doc,
            "doctype" | "type" => Dimension::Doctype,
            "year" | "years" | "año" => Dimension::Year,
            _ => return None,
        })
    }

    /// Whether the dimension is listed in search responses.
    pub fn is_facet(self) -> bool {
        !matches!(self, Dimension::Entity | Dimension::Primary)
    }
}

impl std::fmt::Display for Dimension {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One record as it is stored in the index and returned by searches, `show` and the HTTP APIs:
/// a section with the fields of its document that every answer shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Record id, for `consulta show`: `<file stem>#<slug>`.
    pub id: String,
    /// Source file name relative to the corpus folder.
    pub doc: String,
    /// Document title.
    pub title: String,
    /// Section heading.
    pub heading: String,
    /// Section kind.
    pub kind: SectionKind,
    /// Session label, if any.
    pub session: Option<String>,
    /// Canonical mechanism ids.
    pub mechanisms: Vec<String>,
    /// Countries named.
    pub countries: Vec<String>,
    /// Language of the record.
    pub lang: Lang,
    /// Document year.
    pub year: Option<u32>,
    /// Report family of the document.
    pub doctype: String,
    /// The record's whole cleaned text.
    pub text: String,
    /// For practices and footnotes: the id of the section they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// For roadmaps: theme, subtopics, objectives, outcomes and indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roadmap: Option<Roadmap>,
    /// For records of a paged source (PDF): the first and last page they span, 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<[u32; 2]>,
    /// The id of its twin, the same record in the document's translation (linked at commit,
    /// across documents, so filled in when the record is read from the index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twin: Option<String>,
}

impl Record {
    /// The record of `section` of the document described by `meta` (the section's text is
    /// moved, not copied).
    pub fn new(meta: &DocMeta, section: Section) -> Record {
        Record {
            id: section.id,
            doc: meta.file.clone(),
            title: meta.title.clone(),
            heading: section.heading,
            kind: section.kind,
            session: section.session,
            mechanisms: section.mechanisms,
            countries: section.countries,
            lang: section.lang,
            year: meta.year,
            doctype: meta.doctype.clone(),
            text: section.text,
            parent: section.parent,
            roadmap: section.roadmap,
            pages: section.pages,
            twin: None,
        }
    }
}
