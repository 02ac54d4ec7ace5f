//! Rendering portal pages: a page at a status with the CSRF cookie, and the one-message page
//! used for errors (unknown link, expired form, used download).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dataward_core::profile::ResponsePeriod;
use minijinja::context;

use crate::error::AppError;
use crate::pages::render;

/// A page saying one thing, at `status`.
pub fn message(status: StatusCode, title: &str, text: &str) -> Result<Response, AppError> {
    Ok((status, render("rights/portal/message.html", context! { title => title, message => text })?).into_response())
}

/// The answer when a form's CSRF token is missing or wrong.
pub fn form_expired() -> Result<Response, AppError> {
    message(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "For your safety the form could not be accepted. Go back, reload the page and send it again.",
    )
}

/// The answer for a status link that names no request.
pub fn unknown_request() -> Result<Response, AppError> {
    message(
        StatusCode::NOT_FOUND,
        "We cannot find this request",
        "Check that you copied the whole address of your request's page.",
    )
}

/// The response period in words ("one calendar month", "28 days").
pub fn period_words(period: ResponsePeriod) -> String {
    match period {
        ResponsePeriod::CalendarMonth => "one calendar month".to_string(),
        ResponsePeriod::Days(days) => format!("{days} days"),
    }
}
