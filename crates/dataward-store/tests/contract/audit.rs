//! The audit part of the store contract: the store's own operations append to the hash chain,
//! appends never fork it (even concurrently), and `verify_audit` names the first entry that was
//! altered, removed or reordered by editing the raw table, on every backend.

use dataward_core::audit::{Actor, ChainBreak, NewAuditEntry};
use dataward_core::partner::IngestMode;
use dataward_core::taxonomy::purposes;
use dataward_store::Store;
use dataward_store::release::RequestRecord;
use dataward_store::testing::{backends, fresh_store};
use serde_json::json;

use super::{load, now, partner, pending, record};

fn entry(n: usize) -> NewAuditEntry {
    NewAuditEntry::new(Actor::Staff(format!("s{n}")), "config_change", format!("setting-{n}"), json!({ "n": n }))
        .unwrap()
}

/// A recorded trace that matched no one (nothing disclosed).
fn no_match_request(id: &str, client_id: &str) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        client_id: client_id.into(),
        kind: "trace".into(),
        purpose: "tracing".into(),
        at: now().to_string(),
        person_id: None,
        band: "no_match".into(),
    }
}

async fn raw(url: &str, sql: &str) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    for statement in sql.split(';').filter(|s| !s.trim().is_empty()) {
        sqlx::query(sqlx::AssertSqlSafe(statement.to_string())).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

async fn five_entries(store: &Store) {
    for n in 1..=5 {
        store.append_audit(&entry(n), now()).await.unwrap();
    }
}

#[tokio::test]
async fn partner_and_client_creation_ingests_and_client_requests_are_audited_without_values() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        let (client, _) = t.store.add_client("acme", &[purposes::TRACING], now()).await.unwrap();
        let outcome = load(
            &t.store,
            &p,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Whitfield", "jane.whitfield@example.co.uk", "LS6 2AB"))],
        )
        .await;
        t.store.record_release(&no_match_request("req-1", &client.id), &[], &[]).await.unwrap();

        let entries = t.store.audit_entries().await.unwrap();
        let summary: Vec<(i64, &str, &str, &str)> =
            entries.iter().map(|e| (e.seq, e.actor.as_str(), e.action.as_str(), e.target.as_str())).collect();
        let partner_actor = format!("partner:{}", p.id);
        let client_actor = format!("client:{}", client.id);
        assert_eq!(
            summary,
            vec![
                (1, "cli", "partner_add", p.id.as_str()),
                (2, "cli", "client_add", client.id.as_str()),
                (3, partner_actor.as_str(), "ingest", outcome.batch_id.as_str()),
                (4, client_actor.as_str(), "client_request", "req-1"),
            ],
            "{backend:?}"
        );
        for e in &entries {
            for clear in ["jane", "whitfield", "LS6"] {
                assert!(!e.detail.to_lowercase().contains(&clear.to_lowercase()), "{clear} in {}", e.detail);
            }
        }
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!((verified.entries, verified.head_seq, verified.first_break), (4, 4, None));
        assert_eq!(verified.head_hash, entries[3].hash);
    }
}

#[tokio::test]
async fn an_entry_appended_inside_a_rolled_back_transaction_leaves_no_trace() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        t.store.append_audit(&entry(1), now()).await.unwrap();
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        t.store.append_audit_in(&mut tx, &entry(2), now()).await.unwrap();
        tx.rollback().await.unwrap();
        pool.close().await;
        let appended = t.store.append_audit(&entry(3), now()).await.unwrap();
        assert_eq!(appended.seq, 2, "{backend:?}: the rolled-back entry did not take a number");
        assert_eq!(t.store.verify_audit().await.unwrap().first_break, None);
    }
}

#[tokio::test]
async fn concurrent_appends_never_fork_the_chain() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let tasks: Vec<_> = (0..24)
            .map(|n| {
                let store = t.store.clone();
                tokio::spawn(async move { store.append_audit(&entry(n), now()).await.unwrap().seq })
            })
            .collect();
        let mut seqs = Vec::new();
        for task in tasks {
            seqs.push(task.await.unwrap());
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=24).collect::<Vec<i64>>(), "{backend:?}");
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!((verified.entries, verified.first_break), (24, None), "{backend:?}");
    }
}

