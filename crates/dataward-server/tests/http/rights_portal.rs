//! The public rights portal over HTTP, in-process: the same status and the same page for a held
//! person and a stranger at every step before (and right after) the code, CSRF on every public
//! form, security headers, no personal data in URLs, form mistakes answered with a message, and
//! one-time downloads (a second GET is a 410 page).

use super::client_api::loaded;
use super::console::{cookie_value, csrf_in, form_post, page_get, text};
use super::rights_api::{complete, deliver};
use super::smtp_sink::{SmtpSink, code_in};
use super::*;

const JANE_EMAIL: &str = "jane.whitfield@example.com";
const STRANGER_EMAIL: &str = "nadia@example.org";

/// A browser of the portal: its CSRF cookie and the token its forms carry.
pub(crate) struct Visitor {
    csrf: String,
}

impl Visitor {
    /// Opens the request form, as a browser would first.
    pub(crate) async fn arrive(app: &Router) -> Visitor {
        let form = call(app, page_get("/rights/request", None)).await;
        assert_eq!(form.status, StatusCode::OK, "{}", text(&form));
        let csrf = cookie_value(&form, "dw_portal_csrf").expect("a portal CSRF cookie");
        assert_eq!(csrf_in(&text(&form)), csrf, "the form carries the cookie's token");
        Visitor { csrf }
    }

    fn cookie(&self) -> Option<String> {
        Some(format!("dw_portal_csrf={}", self.csrf))
    }

    pub(crate) async fn post(&self, app: &Router, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        call(app, form_post(uri, self.cookie(), &all)).await
    }

    pub(crate) async fn get(&self, app: &Router, uri: &str) -> Answer {
        let request = Request::get(uri).header("cookie", self.cookie().unwrap()).body(Body::empty()).unwrap();
        call(app, request).await
    }
}

fn details<'a>(first: &'a str, surname: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "access"),
        ("first_name", first),
        ("surname", surname),
        ("email", email),
        ("address_line_1", "12 Oak Road"),
        ("postcode", "LS6 2AB"),
        ("date_of_birth", "21/07/1984"),
    ]
}

/// Submits the form; returns the status token from the redirect.
async fn submit(app: &Router, visitor: &Visitor, fields: &[(&str, &str)]) -> (Answer, String) {
    let answer = visitor.post(app, "/rights/request", fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
    let location = answer.header("location").to_string();
    let token = location.strip_prefix("/rights/status/").expect("a status page").to_string();
    assert_eq!(token.len(), 64, "an unguessable token, and nothing else, in the URL: {location}");
    (answer, token)
}

/// A page with what legitimately differs between two requests (token, reference, CSRF) blanked.
fn neutral(page: &str, token: &str, csrf: &str) -> String {
    let mut out = page.replace(token, "TOKEN").replace(csrf, "CSRF");
    for n in 1..=9 {
        out = out.replace(&format!("R00000{n}"), "REF");
    }
    out
}

#[tokio::test]
async fn a_held_person_and_a_stranger_get_the_same_status_and_page_at_every_portal_step() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let mut pages: Vec<Vec<(u16, String)>> = Vec::new();
        for (first, surname, email) in [("Jane", "Whitfield", JANE_EMAIL), ("Nadia", "Okoro", STRANGER_EMAIL)] {
            let visitor = Visitor::arrive(&s.app).await;
            let mut seen = Vec::new();
            let (submitted, token) = submit(&s.app, &visitor, &details(first, surname, email)).await;
            seen.push((submitted.status.as_u16(), neutral(&text(&submitted), &token, &visitor.csrf)));
            let status = visitor.get(&s.app, &format!("/rights/status/{token}")).await;
            assert!(text(&status).contains("We have sent a 6-digit code to the email address you gave"));
            seen.push((status.status.as_u16(), neutral(&text(&status), &token, &visitor.csrf)));
            deliver(&s, &sink).await;
            let code = code_in(sink.to(email).last().expect("a code for everyone"));
            let wrong = if code == "000000" { "111111" } else { "000000" };
            let refused = visitor.post(&s.app, &format!("/rights/status/{token}/code"), &[("code", wrong)]).await;
            assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
            seen.push((refused.status.as_u16(), neutral(&text(&refused), &token, &visitor.csrf)));
            let accepted = visitor.post(&s.app, &format!("/rights/status/{token}/code"), &[("code", &code)]).await;
            assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", text(&accepted));
            seen.push((accepted.status.as_u16(), neutral(&text(&accepted), &token, &visitor.csrf)));
            let working = visitor.get(&s.app, &format!("/rights/status/{token}")).await;
            assert!(text(&working).contains("We will answer by <strong>2026-12-23</strong>"), "{}", text(&working));
            seen.push((working.status.as_u16(), neutral(&text(&working), &token, &visitor.csrf)));
            for (_, page) in &seen {
                for value in [first, surname, email, "LS6 2AB", "12 Oak Road"] {
                    assert!(!page.contains(value), "{value} echoed on a portal page");
                }
            }
            pages.push(seen);
        }
        assert_eq!(pages[0], pages[1], "{backend:?}: the held person and the stranger see the same answers");
        // The matching did happen behind the pages: one request found Jane, the other no one.
        let bands: Vec<_> =
            s.store.all_rights_requests().await.unwrap().into_iter().map(|r| r.match_band.unwrap()).collect();
        assert_eq!(bands, vec!["no_match".to_string(), "link".to_string()]);
    }
}

