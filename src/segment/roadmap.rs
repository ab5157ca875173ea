//! Roadmap records: "Roadmap 2" / "Hoja de ruta 2" sections read into their parts — theme,
//! subtopics, general objective, specific objectives, outcome objectives and their indicators.

use crate::analyze::fold;
use crate::model::{Outcome, Roadmap};

/// The labels a roadmap's lines start with (folded, without the colon).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Theme,
    Subtopics,
    General,
    Specific,
    Outcome,
    Indicators,
}

const LABELS: &[(&str, Label)] = &[
    ("theme", Label::Theme),
    ("topic", Label::Theme),
    ("tema", Label::Theme),
    ("subtopics", Label::Subtopics),
    ("subtemas", Label::Subtopics),
    ("general objective", Label::General),
    ("objetivo general", Label::General),
    ("specific objectives", Label::Specific),
    ("objetivos especificos", Label::Specific),
    ("outcome objective", Label::Outcome),
    ("objetivo de resultado", Label::Outcome),
    ("resultado esperado", Label::Outcome),
    ("indicators", Label::Indicators),
    ("indicadores", Label::Indicators),
];

/// Reads a roadmap section's paragraphs (one line each) into its parts.
pub fn parse(number: u32, paragraphs: &[&str]) -> Roadmap {
    let mut r = Roadmap { number, ..Roadmap::default() };
    let mut current: Option<Label> = None;
    for &line in paragraphs {
        let (label, rest) = match label_of(line) {
            Some((label, rest)) => (Some(label), rest),
            None => (None, line),
        };
        if let Some(label) = label {
            current = Some(label);
            if label == Label::Outcome {
                r.outcomes.push(Outcome::default());
            }
        }
        let item = strip_number(rest);
        if item.is_empty() {
            continue;
        }
        match current {
            Some(Label::Theme) => append(&mut r.theme, item),
            Some(Label::Subtopics) => r.subtopics.push(item.to_string()),
            Some(Label::General) => append(&mut r.general_objective, item),
            Some(Label::Specific) => r.specific_objectives.push(item.to_string()),
            Some(Label::Outcome) => {
                let o = r.outcomes.last_mut().expect("pushed with its label");
                append(&mut o.objective, item);
            }
            Some(Label::Indicators) => {
                if r.outcomes.is_empty() {
                    r.outcomes.push(Outcome::default());
                }
                r.outcomes.last_mut().expect("non-empty").indicators.push(item.to_string());
            }
            None => {}
        }
    }
    r
}

fn append(field: &mut String, text: &str) {
    if !field.is_empty() {
        field.push(' ');
    }
    field.push_str(text);
}

/// "General Objective: text" → (General, "text"); "Outcome Objective 2:" → (Outcome, "").
fn label_of(line: &str) -> Option<(Label, &str)> {
    let head = line.split(':').next()?;
    if head.len() == line.len() && head.split_whitespace().count() > 2 {
        return None;
    }
    let folded = fold(head);
    let folded = folded.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    let label = LABELS.iter().find(|(name, _)| folded == *name).map(|&(_, l)| l)?;
    Some((label, line[head.len()..].trim_start_matches(':').trim()))
}

/// "1. text" → "text"; "- text" → "text".
fn strip_number(line: &str) -> &str {
    let t = line.trim().trim_start_matches(['-', '•']).trim_start();
    match t.split_once(". ") {
        Some((n, rest)) if !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()) => rest.trim(),
        _ => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_roadmap_parts() {
        let lines = [
            "Theme: Human Rights at International Borders",
            "Subtopics:",
            "1. Trafficking and smuggling of migrants",
            "2. Combating xenophobia",
            "General Objective:",
            "Strengthen the capacity of border officials.",
            "Specific Objectives:",
            "1. Carry out training.",
            "Outcome Objective 1:",
            "Skills of border officials are strengthened.",
            "Indicators",
            "1. Number of officials trained.",
            "2. Knowledge product.",
        ];
        let r = parse(1, &lines);
        assert_eq!(r.theme, "Human Rights at International Borders");
        assert_eq!(r.subtopics, ["Trafficking and smuggling of migrants", "Combating xenophobia"]);
        assert_eq!(r.general_objective, "Strengthen the capacity of border officials.");
        assert_eq!(r.specific_objectives, ["Carry out training."]);
        assert_eq!(r.outcomes.len(), 1);
        assert_eq!(r.outcomes[0].indicators, ["Number of officials trained.", "Knowledge product."]);
    }

    #[test]
    fn spanish_inline_labels() {
        let r = parse(
            2,
            &[
                "Tema: Niñez migrante",
                "Objetivo general: Conocer las experiencias.",
                "Indicadores:",
                "1. Número de buenas prácticas.",
            ],
        );
        assert_eq!(r.theme, "Niñez migrante");
        assert_eq!(r.general_objective, "Conocer las experiencias.");
        assert_eq!(r.outcomes[0].indicators, ["Número de buenas prácticas."]);
    }
}
