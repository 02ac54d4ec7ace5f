//! The DPO's rights pages over HTTP, in-process: a post request worked from intake to
//! completion, a possible match that is not acted on until confirmed, a refusal the law does not
//! allow shown on the page (not a 500), CSRF on the actions, the queue's order, and the breach
//! page's 72-hour clock.

use dataward_core::breach::exposure::Exposure;
use dataward_server::Clock;
use dataward_store::breaches::NewBreach;
use jiff::SignedDuration;

use super::client_api::JANE;
use super::console::{Console, console, csrf_in, form_post, page_get, sign_in, text};
use super::*;

const JANE_EMAIL: &str = "jane.whitfield@example.com";

/// A console with Jane loaded, and a DPO signed in: (console, session cookie, CSRF token).
async fn dpo_console(backend: Backend) -> (Console, String, String) {
    let c = console(backend).await;
    let key = add_partner(&c.store, "lifestyle-club").await;
    let loaded = call(&c.app, csv_upload(&key, "", JANE)).await;
    assert_eq!(loaded.status, StatusCode::CREATED, "{}", text(&loaded));
    let token = sign_in(&c.app, "dpo").await;
    let page = call(&c.app, page_get("/console/rights", Some(&token))).await;
    let csrf = csrf_in(&text(&page));
    (c, format!("dw_session={token}"), csrf)
}

async fn post(c: &Console, cookie: &str, csrf: &str, uri: &str, fields: &[(&str, &str)]) -> Answer {
    let mut all = fields.to_vec();
    all.push(("csrf_token", csrf));
    call(&c.app, form_post(uri, Some(cookie.to_string()), &all)).await
}

async fn get_page(c: &Console, cookie: &str, uri: &str) -> Answer {
    let request = Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap();
    call(&c.app, request).await
}

/// Enters a request by post for Jane; returns its reference.
async fn enter_by_post(c: &Console, cookie: &str, csrf: &str, kind: &str) -> String {
    let fields = [
        ("channel", "post"),
        ("kind", kind),
        ("first_name", "Jane"),
        ("surname", "Whitfield"),
        ("email", JANE_EMAIL),
        ("address_line_1", "12 Oak Road"),
        ("postcode", "LS6 2AB"),
        ("date_of_birth", "21/07/1984"),
    ];
    let created = post(c, cookie, csrf, "/console/rights/new", &fields).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", text(&created));
    assert_eq!(created.header("cache-control"), "no-store", "the page shows a bearer link once");
    let page = text(&created).replace("&#x2f;", "/");
    let reference = page.split("Request ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    // The status address to give the requester, shown this once: it opens the public status page.
    let at = page.find("/rights/status/").expect("the status link is shown");
    let path: String = page[at..].chars().take_while(|ch| *ch != '<' && !ch.is_whitespace()).collect();
    let status = call(&c.app, Request::get(&path).body(Body::empty()).unwrap()).await;
    assert_eq!(status.status, StatusCode::OK, "{path}");
    assert!(text(&status).contains(&reference), "the requester's page is this request's");
    reference
}

#[tokio::test]
async fn the_dpo_works_a_post_request_from_intake_to_completion_in_the_console() {
    for backend in backends() {
        let (c, cookie, csrf) = dpo_console(backend).await;
        let reference = enter_by_post(&c, &cookie, &csrf, "access").await;
        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(page.contains("Whitfield") && page.contains(JANE_EMAIL), "the requester as submitted");
        assert!(page.contains("Record verification"));

        let verified = post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/verified"), &[]).await;
        assert_eq!(verified.status, StatusCode::SEE_OTHER, "{}", text(&verified));
        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(page.contains("Band: <strong>link</strong>"), "{page}");
        assert!(page.contains("From lifestyle-club"), "the report preview names the source");
        assert!(page.contains("07700 900461") || page.contains("+447700900461"), "the report preview shows the values");
        assert!(page.contains("Due</th><td>2026-12-23"), "one month from receipt: {page}");

        let done = post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/complete"), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", text(&done));
        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(page.contains("completed"));
        assert!(page.contains("is complete"), "the notification to the requester is listed");
        assert!(
            page.contains("carried_out") && page.contains("staff:dpo"),
            "the audit trail names the action and actor"
        );
        let note =
            post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/note"), &[("note", "Posted a copy too")])
                .await;
        assert_eq!(note.status, StatusCode::SEE_OTHER);
        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(page.contains("Posted a copy too"));
        assert!(!page.contains("Complete the request"), "a closed request offers no more actions");
    }
}

