//! What an incident exposed.
//!
//! - `partner-batch:ID`: a partner's file (e.g. sent to the wrong place, or the upload leaked):
//!   the values of that batch's records still held, and the clients that received any of them.
//! - `client-extracts:CLIENT`: everything released to one client (its copies were compromised):
//!   the disclosure ledger's values for that client.
//! - `window:FROM..TO`: every value released to any client in that time (e.g. a stolen client
//!   key or a faulty release path), from the ledger.

use jiff::Timestamp;
use serde::Serialize;

use super::BreachError;
use crate::taxonomy::Category;

/// What was exposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exposure {
    PartnerBatch { batch_id: String },
    ClientExtracts { client: String },
    Window { from: Timestamp, to: Timestamp },
}

impl Exposure {
    pub fn parse(text: &str) -> Result<Exposure, BreachError> {
        let bad = || BreachError::BadExposure { given: text.to_string() };
        let (kind, rest) = text.trim().split_once(':').ok_or_else(bad)?;
        let rest = rest.trim();
        if rest.is_empty() {
            return Err(bad());
        }
        match kind.trim() {
            "partner-batch" => Ok(Exposure::PartnerBatch { batch_id: rest.to_string() }),
            "client-extracts" => Ok(Exposure::ClientExtracts { client: rest.to_string() }),
            "window" => {
                let window =
                    |problem: &str| BreachError::BadWindow { given: rest.to_string(), problem: problem.into() };
                let (from, to) = rest.split_once("..").ok_or_else(|| window("expected FROM..TO"))?;
                let from: Timestamp = from.trim().parse().map_err(|_| window("FROM is not an RFC 3339 time"))?;
                let to: Timestamp = to.trim().parse().map_err(|_| window("TO is not an RFC 3339 time"))?;
                if from >= to {
                    return Err(window("FROM must be before TO"));
                }
                Ok(Exposure::Window { from, to })
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Exposure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exposure::PartnerBatch { batch_id } => write!(f, "partner-batch:{batch_id}"),
            Exposure::ClientExtracts { client } => write!(f, "client-extracts:{client}"),
            Exposure::Window { from, to } => write!(f, "window:{from}..{to}"),
        }
    }
}

/// Parses `a,b,c` into categories; empty means every category.
pub fn parse_categories(list: &str) -> Result<Vec<Category>, BreachError> {
    list.split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| Category::parse(c).ok_or_else(|| BreachError::UnknownCategory { given: c.to_string() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::categories;

    #[test]
    fn each_kind_of_exposure_parses_and_prints_back_the_same() {
        for text in [
            "partner-batch:0190-abc",
            "client-extracts:acme-collections",
            "window:2026-11-01T00:00:00Z..2026-11-02T00:00:00Z",
        ] {
            assert_eq!(Exposure::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn a_malformed_exposure_says_what_is_expected() {
        for text in ["batch:1", "partner-batch:", "nothing", "client-extracts:  "] {
            let err = Exposure::parse(text).unwrap_err();
            assert!(matches!(err, BreachError::BadExposure { .. }), "{text}: {err:?}");
            assert!(err.to_string().contains("partner-batch:BATCH_ID"));
        }
    }

    #[test]
    fn a_window_must_be_two_times_in_order() {
        let reversed = Exposure::parse("window:2026-11-02T00:00:00Z..2026-11-01T00:00:00Z").unwrap_err();
        assert!(reversed.to_string().contains("FROM must be before TO"), "{reversed}");
        let garbled = Exposure::parse("window:yesterday..today").unwrap_err();
        assert!(garbled.to_string().contains("RFC 3339"), "{garbled}");
        assert!(Exposure::parse("window:2026-11-01T00:00:00Z").is_err());
    }

    #[test]
    fn categories_parse_from_a_comma_list_and_unknown_ones_are_named() {
        assert_eq!(
            parse_categories("user.contact.email, user.name").unwrap(),
            vec![categories::EMAIL, categories::NAME]
        );
        assert_eq!(parse_categories("").unwrap(), vec![]);
        assert_eq!(
            parse_categories("user.contact.email,shoe_size"),
            Err(BreachError::UnknownCategory { given: "shoe_size".into() })
        );
    }
}
