//! The recording of client requests on PostgreSQL in one statement.
//!
//! Written the portable way (`release_queue`), a batch of recordings is seven round trips to the
//! server: BEGIN, the requests, their ledger rows, taking the audit head, the audit entries, the
//! new head, COMMIT. At about a tenth of a millisecond each, plus the server's work per
//! statement, they were a third of a trace on PostgreSQL. A data-modifying `WITH` does the same
//! in one statement, which commits on its own:
//!
//! - the audit entries are chained in Rust onto the head this process last wrote (its number
//!   and hash, kept in [`AuditHead`]);
//! - the statement moves the head only if it is still that one (`WHERE seq = .. AND hash = ..`;
//!   under a concurrent append PostgreSQL re-checks that condition on the row it waited for);
//! - every insert reads the moved head, so a head moved meanwhile by anyone else (another
//!   process, or an ingest's or a rights request's own audit entry) leaves no row at all; the
//!   caller then writes the batch the portable way, which also learns the new head.
//!
//! Foreign keys are checked at the end of the statement, so a ledger row may name the request
//! inserted beside it; a duplicate request id fails the whole statement, as it fails the
//! transaction of the portable way.

use crate::StoreError;
use crate::audit::{AUDIT_COLUMNS, audit_rows, chain_after};
use crate::exec::Exec;
use crate::release_queue::{LEDGER_COLUMNS, REQUEST_COLUMNS, Recording, audit_entries, ledger_rows, request_rows};
use crate::sql::Val;

/// The audit head this process last wrote or read: the last entry's number and hash.
#[derive(Debug, Default)]
pub(crate) struct AuditHead(std::sync::Mutex<Option<(i64, String)>>);

impl AuditHead {
    pub(crate) fn get(&self) -> Option<(i64, String)> {
        self.0.lock().expect("audit head lock").clone()
    }

    pub(crate) fn set(&self, head: Option<(i64, String)>) {
        *self.0.lock().expect("audit head lock") = head;
    }
}

/// Writes `recordings` in one statement on `conn` (outside any transaction) if `head` is still
/// the audit head. Returns the new head, or `None` when nothing was written because the head
/// had moved.
///
/// The rows go as three JSON arrays read by `json_populate_recordset` into each table's own row
/// type, so the statement's text is the same for any batch: each connection prepares and plans
/// it once, where a `VALUES` list per batch size made a statement to prepare (and five custom
/// plans) per number of requests and ledger rows.
pub(crate) async fn write_in_one_statement(
    conn: &mut impl Exec,
    head: &(i64, String),
    recordings: &[Recording],
) -> Result<Option<(i64, String)>, StoreError> {
    let chained = chain_after(head.0, &head.1, &audit_entries(recordings)?);
    let Some(last) = chained.last() else { return Ok(None) };
    let new_head = (last.seq, last.hash.clone());
    let binds = vec![
        Val::Int(new_head.0),
        Val::Text(new_head.1.clone()),
        Val::Int(head.0),
        Val::Text(head.1.clone()),
        Val::Text(json_rows(REQUEST_COLUMNS, request_rows(recordings))?),
        Val::Text(json_rows(LEDGER_COLUMNS, ledger_rows(recordings))?),
        Val::Text(json_rows(AUDIT_COLUMNS, audit_rows(&chained))?),
    ];
    let moved = conn.rows(RECORD_SQL, binds, |r| r.int("moved")).await?;
    Ok((moved.first() == Some(&1)).then_some(new_head))
}

/// The statement of [`write_in_one_statement`]: `$1`-`$4` the new and the expected head, `$5`-`$7`
/// the rows of `client_requests`, `disclosures` and `audit_log` as JSON arrays of objects. A
/// column missing from the objects is inserted as NULL, not as its default: none of the three
/// tables has a default, and one added to them must be given here too.
const RECORD_SQL: &str = "WITH moved AS (
    UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = $3 AND hash = $4 RETURNING seq
), requests AS (
    INSERT INTO client_requests SELECT * FROM json_populate_recordset(NULL::client_requests, $5::json)
    WHERE EXISTS (SELECT 1 FROM moved)
), ledger AS (
    INSERT INTO disclosures SELECT * FROM json_populate_recordset(NULL::disclosures, $6::json)
    WHERE EXISTS (SELECT 1 FROM moved)
), entries AS (
    INSERT INTO audit_log SELECT * FROM json_populate_recordset(NULL::audit_log, $7::json)
    WHERE EXISTS (SELECT 1 FROM moved)
)
SELECT COUNT(*) AS moved FROM moved";

