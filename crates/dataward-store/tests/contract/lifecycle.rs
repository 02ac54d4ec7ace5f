//! The lifecycle part of the store contract: partner withdrawal, legal holds and purges (the
//! six-month rights-only hold and retention, with a moved clock), on every backend.

use dataward_core::fields::Field;
use dataward_core::lifecycle::retention::PurgeReason;
use dataward_core::partner::{Channel, IngestMode, PartnerStatus};
use dataward_core::profile::LinkageThresholds;
use dataward_core::record::{CleanRecord, clean_row};
use dataward_core::taxonomy::purposes;
use dataward_store::lifecycle::holds::HoldSubject;
use dataward_store::lifecycle::purge::PurgeRequest;
use dataward_store::partners::{NewPartner, Partner};
use dataward_store::release::{Disclosure, RequestRecord};
use dataward_store::testing::{TestStore, backends, fresh_store};
use dataward_store::{Store, StoreError};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::{pending, source};

const THRESHOLDS: LinkageThresholds = LinkageThresholds { link: 0.999, possible: 0.9 };
const HOLD_DAYS: u32 = 183;

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn days_after(t: Timestamp, days: i64) -> Timestamp {
    t.checked_add(SignedDuration::from_hours(24 * days)).unwrap()
}

fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// A record of one of a few distinct people (each first name has its own address and birthday).
fn person_record(id: &str, first: &str, surname: &str, email: &str, collected: Option<&str>) -> CleanRecord {
    let (line, postcode, dob) = match first {
        "Jane" => ("12 Oak Road", "LS6 2AB", "1984-07-21"),
        "Tom" => ("3 Elm Street", "M1 1AE", "1975-05-02"),
        "Ann" => ("7 Mill Lane", "BS1 4DJ", "1990-01-15"),
        "Bob" => ("22 High Street", "CF10 1AA", "1968-11-30"),
        _ => ("1 Station Road", "EH1 1YZ", "1959-09-09"),
    };
    let mut fields = vec![
        (Field::PartnerRecordId, id),
        (Field::FirstName, first),
        (Field::Surname, surname),
        (Field::Email, email),
        (Field::AddressLine(1), line),
        (Field::Postcode, postcode),
        (Field::DateOfBirth, dob),
    ];
    if let Some(c) = collected {
        fields.push((Field::CollectedOn, c));
    }
    clean_row(&fields, jiff::civil::date(2026, 11, 23)).expect("valid test record")
}

async fn partner_with(store: &Store, name: &str, retention_days: u32) -> Partner {
    let new = NewPartner { name: name.into(), channel: Channel::Competition, retention_days };
    store.add_partner(&new, at("2025-01-01T00:00:00Z")).await.unwrap().0
}

async fn load_at(store: &Store, p: &Partner, when: Timestamp, records: Vec<CleanRecord>) {
    let mut tx = store.begin_ingest(p, source(IngestMode::Append), when).await.unwrap();
    let rows = records.into_iter().enumerate().map(|(i, r)| pending(i as u64 + 2, r)).collect();
    tx.write_records(rows).await.unwrap();
    tx.finish("abc", 0, &[]).await.unwrap();
}

fn purge_at(now: Timestamp, apply: bool) -> PurgeRequest {
    PurgeRequest {
        now,
        today: utc_date(now),
        hold_days: HOLD_DAYS,
        thresholds: THRESHOLDS,
        apply,
        actor: dataward_core::audit::Actor::System,
    }
}

fn query(first: &str, surname: &str, email: &str) -> dataward_core::linkage::MatchRecord {
    dataward_core::linkage::MatchRecord::from_clean(&person_record("q", first, surname, email, None))
}

async fn count(t: &TestStore, sql: &str) -> i64 {
    let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let n: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&pool).await.unwrap();
    pool.close().await;
    n.0
}

