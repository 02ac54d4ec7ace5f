//! The staff console over HTTP, in-process: the role × endpoint table (200, 403 page, redirect to
//! login), login with one message for every refusal, lock-out with a moved clock, TOTP, session
//! cookies and their attributes, CSRF on every state-changing request, logout, idle expiry.

use std::sync::Mutex as StdMutex;

use dataward_core::rights::{RequestKind, Requester, RequesterForm};
use dataward_core::staff::{Password, Role, StaffName, TotpSecret};
use dataward_server::console::{Access, endpoint_table};
use dataward_server::rights::service;
use dataward_server::{Clock, app as build_app};
use dataward_store::staff::NewStaff;
use jiff::{SignedDuration, Timestamp};

use super::*;

pub(crate) const PASSWORD: &str = "correct horse battery";

/// A clock the test moves.
#[derive(Clone)]
pub(crate) struct MovableClock(Arc<StdMutex<Timestamp>>);

impl Clock for MovableClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

impl MovableClock {
    pub(crate) fn advance(&self, by: SignedDuration) {
        let mut now = self.0.lock().unwrap();
        *now += by;
    }
}

/// An app with one staff member of each role (named after the role) and one loaded batch.
pub(crate) struct Console {
    pub(crate) app: Router,
    pub(crate) store: Store,
    pub(crate) clock: MovableClock,
    batch_id: String,
    /// A request received by post from someone nothing is held about (`R000001`).
    reference: String,
    _server: Server,
}

pub(crate) async fn console(backend: Backend) -> Console {
    let s = server(backend).await;
    let uploaded = call(&s.app, csv_upload(&s.key, "", CSV)).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&uploaded.body));
    let batch_id = uploaded.json()["batch_id"].as_str().expect("batch id").to_string();
    for role in Role::ALL {
        let new = NewStaff {
            name: StaffName::parse(role.as_str()).unwrap(),
            role,
            password: Password::parse(PASSWORD).unwrap(),
        };
        s.store.add_staff(&new, NOW.parse().unwrap()).await.unwrap();
    }
    let clock = MovableClock(Arc::new(StdMutex::new(NOW.parse().unwrap())));
    let state = AppState {
        store: s.store.clone(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        clock: Arc::new(clock.clone()),
    };
    let form = RequesterForm {
        first_name: "Nadia".into(),
        surname: "Okoro".into(),
        email: Some("nadia@example.org".into()),
        ..RequesterForm::default()
    };
    let requester = Requester::from_form(&form).unwrap();
    let submitted = service::submit(&state, RequestKind::Access, &requester, "post", "test").await.unwrap();
    let reference = submitted.request.reference();
    Console { app: build_app(state), store: s.store.clone(), clock, batch_id, reference, _server: s }
}

/// The `name=value` of every `set-cookie` header, by name (an empty value means removed).
pub(crate) fn set_cookies(answer: &Answer) -> Vec<(String, String, String)> {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| {
            let text = v.to_str().unwrap().to_string();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_string(), value.to_string(), text)
        })
        .collect()
}

pub(crate) fn cookie_value(answer: &Answer, name: &str) -> Option<String> {
    set_cookies(answer).into_iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v)
}

