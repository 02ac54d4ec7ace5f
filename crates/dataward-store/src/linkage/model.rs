//! The active linkage model: saved with the store, bootstrapped on first use, re-trained on the
//! store's own records, shown for inspection.
//!
//! Parameters are JSON written through the value codec (scope `linkage-model`): the term-frequency
//! table is derived from names. Exactly one row of `linkage_models` is active; older rows stay
//! for the record.

use std::sync::{Arc, Mutex};

use dataward_core::linkage::{
    Model, ModelParams, TermFrequencies, TrainingData, TrainingOptions, bootstrap_params, train,
};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use rand::{RngExt, SeedableRng};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use super::candidates::decode_form;
use crate::store::new_id;
use crate::{Store, StoreError};

/// Codec scope of model parameters.
const MODEL_SCOPE: &str = "linkage-model";

/// The bootstrap model assumes a base at least this large (a low prior: precise first).
pub const BOOTSTRAP_BASE: u64 = 1_000_000;

/// A store with no trained model trains one after a file leaves it with at least this many
/// records.
pub const AUTO_TRAIN_RECORDS: i64 = 2_000;

/// Records sampled (uniformly, reservoir) to train on; term frequencies count every record.
pub const TRAINING_SAMPLE: usize = 200_000;

/// Where a model came from.
pub const ORIGIN_BOOTSTRAP: &str = "bootstrap";
pub const ORIGIN_TRAINED: &str = "trained";

/// The model in use.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveModel {
    pub id: String,
    pub created_at: String,
    /// `bootstrap` (trained on the generated population) or `trained` (on this store's records).
    pub origin: String,
    /// Records the parameters were trained on.
    pub records: i64,
    pub params: ModelParams,
    /// The parameters ready to score pairs.
    #[serde(skip)]
    compiled: Arc<Model>,
}

/// The last active model read, shared by every clone of a store: a request only asks the
/// database which model is active (one indexed row) and parses the parameters again only when
/// another model became active.
pub(crate) type ModelCache = Arc<Mutex<Option<Arc<ActiveModel>>>>;

/// What a training run did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub model_id: String,
    pub records_seen: u64,
    pub records_trained_on: u64,
    pub prior: f64,
    pub seconds: f64,
}

/// The active model on `conn`, if any (from the store's cache when it is still the active one).
pub(crate) async fn active_on(conn: &mut AnyConnection, store: &Store) -> Result<Option<Arc<ActiveModel>>, StoreError> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT id FROM linkage_models WHERE active = 1").fetch_optional(&mut *conn).await?;
    let Some(id) = id else { return Ok(None) };
    if let Some(cached) = store.model_cache.lock().expect("model cache").as_ref()
        && cached.id == id
    {
        return Ok(Some(cached.clone()));
    }
    let row = sqlx::query("SELECT id, created_at, origin, records, params FROM linkage_models WHERE id = $1")
        .bind(&id)
        .fetch_one(&mut *conn)
        .await?;
    let stored: Vec<u8> = row.try_get("params")?;
    let key = store.existing_scope_key(conn, MODEL_SCOPE).await?;
    let json = crate::codec::decode(key.as_ref(), MODEL_SCOPE, &stored)?;
    let params: ModelParams =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(format!("linkage model: {e}")))?;
    let active = Arc::new(ActiveModel {
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
        origin: row.try_get("origin")?,
        records: row.try_get("records")?,
        compiled: Arc::new(Model::new(params.clone())),
        params,
    });
    *store.model_cache.lock().expect("model cache") = Some(active.clone());
    Ok(Some(active))
}

/// Saves `params` as the active model on `conn`.
pub(crate) async fn save_on(
    conn: &mut AnyConnection,
    store: &Store,
    params: &ModelParams,
    origin: &str,
    now: Timestamp,
) -> Result<Arc<ActiveModel>, StoreError> {
    let id = new_id();
    let json = serde_json::to_string(params).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let key = store.scope_key(conn, MODEL_SCOPE).await?;
    sqlx::query("UPDATE linkage_models SET active = 0 WHERE active = 1").execute(&mut *conn).await?;
    sqlx::query(
        "INSERT INTO linkage_models (id, created_at, origin, records, params, active) VALUES ($1, $2, $3, $4, $5, 1)",
    )
    .bind(&id)
    .bind(now.to_string())
    .bind(origin)
    .bind(params.training.records as i64)
    .bind(crate::codec::encode(&key, MODEL_SCOPE, &json))
    .execute(&mut *conn)
    .await?;
    Ok(Arc::new(ActiveModel {
        id,
        created_at: now.to_string(),
        origin: origin.to_string(),
        records: params.training.records as i64,
        compiled: Arc::new(Model::new(params.clone())),
        params: params.clone(),
    }))
}

