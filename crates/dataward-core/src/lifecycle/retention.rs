//! When a record stops being held.
//!
//! - **Retention** runs from the date the partner collected the record from the consumer (the
//!   partner's retention period is about its own collection: "any data beyond that partner's
//!   retention period will no longer be in the file"), or from the date dataward received it when
//!   the partner gave no collection date. A record is past retention on the day
//!   `start + retention_days` (UK civil dates).
//! - **Withdrawal**: a withdrawn partner's records are released for nothing at once, kept for
//!   rights fulfilment only for the profile's `departed_partner_hold_days` from the withdrawal
//!   instant, then purged.
//! - A **legal hold** on the record's person or partner keeps it past either.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::partner::PartnerStatus;

/// What a partner's terms say about its records' lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerTerms {
    pub status: PartnerStatus,
    pub withdrawn_at: Option<Timestamp>,
    pub retention_days: u32,
}

/// Why a record is (or would be) purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PurgeReason {
    /// The partner withdrew and its rights-only hold has ended.
    WithdrawalHoldEnded,
    /// The record is past its partner's retention period.
    RetentionExpired,
}

impl PurgeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            PurgeReason::WithdrawalHoldEnded => "withdrawal_hold_ended",
            PurgeReason::RetentionExpired => "retention_expired",
        }
    }
}

/// What happens to one record today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Keep,
    Purge(PurgeReason),
    /// It would be purged, but a legal hold keeps it.
    HeldBack(PurgeReason),
}

/// The date a record's retention runs from: its collection date, else the UTC date it was
/// received.
pub fn retention_start(collected_on: Option<Date>, received_at: Timestamp) -> Date {
    collected_on.unwrap_or_else(|| received_at.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// Records whose retention started on or before this date are past retention `today`.
pub fn retention_cutoff(today: Date, retention_days: u32) -> Date {
    jiff::Span::new()
        .try_days(i64::from(retention_days))
        .ok()
        .and_then(|span| today.checked_sub(span).ok())
        .unwrap_or(Date::MIN)
}

/// When a withdrawn partner's rights-only hold ends.
pub fn withdrawal_hold_ends(withdrawn_at: Timestamp, hold_days: u32) -> Timestamp {
    withdrawn_at.checked_add(SignedDuration::from_hours(24 * i64::from(hold_days))).unwrap_or(Timestamp::MAX)
}

/// Why a record is due for purging at `now` (`today` is the UK date of `now`), if it is.
pub fn purge_reason(
    terms: &PartnerTerms,
    start: Date,
    hold_days: u32,
    now: Timestamp,
    today: Date,
) -> Option<PurgeReason> {
    let hold_over = terms.status == PartnerStatus::Withdrawn
        && terms.withdrawn_at.is_some_and(|at| now >= withdrawal_hold_ends(at, hold_days));
    if hold_over {
        Some(PurgeReason::WithdrawalHoldEnded)
    } else if start <= retention_cutoff(today, terms.retention_days) {
        Some(PurgeReason::RetentionExpired)
    } else {
        None
    }
}

/// The fate of one record, given whether a legal hold covers it.
pub fn fate(reason: Option<PurgeReason>, legally_held: bool) -> Fate {
    match (reason, legally_held) {
        (None, _) => Fate::Keep,
        (Some(r), true) => Fate::HeldBack(r),
        (Some(r), false) => Fate::Purge(r),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    const ACTIVE: PartnerTerms =
        PartnerTerms { status: PartnerStatus::Active, withdrawn_at: None, retention_days: 365 };

    #[test]
    fn retention_runs_from_the_collection_date_and_falls_back_to_receipt() {
        assert_eq!(retention_start(Some(date(2024, 2, 1)), at("2026-01-01T10:00:00Z")), date(2024, 2, 1));
        assert_eq!(retention_start(None, at("2026-01-01T23:30:00Z")), date(2026, 1, 1));
    }

    #[test]
    fn a_record_is_past_retention_on_the_day_its_period_ends_and_not_the_day_before() {
        let start = date(2025, 1, 10);
        let now = at("2026-01-09T12:00:00Z");
        assert_eq!(purge_reason(&ACTIVE, start, 183, now, date(2026, 1, 9)), None);
        assert_eq!(purge_reason(&ACTIVE, start, 183, now, date(2026, 1, 10)), Some(PurgeReason::RetentionExpired));
    }

    #[test]
    fn a_withdrawn_partners_records_are_kept_until_the_hold_ends_then_purged() {
        let withdrawn = at("2026-01-01T09:00:00Z");
        let terms = PartnerTerms { status: PartnerStatus::Withdrawn, withdrawn_at: Some(withdrawn), ..ACTIVE };
        let start = date(2025, 12, 1);
        let before = at("2026-07-03T08:59:59Z");
        let after = at("2026-07-03T09:00:00Z");
        assert_eq!(withdrawal_hold_ends(withdrawn, 183), after);
        assert_eq!(purge_reason(&terms, start, 183, before, date(2026, 7, 3)), None);
        assert_eq!(purge_reason(&terms, start, 183, after, date(2026, 7, 3)), Some(PurgeReason::WithdrawalHoldEnded));
    }

    #[test]
    fn retention_still_applies_to_a_withdrawn_partner_during_its_hold() {
        let terms =
            PartnerTerms { status: PartnerStatus::Withdrawn, withdrawn_at: Some(at("2026-01-01T00:00:00Z")), ..ACTIVE };
        let old = date(2024, 6, 1);
        assert_eq!(
            purge_reason(&terms, old, 183, at("2026-01-02T00:00:00Z"), date(2026, 1, 2)),
            Some(PurgeReason::RetentionExpired)
        );
    }

    #[test]
    fn a_legal_hold_turns_a_purge_into_held_back_and_leaves_kept_records_alone() {
        assert_eq!(fate(Some(PurgeReason::RetentionExpired), true), Fate::HeldBack(PurgeReason::RetentionExpired));
        assert_eq!(fate(Some(PurgeReason::RetentionExpired), false), Fate::Purge(PurgeReason::RetentionExpired));
        assert_eq!(fate(None, true), Fate::Keep);
    }

    #[test]
    fn an_enormous_retention_period_never_overflows() {
        assert_eq!(retention_cutoff(date(2026, 1, 1), u32::MAX), Date::MIN);
        assert_eq!(withdrawal_hold_ends(at("2026-01-01T00:00:00Z"), u32::MAX), Timestamp::MAX);
    }
}
