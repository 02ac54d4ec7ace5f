//! Data-subject rights over the DRP-shaped API: a code sent by real SMTP, verification that
//! starts the clock, no enumeration before it, erasure that reaches every recipient and cannot
//! be undone by a partner's next file, and restriction that the client API obeys from the next
//! request on.

use dataward_core::taxonomy::purposes;
use dataward_server::rights::outbox::{OutboxSettings, try_deliver};
use dataward_server::rights::service;

use super::client_api::{add_client, jane_query, loaded, post_json};
use super::smtp_sink::{SmtpSink, code_in};
use super::*;

const JANE_EMAIL: &str = "jane.whitfield@example.com";

fn drp(exercise: &str, given: &str, family: &str, email: &str) -> Request<Body> {
    let body = serde_json::json!({
        "regime": "uk_gdpr",
        "exercise": exercise,
        "identity": {
            "given_name": given, "family_name": family, "email": email,
            "address_line": "12 Oak Road", "postcode": "LS6 2AB", "birthdate": "1984-07-21"
        }
    });
    Request::post("/v1/drp/requests")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn verify_with(request_id: &str, code: &str) -> Request<Body> {
    Request::post(format!("/v1/drp/requests/{request_id}/verify"))
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({ "code": code }).to_string()))
        .unwrap()
}

pub(crate) fn state_of(s: &Server) -> AppState {
    AppState {
        store: s.store.clone(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        clock: Arc::new(FixedClock(NOW.parse().unwrap())),
    }
}

pub(crate) async fn deliver(s: &Server, sink: &SmtpSink) {
    let settings = OutboxSettings { smtp_url: Some(sink.url()), from: "privacy@broker.test".into(), sms: None };
    let done = try_deliver(&s.store, &settings, NOW.parse().unwrap()).await.unwrap();
    assert_eq!(done.failed, 0, "every notification reaches the sink");
}

/// Submits, reads the mailed code and verifies: returns the request id (token).
async fn verified(s: &Server, sink: &SmtpSink, exercise: &str) -> String {
    let answer = call(&s.app, drp(exercise, "Jane", "Whitfield", JANE_EMAIL)).await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&answer.body));
    let id = answer.json()["request_id"].as_str().unwrap().to_string();
    deliver(s, sink).await;
    let code = code_in(sink.to(JANE_EMAIL).last().unwrap());
    let ok = call(&s.app, verify_with(&id, &code)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", String::from_utf8_lossy(&ok.body));
    id
}

pub(crate) async fn complete(s: &Server, token: &str) -> service::Outcome {
    let state = state_of(s);
    let request = state.store.rights_request_by_token(&service::token_digest(&state, token)).await.unwrap().unwrap();
    service::complete(&state, &request, "staff:test", "http://127.0.0.1:8080", |report, _| {
        Ok(serde_json::to_string(report).unwrap())
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_code_sent_by_smtp_verifies_the_request_and_starts_the_clock() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let answer = call(&s.app, drp("access", "Jane", "Whitfield", JANE_EMAIL)).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
        let a = answer.json();
        assert_eq!((a["status"].as_str(), a["reason"].as_str()), (Some("in_progress"), Some("need_user_verification")));
        let id = a["request_id"].as_str().unwrap().to_string();
        deliver(&s, &sink).await;
        let mails = sink.to(JANE_EMAIL);
        assert_eq!(mails.len(), 1, "{:?}", s.backend);
        let code = code_in(&mails[0]);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        call(&s.app, verify_with(&id, wrong)).await.problem(StatusCode::UNPROCESSABLE_ENTITY, "code-refused");
        let ok = call(&s.app, verify_with(&id, &code)).await.json();
        assert_eq!(ok["status"], "in_progress");
        assert!(ok["reason"].is_null(), "{ok}");
        assert_eq!(ok["expected_by"], "2026-12-23", "one calendar month from verification");
        call(&s.app, verify_with(&id, &code)).await.problem(StatusCode::UNPROCESSABLE_ENTITY, "code-refused");
        let status = call(&s.app, get(&format!("/v1/drp/requests/{id}"), None)).await.json();
        assert_eq!(status["reference"], "R000001");
        call(&s.app, get("/v1/drp/requests/not-a-request", None)).await.problem(StatusCode::NOT_FOUND, "not-found");
        let revoked =
            call(&s.app, Request::delete(format!("/v1/drp/requests/{id}")).body(Body::empty()).unwrap()).await;
        assert_eq!(revoked.json()["status"], "revoked");
        let again = call(&s.app, Request::delete(format!("/v1/drp/requests/{id}")).body(Body::empty()).unwrap()).await;
        again.problem(StatusCode::CONFLICT, "conflict");
    }
}

#[tokio::test]
async fn before_verification_a_held_person_and_a_stranger_get_the_same_answer() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let held = call(&s.app, drp("access", "Jane", "Whitfield", JANE_EMAIL)).await;
        let stranger = call(&s.app, drp("access", "Nadia", "Okoro", "nadia@example.org")).await;
        assert_eq!(held.status, stranger.status);
        let strip = |mut v: Value| {
            v.as_object_mut().unwrap().remove("request_id");
            v.as_object_mut().unwrap().remove("reference");
            v
        };
        assert_eq!(strip(held.json()), strip(stranger.json()), "{:?}", s.backend);
        deliver(&s, &sink).await;
        assert_eq!(sink.to(JANE_EMAIL).len(), 1);
        assert_eq!(sink.to("nadia@example.org").len(), 1, "a stranger gets a code too: nothing is looked up yet");
        let held_mail = sink.to(JANE_EMAIL)[0].data.replace(&code_in(&sink.to(JANE_EMAIL)[0]), "CODE");
        let stranger_mail =
            sink.to("nadia@example.org")[0].data.replace(&code_in(&sink.to("nadia@example.org")[0]), "CODE");
        let body = |m: &str| {
            m.split("\n\n").skip(1).collect::<Vec<_>>().join("\n\n").replace("R000001", "R").replace("R000002", "R")
        };
        assert_eq!(body(&held_mail), body(&stranger_mail));
    }
}

