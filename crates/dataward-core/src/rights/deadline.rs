//! Deadline arithmetic for rights requests: calendar months by the UK rule, fixed-day periods,
//! extensions, and which calendar day an instant falls on in the UK.
//!
//! The UK rule (ICO, "Time limits for responding"): a month runs from the day of receipt to the
//! corresponding calendar date in the next month (received 3 September → due 3 October); when the
//! next month has no such date, the due date is that month's last day (received 31 January → due
//! 28 or 29 February). A fixed-day period (`28_days`) is simply that many days after the start.
//!
//! The ICO also allows until the next working day when the due date falls on a weekend or bank
//! holiday. dataward does not apply that allowance: it would need a bank-holiday calendar, and an
//! earlier deadline is always a safe one.

use std::sync::LazyLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::profile::ResponsePeriod;

/// The UK's civil time (GMT, BST from the last Sunday of March at 01:00 UTC to the last Sunday of
/// October), from its POSIX rule so that no time-zone database is read.
static UK: LazyLock<TimeZone> =
    LazyLock::new(|| TimeZone::posix("GMT0BST,M3.5.0/1,M10.5.0").expect("the UK's POSIX time-zone rule parses"));

/// The calendar day an instant falls on in the UK (a request received at 23:30 on 31 March BST
/// is received on 31 March, although it is 22:30 UTC).
pub fn uk_date(at: Timestamp) -> Date {
    UK.to_datetime(at).date()
}

/// `date` plus `months` calendar months by the UK rule: the same day of the month, or the last
/// day of the target month when it is shorter. Saturates at the last representable date.
pub fn add_calendar_months(date: Date, months: u8) -> Date {
    let index = i32::from(date.year()) * 12 + i32::from(date.month() - 1) + i32::from(months);
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let Ok(year) = i16::try_from(year) else { return Date::MAX };
    let Ok(first) = Date::new(year, month as i8, 1) else { return Date::MAX };
    first.with().day(date.day().min(first.days_in_month())).build().unwrap_or(Date::MAX)
}

/// The last day for answering a request whose clock started on `start`.
pub fn due_date(start: Date, period: ResponsePeriod) -> Date {
    match period {
        ResponsePeriod::CalendarMonth => add_calendar_months(start, 1),
        ResponsePeriod::Days(days) => start.checked_add(Span::new().days(i64::from(days))).unwrap_or(Date::MAX),
    }
}

/// The most an extension may add, in calendar months (UK GDPR Art. 12(3)).
pub const MAX_EXTENSION_MONTHS: u8 = 2;

/// The extended due date: the original due date plus `months` calendar months, by the same
/// month-end rule (original due 28 February → extended by two months to 28 April).
///
/// Counting from the original due date rather than from the start of the clock gives the earlier
/// of the two readings whenever they differ (start 31 January: 28 April rather than 30 April).
pub fn extended_due_date(original_due: Date, months: u8) -> Date {
    add_calendar_months(original_due, months)
}

/// How long a requester has to prove their identity once asked, in days; after that the request
/// may be expired. See [`Request::verification_expires_on`](super::Request::verification_expires_on).
pub const VERIFICATION_WINDOW_DAYS: i64 = 30;

/// The last day on which identity may still be verified, when verification was asked for on
/// `asked_on`.
pub fn verification_expiry(asked_on: Date) -> Date {
    asked_on.checked_add(Span::new().days(VERIFICATION_WINDOW_DAYS)).unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests;
