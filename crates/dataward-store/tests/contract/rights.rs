//! The rights part of the store contract: requests rebuilt from their history, one-time codes,
//! rights flags, erasure (and a partner file that cannot bring the person back), rectification,
//! downloads and the outbox, on every backend.

use dataward_core::linkage::{MatchField, MatchRecord, Outcome, RecordParts};
use dataward_core::partner::IngestMode;
use dataward_core::profile::ResponsePeriod;
use dataward_core::rights::flags::{Flag, flag_change};
use dataward_core::rights::{
    Correction, Event, ObjectionScope, RefusalReason, RequestKind, Requester, RequesterForm, Status,
};
use dataward_store::rights::{CodeCheck, NewNotification, NewRightsRequest};
use dataward_store::testing::{backends, fresh_store};
use dataward_store::{Store, StoreError};
use jiff::ToSpan;

use super::{load, now, partner, pending, record};

fn requester() -> Requester {
    Requester::from_form(&RequesterForm {
        first_name: "Jane".into(),
        surname: "Smith".into(),
        email: Some("jane.smith@example.co.uk".into()),
        ..RequesterForm::default()
    })
    .unwrap()
}

async fn request(store: &Store, kind: RequestKind, token: u8) -> String {
    let who = requester();
    let new = NewRightsRequest {
        kind,
        channel: "portal",
        requester: &who,
        status_token: [token; 32],
        period: ResponsePeriod::CalendarMonth,
    };
    store.create_rights_request(&new, "portal", now()).await.unwrap().id
}

#[tokio::test]
async fn a_request_is_rebuilt_from_its_recorded_transitions_and_refuses_illegal_ones() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let id = request(&t.store, RequestKind::Objection { scope: ObjectionScope::DirectMarketing }, 1).await;
        let second = request(&t.store, RequestKind::Access, 2).await;
        let r = t.store.rights_request(&id).await.unwrap().unwrap();
        assert_eq!(r.reference(), "R000001");
        assert_eq!(r.request.status(), Status::Received);
        assert_eq!(r.requester, requester(), "the requester's details come back through the codec");
        let later = now() + 1.hour();
        t.store.transition_rights_request(&id, Event::RequireVerification, "portal", later).await.unwrap();
        let r = t.store.transition_rights_request(&id, Event::Verified, "requester", later + 1.hour()).await.unwrap();
        assert_eq!(r.request.status(), Status::InProgress);
        assert_eq!(r.request.due_on().unwrap().to_string(), "2026-12-23");
        // An objection to direct marketing is absolute: it cannot be refused as unfounded.
        let refused = t
            .store
            .transition_rights_request(
                &id,
                Event::Refuse { reason: RefusalReason::ManifestlyUnfounded },
                "staff:1",
                later + 2.hours(),
            )
            .await;
        assert!(matches!(refused, Err(StoreError::Transition(_))), "{backend:?}");
        let by_ref = t.store.rights_request_by_reference("R000002").await.unwrap().unwrap();
        assert_eq!(by_ref.id, second);
        assert_eq!(t.store.rights_request_by_token(&[1; 32]).await.unwrap().unwrap().id, id);
        assert!(t.store.rights_request_by_token(&[9; 32]).await.unwrap().is_none());
        let history = t.store.rights_history(&id).await.unwrap();
        let kinds: Vec<&str> = history.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["received", "transition", "transition"]);
        assert_eq!(history[2].actor, "requester");
        t.store.transition_rights_request(&id, Event::Complete, "staff:1", later + 3.hours()).await.unwrap();
        let open: Vec<String> = t.store.open_rights_requests().await.unwrap().into_iter().map(|r| r.id).collect();
        assert_eq!(open, vec![second], "{backend:?}");
    }
}

#[tokio::test]
async fn a_code_is_accepted_once_counts_wrong_guesses_and_expires() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let id = request(&t.store, RequestKind::Access, 1).await;
        t.store.set_rights_code(&id, &[7; 32], now() + 30.minutes()).await.unwrap();
        assert_eq!(
            t.store.check_rights_code(&id, &[8; 32], now()).await.unwrap(),
            CodeCheck::Wrong { attempts_left: 4 }
        );
        assert_eq!(t.store.check_rights_code(&id, &[7; 32], now()).await.unwrap(), CodeCheck::Accepted);
        assert_eq!(t.store.check_rights_code(&id, &[7; 32], now()).await.unwrap(), CodeCheck::Void, "used once");
        t.store.set_rights_code(&id, &[5; 32], now() + 30.minutes()).await.unwrap();
        assert_eq!(t.store.check_rights_code(&id, &[5; 32], now() + 31.minutes()).await.unwrap(), CodeCheck::Void);
        t.store.set_rights_code(&id, &[6; 32], now() + 30.minutes()).await.unwrap();
        for _ in 0..5 {
            t.store.check_rights_code(&id, &[1; 32], now()).await.unwrap();
        }
        assert_eq!(t.store.check_rights_code(&id, &[6; 32], now()).await.unwrap(), CodeCheck::Void, "{backend:?}");
    }
}

