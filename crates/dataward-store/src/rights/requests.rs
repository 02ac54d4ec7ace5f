//! Stored rights requests. A request row holds what is queried (status, due date) and the
//! requester's details through the codec; its state is always rebuilt by replaying its recorded
//! transitions through the core state machine, so the stored status can never drift from the law
//! the core encodes. Every transition and every action is a numbered event with its actor.

use dataward_core::keys::Digest;
use dataward_core::profile::ResponsePeriod;
use dataward_core::rights::{Event, Request, RequestId, RequestKind, Requester, apply, replay};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::store::new_id;
use crate::{Store, StoreError};

/// A request to record.
pub struct NewRightsRequest<'a> {
    pub kind: RequestKind,
    /// `portal`, `api`, `post`, `phone` or `email`.
    pub channel: &'a str,
    pub requester: &'a Requester,
    /// Digest of the requester's status token (the token itself is only ever given to them).
    pub status_token: Digest,
    pub period: ResponsePeriod,
}

/// A stored request, rebuilt from its history.
#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub id: String,
    pub request: Request,
    pub channel: String,
    pub requester: Requester,
    /// Persons the request acts on (confirmed link-band matches).
    pub person_ids: Vec<String>,
    /// `link`, `possible` or `no_match`, once matched.
    pub match_band: Option<String>,
    /// A possible-band person waiting for the DPO to confirm or reject.
    pub candidate_person: Option<String>,
}

impl StoredRequest {
    /// The reference shown to requesters and staff (e.g. `R000042`).
    pub fn reference(&self) -> String {
        self.request.id().to_string()
    }
}

/// One entry of a request's audit trail (no personal data in `detail`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RightsEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `transition` for state changes (detail is the core `Event`), else an action name.
    pub kind: String,
    pub detail: serde_json::Value,
}

fn period_text(period: ResponsePeriod) -> String {
    match period {
        ResponsePeriod::CalendarMonth => "calendar_month".into(),
        ResponsePeriod::Days(d) => format!("days:{d}"),
    }
}

fn parse_period(text: &str) -> Result<ResponsePeriod, StoreError> {
    match text {
        "calendar_month" => Ok(ResponsePeriod::CalendarMonth),
        _ => text
            .strip_prefix("days:")
            .and_then(|d| d.parse().ok())
            .map(ResponsePeriod::Days)
            .ok_or_else(|| StoreError::Corrupt(format!("response period `{text}`"))),
    }
}

const COLUMNS: &str =
    "id, number, kind, period, channel, received_at, requester, person_ids, match_band, candidate_person";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The data key sealing requesters' details (`scope_keys`); each request's details carry
/// their own associated data, so they do not open as another request's.
const REQUESTS_SCOPE: &str = "rights-requests";

fn sealed_as(request_id: &str) -> String {
    format!("rights-request:{request_id}")
}

