//! Encryption at rest and the storage region as a user meets them: `dataward keys rotate` keeps
//! reads working and retires the old master key; a store refuses a profile of another region.

use std::process::Command;

use dataward_store::testing::{backends, fresh_url};

use super::{HEADER, SECRET, dataward, ok, write};

/// `dataward` with the master key in a file (not the environment).
fn with_key_file(url: &str, key_file: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dataward"))
        .args(args)
        .env("DATAWARD_DATABASE_URL", url)
        .env("DATAWARD_SECRET", SECRET)
        .env("DATAWARD_MASTER_KEY_FILE", key_file)
        .env_remove("DATAWARD_MASTER_KEY")
        .env("DATAWARD_NOW", "2026-11-23T10:00:00Z")
        .output()
        .expect("run dataward")
}

#[tokio::test]
async fn keys_rotate_replaces_the_master_key_file_and_reads_keep_working_while_the_old_key_is_refused() {
    for backend in backends() {
        let (url, _dir) = fresh_url(backend).await;
        let tmp = tempfile::tempdir().unwrap();
        let key_file = tmp.path().join("master.key");
        ok(&with_key_file(&url, &key_file, &["partner", "add", "competition-co", "--channel", "competition"]));
        let old = std::fs::read_to_string(&key_file).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let file = write(
            tmp.path(),
            "p.csv",
            &format!("{HEADER}\nr1,Jane,Whitfield,1984-07-21,jane.whitfield@example.com,LS6 2AB\n"),
        );
        ok(&with_key_file(&url, &key_file, &["ingest", "--partner", "competition-co", &file]));

        let rotated = ok(&with_key_file(&url, &key_file, &["keys", "rotate"]));
        assert!(rotated.contains("re-wrapped 1 record keys"), "{backend:?}: {rotated}");
        let new = std::fs::read_to_string(&key_file).unwrap();
        assert_ne!(old, new, "the key file now holds the new key");
        let report =
            ok(&with_key_file(&url, &key_file, &["rights", "report", "--email", "jane.whitfield@example.com"]));
        assert!(report.contains("LS6 2AB"), "{backend:?}: {report}");

        let refused = Command::new(env!("CARGO_BIN_EXE_dataward"))
            .args(["partner", "list"])
            .env("DATAWARD_DATABASE_URL", &url)
            .env("DATAWARD_SECRET", SECRET)
            .env("DATAWARD_MASTER_KEY", old.trim())
            .output()
            .unwrap();
        assert!(!refused.status.success(), "{backend:?}: the retired key is refused");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("wrapped by master key"));
        let audit = ok(&with_key_file(&url, &key_file, &["audit", "list"]));
        assert!(audit.contains("keys_rotate"), "{audit}");
    }
}

#[tokio::test]
async fn every_command_refuses_a_store_created_for_another_storage_region() {
    for backend in backends() {
        let (url, _dir) = fresh_url(backend).await;
        ok(&dataward(&url, &["partner", "add", "competition-co", "--channel", "competition"]));
        let tmp = tempfile::tempdir().unwrap();
        let shipped =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../profiles/data-broker.toml")).unwrap();
        let eu = write(tmp.path(), "eu.toml", &shipped.replacen("region = \"uk\"", "region = \"eu\"", 1));
        for args in
            [&["--profile", eu.as_str(), "partner", "list"][..], &["--profile", eu.as_str(), "audit", "verify"][..]]
        {
            let out = dataward(&url, args);
            assert!(!out.status.success(), "{backend:?}: {args:?} ran against a uk store");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("region `uk`") && stderr.contains("region `eu`"), "{stderr}");
        }
        ok(&dataward(&url, &["partner", "list"]));
    }
}
