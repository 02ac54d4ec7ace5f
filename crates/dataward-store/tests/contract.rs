//! The store contract: every test runs against SQLite and PostgreSQL and must pass on both.

use dataward_core::fields::Field;
use dataward_core::partner::{Channel, IngestMode, PartnerStatus};
use dataward_core::quarantine::QuarantineReason;
use dataward_core::record::{CleanRecord, clean_row};
use dataward_core::taxonomy::purposes;
use dataward_store::ingest_tx::{BatchSource, PendingRow, QuarantinedRow};
use dataward_store::partners::{NewPartner, Partner};
use dataward_store::testing::{backends, fresh_store};
use dataward_store::{Store, StoreError};
use jiff::Timestamp;
use sqlx::Row;

#[path = "contract/audit.rs"]
mod audit;
#[path = "contract/encryption.rs"]
mod encryption;
#[path = "contract/rights.rs"]
mod rights;
#[path = "contract/screening.rs"]
mod screening;
#[path = "contract/staff.rs"]
mod staff;

#[path = "contract/lifecycle.rs"]
mod lifecycle;

#[path = "contract/breach.rs"]
mod breach;

#[path = "contract/batch_failure.rs"]
mod batch_failure;

#[path = "contract/held_keys.rs"]
mod held_keys;

fn now() -> Timestamp {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

fn record(id: &str, first: &str, surname: &str, email: &str, postcode: &str) -> CleanRecord {
    let fields = [
        (Field::PartnerRecordId, id),
        (Field::FirstName, first),
        (Field::Surname, surname),
        (Field::Email, email),
        (Field::Postcode, postcode),
        (Field::DateOfBirth, "1980-03-12"),
    ];
    clean_row(&fields, jiff::civil::date(2026, 11, 23)).expect("valid test record")
}

fn pending(line: u64, r: CleanRecord) -> PendingRow {
    PendingRow { line, record: r, raw: format!("raw line {line}") }
}

async fn partner(store: &Store, name: &str) -> Partner {
    let new = NewPartner { name: name.into(), channel: Channel::Competition, retention_days: 365 };
    store.add_partner(&new, now()).await.unwrap().0
}

fn source(mode: IngestMode) -> BatchSource {
    BatchSource {
        file_name: "file.csv".into(),
        format: "csv",
        mode,
        linkage: dataward_core::profile::LinkageThresholds { link: 0.999, possible: 0.9 },
    }
}

async fn load(
    store: &Store,
    p: &Partner,
    mode: IngestMode,
    rows: Vec<PendingRow>,
) -> dataward_store::ingest_tx::BatchOutcome {
    let mut tx = store.begin_ingest(p, source(mode), now()).await.unwrap();
    tx.write_records(rows).await.unwrap();
    tx.finish("abc", 0, &[]).await.unwrap()
}

#[tokio::test]
async fn partners_are_registered_listed_and_found_by_name_and_key() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let new = NewPartner { name: "compare-hub".into(), channel: Channel::ComparisonSite, retention_days: 400 };
        let (added, key) = t.store.add_partner(&new, now()).await.unwrap();
        assert_eq!(added.status, PartnerStatus::Active);
        assert_eq!(t.store.partner_by_name("compare-hub").await.unwrap(), added, "{backend:?}");
        assert_eq!(t.store.list_partners().await.unwrap(), vec![added.clone()]);
        assert_eq!(t.store.partner_by_key(key.reveal()).await.unwrap(), Some(added.clone()));
        let real = key.reveal();
        let last = if real.ends_with('0') { '1' } else { '0' };
        let forged = format!("{}{last}", &real[..real.len() - 1]);
        assert_eq!(t.store.partner_by_key(&forged).await.unwrap(), None);
        assert!(matches!(t.store.add_partner(&new, now()).await, Err(StoreError::Duplicate { what: "partner", .. })));
        assert!(matches!(t.store.partner_by_name("nobody").await, Err(StoreError::NotFound { .. })));
    }
}

