//! The lifecycle of held records: when a record's retention runs out, when a withdrawn partner's
//! rights-only hold ends, what a legal hold keeps, and what one purge removed. Pure: the caller
//! passes "now" and "today" and the facts it loaded.
//!
//! - `retention`: the dates a record's retention and a withdrawn partner's hold run from and to,
//!   and the fate of one record on a given day.
//! - `hold`: legal holds (a named person or partner kept past any purge, with a reason).
//! - `report`: what a purge removed, or would remove, per partner and category.

pub mod hold;
pub mod report;
pub mod retention;

/// Why an operator's lifecycle action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("a reason is required for {action}; say why in a few words")]
    MissingReason { action: &'static str },
    #[error("`{given}` is not a hold target; expected `person:ID` or `partner:NAME`")]
    BadHoldTarget { given: String },
}

/// A reason given by an operator, trimmed and required.
pub fn require_reason(action: &'static str, text: &str) -> Result<String, LifecycleError> {
    let text = text.trim();
    if text.is_empty() { Err(LifecycleError::MissingReason { action }) } else { Ok(text.to_string()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_reason_is_refused_and_a_real_one_is_trimmed() {
        assert_eq!(
            require_reason("a legal hold", "  \t"),
            Err(LifecycleError::MissingReason { action: "a legal hold" })
        );
        assert_eq!(require_reason("a legal hold", " litigation ref 42 ").unwrap(), "litigation ref 42");
    }
}
