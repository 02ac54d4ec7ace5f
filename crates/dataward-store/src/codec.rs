//! The value codec: every personal value is written and read through it.
//!
//! Values are sealed with XChaCha20-Poly1305 (RustCrypto's `chacha20poly1305`) under a data
//! key, with a random 24-byte nonce per value and the key's scope (the source record id, or
//! `quarantine:<batch>`, `job:<id>`, `linkage-model`) as associated data, so a sealed value
//! copied into another record's row does not open. Stored form: tag byte 1, nonce, ciphertext
//! and tag. Data keys live wrapped by the master key in `record_keys` / `scope_keys` (see
//! [`crate::keys`]); destroying a key makes every value sealed under it unreadable.
//!
//! Tag 0 is the clear format of stores written before encryption at rest: still read, never
//! written.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngExt;

use crate::StoreError;

/// Format tag for clear values (read only).
const CLEAR: u8 = 0;
/// Format tag for XChaCha20-Poly1305 sealed values.
const SEALED: u8 = 1;
const NONCE_LEN: usize = 24;

/// A 256-bit data key. Never stored unwrapped, never printed.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    /// A fresh random key from the operating system.
    pub fn generate() -> DataKey {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        DataKey(bytes)
    }

    pub(crate) fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Seals `plain` under `key` with `scope` as associated data: tag, nonce, ciphertext and tag.
pub(crate) fn seal(key: &[u8; 32], scope: &str, plain: &[u8]) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.into());
    // From the thread's ChaCha generator, seeded and periodically reseeded from the operating
    // system: a random 192-bit nonce needs a CSPRNG, not a system call per value (a load seals
    // about a dozen values a row, and `getrandom` was 2 % of its CPU).
    let nonce: [u8; NONCE_LEN] = rand::rng().random();
    let sealed = cipher
        .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad: scope.as_bytes() })
        .expect("XChaCha20-Poly1305 encrypts any message that fits in memory");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(SEALED);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Opens what [`seal`] produced with the same key and scope.
pub(crate) fn open(key: &[u8; 32], scope: &str, stored: &[u8]) -> Result<Vec<u8>, StoreError> {
    match stored.split_first() {
        Some((&SEALED, rest)) if rest.len() >= NONCE_LEN => {
            let (nonce, sealed) = rest.split_at(NONCE_LEN);
            let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce length");
            XChaCha20Poly1305::new(key.into())
                .decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: scope.as_bytes() })
                .map_err(|_| StoreError::Codec(format!("a value of `{scope}` does not open with its key")))
        }
        Some((tag, _)) => Err(StoreError::Codec(format!("unknown sealed format tag {tag}"))),
        None => Err(StoreError::Codec("empty stored value".into())),
    }
}

/// Encodes a personal value of `scope` under its data key.
pub fn encode(key: &DataKey, scope: &str, value: &str) -> Vec<u8> {
    seal(&key.0, scope, value.as_bytes())
}

/// Decodes a stored value of `scope`. `key` is `None` when the scope has no data key (it was
/// destroyed, or the value predates encryption): only a clear value then decodes.
pub fn decode(key: Option<&DataKey>, scope: &str, stored: &[u8]) -> Result<String, StoreError> {
    let bytes = match (stored.first(), key) {
        (Some(&CLEAR), _) => stored[1..].to_vec(),
        (Some(_), Some(key)) => open(&key.0, scope, stored)?,
        (Some(_), None) => return Err(StoreError::Codec(format!("no data key for `{scope}` (destroyed?)"))),
        (None, _) => return Err(StoreError::Codec("empty stored value".into())),
    };
    String::from_utf8(bytes).map_err(|e| StoreError::Codec(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_round_trip_and_hold_no_clear_text() {
        let key = DataKey::generate();
        let stored = encode(&key, "r1", "jane@example.co.uk");
        assert_eq!(stored[0], SEALED);
        assert!(!stored.windows(4).any(|w| w == b"jane"));
        assert_eq!(decode(Some(&key), "r1", &stored).unwrap(), "jane@example.co.uk");
        assert_ne!(encode(&key, "r1", "jane@example.co.uk"), stored, "a fresh nonce per value");
    }

    #[test]
    fn a_value_does_not_open_under_another_key_or_scope_or_without_a_key() {
        let key = DataKey::generate();
        let stored = encode(&key, "r1", "jane@example.co.uk");
        assert!(decode(Some(&DataKey::generate()), "r1", &stored).is_err());
        assert!(decode(Some(&key), "r2", &stored).is_err());
        assert!(decode(None, "r1", &stored).is_err());
        let mut flipped = stored.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(decode(Some(&key), "r1", &flipped).is_err());
    }

    #[test]
    fn clear_values_of_older_stores_still_read_and_unknown_tags_are_refused() {
        assert_eq!(decode(None, "r1", b"\0jane").unwrap(), "jane");
        assert!(decode(Some(&DataKey::generate()), "r1", &[9, 1, 2]).is_err());
        assert!(decode(None, "r1", &[]).is_err());
    }
}