#[tokio::test]
async fn api_keys_are_stored_only_as_argon2_hashes() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let (_, key) = t.store.add_client("acme-collections", &[purposes::DEBT_RECOVERY], now()).await.unwrap();
        let rows = sqlx::query("SELECT key_prefix, key_hash FROM clients")
            .fetch_all(&sqlx::AnyPool::connect(&t.url).await.unwrap())
            .await
            .unwrap();
        let hash: String = rows[0].try_get("key_hash").unwrap();
        let prefix: String = rows[0].try_get("key_prefix").unwrap();
        assert!(hash.starts_with("$argon2id$"), "{backend:?}");
        assert!(!hash.contains(key.reveal()) && key.reveal().contains(&prefix));
        assert_ne!(prefix.len(), key.reveal().len());
    }
}

#[tokio::test]
async fn clients_keep_their_contracted_purposes() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let wanted = [purposes::TRACING, purposes::MARKETING_POST];
        let (client, key) = t.store.add_client("acme", &wanted, now()).await.unwrap();
        assert_eq!(t.store.client_by_name("acme").await.unwrap().purposes, wanted.to_vec());
        assert_eq!(t.store.client_by_key(key.reveal()).await.unwrap().map(|c| c.id), Some(client.id));
        assert_eq!(t.store.list_clients().await.unwrap().len(), 1);
        assert!(matches!(t.store.add_client("acme", &wanted, now()).await, Err(StoreError::Duplicate { .. })));
    }
}

#[tokio::test]
async fn meta_settings_are_upserted() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        assert_eq!(t.store.meta("region").await.unwrap(), None);
        t.store.set_meta("region", "uk").await.unwrap();
        t.store.set_meta("region", "uk-2").await.unwrap();
        assert_eq!(t.store.meta("region").await.unwrap().as_deref(), Some("uk-2"));
    }
}

#[tokio::test]
async fn records_sharing_an_email_join_one_person_and_values_are_found_by_digest() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        let rows = vec![
            pending(2, record("a1", "jane", "smith", "Jane.Smith@Example.co.uk", "ls1 4ap")),
            pending(3, record("a2", "Jane", "Smyth", "jane.smith@example.co.uk", "LS2 7EY")),
            pending(4, record("a3", "Tom", "Jones", "tom@example.com", "M1 1AE")),
        ];
        let outcome = load(&t.store, &p, IngestMode::Append, rows).await;
        assert_eq!((outcome.accepted, outcome.new_persons, outcome.known_records), (3, 2, 1), "{backend:?}");
        let jane = t.store.persons_with_value("email", "jane.smith@example.co.uk").await.unwrap();
        assert_eq!(jane.len(), 1);
        let values = t.store.person_values(&jane[0]).await.unwrap();
        assert!(values.iter().any(|v| v.field == "surname" && v.value == "Smyth"));
        assert!(values.iter().any(|v| v.field == "postcode" && v.value == "LS1 4AP"));
        assert!(values.iter().all(|v| v.partner == "competition-co"));
        assert!(t.store.persons_with_value("email", "nobody@example.com").await.unwrap().is_empty());
        let totals = t.store.totals().await.unwrap();
        assert_eq!((totals.persons, totals.source_records), (2, 3));
    }
}

#[tokio::test]
async fn values_are_stored_through_the_codec_and_indexed_only_by_digest() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        load(
            &t.store,
            &p,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"))],
        )
        .await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let row = sqlx::query("SELECT value, value_hash FROM record_values WHERE field = 'email'")
            .fetch_one(&pool)
            .await
            .unwrap();
        let value: Vec<u8> = row.try_get("value").unwrap();
        let hash: Vec<u8> = row.try_get("value_hash").unwrap();
        assert_eq!(value[0], 1, "sealed (XChaCha20-Poly1305) codec tag");
        assert!(!value.windows(4).any(|w| w == b"jane"));
        assert_eq!(hash.len(), 32);
        assert!(!hash.windows(4).any(|w| w == b"jane"));
    }
}