pub(crate) async fn insert_event(
    conn: &mut AnyConnection,
    request_id: &str,
    actor: &str,
    kind: &str,
    detail: &serde_json::Value,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO rights_events (request_id, seq, at, actor, kind, detail)
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM rights_events WHERE request_id = $1",
    )
    .bind(request_id)
    .bind(now.to_string())
    .bind(actor)
    .bind(kind)
    .bind(detail.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    async fn rebuild(&self, conn: &mut AnyConnection, row: &AnyRow) -> Result<StoredRequest, StoreError> {
        let id: String = row.try_get("id")?;
        let number: i64 = row.try_get("number")?;
        let kind: RequestKind = serde_json::from_str(&row.try_get::<String, _>("kind")?).map_err(corrupt)?;
        let period = parse_period(&row.try_get::<String, _>("period")?)?;
        let received_at: Timestamp = row.try_get::<String, _>("received_at")?.parse().map_err(corrupt)?;
        let events = sqlx::query(
            "SELECT at, detail FROM rights_events WHERE request_id = $1 AND kind = 'transition' ORDER BY seq",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?;
        let events = events
            .iter()
            .map(|e| {
                let at: Timestamp = e.try_get::<String, _>("at")?.parse().map_err(corrupt)?;
                let event: Event = serde_json::from_str(&e.try_get::<String, _>("detail")?).map_err(corrupt)?;
                Ok((event, at))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let request = replay(RequestId(number as u64), kind, period, received_at, events)?;
        let stored: Vec<u8> = row.try_get("requester")?;
        let key = self.existing_scope_key(conn, REQUESTS_SCOPE).await?;
        let requester: Requester = serde_json::from_str(&crate::codec::decode(key.as_ref(), &sealed_as(&id), &stored)?)
            .map_err(|e| StoreError::Codec(e.to_string()))?;
        let person_ids: Vec<String> =
            serde_json::from_str(&row.try_get::<String, _>("person_ids")?).map_err(corrupt)?;
        Ok(StoredRequest {
            id,
            request,
            channel: row.try_get("channel")?,
            requester,
            person_ids,
            match_band: row.try_get("match_band")?,
            candidate_person: row.try_get("candidate_person")?,
        })
    }

    /// Records a new request as received, with its first history entry.
    pub async fn create_rights_request(
        &self,
        new: &NewRightsRequest<'_>,
        actor: &str,
        now: Timestamp,
    ) -> Result<StoredRequest, StoreError> {
        let id = new_id();
        let contact = new.requester.contact();
        let contact_hash = self.indexer.digest("rights:contact", contact.value());
        let requester = serde_json::to_string(new.requester).map_err(|e| StoreError::Codec(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let requests_key = self.scope_key(&mut tx, REQUESTS_SCOPE).await?;
        // Numbers are the public reference; the unique constraint settles any race.
        let (number,): (i64,) =
            sqlx::query_as("SELECT COALESCE(MAX(number), 0) + 1 FROM rights_requests").fetch_one(&mut *tx).await?;
        let request = Request::receive(RequestId(number as u64), new.kind, new.period, now);
        sqlx::query(
            "INSERT INTO rights_requests (id, number, kind, kind_name, period, channel, status, due_on, received_at,
                updated_at, requester, contact_kind, contact_hash, status_token_hash, person_ids)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '[]')",
        )
        .bind(&id)
        .bind(number)
        .bind(serde_json::to_string(&new.kind).map_err(corrupt)?)
        .bind(new.kind.as_str())
        .bind(period_text(new.period))
        .bind(new.channel)
        .bind(request.status().as_str())
        .bind(request.due_on().map(|d| d.to_string()))
        .bind(now.to_string())
        .bind(now.to_string())
        .bind(crate::codec::encode(&requests_key, &sealed_as(&id), &requester))
        .bind(contact.kind())
        .bind(contact_hash.to_vec())
        .bind(new.status_token.to_vec())
        .execute(&mut *tx)
        .await?;
        let detail = serde_json::json!({ "kind": new.kind, "channel": new.channel });
        insert_event(&mut tx, &id, actor, "received", &detail, now).await?;
        tx.commit().await?;
        Ok(StoredRequest {
            id,
            request,
            channel: new.channel.to_string(),
            requester: new.requester.clone(),
            person_ids: vec![],
            match_band: None,
            candidate_person: None,
        })
    }

    /// A request by id.
    pub async fn rights_request(&self, id: &str) -> Result<Option<StoredRequest>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {COLUMNS} FROM rights_requests WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
        match row {
            Some(row) => Ok(Some(self.rebuild(&mut conn, &row).await?)),
            None => Ok(None),
        }
    }

    /// A request by its public reference (`R000042`) or id.
    pub async fn rights_request_by_reference(&self, reference: &str) -> Result<Option<StoredRequest>, StoreError> {
        let number = reference.trim().trim_start_matches(['R', 'r']).parse::<i64>().ok();
        let Some(number) = number else { return self.rights_request(reference).await };
        let id: Option<(String,)> = sqlx::query_as("SELECT id FROM rights_requests WHERE number = $1")
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        match id {
            Some((id,)) => self.rights_request(&id).await,
            None => Ok(None),
        }
    }

    /// The request a requester's status token belongs to.
    pub async fn rights_request_by_token(&self, token: &Digest) -> Result<Option<StoredRequest>, StoreError> {
        let id: Option<(String,)> = sqlx::query_as("SELECT id FROM rights_requests WHERE status_token_hash = $1")
            .bind(token.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        match id {
            Some((id,)) => self.rights_request(&id).await,
            None => Ok(None),
        }
    }

    /// Requests not yet closed (callers sort them with `rights::sort_queue`).
    pub async fn open_rights_requests(&self) -> Result<Vec<StoredRequest>, StoreError> {
        self.rights_requests_where("status NOT IN ('completed', 'refused', 'revoked', 'expired')").await
    }

    /// Every request, newest first.
    pub async fn all_rights_requests(&self) -> Result<Vec<StoredRequest>, StoreError> {
        self.rights_requests_where("1 = 1").await
    }

    async fn rights_requests_where(&self, condition: &'static str) -> Result<Vec<StoredRequest>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let sql = format!("SELECT {COLUMNS} FROM rights_requests WHERE {condition} ORDER BY number DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *conn).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.rebuild(&mut conn, row).await?);
        }
        Ok(out)
    }

    /// The request's audit trail, oldest first.
    pub async fn rights_history(&self, id: &str) -> Result<Vec<RightsEvent>, StoreError> {
        let rows =
            sqlx::query("SELECT seq, at, actor, kind, detail FROM rights_events WHERE request_id = $1 ORDER BY seq")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(RightsEvent {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    kind: r.try_get("kind")?,
                    detail: serde_json::from_str(&r.try_get::<String, _>("detail")?).map_err(corrupt)?,
                })
            })
            .collect()
    }

    /// Applies a state-machine event (refused by the core when the law does not allow it) and
    /// records it; returns the request as it now stands.
    pub async fn transition_rights_request(
        &self,
        id: &str,
        event: Event,
        actor: &str,
        now: Timestamp,
    ) -> Result<StoredRequest, StoreError> {
        let current =
            self.rights_request(id).await?.ok_or(StoreError::NotFound { what: "rights request", name: id.into() })?;
        let next = apply(&current.request, event.clone(), now)?;
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE rights_requests SET status = $1, due_on = $2, updated_at = $3 WHERE id = $4 AND updated_at = $5",
        )
        .bind(next.request.status().as_str())
        .bind(next.request.due_on().map(|d| d.to_string()))
        .bind(now.to_string())
        .bind(id)
        .bind(current.request.updated_at().to_string())
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Corrupt(format!("request {id} changed while this action was applied; retry")));
        }
        let detail = serde_json::to_value(&event).map_err(corrupt)?;
        insert_event(&mut tx, id, actor, "transition", &detail, now).await?;
        let audit = serde_json::json!({ "reference": current.reference(), "by": actor, "event": detail,
            "status": next.request.status().as_str() });
        crate::audit::record(&mut tx, super::audit_actor(actor), "rights_transition", id, audit, now).await?;
        tx.commit().await?;
        // The core already computed the new state; replaying the history again would give the same.
        Ok(StoredRequest { request: next.request, ..current })
    }

    /// Records an action on a request (no state change): a code sent, a match, an erasure...
    pub async fn note_rights_request(
        &self,
        id: &str,
        kind: &str,
        detail: &serde_json::Value,
        actor: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        insert_event(&mut conn, id, actor, kind, detail, now).await
    }

    /// Records who the request is about: confirmed persons, the band, and a possible-band
    /// candidate for the DPO (never acted on until confirmed).
    pub async fn set_rights_match(
        &self,
        id: &str,
        persons: &[String],
        band: &str,
        candidate: Option<&str>,
        actor: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE rights_requests SET person_ids = $1, match_band = $2, candidate_person = $3 WHERE id = $4")
            .bind(serde_json::to_string(persons).map_err(corrupt)?)
            .bind(band)
            .bind(candidate)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "band": band, "persons": persons, "candidate": candidate });
        insert_event(&mut tx, id, actor, "matched", &detail, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
