//! API keys for partners and clients: generated once, shown once, stored only as an Argon2 hash.
//!
//! A key looks like `dwp_<prefix>_<secret>` (partners) or `dwc_<prefix>_<secret>` (clients). The
//! prefix is a public lookup handle stored in clear; only the Argon2id hash of the whole key is kept.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

/// Whose key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOwner {
    Partner,
    Client,
}

impl KeyOwner {
    fn tag(self) -> &'static str {
        match self {
            KeyOwner::Partner => "dwp",
            KeyOwner::Client => "dwc",
        }
    }
}

/// A freshly issued key. `Debug` hides the secret; `reveal` is for showing it to its owner once.
pub struct IssuedKey {
    full: String,
    pub prefix: String,
    pub hash: String,
}

impl std::fmt::Debug for IssuedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedKey({}_…)", self.prefix)
    }
}

impl IssuedKey {
    pub fn reveal(&self) -> &str {
        &self.full
    }
}

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    hex::encode(buf)
}

/// Issues a new random key and its Argon2id hash.
pub fn issue(owner: KeyOwner) -> IssuedKey {
    let prefix = random_hex(6);
    let full = format!("{}_{}_{}", owner.tag(), prefix, random_hex(24));
    let hash = hash_secret(&full);
    IssuedKey { full, prefix, hash }
}

/// Argon2id (default parameters) with a fresh 16-byte salt, as a PHC string.
pub fn hash_secret(secret: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source is available");
    Argon2::default()
        .hash_password_with_salt(secret.as_bytes(), &salt)
        .expect("argon2 accepts a 16-byte salt")
        .to_string()
}

/// Whether `secret` matches a stored PHC hash.
pub fn verify_secret(secret: &str, phc: &str) -> bool {
    Argon2::default().verify_password(secret.as_bytes(), phc).is_ok()
}

/// The lookup prefix of a presented key, if it has the right shape for the owner.
pub fn prefix_of(owner: KeyOwner, presented: &str) -> Option<&str> {
    let rest = presented.strip_prefix(owner.tag())?.strip_prefix('_')?;
    let (prefix, secret) = rest.split_once('_')?;
    (prefix.len() == 12 && secret.len() == 48 && prefix.bytes().all(|b| b.is_ascii_hexdigit())).then_some(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_key_verifies_against_its_hash_and_a_wrong_key_does_not() {
        let key = issue(KeyOwner::Client);
        assert!(key.hash.starts_with("$argon2id$"), "{}", key.hash);
        assert!(!key.hash.contains(key.reveal()));
        assert!(verify_secret(key.reveal(), &key.hash));
        let mut wrong = key.reveal().to_string();
        wrong.pop();
        wrong.push('x');
        assert!(!verify_secret(&wrong, &key.hash));
    }

    #[test]
    fn the_prefix_is_read_only_from_well_formed_keys_of_the_right_owner() {
        let key = issue(KeyOwner::Partner);
        assert_eq!(prefix_of(KeyOwner::Partner, key.reveal()), Some(key.prefix.as_str()));
        assert_eq!(prefix_of(KeyOwner::Client, key.reveal()), None);
        assert_eq!(prefix_of(KeyOwner::Partner, "dwp_abc_def"), None);
        assert!(!format!("{key:?}").contains(key.reveal()));
    }

    #[test]
    fn two_hashes_of_the_same_key_differ_by_salt() {
        assert_ne!(hash_secret("same"), hash_secret("same"));
    }
}