#[tokio::test]
async fn a_refresh_removes_the_partners_records_absent_from_the_new_file_and_no_one_elses() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "competition-co").await;
        let b = partner(&t.store, "compare-hub").await;
        load(
            &t.store,
            &a,
            IngestMode::Append,
            vec![
                pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP")),
                pending(3, record("a2", "Tom", "Jones", "tom@example.com", "M1 1AE")),
            ],
        )
        .await;
        load(
            &t.store,
            &b,
            IngestMode::Append,
            vec![pending(2, record("b1", "Tom", "Jones", "tom@example.com", "M1 1AE"))],
        )
        .await;
        let outcome = load(
            &t.store,
            &a,
            IngestMode::Refresh,
            vec![pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"))],
        )
        .await;
        assert_eq!(outcome.removed_records, 2, "{backend:?}");
        assert_eq!(t.store.partner_record_count(&a.id).await.unwrap(), 1);
        assert_eq!(t.store.partner_record_count(&b.id).await.unwrap(), 1);
        let tom = t.store.persons_with_value("email", "tom@example.com").await.unwrap();
        let values = t.store.person_values(&tom[0]).await.unwrap();
        assert!(values.iter().all(|v| v.partner == "compare-hub"), "only compare-hub still supplies Tom");
        let totals = t.store.totals().await.unwrap();
        assert_eq!((totals.persons, totals.source_records), (2, 2));
    }
}

#[tokio::test]
async fn a_refresh_that_empties_a_person_removes_the_person() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "competition-co").await;
        load(
            &t.store,
            &a,
            IngestMode::Append,
            vec![pending(2, record("a2", "Tom", "Jones", "tom@example.com", "M1 1AE"))],
        )
        .await;
        load(
            &t.store,
            &a,
            IngestMode::Refresh,
            vec![pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"))],
        )
        .await;
        assert!(t.store.persons_with_value("email", "tom@example.com").await.unwrap().is_empty(), "{backend:?}");
        assert_eq!(t.store.totals().await.unwrap().persons, 1);
    }
}

#[tokio::test]
async fn a_batch_dropped_before_finish_leaves_the_store_exactly_as_before() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "competition-co").await;
        load(
            &t.store,
            &a,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"))],
        )
        .await;
        let before = t.store.totals().await.unwrap();
        let batches_before = t.store.batches(None).await.unwrap().len();
        {
            let mut tx = t.store.begin_ingest(&a, source(IngestMode::Refresh), now()).await.unwrap();
            tx.write_records(vec![pending(2, record("a9", "Amy", "Pond", "amy@example.com", "CF10 1AA"))])
                .await
                .unwrap();
            tx.write_quarantine(&[QuarantinedRow {
                line: 3,
                field: None,
                reason: QuarantineReason::WrongFieldCount,
                detail: "x".into(),
                raw: "r".into(),
            }])
            .await
            .unwrap();
        }
        assert_eq!(t.store.totals().await.unwrap(), before, "{backend:?}");
        assert_eq!(t.store.batches(None).await.unwrap().len(), batches_before);
        assert!(t.store.persons_with_value("email", "amy@example.com").await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn quarantined_rows_keep_line_reason_and_raw_text() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "competition-co").await;
        let mut tx = t.store.begin_ingest(&a, source(IngestMode::Append), now()).await.unwrap();
        let batch = tx.batch_id().to_string();
        tx.write_quarantine(&[QuarantinedRow {
            line: 7,
            field: Some("postcode".into()),
            reason: QuarantineReason::InvalidPostcode,
            detail: "inward code must be a digit and two letters".into(),
            raw: "7,Jane,Smith,LS1 4CC".into(),
        }])
        .await
        .unwrap();
        tx.finish("abc", 1, &[]).await.unwrap();
        let q = t.store.quarantine(&batch).await.unwrap();
        assert_eq!(q.len(), 1, "{backend:?}");
        assert_eq!((q[0].line, q[0].field.as_deref(), q[0].reason.as_str()), (7, Some("postcode"), "invalid_postcode"));
        assert_eq!(t.store.quarantined_raw(&batch, 7).await.unwrap().as_deref(), Some("7,Jane,Smith,LS1 4CC"));
        let b = &t.store.batches(Some(&a.id)).await.unwrap()[0];
        assert_eq!((b.rows_read, b.rows_quarantined), (1, 1));
    }
}

