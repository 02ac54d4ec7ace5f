//! The outbox's other channels over real HTTP on 127.0.0.1: an Art. 19 notice posted to a
//! client's webhook, signed with the client's key and naming the client's own request ids, and
//! a requester's one-time code sent through the SMS provider's gateway.

use dataward_core::taxonomy::purposes;
use dataward_server::rights::outbox::{OutboxSettings, SmsGateway, try_deliver, webhook_signing_key};
use dataward_server::rights::service;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::client_api::{add_client, jane_query, loaded, post_json};
use super::http_sink::HttpSink;
use super::rights_api::complete;
use super::smtp_sink::{SmtpSink, code_in};
use super::*;

fn settings(smtp: &SmtpSink, sms: &HttpSink) -> OutboxSettings {
    OutboxSettings {
        smtp_url: Some(smtp.url()),
        from: "privacy@broker.test".into(),
        sms: Some(SmsGateway { url: sms.url("/sms/send"), token: Some("gateway-token".into()) }),
    }
}

fn drp_by_phone(exercise: &str) -> Request<Body> {
    let body = serde_json::json!({
        "regime": "uk_gdpr",
        "exercise": exercise,
        "identity": {
            "given_name": "Jane", "family_name": "Whitfield", "phone_number": "07700 900461",
            "address_line": "12 Oak Road", "postcode": "LS6 2AB", "birthdate": "1984-07-21"
        }
    });
    Request::post("/v1/drp/requests")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn a_code_goes_by_sms_through_the_gateway_and_an_erasure_notice_reaches_the_clients_webhook_signed() {
    for backend in backends() {
        let s = loaded(backend).await;
        let (smtp, gateway, hooks) = (SmtpSink::start().await, HttpSink::start().await, HttpSink::start().await);
        let key = add_client(&s.store, "collector", &[purposes::DEBT_RECOVERY]).await;
        s.store
            .set_client_notify("collector", None, Some(&hooks.url("/dp/notices")), NOW.parse().unwrap())
            .await
            .unwrap();
        let traced = call(&s.app, post_json("/v1/client/trace", &key, jane_query("debt_recovery"))).await;
        assert_eq!(traced.json()["band"], "link");
        let trace_id = traced.header("x-request-id").to_string();

        // The requester gives only a phone number: the code leaves through the SMS gateway.
        let answer = call(&s.app, drp_by_phone("deletion")).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", String::from_utf8_lossy(&answer.body));
        let id = answer.json()["request_id"].as_str().unwrap().to_string();
        let done = try_deliver(&s.store, &settings(&smtp, &gateway), NOW.parse().unwrap()).await.unwrap();
        assert_eq!(
            (done.sent, done.failed),
            (1, 0),
            "{:?}: {:?}",
            s.backend,
            s.store
                .all_notifications()
                .await
                .unwrap()
                .iter()
                .map(|n| (n.channel.clone(), n.created_at.clone()))
                .collect::<Vec<_>>()
        );
        let texts = gateway.posts();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].path, "/sms/send");
        assert_eq!(texts[0].header("authorization"), "Bearer gateway-token");
        assert_eq!(texts[0].json()["to"], "+447700900461", "the number in E.164");
        let code = code_in(&smtp_sink::Received { to: vec![], data: texts[0].json()["text"].as_str().unwrap().into() });
        let verify = Request::post(format!("/v1/drp/requests/{id}/verify"))
            .header("content-type", "application/json")
            .body(Body::from(serde_json::json!({ "code": code }).to_string()))
            .unwrap();
        assert_eq!(call(&s.app, verify).await.status, StatusCode::OK);

        // Erasure: the client asked for notices by webhook only.
        let outcome = complete(&s, &id).await;
        assert_eq!(outcome.recipients_notified, vec!["collector".to_string()]);
        try_deliver(&s.store, &settings(&smtp, &gateway), NOW.parse().unwrap()).await.unwrap();
        let notices = hooks.posts();
        assert_eq!(notices.len(), 1, "{:?}: one notice to the webhook", s.backend);
        let notice = &notices[0];
        assert_eq!(notice.path, "/dp/notices");
        assert_eq!(notice.header("content-type"), "application/json");
        let body = notice.json();
        assert_eq!(body["type"], "dataward.article_19_notice");
        assert_eq!(body["action"], "erasure");
        assert_eq!(body["your_request_ids"], serde_json::json!([trace_id]), "{body}");
        assert!(!notice.body.contains("Whitfield") && !notice.body.contains("07700"), "no personal data: {body}");
        // The client checks the signature with the key `dataward client notify` gave it.
        let client = s.store.client_by_name("collector").await.unwrap();
        let signing_key = webhook_signing_key(s.store.indexer(), &client.id);
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(signing_key.as_bytes()).unwrap();
        mac.update(notice.body.as_bytes());
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(notice.header("x-dataward-signature"), expected);
        let state = super::rights_api::state_of(&s);
        let request = s.store.rights_request_by_token(&service::token_digest(&state, &id)).await.unwrap().unwrap();
        let listed = s.store.request_notifications(&request.id).await.unwrap();
        assert!(listed.iter().any(|n| n.channel == "webhook" && n.status == "sent"), "{listed:?}");
    }
}
