//! The storage region: where the profile allows personal data to be stored.
//!
//! The store records the region of the profile it is first used with (`meta.storage_region`);
//! from then on every command and the server refuse to run against it with a profile naming
//! another region, so a store is never silently used under a policy it was not created for.

use crate::{Store, StoreError};

/// The `meta` key holding the store's region.
pub const REGION_META: &str = "storage_region";

impl Store {
    /// Records `region` as the store's region if it has none yet, else checks it is the same.
    pub async fn claim_region(&self, region: &str) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(REGION_META)
            .bind(region)
            .execute(&self.pool)
            .await?;
        match self.meta(REGION_META).await? {
            Some(stored) if stored == region => Ok(()),
            Some(stored) => Err(StoreError::RegionMismatch { store: stored, profile: region.to_string() }),
            None => Err(StoreError::Corrupt("the storage region was not recorded".into())),
        }
    }
}
