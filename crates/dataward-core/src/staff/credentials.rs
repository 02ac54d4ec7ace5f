//! Staff names and passwords: parsed once, with clear errors; a password never shows in `Debug`.

use std::fmt;

/// The shortest password accepted (NCSC guidance favours length over composition rules).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted: Argon2 hashes whatever it is given, so very long inputs are
/// refused before they cost anything.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest staff name.
pub const MAX_NAME_CHARS: usize = 64;

/// Why a name or password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("a staff name must be 2 to {MAX_NAME_CHARS} characters of a-z, 0-9, `.`, `_`, `-` or `@`")]
    InvalidName,
    #[error("a password must have at least {MIN_PASSWORD_CHARS} characters")]
    PasswordTooShort,
    #[error("a password must be at most {MAX_PASSWORD_BYTES} bytes")]
    PasswordTooLong,
}

/// A staff member's login name: lower case, `[a-z0-9._@-]`, 2 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StaffName(String);

impl StaffName {
    /// Trims and lower-cases `text`, then checks it.
    pub fn parse(text: &str) -> Result<StaffName, CredentialError> {
        let name = text.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '@');
        let length = name.chars().count();
        if (2..=MAX_NAME_CHARS).contains(&length) && name.chars().all(allowed) {
            Ok(StaffName(name))
        } else {
            Err(CredentialError::InvalidName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StaffName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password that meets the length rules. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a new password. Surrounding line breaks (from reading stdin) are removed; other
    /// characters, spaces included, are kept as typed.
    pub fn parse(text: &str) -> Result<Password, CredentialError> {
        let password = text.trim_end_matches(['\r', '\n']);
        if password.len() > MAX_PASSWORD_BYTES {
            Err(CredentialError::PasswordTooLong)
        } else if password.chars().count() < MIN_PASSWORD_CHARS {
            Err(CredentialError::PasswordTooShort)
        } else {
            Ok(Password(password.to_string()))
        }
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_lower_cased_and_odd_names_are_refused() {
        assert_eq!(StaffName::parse(" Alice.Smith ").unwrap().as_str(), "alice.smith");
        assert_eq!(StaffName::parse("dpo@example.co.uk").unwrap().as_str(), "dpo@example.co.uk");
        for bad in ["", "a", "has space", "semi;colon", "<script>", &"x".repeat(65)] {
            assert_eq!(StaffName::parse(bad), Err(CredentialError::InvalidName), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_and_lose_only_a_trailing_line_break() {
        assert_eq!(Password::parse("short pass\n"), Err(CredentialError::PasswordTooShort));
        let password = Password::parse("correct horse battery\n").unwrap();
        assert_eq!(password.expose(), "correct horse battery");
        assert_eq!(Password::parse(&"x".repeat(2000)), Err(CredentialError::PasswordTooLong));
    }

    #[test]
    fn a_password_never_shows_in_debug() {
        let password = Password::parse("correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
