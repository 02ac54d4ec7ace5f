//! What every handler shares: the store, the deployment's profile and the clock.
//!
//! The clock is injected so tests can fix "now"; "today" for ingest is the civil date in the UK
//! (Europe/London), falling back to the UTC date when no time-zone database can be found.

use std::sync::{Arc, OnceLock};

use dataward_core::profile::Profile;
use dataward_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The time zone whose civil date is "today" for the data dataward holds.
pub const HOME_TIME_ZONE: &str = "Europe/London";

/// A source of the current time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock stopped at one instant, for tests.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// The state handed to every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub profile: Arc<Profile>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// The civil date in the UK at `now`.
    pub fn today_at(now: Timestamp) -> Date {
        now.to_zoned(home_time_zone()).date()
    }

    /// Today's civil date in the UK, by this state's clock.
    pub fn today(&self) -> Date {
        Self::today_at(self.clock.now())
    }
}

/// Europe/London, or UTC (with one warning) when the time-zone database is missing.
fn home_time_zone() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| match TimeZone::get(HOME_TIME_ZONE) {
        Ok(zone) => zone,
        Err(error) => {
            tracing::warn!(%error, "no time-zone data for {HOME_TIME_ZONE}; using the UTC date as today");
            TimeZone::UTC
        }
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_uk_civil_date_not_the_utc_one() {
        // 23:30 UTC on 1 July is 00:30 BST on 2 July.
        let late: Timestamp = "2026-07-01T23:30:00Z".parse().unwrap();
        assert_eq!(AppState::today_at(late), jiff::civil::date(2026, 7, 2));
        // In winter the UK is on UTC.
        let winter: Timestamp = "2026-12-01T23:30:00Z".parse().unwrap();
        assert_eq!(AppState::today_at(winter), jiff::civil::date(2026, 12, 1));
    }

    #[test]
    fn a_fixed_clock_does_not_move() {
        let at: Timestamp = "2026-11-23T10:00:00Z".parse().unwrap();
        let clock = FixedClock(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.now(), at);
    }
}
