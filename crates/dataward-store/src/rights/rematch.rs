//! After a rectification, a record's derived forms are rebuilt from its corrected values: the
//! matching form (sealed under the record's key), its blocking keys and its selection facets,
//! so that the identity engine and selections see the corrected person, not the old values.
//!
//! The values are read back, opened with the record's key, cleaned by the same `clean_row` as
//! ingest and turned into forms by the same core functions, so a rectified record is stored
//! exactly as if the partner had sent the corrected row.

use dataward_core::columns::field_by_name;
use dataward_core::fields::Field;
use dataward_core::linkage::{Blocker, MatchRecord};
use dataward_core::record::clean_row;
use dataward_core::selection::facets_of;
use jiff::civil::Date;
use sqlx::{AnyConnection, Row};

use crate::sql::{Val, insert_rows};
use crate::{Store, StoreError};

impl Store {
    /// Rebuilds the matching form, blocking keys and facets of `record_id` from its stored values.
    pub(crate) async fn rebuild_record_forms(
        &self,
        conn: &mut AnyConnection,
        record_id: &str,
        today: Date,
    ) -> Result<(), StoreError> {
        let wrapped: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT person_id, wrapped FROM record_keys WHERE source_record_id = $1")
                .bind(record_id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((person_id, wrapped)) = wrapped else {
            return Err(StoreError::Corrupt(format!("record {record_id} has no data key")));
        };
        let key = self.record_key(record_id, Some(wrapped))?;
        let rows = sqlx::query("SELECT field, value FROM record_values WHERE source_record_id = $1")
            .bind(record_id)
            .fetch_all(&mut *conn)
            .await?;
        let mut values: Vec<(Field, String)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let name: String = row.try_get("field")?;
            let stored: Vec<u8> = row.try_get("value")?;
            let field = field_by_name(&name)
                .ok_or_else(|| StoreError::Corrupt(format!("record {record_id} holds an unknown field `{name}`")))?;
            values.push((field, crate::codec::decode(key.as_ref(), record_id, &stored)?));
        }
        let fields: Vec<(Field, &str)> = values.iter().map(|(f, v)| (f.clone(), v.as_str())).collect();
        let clean = clean_row(&fields, today)
            .map_err(|r| StoreError::Invalid(format!("the corrected record does not validate: {}", r.detail)))?;
        let form = MatchRecord::from_clean(&clean);
        let key = key.ok_or_else(|| StoreError::Corrupt(format!("record {record_id} has no data key")))?;
        sqlx::query("UPDATE match_records SET form = $1 WHERE source_record_id = $2")
            .bind(crate::codec::encode(&key, record_id, &form.to_stored()))
            .bind(record_id)
            .execute(&mut *conn)
            .await?;
        for table in ["blocking_keys", "selection_facets"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE source_record_id = $1")))
                .bind(record_id)
                .execute(&mut *conn)
                .await?;
        }
        let mut block_keys: Vec<i64> =
            Blocker::default().keys(&form).into_iter().map(|k| self.indexer.block_key(k)).collect();
        block_keys.sort_unstable();
        block_keys.dedup();
        let key_rows = block_keys
            .into_iter()
            .map(|k| vec![Val::Int(k), Val::Text(record_id.to_string()), Val::Text(person_id.clone())])
            .collect();
        insert_rows(self.backend, conn, "blocking_keys", &["block_key", "source_record_id", "person_id"], key_rows)
            .await?;
        let facet_rows = facets_of(&clean)
            .into_iter()
            .map(|(name, value)| {
                vec![
                    Val::Blob(self.indexer.digest(&format!("facet:{name}"), &value).to_vec()),
                    Val::Text(person_id.clone()),
                    Val::Text(record_id.to_string()),
                ]
            })
            .collect();
        insert_rows(
            self.backend,
            conn,
            "selection_facets",
            &["facet_hash", "person_id", "source_record_id"],
            facet_rows,
        )
        .await?;
        Ok(())
    }
}
