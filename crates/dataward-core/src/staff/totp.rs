//! The console's optional second factor: RFC 6238 time-based one-time codes (6 digits, 30-second
//! steps, HMAC-SHA-1 as authenticator apps expect, one step of clock skew either way), computed by
//! the `totp-rs` crate. The caller keeps the last step accepted so a code is never used twice.

use std::fmt;

use jiff::Timestamp;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Bytes of a generated secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

/// The name shown in authenticator apps.
pub const ISSUER: &str = "dataward";

/// Why a TOTP secret or URI could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("the stored TOTP secret is not valid base32")]
    InvalidSecret,
    #[error("could not build the otpauth URI: {0}")]
    Uri(String),
}

/// A shared TOTP secret. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    /// A secret from random bytes the caller drew from a CSPRNG.
    pub fn from_bytes(bytes: [u8; SECRET_BYTES]) -> TotpSecret {
        TotpSecret(bytes.to_vec())
    }

    /// A secret as stored (RFC 4648 base32, no padding).
    pub fn from_base32(text: &str) -> Result<TotpSecret, TotpError> {
        let secret = Secret::try_from_base32(text.trim()).map_err(|_| TotpError::InvalidSecret)?;
        let bytes = secret.as_bytes().to_vec();
        if bytes.len() < 16 {
            return Err(TotpError::InvalidSecret);
        }
        Ok(TotpSecret(bytes))
    }

    /// The secret in base32, as stored and as typed into an app by hand.
    pub fn to_base32(&self) -> String {
        Secret::from(self.0.clone()).to_base32()
    }

    fn totp(&self, account: &str) -> Result<Totp, TotpError> {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(30)
            .with_secret(self.0.clone())
            .with_issuer(Some(ISSUER))
            .with_account_name(account.replace(':', "_"))
            .build()
            .map_err(|e| TotpError::Uri(e.to_string()))
    }

    /// The `otpauth://totp/...` URI an authenticator app reads (usually from a QR code).
    pub fn otpauth_uri(&self, account: &str) -> Result<String, TotpError> {
        self.totp(account)?.to_url().map_err(|e| TotpError::Uri(e.to_string()))
    }

    /// The code for the step containing `now`.
    pub fn code_at(&self, now: Timestamp) -> String {
        self.totp("-").expect("a 20-byte secret builds").generate(seconds(now)).to_string()
    }

    /// The step a code is valid for at `now` (this step or the one either side), if it is.
    pub fn check(&self, code: &str, now: Timestamp) -> Option<u64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.totp("-").ok()?.check(&code, seconds(now))
    }
}

fn seconds(now: Timestamp) -> u64 {
    u64::try_from(now.as_second()).unwrap_or(0)
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret ("12345678901234567890").
    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(*b"12345678901234567890")
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors_in_six_digits() {
        // Appendix B gives 8-digit codes; authenticator apps show the last 6.
        let cases = [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")];
        for (second, code) in cases {
            let now = Timestamp::from_second(second).unwrap();
            assert_eq!(rfc_secret().code_at(now), code, "at {second}");
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_two() {
        let secret = rfc_secret();
        let now = Timestamp::from_second(1_234_567_890).unwrap();
        let code = secret.code_at(now);
        let step = 1_234_567_890 / 30;
        assert_eq!(secret.check(&code, now), Some(step));
        assert_eq!(secret.check(&code, now + jiff::SignedDuration::from_secs(30)), Some(step));
        assert_eq!(secret.check(&code, now + jiff::SignedDuration::from_secs(90)), None);
        assert_eq!(secret.check("12345", now), None);
        assert_eq!(secret.check("abcdef", now), None);
    }

    #[test]
    fn the_secret_round_trips_through_base32_and_names_the_issuer_in_its_uri() {
        let secret = TotpSecret::from_bytes([7; SECRET_BYTES]);
        assert_eq!(TotpSecret::from_base32(&secret.to_base32()).unwrap(), secret);
        let uri = secret.otpauth_uri("alice").unwrap();
        assert!(uri.starts_with("otpauth://totp/dataward:alice?"), "{uri}");
        assert!(uri.contains(&format!("secret={}", secret.to_base32())), "{uri}");
        assert!(!format!("{secret:?}").contains(&secret.to_base32()));
        assert_eq!(TotpSecret::from_base32("not base32!"), Err(TotpError::InvalidSecret));
    }
}