#[tokio::test]
async fn a_repeated_partner_record_id_is_quarantined_across_chunks() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "competition-co").await;
        let mut tx = t.store.begin_ingest(&a, source(IngestMode::Append), now()).await.unwrap();
        let first = tx
            .write_records(vec![pending(2, record("a1", "Jane", "Smith", "jane@example.co.uk", "LS1 4AP"))])
            .await
            .unwrap();
        let second = tx
            .write_records(vec![
                pending(3, record("a1", "Tom", "Jones", "tom@example.com", "M1 1AE")),
                pending(4, record("a4", "Amy", "Pond", "amy@example.com", "CF10 1AA")),
                pending(5, record("a4", "Amy", "Pond", "amy@example.com", "CF10 1AA")),
            ])
            .await
            .unwrap();
        let outcome = tx.finish("abc", 4, &[]).await.unwrap();
        assert!(first.is_empty(), "{backend:?}");
        assert_eq!(second.iter().map(|q| q.line).collect::<Vec<_>>(), vec![3, 5]);
        assert!(second.iter().all(|q| q.reason == QuarantineReason::DuplicateRecordId));
        assert_eq!((outcome.accepted, outcome.quarantined), (2, 2));
    }
}

// ---- identity resolution against the store ----

#[allow(clippy::too_many_arguments)] // one argument per column reads best in the tests below
fn person_record(
    id: &str,
    first: &str,
    surname: &str,
    dob: &str,
    email: &str,
    mobile: &str,
    line: &str,
    postcode: &str,
) -> CleanRecord {
    let mut fields = vec![(Field::PartnerRecordId, id), (Field::FirstName, first), (Field::Surname, surname)];
    for (f, v) in [
        (Field::DateOfBirth, dob),
        (Field::Email, email),
        (Field::Mobile, mobile),
        (Field::AddressLine(1), line),
        (Field::Postcode, postcode),
    ] {
        if !v.is_empty() {
            fields.push((f, v));
        }
    }
    clean_row(&fields, jiff::civil::date(2026, 11, 23)).expect("valid test record")
}

fn jane(id: &str) -> CleanRecord {
    person_record(
        id,
        "Jane",
        "Whitfield",
        "1984-07-21",
        "jane.whitfield@example.com",
        "07700 900461",
        "12 Oak Road",
        "LS6 2AB",
    )
}

async fn person_of(store: &Store, email: &str) -> String {
    let found = store.persons_with_value("email", email).await.unwrap();
    assert_eq!(found.len(), 1, "{email}: {found:?}");
    found[0].clone()
}

#[tokio::test]
async fn records_of_one_person_from_two_partners_link_and_a_namesake_with_another_birth_date_does_not() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let a = partner(&t.store, "a").await;
        let b = partner(&t.store, "b").await;
        let first = load(&t.store, &a, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        assert_eq!(first.new_persons, 1);
        // A typo in the first name, no phone, a nickname-free variant: still Jane.
        let typo = person_record(
            "b1",
            "Jnae",
            "Whitfield",
            "1984-07-21",
            "jane.whitfield@example.com",
            "",
            "12 Oak Rd",
            "LS6 2AB",
        );
        let namesake = person_record(
            "b2",
            "Jane",
            "Whitfield",
            "1951-02-03",
            "jw51@example.org",
            "07700 900999",
            "12 Oak Road",
            "LS6 2AB",
        );
        let second = load(&t.store, &b, IngestMode::Append, vec![pending(2, typo), pending(3, namesake)]).await;
        assert_eq!((second.new_persons, second.known_records), (1, 1), "{backend:?}");
        let jane_person = person_of(&t.store, "jane.whitfield@example.com").await;
        assert_ne!(person_of(&t.store, "jw51@example.org").await, jane_person);
        assert_eq!(t.store.totals().await.unwrap().persons, 2);
        let history = t.store.linkage_history(&jane_person).await.unwrap();
        let kinds: Vec<&str> = history.iter().map(|(_, k, _)| k.as_str()).collect();
        assert_eq!(kinds, vec!["created", "linked"], "{backend:?}");
        assert!(history.iter().all(|(_, _, d)| !d.contains("Whitfield") && !d.contains("example.com")));
    }
}

