//! Urgency on a given day and the queue order.

use super::super::fixtures::*;
use super::*;
use crate::profile::ResponsePeriod;
use crate::rights::{Event, Request, RequestId, RequestKind};

fn due(id: u64, y: i16, m: i8, d: i8) -> Request {
    // Received one month before the due date, needing no verification.
    let received = jiff::civil::date(y, m, d).checked_sub(jiff::Span::new().months(1)).unwrap();
    let r = Request::receive(
        RequestId(id),
        RequestKind::Access,
        ResponsePeriod::CalendarMonth,
        noon(received.year(), received.month(), received.day()),
    );
    assert_eq!(r.due_on(), Some(day(y, m, d)));
    r
}

#[test]
fn urgency_is_overdue_after_the_due_date_and_due_soon_within_seven_days() {
    let r = due(1, 2025, 3, 10);
    assert_eq!(urgency(&r, day(2025, 3, 11)), Urgency::Overdue);
    assert_eq!(urgency(&r, day(2025, 3, 10)), Urgency::DueSoon, "due today is not yet overdue");
    assert_eq!(urgency(&r, day(2025, 3, 3)), Urgency::DueSoon);
    assert_eq!(urgency(&r, day(2025, 3, 2)), Urgency::OnTrack);
}

#[test]
fn closed_requests_are_closed_whatever_the_date() {
    let r = step(
        &step(&due(1, 2025, 3, 10), Event::VerificationNotNeeded, noon(2025, 2, 10)),
        Event::Complete,
        noon(2025, 2, 11),
    );
    assert_eq!(urgency(&r, day(2026, 1, 1)), Urgency::Closed);
}

#[test]
fn a_request_awaiting_verification_is_on_track() {
    let r = step(&due(1, 2025, 3, 10), Event::RequireVerification, noon(2025, 2, 10));
    assert_eq!(urgency(&r, day(2025, 3, 9)), Urgency::OnTrack);
}

#[test]
fn an_extension_not_yet_notified_keeps_the_original_urgency() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 2, 5));
    assert_eq!(urgency(&r, day(2025, 2, 5)), Urgency::DueSoon);
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 2, 5));
    assert_eq!(urgency(&r, day(2025, 2, 5)), Urgency::OnTrack);
}

#[test]
fn the_queue_lists_most_overdue_first_then_due_soon_then_the_rest_by_due_date_then_closed() {
    let today = day(2025, 3, 10);
    let awaiting = step(&due(9, 2025, 3, 1), Event::RequireVerification, noon(2025, 2, 1));
    let closed = step(
        &step(&due(8, 2025, 1, 1), Event::VerificationNotNeeded, noon(2024, 12, 1)),
        Event::Revoke,
        noon(2024, 12, 2),
    );
    let mut queue = vec![
        due(1, 2025, 4, 30),
        closed,
        due(2, 2025, 3, 12),
        due(3, 2025, 3, 1),
        awaiting,
        due(4, 2025, 3, 9),
        due(5, 2025, 3, 17),
        due(6, 2025, 3, 18),
        due(7, 2025, 3, 10),
    ];
    sort_queue(&mut queue, today);
    let order: Vec<(u64, Urgency)> = queue.iter().map(|r| (r.id().0, urgency(r, today))).collect();
    assert_eq!(
        order,
        [
            (3, Urgency::Overdue),
            (4, Urgency::Overdue),
            (7, Urgency::DueSoon),
            (2, Urgency::DueSoon),
            (5, Urgency::DueSoon),
            (6, Urgency::OnTrack),
            (1, Urgency::OnTrack),
            (9, Urgency::OnTrack),
            (8, Urgency::Closed),
        ]
    );
}

#[test]
fn requests_due_the_same_day_are_ordered_by_receipt_then_id() {
    let today = day(2025, 3, 1);
    let mut queue = vec![due(2, 2025, 3, 10), due(1, 2025, 3, 10)];
    sort_queue(&mut queue, today);
    assert_eq!(queue.iter().map(|r| r.id().0).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(queue_cmp(&queue[0], &queue[1], today), std::cmp::Ordering::Less);
}