/// Two partners: `stay` holds Jane, `leave` holds Tom (only through it) and a copy of Jane.
async fn two_partners(t: &TestStore, loaded: Timestamp) -> (Partner, Partner) {
    let stay = partner_with(&t.store, "stay-co", 3650).await;
    let leave = partner_with(&t.store, "leave-co", 3650).await;
    load_at(&t.store, &stay, loaded, vec![person_record("s1", "Jane", "Whitfield", "jane@example.co.uk", None)]).await;
    load_at(
        &t.store,
        &leave,
        loaded,
        vec![
            person_record("l1", "Tom", "Jones", "tom@example.com", None),
            person_record("l2", "Jane", "Whitfield", "jane@example.co.uk", None),
        ],
    )
    .await;
    (stay, leave)
}

#[tokio::test]
async fn a_withdrawn_partner_is_withdrawn_at_once_and_only_once() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let loaded = at("2026-01-10T09:00:00Z");
        let (_, leave) = two_partners(&t, loaded).await;
        let when = at("2026-02-01T12:00:00Z");
        let withdrawn = t
            .store
            .withdraw_partner("leave-co", Some("contract ended"), when, dataward_core::audit::Actor::Cli)
            .await
            .unwrap();
        assert_eq!(withdrawn.status, PartnerStatus::Withdrawn, "{backend:?}");
        assert_eq!(withdrawn.withdrawn_at.as_deref(), Some("2026-02-01T12:00:00Z"));
        assert_eq!(withdrawn.withdrawal_reason.as_deref(), Some("contract ended"));
        assert_eq!(withdrawn.id, leave.id);
        let again =
            t.store.withdraw_partner("leave-co", None, when, dataward_core::audit::Actor::Cli).await.unwrap_err();
        assert!(matches!(&again, StoreError::Conflict(m) if m.contains("already withdrawn")), "{again}");
        assert!(matches!(
            t.store.withdraw_partner("nobody", None, when, dataward_core::audit::Actor::Cli).await,
            Err(StoreError::NotFound { .. })
        ));
    }
}

/// A match reads which model is active in the same statement as its blocks and keeps the
/// parameters it parsed: a model made active by another process must still decide the next match.
#[tokio::test]
async fn a_model_made_active_by_another_process_decides_the_next_match() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-02-01T12:00:00Z");
        two_partners(&t, at("2026-01-10T09:00:00Z")).await;
        let jane = query("Jane", "Whitfield", "jane@example.co.uk");
        let before = t.store.match_person(&jane, &THRESHOLDS, now).await.unwrap();
        let bootstrap = t.store.linkage_model().await.unwrap().expect("a model").id.clone();
        let other =
            Store::open(&t.url, dataward_store::testing::test_indexer(), dataward_store::testing::test_master_key())
                .await
                .unwrap();
        let trained = other.train_linkage(now).await.unwrap();
        assert_ne!(trained.model_id, bootstrap);
        let after = t.store.match_person(&jane, &THRESHOLDS, now).await.unwrap();
        let fresh =
            Store::open(&t.url, dataward_store::testing::test_indexer(), dataward_store::testing::test_master_key())
                .await
                .unwrap();
        let expected = fresh.match_person(&jane, &THRESHOLDS, now).await.unwrap();
        assert_eq!(after.weight, expected.weight, "{backend:?}: the match kept the replaced model");
        assert_ne!(after.weight, before.weight, "{backend:?}: the trained model scores as the bootstrap did");
        other.close().await;
        fresh.close().await;
    }
}

#[tokio::test]
async fn client_matching_ignores_a_withdrawn_partners_records_but_rights_matching_still_finds_them() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-02-01T12:00:00Z");
        two_partners(&t, at("2026-01-10T09:00:00Z")).await;
        let tom = query("Tom", "Jones", "tom@example.com");
        let jane = query("Jane", "Whitfield", "jane@example.co.uk");
        assert!(t.store.match_releasable_person(&tom, &THRESHOLDS, now).await.unwrap().person_id.is_some());
        t.store.withdraw_partner("leave-co", None, now, dataward_core::audit::Actor::Cli).await.unwrap();
        let for_client = t.store.match_releasable_person(&tom, &THRESHOLDS, now).await.unwrap();
        assert_eq!(for_client.person_id, None, "{backend:?}: Tom is held only through the withdrawn partner");
        let for_rights = t.store.match_person(&tom, &THRESHOLDS, now).await.unwrap();
        assert!(for_rights.person_id.is_some(), "access requests still find Tom during the hold");
        let jane_found = t.store.match_releasable_person(&jane, &THRESHOLDS, now).await.unwrap();
        let person = jane_found.person_id.expect("Jane is still held through the active partner");
        let candidates = t.store.release_candidates(&person).await.unwrap();
        assert!(candidates.iter().any(|c| c.partner == "leave-co" && c.partner_status == "withdrawn"));
        assert!(candidates.iter().any(|c| c.partner == "stay-co" && c.partner_status == "active"));
    }
}

