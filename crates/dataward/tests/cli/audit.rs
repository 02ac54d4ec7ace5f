//! `dataward audit list|verify` as a user runs them, on both backends.

use dataward_store::testing::{backends, fresh_url};

use super::{dataward, ok};

#[tokio::test]
async fn audit_verify_passes_an_intact_log_and_fails_naming_an_altered_entry() {
    for backend in backends() {
        let (url, _dir) = fresh_url(backend).await;
        ok(&dataward(&url, &["partner", "add", "compare-hub", "--channel", "direct"]));
        ok(&dataward(&url, &["client", "add", "acme", "--purposes", "tracing"]));
        let list: serde_json::Value = serde_json::from_str(&ok(&dataward(&url, &["audit", "list", "--json"]))).unwrap();
        let actions: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["partner_add", "client_add"], "{backend:?}");
        assert!(ok(&dataward(&url, &["audit", "verify"])).contains("audit chain intact: 2 entries"));

        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'staff:mallory' WHERE seq = 1").execute(&pool).await.unwrap();
        pool.close().await;
        let out = dataward(&url, &["audit", "verify"]);
        assert!(!out.status.success(), "{backend:?}: a tampered log must fail verification");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("audit entry 1 was altered"), "{stderr}");
    }
}