#[tokio::test]
async fn an_entry_altered_in_the_raw_table_is_named() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        five_entries(&t.store).await;
        raw(&t.url, "UPDATE audit_log SET target = 'setting-99' WHERE seq = 3").await;
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!(verified.first_break, Some(ChainBreak::Altered { seq: 3 }), "{backend:?}");
    }
}

#[tokio::test]
async fn an_entry_deleted_from_the_raw_table_is_named_in_the_middle_and_at_the_end() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        five_entries(&t.store).await;
        raw(&t.url, "DELETE FROM audit_log WHERE seq = 2").await;
        assert_eq!(t.store.verify_audit().await.unwrap().first_break, Some(ChainBreak::Removed { seq: 2 }));
        raw(&t.url, "DELETE FROM audit_log WHERE seq = 5").await;
        assert_eq!(t.store.verify_audit().await.unwrap().first_break, Some(ChainBreak::Removed { seq: 2 }));

        let t = fresh_store(backend).await;
        five_entries(&t.store).await;
        raw(&t.url, "DELETE FROM audit_log WHERE seq = 5").await;
        assert_eq!(
            t.store.verify_audit().await.unwrap().first_break,
            Some(ChainBreak::Removed { seq: 5 }),
            "{backend:?}: the head remembers the last entry"
        );
    }
}

#[tokio::test]
async fn entries_reordered_in_the_raw_table_are_named() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        five_entries(&t.store).await;
        raw(
            &t.url,
            "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;
             UPDATE audit_log SET seq = 3 WHERE seq = 100",
        )
        .await;
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!(verified.first_break, Some(ChainBreak::Reordered { seq: 2 }), "{backend:?}");
    }
}

/// Writers that read before they write (a purge, a batch job reading for its data key) next to a
/// stream of recorded client requests, on several threads: on SQLite a deferred transaction
/// that had read could not become a writer once another connection had committed, and waiting
/// writers slept in SQLite's busy handler. Every one must succeed and the chain stay whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_purges_and_client_additions_all_succeed_and_keep_the_chain_whole() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let (client, _) = t.store.add_client("acme", &[purposes::TRACING], now()).await.unwrap();
        let mut tasks = tokio::task::JoinSet::new();
        for n in 0..60 {
            let store = t.store.clone();
            let client_id = client.id.clone();
            tasks.spawn(async move {
                match n % 20 {
                    0 => {
                        let request = dataward_store::lifecycle::purge::PurgeRequest {
                            now: now(),
                            today: jiff::civil::date(2026, 11, 23),
                            hold_days: 183,
                            thresholds: dataward_core::profile::LinkageThresholds { link: 0.999, possible: 0.9 },
                            apply: true,
                            actor: Actor::System,
                        };
                        store.purge(&request).await.map(|_| ())
                    }
                    1 => store.add_client(&format!("client-{n}"), &[purposes::TRACING], now()).await.map(|_| ()),
                    // Reads for the job's data key before it writes one.
                    2 => store
                        .create_job(&client_id, "trace", "tracing", "id,surname\n1,x\n", 1, now())
                        .await
                        .map(|_| ()),
                    _ => store.record_release(&no_match_request(&format!("req-{n}"), &client_id), &[], &[]).await,
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap_or_else(|e| panic!("{backend:?}: a concurrent write failed: {e}"));
        }
        let requests = t.store.audit_entries().await.unwrap().iter().filter(|e| e.action == "client_request").count();
        assert_eq!(requests, 51, "{backend:?}");
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!(verified.first_break, None, "{backend:?}");
    }
}

/// Requests recorded at the same moment share a transaction; one that cannot be written (a
/// client reusing a request id) must fail alone, and nothing of it may be kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_recording_that_cannot_be_written_fails_alone_among_concurrent_ones() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let (client, _) = t.store.add_client("acme", &[purposes::TRACING], now()).await.unwrap();
        t.store.record_release(&no_match_request("reused", &client.id), &[], &[]).await.unwrap();
        for round in 0..5 {
            let mut tasks = tokio::task::JoinSet::new();
            for n in 0..16 {
                let store = t.store.clone();
                let id = if n == 7 { "reused".to_string() } else { format!("req-{round}-{n}") };
                let r = no_match_request(&id, &client.id);
                tasks.spawn(async move { (id, store.record_release(&r, &[], &[]).await) });
            }
            while let Some(done) = tasks.join_next().await {
                let (id, outcome) = done.unwrap();
                assert_eq!(outcome.is_err(), id == "reused", "{backend:?}: {id}: {outcome:?}");
            }
        }
        let entries = t.store.audit_entries().await.unwrap();
        let recorded: Vec<&str> =
            entries.iter().filter(|e| e.action == "client_request").map(|e| e.target.as_str()).collect();
        assert_eq!(recorded.len(), 1 + 5 * 15, "{backend:?}");
        assert_eq!(recorded.iter().filter(|t| **t == "reused").count(), 1, "{backend:?}");
        assert_eq!(t.store.verify_audit().await.unwrap().first_break, None, "{backend:?}");
    }
}

