//! The client API: purposes checked against the contract, verify without values, trace with
//! sources and reason codes, the ledger written for every release, explain, and one client never
//! seeing another's requests.

use dataward_core::taxonomy::purposes;
use dataward_store::release::LedgerFilter;

use super::*;

/// Jane as a partner holds her (line 2), and a stranger (line 3).
pub(crate) const JANE: &str = "first_name,surname,dob,email,mobile,address_1,town,postcode\n\
                    Jane,Whitfield,1984-07-21,jane.whitfield@example.com,07700 900461,12 Oak Road,Leeds,LS6 2AB\n\
                    Omar,Haddad,1990-01-01,omar@example.net,07700 900777,3 Elm Close,York,YO1 7HH\n";

pub(crate) fn jane_query(purpose: &str) -> String {
    serde_json::json!({
        "purpose": purpose,
        "subject": {
            "first_name": "Jane", "surname": "Whitfield", "date_of_birth": "21/07/1984",
            "address_lines": ["12 Oak Rd"], "postcode": "LS6 2AB"
        }
    })
    .to_string()
}

pub(crate) fn post_json(uri: &str, key: &str, body: String) -> Request<Body> {
    Request::post(uri)
        .header("authorization", format!("Bearer {key}"))
        .header("content-type", "application/json")
        .body(Body::from(body))
        .unwrap()
}

pub(crate) async fn add_client(store: &Store, name: &str, contracted: &[dataward_core::taxonomy::Purpose]) -> String {
    let (_, key) = store.add_client(name, contracted, NOW.parse().unwrap()).await.unwrap();
    key.reveal().to_string()
}

pub(crate) async fn loaded(backend: Backend) -> Server {
    let s = server(backend).await;
    let answer = call(&s.app, csv_upload(&s.key, "", JANE)).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&answer.body));
    s
}

