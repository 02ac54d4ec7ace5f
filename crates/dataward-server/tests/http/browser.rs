//! End to end in headless Chromium, driven through chromedriver (WebDriver, `fantoccini`): the
//! real server on 127.0.0.1 with a real SMTP sink. A data subject submits an access request on
//! the portal, reads the code from the mail, enters it; a DPO signs in to the console, opens the
//! request from the queue and completes it; the subject follows the download link from the
//! completion mail and sees their data and its source partner; the link then refuses a second use.
//!
//! The test needs `chromium` and `chromedriver` (Debian: `apt-get install chromium
//! chromium-driver`). It fails, saying so, when they are missing: it never passes silently.
//! `DATAWARD_CHROMEDRIVER` and `DATAWARD_CHROMIUM` name other binaries.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use dataward_core::staff::{Password, Role, StaffName};
use dataward_server::rights::outbox::{OutboxSettings, outbox_loop};
use dataward_server::{SystemClock, serve_with};
use dataward_store::staff::NewStaff;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use super::client_api::loaded;
use super::console::PASSWORD;
use super::rights_portal::links_in;
use super::smtp_sink::{SmtpSink, code_in};
use super::*;

const JANE_EMAIL: &str = "jane.whitfield@example.com";
const INSTALL: &str = "install Chromium and chromedriver (Debian: `sudo apt-get install chromium chromium-driver`), \
                       or name them with DATAWARD_CHROMIUM / DATAWARD_CHROMEDRIVER";

/// The first of `names` found on PATH (or the override in `env`, or a known location).
fn find_binary(env: &str, names: &[&str], known: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let on_path = std::env::split_paths(&path).flat_map(|dir| names.iter().map(move |n| dir.join(n)));
    on_path.chain(known.iter().map(PathBuf::from)).find(|p| p.is_file())
}

/// A child process killed when the test ends, however it ends.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts chromedriver on a free loopback port and waits until it answers.
async fn start_chromedriver(binary: &Path) -> (Reaped, u16) {
    let port = free_port();
    let child = Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("chromedriver at {} did not start ({e}): {INSTALL}", binary.display()));
    let driver = Reaped(child);
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not listen on 127.0.0.1:{port} within 10 s");
}

/// A headless Chromium session with a fresh profile.
async fn open_browser(driver_port: u16, chromium: &Path, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,1600",
    ]
    .iter()
    .map(|a| a.to_string())
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium.display().to_string(), "args": args }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .unwrap_or_else(|e| panic!("no Chromium session through chromedriver ({e}): {INSTALL}"))
}

