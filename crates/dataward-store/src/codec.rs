//! The value codec: every personal value is written and read through it.
//!
//! Today values are stored in clear behind a one-byte format tag; per-person authenticated
//! encryption is a later codec with another tag, switched on without touching callers.

use crate::StoreError;

/// Encodes personal values for storage and decodes them back, scoped to one person.
pub trait ValueCodec: Send + Sync + std::fmt::Debug {
    fn encode(&self, scope: &str, value: &str) -> Vec<u8>;
    fn decode(&self, scope: &str, stored: &[u8]) -> Result<String, StoreError>;
}

/// Format tag for clear values.
const CLEAR: u8 = 0;

/// Stores values in clear (tag byte 0 then UTF-8).
#[derive(Debug, Default, Clone, Copy)]
pub struct ClearCodec;

impl ValueCodec for ClearCodec {
    fn encode(&self, _scope: &str, value: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(value.len() + 1);
        out.push(CLEAR);
        out.extend_from_slice(value.as_bytes());
        out
    }

    fn decode(&self, _scope: &str, stored: &[u8]) -> Result<String, StoreError> {
        match stored.split_first() {
            Some((&CLEAR, rest)) => String::from_utf8(rest.to_vec()).map_err(|e| StoreError::Codec(e.to_string())),
            Some((tag, _)) => Err(StoreError::Codec(format!("unknown value format tag {tag}"))),
            None => Err(StoreError::Codec("empty stored value".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_values_round_trip_and_unknown_tags_are_refused() {
        let codec = ClearCodec;
        let stored = codec.encode("p1", "jane@example.co.uk");
        assert_eq!(stored[0], 0);
        assert_eq!(codec.decode("p1", &stored).unwrap(), "jane@example.co.uk");
        assert!(codec.decode("p1", &[9, 1, 2]).is_err());
        assert!(codec.decode("p1", &[]).is_err());
    }
}
