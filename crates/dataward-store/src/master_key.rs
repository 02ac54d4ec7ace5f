//! The master key: it wraps (seals) every data key and is never stored in the database.
//!
//! It comes from configuration (a key file or `DATAWARD_MASTER_KEY`). Its id — the first 16 hex
//! characters of a SHA-256 over a fixed label and the key — is stored beside each wrapped key, so
//! a store opened with the wrong master key says so instead of failing value by value.

use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::codec::{DataKey, open, seal};

/// A 256-bit master key. `Debug` shows only its id.
#[derive(Clone)]
pub struct MasterKey {
    key: [u8; 32],
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id)
    }
}

/// Why bytes are not a master key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a master key is exactly 32 bytes (64 hex characters); got {0} bytes")]
pub struct BadMasterKey(pub usize);

impl MasterKey {
    pub fn from_bytes(bytes: &[u8]) -> Result<MasterKey, BadMasterKey> {
        let key: [u8; 32] = bytes.try_into().map_err(|_| BadMasterKey(bytes.len()))?;
        let mut hasher = Sha256::new();
        hasher.update(b"dataward-master-key-id-v1");
        hasher.update(key);
        let id = hex::encode(&hasher.finalize()[..8]);
        Ok(MasterKey { key, id })
    }

    /// A fresh random master key.
    pub fn generate() -> MasterKey {
        MasterKey::from_bytes(DataKey::generate().bytes()).expect("32 bytes")
    }

    /// The key as hex, for writing a key file.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key)
    }

    /// The public id of this key (not secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Wraps a data key for `scope` (bound as associated data).
    pub fn wrap(&self, scope: &str, key: &DataKey) -> Vec<u8> {
        seal(&self.key, &format!("data-key:{scope}"), key.bytes())
    }

    /// Unwraps a data key of `scope`.
    pub fn unwrap_key(&self, scope: &str, wrapped: &[u8]) -> Result<DataKey, StoreError> {
        let bytes = open(&self.key, &format!("data-key:{scope}"), wrapped).map_err(|_| {
            StoreError::Codec(format!("the data key of `{scope}` does not unwrap with master key {}", self.id))
        })?;
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| StoreError::Corrupt(format!("data key of `{scope}` has the wrong length")))?;
        Ok(DataKey::from_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_unwraps_only_with_its_master_key_and_scope() {
        let master = MasterKey::generate();
        let key = DataKey::generate();
        let wrapped = master.wrap("r1", &key);
        assert_eq!(master.unwrap_key("r1", &wrapped).unwrap().bytes(), key.bytes());
        assert!(master.unwrap_key("r2", &wrapped).is_err());
        assert!(MasterKey::generate().unwrap_key("r1", &wrapped).is_err());
        assert!(!wrapped.windows(8).any(|w| w == &key.bytes()[..8]));
    }

    #[test]
    fn master_keys_must_be_32_bytes_and_show_only_their_id() {
        assert_eq!(MasterKey::from_bytes(&[1; 31]).unwrap_err(), BadMasterKey(31));
        let master = MasterKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(master.id().len(), 16);
        assert_eq!(format!("{master:?}"), format!("MasterKey({})", master.id()));
        assert_ne!(MasterKey::from_bytes(&[8; 32]).unwrap().id(), master.id());
    }
}
