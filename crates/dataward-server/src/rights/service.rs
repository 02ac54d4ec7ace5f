//! The rights service: what the portal, the DRP API and the console all do to a request.
//!
//! - `submit` records a request and, for remote intake, asks the requester to prove control of
//!   their contact with a one-time code sent through the outbox.
//! - `verify_code` checks the code, starts the clock and only then matches the requester to
//!   persons with the identity engine: a link-band match is acted on, a possible one waits for
//!   the DPO (`confirm_candidate`), none means nothing is held.
//! - `complete` carries the request out (report, export, rectification, erasure, flags), tells
//!   every recipient in the ledger when the law requires it (Art. 19), tells the requester, and
//!   closes the request. `refuse` and `extend` are the DPO's other answers.
//! - `record_verification` (a post or phone request checked another way), `resend_code`
//!   (throttled), `queue` (open requests in the order the law's deadlines demand).
//! - Downloads: `download_token` derives each export's link under the server secret, so the
//!   mail and the requester's status page carry the same one-time link.

use dataward_core::keys::Digest;
use dataward_core::linkage::Band;
use dataward_core::rights::flags::flag_change;
use dataward_core::rights::report::{AccessReport, Recipient, access_report};
use dataward_core::rights::{
    Contact, Event, ExtensionReason, RefusalReason, RequestKind, Requester, Status, queue_cmp,
};
use dataward_store::release::LedgerFilter;
use dataward_store::rights::audit_actor;
use dataward_store::rights::{CodeCheck, NewNotification, NewRightsRequest, StoredRequest};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::error::AppError;
use crate::state::AppState;

/// How long a one-time code stays valid.
pub const CODE_MINUTES: i64 = 30;
/// How long a download link stays valid.
pub const DOWNLOAD_DAYS: i64 = 7;

/// A recorded request and the status token only its requester is given.
pub struct Submitted {
    pub request: StoredRequest,
    pub status_token: String,
}

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Verified,
    WrongCode {
        attempts_left: i64,
    },
    /// Expired or used up: ask for a new code.
    CodeVoid,
    /// The request is not waiting for a code (already verified, closed...).
    NotAwaiting,
}

/// What completing a request did (no personal data), kept as the request's outcome.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Outcome {
    pub action: String,
    pub persons: usize,
    pub records_changed: usize,
    pub partners: Vec<String>,
    pub recipients_notified: Vec<String>,
    pub recipients_without_address: Vec<String>,
    pub downloads: Vec<String>,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A new unguessable token (256 bits, hex).
pub fn random_token() -> String {
    hex::encode(random_bytes::<32>())
}

/// A new six-digit code.
pub fn random_code() -> String {
    let n = u64::from_le_bytes(random_bytes::<8>()) % 1_000_000;
    format!("{n:06}")
}

/// The stored digest of a status or download token.
pub fn token_digest(state: &AppState, token: &str) -> Digest {
    state.store.indexer().digest("rights:token", token)
}

fn code_digest(state: &AppState, request_id: &str, code: &str) -> Digest {
    state.store.indexer().digest("rights:code", &format!("{request_id}:{}", code.trim()))
}

/// What a request of `kind` asks for, in words for the requester.
pub fn kind_title(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => "access to your data",
        RequestKind::Portability => "a copy of your data to take elsewhere",
        RequestKind::Rectification => "correction of your data",
        RequestKind::Erasure => "erasure of your data",
        RequestKind::Restriction => "restriction of processing",
        RequestKind::LiftRestriction => "lifting a restriction",
        RequestKind::Objection { .. } => "your objection",
        RequestKind::ConsentWithdrawal { .. } => "withdrawal of your consent",
    }
}

/// Records a request. Remote intake (`portal`, `api`) asks for a code at once; a request taken
/// by post or phone waits for the DPO to decide how identity is checked.
pub async fn submit(
    state: &AppState,
    kind: RequestKind,
    requester: &Requester,
    channel: &str,
    actor: &str,
) -> Result<Submitted, AppError> {
    let now = state.clock.now();
    let status_token = random_token();
    let new = NewRightsRequest {
        kind,
        channel,
        requester,
        status_token: token_digest(state, &status_token),
        period: state.profile.response_period,
    };
    let mut request = state.store.create_rights_request(&new, actor, now).await?;
    if matches!(channel, "portal" | "api") {
        request = state.store.transition_rights_request(&request.id, Event::RequireVerification, actor, now).await?;
        send_code(state, &request).await?;
    }
    tracing::info!(request = %request.reference(), kind = kind.as_str(), channel, "rights request received");
    Ok(Submitted { request, status_token })
}

