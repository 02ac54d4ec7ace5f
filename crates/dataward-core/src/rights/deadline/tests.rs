//! Deadline arithmetic: the UK month-end rule, leap years, fixed-day periods, extensions, UK dates.

use jiff::Timestamp;
use jiff::civil::{Date, date};

use super::*;

fn monthly(y: i16, m: i8, d: i8) -> Date {
    due_date(date(y, m, d), ResponsePeriod::CalendarMonth)
}

#[test]
fn a_month_runs_to_the_corresponding_day_of_the_next_month() {
    assert_eq!(monthly(2025, 9, 3), date(2025, 10, 3));
    assert_eq!(monthly(2025, 1, 15), date(2025, 2, 15));
}

#[test]
fn received_31_january_is_due_28_february_in_a_common_year() {
    assert_eq!(monthly(2025, 1, 31), date(2025, 2, 28));
    assert_eq!(monthly(2025, 1, 29), date(2025, 2, 28));
    assert_eq!(monthly(2025, 1, 28), date(2025, 2, 28));
}

#[test]
fn received_31_january_is_due_29_february_in_a_leap_year() {
    assert_eq!(monthly(2024, 1, 31), date(2024, 2, 29));
    assert_eq!(monthly(2024, 1, 30), date(2024, 2, 29));
    assert_eq!(monthly(2024, 1, 29), date(2024, 2, 29));
}

#[test]
fn century_years_follow_the_gregorian_leap_rule() {
    assert_eq!(monthly(2100, 1, 31), date(2100, 2, 28));
    assert_eq!(monthly(2000, 1, 31), date(2000, 2, 29));
}

#[test]
fn received_29_february_is_due_29_march() {
    assert_eq!(monthly(2024, 2, 29), date(2024, 3, 29));
}

#[test]
fn the_31st_before_a_30_day_month_is_due_on_the_30th() {
    assert_eq!(monthly(2025, 3, 31), date(2025, 4, 30));
    assert_eq!(monthly(2025, 5, 31), date(2025, 6, 30));
    assert_eq!(monthly(2025, 8, 31), date(2025, 9, 30));
    assert_eq!(monthly(2025, 10, 31), date(2025, 11, 30));
}

#[test]
fn the_30th_before_a_31_day_month_is_due_on_the_30th_not_the_31st() {
    assert_eq!(monthly(2025, 4, 30), date(2025, 5, 30));
    assert_eq!(monthly(2025, 6, 30), date(2025, 7, 30));
}

#[test]
fn december_is_due_in_january_of_the_next_year() {
    assert_eq!(monthly(2025, 12, 31), date(2026, 1, 31));
    assert_eq!(monthly(2025, 12, 1), date(2026, 1, 1));
}

#[test]
fn a_28_day_profile_is_due_28_days_after_the_start() {
    let days = ResponsePeriod::Days(28);
    assert_eq!(due_date(date(2025, 1, 31), days), date(2025, 2, 28));
    assert_eq!(due_date(date(2024, 2, 1), days), date(2024, 2, 29));
    assert_eq!(due_date(date(2025, 2, 1), days), date(2025, 3, 1));
    assert_eq!(due_date(date(2025, 12, 20), days), date(2026, 1, 17));
}

#[test]
fn the_monthly_due_date_is_after_receipt_and_at_most_31_days_later_every_day_of_eight_years() {
    let mut start = date(2023, 1, 1);
    while start < date(2031, 1, 1) {
        let due = monthly(start.year(), start.month(), start.day());
        let days = start.until(due).unwrap().get_days();
        assert!(due > start, "{start} -> {due}");
        assert!((28..=31).contains(&days), "{start} -> {due} is {days} days");
        assert!(due.month() == start.month() % 12 + 1, "{start} -> {due} is not in the next month");
        assert!(due.day() == start.day() || due.day() == due.days_in_month(), "{start} -> {due}");
        start = start.tomorrow().unwrap();
    }
}

#[test]
fn the_monthly_due_date_never_goes_backwards_as_receipt_moves_forward() {
    let mut start = date(2023, 1, 1);
    let mut previous = monthly(2022, 12, 31);
    while start < date(2031, 1, 1) {
        let due = monthly(start.year(), start.month(), start.day());
        assert!(due >= previous, "{start}: {due} < {previous}");
        previous = due;
        start = start.tomorrow().unwrap();
    }
}

#[test]
fn an_extension_adds_calendar_months_to_the_original_due_date_by_the_same_month_end_rule() {
    assert_eq!(extended_due_date(date(2025, 2, 28), 2), date(2025, 4, 28));
    assert_eq!(extended_due_date(date(2025, 3, 31), 2), date(2025, 5, 31));
    assert_eq!(extended_due_date(date(2024, 12, 31), 2), date(2025, 2, 28));
    assert_eq!(extended_due_date(date(2023, 12, 31), 2), date(2024, 2, 29));
    assert_eq!(extended_due_date(date(2025, 11, 30), 2), date(2026, 1, 30));
    assert_eq!(extended_due_date(date(2025, 7, 31), 1), date(2025, 8, 31));
    assert_eq!(extended_due_date(date(2025, 8, 31), 1), date(2025, 9, 30));
}

#[test]
fn adding_months_saturates_at_the_end_of_time() {
    assert_eq!(add_calendar_months(date(9999, 12, 15), 1), Date::MAX);
}

#[test]
fn the_uk_date_follows_british_summer_time() {
    let late_bst: Timestamp = "2025-03-31T23:30:00+01:00".parse().unwrap();
    assert_eq!(uk_date(late_bst), date(2025, 3, 31));
    let late_gmt: Timestamp = "2025-01-31T23:30:00Z".parse().unwrap();
    assert_eq!(uk_date(late_gmt), date(2025, 1, 31));
    let after_midnight_bst: Timestamp = "2025-06-30T23:30:00Z".parse().unwrap();
    assert_eq!(uk_date(after_midnight_bst), date(2025, 7, 1));
}

#[test]
fn verification_may_be_completed_for_30_days_after_it_was_asked_for() {
    assert_eq!(verification_expiry(date(2025, 1, 10)), date(2025, 2, 9));
}
