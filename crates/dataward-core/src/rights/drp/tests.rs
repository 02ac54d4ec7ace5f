//! The Data Rights Protocol view of every status.

use super::super::fixtures::*;
use super::*;
use crate::rights::{Event, RequestKind, Status};

#[test]
fn a_request_not_yet_triaged_is_open_and_expected_by_its_due_date() {
    let view = drp_view(&received(RequestKind::Access, noon(2025, 1, 31)));
    assert_eq!(
        view,
        DrpView {
            status: DrpStatus::Open,
            reason: None,
            received_at: noon(2025, 1, 31),
            expected_by: Some(day(2025, 2, 28))
        }
    );
}

#[test]
fn a_request_awaiting_verification_is_in_progress_needing_verification_until_the_window_closes() {
    let r = step(&received(RequestKind::Access, noon(2025, 1, 10)), Event::RequireVerification, noon(2025, 1, 10));
    let view = drp_view(&r);
    assert_eq!(view.status, DrpStatus::InProgress);
    assert_eq!(view.reason, Some(DrpReason::NeedUserVerification));
    assert_eq!(view.expected_by, Some(day(2025, 2, 9)));
}

#[test]
fn a_request_in_progress_is_expected_by_its_due_date_and_by_the_extended_date_once_told() {
    let r = in_progress(noon(2025, 1, 10));
    assert_eq!(drp_view(&r).status, DrpStatus::InProgress);
    assert_eq!(drp_view(&r).expected_by, Some(day(2025, 2, 10)));
    let r = step(&r, extend(2), noon(2025, 1, 20));
    assert_eq!((drp_view(&r).status, drp_view(&r).expected_by), (DrpStatus::InProgress, Some(day(2025, 2, 10))));
    let r = step(&r, Event::ExtensionNoticeSent, noon(2025, 1, 20));
    assert_eq!(drp_view(&r).expected_by, Some(day(2025, 4, 10)));
}

#[test]
fn final_statuses_map_to_fulfilled_denied_revoked_and_expired_with_no_expected_date() {
    let t = noon(2025, 1, 10);
    let progress = in_progress(t);
    let awaiting = step(&received(RequestKind::Access, t), Event::RequireVerification, t);
    let cases = [
        (step(&progress, Event::Complete, t), DrpStatus::Fulfilled, None),
        (
            step(&progress, Event::Refuse { reason: RefusalReason::IdentityNotConfirmed }, t),
            DrpStatus::Denied,
            Some(DrpReason::InsufVerification),
        ),
        (step(&progress, Event::Revoke, t), DrpStatus::Revoked, None),
        (step(&awaiting, Event::Expire, noon(2025, 3, 1)), DrpStatus::Expired, None),
    ];
    for (request, status, reason) in cases {
        let view = drp_view(&request);
        assert_eq!((view.status, view.reason, view.expected_by), (status, reason, None), "{:?}", request.status());
    }
}

#[test]
fn every_refusal_reason_has_a_drp_reason() {
    let expected = [
        (RefusalReason::IdentityNotConfirmed, "insuf_verification"),
        (RefusalReason::SuspectedFraud, "suspected_fraud"),
        (RefusalReason::ManifestlyUnfounded, "other"),
        (RefusalReason::ManifestlyExcessive, "too_many_requests"),
        (RefusalReason::RightDoesNotApply, "claim_not_covered"),
        (RefusalReason::ExemptionApplies, "claim_not_covered"),
        (RefusalReason::CompellingLegitimateGrounds, "claim_not_covered"),
    ];
    assert_eq!(expected.len(), RefusalReason::ALL.len());
    for (reason, drp) in expected {
        assert_eq!(DrpReason::for_refusal(reason).as_str(), drp);
        assert_eq!(RefusalReason::parse(reason.as_str()), Some(reason));
    }
    assert_eq!(Status::Refused(RefusalReason::SuspectedFraud).to_string(), "refused (suspected_fraud)");
}

#[test]
fn the_view_serialises_with_drp_names() {
    let json = serde_json::to_value(drp_view(&in_progress(noon(2025, 1, 10)))).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"status": "in_progress", "received_at": "2025-01-10T12:00:00Z", "expected_by": "2025-02-10"})
    );
}
