//! The breach part of the store contract: incidents opened, listed and closed, and the values an
//! exposure concerns found from the provenance and the ledger, on every backend.

use dataward_core::breach::assessment::assess;
use dataward_core::breach::clock::ReportingClock;
use dataward_core::breach::exposure::Exposure;
use dataward_core::partner::IngestMode;
use dataward_core::taxonomy::{categories, purposes};
use dataward_store::Store;
use dataward_store::StoreError;
use dataward_store::breaches::NewBreach;
use dataward_store::release::{Disclosure, RequestRecord};
use dataward_store::testing::{backends, fresh_store};
use jiff::Timestamp;

use super::{partner, pending, record, source};

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

async fn batch(store: &Store, name: &str, rows: Vec<dataward_core::record::CleanRecord>) -> (String, String) {
    let p = partner(store, name).await;
    let mut tx = store.begin_ingest(&p, source(IngestMode::Append), at("2026-11-01T10:00:00Z")).await.unwrap();
    tx.write_records(rows.into_iter().enumerate().map(|(i, r)| pending(i as u64 + 2, r)).collect()).await.unwrap();
    (tx.finish("abc", 0, &[]).await.unwrap().batch_id, p.id)
}

/// Releases every email and name of `person` to `client` at `when`.
async fn release(store: &Store, client_id: &str, person: &str, request: &str, when: &str) {
    let candidates = store.release_candidates(person).await.unwrap();
    let disclosures: Vec<Disclosure> = candidates
        .iter()
        .filter(|c| c.field == "email" || c.field == "surname")
        .map(|c| Disclosure {
            basis: "legitimate_interests".into(),
            category: c.category.clone(),
            field: c.field.clone(),
            disclosure: "value",
            source_record_id: c.source_record_id.clone(),
            partner_id: c.partner_id.clone(),
        })
        .collect();
    let record = RequestRecord {
        id: request.into(),
        client_id: client_id.into(),
        kind: "trace".into(),
        purpose: "tracing".into(),
        at: when.into(),
        person_id: Some(person.into()),
        band: "link".into(),
    };
    store.record_release(&record, &[], &disclosures).await.unwrap();
}

/// Two partners' batches (comp-co: Jane and Tom; offers: Ann) and two clients, acme and other.
struct Ledgered {
    batch_a: String,
    batch_b: String,
    comp_co: String,
    offers: String,
    jane: String,
    tom: String,
    ann: String,
    acme: String,
    other: String,
}

async fn ledgered(store: &Store, now: Timestamp) -> Ledgered {
    let (batch_a, comp_co) = batch(
        store,
        "comp-co",
        vec![
            record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"),
            record("a2", "Tom", "Jones", "tom@example.com", "M1 1AE"),
        ],
    )
    .await;
    let (batch_b, offers) =
        batch(store, "offers", vec![record("b1", "Ann", "Lee", "ann@example.com", "BS1 4DJ")]).await;
    let person =
        |email: &'static str| async move { store.persons_with_value("email", email).await.unwrap()[0].clone() };
    let (jane, tom, ann) =
        (person("jane@example.co.uk").await, person("tom@example.com").await, person("ann@example.com").await);
    let (acme, _) = store.add_client("acme", &[purposes::TRACING], now).await.unwrap();
    let (other, _) = store.add_client("other", &[purposes::TRACING], now).await.unwrap();
    Ledgered { batch_a, batch_b, comp_co, offers, jane, tom, ann, acme: acme.id, other: other.id }
}

fn new_breach(exposure: &str, detected: &str) -> NewBreach {
    NewBreach {
        exposure: Exposure::parse(exposure).unwrap(),
        categories: vec![],
        description: "extract emailed to the wrong address".into(),
        detected_at: at(detected),
    }
}

