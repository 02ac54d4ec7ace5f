//! The words of screening: which register, which identifier, why a suppression, for which channel.
//!
//! Every name has a stable snake_case form (`as_str`) used in the store, on the command line and
//! in reason codes, and a `parse` that lists the accepted names when it fails.

use serde::Serialize;

use crate::partner::UnknownName;

/// A preference register published by the regulator's contractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// Telephone Preference Service: individuals' numbers that must not get live marketing calls.
    Tps,
    /// Corporate TPS: the same for organisations' numbers.
    Ctps,
    /// Mailing Preference Service: names at addresses that must not get addressed marketing post.
    Mps,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 3] = [RegisterKind::Tps, RegisterKind::Ctps, RegisterKind::Mps];

    pub fn as_str(self) -> &'static str {
        match self {
            RegisterKind::Tps => "tps",
            RegisterKind::Ctps => "ctps",
            RegisterKind::Mps => "mps",
        }
    }

    pub fn parse(text: &str) -> Result<RegisterKind, UnknownName> {
        let wanted = text.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownName::new("register", text, Self::ALL.map(RegisterKind::as_str)))
    }

    /// The identifier a register lists: numbers for TPS and CTPS, name + address for MPS.
    pub fn identifier(self) -> IdentifierKind {
        match self {
            RegisterKind::Tps | RegisterKind::Ctps => IdentifierKind::Phone,
            RegisterKind::Mps => IdentifierKind::NameAddress,
        }
    }

    /// The contact channel a register governs: live calls for TPS and CTPS, post for MPS.
    pub fn channel(self) -> ContactChannel {
        match self {
            RegisterKind::Tps | RegisterKind::Ctps => ContactChannel::Phone,
            RegisterKind::Mps => ContactChannel::Post,
        }
    }
}

/// How a register file changes the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadMode {
    /// The file is the whole register: entries absent from it are removed.
    Full,
    /// The file lists additions and removals since the last load.
    Delta,
}

impl LoadMode {
    pub fn as_str(self) -> &'static str {
        match self {
            LoadMode::Full => "full",
            LoadMode::Delta => "delta",
        }
    }

    pub fn parse(text: &str) -> Result<LoadMode, UnknownName> {
        match text.trim().to_ascii_lowercase().as_str() {
            "full" => Ok(LoadMode::Full),
            "delta" => Ok(LoadMode::Delta),
            _ => Err(UnknownName::new("register load mode", text, ["full", "delta"])),
        }
    }
}

/// The kind of identifier a digest was computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Email,
    Phone,
    /// Surname + postcode + premise (see `keys::name_address_key`).
    NameAddress,
}

impl IdentifierKind {
    pub const ALL: [IdentifierKind; 3] = [IdentifierKind::Email, IdentifierKind::Phone, IdentifierKind::NameAddress];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentifierKind::Email => "email",
            IdentifierKind::Phone => "phone",
            IdentifierKind::NameAddress => "name_address",
        }
    }

    pub fn parse(text: &str) -> Result<IdentifierKind, UnknownName> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownName::new("identifier kind", text, Self::ALL.map(IdentifierKind::as_str)))
    }
}

/// Why the operator suppresses an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    /// The person asked not to be contacted (an unsubscribe, "remove me").
    OptOut,
    /// The person objected to processing (Art. 21): stops every legitimate-interests use.
    Objection,
    /// The person's data was erased; the digest stops a partner's next file bringing it back.
    Erasure,
    /// The person withdrew the consent a consent-based use relied on.
    ConsentWithdrawn,
}

impl SuppressionReason {
    pub const ALL: [SuppressionReason; 4] = [
        SuppressionReason::OptOut,
        SuppressionReason::Objection,
        SuppressionReason::Erasure,
        SuppressionReason::ConsentWithdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::OptOut => "opt_out",
            SuppressionReason::Objection => "objection",
            SuppressionReason::Erasure => "erasure",
            SuppressionReason::ConsentWithdrawn => "consent_withdrawn",
        }
    }

    pub fn parse(text: &str) -> Result<SuppressionReason, UnknownName> {
        let wanted = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| UnknownName::new("suppression reason", text, Self::ALL.map(SuppressionReason::as_str)))
    }
}

/// A way of contacting a person that a register or suppression can block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    Email,
    /// Voice calls (live or automated).
    Phone,
    Post,
    Sms,
}

impl ContactChannel {
    pub const ALL: [ContactChannel; 4] =
        [ContactChannel::Email, ContactChannel::Phone, ContactChannel::Post, ContactChannel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            ContactChannel::Email => "email",
            ContactChannel::Phone => "phone",
            ContactChannel::Post => "post",
            ContactChannel::Sms => "sms",
        }
    }
}

/// Which channels a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum Scope {
    /// Every channel.
    All,
    /// One channel only.
    Channel(ContactChannel),
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Channel(c) => c.as_str(),
        }
    }

    pub fn parse(text: &str) -> Result<Scope, UnknownName> {
        let wanted = text.trim().to_ascii_lowercase();
        if wanted == "all" {
            return Ok(Scope::All);
        }
        ContactChannel::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .map(Scope::Channel)
            .ok_or_else(|| UnknownName::new("suppression scope", text, ["all", "email", "phone", "post", "sms"]))
    }

    /// Whether contact through `channel` is covered.
    pub fn covers(self, channel: ContactChannel) -> bool {
        match self {
            Scope::All => true,
            Scope::Channel(c) => c == channel,
        }
    }
}

impl From<Scope> for String {
    fn from(scope: Scope) -> String {
        scope.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_through_parse() {
        for k in RegisterKind::ALL {
            assert_eq!(RegisterKind::parse(k.as_str()), Ok(k));
        }
        for r in SuppressionReason::ALL {
            assert_eq!(SuppressionReason::parse(r.as_str()), Ok(r));
        }
        for i in IdentifierKind::ALL {
            assert_eq!(IdentifierKind::parse(i.as_str()), Ok(i));
        }
        for s in [Scope::All, Scope::Channel(ContactChannel::Sms), Scope::Channel(ContactChannel::Post)] {
            assert_eq!(Scope::parse(s.as_str()), Ok(s));
        }
        assert_eq!(LoadMode::parse("Delta"), Ok(LoadMode::Delta));
    }

    #[test]
    fn an_unknown_reason_lists_the_accepted_ones() {
        let err = SuppressionReason::parse("dislike").unwrap_err().to_string();
        assert!(err.contains("opt_out, objection, erasure, consent_withdrawn"), "{err}");
        assert!(RegisterKind::parse("fps").is_err());
    }

    #[test]
    fn a_channel_scope_covers_only_its_channel_and_all_covers_every_one() {
        let email = Scope::Channel(ContactChannel::Email);
        assert!(email.covers(ContactChannel::Email));
        assert!(!email.covers(ContactChannel::Post));
        assert!(ContactChannel::ALL.into_iter().all(|c| Scope::All.covers(c)));
    }

    #[test]
    fn tps_governs_phone_calls_and_mps_governs_post() {
        assert_eq!(RegisterKind::Tps.channel(), ContactChannel::Phone);
        assert_eq!(RegisterKind::Ctps.identifier(), IdentifierKind::Phone);
        assert_eq!(RegisterKind::Mps.channel(), ContactChannel::Post);
        assert_eq!(RegisterKind::Mps.identifier(), IdentifierKind::NameAddress);
    }
}
