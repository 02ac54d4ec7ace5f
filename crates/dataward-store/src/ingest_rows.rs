//! The rows a batch's linked records are stored as, built beside their insertion.
//!
//! Once a chunk of records is linked, each record becomes a source record, a wrapped data key,
//! a sealed value per field (with a keyed digest for exact lookups), a sealed matching form,
//! selection facets and blocking keys: about forty rows, a dozen of them encrypted. Building
//! them took a fifth of a load's time and inserting them two thirds, one after the other. So a
//! blocking thread builds the rows in small groups of records ([`spawn_builder`]) while the
//! batch's connection inserts the groups already built ([`RowGroup::insert`]). Groups arrive in
//! record order, each with its source records first, so foreign keys hold at every statement.

use dataward_core::linkage::MatchRecord;
use dataward_core::record::CleanRecord;
use dataward_core::selection::facets_of;
use tokio::sync::mpsc;

use crate::exec::Exec;
use crate::ingest_tx::LOOKUP_FIELDS;
use crate::linkage::candidates::unique_keys;
use crate::sql::{OnFailure, Val, insert_rows_undoing};
use crate::{Backend, Store, StoreError};

/// Records per group: small enough that the first group's building, which nothing hides, is
/// short; large enough that each statement still inserts hundreds of rows.
const GROUP_RECORDS: usize = 500;
/// Groups built ahead of the insertion (bounds the memory held by the builder).
const GROUPS_AHEAD: usize = 2;

