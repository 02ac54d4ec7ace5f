//! What one purge removed (or, in a dry run, would remove): records and values per partner,
//! reason and category, persons left with no record, and what legal holds kept back. Counts and
//! names only, never a value.

use std::collections::BTreeMap;

use serde::Serialize;

use super::retention::PurgeReason;

/// One partner's share of a purge, for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerPurge {
    pub partner: String,
    pub reason: PurgeReason,
    pub records: u64,
    /// Values removed per category.
    pub categories: BTreeMap<String, u64>,
}

/// Records a legal hold kept, per partner and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldBack {
    pub partner: String,
    pub reason: PurgeReason,
    pub records: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub at: String,
    /// `false` for a dry run: nothing was removed.
    pub applied: bool,
    pub records: u64,
    pub values: u64,
    /// Persons left with no record (removed with their last record).
    pub persons_removed: u64,
    pub partners: Vec<PartnerPurge>,
    pub held_back: Vec<HeldBack>,
}

impl PurgeReport {
    pub fn is_empty(&self) -> bool {
        self.records == 0
    }
}

/// Counts a purge as it is planned.
#[derive(Debug, Default)]
pub struct PurgeTally {
    purged: BTreeMap<(String, PurgeReason), (u64, BTreeMap<String, u64>)>,
    held: BTreeMap<(String, PurgeReason), u64>,
}

impl PurgeTally {
    /// A record of `partner` to purge, with its values' categories.
    pub fn purge<'a>(&mut self, partner: &str, reason: PurgeReason, categories: impl IntoIterator<Item = &'a str>) {
        let entry = self.purged.entry((partner.to_string(), reason)).or_default();
        entry.0 += 1;
        for c in categories {
            *entry.1.entry(c.to_string()).or_default() += 1;
        }
    }

    /// A record a legal hold keeps.
    pub fn held_back(&mut self, partner: &str, reason: PurgeReason) {
        *self.held.entry((partner.to_string(), reason)).or_default() += 1;
    }

    pub fn finish(self, at: String, applied: bool, persons_removed: u64) -> PurgeReport {
        let partners: Vec<PartnerPurge> = self
            .purged
            .into_iter()
            .map(|((partner, reason), (records, categories))| PartnerPurge { partner, reason, records, categories })
            .collect();
        PurgeReport {
            at,
            applied,
            records: partners.iter().map(|p| p.records).sum(),
            values: partners.iter().flat_map(|p| p.categories.values()).sum(),
            persons_removed,
            partners,
            held_back: self
                .held
                .into_iter()
                .map(|((partner, reason), records)| HeldBack { partner, reason, records })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_counts_records_and_values_per_partner_reason_and_category() {
        let mut tally = PurgeTally::default();
        tally.purge("comp-co", PurgeReason::RetentionExpired, ["user.name", "user.contact.email"]);
        tally.purge("comp-co", PurgeReason::RetentionExpired, ["user.name"]);
        tally.purge("offers", PurgeReason::WithdrawalHoldEnded, ["user.name"]);
        tally.held_back("offers", PurgeReason::WithdrawalHoldEnded);
        let report = tally.finish("2026-01-01T00:00:00Z".into(), true, 2);
        assert_eq!((report.records, report.values, report.persons_removed), (3, 4, 2));
        assert_eq!(report.partners[0].partner, "comp-co");
        assert_eq!(report.partners[0].categories["user.name"], 2);
        assert_eq!(report.partners[0].categories["user.contact.email"], 1);
        assert_eq!(report.partners[1].reason, PurgeReason::WithdrawalHoldEnded);
        assert_eq!(
            report.held_back,
            vec![HeldBack { partner: "offers".into(), reason: PurgeReason::WithdrawalHoldEnded, records: 1 }]
        );
        assert!(!report.is_empty());
    }
}
