//! The access report (UK GDPR Art. 15): everything held about a person, where it came from, what
//! it may be used for and on what basis, who received it, how long it is kept, and the person's
//! rights. Pure: the caller loads the facts; this arranges them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::profile::{Profile, ResponsePeriod};
use crate::taxonomy::{Category, categories};

/// One value held, with its source (loaded by the caller). Holds personal data.
#[derive(Clone, PartialEq, Eq)]
pub struct HeldFact {
    pub field: String,
    pub category: String,
    pub value: String,
    pub partner: String,
    pub channel: String,
    pub received_at: String,
    pub collected_on: Option<String>,
    pub retention_days: u32,
}

impl std::fmt::Debug for HeldFact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldFact({} from {}, <redacted>)", self.field, self.partner)
    }
}

/// One disclosure from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    pub client: String,
    pub purpose: String,
    pub category: String,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceSection {
    pub partner: String,
    pub channel: String,
    pub received_at: String,
    pub collected_on: Option<String>,
    /// How long this source's records are kept, in days from collection (from receipt when the
    /// partner gave no collection date): see `lifecycle::retention`.
    pub retention_days: u32,
    /// (field, value) pairs, in field order.
    pub values: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Use {
    pub category: String,
    pub purpose: String,
    pub basis: String,
    pub conditions: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    pub sources: Vec<SourceSection>,
    pub uses: Vec<Use>,
    pub recipients: Vec<Recipient>,
    pub rights: Vec<String>,
    pub response_period: String,
    pub complaints: String,
}

/// Arranges the facts into the report.
pub fn access_report(profile: &Profile, held: &[HeldFact], recipients: &[Recipient]) -> AccessReport {
    let mut by_source: BTreeMap<(String, String, String), SourceSection> = BTreeMap::new();
    for h in held {
        let key = (h.partner.clone(), h.received_at.clone(), h.collected_on.clone().unwrap_or_default());
        by_source
            .entry(key)
            .or_insert_with(|| SourceSection {
                partner: h.partner.clone(),
                channel: h.channel.clone(),
                received_at: h.received_at.clone(),
                collected_on: h.collected_on.clone(),
                retention_days: h.retention_days,
                values: Vec::new(),
            })
            .values
            .push((h.field.clone(), h.value.clone()));
    }
    let held_categories: Vec<Category> = held
        .iter()
        .filter_map(|h| Category::parse(&h.category))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut uses = Vec::new();
    for rule in &profile.rules {
        if !held_categories.contains(&rule.category) {
            continue;
        }
        for purpose in &rule.purposes {
            uses.push(Use {
                category: rule.category.as_str().to_string(),
                purpose: purpose.as_str().to_string(),
                basis: rule.basis.as_str().to_string(),
                conditions: rule.conditions.iter().map(|c| c.as_str().to_string()).collect(),
            });
        }
    }
    if held_categories.contains(&categories::NAME) {
        uses.push(Use {
            category: categories::NAME.as_str().into(),
            purpose: "with any of the uses above".into(),
            basis: "as that use".into(),
            conditions: vec![],
        });
    }
    let response_period = match profile.response_period {
        ResponsePeriod::CalendarMonth => {
            "one calendar month (extendable by two further months for complex requests)".into()
        }
        ResponsePeriod::Days(d) => format!("{d} days (extendable by two further months for complex requests)"),
    };
    AccessReport {
        sources: by_source.into_values().collect(),
        uses,
        recipients: recipients.to_vec(),
        rights: [
            "access: a copy of this report",
            "rectification: correct anything inaccurate",
            "erasure: have your data deleted and kept out",
            "restriction: stop all use while a dispute is settled",
            "objection: to legitimate-interests processing, or to direct marketing at any time",
            "portability: the data you provided, in JSON or CSV",
            "withdraw consent: for anything done on consent",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        response_period,
        complaints: "You can complain to the Information Commissioner's Office: ico.org.uk/make-a-complaint, \
                     0303 123 1113."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(field: &str, category: &str, value: &str, partner: &str) -> HeldFact {
        HeldFact {
            field: field.into(),
            category: category.into(),
            value: value.into(),
            partner: partner.into(),
            channel: "competition".into(),
            received_at: "2026-11-01T10:00:00Z".into(),
            collected_on: Some("2026-10-30".into()),
            retention_days: 365,
        }
    }

    #[test]
    fn the_report_groups_values_by_source_and_lists_uses_recipients_rights_and_the_ico() {
        let profile = Profile::builtin("data-broker").unwrap().unwrap();
        let held = vec![
            fact("email", "user.contact.email", "jane@example.com", "competition-co"),
            fact("first_name", "user.name", "Jane", "competition-co"),
            fact("postcode", "user.contact.address", "LS6 2AB", "compare-hub"),
        ];
        let recipients = vec![Recipient {
            client: "acme".into(),
            purpose: "debt_recovery".into(),
            category: "user.contact.email".into(),
            at: "2026-11-20T09:00:00Z".into(),
        }];
        let r = access_report(&profile, &held, &recipients);
        assert_eq!(r.sources.len(), 2);
        let cc = r.sources.iter().find(|s| s.partner == "competition-co").unwrap();
        assert_eq!(cc.values.len(), 2);
        assert!(
            r.uses
                .iter()
                .any(|u| u.category == "user.contact.email" && u.purpose == "marketing.email" && u.basis == "consent")
        );
        assert!(r.uses.iter().any(|u| u.category == "user.contact.address"
            && u.purpose == "marketing.post"
            && u.conditions.contains(&"not_mps_registered".to_string())));
        assert!(!r.uses.iter().any(|u| u.category == "user.demographic.date_of_birth"), "only categories held");
        assert_eq!(r.recipients, recipients);
        assert!(r.complaints.contains("ico.org.uk"));
        assert!(r.rights.iter().any(|x| x.starts_with("portability")));
        assert!(r.response_period.starts_with("one calendar month"));
    }
}
