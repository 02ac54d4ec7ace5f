//! `dataward partner withdraw`, `hold`, `purge` and `breach` as an operator runs them, with the
//! clock moved through `DATAWARD_NOW`.

use super::*;

fn dataward_at(url: &str, now: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(args)
        .env("DATAWARD_DATABASE_URL", url)
        .env("DATAWARD_SECRET", SECRET)
        .env("DATAWARD_MASTER_KEY", MASTER_KEY)
        .env("DATAWARD_NOW", now)
        .env_remove("DATAWARD_FAULT")
        .output()
        .expect("run dataward")
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn a_withdrawn_partner_is_purged_by_the_cli_only_after_its_hold_and_a_legal_hold() {
    for backend in backends() {
        let (url, dir) = fresh_url(backend).await;
        let dir_path = dir.as_ref().map(|d| d.path().to_path_buf()).unwrap_or_else(std::env::temp_dir);
        ok(&dataward(&url, &["partner", "add", "comp-co", "--channel", "competition"]));
        let file = write(
            &dir_path,
            &format!("lifecycle-{}.csv", backend.as_str()),
            &format!("{HEADER}\nr1,Jane,Smith,1980-03-12,jane@example.co.uk,LS1 4AP\n"),
        );
        ok(&dataward(&url, &["ingest", "--partner", "comp-co", &file]));
        let out = ok(&dataward(&url, &["partner", "withdraw", "comp-co", "--reason", "contract ended"]));
        assert!(out.contains("withdrawn") && out.contains("2027-05-25T10:00:00Z"), "{out}");
        assert!(failed(&dataward(&url, &["partner", "withdraw", "comp-co"])).contains("already withdrawn"));

        let hold = ok(&dataward(&url, &["hold", "add", "--partner", "comp-co", "--reason", "ICO inquiry 7"]));
        let hold_id = hold.split_whitespace().nth(3).expect("hold id").to_string();
        let held: serde_json::Value =
            serde_json::from_str(&ok(&dataward_at(&url, "2027-06-01T00:00:00Z", &["purge", "--apply", "--json"])))
                .unwrap();
        assert_eq!(held["records"], 0, "{backend:?}: {held}");
        assert_eq!(held["held_back"][0]["records"], 1);
        ok(&dataward(&url, &["hold", "lift", &hold_id, "--reason", "inquiry closed"]));

        let dry = ok(&dataward_at(&url, "2027-06-01T00:00:00Z", &["purge", "--dry-run"]));
        assert!(dry.contains("would remove") && dry.contains("comp-co (withdrawal_hold_ended): 1 records"), "{dry}");
        assert!(dry.contains("user.contact.email"), "{dry}");
        let applied: serde_json::Value =
            serde_json::from_str(&ok(&dataward_at(&url, "2027-06-01T00:00:00Z", &["purge", "--apply", "--json"])))
                .unwrap();
        assert_eq!((applied["records"].as_u64(), applied["persons_removed"].as_u64()), (Some(1), Some(1)));
        let show = ok(&dataward(&url, &["partner", "show", "comp-co"]));
        assert!(show.contains("purged:") && show.contains("records:    0"), "{show}");
        assert!(failed(&dataward(&url, &["purge"])).contains("--dry-run"), "a mode is required");
    }
}

#[tokio::test]
async fn a_breach_is_opened_assessed_against_its_clock_exported_and_closed() {
    let (url, dir) = fresh_url(Backend::Sqlite).await;
    let dir = dir.unwrap();
    ok(&dataward(&url, &["partner", "add", "comp-co", "--channel", "competition"]));
    let file = write(dir.path(), "b.csv", &format!("{HEADER}\nr1,Jane,Smith,1980-03-12,jane@example.co.uk,LS1 4AP\n"));
    let ingest: serde_json::Value =
        serde_json::from_str(&ok(&dataward(&url, &["ingest", "--partner", "comp-co", &file, "--json"]))).unwrap();
    let batch = ingest["batch_id"].as_str().expect("batch id").to_string();
    let bad = failed(&dataward(&url, &["breach", "open", "--what", "batch:1", "--description", "x"]));
    assert!(bad.contains("partner-batch:BATCH_ID"), "{bad}");
    let opened = ok(&dataward(
        &url,
        &[
            "breach",
            "open",
            "--what",
            &format!("partner-batch:{batch}"),
            "--description",
            "partner file left on a shared drive",
            "--detected-at",
            "2026-11-22T10:00:00Z",
        ],
    ));
    assert!(opened.contains("2026-11-25T10:00:00Z") && opened.contains("48h 00m left"), "{opened}");
    let id = opened.split_whitespace().nth(1).unwrap().to_string();
    let late = ok(&dataward_at(&url, "2026-11-26T10:00:00Z", &["breach", "assess", &id]));
    assert!(late.contains("OVERDUE by 24h 00m") && late.contains("affected: 1 persons"), "{late}");
    assert!(!late.contains("jane@example.co.uk") && !late.contains("Smith"), "ids only: {late}");
    let export = dir.path().join("notify.csv");
    let json: serde_json::Value = serde_json::from_str(&ok(&dataward(
        &url,
        &["breach", "assess", &id, "--json", "--export", &export.display().to_string()],
    )))
    .unwrap();
    assert_eq!(json["assessment"]["notify"]["partners"][0], "comp-co");
    let contacts = std::fs::read_to_string(&export).unwrap();
    assert!(contacts.contains("jane@example.co.uk") && contacts.contains("LS1 4AP"), "{contacts}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&export).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let closed =
        ok(&dataward(&url, &["breach", "close", &id, "--reported-to-ico", "yes", "--note", "reported ref 123"]));
    assert!(closed.contains("closed"), "{closed}");
    let list = ok(&dataward(&url, &["breach", "list"]));
    assert!(list.contains("closed") && list.contains(&id), "{list}");
}
