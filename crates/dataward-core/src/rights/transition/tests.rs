//! The state machine: every legal transition, every illegal one, the clock, extensions, expiry,
//! refusals, history entries and replay.

use jiff::Timestamp;

use super::super::fixtures::*;
use super::*;
use crate::rights::{ConsentScope, ExtensionGround, NoticeOwed, ObjectionScope, VERIFICATION_WINDOW_DAYS};
use crate::taxonomy::purposes;

const EVENTS: usize = 9;

fn every_event(reason: RefusalReason) -> [Event; EVENTS] {
    [
        Event::RequireVerification,
        Event::VerificationNotNeeded,
        Event::Verified,
        extend(2),
        Event::ExtensionNoticeSent,
        Event::Complete,
        Event::Refuse { reason },
        Event::Revoke,
        Event::Expire,
    ]
}

/// An access request received 10 January 2025, walked to each of the eight statuses.
fn in_every_status() -> Vec<Request> {
    let t = noon(2025, 1, 10);
    let received = received(RequestKind::Access, t);
    let awaiting = step(&received, Event::RequireVerification, t);
    let progress = step(&received, Event::VerificationNotNeeded, t);
    let extended = step(&progress, extend(2), t);
    vec![
        received.clone(),
        awaiting.clone(),
        progress.clone(),
        extended,
        step(&progress, Event::Complete, t),
        step(&progress, Event::Refuse { reason: RefusalReason::ManifestlyExcessive }, t),
        step(&received, Event::Revoke, t),
        step(&awaiting, Event::Expire, noon(2025, 2, 10)),
    ]
}

fn legal(status: Status, event: &Event) -> bool {
    use Status::*;
    matches!(
        (status, event),
        (Received, Event::RequireVerification | Event::VerificationNotNeeded | Event::Refuse { .. } | Event::Revoke)
            | (AwaitingVerification, Event::Verified | Event::Expire | Event::Refuse { .. } | Event::Revoke)
            | (InProgress, Event::Extend { .. } | Event::Complete | Event::Refuse { .. } | Event::Revoke)
            | (Extended, Event::ExtensionNoticeSent | Event::Complete | Event::Refuse { .. } | Event::Revoke)
    )
}

#[test]
fn every_status_and_event_pair_is_allowed_exactly_when_the_table_says() {
    let requests = in_every_status();
    let statuses: Vec<Status> = requests.iter().map(Request::status).collect();
    assert_eq!(
        statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ["received", "awaiting_verification", "in_progress", "extended", "completed", "refused", "revoked", "expired"]
    );
    let mut allowed = 0;
    for request in &requests {
        for event in every_event(RefusalReason::ManifestlyUnfounded) {
            let now = if event == Event::Expire { noon(2025, 2, 10) } else { noon(2025, 1, 20) };
            let should = legal(request.status(), &event);
            let result = apply(request, event.clone(), now);
            assert_eq!(result.is_ok(), should, "{} + {}: {result:?}", request.status(), event.as_str());
            allowed += usize::from(should);
        }
    }
    assert_eq!(allowed, 16);
}

#[test]
fn triage_requiring_verification_stops_the_clock() {
    let r = step(&received(RequestKind::Erasure, noon(2025, 1, 31)), Event::RequireVerification, noon(2025, 2, 1));
    assert_eq!(r.status(), Status::AwaitingVerification);
    assert_eq!(r.verification_asked_at(), Some(noon(2025, 2, 1)));
    assert_eq!(r.clock_start(), None);
    assert_eq!(r.due_on(), None);
    assert_eq!(r.verification_expires_on(), Some(day(2025, 3, 3)));
}

#[test]
fn verification_starts_the_clock_on_the_day_identity_is_proved() {
    let r = step(&received(RequestKind::Erasure, noon(2025, 1, 31)), Event::RequireVerification, noon(2025, 1, 31));
    let r = step(&r, Event::Verified, noon(2025, 2, 3));
    assert_eq!(r.status(), Status::InProgress);
    assert_eq!(r.verified_at(), Some(noon(2025, 2, 3)));
    assert_eq!(r.clock_start(), Some(noon(2025, 2, 3)));
    assert_eq!(r.due_on(), Some(day(2025, 3, 3)));
}

#[test]
fn a_request_needing_no_verification_runs_from_receipt_whenever_triaged() {
    let r = received(RequestKind::Objection { scope: ObjectionScope::DirectMarketing }, noon(2025, 1, 31));
    assert_eq!(r.due_on(), Some(day(2025, 2, 28)), "untriaged requests count from receipt");
    let r = step(&r, Event::VerificationNotNeeded, noon(2025, 2, 5));
    assert_eq!(r.status(), Status::InProgress);
    assert_eq!(r.verified_at(), None);
    assert_eq!(r.clock_start(), Some(noon(2025, 1, 31)));
    assert_eq!(r.due_on(), Some(day(2025, 2, 28)));
}

