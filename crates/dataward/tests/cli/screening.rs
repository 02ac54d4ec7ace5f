//! `dataward register` and `dataward suppress` as a user runs them: counts with line numbers,
//! full and delta loads, status, suppressions stored and shown only as digests.

use std::process::Output;

use dataward_store::Backend;
use dataward_store::testing::{backends, fresh_url};

use super::{dataward, ok, write};

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(url: &str, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&ok(&dataward(url, args))).unwrap()
}

#[tokio::test]
async fn a_tps_load_reports_counts_and_the_line_numbers_of_rejected_lines() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let work = tempfile::tempdir().unwrap();
    let file = write(
        work.path(),
        "tps.txt",
        "telephone_number\n01632960123\n+44 1632 960124\n\n0163296012x\n01632 960123\n+33612345678\n",
    );
    let out = ok(&dataward(&url, &["register", "load", "tps", &file]));
    assert!(out.contains("lines read              5"), "{out}");
    assert!(out.contains("accepted                3"), "{out}");
    assert!(out.contains("rejected                2"), "{out}");
    assert!(out.contains("line 5: a number may contain only digits"), "{out}");
    assert!(out.contains("line 7: not a UK number"), "{out}");
    assert!(out.contains("added                   2"), "{out}");
    assert!(out.contains("total now               2"), "{out}");
    assert!(!out.contains("960123") && !out.contains("960124"), "no number is printed: {out}");
}

#[tokio::test]
async fn full_and_delta_loads_change_the_register_and_status_shows_the_latest() {
    for backend in backends() {
        let (url, _dir) = fresh_url(backend).await;
        let work = tempfile::tempdir().unwrap();
        let full = write(work.path(), "full.txt", "01632960001\n01632960002\n01632960003\n");
        ok(&dataward(&url, &["register", "load", "ctps", &full]));
        let delta =
            write(work.path(), "delta.csv", "action,number\nadd,01632960004\nremove,01632960001\nkeep,01632960002\n");
        let v = json(&url, &["register", "load", "ctps", &delta, "--delta", "--json"]);
        assert_eq!(v["load"]["added"], 1, "{backend:?}: {v}");
        assert_eq!(v["load"]["removed"], 1);
        assert_eq!(v["load"]["total"], 3);
        assert_eq!(v["report"]["first_rejections"][0]["line"], 4);
        let replace = write(work.path(), "replace.txt", "01632960009\n");
        let v = json(&url, &["register", "load", "ctps", &replace, "--json"]);
        assert_eq!((v["load"]["added"].as_u64(), v["load"]["removed"].as_u64()), (Some(1), Some(3)), "{v}");
        let status = json(&url, &["register", "status", "--json"]);
        let ctps = status.as_array().unwrap().iter().find(|s| s["kind"] == "ctps").unwrap();
        assert_eq!(ctps["entries"], 1, "{backend:?}");
        assert_eq!(ctps["last_load"]["mode"], "full");
        assert_eq!(ctps["last_load"]["file_name"], "replace.txt");
        let text = ok(&dataward(&url, &["register", "status"]));
        assert!(text.lines().any(|l| l.starts_with("tps") && l.contains("never")), "{text}");
    }
}

#[tokio::test]
async fn a_delta_line_in_a_full_load_is_rejected_and_an_mps_file_without_postcodes_fails() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let work = tempfile::tempdir().unwrap();
    let file = write(work.path(), "tps.txt", "01632960001\nadd,01632960002\n");
    let out = ok(&dataward(&url, &["register", "load", "tps", &file]));
    assert!(out.contains("line 2: more than one column in a full register file"), "{out}");
    let mps = write(work.path(), "mps.csv", "surname,address_1\nSmith,12 High St\n");
    let failed = dataward(&url, &["register", "load", "mps", &mps]);
    assert!(!failed.status.success());
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(err.contains("line 1: the header has no postcode column"), "{err}");
    let status = json(&url, &["register", "status", "--json"]);
    assert!(status.as_array().unwrap().iter().all(|s| s["kind"] != "mps" || s["last_load"].is_null()));
}

#[tokio::test]
async fn an_mps_load_keys_name_and_address_and_reports_bad_rows() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let work = tempfile::tempdir().unwrap();
    let file = write(
        work.path(),
        "mps.csv",
        "title,forename,surname,address_1,address_2,town,postcode\n\
         Mrs,Ann,Smith,\"12, High St\",,Leeds,LS1 4AP\n\
         Mr,Tom,Jones,Rose Cottage,Mill Lane,Leeds,LS1\n\
         Mr,Tom,Smith,12 High Street,,Leeds,ls14ap\n",
    );
    let v = json(&url, &["register", "load", "mps", &file, "--json"]);
    assert_eq!(v["report"]["accepted"], 2, "{v}");
    assert_eq!(v["report"]["first_rejections"][0]["line"], 3);
    assert_eq!(v["load"]["total"], 1, "two Smiths at 12 High St LS1 4AP share one key: {v}");
}

#[tokio::test]
async fn suppressions_are_stored_and_listed_as_digests_only() {
    for backend in backends() {
        let (url, dir) = fresh_url(backend).await;
        let out = ok(&dataward(
            &url,
            &["suppress", "add", "--email", "Jane.Doe@Example.com", "--reason", "opt_out", "--scope", "email"],
        ));
        assert!(out.starts_with("suppressed: email for opt_out (scope email)"), "{out}");
        let again = ok(&dataward(
            &url,
            &["suppress", "add", "--email", "jane.doe@example.com", "--reason", "opt-out", "--scope", "email"],
        ));
        assert!(again.starts_with("already suppressed"), "{backend:?}: {again}");
        ok(&dataward(
            &url,
            &["suppress", "add", "--name-address", "Smith", "12 High St", "LS1 4AP", "--reason", "erasure"],
        ));
        ok(&dataward(
            &url,
            &["suppress", "add", "--phone", "07700 900123", "--reason", "objection", "--person-id", "p-1"],
        ));
        let list = json(&url, &["suppress", "list", "--json"]);
        let kinds: Vec<_> = list.as_array().unwrap().iter().map(|s| s["identifier"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["email", "name_address", "phone"], "{backend:?}");
        assert_eq!(list[2]["person_id"], "p-1");
        assert_eq!(list[0]["digest"].as_str().unwrap().len(), 64);
        let text = ok(&dataward(&url, &["suppress", "list"]));
        for clear in ["jane", "Jane", "Smith", "LS1", "900123"] {
            assert!(!text.contains(clear) && !list.to_string().contains(clear), "{clear} leaked: {text}");
        }
        if let Some(dir) = dir {
            let db = std::fs::read(dir.path().join("test.db")).unwrap();
            assert!(!db.windows(8).any(|w| w == b"jane.doe"), "no clear email in the database file");
        }
    }
}

#[tokio::test]
async fn a_bad_suppression_names_the_problem_without_the_value() {
    let (url, _dir) = fresh_url(Backend::Sqlite).await;
    let bad = dataward(&url, &["suppress", "add", "--email", "secret-not-an-email", "--reason", "opt_out"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--email") && !err.contains("secret-not-an-email"), "{err}");
    let reason = dataward(&url, &["suppress", "add", "--phone", "01632960123", "--reason", "dislike"]);
    assert!(String::from_utf8_lossy(&reason.stderr).contains("expected one of: opt_out"));
    let none = dataward(&url, &["suppress", "add", "--reason", "opt_out"]);
    assert!(!none.status.success());
    assert!(stdout(&none).is_empty());
}
