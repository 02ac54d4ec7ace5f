//! Partner withdrawal through the client API, and the scheduled purge driven by a moved clock.

use dataward_core::taxonomy::purposes;
use dataward_server::purge_job;
use dataward_store::release::LedgerFilter;

use super::client_api::{add_client, jane_query, post_json};
use super::*;

/// Jane, held only through `competition-co`.
const JANE: &str = "first_name,surname,dob,email,mobile,address_1,town,postcode,homeowner\n\
                    Jane,Whitfield,1984-07-21,jane.whitfield@example.com,07700 900461,12 Oak Road,Leeds,LS6 2AB,Yes\n";

fn state_at(store: &Store, now: &str) -> AppState {
    AppState {
        store: store.clone(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        clock: Arc::new(FixedClock(now.parse().unwrap())),
    }
}

#[tokio::test]
async fn a_withdrawn_partners_data_is_not_released_by_the_next_request() {
    for backend in backends() {
        let s = server(backend).await;
        assert_eq!(call(&s.app, csv_upload(&s.key, "", JANE)).await.status, StatusCode::CREATED);
        let key = add_client(&s.store, "tracer", &[purposes::TRACING, purposes::MARKETING_POST]).await;
        let before = call(&s.app, post_json("/v1/client/trace", &key, jane_query("tracing"))).await.json();
        assert_eq!(before["band"], "link", "{:?}: {before}", s.backend);
        assert!(!before["values"].as_array().unwrap().is_empty());
        let released_before = s.store.ledger(&LedgerFilter::default()).await.unwrap().len();

        s.store
            .withdraw_partner(
                "competition-co",
                Some("contract ended"),
                NOW.parse().unwrap(),
                dataward_core::audit::Actor::Cli,
            )
            .await
            .unwrap();

        let trace = call(&s.app, post_json("/v1/client/trace", &key, jane_query("tracing"))).await;
        assert_eq!(trace.status, StatusCode::OK);
        let trace = trace.json();
        assert_eq!(
            trace["band"], "no_match",
            "{:?}: Jane is held only through the withdrawn partner: {trace}",
            s.backend
        );
        assert!(trace["values"].as_array().unwrap().is_empty());
        assert!(!String::from_utf8_lossy(&serde_json::to_vec(&trace).unwrap()).contains("Whitfield"));
        let verify = call(&s.app, post_json("/v1/client/verify", &key, jane_query("tracing"))).await.json();
        assert_eq!(verify["band"], "no_match", "{verify}");
        let selection = serde_json::json!({
            "purpose": "marketing.post",
            "criteria": { "postcode_areas": ["LS"], "lifestyle": { "homeowner": ["yes"] } },
        });
        let counted = call(&s.app, post_json("/v1/client/selections/count", &key, selection.to_string())).await.json();
        assert_eq!(counted["matched"], 0, "{counted}");
        assert_eq!(
            s.store.ledger(&LedgerFilter::default()).await.unwrap().len(),
            released_before,
            "nothing more was released"
        );
    }
}

#[tokio::test]
async fn the_scheduled_purge_keeps_a_withdrawn_partners_data_for_the_hold_then_removes_it() {
    for backend in backends() {
        let s = server(backend).await;
        assert_eq!(call(&s.app, csv_upload(&s.key, "", JANE)).await.status, StatusCode::CREATED);
        s.store
            .withdraw_partner("competition-co", None, NOW.parse().unwrap(), dataward_core::audit::Actor::Cli)
            .await
            .unwrap();
        // The data-broker profile holds a departed partner's data for 183 days.
        let during = purge_job::try_execute_task(&state_at(&s.store, "2027-05-24T09:59:59Z")).await.unwrap();
        assert!(during.is_empty(), "{:?}: {during:?}", s.backend);
        assert_eq!(s.store.totals().await.unwrap().source_records, 1);
        let after = purge_job::try_execute_task(&state_at(&s.store, "2027-05-25T10:00:00Z")).await.unwrap();
        assert_eq!((after.records, after.persons_removed), (1, 1), "{:?}: {after:?}", s.backend);
        let totals = s.store.totals().await.unwrap();
        assert_eq!((totals.persons, totals.source_records), (0, 0));
        assert!(purge_job::try_execute_task(&state_at(&s.store, "2027-05-26T10:00:00Z")).await.unwrap().is_empty());
    }
}