#[test]
fn a_28_day_profile_sets_the_due_date_28_days_after_receipt() {
    let r = Request::receive(RequestId(7), RequestKind::Access, ResponsePeriod::Days(28), noon(2025, 1, 31));
    assert_eq!(r.due_on(), Some(day(2025, 2, 28)));
    let r = Request::receive(RequestId(7), RequestKind::Access, ResponsePeriod::Days(28), noon(2024, 2, 1));
    assert_eq!(r.due_on(), Some(day(2024, 2, 29)));
}

#[test]
fn receipt_late_on_a_summer_evening_counts_as_that_uk_day() {
    let at: Timestamp = "2025-06-30T23:30:00Z".parse().unwrap(); // 00:30 BST on 1 July
    assert_eq!(received(RequestKind::Access, at).due_on(), Some(day(2025, 8, 1)));
}

#[test]
fn every_transition_yields_a_timestamped_history_entry() {
    let r = received(RequestKind::Access, noon(2025, 1, 10));
    assert_eq!(
        HistoryEntry::received(&r),
        HistoryEntry { request: RequestId(1), at: noon(2025, 1, 10), from: None, to: Status::Received, event: None }
    );
    let t = apply(&r, Event::RequireVerification, noon(2025, 1, 11)).unwrap();
    assert_eq!(
        t.entry,
        HistoryEntry {
            request: RequestId(1),
            at: noon(2025, 1, 11),
            from: Some(Status::Received),
            to: Status::AwaitingVerification,
            event: Some(Event::RequireVerification),
        }
    );
    assert_eq!(t.request.updated_at(), noon(2025, 1, 11));
    let refused = apply(&t.request, Event::Refuse { reason: RefusalReason::IdentityNotConfirmed }, noon(2025, 1, 12));
    let entry = refused.unwrap().entry;
    assert_eq!(entry.to, Status::Refused(RefusalReason::IdentityNotConfirmed));
    assert_eq!(entry.at, noon(2025, 1, 12));
}

#[test]
fn completing_closes_the_request() {
    let r = step(&in_progress(noon(2025, 1, 10)), Event::Complete, noon(2025, 1, 20));
    assert_eq!(r.status(), Status::Completed);
    assert!(r.is_closed());
}

#[test]
fn the_requester_can_revoke_at_any_open_stage() {
    for r in in_every_status().into_iter().filter(|r| !r.is_closed()) {
        assert_eq!(step(&r, Event::Revoke, noon(2025, 1, 20)).status(), Status::Revoked);
    }
}

#[test]
fn a_closed_request_accepts_no_event() {
    for r in in_every_status().into_iter().filter(Request::is_closed) {
        for event in every_event(RefusalReason::IdentityNotConfirmed) {
            let err = apply(&r, event.clone(), noon(2025, 3, 1)).unwrap_err();
            assert_eq!(err, TransitionError::Closed { status: r.status(), event: event.as_str() });
        }
    }
}

#[test]
fn completing_a_request_before_triage_is_not_allowed() {
    let err = apply(&received(RequestKind::Access, noon(2025, 1, 10)), Event::Complete, noon(2025, 1, 10));
    assert_eq!(err, Err(TransitionError::NotAllowed { status: Status::Received, event: "complete" }));
}

#[test]
fn verifying_a_request_that_was_not_sent_for_verification_is_not_allowed() {
    let err = apply(&in_progress(noon(2025, 1, 10)), Event::Verified, noon(2025, 1, 11)).unwrap_err();
    assert_eq!(err, TransitionError::NotAllowed { status: Status::InProgress, event: "verified" });
}

#[test]
fn extending_while_awaiting_verification_is_not_allowed() {
    let r = step(&received(RequestKind::Access, noon(2025, 1, 10)), Event::RequireVerification, noon(2025, 1, 10));
    let err = apply(&r, extend(2), noon(2025, 1, 11)).unwrap_err();
    assert_eq!(err, TransitionError::NotAllowed { status: Status::AwaitingVerification, event: "extend" });
}

#[test]
fn an_event_dated_before_the_last_transition_is_refused() {
    let r = in_progress(noon(2025, 1, 10));
    let err = apply(&r, Event::Complete, noon(2025, 1, 9)).unwrap_err();
    assert_eq!(err, TransitionError::TimeWentBackwards { last: noon(2025, 1, 10), now: noon(2025, 1, 9) });
}