#[tokio::test]
async fn public_forms_refuse_a_post_without_the_matching_csrf_cookie_and_record_nothing() {
    for backend in backends() {
        let s = loaded(backend).await;
        let fields = details("Jane", "Whitfield", JANE_EMAIL);
        let mut with_token = fields.clone();
        with_token.push(("csrf_token", "a".repeat(64).leak()));
        let no_cookie = call(&s.app, form_post("/rights/request", None, &with_token)).await;
        assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
        assert!(text(&no_cookie).contains("This form has expired"));
        let other_cookie =
            call(&s.app, form_post("/rights/request", Some(format!("dw_portal_csrf={}", "b".repeat(64))), &with_token))
                .await;
        assert_eq!(other_cookie.status, StatusCode::FORBIDDEN);
        assert!(s.store.all_rights_requests().await.unwrap().is_empty(), "{backend:?}: nothing recorded");

        let visitor = Visitor::arrive(&s.app).await;
        let (_, token) = submit(&s.app, &visitor, &fields).await;
        for action in ["code", "resend"] {
            let forged = call(
                &s.app,
                form_post(
                    &format!("/rights/status/{token}/{action}"),
                    None,
                    &[("code", "123456"), ("csrf_token", "x")],
                ),
            )
            .await;
            assert_eq!(forged.status, StatusCode::FORBIDDEN, "{action}");
        }
        let request = &s.store.all_rights_requests().await.unwrap()[0];
        assert_eq!(request.request.status().as_str(), "awaiting_verification");
        let codes_queued = s.store.request_notifications(&request.id).await.unwrap().len();
        assert_eq!(codes_queued, 1, "a forged resend sends no code");
    }
}

