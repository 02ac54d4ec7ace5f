//! `GET /console`: what the signed-in staff member can do, with links to the pages that exist.

use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::page::{NAV, page};
use super::session::StaffSession;
use crate::error::AppError;

#[derive(Serialize)]
struct Ability {
    label: &'static str,
    href: Option<&'static str>,
}

/// `GET /console`.
pub async fn show_home(session: StaffSession) -> Result<Html<String>, AppError> {
    let abilities: Vec<Ability> = session
        .role()
        .permissions()
        .into_iter()
        .map(|p| Ability {
            label: p.describe(),
            href: NAV.iter().find(|item| item.permission == p && item.href != "/console").map(|item| item.href),
        })
        .collect();
    let expires = session.expires_at.strftime("%Y-%m-%d %H:%M UTC").to_string();
    page(&session, "console/home.html", context! { abilities => Serde(abilities), session_expires_at => expires })
}
