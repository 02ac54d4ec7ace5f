//! A large batch into a small SQLite store holds its blocking keys and its records' matching
//! forms in memory (the store's own read in when it starts holding) and links through them
//! alone, its writes queued behind its linking; the keys reach the table, consistent with every
//! record's person, before the commit.

use dataward_core::partner::IngestMode;
use dataward_store::Backend;
use dataward_store::testing::{backends, fresh_store};
use sqlx::Row;

use super::{jane, load, now, partner, pending, person_of, person_record, source};

/// `n` records of different people, none of them a Jane Whitfield.
fn filler(n: usize) -> Vec<dataward_store::ingest_tx::PendingRow> {
    (0..n)
        .map(|i| {
            let surname: String = format!("{i:04}").bytes().map(|d| char::from(b'a' + d - b'0')).collect();
            let email = format!("filler{i}@example.co.uk");
            pending(i as u64 + 2, super::record(&format!("f{i}"), "Ann", &format!("Byrne{surname}"), &email, "BS1 4DJ"))
        })
        .collect()
}

async fn count(pool: &sqlx::AnyPool, sql: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(pool).await.unwrap().get(0)
}

#[tokio::test]
async fn a_large_batch_links_and_merges_through_its_held_blocking_keys_and_writes_them_before_it_commits() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "a").await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();

        // An earlier batch's Priya, in the table before the large batch starts.
        let priya = |id| person_record(id, "Priya", "Raman", "1979-03-02", "priya.raman@example.org", "", "", "");
        load(&t.store, &p, IngestMode::Append, vec![pending(2, priya("p1"))]).await;

        let mut batch = t.store.begin_ingest(&p, source(IngestMode::Append), now()).await.unwrap();
        batch.write_records(filler(2_000)).await.unwrap();
        assert_eq!(batch.held_block_keys(), None, "{backend:?}: not before the batch has 2,000 rows");
        // Half of Jane each, in the held keys only: no field in common but her name.
        let half1 = person_record("a1", "Jane", "Whitfield", "1984-07-21", "", "", "12 Oak Road", "LS6 2AB");
        let half2 = person_record("a2", "Jane", "Whitfield", "", "jane.whitfield@example.com", "07700 900461", "", "");
        batch.write_records(vec![pending(2_002, half1), pending(2_003, half2)]).await.unwrap();
        match backend {
            Backend::Sqlite => {
                assert!(batch.held_block_keys().unwrap() > 0);
                assert!(batch.queues_writes(), "its writes go behind its linking");
                let held = batch.held_forms();
                assert_eq!(held, Some(2_003), "the store's 2,001 records and the two halves, in matching form");
            }
            // PostgreSQL's batch writes the table as it goes (its pages are not the batch's own).
            Backend::Postgres => {
                assert_eq!((batch.held_block_keys(), batch.held_forms()), (None, None));
                assert!(!batch.queues_writes());
            }
        }
        let held_before_merge = batch.held_block_keys();
        // A whole Jane, in a later chunk: found only through the held keys, it bridges the two.
        batch.write_records(vec![pending(2_004, jane("a3"))]).await.unwrap();
        if backend == Backend::Sqlite {
            assert!(batch.held_block_keys() > held_before_merge, "{backend:?}: the bridge's keys are held too");
        }
        // And one more of her: links to the merged person.
        let again = person_record("a4", "Jane", "Whitfield", "1984-07-21", "jane.whitfield@example.com", "", "", "");
        batch.write_records(vec![pending(2_005, again)]).await.unwrap();
        // Another Priya links to the earlier batch's, whose keys and form were read from the table.
        batch.write_records(vec![pending(2_006, priya("p2"))]).await.unwrap();
        // Record ids seen before and after the batch began holding are still duplicates.
        let repeats = vec![
            pending(2_007, super::record("f5", "Ann", "Byrne", "ann.byrne@example.co.uk", "BS1 4DJ")),
            pending(2_008, person_record("a1", "Jane", "Whitfield", "1984-07-21", "", "", "", "")),
        ];
        let duplicates = batch.write_records(repeats).await.unwrap();
        let lines: Vec<u64> = duplicates.iter().map(|q| q.line).collect();
        assert_eq!(lines, [2_007, 2_008], "{backend:?}");
        let out = batch.finish("0", 2_008, &[]).await.unwrap();
        assert_eq!((out.accepted, out.new_persons, out.known_records), (2_005, 2_001, 3), "{backend:?}: {out:?}");
        assert_eq!(out.quarantined, 2, "{backend:?}");
        assert_eq!(t.store.totals().await.unwrap().persons, 2_002, "{backend:?}");

        let jane_person = person_of(&t.store, "jane.whitfield@example.com").await;
        let kinds: Vec<String> =
            t.store.linkage_history(&jane_person).await.unwrap().into_iter().map(|h| h.1).collect();
        assert!(kinds.contains(&"merged".to_string()), "{backend:?}: {kinds:?}");

        // Every record has its keys in the table, under the person it belongs to now.
        let keyed = count(&pool, "SELECT COUNT(DISTINCT source_record_id) FROM blocking_keys").await;
        assert_eq!(keyed, 2_006, "{backend:?}");
        let priyas = count(
            &pool,
            "SELECT COUNT(DISTINCT person_id) FROM blocking_keys WHERE source_record_id IN
             (SELECT id FROM source_records WHERE partner_record_id IN ('p1', 'p2'))",
        )
        .await;
        assert_eq!(priyas, 1, "{backend:?}: both Priyas' keys name one person");
        let astray = count(
            &pool,
            "SELECT COUNT(*) FROM blocking_keys b JOIN match_records m ON m.source_record_id = b.source_record_id
             WHERE b.person_id <> m.person_id",
        )
        .await;
        assert_eq!(astray, 0, "{backend:?}: a key names a merged-away person");
        if backend == Backend::Sqlite {
            let index = count(&pool, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'blocking_keys_record'").await;
            assert_eq!(index, 1, "the record index is built again");
        }

        // A later small batch links through the keys the table now holds.
        let later = load(&t.store, &p, IngestMode::Append, vec![pending(2, jane("b1"))]).await;
        assert_eq!((later.new_persons, later.known_records), (0, 1), "{backend:?}");
        assert_eq!(person_of(&t.store, "jane.whitfield@example.com").await, jane_person);
    }
}
