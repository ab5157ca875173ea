//! Filter conditions beyond "AND across dimensions, OR within one": any boolean tree of facet
//! tests (`mechanism = SACM OR (kind = session AND NOT lang = es)`, a range of years), for the
//! HTTP APIs whose clients send such filters (Meilisearch's filter expressions). Values resolve
//! like every other filter: any alias of a mechanism or country (`mechanism = CSM` is SACM).

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::model::Dimension;

/// A boolean filter over facet values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    /// The record has this value (any alias) in this dimension.
    Is(Dimension, String),
    /// The record's year is within these bounds (inclusive; either may be open).
    Years(Option<u32>, Option<u32>),
    /// The record has some value in this dimension.
    Exists(Dimension),
    /// The condition does not hold.
    Not(Box<Condition>),
    /// Every condition holds (true when empty).
    And(Vec<Condition>),
    /// Some condition holds (false when empty).
    Or(Vec<Condition>),
}

/// Years a range of [`Condition::Years`] is taken to span at most: documents state years in
/// four digits, and a range is matched as the set of its years.
pub const YEARS: std::ops::RangeInclusive<u32> = 1900..=2100;

impl Condition {
    /// The same condition with every value resolved to its facet value (aliases, kind and
    /// language names), ranges clamped to [`YEARS`]; an unknown kind or language is a usage
    /// error, as for every filter.
    pub fn resolve(&self) -> Result<Condition> {
        Ok(match self {
            Condition::Is(dim, value) => Condition::Is(*dim, super::facets::resolve(*dim, value)?),
            Condition::Years(lo, hi) => Condition::Years(
                Some(lo.unwrap_or(*YEARS.start()).max(*YEARS.start())),
                Some(hi.unwrap_or(*YEARS.end()).min(*YEARS.end())),
            ),
            Condition::Exists(dim) => Condition::Exists(*dim),
            Condition::Not(c) => Condition::Not(Box::new(c.resolve()?)),
            Condition::And(cs) => Condition::And(cs.iter().map(Condition::resolve).collect::<Result<_>>()?),
            Condition::Or(cs) => Condition::Or(cs.iter().map(Condition::resolve).collect::<Result<_>>()?),
        })
    }

    /// Whether a record with these facet values passes (the reference semantics, used by the
    /// tests of the index query built from a condition).
    pub fn holds(&self, values: &dyn Fn(Dimension) -> Vec<String>) -> bool {
        match self {
            Condition::Is(dim, v) => values(*dim).iter().any(|x| x == v),
            Condition::Years(lo, hi) => values(Dimension::Year)
                .iter()
                .filter_map(|y| y.parse::<u32>().ok())
                .any(|y| lo.is_none_or(|lo| y >= lo) && hi.is_none_or(|hi| y <= hi)),
            Condition::Exists(dim) => !values(*dim).is_empty(),
            Condition::Not(c) => !c.holds(values),
            Condition::And(cs) => cs.iter().all(|c| c.holds(values)),
            Condition::Or(cs) => cs.iter().any(|c| c.holds(values)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_resolve_through_aliases_and_ranges_clamp() {
        let c = Condition::Or(vec![
            Condition::Is(Dimension::Mechanism, "CSM".into()),
            Condition::Not(Box::new(Condition::Is(Dimension::Kind, "Session".into()))),
            Condition::Years(None, Some(3000)),
        ]);
        assert_eq!(
            c.resolve().unwrap(),
            Condition::Or(vec![
                Condition::Is(Dimension::Mechanism, "SACM".into()),
                Condition::Not(Box::new(Condition::Is(Dimension::Kind, "session".into()))),
                Condition::Years(Some(1900), Some(2100)),
            ])
        );
        assert!(Condition::Is(Dimension::Kind, "nonsense".into()).resolve().unwrap_err().is_usage());
    }

    #[test]
    fn holds_is_boolean_logic_over_values() {
        let values = |d: Dimension| match d {
            Dimension::Mechanism => vec!["RCM".to_string(), "SACM".to_string()],
            Dimension::Year => vec!["2024".to_string()],
            _ => vec![],
        };
        let sacm = Condition::Is(Dimension::Mechanism, "SACM".into());
        assert!(sacm.holds(&values));
        assert!(!Condition::Not(Box::new(sacm.clone())).holds(&values));
        assert!(Condition::And(vec![sacm.clone(), Condition::Years(Some(2020), None)]).holds(&values));
        assert!(!Condition::Years(Some(2025), None).holds(&values));
        assert!(!Condition::Exists(Dimension::Session).holds(&values));
        assert!(!Condition::Or(vec![]).holds(&values) && Condition::And(vec![]).holds(&values));
    }
}
