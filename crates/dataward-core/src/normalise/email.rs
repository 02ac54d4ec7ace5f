//! Email addresses: trimmed, lower-cased, checked by the `email_address` crate and stricter rules.
//!
//! On top of RFC 5322 syntax (as checked by `email_address`, with display names and domain
//! literals refused) an address must have a dotted domain ending in an alphabetic top-level domain
//! of at least two characters, must not exceed 254 characters, and may not use quoted local parts,
//! comments or whitespace: such addresses are legal but do not occur in genuine partner data.
//! The whole address is lower-cased, so `Jane@X.com` and `jane@x.com` are the same identifier.

use std::fmt;

use email_address::{EmailAddress, Options};

/// The longest address SMTP can deliver to (RFC 5321 path limit less the angle brackets).
const MAX_LEN: usize = 254;

/// Why a string is not a usable email address. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("email address is blank")]
    Empty,
    #[error("email address is longer than 254 characters")]
    TooLong,
    #[error("email address may not contain spaces, quotes, brackets or comments")]
    InvalidCharacters,
    #[error("email address is not of the form local-part@domain")]
    Malformed,
    #[error("email domain must contain a dot and end in an alphabetic top-level domain")]
    InvalidDomain,
}

/// A lower-cased, syntactically valid email address.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email {
    address: String,
    /// Byte index of the `@` separating local part and domain.
    at: usize,
}

impl Email {
    /// Parses an address, refusing display names (`Jane <jane@example.com>`).
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let address = raw.trim().to_lowercase();
        if address.is_empty() {
            return Err(EmailError::Empty);
        }
        if address.chars().count() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        if address.chars().any(|c| c.is_whitespace() || c.is_control() || "\"()<>[]\\,;:".contains(c)) {
            return Err(EmailError::InvalidCharacters);
        }
        let options = Options::default().without_display_text().without_domain_literal();
        let parsed = EmailAddress::parse_with_options(&address, options).map_err(|_| EmailError::Malformed)?;
        let domain = parsed.domain();
        let tld = match domain.rsplit_once('.') {
            Some((rest, tld)) if !rest.is_empty() => tld,
            _ => return Err(EmailError::InvalidDomain),
        };
        if tld.chars().count() < 2 || !tld.chars().all(char::is_alphabetic) {
            return Err(EmailError::InvalidDomain);
        }
        let at = address.rfind('@').ok_or(EmailError::Malformed)?;
        Ok(Email { address, at })
    }

    /// The whole address, e.g. "jane.doe@example.co.uk".
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        &self.address[..self.at]
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        &self.address[self.at + 1..]
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Email(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> Email {
        Email::parse(raw).unwrap_or_else(|e| panic!("{raw:?} should parse: {e}"))
    }

    #[test]
    fn address_is_trimmed_and_lower_cased() {
        let e = email("  Jane.Doe@Example.CO.UK ");
        assert_eq!(e.as_str(), "jane.doe@example.co.uk");
    }

    #[test]
    fn local_part_and_domain_are_split_at_the_at_sign() {
        let e = email("jane+news@mail.example.com");
        assert_eq!(e.local_part(), "jane+news");
        assert_eq!(e.domain(), "mail.example.com");
    }

    #[test]
    fn display_names_are_refused() {
        assert_eq!(Email::parse("Jane <jane@example.com>"), Err(EmailError::InvalidCharacters));
    }

    #[test]
    fn address_without_at_sign_is_malformed() {
        assert_eq!(Email::parse("jane.example.com"), Err(EmailError::Malformed));
    }

    #[test]
    fn two_at_signs_are_malformed() {
        assert_eq!(Email::parse("jane@doe@example.com"), Err(EmailError::Malformed));
    }

    #[test]
    fn empty_local_part_is_malformed() {
        assert_eq!(Email::parse("@example.com"), Err(EmailError::Malformed));
    }

    #[test]
    fn domain_without_a_dot_is_refused() {
        assert_eq!(Email::parse("jane@localhost"), Err(EmailError::InvalidDomain));
    }

    #[test]
    fn numeric_or_one_letter_top_level_domain_is_refused() {
        assert_eq!(Email::parse("jane@example.c"), Err(EmailError::InvalidDomain));
        assert_eq!(Email::parse("jane@10.0.0.1"), Err(EmailError::InvalidDomain));
    }

    #[test]
    fn domain_literal_is_refused() {
        assert_eq!(Email::parse("jane@[10.0.0.1]"), Err(EmailError::InvalidCharacters));
    }

    #[test]
    fn spaces_inside_the_address_are_refused() {
        assert_eq!(Email::parse("jane doe@example.com"), Err(EmailError::InvalidCharacters));
    }

    #[test]
    fn quoted_local_part_is_refused() {
        assert_eq!(Email::parse("\"jane\"@example.com"), Err(EmailError::InvalidCharacters));
    }

    #[test]
    fn address_over_254_characters_is_too_long() {
        let raw = format!("{}@{}.com", "a".repeat(60), "b".repeat(190));
        assert_eq!(raw.len(), 255);
        assert_eq!(Email::parse(&raw), Err(EmailError::TooLong));
    }

    #[test]
    fn blank_address_is_empty() {
        assert_eq!(Email::parse(" \t"), Err(EmailError::Empty));
    }

    #[test]
    fn consecutive_dots_in_the_domain_are_malformed() {
        assert_eq!(Email::parse("jane@example..com"), Err(EmailError::Malformed));
    }

    #[test]
    fn debug_output_redacts_the_address() {
        assert_eq!(format!("{:?}", email("jane@example.com")), "Email(<redacted>)");
    }

    #[test]
    fn error_messages_do_not_repeat_the_address() {
        let message = Email::parse("jane@localhost").unwrap_err().to_string();
        assert!(!message.contains("jane") && !message.contains("localhost"), "{message}");
    }
}
