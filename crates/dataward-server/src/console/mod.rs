//! The staff console: server-rendered pages behind a login, one permission per endpoint.
//!
//! - `routes` (this file): **the** table of console endpoints. Each line names the method, the
//!   path, who may call it (`Access`) and the handler; the router is built from the table, so an
//!   endpoint cannot exist without a declared permission. Tests walk the same table.
//! - `guard`: the layer on every non-public endpoint: finds the session from the `dw_session`
//!   cookie, redirects to the login page without one, answers 403 without the permission, checks
//!   the CSRF token of every state-changing request, and hands the handler a `StaffSession`.
//! - `session`: the `StaffSession` extractor and the constant-time CSRF comparison.
//! - `cookies`: the session and login-form cookies and their attributes.
//! - `page`: `page(&session, template, context)`: renders a console page with the staff member,
//!   the navigation for their role and the CSRF token for forms.
//! - `login`: `/console/login` (GET form, POST) and `/console/logout` (POST).
//! - `home`, `operator`, `admin`: the pages.
//! - `rights_queue`, `rights_request`, `rights_actions`, `rights_intake`: the DPO's rights
//!   requests (queue, one request with its report preview and audit trail, the actions, intake
//!   by post or phone), all through `rights::service`.
//! - `breaches`: breach incidents and their 72-hour clock.

pub mod cookies;
pub mod guard;
pub mod login;
pub mod page;
pub mod session;

mod admin;
mod breaches;
mod home;
mod operator;
mod rights_actions;
mod rights_intake;
mod rights_queue;
mod rights_request;

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodRouter, on};
use dataward_core::staff::Permission;

use crate::state::AppState;

pub use page::{NavItem, page};
pub use session::StaffSession;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (the login page only).
    Public,
    /// A signed-in staff member whose role holds the permission.
    Staff(Permission),
}

/// One console endpoint: method, path template, access, handler.
pub struct ConsoleEndpoint {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl ConsoleEndpoint {
    fn new<H, T>(method: Method, path: &'static str, access: Access, handler: H) -> ConsoleEndpoint
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = axum::routing::MethodFilter::try_from(method.clone()).expect("a standard method");
        ConsoleEndpoint { method, path, access, handler: on(filter, handler) }
    }

    fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self::new(Method::GET, path, access, handler)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self::new(Method::POST, path, access, handler)
    }
}

/// Every console endpoint and the permission it needs. Add new console pages here.
pub fn endpoints() -> Vec<ConsoleEndpoint> {
    use Access::{Public, Staff};
    use ConsoleEndpoint as E;
    use Permission::*;
    vec![
        E::get("/console/login", Public, login::show_login),
        E::post("/console/login", Public, login::submit_login),
        E::post("/console/logout", Staff(UseConsole), login::submit_logout),
        E::get("/console", Staff(UseConsole), home::show_home),
        E::get("/console/partners", Staff(ManagePartners), operator::list_partners),
        E::get("/console/batches", Staff(ViewBatches), operator::list_batches),
        E::get("/console/batches/{id}/quarantine", Staff(ViewBatches), operator::show_quarantine),
        E::get("/console/staff", Staff(ManageStaff), admin::list_staff),
        E::get("/console/rights", Staff(WorkRightsRequests), rights_queue::show_queue),
        E::get("/console/rights/new", Staff(WorkRightsRequests), rights_intake::show_form),
        E::post("/console/rights/new", Staff(WorkRightsRequests), rights_intake::submit),
        E::get("/console/rights/{reference}", Staff(WorkRightsRequests), rights_request::show_request),
        E::post("/console/rights/{reference}/verified", Staff(WorkRightsRequests), rights_actions::record_verified),
        E::post("/console/rights/{reference}/send-code", Staff(WorkRightsRequests), rights_actions::send_code),
        E::post("/console/rights/{reference}/confirm", Staff(WorkRightsRequests), rights_actions::confirm_match),
        E::post("/console/rights/{reference}/complete", Staff(WorkRightsRequests), rights_actions::complete),
        E::post("/console/rights/{reference}/refuse", Staff(WorkRightsRequests), rights_actions::refuse),
        E::post("/console/rights/{reference}/extend", Staff(WorkRightsRequests), rights_actions::extend),
        E::post("/console/rights/{reference}/note", Staff(WorkRightsRequests), rights_actions::add_note),
        E::get("/console/breaches", Staff(ManageBreaches), breaches::list_breaches),
    ]
}

/// The console's endpoints as (method, path, access), without handlers: for tests and docs.
pub fn endpoint_table() -> Vec<(Method, &'static str, Access)> {
    endpoints().into_iter().map(|e| (e.method, e.path, e.access)).collect()
}

/// The console router: every endpoint of the table behind its guard, with the console's
/// response headers.
pub fn router(state: AppState) -> Router<AppState> {
    let mut router = Router::new();
    for endpoint in endpoints() {
        let handler = match endpoint.access {
            Access::Public => endpoint.handler,
            Access::Staff(permission) => endpoint
                .handler
                .route_layer(from_fn_with_state(guard::Guard { state: state.clone(), permission }, guard::guard)),
        };
        router = router.route(endpoint.path, handler);
    }
    router.layer(from_fn(guard::console_headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_declared_once_and_only_the_login_page_is_public() {
        let table = endpoint_table();
        for (i, (method, path, access)) in table.iter().enumerate() {
            assert!(path.starts_with("/console"), "{path}");
            let twins = table.iter().filter(|(m, p, _)| m == method && p == path).count();
            assert_eq!(twins, 1, "{method} {path} is declared {twins} times (entry {i})");
            assert_eq!(*access == Access::Public, *path == "/console/login", "{method} {path}");
        }
    }
}
