//! Staff accounts and console sessions on both backends: Argon2id hashes, the login check with
//! lock-out and TOTP, sessions stored only as digests and ended by time, logout, disabling and
//! a password change.

use dataward_core::staff::{Password, Role, StaffName, TotpSecret};
use dataward_store::staff::{LoginOutcome, LoginRefusal, NewStaff, StaffMember};
use jiff::SignedDuration;
use sha2::Digest;

use super::*;

const PASSWORD: &str = "correct horse battery";

async fn add(store: &Store, name: &str, role: Role) -> StaffMember {
    let new = NewStaff { name: StaffName::parse(name).unwrap(), role, password: Password::parse(PASSWORD).unwrap() };
    store.add_staff(&new, now()).await.unwrap()
}

async fn login(store: &Store, name: &str, password: &str, code: Option<&str>, at: Timestamp) -> LoginOutcome {
    store.check_staff_login(name, password, code, at).await.unwrap()
}

fn refused(outcome: LoginOutcome) -> LoginRefusal {
    match outcome {
        LoginOutcome::Refused(reason) => reason,
        LoginOutcome::Accepted(m) => panic!("accepted {}", m.name),
    }
}

#[tokio::test]
async fn a_staff_password_is_stored_only_as_an_argon2id_hash_and_names_are_unique() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let alice = add(&t.store, "Alice", Role::Dpo).await;
        assert_eq!(alice.name, "alice");
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let hash: String = sqlx::query_scalar("SELECT password_hash FROM staff").fetch_one(&pool).await.unwrap();
        assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD), "{backend:?}");
        let again = NewStaff {
            name: StaffName::parse("alice").unwrap(),
            role: Role::Admin,
            password: Password::parse(PASSWORD).unwrap(),
        };
        assert!(matches!(t.store.add_staff(&again, now()).await, Err(StoreError::Duplicate { .. })));
        let listed = t.store.list_staff().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].role, Role::Dpo);
    }
}

#[tokio::test]
async fn the_fifth_wrong_password_locks_the_account_for_fifteen_minutes_even_against_the_right_one() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        add(&t.store, "bob", Role::Operator).await;
        for _ in 0..4 {
            assert_eq!(
                refused(login(&t.store, "bob", "wrong password!", None, now()).await),
                LoginRefusal::WrongPassword
            );
        }
        assert_eq!(t.store.staff_by_name("bob").await.unwrap().lockout.failed_logins, 4);
        assert_eq!(refused(login(&t.store, "bob", "wrong password!", None, now()).await), LoginRefusal::WrongPassword);
        let later = now() + SignedDuration::from_mins(14);
        assert_eq!(refused(login(&t.store, "bob", PASSWORD, None, later).await), LoginRefusal::Locked, "{backend:?}");
        let after = now() + SignedDuration::from_mins(15);
        assert!(matches!(login(&t.store, "bob", PASSWORD, None, after).await, LoginOutcome::Accepted(_)));
        assert_eq!(t.store.staff_by_name("bob").await.unwrap().lockout.failed_logins, 0);
        // Every attempt is in the audit log, by account id, never by the name typed.
        let bob = t.store.staff_by_name("bob").await.unwrap().id;
        let logins: Vec<_> = t
            .store
            .audit_entries()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action.starts_with("staff_login"))
            .collect();
        assert_eq!(logins.len(), 7, "{backend:?}");
        assert_eq!(logins.iter().filter(|e| e.action == "staff_login_refused").count(), 6);
        assert!(logins.iter().all(|e| e.target == bob && !e.detail.contains("bob")));
        assert_eq!(logins.last().unwrap().actor, format!("staff:{bob}"));
    }
}

#[tokio::test]
async fn an_unknown_name_and_a_disabled_account_are_refused() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        add(&t.store, "carol", Role::Auditor).await;
        assert_eq!(refused(login(&t.store, "nobody", PASSWORD, None, now()).await), LoginRefusal::UnknownName);
        assert_eq!(refused(login(&t.store, "not a name;", PASSWORD, None, now()).await), LoginRefusal::UnknownName);
        t.store.disable_staff("carol", now()).await.unwrap();
        assert_eq!(refused(login(&t.store, "carol", PASSWORD, None, now()).await), LoginRefusal::Disabled);
    }
}