/// Issues a fresh code and queues it to the requester's contact.
pub async fn send_code(state: &AppState, request: &StoredRequest) -> Result<(), AppError> {
    let now = state.clock.now();
    let code = random_code();
    let expires = now + SignedDuration::from_mins(CODE_MINUTES);
    state.store.set_rights_code(&request.id, &code_digest(state, &request.id, &code), expires).await?;
    let body = format!(
        "Your verification code for request {reference} is {code}.\n\n\
         Enter it on the request's page within {CODE_MINUTES} minutes. If you did not make this request, \
         ignore this message: nothing will be done.\n",
        reference = request.reference()
    );
    let subject = format!("Your verification code for request {}", request.reference());
    tell_requester(state, request, subject, body).await?;
    let contact = request.requester.contact();
    state
        .store
        .note_rights_request(&request.id, "code_sent", &serde_json::json!({ "to": contact.kind() }), "system", now)
        .await?;
    Ok(())
}

/// The shortest time between two codes sent to a requester, so that the portal's "send a new
/// code" button cannot be used to flood someone's inbox or phone.
pub const RESEND_AFTER_SECS: i64 = 60;

/// Sends a new code at the requester's asking: only while the request waits for one, and not
/// within `RESEND_AFTER_SECS` of the last. Returns whether a code was sent.
pub async fn resend_code(state: &AppState, request: &StoredRequest) -> Result<bool, AppError> {
    if request.request.status() != Status::AwaitingVerification {
        return Ok(false);
    }
    let now = state.clock.now();
    let history = state.store.rights_history(&request.id).await?;
    let last = history.iter().rev().find(|e| e.kind == "code_sent").and_then(|e| e.at.parse::<Timestamp>().ok());
    if last.is_some_and(|at| now.duration_since(at) < SignedDuration::from_secs(RESEND_AFTER_SECS)) {
        return Ok(false);
    }
    send_code(state, request).await?;
    Ok(true)
}

/// Checks a requester's code; on success starts the clock and matches the requester.
pub async fn verify_code(state: &AppState, request: &StoredRequest, code: &str) -> Result<Verification, AppError> {
    if request.request.status() != Status::AwaitingVerification {
        return Ok(Verification::NotAwaiting);
    }
    let now = state.clock.now();
    match state.store.check_rights_code(&request.id, &code_digest(state, &request.id, code), now).await? {
        CodeCheck::Wrong { attempts_left } => Ok(Verification::WrongCode { attempts_left }),
        CodeCheck::Void => Ok(Verification::CodeVoid),
        CodeCheck::Accepted => {
            let verified =
                state.store.transition_rights_request(&request.id, Event::Verified, "requester", now).await?;
            match_requester(state, &verified).await?;
            Ok(Verification::Verified)
        }
    }
}

/// The DPO records that the identity of a requester who wrote or phoned was checked another way
/// (no code needed): the clock keeps running from receipt, and the requester is matched.
pub async fn record_verification(state: &AppState, request: &StoredRequest, actor: &str) -> Result<(), AppError> {
    let now = state.clock.now();
    let verified = state.store.transition_rights_request(&request.id, Event::VerificationNotNeeded, actor, now).await?;
    match_requester(state, &verified).await
}

/// Open requests in queue order on `today`: overdue first, then due within 7 days, then the rest.
pub async fn queue(state: &AppState) -> Result<Vec<StoredRequest>, AppError> {
    let mut requests = state.store.open_rights_requests().await?;
    let today = state.today();
    requests.sort_by(|a, b| queue_cmp(&a.request, &b.request, today));
    Ok(requests)
}

/// Matches the requester to persons with the identity engine and records the result.
pub async fn match_requester(state: &AppState, request: &StoredRequest) -> Result<(), AppError> {
    let now = state.clock.now();
    let found = state.store.match_person(&request.requester.match_record(), &state.profile.linkage, now).await?;
    let (persons, band, candidate) = match found.band {
        Band::Link => (found.person_id.into_iter().collect::<Vec<_>>(), "link", None),
        Band::Possible => (vec![], "possible", found.possible_person_id),
        Band::NonMatch => (vec![], "no_match", None),
    };
    state.store.set_rights_match(&request.id, &persons, band, candidate.as_deref(), "system", now).await?;
    Ok(())
}