#[tokio::test]
async fn portal_pages_carry_strict_security_headers() {
    for backend in backends() {
        let s = loaded(backend).await;
        let visitor = Visitor::arrive(&s.app).await;
        let (_, token) = submit(&s.app, &visitor, &details("Jane", "Whitfield", JANE_EMAIL)).await;
        for uri in ["/rights".to_string(), "/rights/request".to_string(), format!("/rights/status/{token}")] {
            let page = visitor.get(&s.app, &uri).await;
            assert_eq!(page.status, StatusCode::OK, "{uri}");
            assert!(page.header("content-security-policy").starts_with("default-src 'self'"), "{uri}");
            assert!(page.header("content-security-policy").contains("script-src 'none'"), "{uri}");
            assert_eq!(page.header("cache-control"), "no-store", "{uri}");
            assert_eq!(page.header("x-content-type-options"), "nosniff", "{uri}");
            assert_eq!(page.header("referrer-policy"), "no-referrer", "{uri}");
            assert!(!text(&page).contains("<script"), "{uri}: no scripts");
        }
        let start = visitor.get(&s.app, "/rights").await;
        for right in ["Access", "Portability", "Rectification", "Erasure", "Restriction", "Objection", "consent"] {
            assert!(text(&start).contains(right), "the start page explains {right}");
        }
        assert!(text(&start).contains("ico.org.uk/make-a-complaint"));
        let unknown = visitor.get(&s.app, &format!("/rights/status/{}", "0".repeat(64))).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_form_with_a_mistake_is_shown_again_with_a_message_and_nothing_is_recorded() {
    for backend in backends() {
        let s = loaded(backend).await;
        let visitor = Visitor::arrive(&s.app).await;
        let no_contact = visitor
            .post(&s.app, "/rights/request", &[("kind", "access"), ("first_name", "Jane"), ("surname", "Whitfield")])
            .await;
        assert_eq!(no_contact.status, StatusCode::BAD_REQUEST);
        assert!(text(&no_contact).contains("Give an email address or a phone number"), "{}", text(&no_contact));
        assert!(text(&no_contact).contains("value=\"Whitfield\""), "what was typed is kept in the form");
        let no_correction = visitor
            .post(
                &s.app,
                "/rights/request",
                &[("kind", "rectification"), ("first_name", "Jane"), ("surname", "W"), ("email", JANE_EMAIL)],
            )
            .await;
        assert_eq!(no_correction.status, StatusCode::BAD_REQUEST);
        assert!(s.store.all_rights_requests().await.unwrap().is_empty(), "{backend:?}");
    }
}

/// The download links in the last completion mail to `address`.
pub(crate) fn links_in(sink: &SmtpSink, address: &str) -> Vec<String> {
    let mail = sink.to(address).into_iter().rev().find(|m| m.data.contains("is complete")).expect("a completion mail");
    // Quoted-printable soft line breaks split long lines.
    let body = mail.data.replace("=\r\n", "").replace("=\n", "");
    body.split_whitespace().filter(|w| w.contains("/rights/download/")).map(str::to_string).collect()
}

#[tokio::test]
async fn a_download_link_works_once_and_then_answers_a_410_page() {
    for backend in backends() {
        let s = loaded(backend).await;
        let sink = SmtpSink::start().await;
        let visitor = Visitor::arrive(&s.app).await;
        let (_, token) = submit(&s.app, &visitor, &details("Jane", "Whitfield", JANE_EMAIL)).await;
        deliver(&s, &sink).await;
        let code = code_in(sink.to(JANE_EMAIL).last().unwrap());
        visitor.post(&s.app, &format!("/rights/status/{token}/code"), &[("code", &code)]).await;
        complete(&s, &token).await;
        deliver(&s, &sink).await;
        let links = links_in(&sink, JANE_EMAIL);
        assert_eq!(links.len(), 2, "the report page and its JSON: {links:?}");
        let paths: Vec<String> = links
            .iter()
            .map(|l| l.strip_prefix("http://127.0.0.1:8080").expect("under the public URL").to_string())
            .collect();

        let status = visitor.get(&s.app, &format!("/rights/status/{token}")).await;
        for path in &paths {
            // MiniJinja escapes `/` in attribute values; the browser reads it back.
            let escaped = path.replace('/', "&#x2f;");
            assert!(text(&status).contains(&format!("href=\"{escaped}\"")), "the status page offers {path}");
        }
        let report = visitor.get(&s.app, &paths[0]).await;
        assert_eq!(report.status, StatusCode::OK, "{backend:?}");
        assert!(report.header("content-type").starts_with("text/html"));
        assert_eq!(report.header("cache-control"), "no-store");
        let json = visitor.get(&s.app, &paths[1]).await;
        assert_eq!(json.status, StatusCode::OK);
        assert!(json.header("content-disposition").starts_with("attachment"));
        assert!(json.json()["sources"].as_array().is_some_and(|s| !s.is_empty()), "{}", text(&json));
        for path in &paths {
            let again = visitor.get(&s.app, path).await;
            assert_eq!(again.status, StatusCode::GONE, "{path}");
            assert!(text(&again).contains("already been used or has expired"));
            assert!(!text(&again).contains("Whitfield"));
        }
    }
}

#[tokio::test]
async fn the_portal_logs_routes_and_statuses_but_no_personal_data_or_tokens() {
    for backend in backends() {
        let s = loaded(backend).await;
        let captured = capture_logs();
        let visitor = Visitor::arrive(&s.app).await;
        let (_, token) = submit(&s.app, &visitor, &details("Jane", "Whitfield", JANE_EMAIL)).await;
        visitor.get(&s.app, &format!("/rights/status/{token}")).await;
        visitor.post(&s.app, &format!("/rights/status/{token}/code"), &[("code", "999999")]).await;
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("path=\"/rights/status/{token}\""), "the route template: {logs}");
        assert!(logs.contains("rights request received"), "{logs}");
        for secret in ["Jane", "Whitfield", JANE_EMAIL, "LS6", "Oak Road", "1984", &token, &visitor.csrf] {
            assert!(!logs.contains(secret), "{backend:?}: the logs contain `{secret}`: {logs}");
        }
    }
}

#[tokio::test]
async fn a_new_code_is_sent_on_request_but_not_twice_within_a_minute() {
    for backend in backends() {
        let s = loaded(backend).await;
        let visitor = Visitor::arrive(&s.app).await;
        let (_, token) = submit(&s.app, &visitor, &details("Jane", "Whitfield", JANE_EMAIL)).await;
        let resent = visitor.post(&s.app, &format!("/rights/status/{token}/resend"), &[]).await;
        assert_eq!(resent.status, StatusCode::SEE_OTHER);
        assert_eq!(resent.header("location"), format!("/rights/status/{token}"));
        let request = s.store.all_rights_requests().await.unwrap().remove(0);
        let codes = || async { s.store.request_notifications(&request.id).await.unwrap().len() };
        assert_eq!(codes().await, 1, "{backend:?}: no second code within a minute");

        let later = AppState {
            clock: Arc::new(FixedClock(NOW.parse::<jiff::Timestamp>().unwrap() + jiff::SignedDuration::from_secs(61))),
            ..super::rights_api::state_of(&s)
        };
        let sent = dataward_server::rights::service::resend_code(&later, &request).await.unwrap();
        assert!(sent, "a minute later a new code goes out");
        assert_eq!(codes().await, 2);
    }
}
