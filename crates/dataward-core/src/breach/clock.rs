//! The 72-hour clock: a controller reports a notifiable breach to the ICO "without undue delay and,
//! where feasible, not later than 72 hours after having become aware of it" (UK GDPR Art. 33(1)).

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

/// Hours from detection to the reporting deadline.
pub const REPORTING_HOURS: i64 = 72;

/// Where an incident stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportingClock {
    pub detected_at: Timestamp,
    pub deadline: Timestamp,
    /// Seconds left at `now` (or at closing, for a closed incident); negative once past.
    pub remaining_seconds: i64,
    /// The deadline passed before the incident was closed (or, while open, has passed).
    pub overdue: bool,
    /// The incident is closed: the clock no longer runs.
    pub stopped: bool,
}

impl ReportingClock {
    pub fn at(detected_at: Timestamp, now: Timestamp, closed_at: Option<Timestamp>) -> ReportingClock {
        let deadline = detected_at.checked_add(SignedDuration::from_hours(REPORTING_HOURS)).unwrap_or(Timestamp::MAX);
        let reference = closed_at.unwrap_or(now);
        let remaining = deadline.duration_since(reference);
        ReportingClock {
            detected_at,
            deadline,
            remaining_seconds: remaining.as_secs(),
            overdue: remaining.is_negative(),
            stopped: closed_at.is_some(),
        }
    }

    /// "41h 12m left", "overdue by 3h 05m".
    pub fn describe(&self) -> String {
        let secs = self.remaining_seconds.unsigned_abs();
        let (h, m) = (secs / 3600, (secs % 3600) / 60);
        match (self.overdue, self.stopped) {
            (false, false) => format!("{h}h {m:02}m left"),
            (true, false) => format!("OVERDUE by {h}h {m:02}m"),
            (false, true) => format!("closed with {h}h {m:02}m to spare"),
            (true, true) => format!("closed {h}h {m:02}m after the deadline"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_deadline_is_seventy_two_hours_after_detection() {
        let clock = ReportingClock::at(at("2026-11-20T09:00:00Z"), at("2026-11-21T09:00:00Z"), None);
        assert_eq!(clock.deadline, at("2026-11-23T09:00:00Z"));
        assert_eq!(clock.remaining_seconds, 48 * 3600);
        assert!(!clock.overdue);
        assert_eq!(clock.describe(), "48h 00m left");
    }

    #[test]
    fn an_open_incident_past_its_deadline_is_overdue() {
        let clock = ReportingClock::at(at("2026-11-20T09:00:00Z"), at("2026-11-23T10:30:00Z"), None);
        assert!(clock.overdue);
        assert_eq!(clock.remaining_seconds, -5400);
        assert_eq!(clock.describe(), "OVERDUE by 1h 30m");
    }

    #[test]
    fn a_closed_incident_stops_the_clock_at_its_closing_time() {
        let closed = ReportingClock::at(
            at("2026-11-20T09:00:00Z"),
            at("2026-12-25T00:00:00Z"),
            Some(at("2026-11-22T09:00:00Z")),
        );
        assert!(closed.stopped && !closed.overdue);
        assert_eq!(closed.remaining_seconds, 24 * 3600);
        assert_eq!(closed.describe(), "closed with 24h 00m to spare");
    }
}
