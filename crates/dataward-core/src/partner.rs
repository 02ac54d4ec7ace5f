//! Partners (the sources of data) and clients (the recipients): channels, statuses, contracts.

use serde::Serialize;

/// How a partner collected its records from consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Competition,
    ComparisonSite,
    LifestyleClub,
    OfferSite,
    Direct,
    CallCentre,
    ClientUpload,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Competition,
        Channel::ComparisonSite,
        Channel::LifestyleClub,
        Channel::OfferSite,
        Channel::Direct,
        Channel::CallCentre,
        Channel::ClientUpload,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Competition => "competition",
            Channel::ComparisonSite => "comparison_site",
            Channel::LifestyleClub => "lifestyle_club",
            Channel::OfferSite => "offer_site",
            Channel::Direct => "direct",
            Channel::CallCentre => "call_centre",
            Channel::ClientUpload => "client_upload",
        }
    }
    /// Accepts the snake_case name, or the same with spaces or hyphens.
    pub fn parse(text: &str) -> Result<Channel, UnknownName> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| UnknownName::new("collection channel", text, Self::ALL.map(Channel::as_str)))
    }
}

/// Whether a partner's data may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    /// Data in active use.
    Active,
    /// The partner withdrew or stopped working with the operator: nothing of it is released.
    Withdrawn,
}

impl PartnerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerStatus::Active => "active",
            PartnerStatus::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(text: &str) -> Result<PartnerStatus, UnknownName> {
        match text {
            "active" => Ok(PartnerStatus::Active),
            "withdrawn" => Ok(PartnerStatus::Withdrawn),
            _ => Err(UnknownName::new("partner status", text, ["active", "withdrawn"])),
        }
    }
}

/// How a partner's file replaces or adds to what it sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngestMode {
    /// The file is the partner's complete current data: its records absent from it are removed.
    Refresh,
    /// The file adds records to what the partner already supplied.
    Append,
}

impl IngestMode {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestMode::Refresh => "refresh",
            IngestMode::Append => "append",
        }
    }
    pub fn parse(text: &str) -> Result<IngestMode, UnknownName> {
        match text {
            "refresh" => Ok(IngestMode::Refresh),
            "append" => Ok(IngestMode::Append),
            _ => Err(UnknownName::new("ingest mode", text, ["refresh", "append"])),
        }
    }
}

/// A name that is not one of the accepted values, with the accepted values listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{given}`; expected one of: {}", expected.join(", "))]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: Vec<&'static str>,
}

impl UnknownName {
    pub fn new<const N: usize>(what: &'static str, given: &str, expected: [&'static str; N]) -> Self {
        UnknownName { what, given: given.to_string(), expected: expected.to_vec() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_parse_with_spaces_hyphens_or_underscores() {
        assert_eq!(Channel::parse("comparison site"), Ok(Channel::ComparisonSite));
        assert_eq!(Channel::parse("Call-Centre"), Ok(Channel::CallCentre));
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Ok(c));
        }
    }

    #[test]
    fn an_unknown_channel_lists_the_accepted_ones() {
        let err = Channel::parse("billboard").unwrap_err();
        assert!(err.to_string().contains("competition"), "{err}");
        assert!(err.to_string().contains("billboard"), "{err}");
    }

    #[test]
    fn modes_and_statuses_round_trip() {
        for m in [IngestMode::Refresh, IngestMode::Append] {
            assert_eq!(IngestMode::parse(m.as_str()), Ok(m));
        }
        for s in [PartnerStatus::Active, PartnerStatus::Withdrawn] {
            assert_eq!(PartnerStatus::parse(s.as_str()), Ok(s));
        }
        assert!(IngestMode::parse("merge").is_err());
    }
}