#[tokio::test]
async fn an_incident_is_opened_listed_and_closed_once_with_a_note() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-11-23T10:00:00Z");
        t.store.add_client("acme", &[purposes::TRACING], now).await.unwrap();
        let opened = t
            .store
            .open_breach(
                &new_breach("client-extracts:acme", "2026-11-23T08:00:00Z"),
                now,
                dataward_core::audit::Actor::Cli,
            )
            .await;
        let opened = opened.unwrap();
        assert_eq!(opened.exposure, "client-extracts:acme", "{backend:?}");
        assert_eq!(opened.detected_at, "2026-11-23T08:00:00Z");
        assert_eq!(t.store.list_breaches().await.unwrap(), vec![opened.clone()]);
        let blank =
            t.store.close_breach(&opened.id, true, " ", now, dataward_core::audit::Actor::Cli).await.unwrap_err();
        assert!(matches!(blank, StoreError::Invalid(_)));
        let closed = t
            .store
            .close_breach(&opened.id, false, "no risk: extract encrypted", now, dataward_core::audit::Actor::Cli)
            .await
            .unwrap();
        assert_eq!(closed.reported_to_ico, Some(false));
        assert_eq!(closed.closed_at.as_deref(), Some("2026-11-23T10:00:00Z"));
        let again =
            t.store.close_breach(&opened.id, true, "twice", now, dataward_core::audit::Actor::Cli).await.unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)));
        let clock =
            ReportingClock::at(closed.detected().unwrap(), at("2026-12-25T00:00:00Z"), closed.closed().unwrap());
        assert!(clock.stopped && !clock.overdue);
    }
}

#[tokio::test]
async fn an_incident_naming_something_unknown_or_detected_in_the_future_is_refused() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-11-23T10:00:00Z");
        let unknown_batch = t
            .store
            .open_breach(
                &new_breach("partner-batch:nope", "2026-11-23T08:00:00Z"),
                now,
                dataward_core::audit::Actor::Cli,
            )
            .await;
        assert!(matches!(unknown_batch, Err(StoreError::NotFound { what: "batch", .. })), "{backend:?}");
        let unknown_client = t
            .store
            .open_breach(
                &new_breach("client-extracts:nobody", "2026-11-23T08:00:00Z"),
                now,
                dataward_core::audit::Actor::Cli,
            )
            .await;
        assert!(matches!(unknown_client, Err(StoreError::NotFound { .. })));
        let window = "window:2026-11-01T00:00:00Z..2026-11-02T00:00:00Z";
        let future = t
            .store
            .open_breach(&new_breach(window, "2026-11-24T08:00:00Z"), now, dataward_core::audit::Actor::Cli)
            .await
            .unwrap_err();
        assert!(future.to_string().contains("after now"), "{future}");
        let mut blank = new_breach(window, "2026-11-23T08:00:00Z");
        blank.description = "   ".into();
        assert!(matches!(
            t.store.open_breach(&blank, now, dataward_core::audit::Actor::Cli).await,
            Err(StoreError::Invalid(_))
        ));
        assert!(t.store.list_breaches().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn exposures_are_found_from_the_batch_the_client_ledger_and_the_window() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-11-23T10:00:00Z");
        let Ledgered { batch_a, batch_b, jane, ann, acme, other, .. } = ledgered(&t.store, now).await;
        release(&t.store, &acme, &jane, "r1", "2026-11-10T09:00:00Z").await;
        release(&t.store, &other, &ann, "r2", "2026-11-20T09:00:00Z").await;
        let clock = ReportingClock::at(now, now, None);

        let from_batch = t.store.exposed_values(&Exposure::PartnerBatch { batch_id: batch_a.clone() }).await.unwrap();
        let a = assess(Exposure::PartnerBatch { batch_id: batch_a }, &from_batch, &[], clock);
        assert_eq!(a.persons, 2, "{backend:?}: Jane and Tom");
        assert_eq!(a.notify.clients, vec!["acme"], "acme received some of the batch");
        assert_eq!(a.notify.partners, vec!["comp-co"]);
        assert!(a.categories.iter().any(|c| c.category == categories::EMAIL.as_str() && c.persons == 2));

        let limited = assess(
            Exposure::PartnerBatch { batch_id: batch_b },
            &t.store.exposed_values(&Exposure::ClientExtracts { client: "other".into() }).await.unwrap(),
            &[categories::EMAIL],
            clock,
        );
        assert_eq!(limited.persons, 1);
        assert_eq!(limited.notify.persons, vec![ann.clone()]);
        assert_eq!(limited.values, 1, "the surname is outside the category limit");

        let window = Exposure::parse("window:2026-11-15T00:00:00Z..2026-11-21T00:00:00Z").unwrap();
        let in_window = assess(window.clone(), &t.store.exposed_values(&window).await.unwrap(), &[], clock);
        assert_eq!(in_window.notify.persons, vec![ann]);
        assert_eq!(in_window.notify.clients, vec!["other"]);
        assert_eq!(in_window.notify.partners, vec!["offers"]);
    }
}