#[tokio::test]
async fn an_erasure_removes_the_person_tells_every_recipient_and_a_resent_file_does_not_bring_them_back() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let key = add_client(&s.store, "collector", &[purposes::DEBT_RECOVERY]).await;
        s.store.set_client_notify("collector", Some("dpo@collector.test"), None, NOW.parse().unwrap()).await.unwrap();
        let traced = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert_eq!(traced["band"], "link");

        let id = verified(&s, &sink, "deletion").await;
        let outcome = complete(&s, &id).await;
        assert!(outcome.records_changed >= 1);
        assert_eq!(outcome.recipients_notified, vec!["collector".to_string()], "{:?}", s.backend);
        assert_eq!(outcome.partners, vec!["competition-co".to_string()]);
        deliver(&s, &sink).await;
        let notice = sink.to("dpo@collector.test");
        assert_eq!(notice.len(), 1, "Art. 19 notice to the recipient");
        assert!(!notice[0].data.contains("Whitfield") && !notice[0].data.contains(JANE_EMAIL), "no personal data");
        assert!(sink.to(JANE_EMAIL).iter().any(|m| m.data.contains("is complete")));
        let status = call(&s.app, get(&format!("/v1/drp/requests/{id}"), None)).await.json();
        assert_eq!(status["status"], "fulfilled");

        let after = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert_eq!(after["band"], "no_match", "{after}");
        // The partner sends its file again: Jane's row is kept out, the other row is loaded.
        let again = call(&s.app, csv_upload(&s.key, "", client_api::JANE)).await;
        assert_eq!(again.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&again.body));
        assert!(s.store.persons_with_value("email", JANE_EMAIL).await.unwrap().is_empty(), "{:?}", s.backend);
        assert_eq!(s.store.persons_with_value("email", "omar@example.net").await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_restriction_stops_every_release_from_the_next_request_and_lifting_it_restores_them() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let key = add_client(&s.store, "collector", &[purposes::DEBT_RECOVERY]).await;
        let before = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert!(!before["values"].as_array().unwrap().is_empty());

        let id = verified(&s, &sink, "restriction").await;
        complete(&s, &id).await;
        let during = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert!(during["values"].as_array().unwrap().is_empty(), "{:?}: {during}", s.backend);
        let withheld = during["withheld"].as_array().unwrap();
        for field in ["email", "mobile", "postcode"] {
            assert!(withheld.iter().any(|w| w["field"] == field && w["reason"] == "subject_restricted"), "{during}");
        }

        let id = verified(&s, &sink, "lift_restriction").await;
        complete(&s, &id).await;
        let after = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert_eq!(after["values"].as_array().unwrap().len(), before["values"].as_array().unwrap().len());
    }
}

#[tokio::test]
async fn an_objection_to_direct_marketing_stops_marketing_but_not_debt_recovery() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let key = add_client(&s.store, "mailer", &[purposes::MARKETING_POST, purposes::DEBT_RECOVERY]).await;
        let before = call(&s.app, post_json("/v1/client/trace", &key, jane_query("marketing.post"))).await.json();
        assert!(!before["values"].as_array().unwrap().is_empty(), "{before}");
        let id = verified(&s, &sink, "objection:direct_marketing").await;
        complete(&s, &id).await;
        let post = call(&s.app, post_json("/v1/client/trace", &key, jane_query("marketing.post"))).await.json();
        assert!(post["values"].as_array().unwrap().is_empty(), "{:?}: {post}", s.backend);
        let debt = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await.json();
        assert!(!debt["values"].as_array().unwrap().is_empty());
    }
}
