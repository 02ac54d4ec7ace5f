//! The request form shared by the portal's intake and the console's post/phone intake: its
//! fields, the kinds offered, and turning a submitted form into a request kind and a checked
//! `Requester`. The form holds personal data: it has no `Debug` and is never logged.

use dataward_core::rights::{CORRECTABLE_FIELDS, RequestKind, Requester, RequesterForm};
use serde::{Deserialize, Serialize};

use super::drp_api::parse_exercise;

/// One kind of request offered on a form: its value (a DRP exercise name) and its label.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct KindChoice {
    pub value: &'static str,
    pub label: &'static str,
}

/// Every kind of request, in the order forms offer them.
pub const KIND_CHOICES: &[KindChoice] = &[
    KindChoice { value: "access", label: "Tell me what data you hold about me (access)" },
    KindChoice { value: "portability", label: "Give me my data to take elsewhere (portability)" },
    KindChoice { value: "rectification", label: "Correct my data (rectification)" },
    KindChoice { value: "erasure", label: "Delete my data (erasure)" },
    KindChoice { value: "restriction", label: "Stop using my data for now (restriction)" },
    KindChoice { value: "lift_restriction", label: "Lift the restriction I asked for" },
    KindChoice { value: "objection", label: "I object to every use based on your legitimate interests" },
    KindChoice { value: "objection:direct_marketing", label: "I object to direct marketing" },
    KindChoice { value: "consent_withdrawal", label: "I withdraw my consent" },
];

/// The fields a correction may name.
pub fn correctable_fields() -> &'static [&'static str] {
    &CORRECTABLE_FIELDS
}

/// A submitted request form. Every field defaults to empty so a partial form is answered with a
/// message, not a rejection.
#[derive(Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct RequestForm {
    pub kind: String,
    pub first_name: String,
    pub surname: String,
    pub email: String,
    pub phone: String,
    pub address_line_1: String,
    pub town: String,
    pub postcode: String,
    pub date_of_birth: String,
    pub details: String,
    pub correct_field: String,
    pub correct_value: String,
    /// Only the console's form: `post` or `phone`.
    pub channel: String,
    #[serde(skip_serializing)]
    pub csrf_token: String,
}

fn given(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

impl RequestForm {
    /// The request kind and the checked requester, or a message for the person filling it in
    /// (which may repeat what they typed: it is shown to them only, never logged).
    pub fn parse(&self) -> Result<(RequestKind, Requester), String> {
        let kind = parse_exercise(&self.kind).map_err(|_| "Choose what you want us to do.".to_string())?;
        let mut corrections = Vec::new();
        if let Some(field) = given(&self.correct_field) {
            let value = given(&self.correct_value).ok_or("Give the right value for the field to correct.")?;
            corrections.push((field, value));
        }
        let form = RequesterForm {
            first_name: self.first_name.clone(),
            surname: self.surname.clone(),
            email: given(&self.email),
            phone: given(&self.phone),
            address_line_1: given(&self.address_line_1),
            town: given(&self.town),
            postcode: given(&self.postcode),
            date_of_birth: given(&self.date_of_birth),
            details: given(&self.details),
            corrections,
        };
        let requester = Requester::from_form(&form).map_err(|e| capitalise(&e.to_string()))?;
        if kind == RequestKind::Rectification && requester.corrections.is_empty() {
            return Err("For a correction, say which detail is wrong and give the right value.".into());
        }
        Ok((kind, requester))
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jane() -> RequestForm {
        RequestForm {
            kind: "access".into(),
            first_name: "Jane".into(),
            surname: "Whitfield".into(),
            email: "jane@example.com".into(),
            ..RequestForm::default()
        }
    }

    #[test]
    fn a_complete_form_gives_a_kind_and_a_requester() {
        let (kind, requester) = jane().parse().unwrap();
        assert_eq!(kind, RequestKind::Access);
        assert_eq!(requester.email.as_deref(), Some("jane@example.com"));
        assert!(requester.phone.is_none(), "an empty field is not given");
    }

    #[test]
    fn a_form_without_a_contact_or_kind_or_correction_is_answered_with_a_message() {
        let no_contact = RequestForm { email: String::new(), ..jane() };
        assert!(no_contact.parse().unwrap_err().starts_with("Give an email address"));
        let no_kind = RequestForm { kind: "nonsense".into(), ..jane() };
        assert_eq!(no_kind.parse().unwrap_err(), "Choose what you want us to do.");
        let no_correction = RequestForm { kind: "rectification".into(), ..jane() };
        assert!(no_correction.parse().unwrap_err().contains("which detail is wrong"));
        let with = RequestForm {
            kind: "rectification".into(),
            correct_field: "surname".into(),
            correct_value: "Whitfield-Brown".into(),
            ..jane()
        };
        assert_eq!(with.parse().unwrap().1.corrections.len(), 1);
    }

    #[test]
    fn every_offered_kind_parses() {
        for choice in KIND_CHOICES {
            let form = RequestForm { kind: choice.value.into(), ..jane() };
            if choice.value != "rectification" {
                assert!(form.parse().is_ok(), "{}", choice.value);
            }
        }
    }
}