/// Two processes (two stores on one database) recording requests in turn, with audit entries of
/// their own between them: each recording must still be kept exactly once with its ledger rows,
/// and the chain must stay one chain. On PostgreSQL a recording is written in one statement
/// chained onto the head its process last wrote; here that head is always stale by the time the
/// other store writes, so this also checks that a stale head writes nothing and falls back.
#[tokio::test]
async fn recordings_from_two_processes_interleaved_keep_one_chain_and_every_ledger_row() {
    use dataward_store::release::{Disclosure, LedgerFilter};
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        let (client, _) = t.store.add_client("acme", &[purposes::TRACING], now()).await.unwrap();
        load(
            &t.store,
            &p,
            IngestMode::Append,
            vec![pending(2, record("a1", "Jane", "Whitfield", "jane.whitfield@example.co.uk", "LS6 2AB"))],
        )
        .await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let (record_id, person_id): (String, String) =
            sqlx::query_as("SELECT id, person_id FROM source_records").fetch_one(&pool).await.unwrap();
        pool.close().await;
        let other =
            Store::open(&t.url, dataward_store::testing::test_indexer(), dataward_store::testing::test_master_key())
                .await
                .unwrap();
        for n in 0..12 {
            let store = if n % 3 == 2 { &other } else { &t.store };
            let request = RequestRecord {
                person_id: Some(person_id.clone()),
                band: "link".into(),
                ..no_match_request(&format!("req-{n}"), &client.id)
            };
            let disclosures: Vec<Disclosure> = ["email", "postcode"]
                .iter()
                .map(|field| Disclosure {
                    basis: "legitimate_interests".into(),
                    category: "user.contact".into(),
                    field: field.to_string(),
                    disclosure: "value",
                    source_record_id: record_id.clone(),
                    partner_id: p.id.clone(),
                })
                .collect();
            store.record_release(&request, &[], &disclosures).await.unwrap();
            if n % 4 == 3 {
                other.append_audit(&entry(n), now()).await.unwrap();
            }
        }
        let ledger = t.store.ledger(&LedgerFilter::default()).await.unwrap();
        assert_eq!(ledger.len(), 24, "{backend:?}: two ledger rows per request");
        for n in 0..12 {
            let rows = ledger.iter().filter(|l| l.request_id == format!("req-{n}")).count();
            assert_eq!(rows, 2, "{backend:?}: req-{n}");
        }
        let entries = t.store.audit_entries().await.unwrap();
        let recorded = entries.iter().filter(|e| e.action == "client_request").count();
        assert_eq!(recorded, 12, "{backend:?}");
        let verified = t.store.verify_audit().await.unwrap();
        assert_eq!(verified.first_break, None, "{backend:?}");
        assert_eq!(verified.head_seq, entries.last().unwrap().seq, "{backend:?}");
        assert_eq!(verified.entries as i64, verified.head_seq, "{backend:?}: no gap in the numbers");
        other.close().await;
    }
}
