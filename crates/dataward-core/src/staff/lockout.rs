//! Lock-out after repeated failed logins: the fifth failure in a row locks the account for
//! fifteen minutes; a successful login clears the count. Time is passed in.

use jiff::{SignedDuration, Timestamp};

/// Failed logins in a row that lock an account.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long a lock lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

/// The lock-out state of one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    /// Failed logins since the last success or lock.
    pub failed_logins: u32,
    /// Logins are refused until this instant.
    pub locked_until: Option<Timestamp>,
}

impl Lockout {
    /// Whether logins are refused at `now`.
    pub fn is_locked(&self, now: Timestamp) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }

    /// The state after one more failed login at `now`: the count goes up, and at
    /// `MAX_FAILED_LOGINS` the account locks for `LOCKOUT_MINUTES` and the count starts again.
    pub fn after_failure(self, now: Timestamp) -> Lockout {
        let failed_logins = self.failed_logins.saturating_add(1);
        if failed_logins >= MAX_FAILED_LOGINS {
            Lockout { failed_logins: 0, locked_until: Some(now + SignedDuration::from_mins(LOCKOUT_MINUTES)) }
        } else {
            Lockout { failed_logins, locked_until: self.locked_until }
        }
    }

    /// The state after a successful login.
    pub fn after_success() -> Lockout {
        Lockout::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_the_account_for_fifteen_minutes() {
        let now = at("2026-11-23T10:00:00Z");
        let mut state = Lockout::default();
        for _ in 0..4 {
            state = state.after_failure(now);
            assert!(!state.is_locked(now));
        }
        state = state.after_failure(now);
        assert!(state.is_locked(now));
        assert!(state.is_locked(at("2026-11-23T10:14:59Z")));
        assert!(!state.is_locked(at("2026-11-23T10:15:00Z")));
        assert_eq!(state.failed_logins, 0);
    }

    #[test]
    fn a_success_clears_the_count() {
        let now = at("2026-11-23T10:00:00Z");
        let state = Lockout::default().after_failure(now).after_failure(now);
        assert_eq!(state.failed_logins, 2);
        assert_eq!(Lockout::after_success(), Lockout::default());
    }
}
