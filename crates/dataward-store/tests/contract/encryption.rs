//! The encryption part of the store contract: no personal value in clear in the raw database,
//! data keys that follow their records, crypto-erasure of a person, master-key rotation, and the
//! storage region, on every backend.

use dataward_core::audit::Actor;
use dataward_core::partner::IngestMode;
use dataward_store::ingest_tx::QuarantinedRow;
use dataward_store::testing::{backends, fresh_store, test_indexer, test_master_key};
use dataward_store::{Backend, MasterKey, Store, StoreError};
use sqlx::Row;

use super::{jane, load, now, partner, pending, person_of, person_record};

/// Needles that must never appear in the raw database: Jane's email, phone (as typed and in
/// E.164) and surname.
const NEEDLES: &[&str] = &["jane.whitfield@example.com", "07700900461", "+447700900461", "7700 900461", "whitfield"];

/// Every byte of every table: the SQLite file (after a checkpoint) or, on PostgreSQL, each row of
/// each table as text (binary columns appear as hex, so needles are looked for in hex too).
async fn raw_database(store: &Store, url: &str) -> Vec<u8> {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let out = match store.backend() {
        Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await.unwrap();
            let path = dataward_store::store::sqlite_path_of_url(url);
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            bytes
        }
        Backend::Postgres => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert!(tables.len() > 10, "{tables:?}");
            let mut bytes = Vec::new();
            for table in tables {
                let sql = format!("SELECT CAST(t AS TEXT) AS row FROM \"{table}\" t");
                for row in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&pool).await.unwrap() {
                    bytes.extend(row.get::<String, _>("row").into_bytes());
                }
            }
            bytes
        }
    };
    pool.close().await;
    out.to_ascii_lowercase()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_raw_database_holds_no_email_phone_or_surname_in_clear_after_ingest() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        let mut tx = t.store.begin_ingest(&p, super::source(IngestMode::Append), now()).await.unwrap();
        tx.write_records(vec![pending(2, jane("a1"))]).await.unwrap();
        let bad = QuarantinedRow {
            line: 3,
            field: Some("postcode".into()),
            reason: dataward_core::quarantine::QuarantineReason::InvalidPostcode,
            detail: "not a UK postcode".into(),
            raw: "a2,Jane,Whitfield,jane.whitfield@example.com,07700 900461,XX".into(),
        };
        tx.write_quarantine(&[bad]).await.unwrap();
        tx.finish("abc", 2, &[]).await.unwrap();
        // The values are there and read back through the codec...
        let person = person_of(&t.store, "jane.whitfield@example.com").await;
        let values = t.store.person_values(&person).await.unwrap();
        assert!(values.iter().any(|v| v.value == "Whitfield"), "{backend:?}");
        let batch = &t.store.batches(None).await.unwrap()[0].id;
        assert!(t.store.quarantined_raw(batch, 3).await.unwrap().unwrap().contains("Whitfield"));
        // A rights request from Jane, its prepared download and the code mailed to her: sealed too.
        use dataward_core::rights::{RequestKind, Requester, RequesterForm};
        let requester = Requester::from_form(&RequesterForm {
            first_name: "Jane".into(),
            surname: "Whitfield".into(),
            email: Some("jane.whitfield@example.com".into()),
            phone: Some("07700 900461".into()),
            ..RequesterForm::default()
        })
        .unwrap();
        let new = dataward_store::rights::NewRightsRequest {
            kind: RequestKind::Access,
            channel: "portal",
            requester: &requester,
            status_token: [7; 32],
            period: dataward_core::profile::ResponsePeriod::CalendarMonth,
        };
        let request = t.store.create_rights_request(&new, "portal", now()).await.unwrap();
        let report = format!("{values:?}");
        t.store.create_download(&request.id, &[8; 32], "json", &report, now()).await.unwrap();
        let mail = dataward_store::rights::NewNotification {
            request_id: Some(request.id.clone()),
            recipient_kind: "requester",
            recipient_id: None,
            channel: "email",
            address: "jane.whitfield@example.com".into(),
            subject: "Your verification code".into(),
            body: "Dear Jane Whitfield, your code is 123456".into(),
        };
        t.store.enqueue_notifications(&[mail], now()).await.unwrap();
        // ...but nowhere in the raw database in clear.
        let raw = raw_database(&t.store, &t.url).await;
        assert!(raw.len() > 10_000, "{backend:?}: the raw database was read");
        for needle in NEEDLES {
            let lower = needle.to_ascii_lowercase();
            assert!(!contains(&raw, lower.as_bytes()), "{backend:?}: `{needle}` found in clear");
            assert!(!contains(&raw, hex::encode(lower.as_bytes()).as_bytes()), "{backend:?}: `{needle}` in hex");
        }
    }
}