/// The DPO confirms (the person becomes the request's subject) or rejects a possible match.
pub async fn confirm_candidate(
    state: &AppState,
    request: &StoredRequest,
    accept: bool,
    actor: &str,
) -> Result<(), AppError> {
    let Some(candidate) = request.candidate_person.clone() else {
        return Err(AppError::InvalidRequest("this request has no possible match to confirm".into()));
    };
    let now = state.clock.now();
    let (persons, band) = if accept { (vec![candidate], "confirmed") } else { (vec![], "rejected") };
    state.store.set_rights_match(&request.id, &persons, band, None, actor, now).await?;
    Ok(())
}

/// The access report of the request's persons.
pub async fn report_for(state: &AppState, persons: &[String]) -> Result<AccessReport, AppError> {
    let mut held = Vec::new();
    let mut recipients = Vec::new();
    for person in persons {
        held.extend(state.store.held_facts(person).await?);
        let ledger =
            state.store.ledger(&LedgerFilter { person_id: Some(person.clone()), ..LedgerFilter::default() }).await?;
        recipients.extend(ledger.into_iter().map(|l| Recipient {
            client: l.client,
            purpose: l.purpose,
            category: l.category,
            at: l.at,
        }));
    }
    Ok(access_report(&state.profile, &held, &recipients))
}

/// The portability export: the values the person provided, as JSON and CSV.
async fn portability_export(state: &AppState, persons: &[String]) -> Result<(String, String), AppError> {
    let mut rows = Vec::new();
    for person in persons {
        for fact in state.store.held_facts(person).await? {
            rows.push(serde_json::json!({
                "field": fact.field, "value": fact.value, "source": fact.partner,
                "received_at": fact.received_at, "collected_on": fact.collected_on,
            }));
        }
    }
    let json =
        serde_json::to_string_pretty(&serde_json::json!({ "format": "dataward-portability-v1", "values": rows }))
            .map_err(AppError::internal)?;
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(["field", "value", "source", "received_at", "collected_on"]).map_err(AppError::internal)?;
    for r in &rows {
        let cell = |k: &str| r[k].as_str().unwrap_or("").to_string();
        csv.write_record([cell("field"), cell("value"), cell("source"), cell("received_at"), cell("collected_on")])
            .map_err(AppError::internal)?;
    }
    let csv = String::from_utf8(csv.into_inner().map_err(AppError::internal)?).map_err(AppError::internal)?;
    Ok((json, csv))
}

/// The download formats a completed request of `kind` offers, in the order they are mailed.
pub fn download_formats(kind: RequestKind) -> &'static [&'static str] {
    match kind {
        RequestKind::Access => &["html", "json"],
        RequestKind::Portability => &["json", "csv"],
        _ => &[],
    }
}

/// The download token of one of a request's exports: a keyed digest, under the server secret,
/// of the request id, the instant it was completed and the format. It is unguessable without the
/// secret, yet the status page (which knows the request and, once it is completed, when) can show
/// the same links the completion mail carries. A completion that failed half-way and is retried
/// later gets new tokens, so it never collides with its first attempt's downloads.
pub fn download_token(state: &AppState, request_id: &str, completed_at: Timestamp, format: &str) -> String {
    hex::encode(state.store.indexer().digest("rights:download", &format!("{request_id}:{completed_at}:{format}")))
}

/// The address of a download, under the deployment's public URL.
pub fn download_url(public_url: &str, token: &str) -> String {
    format!("{}/rights/download/{token}", public_url.trim_end_matches('/'))
}

/// Keeps `content` for one download; `now` is the completion's instant (see `download_token`).
async fn offer_download(
    state: &AppState,
    request: &StoredRequest,
    format: &str,
    content: &str,
    public_url: &str,
    now: Timestamp,
) -> Result<String, AppError> {
    let token = download_token(state, &request.id, now, format);
    let expires = now + SignedDuration::from_hours(24 * DOWNLOAD_DAYS);
    state.store.create_download(&request.id, &token_digest(state, &token), format, content, expires).await?;
    Ok(download_url(public_url, &token))
}

