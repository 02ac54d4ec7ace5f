//! The OpenAPI document, generated from the handlers' annotations and served at
//! `GET /openapi.json`.

use std::sync::LazyLock;

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::batch_api;
use crate::client_api::{self, Explanation, Sources, SubjectRequest};
use crate::error::Problem;
use crate::health::{self, Health, Version};
use crate::partner_files::{self, Batch, BatchList, QuarantineReport, QuarantinedRow, UploadMode, UploadSummary};
use crate::release::{FieldCheck, ReleasedValue, Subject, TraceAnswer, VerifyAnswer, Withheld};
use crate::rights::drp_api::{self, CorrectionClaim, DrpStatusAnswer, DrpSubmit, DrpVerify, IdentityClaims};
use crate::screen_api::{self, ScreenAnswer, ScreenRequest, ScreenRow, ScreenedRow};
use crate::selection_api::{self, SelectedPerson, SelectionCount, SelectionExtract, SelectionRequest};
use crate::state::AppState;

/// The name of the bearer security scheme partners authenticate with.
pub const PARTNER_KEY_SCHEME: &str = "partner_key";
/// The name of the bearer security scheme clients authenticate with.
pub const CLIENT_KEY_SCHEME: &str = "client_key";

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "dataward",
        description = "HTTP API of dataward, a UK personal-data custodian. Errors are RFC 9457 problem details."
    ),
    paths(
        health::health,
        health::version,
        openapi_json,
        partner_files::upload,
        partner_files::list_batches,
        partner_files::batch_quarantine,
        client_api::verify,
        client_api::trace,
        client_api::explain,
        client_api::sources,
        screen_api::screen,
        batch_api::submit,
        batch_api::status,
        batch_api::result,
        selection_api::count,
        selection_api::extract,
        drp_api::submit,
        drp_api::status,
        drp_api::verify,
        drp_api::revoke,
    ),
    components(schemas(Problem, Health, Version, UploadMode, UploadSummary, Batch, BatchList, QuarantinedRow, QuarantineReport,
        SubjectRequest, Subject, VerifyAnswer, FieldCheck, TraceAnswer, ReleasedValue, Withheld, Explanation, Sources,
        ScreenRequest, ScreenRow, ScreenAnswer, ScreenedRow, SelectionRequest, SelectionCount, SelectionExtract, SelectedPerson,
        DrpSubmit, IdentityClaims, CorrectionClaim, DrpStatusAnswer, DrpVerify)),
    modifiers(&BearerScheme),
    tags(
        (name = "service", description = "Health, version and this document"),
        (name = "partner", description = "Partners send their files and read back what happened to them"),
        (name = "rights", description = "Data subjects (or their agents) exercise their rights: Data Rights Protocol shaped"),
        (name = "client", description = "Clients verify and trace persons for a contracted purpose; every release is in the ledger"),
    )
)]
pub struct ApiDoc;

/// Declares the partner API key as an HTTP bearer scheme.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("dwp_<12 hex>_<48 hex>")
            .description(Some("A partner API key, issued once when the partner is registered"))
            .build();
        components.add_security_scheme(PARTNER_KEY_SCHEME, SecurityScheme::Http(scheme));
        let client = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("dwc_<12 hex>_<48 hex>")
            .description(Some("A client API key, issued once when the client is registered"))
            .build();
        components.add_security_scheme(CLIENT_KEY_SCHEME, SecurityScheme::Http(client));
    }
}

static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(openapi_json))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
pub(crate) async fn openapi_json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(&DOCUMENT)
}