#[tokio::test]
async fn a_withdrawn_partners_records_are_purged_when_the_six_month_hold_ends_leaving_the_ledger() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let withdrawn_at = at("2026-02-01T12:00:00Z");
        let (_, leave) = two_partners(&t, at("2026-01-10T09:00:00Z")).await;
        let tom = t.store.match_person(&query("Tom", "Jones", "tom@example.com"), &THRESHOLDS, withdrawn_at).await;
        let tom = tom.unwrap().person_id.unwrap();
        // Something of Tom was released before the withdrawal: the ledger row must outlive him.
        let (client, _) = t.store.add_client("acme", &[purposes::TRACING], withdrawn_at).await.unwrap();
        let record_id: (String,) = sqlx::query_as("SELECT id FROM source_records WHERE partner_record_id = 'l1'")
            .fetch_one(&sqlx::AnyPool::connect(&t.url).await.unwrap())
            .await
            .unwrap();
        let request = RequestRecord {
            id: "req-1".into(),
            client_id: client.id.clone(),
            kind: "trace".into(),
            purpose: "tracing".into(),
            at: "2026-01-20T10:00:00Z".into(),
            person_id: Some(tom.clone()),
            band: "link".into(),
        };
        let disclosure = Disclosure {
            basis: "legitimate_interests".into(),
            category: "user.contact.email".into(),
            field: "email".into(),
            disclosure: "value",
            source_record_id: record_id.0,
            partner_id: leave.id.clone(),
        };
        t.store.record_release(&request, &[], &[disclosure]).await.unwrap();
        t.store
            .withdraw_partner(
                "leave-co",
                Some("stopped working with us"),
                withdrawn_at,
                dataward_core::audit::Actor::Cli,
            )
            .await
            .unwrap();

        let still_in_hold = days_after(withdrawn_at, 182);
        let report = t.store.purge(&purge_at(still_in_hold, true)).await.unwrap();
        assert!(report.is_empty(), "{backend:?}: nothing is purged during the hold: {report:?}");
        assert!(!t.store.held_facts(&tom).await.unwrap().is_empty(), "visible to access reports during the hold");

        let hold_over = days_after(withdrawn_at, 183);
        let dry = t.store.purge(&purge_at(hold_over, false)).await.unwrap();
        assert_eq!((dry.applied, dry.records, dry.persons_removed), (false, 2, 1), "{backend:?}: {dry:?}");
        assert_eq!(dry.partners.len(), 1);
        assert_eq!(dry.partners[0].partner, "leave-co");
        assert_eq!(dry.partners[0].reason, PurgeReason::WithdrawalHoldEnded);
        assert_eq!(dry.partners[0].categories["user.contact.email"], 2);
        assert_eq!(count(&t, "SELECT COUNT(*) FROM source_records").await, 3, "a dry run changes nothing");

        let applied = t.store.purge(&purge_at(hold_over, true)).await.unwrap();
        assert_eq!(
            (applied.applied, applied.records, applied.values, applied.persons_removed),
            (true, dry.records, dry.values, 1)
        );
        let leave_records = format!("(SELECT id FROM source_records WHERE partner_id = '{}')", leave.id);
        assert_eq!(
            count(&t, &format!("SELECT COUNT(*) FROM source_records WHERE partner_id = '{}'", leave.id)).await,
            0
        );
        for table in ["record_values", "match_records", "blocking_keys", "selection_facets"] {
            let sql = format!(
                "SELECT COUNT(*) FROM {table} WHERE person_id = '{tom}' OR source_record_id NOT IN (SELECT id FROM source_records)"
            );
            assert_eq!(count(&t, &sql).await, 0, "{backend:?}: {table} keeps nothing of the purged records");
        }
        assert_eq!(count(&t, &format!("SELECT COUNT(*) FROM persons WHERE id = '{tom}'")).await, 0, "Tom is gone");
        assert_eq!(count(&t, "SELECT COUNT(*) FROM persons").await, 1, "Jane stays through the other partner");
        assert_eq!(count(&t, &format!("SELECT COUNT(*) FROM source_records WHERE id IN {leave_records}")).await, 0);
        assert_eq!(count(&t, "SELECT COUNT(*) FROM disclosures WHERE request_id = 'req-1'").await, 1, "ledger kept");
        assert_eq!(count(&t, "SELECT COUNT(*) FROM purge_runs").await, 1);
        let partner = t.store.partner_by_name("leave-co").await.unwrap();
        assert_eq!(partner.purged_at, Some(hold_over.to_string()));
        assert!(t.store.purge(&purge_at(days_after(hold_over, 1), true)).await.unwrap().is_empty(), "done once");
    }
}

