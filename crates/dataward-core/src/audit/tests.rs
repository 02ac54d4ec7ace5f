use serde_json::json;

use super::*;

fn chain_of(n: i64) -> Vec<AuditEntry> {
    let mut out: Vec<AuditEntry> = Vec::new();
    for seq in 1..=n {
        let prev = out.last().map_or(GENESIS_HASH.to_string(), |e| e.hash.clone());
        let new = NewAuditEntry::new(Actor::Cli, "ingest", format!("batch-{seq}"), json!({ "rows": seq })).unwrap();
        out.push(new.chain(seq, "2026-11-23T10:00:00Z", &prev));
    }
    out
}

#[test]
fn an_intact_chain_verifies_and_counts_its_entries() {
    let chain = chain_of(5);
    assert_eq!(verify_chain(&chain, 5), Ok(5));
    assert_eq!(verify_chain(&[], 0), Ok(0));
}

#[test]
fn a_changed_field_is_named_as_the_altered_entry() {
    let mut chain = chain_of(5);
    chain[2].target = "batch-99".into();
    assert_eq!(verify_chain(&chain, 5), Err(ChainBreak::Altered { seq: 3 }));
}

#[test]
fn an_entry_rewritten_with_a_fresh_hash_is_found_by_the_next_entry() {
    let mut chain = chain_of(5);
    chain[1].detail = r#"{"rows":200}"#.into();
    chain[1].hash = entry_hash(&chain[1]);
    assert_eq!(verify_chain(&chain, 5), Err(ChainBreak::Altered { seq: 2 }));
}

#[test]
fn a_removed_entry_in_the_middle_or_at_either_end_is_named() {
    let chain = chain_of(5);
    let mut middle = chain.clone();
    middle.remove(2);
    assert_eq!(verify_chain(&middle, 5), Err(ChainBreak::Removed { seq: 3 }));
    assert_eq!(verify_chain(&chain[1..], 5), Err(ChainBreak::Removed { seq: 1 }));
    assert_eq!(verify_chain(&chain[..4], 5), Err(ChainBreak::Removed { seq: 5 }));
}

#[test]
fn two_entries_swapped_in_place_are_reported_as_reordered() {
    let mut chain = chain_of(5);
    // Swap the contents of the rows holding seq 3 and 4, keeping the sequence column.
    let (a, b) = (chain[2].clone(), chain[3].clone());
    chain[2] = AuditEntry { seq: 3, ..b };
    chain[3] = AuditEntry { seq: 4, ..a };
    assert_eq!(verify_chain(&chain, 5), Err(ChainBreak::Reordered { seq: 3 }));
}

#[test]
fn the_hash_binds_every_field_and_the_previous_hash() {
    let base = chain_of(1).remove(0);
    let variants = [
        AuditEntry { seq: 2, ..base.clone() },
        AuditEntry { at: "2026-11-23T10:00:01Z".into(), ..base.clone() },
        AuditEntry { actor: "system".into(), ..base.clone() },
        AuditEntry { action: "ingested".into(), ..base.clone() },
        AuditEntry { target: "batch-2".into(), ..base.clone() },
        AuditEntry { detail: "{}".into(), ..base.clone() },
        AuditEntry { prev_hash: "1".repeat(64), ..base.clone() },
    ];
    for v in variants {
        assert_ne!(entry_hash(&v), base.hash, "{v:?}");
    }
    // Field boundaries are part of the encoding: moving a character across fields changes it.
    let shifted = AuditEntry { actor: "cl".into(), action: "iingest".into(), ..base.clone() };
    assert_ne!(entry_hash(&shifted), base.hash);
}

#[test]
fn actions_must_be_snake_case_and_details_objects() {
    assert!(NewAuditEntry::new(Actor::Cli, "client_release", "r1", json!({})).is_ok());
    for bad in ["Ingest", "client-release", "", "1st", "a b"] {
        assert_eq!(NewAuditEntry::new(Actor::Cli, bad, "x", json!({})), Err(AuditError::Action(bad.into())));
    }
    assert_eq!(NewAuditEntry::new(Actor::Cli, "ingest", "x", json!([1])), Err(AuditError::Detail));
}

#[test]
fn actors_are_written_and_read_back() {
    for actor in
        [Actor::Cli, Actor::System, Actor::Staff("s1".into()), Actor::Client("c1".into()), Actor::Partner("p1".into())]
    {
        assert_eq!(Actor::parse(&actor.to_string()), Ok(actor));
    }
    for bad in ["root", "staff:", "robot:1", ""] {
        assert!(Actor::parse(bad).is_err(), "{bad}");
    }
}