#[tokio::test]
async fn a_purpose_outside_the_clients_contract_is_a_403_problem_and_nothing_is_recorded() {
    for backend in backends() {
        let s = loaded(backend).await;
        let key = add_client(&s.store, "verify-only", &[purposes::IDENTITY_VERIFICATION]).await;
        let answer = call(&s.app, post_json("/v1/client/trace", &key, jane_query("tracing"))).await;
        answer.problem(StatusCode::FORBIDDEN, "purpose-not-contracted");
        let unknown = call(&s.app, post_json("/v1/client/trace", &key, jane_query("curiosity"))).await;
        unknown.problem(StatusCode::BAD_REQUEST, "invalid-request");
        let partner_key =
            call(&s.app, post_json("/v1/client/verify", &s.key, jane_query("identity_verification"))).await;
        partner_key.problem(StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(s.store.ledger(&LedgerFilter::default()).await.unwrap().is_empty(), "{:?}", s.backend);
    }
}

#[tokio::test]
async fn verify_answers_field_by_field_without_returning_any_stored_value() {
    for backend in backends() {
        let s = loaded(backend).await;
        let key = add_client(&s.store, "bank", &[purposes::IDENTITY_VERIFICATION]).await;
        let answer = call(&s.app, post_json("/v1/client/verify", &key, jane_query("identity_verification"))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        let v = answer.json();
        assert_eq!(v["band"], "link", "{:?}: {v}", s.backend);
        assert_eq!(v["request_id"], answer.header("x-request-id"));
        let outcome =
            |f: &str| v["fields"].as_array().unwrap().iter().find(|x| x["field"] == f).unwrap()["outcome"].clone();
        assert_eq!(outcome("date_of_birth"), "agree");
        assert_eq!(outcome("email"), "missing");
        let text = String::from_utf8_lossy(&answer.body);
        for secret in ["jane.whitfield", "07700", "Leeds"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let ledger = s.store.ledger(&LedgerFilter::default()).await.unwrap();
        assert!(!ledger.is_empty() && ledger.iter().all(|l| l.disclosure == "confirmation" && l.client == "bank"));
        let stranger = serde_json::json!({
            "purpose": "identity_verification",
            "subject": { "first_name": "Nobody", "surname": "Known", "date_of_birth": "2001-02-03" }
        });
        let none = call(&s.app, post_json("/v1/client/verify", &key, stranger.to_string())).await.json();
        assert_eq!((none["band"].as_str(), none["fields"].as_array().map(Vec::len)), (Some("no_match"), Some(0)));
    }
}

#[tokio::test]
async fn trace_releases_allowed_values_with_sources_withholds_the_rest_and_writes_the_ledger() {
    for backend in backends() {
        let s = loaded(backend).await;
        let key = add_client(&s.store, "collector", &[purposes::DEBT_RECOVERY]).await;
        let answer = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", String::from_utf8_lossy(&answer.body));
        let t = answer.json();
        assert_eq!(t["band"], "link", "{t}");
        let values = t["values"].as_array().unwrap();
        let value_of = |field: &str| values.iter().find(|v| v["field"] == field).map(|v| v["value"].clone());
        assert_eq!(value_of("email"), Some("jane.whitfield@example.com".into()), "{t}");
        assert!(
            value_of("mobile").is_some() && value_of("postcode").is_some() && value_of("first_name").is_some(),
            "{t}"
        );
        assert!(values.iter().all(|v| v["source_partner"] == "competition-co" && v["basis"] == "legitimate_interests"));
        // Date of birth is not released for debt recovery: a reason code, never the value.
        assert_eq!(value_of("date_of_birth"), None);
        let withheld = t["withheld"].as_array().unwrap();
        assert!(
            withheld.iter().any(|w| w["field"] == "date_of_birth" && w["reason"] == "purpose_not_permitted"),
            "{t}"
        );
        assert!(!String::from_utf8_lossy(&answer.body).contains("1984"));

        let request_id = t["request_id"].as_str().unwrap().to_string();
        let ledger =
            s.store.ledger(&LedgerFilter { request_id: Some(request_id.clone()), ..Default::default() }).await.unwrap();
        assert_eq!(ledger.len(), values.len(), "{:?}: one ledger row per released value", s.backend);
        assert!(ledger.iter().all(|l| l.purpose == "debt_recovery" && l.partner == "competition-co"));

        let explained = call(&s.app, get(&format!("/v1/client/requests/{request_id}"), Some(&key))).await.json();
        let decisions = explained["decisions"].as_array().unwrap();
        assert!(decisions.iter().any(|d| d["field"] == "date_of_birth" && d["reason"] == "purpose_not_permitted"));
        assert!(decisions.iter().any(|d| d["field"] == "email" && d["decision"] == "allow"));
        // Every check is shown by name with its outcome, in precedence order.
        let dob = decisions.iter().find(|d| d["field"] == "date_of_birth").unwrap();
        let checks = dob["checks"]["checks"].as_array().unwrap();
        let names: Vec<&str> = checks.iter().map(|c| c["check"].as_str().unwrap()).collect();
        let all: Vec<&str> = dataward_core::policy::Check::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, all);
        assert!(checks.iter().any(|c| c["outcome"] == "failed"), "{dob}");
        let sources = call(&s.app, get(&format!("/v1/client/requests/{request_id}/sources"), Some(&key))).await.json();
        assert_eq!(sources["partners"], serde_json::json!(["competition-co"]));

        // Another client sees nothing of it.
        let other = add_client(&s.store, "rival", &[purposes::DEBT_RECOVERY]).await;
        let peek = call(&s.app, get(&format!("/v1/client/requests/{request_id}"), Some(&other))).await;
        peek.problem(StatusCode::NOT_FOUND, "not-found");
        let peek = call(&s.app, get(&format!("/v1/client/requests/{request_id}/sources"), Some(&other))).await;
        peek.problem(StatusCode::NOT_FOUND, "not-found");
    }
}

#[tokio::test]
async fn a_possible_match_discloses_nothing() {
    for backend in backends() {
        let s = loaded(backend).await;
        let key = add_client(&s.store, "collector", &[purposes::TRACING]).await;
        // Name and date of birth only: not enough to be sure in a large base.
        let vague = serde_json::json!({
            "purpose": "tracing",
            "subject": { "first_name": "Jane", "surname": "Whitfield", "date_of_birth": "1984-07-21" }
        });
        let t = call(&s.app, post_json("/v1/client/trace", &key, vague.to_string())).await.json();
        assert_ne!(t["band"], "link", "{t}");
        assert!(t["values"].as_array().unwrap().is_empty() && t["withheld"].as_array().unwrap().is_empty());
        assert!(s.store.ledger(&LedgerFilter::default()).await.unwrap().is_empty());
    }
}

async fn register(
    store: &Store,
    kind: dataward_core::screening::RegisterKind,
    key: &str,
    id_kind: dataward_core::screening::IdentifierKind,
) {
    use dataward_core::screening::{Action, Change, LoadMode, LoadReport, keys};
    let digest = keys::digest(store.indexer(), id_kind, key);
    let mut tx = store.begin_register_load(kind, LoadMode::Full, "register.txt", NOW.parse().unwrap()).await.unwrap();
    tx.apply(&[Change { action: Action::Add, digest }]).await.unwrap();
    let report = LoadReport { read: 1, accepted: 1, ..LoadReport::default() };
    tx.finish("sha", &report).await.unwrap();
}

#[tokio::test]
async fn a_tps_registered_number_is_withheld_for_live_call_marketing_but_released_for_debt_recovery() {
    use dataward_core::screening::{IdentifierKind, RegisterKind, keys};
    for backend in backends() {
        let s = loaded(backend).await;
        let mobile = keys::phone_key("07700 900461").unwrap();
        register(&s.store, RegisterKind::Tps, &mobile, IdentifierKind::Phone).await;
        let key = add_client(&s.store, "caller", &[purposes::MARKETING_LIVE_CALL, purposes::DEBT_RECOVERY]).await;

        let call_list =
            call(&s.app, post_json("/v1/client/trace", &key, jane_query("marketing.live_call"))).await.json();
        assert!(call_list["values"].as_array().unwrap().iter().all(|v| v["field"] != "mobile"), "{call_list}");
        let withheld = call_list["withheld"].as_array().unwrap();
        assert!(withheld.iter().any(|w| w["field"] == "mobile" && w["reason"] == "tps_registered"), "{call_list}");

        let debt = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        let released = debt["values"].as_array().unwrap();
        assert!(
            released.iter().any(|v| v["field"] == "mobile" && v["value"] == "+447700900461"),
            "{:?}: {debt}",
            s.backend
        );
    }
}

#[tokio::test]
async fn an_mps_registered_address_is_withheld_for_postal_marketing_only_and_a_full_suppression_stops_everything() {
    use dataward_core::screening::{IdentifierKind, RegisterKind, Scope, SuppressionReason, keys};
    for backend in backends() {
        let s = loaded(backend).await;
        let address = keys::name_address_key("Whitfield", "12 Oak Road", "LS6 2AB").unwrap();
        register(&s.store, RegisterKind::Mps, &address, IdentifierKind::NameAddress).await;
        let key = add_client(&s.store, "mailer", &[purposes::MARKETING_POST, purposes::TRACING]).await;
        let post = call(&s.app, post_json("/v1/client/trace", &key, jane_query("marketing.post"))).await.json();
        assert!(post["values"].as_array().unwrap().iter().all(|v| v["category"] != "user.contact.address"), "{post}");
        assert!(post["withheld"].as_array().unwrap().iter().any(|w| w["reason"] == "mps_registered"), "{post}");
        let tracing = call(&s.app, post_json("/v1/client/trace", &key, jane_query("tracing"))).await.json();
        assert!(tracing["values"].as_array().unwrap().iter().any(|v| v["field"] == "postcode"), "{tracing}");

        // An erasure-style suppression of her email for every channel: nothing more is released.
        let email = keys::email_key("jane.whitfield@example.com").unwrap();
        let digest = keys::digest(s.store.indexer(), IdentifierKind::Email, &email);
        let new = dataward_store::suppressions::NewSuppression {
            digest,
            identifier: IdentifierKind::Email,
            reason: SuppressionReason::Erasure,
            scope: Scope::All,
            person_id: None,
        };
        s.store.add_suppression(&new, NOW.parse().unwrap()).await.unwrap();
        let after = call(&s.app, post_json("/v1/client/trace", &key, jane_query("tracing"))).await.json();
        assert!(after["values"].as_array().unwrap().is_empty(), "{:?}: {after}", s.backend);
        let reasons: Vec<&str> =
            after["withheld"].as_array().unwrap().iter().filter_map(|w| w["reason"].as_str()).collect();
        assert!(reasons.contains(&"suppressed"), "{reasons:?}");
        // A name is only ever released alongside something else.
        assert!(
            reasons.iter().all(|r| ["suppressed", "purpose_not_permitted", "companion_not_released"].contains(r)),
            "{reasons:?}"
        );
    }
}

#[tokio::test]
async fn a_clients_list_is_screened_row_by_row_for_the_purposes_channel_only() {
    use dataward_core::screening::{IdentifierKind, RegisterKind, keys};
    for backend in backends() {
        let s = server(backend).await;
        register(&s.store, RegisterKind::Tps, &keys::phone_key("01632 960123").unwrap(), IdentifierKind::Phone).await;
        let mps = keys::name_address_key("Okafor", "7 Mill Lane", "YO1 7HH").unwrap();
        register(&s.store, RegisterKind::Mps, &mps, IdentifierKind::NameAddress).await;
        let key = add_client(&s.store, "caller", &[purposes::MARKETING_LIVE_CALL, purposes::MARKETING_POST]).await;
        let rows = serde_json::json!([
            { "reference": "c-1", "phone": "+44 1632 960123" },
            { "reference": "c-2", "phone": "01632 960999" },
            { "reference": "c-3", "surname": "Okafor", "address_line": "7 Mill Lane", "postcode": "YO1 7HH" }
        ]);
        let body = |purpose: &str| serde_json::json!({ "purpose": purpose, "rows": rows }).to_string();
        let calls = call(&s.app, post_json("/v1/client/screen", &key, body("marketing.live_call"))).await;
        assert_eq!(calls.status, StatusCode::OK, "{}", String::from_utf8_lossy(&calls.body));
        let calls = calls.json();
        let verdict = |v: &Value, i: usize| (v["rows"][i]["reference"].clone(), v["rows"][i]["reasons"].clone());
        assert_eq!(verdict(&calls, 0), ("c-1".into(), serde_json::json!(["tps_registered"])), "{:?}", s.backend);
        assert_eq!(verdict(&calls, 1), ("c-2".into(), serde_json::json!([])));
        assert_eq!(verdict(&calls, 2), ("c-3".into(), serde_json::json!([])), "MPS does not stop calls");
        let post = call(&s.app, post_json("/v1/client/screen", &key, body("marketing.post"))).await.json();
        assert_eq!(verdict(&post, 0).1, serde_json::json!([]), "TPS does not stop post");
        assert_eq!(verdict(&post, 2).1, serde_json::json!(["mps_registered"]));
        let tracing = call(&s.app, post_json("/v1/client/screen", &key, body("tracing"))).await;
        tracing.problem(StatusCode::FORBIDDEN, "purpose-not-contracted");
    }
}

#[tokio::test]
async fn a_batch_is_answered_in_the_background_in_order_with_the_clients_references() {
    use dataward_server::batch_api::{Outcome, try_execute_task};
    for backend in backends() {
        let s = loaded(backend).await;
        let state = AppState {
            store: s.store.clone(),
            profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
            clock: Arc::new(FixedClock(NOW.parse().unwrap())),
        };
        let key = add_client(&s.store, "collector", &[purposes::DEBT_RECOVERY]).await;
        let list = "reference,first_name,surname,date_of_birth,address_line_1,postcode\n\
                    C-9,Nobody,Known,2001-02-03,,\n\
                    C-1,Jane,Whitfield,21/07/1984,12 Oak Rd,LS6 2AB\n";
        let submit = |body: &str, query: &str| {
            Request::post(format!("/v1/client/batches{query}"))
                .header("authorization", format!("Bearer {key}"))
                .header("content-type", "text/csv")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let queued = call(&s.app, submit(list, "?kind=trace&purpose=debt_recovery")).await;
        assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&queued.body));
        let job = queued.json();
        assert_eq!((job["status"].as_str(), job["total_rows"].as_i64()), (Some("queued"), Some(2)));
        let id = job["id"].as_str().unwrap().to_string();
        let early = call(&s.app, get(&format!("/v1/client/batches/{id}/result"), Some(&key))).await;
        early.problem(StatusCode::NOT_FOUND, "not-found");

        assert!(matches!(try_execute_task(&state).await.unwrap(), Outcome::Done { rows: 2, .. }));
        assert_eq!(try_execute_task(&state).await.unwrap(), Outcome::Idle);
        let done = call(&s.app, get(&format!("/v1/client/batches/{id}"), Some(&key))).await.json();
        assert_eq!((done["status"].as_str(), done["done_rows"].as_i64()), (Some("done"), Some(2)), "{done}");
        let result = call(&s.app, get(&format!("/v1/client/batches/{id}/result"), Some(&key))).await;
        assert_eq!(result.status, StatusCode::OK);
        let text = String::from_utf8(result.body.to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("reference,first_name")
                && lines[0].contains("dw_band")
                && lines[0].contains("dw_email")
        );
        assert!(lines[1].starts_with("C-9,") && lines[1].contains(",no_match,"), "{text}");
        assert!(
            lines[2].starts_with("C-1,")
                && lines[2].contains(",link,")
                && lines[2].contains("jane.whitfield@example.com"),
            "{text}"
        );
        assert!(lines[2].contains("date_of_birth:purpose_not_permitted"), "{text}");
        assert!(!lines[2].contains("1984-07-21"), "the date of birth is not released for debt recovery");

        let ledger = s.store.ledger(&LedgerFilter::default()).await.unwrap();
        assert!(!ledger.is_empty() && ledger.iter().all(|l| l.request_id.starts_with(&id)), "{:?}", s.backend);
        let other = add_client(&s.store, "rival", &[purposes::DEBT_RECOVERY]).await;
        call(&s.app, get(&format!("/v1/client/batches/{id}/result"), Some(&other)))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
        let bad = call(&s.app, submit("ref,first_name\nx,Jane\n", "?kind=trace&purpose=debt_recovery")).await;
        bad.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid-columns");
    }
}

#[tokio::test]
async fn a_selection_is_counted_then_extracted_within_the_contracted_volume_and_screened_for_its_channel() {
    use dataward_core::screening::{IdentifierKind, RegisterKind, keys};
    for backend in backends() {
        let s = server(backend).await;
        let file = "first_name,surname,dob,email,address_1,town,postcode,homeowner,insurance_renewal_month\n\
                    Jane,Whitfield,1984-07-21,jane.whitfield@example.com,12 Oak Road,Leeds,LS6 2AB,Yes,7\n\
                    Amir,Shah,1983-02-11,amir@example.com,4 Ash Grove,Leeds,LS7 1AA,No,7\n\
                    Omar,Haddad,1990-01-01,omar@example.net,3 Elm Close,York,YO1 7HH,Yes,7\n";
        assert_eq!(call(&s.app, csv_upload(&s.key, "", file)).await.status, StatusCode::CREATED);
        let key = add_client(&s.store, "mailer", &[purposes::MARKETING_POST]).await;
        let ask = |path: &str, limit: Option<i64>| {
            let body = serde_json::json!({
                "purpose": "marketing.post",
                "criteria": { "age": [40, 44], "postcode_areas": ["LS"], "lifestyle": { "homeowner": ["yes"] } },
                "limit": limit,
            });
            post_json(path, &key, body.to_string())
        };
        let counted = call(&s.app, ask("/v1/client/selections/count", None)).await;
        assert_eq!(counted.status, StatusCode::OK, "{}", String::from_utf8_lossy(&counted.body));
        let counted = counted.json();
        assert_eq!(
            (counted["matched"].as_u64(), counted["releasable"].as_u64()),
            (Some(1), Some(1)),
            "{:?}: {counted}",
            s.backend
        );
        assert!(s.store.ledger(&LedgerFilter::default()).await.unwrap().is_empty(), "a count discloses nothing");

        let extracted = call(&s.app, ask("/v1/client/selections/extract", Some(100))).await.json();
        assert_eq!(extracted["count"], 1, "{extracted}");
        let values = extracted["persons"][0]["values"].as_array().unwrap();
        assert!(values.iter().any(|v| v["field"] == "postcode" && v["value"] == "LS6 2AB"), "{extracted}");
        assert!(
            values.iter().all(|v| v["field"] != "email" && v["field"] != "date_of_birth"),
            "post only: {extracted}"
        );
        assert!(!s.store.ledger(&LedgerFilter::default()).await.unwrap().is_empty());

        // The contracted volume caps the extract; MPS removes her from postal marketing.
        s.store.set_client_extract_limit("mailer", 0).await.unwrap();
        let capped = call(&s.app, ask("/v1/client/selections/extract", Some(100))).await.json();
        assert_eq!(capped["count"], 0);
        let address = keys::name_address_key("Whitfield", "12 Oak Road", "LS6 2AB").unwrap();
        register(&s.store, RegisterKind::Mps, &address, IdentifierKind::NameAddress).await;
        let after = call(&s.app, ask("/v1/client/selections/count", None)).await.json();
        assert_eq!((after["matched"].as_u64(), after["releasable"].as_u64()), (Some(1), Some(0)), "{after}");

        let empty = serde_json::json!({ "purpose": "marketing.post", "criteria": {} });
        call(&s.app, post_json("/v1/client/selections/count", &key, empty.to_string()))
            .await
            .problem(StatusCode::BAD_REQUEST, "invalid-request");
    }
}