// Extensions.

#[test]
fn an_extension_of_two_months_moves_the_due_date_once_the_requester_is_told() {
    let r = in_progress(noon(2025, 1, 31)); // due 28 February
    let r = step(&r, extend(2), noon(2025, 2, 20));
    assert_eq!(r.status(), Status::Extended);
    let ext = r.extension().unwrap();
    assert_eq!((ext.months, ext.original_due, ext.extended_due), (2, day(2025, 2, 28), day(2025, 4, 28)));
    assert_eq!(r.due_on(), Some(day(2025, 2, 28)), "not effective until the requester is told");
    assert_eq!(
        r.notice_owed(),
        Some(NoticeOwed::Extension {
            request: RequestId(1),
            send_by: day(2025, 2, 28),
            extended_due: day(2025, 4, 28),
            reason: reason(),
        })
    );
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 2, 21));
    assert_eq!(r.notice_owed(), None);
    assert_eq!(r.due_on(), Some(day(2025, 4, 28)));
    assert_eq!(r.status(), Status::Extended);
}

#[test]
fn an_extension_of_one_month_is_allowed() {
    let r = step(&in_progress(noon(2025, 3, 31)), extend(1), noon(2025, 4, 1));
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 4, 1));
    assert_eq!(r.due_on(), Some(day(2025, 5, 30)));
}

#[test]
fn an_extension_decided_on_the_original_due_date_is_in_time() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 2, 10));
    assert_eq!(r.extension().unwrap().extended_due, day(2025, 4, 10));
}

#[test]
fn an_extension_without_an_explanation_is_refused() {
    let r = in_progress(noon(2025, 1, 10));
    for explanation in ["", "   \n"] {
        let event = Event::Extend { months: 2, reason: ExtensionReason::new(ExtensionGround::Complex, explanation) };
        assert_eq!(apply(&r, event, noon(2025, 1, 20)).unwrap_err(), TransitionError::ExtensionWithoutReason);
    }
}

#[test]
fn an_extension_after_the_original_due_date_is_refused() {
    let r = in_progress(noon(2025, 1, 10));
    let err = apply(&r, extend(2), noon(2025, 2, 11)).unwrap_err();
    assert_eq!(err, TransitionError::ExtensionTooLate { due_on: day(2025, 2, 10), today: day(2025, 2, 11) });
}

#[test]
fn an_extension_of_more_than_two_months_or_of_none_is_refused() {
    let r = in_progress(noon(2025, 1, 10));
    for months in [0, 3, 12] {
        assert_eq!(
            apply(&r, extend(months), noon(2025, 1, 20)).unwrap_err(),
            TransitionError::ExtensionLength { months }
        );
    }
}

#[test]
fn a_second_extension_is_refused_even_when_the_first_was_one_month() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(1), noon(2025, 1, 20));
    let err = apply(&r, extend(1), noon(2025, 1, 21)).unwrap_err();
    assert_eq!(err, TransitionError::AlreadyExtended { extended_due: day(2025, 3, 10) });
}

#[test]
fn an_extension_notice_sent_after_the_original_due_date_does_not_extend() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 2, 1));
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 2, 11));
    assert!(!r.extension().unwrap().notice_in_time());
    assert_eq!(r.notice_owed(), None);
    assert_eq!(r.due_on(), Some(day(2025, 2, 10)));
}

#[test]
fn an_extension_notice_is_recorded_once() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 1, 20));
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 1, 20));
    assert_eq!(
        apply(&r, Event::ExtensionNoticeSent, noon(2025, 1, 21)).unwrap_err(),
        TransitionError::NoticeAlreadySent
    );
}

#[test]
fn no_notice_is_owed_once_the_request_is_closed() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 1, 20));
    assert!(r.notice_owed().is_some());
    assert_eq!(step(&r, Event::Complete, noon(2025, 1, 21)).notice_owed(), None);
}

// Expiry.

#[test]
fn an_unverified_request_expires_only_after_the_verification_window() {
    assert_eq!(VERIFICATION_WINDOW_DAYS, 30);
    let r = step(&received(RequestKind::Access, noon(2025, 1, 10)), Event::RequireVerification, noon(2025, 1, 10));
    assert_eq!(r.verification_expires_on(), Some(day(2025, 2, 9)));
    let err = apply(&r, Event::Expire, noon(2025, 2, 9)).unwrap_err();
    assert_eq!(err, TransitionError::VerificationWindowOpen { expires_on: day(2025, 2, 9), today: day(2025, 2, 9) });
    assert_eq!(step(&r, Event::Verified, noon(2025, 2, 9)).status(), Status::InProgress);
    let expired = step(&r, Event::Expire, noon(2025, 2, 10));
    assert_eq!(expired.status(), Status::Expired);
    assert_eq!(expired.verification_expires_on(), None);
    assert_eq!(expired.due_on(), None);
}

