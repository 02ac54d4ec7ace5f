//! The `dataward` binary as a user runs it: partners, clients, ingest (including a killed
//! process mid-file), profiles, generate and demo, on both backends where a store is involved.

use std::path::Path;
use std::process::{Command, Output};

use dataward_store::Backend;
use dataward_store::testing::{backends, fresh_url};

#[path = "cli/audit.rs"]
mod audit;
#[path = "cli/screening.rs"]
mod screening;
#[path = "cli/staff.rs"]
mod staff;

#[path = "cli/lifecycle.rs"]
mod lifecycle;
#[path = "cli/security.rs"]
mod security;

const SECRET: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const MASTER_KEY: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

fn dataward(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(args)
        .env("DATAWARD_DATABASE_URL", url)
        .env("DATAWARD_SECRET", SECRET)
        .env("DATAWARD_MASTER_KEY", MASTER_KEY)
        .env("DATAWARD_NOW", "2026-11-23T10:00:00Z")
        .env_remove("DATAWARD_FAULT")
        .output()
        .expect("run dataward")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn totals(url: &str) -> serde_json::Value {
    let out = ok(&dataward(url, &["batches", "--json"]));
    serde_json::from_str(&out).unwrap()
}

const HEADER: &str = "record_id,first_name,surname,dob,email,postcode";

#[tokio::test]
async fn a_partner_key_is_shown_once_and_only_its_hash_is_stored() {
    let (url, dir) = fresh_url(Backend::Sqlite).await;
    let out = ok(&dataward(
        &url,
        &["partner", "add", "compare-hub", "--channel", "comparison site", "--retention-days", "400"],
    ));
    let key = out.split_whitespace().find(|w| w.starts_with("dwp_")).expect("key printed").to_string();
    let list = ok(&dataward(&url, &["partner", "list"]));
    assert!(list.contains("compare-hub") && list.contains("comparison_site") && list.contains("400d"), "{list}");
    assert!(!list.contains(&key));
    let db = std::fs::read(dir.as_ref().unwrap().path().join("test.db")).unwrap();
    assert!(!db.windows(key.len()).any(|w| w == key.as_bytes()), "the key must not be in the database file");
    let again = dataward(&url, &["partner", "add", "compare-hub", "--channel", "direct"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[tokio::test]
async fn a_client_can_only_contract_purposes_the_profile_offers() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let out = ok(&dataward(&url, &["client", "add", "acme", "--purposes", "tracing,debt_recovery"]));
    assert!(out.contains("dwc_"), "{out}");
    let bad = dataward(&url, &["client", "add", "other", "--purposes", "tracing,billing"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("does not offer purpose `billing`"));
    let show = ok(&dataward(&url, &["client", "show", "acme", "--json"]));
    assert!(show.contains("\"debt_recovery\""), "{show}");
}

#[tokio::test]
async fn a_killed_ingest_leaves_the_store_exactly_as_before() {
    for backend in backends() {
        let (url, dir) = fresh_url(backend).await;
        let work = tempfile::tempdir().unwrap();
        ok(&dataward(&url, &["partner", "add", "competition-co", "--channel", "competition"]));
        let first =
            write(work.path(), "first.csv", &format!("{HEADER}\na1,Tom,Jones,1980-03-12,tom@example.com,LS1 4AP\n"));
        ok(&dataward(&url, &["ingest", "--partner", "competition-co", &first]));
        let before = totals(&url);
        let mut big = format!("{HEADER}\n");
        for i in 0..6000 {
            big.push_str(&format!("r{i},Jane,Smith,1980-03-12,jane{i}@example.co.uk,LS1 4AP\n"));
        }
        let big = write(work.path(), "big.csv", &big);
        let killed = Command::new(env!("CARGO_BIN_EXE_dataward"))
            .args(["ingest", "--partner", "competition-co", "--mode", "refresh", &big])
            .env("DATAWARD_DATABASE_URL", &url)
            .env("DATAWARD_SECRET", SECRET)
            .env("DATAWARD_MASTER_KEY", MASTER_KEY)
            .env("DATAWARD_FAULT", "abort:2000")
            .output()
            .unwrap();
        assert!(!killed.status.success(), "{backend:?}: the process must die mid-file");
        assert_eq!(totals(&url), before, "{backend:?}: no batch appeared");
        let partners = ok(&dataward(&url, &["partner", "show", "competition-co", "--json"]));
        let v: serde_json::Value = serde_json::from_str(&partners).unwrap();
        assert_eq!(v["records"], 1, "{backend:?}: the refresh did not happen and nothing was added");
        drop(dir);
    }
}

#[tokio::test]
async fn ingest_prints_a_summary_and_a_refused_column_fails_naming_it() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let work = tempfile::tempdir().unwrap();
    ok(&dataward(&url, &["partner", "add", "competition-co", "--channel", "competition"]));
    let file = write(
        work.path(),
        "p.csv",
        &format!(
            "{HEADER},shoe_size\na1,Tom,Jones,1980-03-12,tom@example.com,LS1 4AP,9\na2,Amy,Pond,31/02/1990,amy@example.com,LS1 4AP,5\n"
        ),
    );
    let out = ok(&dataward(&url, &["ingest", "--partner", "competition-co", &file]));
    assert!(out.contains("rows read                   2"), "{out}");
    assert!(out.contains("invalid_date_of_birth"), "{out}");
    assert!(out.contains("unknown columns (not kept): shoe_size"), "{out}");
    let refused = write(
        work.path(),
        "r.csv",
        &format!("{HEADER},Religion\na1,Tom,Jones,1980-03-12,tom@example.com,LS1 4AP,none\n"),
    );
    let err = dataward(&url, &["ingest", "--partner", "competition-co", &refused]);
    assert!(!err.status.success());
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(stderr.contains("`Religion`") && stderr.contains("refuses"), "{stderr}");
}

#[tokio::test]
async fn a_profile_with_an_unknown_category_is_rejected_with_file_line_and_key() {
    let work = tempfile::tempdir().unwrap();
    let text = include_str!("../../../profiles/data-broker.toml").replace(
        "\"user.contact.email\",\n  \"user.demographic.date_of_birth\"",
        "\"user.contact.emale\",\n  \"user.demographic.date_of_birth\"",
    );
    let path = write(work.path(), "broken.toml", &text);
    let out = Command::new(env!("CARGO_BIN_EXE_dataward")).args(["--profile", &path, "profile"]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().position(|l| l.contains("user.contact.emale")).unwrap() + 1;
    assert!(
        stderr.contains(&format!("broken.toml:{line}: unknown category `user.contact.emale` in key `held[3]`")),
        "{stderr}"
    );
}

#[test]
fn generate_is_deterministic_for_a_seed() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = Command::new(env!("CARGO_BIN_EXE_dataward"))
            .args(["generate", "--persons", "300", "--seed", seed, "--out", &dir.path().display().to_string()])
            .env("DATAWARD_NOW", "2026-11-23T10:00:00Z")
            .output()
            .unwrap();
        ok(&out);
    }
    for file in ["competition-co.csv", "compare-hub.csv", "lifestyle-club.jsonl", "truth.csv"] {
        let x = std::fs::read(a.path().join(file)).unwrap();
        assert!(!x.is_empty(), "{file}");
        assert_eq!(x, std::fs::read(b.path().join(file)).unwrap(), "{file} differs for the same seed");
        assert_ne!(x, std::fs::read(c.path().join(file)).unwrap(), "{file} is the same for another seed");
    }
}

#[test]
fn the_demo_loads_three_overlapping_partner_files_and_reports_a_client_key() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(["demo", "--persons", "400", "--no-serve", "--dir", &dir.display().to_string()])
        .env("DATAWARD_NOW", "2026-11-23T10:00:00Z")
        .output()
        .unwrap();
    let stdout = ok(&out);
    assert!(stdout.contains("dwc_"), "{stdout}");
    for file in ["competition-co.csv", "compare-hub.csv", "lifestyle-club.jsonl"] {
        assert!(stdout.contains(file), "{file} loaded");
    }
    assert!(stdout.contains("quarantined"), "{stdout}");
    assert!(dir.join("dataward.db").exists());
    let persons: u64 = stdout
        .lines()
        .find(|l| l.starts_with("store:"))
        .and_then(|l| l.split('(').nth(1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("persons count printed");
    assert!((300..=520).contains(&persons), "overlapping files group into roughly one person each: {persons}");
}

#[tokio::test]
async fn an_access_report_lists_values_by_source_uses_and_the_ico_and_explain_reads_the_ledger() {
    for backend in backends() {
        let (url, _dir) = fresh_url(backend).await;
        let tmp = tempfile::tempdir().unwrap();
        ok(&dataward(&url, &["partner", "add", "competition-co", "--channel", "competition"]));
        let file = write(
            tmp.path(),
            "p.csv",
            &format!("{HEADER}\nr1,Jane,Whitfield,1984-07-21,jane.whitfield@example.com,LS6 2AB\n"),
        );
        ok(&dataward(&url, &["ingest", "--partner", "competition-co", &file]));
        let report = ok(&dataward(&url, &["rights", "report", "--email", "Jane.Whitfield@example.com"]));
        assert!(report.contains("From competition-co (competition)"), "{backend:?}: {report}");
        assert!(report.contains("jane.whitfield@example.com") && report.contains("LS6 2AB"));
        assert!(report.contains("marketing.email") && report.contains("consent"), "{report}");
        assert!(report.contains("Who received it:\n  no one"), "{report}");
        assert!(report.contains("ico.org.uk"));
        let unknown = dataward(&url, &["rights", "report", "--email", "nobody@example.com"]);
        assert!(!unknown.status.success());
        assert!(String::from_utf8_lossy(&unknown.stderr).contains("no person holds that email address"));
        let missing = dataward(&url, &["explain", "no-such-request"]);
        assert!(String::from_utf8_lossy(&missing.stderr).contains("no client request no-such-request"));
        let ledger = ok(&dataward(&url, &["ledger"]));
        assert!(ledger.contains("0 disclosure(s)"), "{ledger}");
    }
}