#[tokio::test]
async fn data_keys_follow_records_moved_by_a_merge_and_their_values_stay_readable() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        let half1 = person_record("a1", "Jane", "Whitfield", "1984-07-21", "", "", "12 Oak Road", "LS6 2AB");
        let half2 = person_record("a2", "Jane", "Whitfield", "", "jane.whitfield@example.com", "07700 900461", "", "");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, half1), pending(3, half2)]).await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a3"))]).await;
        let person = person_of(&t.store, "jane.whitfield@example.com").await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let stray: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM record_keys k JOIN source_records s ON s.id = k.source_record_id
             WHERE k.person_id <> s.person_id",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(stray, 0, "{backend:?}: every key belongs to its record's person");
        let values = t.store.person_values(&person).await.unwrap();
        let records: std::collections::BTreeSet<&str> = values.iter().map(|v| v.source_record_id.as_str()).collect();
        assert_eq!(records.len(), 3, "{backend:?}: all three records read after the merge");
    }
}

/// The stored (sealed) values of a person and the wrapped keys of its records, as a backup has them.
async fn copy_of_person(url: &str, person: &str) -> (Vec<(String, Vec<u8>)>, Vec<(String, Vec<u8>)>) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let values = sqlx::query_as("SELECT source_record_id, value FROM record_values WHERE person_id = $1")
        .bind(person)
        .fetch_all(&pool)
        .await
        .unwrap();
    let keys = sqlx::query_as("SELECT source_record_id, wrapped FROM record_keys WHERE person_id = $1")
        .bind(person)
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    (values, keys)
}

#[tokio::test]
async fn destroying_a_persons_keys_leaves_a_copy_taken_before_unreadable_once_the_master_key_is_rotated() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        let mark =
            person_record("a2", "Mark", "Ellison", "1950-01-02", "mark@example.org", "", "9 Elm Close", "WF1 1AA");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1")), pending(3, mark)]).await;
        let jane_id = person_of(&t.store, "jane.whitfield@example.com").await;
        let mark_id = person_of(&t.store, "mark@example.org").await;
        let (backup_values, backup_keys) = copy_of_person(&t.url, &jane_id).await;
        assert!(!backup_values.is_empty() && backup_keys.len() == 1);

        let destroyed = t.store.destroy_person_keys(std::slice::from_ref(&jane_id), Actor::Cli, now()).await.unwrap();
        assert_eq!(destroyed, 1, "{backend:?}");
        assert!(matches!(t.store.person_values(&jane_id).await, Err(StoreError::Codec(_))), "{backend:?}");
        assert!(!t.store.person_values(&mark_id).await.unwrap().is_empty(), "{backend:?}: Mark still reads");

        // No key the live store holds opens the copy's values.
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let live: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT source_record_id, wrapped FROM record_keys").fetch_all(&pool).await.unwrap();
        pool.close().await;
        let master = test_master_key();
        for (scope, wrapped) in &live {
            let key = master.unwrap_key(scope, wrapped).unwrap();
            for (record, stored) in &backup_values {
                assert!(dataward_store::codec::decode(Some(&key), record, stored).is_err());
            }
        }
        // The copy carries its own wrapped key, which still opens under the master key it was
        // written with (what is not achieved by deleting rows alone)...
        let (record, wrapped) = &backup_keys[0];
        let old = master.unwrap_key(record, wrapped).unwrap();
        assert!(dataward_store::codec::decode(Some(&old), &backup_values[0].0, &backup_values[0].1).is_ok());
        // ...until the master key is rotated and the old one retired: then it opens with nothing.
        let new = MasterKey::generate();
        t.store.rotate_master_key(&new, Actor::Cli, now()).await.unwrap();
        t.store.close().await;
        assert!(new.unwrap_key(record, wrapped).is_err(), "{backend:?}");
        let reopened = Store::open(&t.url, test_indexer(), new).await.unwrap();
        assert!(!reopened.person_values(&mark_id).await.unwrap().is_empty(), "{backend:?}");
        let audit: Vec<String> = reopened.audit_entries().await.unwrap().into_iter().map(|e| e.action).collect();
        assert!(audit.ends_with(&["keys_destroy".to_string(), "keys_rotate".to_string()]), "{audit:?}");
    }
}