#[test]
fn a_request_in_progress_never_expires() {
    let err = apply(&in_progress(noon(2025, 1, 10)), Event::Expire, noon(2026, 1, 10)).unwrap_err();
    assert_eq!(err, TransitionError::NotAllowed { status: Status::InProgress, event: "expire" });
}

// Refusals.

#[test]
fn an_objection_to_direct_marketing_is_refused_only_for_identity() {
    let kind = RequestKind::Objection { scope: ObjectionScope::DirectMarketing };
    let r = step(&received(kind, noon(2025, 1, 10)), Event::VerificationNotNeeded, noon(2025, 1, 10));
    for reason in RefusalReason::ALL {
        let result = apply(&r, Event::Refuse { reason }, noon(2025, 1, 11));
        let identity = matches!(reason, RefusalReason::IdentityNotConfirmed | RefusalReason::SuspectedFraud);
        assert_eq!(result.is_ok(), identity, "{reason:?}");
        if !identity {
            assert_eq!(result.unwrap_err(), TransitionError::RefusalNotAllowed { kind, reason });
        }
    }
}

#[test]
fn a_consent_withdrawal_cannot_be_refused_on_its_merits() {
    let kind = RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(purposes::MARKETING_EMAIL) };
    let r = received(kind, noon(2025, 1, 10));
    let err = apply(&r, Event::Refuse { reason: RefusalReason::ManifestlyExcessive }, noon(2025, 1, 10));
    assert!(matches!(err, Err(TransitionError::RefusalNotAllowed { .. })));
}

#[test]
fn compelling_legitimate_grounds_answer_only_an_objection_to_legitimate_interests() {
    let grounds = Event::Refuse { reason: RefusalReason::CompellingLegitimateGrounds };
    let li = received(RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests }, noon(2025, 1, 10));
    assert_eq!(
        step(&li, grounds.clone(), noon(2025, 1, 10)).status(),
        Status::Refused(RefusalReason::CompellingLegitimateGrounds)
    );
    for kind in [RequestKind::Erasure, RequestKind::Access, RequestKind::Restriction] {
        assert!(apply(&received(kind, noon(2025, 1, 10)), grounds.clone(), noon(2025, 1, 10)).is_err(), "{kind:?}");
    }
}

#[test]
fn access_always_applies_but_portability_may_not() {
    let not_applicable = Event::Refuse { reason: RefusalReason::RightDoesNotApply };
    assert!(
        apply(&received(RequestKind::Access, noon(2025, 1, 10)), not_applicable.clone(), noon(2025, 1, 10)).is_err()
    );
    assert!(apply(&received(RequestKind::Portability, noon(2025, 1, 10)), not_applicable, noon(2025, 1, 10)).is_ok());
}

// Replay and redaction.

#[test]
fn replaying_the_recorded_events_rebuilds_the_request() {
    let events = [
        (Event::RequireVerification, noon(2025, 1, 10)),
        (Event::Verified, noon(2025, 1, 12)),
        (extend(2), noon(2025, 2, 1)),
        (Event::ExtensionNoticeSent, noon(2025, 2, 1)),
        (Event::Complete, noon(2025, 3, 20)),
    ];
    let mut by_hand = received(RequestKind::Rectification, noon(2025, 1, 10));
    for (event, at) in events.clone() {
        by_hand = step(&by_hand, event, at);
    }
    let replayed =
        replay(RequestId(1), RequestKind::Rectification, ResponsePeriod::CalendarMonth, noon(2025, 1, 10), events)
            .unwrap();
    assert_eq!(replayed, by_hand);
    assert_eq!(replayed.extension().unwrap().extended_due, day(2025, 4, 12));
}

#[test]
fn replaying_an_illegal_history_fails() {
    let events = [(Event::Complete, noon(2025, 1, 10))];
    let err = replay(RequestId(1), RequestKind::Access, ResponsePeriod::CalendarMonth, noon(2025, 1, 10), events);
    assert!(matches!(err, Err(TransitionError::NotAllowed { .. })));
}

#[test]
fn debug_output_never_shows_the_extension_explanation() {
    let r = step(&in_progress(noon(2025, 1, 10)), extend(2), noon(2025, 1, 20));
    let shown = format!("{r:?} {:?}", r.notice_owed());
    assert!(!shown.contains("eleven"), "{shown}");
    assert!(shown.contains("<32 chars>"), "{shown}");
}