#[tokio::test]
async fn the_ledger_is_found_by_person_client_partner_and_period_and_names_each_recipient() {
    use dataward_store::release::LedgerFilter;
    for backend in backends() {
        let t = fresh_store(backend).await;
        let now = at("2026-11-23T10:00:00Z");
        let Ledgered { comp_co, offers, jane, tom, ann, acme, other, .. } = ledgered(&t.store, now).await;
        release(&t.store, &acme, &jane, "r1", "2026-11-10T09:00:00Z").await;
        release(&t.store, &acme, &ann, "r2", "2026-11-12T09:00:00Z").await;
        release(&t.store, &other, &jane, "r3", "2026-11-20T09:00:00Z").await;
        release(&t.store, &other, &tom, "r4", "2026-11-21T09:00:00Z").await;

        let requests = |filter: LedgerFilter| {
            let store = t.store.clone();
            async move {
                let mut ids: Vec<String> =
                    store.ledger(&filter).await.unwrap().into_iter().map(|e| e.request_id).collect();
                ids.dedup();
                ids
            }
        };
        let by_person = LedgerFilter { person_id: Some(jane.clone()), ..Default::default() };
        assert_eq!(requests(by_person).await, vec!["r1", "r3"], "{backend:?}");
        let by_client = LedgerFilter { client_id: Some(acme.clone()), ..Default::default() };
        assert_eq!(requests(by_client).await, vec!["r1", "r2"]);
        let client_in_period = LedgerFilter {
            client_id: Some(other.clone()),
            from: Some("2026-11-21T00:00:00Z".into()),
            ..Default::default()
        };
        assert_eq!(requests(client_in_period).await, vec!["r4"]);
        let person_and_client =
            LedgerFilter { person_id: Some(jane.clone()), client_id: Some(other.clone()), ..Default::default() };
        assert_eq!(requests(person_and_client).await, vec!["r3"]);
        let by_partner = LedgerFilter { partner_id: Some(offers.clone()), ..Default::default() };
        assert_eq!(requests(by_partner).await, vec!["r2"]);
        let by_partner = LedgerFilter {
            partner_id: Some(comp_co.clone()),
            to: Some("2026-11-15T00:00:00Z".into()),
            ..Default::default()
        };
        assert_eq!(requests(by_partner).await, vec!["r1"]);
        let entries =
            t.store.ledger(&LedgerFilter { person_id: Some(tom.clone()), ..Default::default() }).await.unwrap();
        assert!(entries.iter().all(|e| e.person_id == tom && e.client == "other"));
        assert!(!entries.is_empty());

        let recipients = t.store.recipients_of(std::slice::from_ref(&jane)).await.unwrap();
        let names: Vec<&str> = recipients.iter().map(|r| r.client.as_str()).collect();
        assert_eq!(names, vec!["acme", "other"], "{backend:?}: both clients received Jane's data");
        let recipients = t.store.recipients_of(std::slice::from_ref(&ann)).await.unwrap();
        assert_eq!(recipients.iter().map(|r| r.client.as_str()).collect::<Vec<_>>(), vec!["acme"]);
        assert_eq!(recipients[0].request_ids, vec!["r2"]);
    }
}