#[tokio::test]
async fn a_sqlite_file_copied_before_erasure_cannot_be_opened_after_rotation() {
    let t = fresh_store(Backend::Sqlite).await;
    let p = partner(&t.store, "a").await;
    load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
    let jane_id = person_of(&t.store, "jane.whitfield@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{}'", copy.display()))).execute(&pool).await.unwrap();
    pool.close().await;
    t.store.destroy_person_keys(std::slice::from_ref(&jane_id), Actor::Cli, now()).await.unwrap();
    let new = MasterKey::generate();
    t.store.rotate_master_key(&new, Actor::Cli, now()).await.unwrap();
    let copy_url = dataward_store::store::sqlite_url_for_path(&copy);
    let refused = Store::open(&copy_url, test_indexer(), new.clone()).await.unwrap_err();
    assert!(matches!(refused, StoreError::WrongMasterKey { .. }), "{refused}");
    assert!(refused.to_string().contains(test_master_key().id()), "{refused}");
}

#[tokio::test]
async fn rotating_the_master_key_rewraps_keys_without_touching_values_and_reads_keep_working() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("a1"))]).await;
        let person = person_of(&t.store, "jane.whitfield@example.com").await;
        let before = t.store.person_values(&person).await.unwrap();
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let sealed = |pool: sqlx::AnyPool| async move {
            let v: Vec<(Vec<u8>,)> =
                sqlx::query_as("SELECT value FROM record_values ORDER BY field").fetch_all(&pool).await.unwrap();
            let k: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT wrapped FROM record_keys").fetch_all(&pool).await.unwrap();
            (v, k)
        };
        let (values_before, keys_before) = sealed(pool.clone()).await;
        let new = MasterKey::generate();
        let rotation = t.store.rotate_master_key(&new, Actor::Cli, now()).await.unwrap();
        assert_eq!((rotation.record_keys, rotation.new_key_id.as_str()), (1, new.id()), "{backend:?}");
        assert!(rotation.scope_keys >= 1, "the linkage model's key too");
        let (values_after, keys_after) = sealed(pool.clone()).await;
        pool.close().await;
        assert_eq!(values_before, values_after, "{backend:?}: values are not re-encrypted");
        assert_ne!(keys_before, keys_after, "{backend:?}: keys are re-wrapped");
        t.store.close().await;

        let refused = Store::open(&t.url, test_indexer(), test_master_key()).await.unwrap_err();
        assert!(matches!(refused, StoreError::WrongMasterKey { .. }), "{backend:?}: {refused}");
        let reopened = Store::open(&t.url, test_indexer(), new).await.unwrap();
        assert_eq!(reopened.person_values(&person).await.unwrap(), before, "{backend:?}");
        let matched = reopened.persons_with_value("email", "jane.whitfield@example.com").await.unwrap();
        assert_eq!(matched, vec![person.clone()]);
    }
}

#[tokio::test]
async fn a_store_keeps_the_region_it_was_first_used_with_and_refuses_another() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        t.store.claim_region("uk").await.unwrap();
        t.store.claim_region("uk").await.unwrap();
        let refused = t.store.claim_region("eu").await.unwrap_err();
        assert!(
            matches!(&refused, StoreError::RegionMismatch { store, profile } if store == "uk" && profile == "eu"),
            "{backend:?}: {refused}"
        );
        assert_eq!(t.store.meta("storage_region").await.unwrap().as_deref(), Some("uk"));
    }
}
