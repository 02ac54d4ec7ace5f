//! `dataward staff`: passwords from standard input or the environment (never a flag), roles
//! checked by name, TOTP shown once, disabled accounts that can no longer sign in.

use std::io::Write;
use std::process::Stdio;

use dataward_store::Store;
use dataward_store::master_key::MasterKey;
use dataward_store::staff::{LoginOutcome, LoginRefusal};
use dataward_store::testing::test_indexer;

use super::*;

const PASSWORD: &str = "correct horse battery";

/// Runs `dataward` with `stdin` written to its standard input (no password variable set).
fn dataward_with_stdin(url: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(args)
        .env("DATAWARD_DATABASE_URL", url)
        .env("DATAWARD_SECRET", SECRET)
        .env("DATAWARD_MASTER_KEY", MASTER_KEY)
        .env("DATAWARD_NOW", "2026-11-23T10:00:00Z")
        .env_remove("DATAWARD_STAFF_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dataward");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn check(url: &str, name: &str, password: &str) -> LoginOutcome {
    let master = MasterKey::from_bytes(&hex::decode(MASTER_KEY).unwrap()).unwrap();
    let store = Store::open(url, test_indexer(), master).await.unwrap();
    let outcome = store.check_staff_login(name, password, None, "2026-11-23T10:00:00Z".parse().unwrap()).await.unwrap();
    store.close().await;
    outcome
}

#[tokio::test]
async fn staff_are_added_with_a_password_from_stdin_and_can_then_sign_in() {
    let (url, dir) = fresh_url(Backend::Sqlite).await;
    let out = ok(&dataward_with_stdin(&url, &["staff", "add", "Alice", "--role", "dpo"], &format!("{PASSWORD}\n")));
    assert!(out.contains("alice added (data protection officer)"), "{out}");
    assert!(matches!(check(&url, "alice", PASSWORD).await, LoginOutcome::Accepted(m) if m.role.as_str() == "dpo"));
    let db = std::fs::read(dir.as_ref().unwrap().path().join("test.db")).unwrap();
    assert!(!db.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()), "no clear password in the database");

    let list = ok(&dataward(&url, &["staff", "list"]));
    assert!(list.contains("alice") && list.contains("dpo") && list.contains("active"), "{list}");
    let disabled = ok(&dataward(&url, &["staff", "disable", "alice"]));
    assert!(disabled.contains("disabled"), "{disabled}");
    assert_eq!(check(&url, "alice", PASSWORD).await, LoginOutcome::Refused(LoginRefusal::Disabled));
}

#[tokio::test]
async fn a_short_password_an_unknown_role_or_no_password_at_all_is_refused_with_the_reason() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let short = dataward_with_stdin(&url, &["staff", "add", "bob", "--role", "operator"], "short\n");
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"), "{short:?}");
    let role = dataward_with_stdin(&url, &["staff", "add", "bob", "--role", "root"], &format!("{PASSWORD}\n"));
    assert!(String::from_utf8_lossy(&role.stderr).contains("unknown role `root`"), "{role:?}");
    let none = dataward_with_stdin(&url, &["staff", "add", "bob", "--role", "operator"], "");
    assert!(String::from_utf8_lossy(&none.stderr).contains("DATAWARD_STAFF_PASSWORD"), "{none:?}");
    assert!(ok(&dataward(&url, &["staff", "list", "--json"])).trim() == "[]");
}

#[tokio::test]
async fn totp_prints_the_otpauth_uri_once_and_then_a_code_is_required() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let add = Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(["staff", "add", "carol", "--role", "admin"])
        .env("DATAWARD_DATABASE_URL", &url)
        .env("DATAWARD_SECRET", SECRET)
        .env("DATAWARD_STAFF_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    ok(&add);
    let out = ok(&dataward(&url, &["staff", "totp", "carol"]));
    let uri = out.split_whitespace().find(|w| w.starts_with("otpauth://totp/dataward:carol?")).expect("the URI");
    assert!(uri.contains("secret="), "{uri}");
    assert_eq!(check(&url, "carol", PASSWORD).await, LoginOutcome::Refused(LoginRefusal::WrongCode));
    assert!(!ok(&dataward(&url, &["staff", "list"])).contains(uri));
    ok(&dataward(&url, &["staff", "totp", "carol", "--off"]));
    assert!(matches!(check(&url, "carol", PASSWORD).await, LoginOutcome::Accepted(_)));
}