/// The active model on `conn`, saving the bootstrap model first when there is none.
pub(crate) async fn ensure_on(
    conn: &mut AnyConnection,
    store: &Store,
    now: Timestamp,
) -> Result<Arc<ActiveModel>, StoreError> {
    match active_on(conn, store).await? {
        Some(m) => Ok(m),
        None => save_on(conn, store, &bootstrap_params(BOOTSTRAP_BASE), ORIGIN_BOOTSTRAP, now).await,
    }
}

impl ActiveModel {
    /// The model, ready to score pairs (shared, not rebuilt).
    pub fn model(&self) -> Arc<Model> {
        self.compiled.clone()
    }
}

impl Store {
    /// The active linkage model, if one was saved.
    pub async fn linkage_model(&self) -> Result<Option<Arc<ActiveModel>>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        active_on(&mut conn, self).await
    }

    /// The model last read, if any (it may no longer be the active one).
    pub(crate) fn cached_model(&self) -> Option<Arc<ActiveModel>> {
        self.model_cache.lock().expect("model cache").clone()
    }

    /// The active model for answering a query: which model is active is read in place
    /// (`direct`: on every client request), its parameters come from the cache while it stays
    /// the active one.
    pub async fn query_model(&self, now: Timestamp) -> Result<Arc<ActiveModel>, StoreError> {
        let active = self.read_rows("SELECT id FROM linkage_models WHERE active = 1", &[], |r| r.text("id")).await?;
        if let Some(id) = active.first()
            && let Some(cached) = self.cached_model()
            && cached.id == *id
        {
            return Ok(cached);
        }
        self.linkage_model_or_bootstrap(now).await
    }

    /// The active model, saving the bootstrap model when there is none.
    pub async fn linkage_model_or_bootstrap(&self, now: Timestamp) -> Result<Arc<ActiveModel>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        ensure_on(&mut conn, self, now).await
    }

    /// Trains a model on the store's records and makes it active: term frequencies from every
    /// record, m, u and the prior from a uniform sample of at most [`TRAINING_SAMPLE`] records.
    /// Persons already formed are not re-linked; the new model decides from the next record on.
    pub async fn train_linkage(&self, now: Timestamp) -> Result<TrainReport, StoreError> {
        let started = std::time::Instant::now();
        let mut tf = TermFrequencies::default();
        let mut sample = Vec::with_capacity(TRAINING_SAMPLE.min(1 << 16));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let mut seen: u64 = 0;
        {
            let mut conn = self.pool.acquire().await?;
            let mut rows = sqlx::query(
                "SELECT m.source_record_id, m.form, k.wrapped FROM match_records m
                     LEFT JOIN record_keys k ON k.source_record_id = m.source_record_id ORDER BY m.source_record_id",
            )
            .fetch(&mut *conn);
            while let Some(row) = rows.try_next().await? {
                let record_id: String = row.try_get("source_record_id")?;
                let form: Vec<u8> = row.try_get("form")?;
                let record = decode_form(self, &record_id, row.try_get("wrapped")?, &form)?;
                tf.add(&record);
                seen += 1;
                if sample.len() < TRAINING_SAMPLE {
                    sample.push(record);
                } else {
                    let j = rng.random_range(0..seen);
                    if (j as usize) < TRAINING_SAMPLE {
                        sample[j as usize] = record;
                    }
                }
            }
        }
        let trained_on = sample.len() as u64;
        let params = tokio::task::spawn_blocking(move || {
            let mut params = train(&TrainingData::Dedupe(&sample), &TrainingOptions::default());
            params.term_frequencies = tf;
            params
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("training stopped: {e}")))?;
        let mut tx = self.begin_write().await?;
        let saved = save_on(&mut tx, self, &params, ORIGIN_TRAINED, now).await?;
        tx.commit().await?;
        Ok(TrainReport {
            model_id: saved.id.clone(),
            records_seen: seen,
            records_trained_on: trained_on,
            prior: params.prior,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Trains when the active model is still the bootstrap and the store holds enough records.
    pub async fn train_linkage_if_bootstrap(&self, now: Timestamp) -> Result<Option<TrainReport>, StoreError> {
        let Some(active) = self.linkage_model().await? else { return Ok(None) };
        if active.origin != ORIGIN_BOOTSTRAP {
            return Ok(None);
        }
        let records: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM match_records").fetch_one(&self.pool).await?;
        if records < AUTO_TRAIN_RECORDS {
            return Ok(None);
        }
        self.train_linkage(now).await.map(Some)
    }
}
