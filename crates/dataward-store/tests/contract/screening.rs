//! The screening part of the store contract: register loads (full, delta, abandoned), the
//! suppression list and the screener built from both, on every backend.

use dataward_core::keys::Digest;
use dataward_core::screening::keys::digest;
use dataward_core::screening::{
    Action, Change, ContactChannel, IdentifierKind, ListRow, LoadMode, LoadReport, RegisterKind, Scope,
    SuppressionReason,
};
use dataward_store::Store;
use dataward_store::registers::RegisterLoad;
use dataward_store::suppressions::NewSuppression;
use dataward_store::testing::{backends, fresh_store};
use jiff::Timestamp;

fn at(hour: u32) -> Timestamp {
    format!("2026-11-23T{hour:02}:00:00Z").parse().unwrap()
}

fn d(n: u32) -> Digest {
    let mut out = [0u8; 32];
    out[..4].copy_from_slice(&n.to_be_bytes());
    out[31] = 1;
    out
}

fn adds(ns: &[u32]) -> Vec<Change> {
    ns.iter().map(|&n| Change { action: Action::Add, digest: d(n) }).collect()
}

async fn load(store: &Store, kind: RegisterKind, mode: LoadMode, changes: &[Change], hour: u32) -> RegisterLoad {
    let mut tx = store.begin_register_load(kind, mode, "file.txt", at(hour)).await.unwrap();
    tx.apply(changes).await.unwrap();
    let report = LoadReport { read: changes.len() as u64, accepted: changes.len() as u64, ..LoadReport::default() };
    tx.finish("sha", &report).await.unwrap()
}

#[tokio::test]
async fn a_full_register_load_replaces_the_previous_register_and_counts_the_change() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let first = load(&t.store, RegisterKind::Tps, LoadMode::Full, &adds(&[1, 2, 3]), 1).await;
        assert_eq!((first.added, first.removed, first.total), (3, 0, 3), "{backend:?}");
        let second = load(&t.store, RegisterKind::Tps, LoadMode::Full, &adds(&[2, 3, 4, 4]), 2).await;
        assert_eq!((second.added, second.removed, second.total), (1, 1, 3), "{backend:?}");
        let set = t.store.screening_set(RegisterKind::Tps).await.unwrap();
        assert!(!set.contains_digest(&d(1)), "{backend:?}: absent from the new file");
        assert!([2, 3, 4].iter().all(|&n| set.contains_digest(&d(n))), "{backend:?}");
        assert_eq!(t.store.register_entry_count(RegisterKind::Tps).await.unwrap(), 3);
    }
}

#[tokio::test]
async fn a_delta_load_adds_and_removes_in_order_and_ignores_what_changes_nothing() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        load(&t.store, RegisterKind::Ctps, LoadMode::Full, &adds(&[1, 2, 3]), 1).await;
        let changes = [
            Change { action: Action::Add, digest: d(3) },
            Change { action: Action::Add, digest: d(5) },
            Change { action: Action::Remove, digest: d(9) },
            Change { action: Action::Remove, digest: d(1) },
            Change { action: Action::Remove, digest: d(5) },
            Change { action: Action::Add, digest: d(6) },
        ];
        let delta = load(&t.store, RegisterKind::Ctps, LoadMode::Delta, &changes, 2).await;
        assert_eq!((delta.added, delta.removed, delta.total), (2, 2, 3), "{backend:?}");
        let set = t.store.screening_set(RegisterKind::Ctps).await.unwrap();
        assert!(set.contains_digest(&d(6)) && set.contains_digest(&d(2)) && set.contains_digest(&d(3)));
        assert!(!set.contains_digest(&d(5)), "{backend:?}: added then removed within the file");
        let status = t.store.register_status().await.unwrap();
        let ctps = status.iter().find(|s| s.kind == RegisterKind::Ctps).unwrap();
        assert_eq!(ctps.entries, 3);
        assert_eq!(ctps.last_load.as_ref().unwrap().mode, LoadMode::Delta);
        assert_eq!(t.store.register_loads(RegisterKind::Ctps).await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_register_load_dropped_before_finish_leaves_the_previous_register_intact() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        load(&t.store, RegisterKind::Mps, LoadMode::Full, &adds(&[1, 2]), 1).await;
        {
            let mut tx = t.store.begin_register_load(RegisterKind::Mps, LoadMode::Full, "bad", at(2)).await.unwrap();
            tx.apply(&adds(&[7, 8, 9])).await.unwrap();
        }
        let set = t.store.screening_set(RegisterKind::Mps).await.unwrap();
        assert_eq!(set.len(), 2, "{backend:?}");
        assert!(set.contains_digest(&d(1)) && !set.contains_digest(&d(7)));
        assert_eq!(t.store.register_loads(RegisterKind::Mps).await.unwrap().len(), 1, "{backend:?}");
    }
}

#[tokio::test]
async fn a_large_load_crosses_chunks_and_registers_of_other_kinds_are_untouched() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        load(&t.store, RegisterKind::Mps, LoadMode::Full, &adds(&[1]), 1).await;
        let mut many: Vec<u32> = (0..25_000).collect();
        many.extend(0..100); // repeats, some in the same chunk
        let done = load(&t.store, RegisterKind::Tps, LoadMode::Full, &adds(&many), 2).await;
        assert_eq!((done.added, done.total), (25_000, 25_000), "{backend:?}");
        let set = t.store.screening_set(RegisterKind::Tps).await.unwrap();
        assert!((0..25_000).all(|n| set.contains_digest(&d(n))), "{backend:?}");
        assert_eq!(t.store.register_entry_count(RegisterKind::Mps).await.unwrap(), 1, "{backend:?}");
    }
}

#[tokio::test]
async fn suppressions_are_kept_once_listed_without_values_and_screen_rows() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let ix = t.store.indexer().clone();
        let email = digest(&ix, IdentifierKind::Email, "jane@example.com");
        let new = NewSuppression {
            identifier: IdentifierKind::Email,
            digest: email,
            reason: SuppressionReason::OptOut,
            scope: Scope::Channel(ContactChannel::Email),
            person_id: None,
        };
        let (first, created) = t.store.add_suppression(&new, at(1)).await.unwrap();
        assert!(created);
        let (again, created) = t.store.add_suppression(&new, at(2)).await.unwrap();
        assert!(!created, "{backend:?}");
        assert_eq!(again, first);
        let erasure = NewSuppression { reason: SuppressionReason::Erasure, scope: Scope::All, ..new.clone() };
        t.store.add_suppression(&erasure, at(3)).await.unwrap();
        let listed = t.store.list_suppressions().await.unwrap();
        assert_eq!(listed.len(), 2, "{backend:?}");
        assert_eq!(listed[0].digest, hex::encode(email));
        let shown = serde_json::to_string(&listed).unwrap();
        assert!(!shown.contains("jane"), "{shown}");

        load(
            &t.store,
            RegisterKind::Tps,
            LoadMode::Full,
            &[Change { action: Action::Add, digest: digest(&ix, IdentifierKind::Phone, "+441632960123") }],
            4,
        )
        .await;
        let screener = t.store.screener().await.unwrap();
        let phones = ["01632 960123"];
        let row = ListRow { phones: &phones, email: Some("JANE@example.com"), name_address: None };
        let codes: Vec<_> = screener.screen(&row).iter().map(|h| h.reason.code()).collect();
        assert_eq!(codes, ["tps_registered", "suppressed", "suppressed"], "{backend:?}");
        assert_eq!(screener.screen_for(&row, ContactChannel::Post).len(), 1, "only the erasure blocks post");
    }
}
