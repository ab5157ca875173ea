//! Practice lines: "- Title | Country; Country" (also "/", "," and "and"/"y" as separators,
//! "| RCM" or "| South America" for a mechanism or region).

use crate::analyze::entities::{EntityKind, GLOSSARY};

/// One practice line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practice {
    /// The practice's title (left of the bar).
    pub title: String,
    /// The whole line without its bullet.
    pub line: String,
    /// Countries that shared it, canonical.
    pub countries: Vec<String>,
    /// Mechanisms that shared it, canonical.
    pub mechanisms: Vec<String>,
}

/// Parses a practice line, or `None` if the paragraph is not one.
pub fn parse(par: &str) -> Option<Practice> {
    let line = par.strip_prefix("- ").or_else(|| par.strip_prefix("• "))?.trim();
    let (title, who) = line.rsplit_once(" | ").or_else(|| line.rsplit_once('|'))?;
    let mut countries = Vec::new();
    let mut mechanisms = Vec::new();
    let normalized = who.replace(" and ", ";").replace(" y ", ";");
    for piece in normalized.split([';', '/', ',']).map(str::trim).filter(|p| !p.is_empty()) {
        let found: Vec<(String, EntityKind)> = match GLOSSARY.resolve(piece) {
            Some(e) => vec![(e.id.clone(), e.kind)],
            None => {
                let mut v = Vec::new();
                GLOSSARY.scan(piece, |e| v.push((e.id.clone(), e.kind)));
                v
            }
        };
        for (id, kind) in found {
            let list =
                if matches!(kind, EntityKind::Country | EntityKind::Region) { &mut countries } else { &mut mechanisms };
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }
    Some(Practice { title: title.trim().to_string(), line: line.to_string(), countries, mechanisms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_mechanisms_become_canonical() {
        let p =
            parse("- Central American Agreement on Free Mobility (CA-4) | Guatemala /El Salvador /Honduras /Nicaragua")
                .unwrap();
        assert_eq!(p.title, "Central American Agreement on Free Mobility (CA-4)");
        assert_eq!(p.countries, ["Guatemala", "El Salvador", "Honduras", "Nicaragua"]);
        let p = parse("- Regional cooperation against trafficking | USA").unwrap();
        assert_eq!(p.countries, ["United States"]);
        let p = parse("- Regional Instrument for Vulnerabilities | RCM/ RNCOM").unwrap();
        assert_eq!(p.mechanisms, ["RCM", "RNCOM"]);
        let p = parse("- Bilateral agreement for the search of minors | Colombia and Venezuela").unwrap();
        assert_eq!(p.countries, ["Colombia", "Venezuela"]);
    }

    #[test]
    fn other_lines_are_not_practices() {
        assert_eq!(parse("Plain paragraph | with a bar"), None);
        assert_eq!(parse("- A list item without a bar"), None);
    }
}