/// The value of the first hidden `csrf_token` field of a page.
pub(crate) fn csrf_in(page: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = page.find(marker).unwrap_or_else(|| panic!("no csrf field in {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

pub(crate) fn text(answer: &Answer) -> String {
    String::from_utf8_lossy(&answer.body).into_owned()
}

pub(crate) fn page_get(uri: &str, session: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri);
    if let Some(token) = session {
        builder = builder.header("cookie", format!("dw_session={token}"));
    }
    builder.body(Body::empty()).unwrap()
}

pub(crate) fn form_post(uri: &str, cookie: Option<String>, fields: &[(&str, &str)]) -> Request<Body> {
    let body = fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&");
    let mut builder = Request::post(uri).header("content-type", "application/x-www-form-urlencoded");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Body::from(body)).unwrap()
}

/// Minimal form encoding for test values (letters, digits, spaces and a few marks).
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// Opens the login page and posts the form; returns the answer of the POST.
async fn try_login(app: &Router, name: &str, password: &str, code: &str, next: &str) -> Answer {
    let form = call(app, page_get("/console/login", None)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", text(&form));
    let login_csrf = cookie_value(&form, "dw_login_csrf").expect("a login CSRF cookie");
    assert_eq!(csrf_in(&text(&form)), login_csrf, "the form carries the cookie's token");
    let fields = [("name", name), ("password", password), ("code", code), ("csrf_token", &login_csrf), ("next", next)];
    call(app, form_post("/console/login", Some(format!("dw_login_csrf={login_csrf}")), &fields)).await
}

/// Signs in and returns the session token.
pub(crate) async fn sign_in(app: &Router, name: &str) -> String {
    let answer = try_login(app, name, PASSWORD, "", "").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", text(&answer));
    cookie_value(&answer, "dw_session").expect("a session cookie")
}

/// The session's CSRF token, read from the console home page.
pub(crate) async fn session_csrf(app: &Router, token: &str) -> String {
    let home = call(app, page_get("/console", Some(token))).await;
    assert_eq!(home.status, StatusCode::OK);
    csrf_in(&text(&home))
}

pub(crate) fn is_login_redirect(answer: &Answer) -> bool {
    answer.status == StatusCode::SEE_OTHER && answer.header("location").starts_with("/console/login")
}

/// What each role gets from each console endpoint: (method, path, [admin, operator, dpo, auditor]).
/// Written out by hand, independently of `Role::allows`, and required to cover every endpoint.
const EXPECTED: &[(&str, &str, [u16; 4])] = &[
    ("GET", "/console", [200, 200, 200, 200]),
    ("GET", "/console/partners", [403, 200, 403, 403]),
    ("GET", "/console/batches", [403, 200, 403, 403]),
    ("GET", "/console/batches/{id}/quarantine", [403, 200, 403, 403]),
    ("GET", "/console/staff", [200, 403, 403, 403]),
    ("GET", "/console/rights", [403, 403, 200, 403]),
    ("GET", "/console/rights/new", [403, 403, 200, 403]),
    // An empty form: the page again with a message.
    ("POST", "/console/rights/new", [403, 403, 400, 403]),
    ("GET", "/console/rights/{reference}", [403, 403, 200, 403]),
    // The rows run in order on the one request: received by post, so verification is recorded...
    ("POST", "/console/rights/{reference}/verified", [403, 403, 303, 403]),
    // ...after which the law has no code to ask for (409 page)...
    ("POST", "/console/rights/{reference}/send-code", [403, 403, 409, 403]),
    // ...there is no possible match to decide on and the form names no decision (400 page)...
    ("POST", "/console/rights/{reference}/confirm", [403, 403, 400, 403]),
    ("POST", "/console/rights/{reference}/complete", [403, 403, 303, 403]),
    // ...and the empty forms of the other actions are answered with a message.
    ("POST", "/console/rights/{reference}/refuse", [403, 403, 400, 403]),
    ("POST", "/console/rights/{reference}/extend", [403, 403, 400, 403]),
    ("POST", "/console/rights/{reference}/note", [403, 403, 400, 403]),
    ("GET", "/console/breaches", [403, 403, 200, 403]),
    ("POST", "/console/logout", [303, 303, 303, 303]),
];

#[tokio::test]
async fn every_role_gets_exactly_the_console_endpoints_the_table_allows_and_strangers_are_sent_to_login() {
    for backend in backends() {
        let c = console(backend).await;
        let table = endpoint_table();
        for (method, path, access) in &table {
            let Access::Staff(_) = access else { continue };
            assert!(
                EXPECTED.iter().any(|(m, p, _)| *m == method.as_str() && p == path),
                "{method} {path} has no row in the test table"
            );
        }
        assert_eq!(EXPECTED.len(), table.iter().filter(|(_, _, a)| *a != Access::Public).count());

        for (method, path, outcomes) in EXPECTED {
            let uri = path.replace("{id}", &c.batch_id).replace("{reference}", &c.reference);
            for (role, expected) in Role::ALL.into_iter().zip(outcomes) {
                // A fresh session per role and endpoint: logging out must not spoil the next row.
                let token = sign_in(&c.app, role.as_str()).await;
                let answer = if *method == "GET" {
                    call(&c.app, page_get(&uri, Some(&token))).await
                } else {
                    let csrf = session_csrf(&c.app, &token).await;
                    call(&c.app, form_post(&uri, Some(format!("dw_session={token}")), &[("csrf_token", &csrf)])).await
                };
                assert_eq!(
                    answer.status.as_u16(),
                    *expected,
                    "{role} {method} {uri} on {backend:?}: {}",
                    text(&answer)
                );
                if *expected == 403 {
                    assert!(text(&answer).contains("You are not allowed to see this page"), "a 403 page");
                    assert!(answer.header("content-type").starts_with("text/html"));
                }
                if *expected == 200 {
                    assert!(answer.header("content-type").starts_with("text/html"));
                    assert!(text(&answer).contains(&format!("Signed in as <strong>{}</strong>", role.as_str())));
                }
            }
            // Without a session, every endpoint sends the browser to the login page.
            let anonymous = if *method == "GET" {
                call(&c.app, page_get(&uri, None)).await
            } else {
                call(&c.app, form_post(&uri, None, &[("csrf_token", "x")])).await
            };
            assert!(is_login_redirect(&anonymous), "{method} {uri}: {:?}", anonymous.status);
        }
    }
}

#[tokio::test]
async fn an_unknown_name_and_a_wrong_password_get_the_same_answer_and_no_session() {
    for backend in backends() {
        let c = console(backend).await;
        let unknown = try_login(&c.app, "mallory", PASSWORD, "", "").await;
        let wrong = try_login(&c.app, "dpo", "not the password", "", "").await;
        for answer in [&unknown, &wrong] {
            assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
            assert!(cookie_value(answer, "dw_session").is_none());
            assert!(text(answer).contains("The name, password or code is not right"), "{}", text(answer));
        }
        let strip = |a: &Answer| text(a).replace(&csrf_in(&text(a)), "").replace("mallory", "dpo");
        assert_eq!(strip(&unknown), strip(&wrong), "the two refusals are the same page");
    }
}

#[tokio::test]
async fn a_login_sets_a_strict_http_only_secure_console_cookie_and_returns_to_the_page_asked_for() {
    for backend in backends() {
        let c = console(backend).await;
        let asked = call(&c.app, page_get("/console/batches", None)).await;
        assert_eq!(asked.header("location"), "/console/login?next=/console/batches");
        let answer = try_login(&c.app, "operator", PASSWORD, "", "/console/batches").await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header("location"), "/console/batches");
        let (_, token, line) = set_cookies(&answer).into_iter().find(|(n, _, _)| n == "dw_session").unwrap();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] {
            assert!(line.contains(part), "{part} missing from {line}");
        }
        assert_eq!(token.len(), 64);
        let outside = try_login(&c.app, "operator", PASSWORD, "", "https://evil.example/").await;
        assert_eq!(outside.header("location"), "/console", "a foreign next is ignored");
    }
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_for_fifteen_minutes() {
    for backend in backends() {
        let c = console(backend).await;
        for _ in 0..5 {
            assert_eq!(try_login(&c.app, "auditor", "not the password", "", "").await.status, StatusCode::UNAUTHORIZED);
        }
        let locked = try_login(&c.app, "auditor", PASSWORD, "", "").await;
        assert_eq!(locked.status, StatusCode::UNAUTHORIZED, "the right password is refused while locked");
        c.clock.advance(SignedDuration::from_mins(15));
        assert_eq!(try_login(&c.app, "auditor", PASSWORD, "", "").await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn with_totp_on_the_code_is_required_and_a_code_works_once() {
    for backend in backends() {
        let c = console(backend).await;
        let secret = TotpSecret::from_bytes([3; 20]);
        c.store.set_staff_totp("dpo", Some(&secret), NOW.parse().unwrap()).await.unwrap();
        assert_eq!(try_login(&c.app, "dpo", PASSWORD, "", "").await.status, StatusCode::UNAUTHORIZED);
        let code = secret.code_at(NOW.parse().unwrap());
        assert_eq!(try_login(&c.app, "dpo", PASSWORD, &code, "").await.status, StatusCode::SEE_OTHER);
        assert_eq!(try_login(&c.app, "dpo", PASSWORD, &code, "").await.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_console_post_without_the_sessions_csrf_token_is_a_403_problem_and_changes_nothing() {
    for backend in backends() {
        let c = console(backend).await;
        let token = sign_in(&c.app, "admin").await;
        let cookie = Some(format!("dw_session={token}"));
        let missing = call(&c.app, form_post("/console/logout", cookie.clone(), &[])).await;
        missing.problem(StatusCode::FORBIDDEN, "csrf-rejected");
        let wrong =
            call(&c.app, form_post("/console/logout", cookie.clone(), &[("csrf_token", &"0".repeat(64))])).await;
        wrong.problem(StatusCode::FORBIDDEN, "csrf-rejected");
        let json = Request::post("/console/logout")
            .header("cookie", format!("dw_session={token}"))
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        call(&c.app, json).await.problem(StatusCode::FORBIDDEN, "csrf-rejected");
        assert_eq!(call(&c.app, page_get("/console", Some(&token))).await.status, StatusCode::OK, "still signed in");

        let csrf = session_csrf(&c.app, &token).await;
        let by_header = Request::post("/console/logout")
            .header("cookie", format!("dw_session={token}"))
            .header("x-csrf-token", csrf)
            .body(Body::empty())
            .unwrap();
        assert_eq!(call(&c.app, by_header).await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_login_form_refuses_a_post_without_its_csrf_cookie() {
    for backend in backends() {
        let c = console(backend).await;
        let fields = [("name", "admin"), ("password", PASSWORD), ("csrf_token", "abc")];
        let answer = call(&c.app, form_post("/console/login", None, &fields)).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN);
        assert!(cookie_value(&answer, "dw_session").is_none());
        let forged = call(&c.app, form_post("/console/login", Some("dw_login_csrf=abd".into()), &fields)).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn logging_out_ends_the_session_and_an_idle_session_ends_after_thirty_minutes() {
    for backend in backends() {
        let c = console(backend).await;
        let token = sign_in(&c.app, "operator").await;
        let csrf = session_csrf(&c.app, &token).await;
        let out =
            call(&c.app, form_post("/console/logout", Some(format!("dw_session={token}")), &[("csrf_token", &csrf)]))
                .await;
        assert_eq!(out.header("location"), "/console/login");
        assert_eq!(cookie_value(&out, "dw_session").as_deref(), Some(""), "the cookie is removed");
        assert!(is_login_redirect(&call(&c.app, page_get("/console", Some(&token))).await));

        let idle = sign_in(&c.app, "operator").await;
        c.clock.advance(SignedDuration::from_mins(29));
        assert_eq!(call(&c.app, page_get("/console", Some(&idle))).await.status, StatusCode::OK);
        c.clock.advance(SignedDuration::from_mins(30));
        assert!(is_login_redirect(&call(&c.app, page_get("/console", Some(&idle))).await));
    }
}

#[tokio::test]
async fn console_pages_are_never_cached_or_framed_and_show_no_personal_values() {
    for backend in backends() {
        let c = console(backend).await;
        let token = sign_in(&c.app, "operator").await;
        let quarantine =
            call(&c.app, page_get(&format!("/console/batches/{}/quarantine", c.batch_id), Some(&token))).await;
        assert_eq!(quarantine.status, StatusCode::OK);
        assert_eq!(quarantine.header("cache-control"), "no-store");
        assert_eq!(quarantine.header("x-frame-options"), "DENY");
        assert!(quarantine.header("content-security-policy").contains("frame-ancestors 'none'"));
        let page = text(&quarantine);
        assert!(page.contains("invalid_postcode"), "{page}");
        for value in ["Tom", "Jones", "tom@example.com", "LS1 4CC"] {
            assert!(!page.contains(value), "{value} shown on the quarantine page");
        }
        let login = call(&c.app, page_get("/console/login", None)).await;
        assert_eq!(login.header("cache-control"), "no-store");
    }
}