#[tokio::test]
async fn flags_follow_the_persons_records_and_lifting_a_restriction_clears_it() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "compare-hub").await;
        load(
            &t.store,
            &p,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA"))],
        )
        .await;
        let jane = super::person_of(&t.store, "jane.smith@example.co.uk").await;
        let id = request(&t.store, RequestKind::Restriction, 1).await;
        let changed = t
            .store
            .change_subject_flags(
                std::slice::from_ref(&jane),
                &flag_change(RequestKind::Restriction),
                &id,
                dataward_core::audit::Actor::Cli,
                now(),
            )
            .await
            .unwrap();
        assert_eq!(changed, 1);
        assert!(t.store.subject_flags(&jane).await.unwrap().contains(&Flag::Restricted));
        t.store
            .change_subject_flags(
                std::slice::from_ref(&jane),
                &flag_change(RequestKind::LiftRestriction),
                &id,
                dataward_core::audit::Actor::Cli,
                now(),
            )
            .await
            .unwrap();
        assert!(t.store.subject_flags(&jane).await.unwrap().is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn a_restriction_survives_the_partner_refreshing_the_record_it_was_set_on() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "compare-hub").await;
        let row = || record("a1", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, row())]).await;
        let jane = super::person_of(&t.store, "jane.smith@example.co.uk").await;
        let id = request(&t.store, RequestKind::Restriction, 1).await;
        t.store
            .change_subject_flags(
                std::slice::from_ref(&jane),
                &flag_change(RequestKind::Restriction),
                &id,
                dataward_core::audit::Actor::Cli,
                now(),
            )
            .await
            .unwrap();
        // The partner's next full file carries the same row: the old record is replaced.
        let refreshed = load(&t.store, &p, IngestMode::Refresh, vec![pending(2, row())]).await;
        assert_eq!(refreshed.removed_records, 1, "{backend:?}");
        let now_jane = super::person_of(&t.store, "jane.smith@example.co.uk").await;
        assert!(
            t.store.subject_flags(&now_jane).await.unwrap().contains(&Flag::Restricted),
            "{backend:?}: the restriction is still on the person after the refresh"
        );
        let orphans: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM rights_flags f WHERE NOT EXISTS (SELECT 1 FROM source_records s WHERE s.id = f.source_record_id)",
        )
        .fetch_one(&sqlx::AnyPool::connect(&t.url).await.unwrap())
        .await
        .unwrap();
        assert_eq!(orphans.0, 0, "{backend:?}: no flag is left on a removed record");
    }
}