#[tokio::test]
async fn a_possible_match_is_shown_for_confirmation_and_not_acted_on_until_confirmed() {
    for backend in backends() {
        let (c, cookie, csrf) = dpo_console(backend).await;
        let reference = enter_by_post(&c, &cookie, &csrf, "erasure").await;
        let request = c.store.rights_request_by_reference(&reference).await.unwrap().unwrap();
        c.store
            .transition_rights_request(
                &request.id,
                dataward_core::rights::Event::VerificationNotNeeded,
                "test",
                c.clock.now(),
            )
            .await
            .unwrap();
        // The identity engine found Jane only in the possible band.
        let jane = c.store.persons_with_value("email", JANE_EMAIL).await.unwrap();
        assert_eq!(jane.len(), 1);
        c.store.set_rights_match(&request.id, &[], "possible", Some(&jane[0]), "system", c.clock.now()).await.unwrap();

        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(page.contains(&format!("Possible match: person {}", jane[0])), "{page}");
        assert!(page.contains("Confirm: this is the requester"));
        let refused = post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/complete"), &[]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{backend:?}");
        assert!(text(&refused).contains("confirm or reject the possible match first"), "{}", text(&refused));
        assert_eq!(c.store.persons_with_value("email", JANE_EMAIL).await.unwrap(), jane, "nothing was erased");

        let confirmed =
            post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/confirm"), &[("decision", "accept")]).await;
        assert_eq!(confirmed.header("location"), format!("/console/rights/{reference}?done=confirmed"));
        let done = post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/complete"), &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", text(&done));
        assert!(c.store.persons_with_value("email", JANE_EMAIL).await.unwrap().is_empty(), "erased once confirmed");
    }
}

#[tokio::test]
async fn a_refusal_the_law_does_not_allow_is_explained_on_the_page_and_actions_need_the_csrf_token() {
    for backend in backends() {
        let (c, cookie, csrf) = dpo_console(backend).await;
        let reference = enter_by_post(&c, &cookie, &csrf, "objection:direct_marketing").await;
        post(&c, &cookie, &csrf, &format!("/console/rights/{reference}/verified"), &[]).await;
        let page = text(&get_page(&c, &cookie, &format!("/console/rights/{reference}")).await);
        assert!(!page.contains("value=\"manifestly_unfounded\""), "an absolute right offers no merits refusal");
        let refused = post(
            &c,
            &cookie,
            &csrf,
            &format!("/console/rights/{reference}/refuse"),
            &[("reason", "manifestly_unfounded")],
        )
        .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{backend:?}: {}", text(&refused));
        assert!(refused.header("content-type").starts_with("text/html"));
        assert!(text(&refused).contains("That action was not taken"));

        let forged =
            call(&c.app, form_post(&format!("/console/rights/{reference}/complete"), Some(cookie.clone()), &[])).await;
        forged.problem(StatusCode::FORBIDDEN, "csrf-rejected");
        let request = c.store.rights_request_by_reference(&reference).await.unwrap().unwrap();
        assert_eq!(request.request.status().as_str(), "in_progress", "neither action changed the request");
    }
}

#[tokio::test]
async fn the_queue_lists_overdue_requests_first_with_their_due_dates() {
    for backend in backends() {
        let (c, cookie, csrf) = dpo_console(backend).await;
        let old = enter_by_post(&c, &cookie, &csrf, "access").await;
        post(&c, &cookie, &csrf, &format!("/console/rights/{old}/verified"), &[]).await;
        c.clock.advance(SignedDuration::from_hours(24 * 40));
        let (c_cookie, c_csrf) = {
            let token = sign_in(&c.app, "dpo").await;
            let page = call(&c.app, page_get("/console/rights", Some(&token))).await;
            (format!("dw_session={token}"), csrf_in(&text(&page)))
        };
        let new = enter_by_post(&c, &c_cookie, &c_csrf, "access").await;
        post(&c, &c_cookie, &c_csrf, &format!("/console/rights/{new}/verified"), &[]).await;
        let queue = text(&get_page(&c, &c_cookie, "/console/rights").await);
        let (at_old, at_new) = (queue.find(&format!(">{old}<")).unwrap(), queue.find(&format!(">{new}<")).unwrap());
        assert!(at_old < at_new, "{backend:?}: the overdue request leads");
        assert!(queue.contains("OVERDUE"));
        assert!(queue.contains("2026-12-23"), "due dates are shown");
        assert!(!queue.contains("Whitfield"), "the queue shows no personal data");
    }
}

#[tokio::test]
async fn the_breach_page_shows_each_incidents_72_hour_clock() {
    for backend in backends() {
        let (c, cookie, _) = dpo_console(backend).await;
        let now = c.clock.now();
        let window = || Exposure::Window {
            from: now - SignedDuration::from_hours(100),
            to: now - SignedDuration::from_hours(90),
        };
        let late = NewBreach {
            exposure: window(),
            categories: vec![],
            description: "Laptop left on a train".into(),
            detected_at: now - SignedDuration::from_hours(80),
        };
        let recent = NewBreach {
            exposure: window(),
            categories: vec![],
            description: "Misdirected extract".into(),
            detected_at: now - SignedDuration::from_hours(2),
        };
        c.store.open_breach(&late, now, dataward_core::audit::Actor::Cli).await.unwrap();
        c.store.open_breach(&recent, now, dataward_core::audit::Actor::Cli).await.unwrap();
        let page = text(&get_page(&c, &cookie, "/console/breaches").await);
        assert!(page.contains("OVERDUE by 8h 00m"), "{backend:?}: {page}");
        assert!(page.contains("70h 00m left"), "{page}");
    }
}
