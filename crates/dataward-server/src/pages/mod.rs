//! Server-rendered HTML: the template environment and `render`.
//!
//! Templates are MiniJinja files under `crates/dataward-server/templates/`, compiled into the
//! binary (`include_str!`, listed once in `TEMPLATES`), so a deployment has no template directory
//! to lose. Every `.html` template is auto-escaped: a value put into a page is text, never markup.
//! Pages extend `base.html` (inline CSS, no scripts, no external assets).
//!
//! To add a page: put the file under `templates/`, add one line to `TEMPLATES`, and call
//! `render("dir/name.html", context)` (or `console::page` for console pages, which adds the
//! signed-in staff member, the navigation and the CSRF token).

use std::sync::LazyLock;

use axum::response::Html;
use minijinja::{Environment, Value};
use serde::Serialize;

use crate::error::AppError;

/// Every template: its name and its source, compiled in.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("console/login.html", include_str!("../../templates/console/login.html")),
    ("console/home.html", include_str!("../../templates/console/home.html")),
    ("console/forbidden.html", include_str!("../../templates/console/forbidden.html")),
    ("console/partners.html", include_str!("../../templates/console/partners.html")),
    ("console/batches.html", include_str!("../../templates/console/batches.html")),
    ("console/quarantine.html", include_str!("../../templates/console/quarantine.html")),
    ("console/staff.html", include_str!("../../templates/console/staff.html")),
    ("console/rights_queue.html", include_str!("../../templates/console/rights_queue.html")),
    ("console/rights_request.html", include_str!("../../templates/console/rights_request.html")),
    ("console/rights_new.html", include_str!("../../templates/console/rights_new.html")),
    ("console/rights_created.html", include_str!("../../templates/console/rights_created.html")),
    ("console/breaches.html", include_str!("../../templates/console/breaches.html")),
    ("rights/report_body.html", include_str!("../../templates/rights/report_body.html")),
    ("rights/portal/layout.html", include_str!("../../templates/rights/portal/layout.html")),
    ("rights/portal/start.html", include_str!("../../templates/rights/portal/start.html")),
    ("rights/portal/form.html", include_str!("../../templates/rights/portal/form.html")),
    ("rights/portal/status.html", include_str!("../../templates/rights/portal/status.html")),
    ("rights/portal/message.html", include_str!("../../templates/rights/portal/message.html")),
];

/// The environment holding every template, built once. A template that does not parse is a
/// programming error found by the `every_template_parses` test, so building panics on it.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Printing or looping over an undefined variable is an error, not an empty string, so a
    // misspelt field fails the page's test; `{% if maybe %}` stays allowed.
    env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).unwrap_or_else(|e| panic!("template {name} does not parse: {e:#}"));
    }
    env
});

/// Renders a template with a context (any `Serialize` value, e.g. `minijinja::context!{..}` or a
/// struct) into an HTML response body.
pub fn render(template: &str, context: impl Serialize) -> Result<Html<String>, AppError> {
    render_value(template, Value::from(minijinja::value::Serde(&context)))
}

/// `render` for a context that is already a MiniJinja value.
pub fn render_value(template: &str, context: Value) -> Result<Html<String>, AppError> {
    let template =
        ENVIRONMENT.get_template(template).map_err(|e| AppError::internal(TemplateError(format!("{e:#}"))))?;
    template.render(context).map(Html).map_err(|e| AppError::internal(TemplateError(format!("{e:#}"))))
}

/// A template that is missing or failed to render (reported as an opaque 500; logged in full).
#[derive(Debug, thiserror::Error)]
#[error("template error: {0}")]
struct TemplateError(String);

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    #[test]
    fn every_template_parses() {
        for (name, _) in TEMPLATES {
            assert!(ENVIRONMENT.get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn values_are_escaped_in_html_templates() {
        let page = render(
            "console/login.html",
            context! { error => "<b>bold</b>", login_csrf => "t\"x", name => "<script>alert(1)</script>", next => "" },
        )
        .unwrap()
        .0;
        assert!(page.contains("&lt;script&gt;alert(1)"), "{page}");
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains("&lt;b&gt;bold"));
        assert!(page.contains("value=\"t&quot;x\""));
    }

    #[test]
    fn a_missing_variable_or_template_is_an_internal_error_not_an_empty_page() {
        assert!(matches!(render("console/login.html", context! {}), Err(AppError::Internal(_))));
        assert!(matches!(render("no/such.html", context! {}), Err(AppError::Internal(_))));
    }
}