/// A table's name, its columns and the rows to insert into it.
type TableRows = (&'static str, &'static [&'static str], Vec<Vec<Val>>);

/// A linked record, ready to be stored.
pub(crate) struct LinkedRecord {
    pub record_id: String,
    pub person_id: String,
    pub line: u64,
    pub record: CleanRecord,
    pub form: MatchRecord,
    /// Its index keys under the server secret, unsorted and possibly repeated.
    pub block_keys: Vec<i64>,
}

/// What every record of the batch shares.
#[derive(Clone)]
pub(crate) struct BatchContext {
    pub store: Store,
    pub partner_id: String,
    pub batch_id: String,
    pub received_at: String,
}

/// The rows of a group of records, table by table.
#[derive(Default)]
pub(crate) struct RowGroup {
    sources: Vec<Vec<Val>>,
    record_keys: Vec<Vec<Val>>,
    values: Vec<Vec<Val>>,
    forms: Vec<Vec<Val>>,
    facets: Vec<Vec<Val>>,
    keys: Vec<Vec<Val>>,
}

impl RowGroup {
    /// The rows of `records`: each record's values and matching form sealed under a new data
    /// key of its own, which is stored wrapped under the master key.
    pub(crate) fn build(context: &BatchContext, records: &[LinkedRecord]) -> RowGroup {
        let store = &context.store;
        let indexer = &store.indexer;
        let mut group = RowGroup::default();
        for r in records {
            let (record_id, person_id, record) = (&r.record_id, &r.person_id, &r.record);
            group.sources.push(vec![
                Val::Text(record_id.clone()),
                Val::Text(person_id.clone()),
                Val::Text(context.partner_id.clone()),
                Val::Text(context.batch_id.clone()),
                Val::Int(r.line as i64),
                Val::OptText(record.partner_record_id.clone()),
                Val::Int(i64::from(record.email_marketing_consent)),
                Val::OptText(record.collected_on.map(|d| d.to_string())),
                Val::Text(context.received_at.clone()),
            ]);
            let (data_key, wrapped) = store.new_record_key(record_id);
            group.record_keys.push(vec![
                Val::Text(record_id.clone()),
                Val::Text(person_id.clone()),
                Val::Blob(wrapped),
                Val::Text(store.master.id().to_string()),
            ]);
            for v in record.values() {
                let field = v.field.name();
                let category = v.field.category().map(|c| c.as_str()).unwrap_or("provenance");
                let hash = LOOKUP_FIELDS
                    .contains(&field.as_str())
                    .then(|| indexer.digest(&format!("value:{field}"), &v.value).to_vec());
                group.values.push(vec![
                    Val::Text(person_id.clone()),
                    Val::Text(record_id.clone()),
                    Val::Text(field),
                    Val::Text(category.to_string()),
                    Val::Blob(crate::codec::encode(&data_key, record_id, &v.value)),
                    Val::OptBlob(hash),
                ]);
            }
            for (name, value) in facets_of(record) {
                group.facets.push(vec![
                    Val::Blob(indexer.digest(&format!("facet:{name}"), &value).to_vec()),
                    Val::Text(person_id.clone()),
                    Val::Text(record_id.clone()),
                ]);
            }
            group.forms.push(vec![
                Val::Text(record_id.clone()),
                Val::Text(person_id.clone()),
                Val::Text(context.partner_id.clone()),
                Val::Blob(crate::codec::encode(&data_key, record_id, &r.form.to_stored())),
            ]);
            for k in unique_keys(&r.block_keys) {
                group.keys.push(vec![Val::Int(k), Val::Text(record_id.clone()), Val::Text(person_id.clone())]);
            }
        }
        group
    }

    /// Inserts the group on the batch's connection, source records first. Any failure abandons
    /// the batch (`OnFailure::RollBackTransaction`).
    pub(crate) async fn insert(self, backend: Backend, conn: &mut impl Exec) -> Result<(), StoreError> {
        let all = OnFailure::RollBackTransaction;
        let tables: [TableRows; 6] = [
            (
                "source_records",
                &[
                    "id",
                    "person_id",
                    "partner_id",
                    "batch_id",
                    "line_no",
                    "partner_record_id",
                    "email_consent",
                    "collected_on",
                    "received_at",
                ],
                self.sources,
            ),
            ("record_keys", &["source_record_id", "person_id", "wrapped", "master_key_id"], self.record_keys),
            (
                "record_values",
                &["person_id", "source_record_id", "field", "category", "value", "value_hash"],
                self.values,
            ),
            ("match_records", &["source_record_id", "person_id", "partner_id", "form"], self.forms),
            ("selection_facets", &["facet_hash", "person_id", "source_record_id"], self.facets),
            ("blocking_keys", &["block_key", "source_record_id", "person_id"], self.keys),
        ];
        for (table, columns, rows) in tables {
            insert_rows_undoing(backend, all, conn, table, columns, rows).await?;
        }
        Ok(())
    }
}

/// The rows of `records`, built on a blocking thread one group at a time and received in
/// record order; the channel closes after the last group. The builder stops early when the
/// receiver is dropped (the batch failed).
pub(crate) fn spawn_builder(
    context: BatchContext,
    records: Vec<LinkedRecord>,
) -> (mpsc::Receiver<RowGroup>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(GROUPS_AHEAD);
    let builder = tokio::task::spawn_blocking(move || {
        for group in records.chunks(GROUP_RECORDS) {
            if tx.blocking_send(RowGroup::build(&context, group)).is_err() {
                return;
            }
        }
    });
    (rx, builder)
}

/// Builds and inserts the rows of `records`, the building of each group overlapping the
/// insertion of the one before.
pub(crate) async fn store_linked(
    context: BatchContext,
    conn: &mut impl Exec,
    records: Vec<LinkedRecord>,
) -> Result<(), StoreError> {
    let backend = context.store.backend;
    let groups = records.len().div_ceil(GROUP_RECORDS);
    let (mut rx, builder) = spawn_builder(context, records);
    let mut inserted = 0;
    while let Some(group) = rx.recv().await {
        group.insert(backend, conn).await?;
        inserted += 1;
    }
    // The channel also closes if the builder panicked: that must fail the batch, not shorten it.
    builder.await.map_err(|e| StoreError::Corrupt(format!("building a batch's rows failed: {e}")))?;
    if inserted != groups {
        return Err(StoreError::Corrupt(format!("built {inserted} of {groups} groups of a batch's rows")));
    }
    Ok(())
}
