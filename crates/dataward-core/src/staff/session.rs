//! How long a console session lives: at most eight hours from sign-in, and thirty minutes
//! without a request ends it sooner. Time is passed in.

use jiff::{SignedDuration, Timestamp};

/// The longest a session lives, however busy.
pub const SESSION_MAX_HOURS: i64 = 8;
/// A session unused this long has ended.
pub const SESSION_IDLE_MINUTES: i64 = 30;

/// When a session opened at `created_at` ends at the latest.
pub fn session_expires_at(created_at: Timestamp) -> Timestamp {
    created_at + SignedDuration::from_hours(SESSION_MAX_HOURS)
}

/// Whether a session that expires at `expires_at` and was last used at `last_seen_at` is still
/// good at `now`.
pub fn session_is_live(expires_at: Timestamp, last_seen_at: Timestamp, now: Timestamp) -> bool {
    now < expires_at && now < last_seen_at + SignedDuration::from_mins(SESSION_IDLE_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_session_ends_after_eight_hours_even_when_busy() {
        let opened = at("2026-11-23T09:00:00Z");
        let expires = session_expires_at(opened);
        assert_eq!(expires, at("2026-11-23T17:00:00Z"));
        assert!(session_is_live(expires, at("2026-11-23T16:59:00Z"), at("2026-11-23T16:59:30Z")));
        assert!(!session_is_live(expires, at("2026-11-23T16:59:59Z"), at("2026-11-23T17:00:00Z")));
    }

    #[test]
    fn a_session_unused_for_thirty_minutes_has_ended() {
        let expires = at("2026-11-23T17:00:00Z");
        let seen = at("2026-11-23T10:00:00Z");
        assert!(session_is_live(expires, seen, at("2026-11-23T10:29:59Z")));
        assert!(!session_is_live(expires, seen, at("2026-11-23T10:30:00Z")));
    }
}
