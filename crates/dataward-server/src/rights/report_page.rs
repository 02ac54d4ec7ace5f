//! The access report as a readable page (print-ready, no scripts, no external assets), rendered
//! with MiniJinja from a template compiled in; every value is auto-escaped. The report's content
//! (`report_body.html`) is shared with the DPO's preview in the console.

use dataward_core::rights::report::AccessReport;
use dataward_store::rights::StoredRequest;
use minijinja::{Environment, context};

use crate::error::AppError;

const TEMPLATE: &str = include_str!("../../templates/rights/report.html");
const BODY: &str = include_str!("../../templates/rights/report_body.html");

/// Renders the report of `request`, prepared on `prepared` (a date).
pub fn render_report(report: &AccessReport, request: &StoredRequest, prepared: &str) -> Result<String, AppError> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("report.html", TEMPLATE).map_err(AppError::internal)?;
    env.add_template("rights/report_body.html", BODY).map_err(AppError::internal)?;
    let template = env.get_template("report.html").map_err(AppError::internal)?;
    template
        .render(context! { report => minijinja::Value::from(minijinja::value::Serde(report)), reference => request.reference(), prepared => prepared })
        .map_err(AppError::internal)
}
