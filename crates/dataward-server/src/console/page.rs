//! Rendering a console page for a signed-in staff member.
//!
//! `page(&session, template, context)` adds to the template's context:
//! - `staff`: `{ name, role, role_title }` of the signed-in member;
//! - `csrf_token`: the session's CSRF token, for `<input type="hidden" name="csrf_token"
//!   value="{{ csrf_token }}">` in every POST form;
//! - `nav`: the navigation links the member's role may follow (`NAV`).

use axum::response::Html;
use dataward_core::staff::Permission;
use minijinja::value::Serde;
use minijinja::{Value, context};
use serde::Serialize;

use super::session::StaffSession;
use crate::error::AppError;
use crate::pages::render_value;

/// One navigation link, shown to the roles holding its permission.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    #[serde(skip)]
    pub permission: Permission,
}

/// The console's navigation, in order. Add a line when adding a page others should find.
pub const NAV: &[NavItem] = &[
    NavItem { label: "Home", href: "/console", permission: Permission::UseConsole },
    NavItem { label: "Partners", href: "/console/partners", permission: Permission::ManagePartners },
    NavItem { label: "Batches", href: "/console/batches", permission: Permission::ViewBatches },
    NavItem { label: "Staff", href: "/console/staff", permission: Permission::ManageStaff },
    NavItem { label: "Rights requests", href: "/console/rights", permission: Permission::WorkRightsRequests },
    NavItem { label: "Breaches", href: "/console/breaches", permission: Permission::ManageBreaches },
];

/// The navigation links `session`'s role may follow.
pub fn nav_for(session: &StaffSession) -> Vec<NavItem> {
    NAV.iter().copied().filter(|item| session.allows(item.permission)).collect()
}

/// Renders a console page: `context` (any `Serialize`, e.g. `minijinja::context!{..}`) plus
/// `staff`, `csrf_token` and `nav`.
pub fn page(session: &StaffSession, template: &str, context: impl Serialize) -> Result<Html<String>, AppError> {
    let staff = context! {
        name => session.staff.name.clone(),
        role => session.role().as_str(),
        role_title => session.role().title(),
    };
    let frame = context! { staff => staff, csrf_token => session.csrf_token(), nav => Serde(nav_for(session)) };
    render_value(template, minijinja::value::merge_maps([frame, Value::from(Serde(&context))]))
}