#[tokio::test]
async fn with_totp_on_a_login_needs_a_current_code_and_each_code_works_once() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        add(&t.store, "dora", Role::Dpo).await;
        let secret = TotpSecret::from_bytes([9; 20]);
        t.store.set_staff_totp("dora", Some(&secret), now()).await.unwrap();
        assert!(t.store.staff_by_name("dora").await.unwrap().totp_enabled);
        // The secret is sealed at rest: the column holds neither its base32 nor its bytes.
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let stored: String =
            sqlx::query_scalar("SELECT totp_secret FROM staff WHERE name = 'dora'").fetch_one(&pool).await.unwrap();
        assert!(stored.starts_with(dataward_store::staff::TOTP_SEALED), "{backend:?}: {stored}");
        assert!(!stored.contains(&secret.to_base32()) && !stored.contains(&hex::encode([9u8; 20])));
        assert_eq!(refused(login(&t.store, "dora", PASSWORD, None, now()).await), LoginRefusal::WrongCode);
        assert_eq!(refused(login(&t.store, "dora", PASSWORD, Some("000000"), now()).await), LoginRefusal::WrongCode);
        let code = secret.code_at(now());
        assert!(matches!(login(&t.store, "dora", PASSWORD, Some(&code), now()).await, LoginOutcome::Accepted(_)));
        assert_eq!(refused(login(&t.store, "dora", PASSWORD, Some(&code), now()).await), LoginRefusal::ReusedCode);
        let next_step = now() + SignedDuration::from_secs(30);
        let next = secret.code_at(next_step);
        assert!(matches!(login(&t.store, "dora", PASSWORD, Some(&next), next_step).await, LoginOutcome::Accepted(_)));
        t.store.set_staff_totp("dora", None, now()).await.unwrap();
        assert!(matches!(login(&t.store, "dora", PASSWORD, None, now()).await, LoginOutcome::Accepted(_)));
        // Account changes are configuration changes: in the audit log, by id, without the secret.
        let dora = t.store.staff_by_name("dora").await.unwrap().id;
        let changes: Vec<(String, String)> = t
            .store
            .audit_entries()
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.target == dora && !e.action.starts_with("staff_login"))
            .map(|e| (e.action, e.detail))
            .collect();
        let actions: Vec<&str> = changes.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions, ["staff_add", "staff_totp", "staff_totp"], "{backend:?}");
        assert!(changes.iter().all(|(_, d)| !d.contains(&secret.to_base32())));
    }
}

#[tokio::test]
async fn a_session_token_is_stored_only_as_its_sha256_digest_and_ends_by_time_or_logout() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let erin = add(&t.store, "erin", Role::Admin).await;
        let issued = t.store.open_staff_session(&erin.id, now()).await.unwrap();
        let token = issued.reveal().to_string();
        assert!(!format!("{issued:?}").contains(&token));
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        let stored: String =
            sqlx::query_scalar("SELECT token_hash FROM staff_sessions").fetch_one(&pool).await.unwrap();
        assert_ne!(stored, token);
        assert_eq!(stored, hex::encode(sha2::Sha256::digest(token.as_bytes())));

        let live = t.store.staff_session(&token, now() + SignedDuration::from_mins(29)).await.unwrap().unwrap();
        assert_eq!(live.staff.id, erin.id);
        assert_eq!(live.csrf_token, issued.csrf_token);
        assert!(t.store.staff_session(&stored, now()).await.unwrap().is_none(), "the digest is not a token");
        // Used at 10:29 and 10:58; 31 idle minutes later, at 11:29, it has ended.
        assert!(t.store.staff_session(&token, now() + SignedDuration::from_mins(58)).await.unwrap().is_some());
        assert!(t.store.staff_session(&token, now() + SignedDuration::from_mins(89)).await.unwrap().is_none());
        assert_eq!(t.store.count_staff_sessions(&erin.id).await.unwrap(), 0, "an ended session is deleted");

        let second = t.store.open_staff_session(&erin.id, now()).await.unwrap();
        t.store.close_staff_session(second.reveal()).await.unwrap();
        assert!(t.store.staff_session(second.reveal(), now()).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_session_never_outlives_eight_hours_and_ends_when_its_member_is_disabled_or_changes_password() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let fay = add(&t.store, "fay", Role::Operator).await;
        let session = t.store.open_staff_session(&fay.id, now()).await.unwrap();
        let mut at = now();
        for _ in 0..17 {
            at += SignedDuration::from_mins(29);
            let live = t.store.staff_session(session.reveal(), at).await.unwrap().is_some();
            assert_eq!(live, at < now() + SignedDuration::from_hours(8), "{at}");
        }
        let other = t.store.open_staff_session(&fay.id, now()).await.unwrap();
        t.store.set_staff_password("fay", &Password::parse("another long password").unwrap(), now()).await.unwrap();
        assert!(t.store.staff_session(other.reveal(), now()).await.unwrap().is_none());
        assert!(matches!(
            login(&t.store, "fay", "another long password", None, now()).await,
            LoginOutcome::Accepted(_)
        ));
        let third = t.store.open_staff_session(&fay.id, now()).await.unwrap();
        t.store.disable_staff("fay", now()).await.unwrap();
        assert!(t.store.staff_session(third.reveal(), now()).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_totp_secret_stored_in_clear_before_sealing_still_checks_codes() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        add(&t.store, "dora", Role::Dpo).await;
        let secret = TotpSecret::from_bytes([7; 20]);
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        sqlx::query("UPDATE staff SET totp_secret = $1 WHERE name = 'dora'")
            .bind(secret.to_base32())
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(refused(login(&t.store, "dora", PASSWORD, Some("000000"), now()).await), LoginRefusal::WrongCode);
        let code = secret.code_at(now());
        assert!(matches!(login(&t.store, "dora", PASSWORD, Some(&code), now()).await, LoginOutcome::Accepted(_)));
    }
}