#[tokio::test]
async fn a_record_bridging_two_held_persons_merges_them_with_every_row_following() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        // Half of Jane each: no field in common but her name.
        let half1 = person_record("a1", "Jane", "Whitfield", "1984-07-21", "", "", "12 Oak Road", "LS6 2AB");
        let half2 = person_record("a2", "Jane", "Whitfield", "", "jane.whitfield@example.com", "07700 900461", "", "");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, half1), pending(3, half2)]).await;
        assert_eq!(t.store.totals().await.unwrap().persons, 2, "{backend:?}: not enough to link the halves");
        let out = load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a3"))]).await;
        assert_eq!(out.new_persons, 0);
        assert_eq!(t.store.totals().await.unwrap().persons, 1, "{backend:?}: the bridge merged them");
        let person = person_of(&t.store, "jane.whitfield@example.com").await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        for table in ["source_records", "record_values", "match_records", "blocking_keys", "record_keys"] {
            let sql = format!("SELECT COUNT(DISTINCT person_id) AS n FROM {table}");
            let n: i64 = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&pool).await.unwrap().get("n");
            assert_eq!(n, 1, "{backend:?}: {table} still names the merged-away person");
        }
        let kinds: Vec<String> = t.store.linkage_history(&person).await.unwrap().into_iter().map(|h| h.1).collect();
        assert!(kinds.contains(&"merged".to_string()), "{kinds:?}");
    }
}

#[tokio::test]
async fn a_refresh_that_drops_the_bridging_record_splits_the_person_again() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let keep = partner(&t.store, "keep").await;
        let bridge = partner(&t.store, "bridge").await;
        let half1 = person_record("k1", "Jane", "Whitfield", "1984-07-21", "", "", "12 Oak Road", "LS6 2AB");
        let half2 = person_record("k2", "Jane", "Whitfield", "", "jane.whitfield@example.com", "07700 900461", "", "");
        load(&t.store, &keep, IngestMode::Append, vec![pending(2, half1), pending(3, half2)]).await;
        load(&t.store, &bridge, IngestMode::Append, vec![pending(2, jane("b1"))]).await;
        assert_eq!(t.store.totals().await.unwrap().persons, 1);
        let stranger = person_record("b2", "Omar", "Haddad", "1990-01-01", "omar@example.net", "", "", "");
        let out = load(&t.store, &bridge, IngestMode::Refresh, vec![pending(2, stranger)]).await;
        assert_eq!(out.removed_records, 1);
        assert_eq!(t.store.totals().await.unwrap().persons, 3, "{backend:?}: Jane's halves apart again, and Omar");
    }
}