#[tokio::test]
async fn erasure_removes_every_record_and_the_same_row_cannot_come_back() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "compare-hub").await;
        let b = partner(&t.store, "prize-draws").await;
        let row = || record("a1", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA");
        load(&t.store, &a, IngestMode::Append, vec![pending(2, row())]).await;
        load(
            &t.store,
            &b,
            IngestMode::Append,
            vec![pending(2, record("b7", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA"))],
        )
        .await;
        load(
            &t.store,
            &b,
            IngestMode::Append,
            vec![pending(3, record("b8", "Tom", "Jones", "tom@example.com", "M1 1AE"))],
        )
        .await;
        let jane = super::person_of(&t.store, "jane.smith@example.co.uk").await;
        let summary =
            t.store.erase_persons(std::slice::from_ref(&jane), dataward_core::audit::Actor::Cli, now()).await.unwrap();
        assert_eq!(summary.records, 2);
        assert_eq!(summary.partners, vec!["compare-hub".to_string(), "prize-draws".to_string()]);
        assert!(summary.suppressed_identifiers >= 1);
        assert!(t.store.persons_with_value("email", "jane.smith@example.co.uk").await.unwrap().is_empty());
        assert!(t.store.person_values(&jane).await.unwrap().is_empty());
        assert_eq!(super::person_of(&t.store, "tom@example.com").await.len(), 36, "others are untouched");
        // Crypto-erasure: no data key of the person's records is left.
        let keys: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM record_keys WHERE person_id = $1")
            .bind(&jane)
            .fetch_one(&sqlx::AnyPool::connect(&t.url).await.unwrap())
            .await
            .unwrap();
        assert_eq!(keys.0, 0, "{backend:?}: the erased person's data keys are destroyed");
        let audit = t.store.audit_entries().await.unwrap();
        let erased = audit.iter().find(|e| e.action == "rights_erase").expect("the erasure is audited");
        assert_eq!(erased.actor, "cli");
        assert!(!erased.detail.contains("jane"), "{backend:?}: no personal value in the audit log");
        assert!(t.store.verify_audit().await.unwrap().first_break.is_none(), "{backend:?}");
        // The partner sends the very same row again: it is counted, not stored.
        let again = load(
            &t.store,
            &a,
            IngestMode::Append,
            vec![pending(5, row()), pending(6, record("a2", "Amy", "Lee", "amy@example.com", "M1 1AE"))],
        )
        .await;
        assert_eq!(again.erased_lines, vec![5], "{backend:?}");
        assert_eq!(again.accepted, 1);
        assert!(
            t.store.persons_with_value("email", "jane.smith@example.co.uk").await.unwrap().is_empty(),
            "{backend:?}"
        );
    }
}

#[tokio::test]
async fn rectification_rewrites_the_field_on_every_source_record() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "compare-hub").await;
        let b = partner(&t.store, "prize-draws").await;
        load(
            &t.store,
            &a,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA"))],
        )
        .await;
        load(
            &t.store,
            &b,
            IngestMode::Append,
            vec![pending(2, record("b1", "Jane", "Smith", "jane.smith@example.co.uk", "LS6 2AA"))],
        )
        .await;
        let jane = super::person_of(&t.store, "jane.smith@example.co.uk").await;
        let fix = Correction { field: "postcode".into(), value: "LS6 3BB".into() };
        let summary = t
            .store
            .rectify_persons(std::slice::from_ref(&jane), &[fix], dataward_core::audit::Actor::Cli, now())
            .await
            .unwrap();
        assert_eq!(summary.fields, vec![("postcode".to_string(), 2)]);
        let postcodes: Vec<String> = t
            .store
            .person_values(&jane)
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.field == "postcode")
            .map(|v| v.value)
            .collect();
        assert_eq!(postcodes, vec!["LS6 3BB", "LS6 3BB"], "{backend:?}");
        assert_eq!(t.store.persons_with_value("postcode", "LS6 3BB").await.unwrap(), vec![jane.clone()]);
        assert!(t.store.persons_with_value("postcode", "LS6 2AA").await.unwrap().is_empty());
        // The identity engine sees the corrected values: matching forms and blocking keys follow.
        let fix = Correction { field: "email".into(), value: "jane.new@example.com".into() };
        t.store
            .rectify_persons(std::slice::from_ref(&jane), &[fix], dataward_core::audit::Actor::Cli, now())
            .await
            .unwrap();
        let query = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Smith"),
            date_of_birth: Some("1980-03-12"),
            email: Some("jane.new@example.com"),
            ..RecordParts::default()
        });
        let thresholds = dataward_core::profile::LinkageThresholds { link: 0.999, possible: 0.9 };
        let found = t.store.match_person(&query, &thresholds, now()).await.unwrap();
        assert_eq!(found.person_id.as_ref(), Some(&jane), "{backend:?}: {found:?}");
        let email = found.fields.iter().find(|f| f.field == MatchField::Email).unwrap();
        assert_eq!(email.outcome, Outcome::Agree, "{backend:?}: the corrected email is what is compared");
    }
}

#[tokio::test]
async fn a_download_is_taken_once_and_not_after_it_expires() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let id = request(&t.store, RequestKind::Portability, 1).await;
        t.store.create_download(&id, &[3; 32], "json", "{\"email\":\"x\"}", now() + 168.hours()).await.unwrap();
        let got = t.store.take_download(&[3; 32], now()).await.unwrap().unwrap();
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2.as_str()), (id.as_str(), "json", "{\"email\":\"x\"}"));
        assert!(t.store.take_download(&[3; 32], now()).await.unwrap().is_none(), "{backend:?}");
        t.store.create_download(&id, &[4; 32], "csv", "a,b", now() + 168.hours()).await.unwrap();
        assert!(t.store.take_download(&[4; 32], now() + 192.hours()).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn the_outbox_retries_until_sent_and_forgets_the_body_once_sent() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let id = request(&t.store, RequestKind::Erasure, 1).await;
        let n = NewNotification {
            request_id: Some(id.clone()),
            recipient_kind: "client",
            recipient_id: Some("c1".into()),
            channel: "email",
            address: "dpo@client.example".into(),
            subject: "Erasure notice".into(),
            body: "Please erase".into(),
        };
        let ids = t.store.enqueue_notifications(&[n], now()).await.unwrap();
        assert!(
            t.store.due_notifications(now(), 10, &["sms", "webhook"]).await.unwrap().is_empty(),
            "{backend:?}: a pass over other channels leaves the email waiting"
        );
        let due = t.store.due_notifications(now(), 10, &["webhook", "email", "sms"]).await.unwrap();
        assert_eq!(due.len(), 1, "{backend:?}");
        assert_eq!(due[0].address, "dpo@client.example");
        t.store.notification_failed(&ids[0], "connection refused", Some(now() + 5.minutes())).await.unwrap();
        assert!(t.store.due_notifications(now() + 1.minute(), 10, &["email"]).await.unwrap().is_empty());
        let due = t.store.due_notifications(now() + 6.minutes(), 10, &["email"]).await.unwrap();
        assert_eq!(due[0].attempts, 1);
        t.store.notification_sent(&ids[0], now() + 6.minutes()).await.unwrap();
        let listed = t.store.request_notifications(&id).await.unwrap();
        assert_eq!((listed[0].status.as_str(), listed[0].attempts), ("sent", 2), "{backend:?}");
        assert!(t.store.due_notifications(now() + 1.hour(), 10, &["email"]).await.unwrap().is_empty());
    }
}
