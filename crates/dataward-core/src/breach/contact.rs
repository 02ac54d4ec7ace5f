//! The contact details of a person to notify of a breach: the latest name, email, phone and
//! postal address held, picked from everything held about them. Only written to the export file
//! the DPO asks for (`dataward breach assess ID --export FILE`); the assessment itself lists ids.

use serde::Serialize;

use crate::rights::report::HeldFact;

/// How to reach one person. Holds personal data: `Debug` redacts.
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub person_id: String,
    pub first_name: String,
    pub surname: String,
    pub email: String,
    pub phone: String,
    pub address_lines: Vec<String>,
    pub town: String,
    pub postcode: String,
}

impl std::fmt::Debug for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Contact({}, <redacted>)", self.person_id)
    }
}

/// Fields read, in the order an address is written.
const ADDRESS_LINES: [&str; 4] = ["address_line_1", "address_line_2", "address_line_3", "address_line_4"];

/// The latest value of each contact field (by receipt time); an address is taken whole from the
/// latest record that has a postcode, so lines of two addresses are never mixed.
pub fn contact_of(person_id: &str, facts: &[HeldFact]) -> Contact {
    let latest = |field: &str| {
        facts
            .iter()
            .filter(|f| f.field == field)
            .max_by(|a, b| a.received_at.cmp(&b.received_at))
            .map(|f| f.value.clone())
    };
    let phone = latest("mobile").or_else(|| latest("phone")).or_else(|| latest("landline")).unwrap_or_default();
    let address_record = facts
        .iter()
        .filter(|f| f.field == "postcode")
        .max_by(|a, b| a.received_at.cmp(&b.received_at))
        .map(|f| (f.partner.as_str(), f.received_at.as_str()));
    let of_address = |field: &str| {
        address_record.and_then(|(partner, received)| {
            facts
                .iter()
                .find(|f| f.field == field && f.partner == partner && f.received_at == received)
                .map(|f| f.value.clone())
        })
    };
    Contact {
        person_id: person_id.to_string(),
        first_name: latest("first_name").unwrap_or_default(),
        surname: latest("surname").unwrap_or_default(),
        email: latest("email").unwrap_or_default(),
        phone,
        address_lines: ADDRESS_LINES.iter().filter_map(|l| of_address(l)).collect(),
        town: of_address("town").unwrap_or_default(),
        postcode: of_address("postcode").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(field: &str, value: &str, partner: &str, received: &str) -> HeldFact {
        HeldFact {
            field: field.into(),
            category: String::new(),
            value: value.into(),
            partner: partner.into(),
            channel: "competition".into(),
            received_at: received.into(),
            collected_on: None,
            retention_days: 365,
        }
    }

    #[test]
    fn the_latest_values_are_chosen_and_an_address_is_never_mixed_from_two_records() {
        let facts = [
            fact("first_name", "Jane", "a", "2026-01-01T00:00:00Z"),
            fact("email", "old@example.com", "a", "2026-01-01T00:00:00Z"),
            fact("email", "new@example.com", "b", "2026-06-01T00:00:00Z"),
            fact("address_line_1", "1 Old Road", "a", "2026-01-01T00:00:00Z"),
            fact("address_line_2", "Flat 2", "a", "2026-01-01T00:00:00Z"),
            fact("postcode", "LS6 2AB", "a", "2026-01-01T00:00:00Z"),
            fact("address_line_1", "9 New Street", "b", "2026-06-01T00:00:00Z"),
            fact("postcode", "M1 1AA", "b", "2026-06-01T00:00:00Z"),
            fact("landline", "+441132960000", "a", "2026-01-01T00:00:00Z"),
        ];
        let c = contact_of("p1", &facts);
        assert_eq!(c.first_name, "Jane");
        assert_eq!(c.email, "new@example.com");
        assert_eq!(c.address_lines, vec!["9 New Street"]);
        assert_eq!(c.postcode, "M1 1AA");
        assert_eq!(c.phone, "+441132960000");
        assert!(!format!("{c:?}").contains("Jane"));
    }
}