#[tokio::test]
async fn two_ingests_at_once_holding_the_same_person_make_one_person() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        // A second handle on the same database, as another process would have: it shares no
        // in-process state with the first, so only the database's ingest lock can keep them apart.
        let other =
            Store::open(&t.url, dataward_store::testing::test_indexer(), dataward_store::testing::test_master_key())
                .await
                .unwrap();
        let a = partner(&t.store, "a").await;
        let b = partner(&t.store, "b").await;
        let mut first = t.store.begin_ingest(&a, source(IngestMode::Append), now()).await.unwrap();
        first.write_records(vec![pending(2, jane("a1"))]).await.unwrap();
        let second = tokio::spawn(async move {
            let mut tx = other.begin_ingest(&b, source(IngestMode::Append), now()).await.unwrap();
            tx.write_records(vec![pending(2, jane("b1"))]).await.unwrap();
            tx.finish("def", 1, &[]).await.unwrap()
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!second.is_finished(), "{backend:?}: the second ingest waits for the first");
        let first = first.finish("abc", 1, &[]).await.unwrap();
        let second = second.await.unwrap();
        assert_eq!((first.new_persons, second.new_persons, second.known_records), (1, 0, 1), "{backend:?}");
        assert_eq!(t.store.totals().await.unwrap().persons, 1, "{backend:?}");
        // Two ingests started together on one handle queue the same way.
        let (c, d) = (partner(&t.store, "c").await, partner(&t.store, "d").await);
        let (x, y) = tokio::join!(
            load(&t.store, &c, IngestMode::Append, vec![pending(2, jane("c1"))]),
            load(&t.store, &d, IngestMode::Append, vec![pending(2, jane("d1"))]),
        );
        assert_eq!((x.new_persons, y.new_persons), (0, 0), "{backend:?}");
        assert_eq!(t.store.totals().await.unwrap().persons, 1, "{backend:?}");
    }
}

#[tokio::test]
async fn a_query_finds_the_person_with_field_evidence_and_a_stranger_finds_nobody() {
    use dataward_core::linkage::{Band, MatchRecord, RecordParts};
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        let thresholds = dataward_core::profile::LinkageThresholds { link: 0.999, possible: 0.9 };
        let query = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            date_of_birth: Some("21/07/1984"),
            address_lines: vec!["12 Oak Rd"],
            postcode: Some("LS6 2AB"),
            ..RecordParts::default()
        });
        let found = t.store.match_person(&query, &thresholds, now()).await.unwrap();
        assert_eq!(found.band, Band::Link, "{backend:?}: {found:?}");
        assert_eq!(found.person_id, Some(person_of(&t.store, "jane.whitfield@example.com").await));
        let shown = serde_json::to_string(&found).unwrap();
        assert!(!shown.contains("Whitfield") && !shown.contains("1984") && !shown.contains("LS6"), "{shown}");
        let stranger = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Omar"),
            surname: Some("Haddad"),
            date_of_birth: Some("1990-01-01"),
            ..RecordParts::default()
        });
        let none = t.store.match_person(&stranger, &thresholds, now()).await.unwrap();
        assert_eq!((none.band, none.person_id), (Band::NonMatch, None));
    }
}

#[tokio::test]
async fn a_query_with_a_postcode_but_no_address_line_links_and_its_location_counts_for_it() {
    use dataward_core::linkage::{Band, MatchField, MatchRecord, Outcome, RecordParts};
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        let thresholds = dataward_core::profile::LinkageThresholds { link: 0.999, possible: 0.9 };
        // A client's verify: name, date of birth and postcode, nothing else.
        let query = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            date_of_birth: Some("1984-07-21"),
            postcode: Some("ls6 2ab"),
            ..RecordParts::default()
        });
        let found = t.store.match_person(&query, &thresholds, now()).await.unwrap();
        assert_eq!(found.band, Band::Link, "{backend:?}: {found:?}");
        assert_eq!(found.person_id, Some(person_of(&t.store, "jane.whitfield@example.com").await));
        let location = found.fields.iter().find(|f| f.field == MatchField::Location).unwrap();
        assert_eq!(location.outcome, Outcome::Agree, "{backend:?}: {location:?}");
        assert!(location.weight > 0.0, "{backend:?}: the shared postcode is evidence for: {location:?}");
        // The fields the query does not hold are missing, never held against it.
        for field in [MatchField::Email, MatchField::Phone] {
            let e = found.fields.iter().find(|f| f.field == field).unwrap();
            assert_eq!((e.outcome, e.weight), (Outcome::Missing, 0.0), "{backend:?}: {e:?}");
        }
    }
}

