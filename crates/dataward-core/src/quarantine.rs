//! Why a row of a partner file was quarantined instead of stored.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable reason code for a quarantined row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuarantineReason {
    /// A CSV row with a different number of fields from the header.
    WrongFieldCount,
    /// A JSON Lines row that is not a JSON object of strings/numbers/booleans/nulls.
    MalformedJson,
    /// Bytes that are not valid UTF-8.
    InvalidEncoding,
    /// First name or surname missing.
    MissingName,
    /// A name containing digits or symbols no name has.
    InvalidName,
    /// No way to tell the person apart: none of email, phone, postcode or date of birth.
    NoIdentifier,
    InvalidPostcode,
    InvalidPhone,
    InvalidEmail,
    /// Not a date in a recognised format, or a date that does not exist (31/02).
    InvalidDateOfBirth,
    /// A date of birth in the future or implausibly far in the past.
    ImplausibleDateOfBirth,
    /// The person would be under 16: the broker refuses data relating to children.
    UnderAge,
    InvalidRenewalMonth,
    /// A yes/no column with a value that is neither.
    InvalidFlag,
    InvalidCollectionDate,
    /// The partner record id repeats one already seen earlier in the same file.
    DuplicateRecordId,
    /// A value longer than any genuine value of its field (guards the store).
    ValueTooLong,
}

impl QuarantineReason {
    /// The snake_case code, as stored and reported.
    pub fn code(self) -> &'static str {
        match self {
            QuarantineReason::WrongFieldCount => "wrong_field_count",
            QuarantineReason::MalformedJson => "malformed_json",
            QuarantineReason::InvalidEncoding => "invalid_encoding",
            QuarantineReason::MissingName => "missing_name",
            QuarantineReason::InvalidName => "invalid_name",
            QuarantineReason::NoIdentifier => "no_identifier",
            QuarantineReason::InvalidPostcode => "invalid_postcode",
            QuarantineReason::InvalidPhone => "invalid_phone",
            QuarantineReason::InvalidEmail => "invalid_email",
            QuarantineReason::InvalidDateOfBirth => "invalid_date_of_birth",
            QuarantineReason::ImplausibleDateOfBirth => "implausible_date_of_birth",
            QuarantineReason::UnderAge => "under_age",
            QuarantineReason::InvalidRenewalMonth => "invalid_renewal_month",
            QuarantineReason::InvalidFlag => "invalid_flag",
            QuarantineReason::InvalidCollectionDate => "invalid_collection_date",
            QuarantineReason::DuplicateRecordId => "duplicate_record_id",
            QuarantineReason::ValueTooLong => "value_too_long",
        }
    }

    /// Parses a stored code back into a reason.
    pub fn from_code(code: &str) -> Option<Self> {
        ALL_REASONS.iter().copied().find(|r| r.code() == code)
    }
}

/// Every reason, for reports and exhaustive tests.
pub const ALL_REASONS: [QuarantineReason; 17] = [
    QuarantineReason::WrongFieldCount,
    QuarantineReason::MalformedJson,
    QuarantineReason::InvalidEncoding,
    QuarantineReason::MissingName,
    QuarantineReason::InvalidName,
    QuarantineReason::NoIdentifier,
    QuarantineReason::InvalidPostcode,
    QuarantineReason::InvalidPhone,
    QuarantineReason::InvalidEmail,
    QuarantineReason::InvalidDateOfBirth,
    QuarantineReason::ImplausibleDateOfBirth,
    QuarantineReason::UnderAge,
    QuarantineReason::InvalidRenewalMonth,
    QuarantineReason::InvalidFlag,
    QuarantineReason::InvalidCollectionDate,
    QuarantineReason::DuplicateRecordId,
    QuarantineReason::ValueTooLong,
];

impl std::fmt::Display for QuarantineReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}
