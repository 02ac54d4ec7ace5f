//! Personal-data breaches (UK GDPR Arts. 33–34): what was exposed, the 72-hour clock for telling
//! the ICO, and the assessment of who and what is affected. Pure: the store loads the exposed
//! values from the provenance and the disclosure ledger; this names and counts them.
//!
//! - `exposure`: what an incident exposed (`partner-batch:ID`, `client-extracts:CLIENT`,
//!   `window:FROM..TO`) and the categories it is limited to.
//! - `clock`: the 72 hours from detection, what is left, overdue.
//! - `assessment`: persons, categories and the notification list from the exposed values.
//! - `contact`: the contact details of a person to notify, for the export the DPO asks for.

pub mod assessment;
pub mod clock;
pub mod contact;
pub mod exposure;

/// Why an incident could not be recorded or closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BreachError {
    #[error(
        "`{given}` does not say what was exposed; expected partner-batch:BATCH_ID, client-extracts:CLIENT or window:FROM..TO (RFC 3339)"
    )]
    BadExposure { given: String },
    #[error("window `{given}`: {problem}")]
    BadWindow { given: String, problem: String },
    #[error("`{given}` is not a data category (e.g. user.contact.email)")]
    UnknownCategory { given: String },
    #[error("a breach needs a description of what happened")]
    MissingDescription,
    #[error("the detection time {detected} is after now ({now})")]
    DetectedInFuture { detected: String, now: String },
}

/// Checks an incident as it is opened: a description, and a detection time not after now.
/// Returns the trimmed description.
pub fn check_opening(
    description: &str,
    detected_at: jiff::Timestamp,
    now: jiff::Timestamp,
) -> Result<String, BreachError> {
    let description = description.trim();
    if description.is_empty() {
        return Err(BreachError::MissingDescription);
    }
    if detected_at > now {
        return Err(BreachError::DetectedInFuture { detected: detected_at.to_string(), now: now.to_string() });
    }
    Ok(description.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_incident_needs_a_description_and_a_detection_time_not_in_the_future() {
        let now: jiff::Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let later: jiff::Timestamp = "2026-11-23T11:00:00Z".parse().unwrap();
        assert_eq!(check_opening("  ", now, now), Err(BreachError::MissingDescription));
        assert!(matches!(check_opening("laptop lost", later, now), Err(BreachError::DetectedInFuture { .. })));
        assert_eq!(check_opening(" laptop lost ", now, now).unwrap(), "laptop lost");
    }
}