#[tokio::test]
async fn matching_forms_and_blocking_keys_hold_no_clear_identifier_and_the_model_is_saved() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        let model = t.store.linkage_model().await.unwrap().expect("saved on first ingest");
        assert_eq!(model.origin, "bootstrap");
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let keys: Vec<i64> = sqlx::query_scalar("SELECT block_key FROM blocking_keys").fetch_all(&pool).await.unwrap();
        assert!(keys.len() >= 8, "{backend:?}: {} keys", keys.len());
        let blocker = dataward_core::linkage::Blocker::default();
        let raw = blocker.keys(&dataward_core::linkage::MatchRecord::from_clean(&jane("a1")));
        assert!(raw.iter().all(|k| !keys.contains(&(*k as i64))), "blocking keys are stored keyed");
        let mut keyed: Vec<i64> = raw.iter().map(|k| t.store.indexer().block_key(*k)).collect();
        keyed.sort_unstable();
        keyed.dedup();
        let mut stored = keys.clone();
        stored.sort_unstable();
        assert_eq!(stored, keyed);
    }
}

#[tokio::test]
async fn records_stored_under_the_old_full_name_key_are_still_found_by_name() {
    use dataward_core::linkage::{MatchRecord, RecordParts, legacy_full_name_key};
    use dataward_core::profile::LinkageThresholds;
    use dataward_store::linkage::MatchScope;
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        // As a store written before the full-name rule took the year of birth: the record's only
        // blocking key is the old full-name key.
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let (record, person): (String, String) =
            sqlx::query_as("SELECT id, person_id FROM source_records").fetch_one(&pool).await.unwrap();
        sqlx::query("DELETE FROM blocking_keys").execute(&pool).await.unwrap();
        let legacy = legacy_full_name_key(&MatchRecord::from_clean(&jane("a1"))).unwrap();
        sqlx::query("INSERT INTO blocking_keys (block_key, source_record_id, person_id) VALUES ($1, $2, $3)")
            .bind(t.store.indexer().block_key(legacy))
            .bind(&record)
            .bind(&person)
            .execute(&pool)
            .await
            .unwrap();
        // A query with the name alone probes no other key that record is under.
        let query = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            ..RecordParts::default()
        });
        let thresholds = LinkageThresholds { link: 0.999, possible: 0.9 };
        let found = t.store.match_person_in(&query, &thresholds, Timestamp::now(), MatchScope::AllHeld).await.unwrap();
        assert_eq!(found.compared, 1, "{backend:?}: the record is a candidate through the old key");
        sqlx::query("DELETE FROM blocking_keys").execute(&pool).await.unwrap();
        let found = t.store.match_person_in(&query, &thresholds, Timestamp::now(), MatchScope::AllHeld).await.unwrap();
        assert_eq!(found.compared, 0, "{backend:?}: without any key the record is not a candidate");
    }
}

#[tokio::test]
async fn possible_matches_go_to_review_and_linking_one_merges_the_persons() {
    use dataward_store::linkage::reviews::ReviewDecision;
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        // Same name and date of birth, nothing else: not enough to link in a large base, enough to ask.
        let maybe = person_record("a2", "Jane", "Whitfield", "1984-07-21", "", "", "", "");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, maybe)]).await;
        assert_eq!(t.store.totals().await.unwrap().persons, 2, "{backend:?}");
        let reviews = t.store.linkage_reviews(true).await.unwrap();
        assert_eq!(reviews.len(), 1, "{backend:?}: {reviews:?}");
        let r = &reviews[0];
        assert!(r.probability >= 0.9 && r.probability < 0.999, "{}", r.probability);
        let evidence = t.store.review_evidence(&r.id).await.unwrap().expect("evidence");
        let level = |f: &str| evidence.iter().find(|e| e.field.to_string() == f).map(|e| e.level).unwrap();
        assert_eq!((level("date_of_birth"), level("email")), ("exact", "missing"), "{backend:?}");
        assert!(t.store.resolve_review(&r.id, ReviewDecision::Link, now()).await.unwrap());
        assert_eq!(t.store.totals().await.unwrap().persons, 1);
        assert!(t.store.linkage_reviews(true).await.unwrap().is_empty());
        assert!(!t.store.resolve_review(&r.id, ReviewDecision::Reject, now()).await.unwrap(), "already decided");
    }
}