#[tokio::test]
async fn records_past_their_partners_retention_are_purged_counting_from_collection_or_receipt() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner_with(&t.store, "comp-co", 365).await;
        let received = at("2026-03-01T10:00:00Z");
        load_at(
            &t.store,
            &p,
            received,
            vec![
                person_record("old", "Ann", "Old", "ann@example.com", Some("2025-06-01")),
                person_record("new", "Bob", "New", "bob@example.com", Some("2026-02-01")),
                person_record("undated", "Cy", "Undated", "cy@example.com", None),
            ],
        )
        .await;
        let before = at("2026-05-31T12:00:00Z");
        assert!(t.store.purge(&purge_at(before, false)).await.unwrap().is_empty(), "{backend:?}");
        let on_the_day = at("2026-06-01T12:00:00Z");
        let report = t.store.purge(&purge_at(on_the_day, true)).await.unwrap();
        assert_eq!((report.records, report.persons_removed), (1, 1), "{backend:?}: only Ann's record");
        assert_eq!(report.partners[0].reason, PurgeReason::RetentionExpired);
        let left = count(&t, "SELECT COUNT(*) FROM source_records WHERE partner_record_id IN ('new', 'undated')").await;
        assert_eq!(left, 2);
        // The undated record runs from its receipt (2026-03-01); Bob's from collection (2026-02-01).
        let report = t.store.purge(&purge_at(at("2027-02-01T12:00:00Z"), true)).await.unwrap();
        assert_eq!(report.records, 1, "Bob's record");
        let report = t.store.purge(&purge_at(at("2027-03-01T12:00:00Z"), true)).await.unwrap();
        assert_eq!(report.records, 1, "the undated record");
        assert_eq!(count(&t, "SELECT COUNT(*) FROM persons").await, 0);
    }
}