/// Art. 19 notices to every recipient of the persons' data, by email and/or webhook as each
/// client asked; returns (notified, without a notice address). A notice names the categories and
/// the client's own request ids that received them, never a personal value.
async fn notify_recipients(
    state: &AppState,
    request: &StoredRequest,
    recipients: &[dataward_store::clients::RecipientClient],
    what: &str,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    let mut notices = Vec::new();
    let mut notified = Vec::new();
    let mut without = Vec::new();
    let now = state.clock.now();
    for r in recipients {
        if r.notify_email.is_none() && r.notify_webhook.is_none() {
            without.push(r.client.clone());
            continue;
        }
        notified.push(r.client.clone());
        let subject = format!("Data-protection notice {}: {what}", request.reference());
        if let Some(address) = r.notify_email.clone() {
            notices.push(NewNotification {
                request_id: Some(request.id.clone()),
                recipient_kind: "client",
                recipient_id: Some(r.client_id.clone()),
                channel: "email",
                address,
                subject: subject.clone(),
                body: format!(
                    "Under UK GDPR Article 19 we tell you that data we disclosed to {client} about one data subject \
                     ({categories}) has been subject to {what} (our reference {reference}). Please apply the same to \
                     your copy. The data went out in answer to your requests {requests} (the x-request-id of each \
                     response); this notice carries no personal data.\n",
                    client = r.client,
                    categories = r.categories.join(", "),
                    reference = request.reference(),
                    requests = r.request_ids.join(", "),
                ),
            });
        }
        if let Some(url) = r.notify_webhook.clone() {
            let body = serde_json::json!({
                "type": "dataward.article_19_notice",
                "reference": request.reference(),
                "action": what,
                "client": r.client,
                "categories": r.categories,
                "your_request_ids": r.request_ids,
                "sent_at": now.to_string(),
            });
            notices.push(NewNotification {
                request_id: Some(request.id.clone()),
                recipient_kind: "client",
                recipient_id: Some(r.client_id.clone()),
                channel: "webhook",
                address: url,
                subject,
                body: body.to_string(),
            });
        }
    }
    state.store.enqueue_notifications(&notices, now).await?;
    Ok((notified, without))
}

async fn tell_requester(
    state: &AppState,
    request: &StoredRequest,
    subject: String,
    body: String,
) -> Result<(), AppError> {
    let contact = request.requester.contact();
    let n = NewNotification {
        request_id: Some(request.id.clone()),
        recipient_kind: "requester",
        recipient_id: None,
        channel: if matches!(contact, Contact::Email(_)) { "email" } else { "sms" },
        address: contact.value().to_string(),
        subject,
        body,
    };
    state.store.enqueue_notifications(&[n], state.clock.now()).await?;
    Ok(())
}