/// `rows` as a JSON array of objects keyed by `columns`.
fn json_rows(columns: &[&str], rows: Vec<Vec<Val>>) -> Result<String, StoreError> {
    use serde_json::Value;
    let mut objects = Vec::with_capacity(rows.len());
    for row in rows {
        let mut object = serde_json::Map::new();
        for (column, value) in columns.iter().zip(row) {
            let value = match value {
                Val::Text(s) => Value::String(s),
                Val::OptText(s) => s.map_or(Value::Null, Value::String),
                Val::Int(i) => Value::from(i),
                Val::Real(f) => Value::from(f),
                Val::Blob(_) | Val::OptBlob(_) => {
                    return Err(StoreError::Corrupt(format!("{column}: a recorded column is binary")));
                }
            };
            object.insert(column.to_string(), value);
        }
        objects.push(Value::Object(object));
    }
    Ok(Value::Array(objects).to_string())
}

#[cfg(test)]
mod tests {
    use crate::release::RequestRecord;
    use crate::release_queue::Recording;
    use crate::testing::fresh_store;
    use crate::{Backend, Store};

    #[test]
    fn rows_become_objects_keyed_by_column_with_nulls_and_numbers() {
        use crate::sql::Val;
        let rows = vec![vec![Val::Text("a\"b".into()), Val::OptText(None), Val::Int(7)]];
        let json = super::json_rows(&["id", "person_id", "seq"], rows).expect("no binary column");
        assert_eq!(json, r#"[{"id":"a\"b","person_id":null,"seq":7}]"#);
    }

    fn recording(id: &str, client_id: &str) -> Recording {
        let at = jiff::Timestamp::now();
        Recording {
            request: RequestRecord {
                id: id.into(),
                client_id: client_id.into(),
                kind: "trace".into(),
                purpose: "tracing".into(),
                at: at.to_string(),
                person_id: None,
                band: "no_match".into(),
            },
            decisions: "[]".into(),
            decision_count: 0,
            disclosures: Vec::new(),
            at,
        }
    }

    async fn head(store: &Store) -> (i64, String) {
        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&store.pool).await.expect("head")
    }

    async fn requests(store: &Store) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM client_requests").fetch_one(&store.pool).await.expect("count")
    }

    #[tokio::test]
    async fn a_recording_is_one_statement_on_the_current_head_and_nothing_on_a_stale_one() {
        if !crate::testing::backends().contains(&Backend::Postgres) {
            return;
        }
        let test = fresh_store(Backend::Postgres).await;
        let store = &test.store;
        let (client, _) = store
            .add_client("acme", &[dataward_core::taxonomy::purposes::TRACING], jiff::Timestamp::now())
            .await
            .expect("client");
        assert_eq!(store.releases.audit_head.get(), None, "nothing recorded yet");
        store.record_release(&recording("first", &client.id).request, &[], &[]).await.expect("first");
        let learned = store.releases.audit_head.get().expect("the portable write learns the head");
        assert_eq!(learned, head(store).await);

        let mut conn = store.pool.acquire().await.expect("conn");
        let stale = (learned.0 - 1, learned.1.clone());
        let written = super::write_in_one_statement(&mut *conn, &stale, &[recording("stale", &client.id)]).await;
        assert_eq!(written.expect("no error"), None);
        assert_eq!(requests(store).await, 1, "a stale head writes nothing");
        assert_eq!(head(store).await, learned, "and leaves the head alone");

        let batch = [recording("a", &client.id), recording("b", &client.id)];
        let moved = super::write_in_one_statement(&mut *conn, &learned, &batch).await.expect("written");
        let moved = moved.expect("the current head is moved");
        assert_eq!(moved.0, learned.0 + 2);
        assert_eq!(head(store).await, moved);
        assert_eq!(requests(store).await, 3);
        drop(conn);
        assert_eq!(store.verify_audit().await.expect("verify").first_break, None);
    }
}