#[tokio::test]
async fn a_legal_hold_keeps_records_from_a_purge_until_it_is_lifted() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let withdrawn_at = at("2026-02-01T12:00:00Z");
        two_partners(&t, at("2026-01-10T09:00:00Z")).await;
        let tom = t.store.match_person(&query("Tom", "Jones", "tom@example.com"), &THRESHOLDS, withdrawn_at).await;
        let tom = tom.unwrap().person_id.unwrap();
        t.store.withdraw_partner("leave-co", None, withdrawn_at, dataward_core::audit::Actor::Cli).await.unwrap();
        let blank = t
            .store
            .add_hold(&HoldSubject::PersonId(tom.clone()), "  ", withdrawn_at, dataward_core::audit::Actor::Cli)
            .await
            .unwrap_err();
        assert!(matches!(&blank, StoreError::Invalid(m) if m.contains("reason")), "{blank}");
        let missing = t
            .store
            .add_hold(
                &HoldSubject::PersonId("no-such-person".into()),
                "case 1",
                withdrawn_at,
                dataward_core::audit::Actor::Cli,
            )
            .await;
        assert!(matches!(missing, Err(StoreError::NotFound { what: "person", .. })));
        let hold = t
            .store
            .add_hold(
                &HoldSubject::PersonId(tom.clone()),
                "litigation ref 42",
                withdrawn_at,
                dataward_core::audit::Actor::Cli,
            )
            .await
            .unwrap();
        assert_eq!(t.store.list_holds(false).await.unwrap(), vec![hold.clone()]);

        let hold_over = days_after(withdrawn_at, 200);
        let report = t.store.purge(&purge_at(hold_over, true)).await.unwrap();
        assert_eq!(report.records, 1, "{backend:?}: Jane's copy goes, Tom's record is kept: {report:?}");
        assert_eq!(report.held_back.len(), 1);
        assert_eq!(report.held_back[0].records, 1);
        assert_eq!(count(&t, &format!("SELECT COUNT(*) FROM persons WHERE id = '{tom}'")).await, 1);
        assert!(t.store.partner_by_name("leave-co").await.unwrap().purged_at.is_none(), "not all of it is gone");

        let lifted =
            t.store.lift_hold(&hold.id, "case settled", hold_over, dataward_core::audit::Actor::Cli).await.unwrap();
        assert_eq!(lifted.lifted_at, Some(hold_over.to_string()));
        assert!(matches!(
            t.store.lift_hold(&hold.id, "again", hold_over, dataward_core::audit::Actor::Cli).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(t.store.list_holds(false).await.unwrap().is_empty());
        assert_eq!(t.store.list_holds(true).await.unwrap().len(), 1);
        let report = t.store.purge(&purge_at(days_after(hold_over, 1), true)).await.unwrap();
        assert_eq!((report.records, report.persons_removed), (1, 1), "{backend:?}");
        assert_eq!(count(&t, &format!("SELECT COUNT(*) FROM persons WHERE id = '{tom}'")).await, 0);
    }
}

#[tokio::test]
async fn a_hold_on_a_partner_keeps_all_of_its_records() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let withdrawn_at = at("2026-02-01T12:00:00Z");
        two_partners(&t, at("2026-01-10T09:00:00Z")).await;
        t.store.withdraw_partner("leave-co", None, withdrawn_at, dataward_core::audit::Actor::Cli).await.unwrap();
        let hold = t
            .store
            .add_hold(
                &HoldSubject::PartnerName("leave-co".into()),
                "ICO inquiry",
                withdrawn_at,
                dataward_core::audit::Actor::Cli,
            )
            .await;
        assert_eq!(hold.unwrap().partner.as_deref(), Some("leave-co"));
        let report = t.store.purge(&purge_at(days_after(withdrawn_at, 365), true)).await.unwrap();
        assert_eq!(report.records, 0, "{backend:?}");
        assert_eq!(report.held_back[0].records, 2);
        assert_eq!(count(&t, "SELECT COUNT(*) FROM source_records").await, 3);
    }
}

/// A lifecycle action and its audit entry commit together: when the entry cannot be appended
/// (here the chain's head row is gone), the withdrawal and the hold are not kept either.
#[tokio::test]
async fn a_withdrawal_or_a_hold_whose_audit_entry_fails_is_not_kept() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let when = at("2026-03-01T10:00:00Z");
        partner_with(&t.store, "leave-co", 365).await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        sqlx::query("DELETE FROM audit_head").execute(&pool).await.unwrap();
        pool.close().await;

        let actor = dataward_core::audit::Actor::Cli;
        let withdrawn = t.store.withdraw_partner("leave-co", Some("contract ended"), when, actor.clone()).await;
        assert!(withdrawn.is_err(), "{backend:?}: the audit append must fail");
        let partner = t.store.partner_by_name("leave-co").await.unwrap();
        assert_eq!(partner.status, PartnerStatus::Active, "{backend:?}: an unaudited withdrawal is not kept");

        let subject = HoldSubject::PartnerName("leave-co".into());
        assert!(t.store.add_hold(&subject, "litigation", when, actor).await.is_err(), "{backend:?}");
        assert_eq!(count(&t, "SELECT COUNT(*) FROM legal_holds").await, 0, "{backend:?}: no unaudited hold");
    }
}