/// Carries the request out and closes it.
pub async fn complete(
    state: &AppState,
    request: &StoredRequest,
    actor: &str,
    public_url: &str,
    render_report: impl Fn(&AccessReport, &StoredRequest) -> Result<String, AppError>,
) -> Result<Outcome, AppError> {
    if !matches!(request.request.status(), Status::InProgress | Status::Extended) {
        return Err(AppError::InvalidRequest(format!(
            "request {} is {}: only a request in progress can be completed",
            request.reference(),
            request.request.status()
        )));
    }
    if request.candidate_person.is_some() {
        return Err(AppError::InvalidRequest(
            "confirm or reject the possible match first: a possible match is never acted on".into(),
        ));
    }
    let now = state.clock.now();
    let persons = request.person_ids.clone();
    let kind = request.request.kind();
    let mut outcome = Outcome { action: kind.as_str().into(), persons: persons.len(), ..Outcome::default() };
    let mut message = format!("We have completed your request {} for {}.\n\n", request.reference(), kind_title(kind));
    match kind {
        RequestKind::Access => {
            let report = report_for(state, &persons).await?;
            let html = render_report(&report, request)?;
            let json = serde_json::to_string_pretty(&report).map_err(AppError::internal)?;
            let html_link = offer_download(state, request, "html", &html, public_url, now).await?;
            let json_link = offer_download(state, request, "json", &json, public_url, now).await?;
            message += &format!(
                "Your report (a page you can print or save):\n{html_link}\n\nThe same as JSON:\n{json_link}\n\n\
                 Each link works once and for {DOWNLOAD_DAYS} days.\n"
            );
            outcome.downloads = vec!["html".into(), "json".into()];
        }
        RequestKind::Portability => {
            let (json, csv) = portability_export(state, &persons).await?;
            let json_link = offer_download(state, request, "json", &json, public_url, now).await?;
            let csv_link = offer_download(state, request, "csv", &csv, public_url, now).await?;
            message += &format!(
                "Your data as JSON:\n{json_link}\n\nAs CSV:\n{csv_link}\n\nEach link works once and for {DOWNLOAD_DAYS} days.\n"
            );
            outcome.downloads = vec!["json".into(), "csv".into()];
        }
        RequestKind::Rectification => {
            let recipients = state.store.recipients_of(&persons).await?;
            let summary =
                state.store.rectify_persons(&persons, &request.requester.corrections, audit_actor(actor), now).await?;
            outcome.records_changed = summary.fields.iter().map(|(_, n)| n).sum();
            outcome.partners = summary.partners;
            (outcome.recipients_notified, outcome.recipients_without_address) =
                notify_recipients(state, request, &recipients, "rectification").await?;
            message += "The corrections you gave now apply to every copy we hold.\n";
        }
        RequestKind::Erasure => {
            let recipients = state.store.recipients_of(&persons).await?;
            let summary = state.store.erase_persons(&persons, audit_actor(actor), now).await?;
            outcome.records_changed = summary.records;
            outcome.partners = summary.partners;
            (outcome.recipients_notified, outcome.recipients_without_address) =
                notify_recipients(state, request, &recipients, "erasure").await?;
            message += "Your data has been erased from every source, and we keep a one-way code of your contact \
                        details so that it is not loaded again.\n";
        }
        RequestKind::Restriction
        | RequestKind::LiftRestriction
        | RequestKind::Objection { .. }
        | RequestKind::ConsentWithdrawal { .. } => {
            let recipients = state.store.recipients_of(&persons).await?;
            outcome.records_changed = state
                .store
                .change_subject_flags(&persons, &flag_change(kind), &request.id, audit_actor(actor), now)
                .await?;
            if kind == RequestKind::Restriction {
                (outcome.recipients_notified, outcome.recipients_without_address) =
                    notify_recipients(state, request, &recipients, "restriction of processing").await?;
            }
            message += "This applies from now on to every use of your data.\n";
        }
    }
    if persons.is_empty() {
        message += "\nWe found no data about you matching the details you gave.\n";
    }
    let detail = serde_json::to_value(&outcome).map_err(AppError::internal)?;
    state.store.note_rights_request(&request.id, "carried_out", &detail, actor, now).await?;
    tell_requester(state, request, format!("Your request {} is complete", request.reference()), message).await?;
    state.store.transition_rights_request(&request.id, Event::Complete, actor, now).await?;
    tracing::info!(request = %request.reference(), action = kind.as_str(), records = outcome.records_changed, "rights request completed");
    Ok(outcome)
}

/// Refuses a request with a lawful reason and tells the requester.
pub async fn refuse(
    state: &AppState,
    request: &StoredRequest,
    reason: RefusalReason,
    actor: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    state.store.transition_rights_request(&request.id, Event::Refuse { reason }, actor, now).await?;
    let body = format!(
        "We cannot act on your request {} ({}). You may complain to the Information Commissioner's Office \
         (ico.org.uk/make-a-complaint, 0303 123 1113) or seek a judicial remedy.\n",
        request.reference(),
        reason.as_str().replace('_', " ")
    );
    tell_requester(state, request, format!("Your request {}", request.reference()), body).await
}

/// Extends the deadline (with the reason the requester is told) and sends the notice at once.
pub async fn extend(
    state: &AppState,
    request: &StoredRequest,
    months: u8,
    reason: ExtensionReason,
    actor: &str,
) -> Result<(), AppError> {
    let now = state.clock.now();
    let explanation = reason.explanation.clone();
    let extended =
        state.store.transition_rights_request(&request.id, Event::Extend { months, reason }, actor, now).await?;
    let due = extended.request.due_on().map(|d| d.to_string()).unwrap_or_default();
    let due = extended.request.extension().map(|e| e.extended_due.to_string()).unwrap_or(due);
    let body = format!(
        "We need more time to answer your request {}: {explanation}\nWe will answer by {due}. You may complain to the \
         Information Commissioner's Office (ico.org.uk/make-a-complaint).\n",
        request.reference()
    );
    tell_requester(state, request, format!("Your request {}: more time needed", request.reference()), body).await?;
    state.store.transition_rights_request(&request.id, Event::ExtensionNoticeSent, actor, now).await?;
    Ok(())
}
