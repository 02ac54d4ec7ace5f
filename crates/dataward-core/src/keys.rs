//! Keyed hashes (HMAC-SHA256) of normalised identifiers.
//!
//! The store never indexes or looks up a personal value by its clear text: it looks up the keyed
//! hash computed here under a server secret. The same digests back the suppression list, so an
//! erased person's identifiers can be recognised without being kept.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// A 32-byte keyed digest.
pub type Digest = [u8; 32];

/// Computes keyed digests under a server secret. Its `Debug` never shows the key.
///
/// The HMAC is keyed once, at construction; each digest clones that keyed state, which saves
/// two of the four SHA-256 compressions a short value would otherwise cost.
#[derive(Clone)]
pub struct Indexer {
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Indexer(<secret>)")
    }
}

/// The secret must be at least this long.
pub const MIN_SECRET_LEN: usize = 32;

impl Indexer {
    /// Creates an indexer; the secret must have at least 32 bytes.
    pub fn new(secret: &[u8]) -> Result<Indexer, ShortSecret> {
        if secret.len() < MIN_SECRET_LEN {
            return Err(ShortSecret(secret.len()));
        }
        let keyed = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC accepts any key length");
        Ok(Indexer { keyed })
    }

    /// The digest of `value` in a domain (`email`, `phone`, `field:first_name`, ...), so equal
    /// strings in different domains never collide.
    pub fn digest(&self, domain: &str, value: &str) -> Digest {
        let mut mac = self.keyed.clone();
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

impl Indexer {
    /// A keyed 64-bit form of an identity-resolution blocking key
    /// ([`crate::linkage::Blocker::keys`]). The engine's keys are unkeyed hashes of normalised
    /// values (a list of names or emails could be hashed and compared with them), so a store
    /// persists this keyed form instead. 64 bits suffice: a collision only adds a candidate pair
    /// to compare, it never links anything.
    pub fn block_key(&self, key: u64) -> i64 {
        let digest = self.digest("linkage:block", &key.to_string());
        i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
    }
}

/// The secret given was too short to be a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret has {0} bytes; at least 32 are needed")]
pub struct ShortSecret(pub usize);

#[cfg(test)]
mod tests {
    use super::*;

    fn indexer() -> Indexer {
        Indexer::new(&[7u8; 32]).unwrap()
    }

    #[test]
    fn the_same_value_in_different_domains_has_different_digests() {
        let ix = indexer();
        assert_ne!(ix.digest("email", "a@b.uk"), ix.digest("phone", "a@b.uk"));
        assert_eq!(ix.digest("email", "a@b.uk"), ix.digest("email", "a@b.uk"));
    }

    #[test]
    fn a_different_secret_gives_a_different_digest() {
        let other = Indexer::new(&[8u8; 32]).unwrap();
        assert_ne!(indexer().digest("email", "a@b.uk"), other.digest("email", "a@b.uk"));
    }

    #[test]
    fn a_short_secret_is_refused_and_debug_hides_the_key() {
        assert_eq!(Indexer::new(b"short").unwrap_err(), ShortSecret(5));
        assert_eq!(format!("{:?}", indexer()), "Indexer(<secret>)");
    }
}