/// Waits (up to 20 s) until the sink holds a message to `address` containing `needle`.
async fn mail_containing(sink: &SmtpSink, address: &str, needle: &str) -> super::smtp_sink::Received {
    for _ in 0..200 {
        if let Some(m) = sink.to(address).into_iter().rev().find(|m| m.data.contains(needle)) {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no message to {address} containing `{needle}` within 20 s");
}

/// The page's source once it contains `needle` (navigation after a click may still be under
/// way when the click returns); fails after 10 s, showing the page.
async fn page_with(browser: &Client, needle: &str) -> String {
    let mut page = String::new();
    for _ in 0..100 {
        page = browser.source().await.expect("the page source");
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed `{needle}`: {page}");
}

#[tokio::test]
async fn a_subject_and_a_dpo_complete_an_access_request_in_headless_chromium() {
    let driver = find_binary(
        "DATAWARD_CHROMEDRIVER",
        &["chromedriver"],
        &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"],
    )
    .unwrap_or_else(|| panic!("chromedriver not found: {INSTALL}"));
    let chromium =
        find_binary("DATAWARD_CHROMIUM", &["chromium", "chromium-browser", "google-chrome"], &["/usr/bin/chromium"])
            .unwrap_or_else(|| panic!("Chromium not found: {INSTALL}"));
    let (_driver, driver_port) = start_chromedriver(&driver).await;
    for backend in backends() {
        run_once(backend, driver_port, &chromium).await;
    }
}

/// Saves a screenshot of the current page as `name.png` under `DATAWARD_SCREENSHOT_DIR`, when set
/// (for looking at the pages; the test asserts on their content).
async fn snapshot(browser: &Client, name: &str) {
    if let Ok(dir) = std::env::var("DATAWARD_SCREENSHOT_DIR") {
        let png = browser.screenshot().await.expect("a screenshot");
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("the screenshot written");
    }
}

async fn run_once(backend: Backend, driver_port: u16, chromium: &Path) {
    // The real server with Jane loaded, a DPO account, and the outbox delivering to the sink.
    let s = loaded(backend).await;
    let staff = NewStaff {
        name: StaffName::parse("dana").unwrap(),
        role: Role::Dpo,
        password: Password::parse(PASSWORD).unwrap(),
    };
    s.store.add_staff(&staff, NOW.parse().unwrap()).await.unwrap();
    let sink = SmtpSink::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let state = AppState {
        store: s.store.clone(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        clock: Arc::new(SystemClock),
    };
    let config = ServerConfig { secure_cookies: false, public_url: base.clone(), ..ServerConfig::default() };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_with(listener, state.clone(), config, async move {
        let _ = stopped.await;
    }));
    let mail = OutboxSettings { smtp_url: Some(sink.url()), from: "privacy@broker.test".into(), sms: None };
    let outbox = tokio::spawn(outbox_loop(state, mail));
    let profile = tempfile::tempdir().unwrap();
    let browser = open_browser(driver_port, chromium, profile.path()).await;

    // The subject asks for access on the portal.
    browser.goto(&format!("{base}/rights")).await.unwrap();
    browser.find(Locator::LinkText("Make a request")).await.unwrap().click().await.unwrap();
    snapshot(&browser, "portal-form").await;
    let form = browser.form(Locator::Css("form[action='/rights/request']")).await.unwrap();
    for (name, value) in [
        ("first_name", "Jane"),
        ("surname", "Whitfield"),
        ("email", JANE_EMAIL),
        ("address_line_1", "12 Oak Road"),
        ("postcode", "LS6 2AB"),
        ("date_of_birth", "21/07/1984"),
    ] {
        form.set_by_name(name, value).await.unwrap();
    }
    form.submit().await.unwrap();
    page_with(&browser, "Your request R000001").await;
    let status_url = browser.current_url().await.unwrap().to_string();
    assert!(status_url.starts_with(&format!("{base}/rights/status/")), "{status_url}");
    assert!(!status_url.contains("Whitfield") && !status_url.contains("jane"), "no personal data in the URL");
    page_with(&browser, "We have sent a 6-digit code to the email address you gave").await;
    snapshot(&browser, "portal-code").await;

    // The code arrives by SMTP and is entered.
    let code = code_in(&mail_containing(&sink, JANE_EMAIL, "verification code").await);
    browser.find(Locator::Id("code")).await.unwrap().send_keys(&code).await.unwrap();
    browser.find(Locator::XPath("//button[text()='Confirm my request']")).await.unwrap().click().await.unwrap();
    page_with(&browser, "Your request is confirmed").await;

    // The DPO signs in, opens the request from the queue and completes it.
    browser.goto(&format!("{base}/console/login")).await.unwrap();
    let login = browser.form(Locator::Css("form[action='/console/login']")).await.unwrap();
    login.set_by_name("name", "dana").await.unwrap();
    login.set_by_name("password", PASSWORD).await.unwrap();
    login.submit().await.unwrap();
    page_with(&browser, "Signed in as <strong>dana</strong>").await;
    browser.find(Locator::LinkText("Rights requests")).await.unwrap().click().await.unwrap();
    snapshot(&browser, "console-queue").await;
    browser.find(Locator::LinkText("R000001")).await.unwrap().click().await.unwrap();
    let detail = page_with(&browser, "Band: <strong>link</strong>").await;
    snapshot(&browser, "console-request").await;
    assert!(detail.contains("From competition-co"), "the report preview shows the source");
    browser.find(Locator::XPath("//button[text()='Complete the request']")).await.unwrap().click().await.unwrap();
    page_with(&browser, "Request completed; the requester has been told.").await;

    // The subject follows the link from the completion mail, once.
    mail_containing(&sink, JANE_EMAIL, "is complete").await;
    let links = links_in(&sink, JANE_EMAIL);
    assert!(links[0].starts_with(&format!("{base}/rights/download/")), "{links:?}");
    // The status page offers the same links as the mail.
    browser.goto(&status_url).await.unwrap();
    page_with(&browser, "Your request is complete.").await;
    let offered = browser.find(Locator::LinkText("Your report (a page you can print or save)")).await.unwrap();
    let href = offered.attr("href").await.unwrap().expect("a link");
    assert!(links[0].ends_with(&href), "{href} vs {links:?}");
    browser.goto(&links[0]).await.unwrap();
    let report = page_with(&browser, "What we hold about you").await;
    snapshot(&browser, "report").await;
    for shown in ["Whitfield", JANE_EMAIL, "LS6 2AB", "From competition-co"] {
        assert!(report.contains(shown), "{backend:?}: the report shows {shown}");
    }
    browser.goto(&links[0]).await.unwrap();
    page_with(&browser, "already been used or has expired").await;

    browser.close().await.unwrap();
    outbox.abort();
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
