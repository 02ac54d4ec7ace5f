//! The facts a decision is made from: the request, the person's state and one value's provenance.
//!
//! None of these types holds a personal value: the policy decides about a value without seeing it.
//! The caller loads the facts (contract, rights state, register and suppression lookups) first.

use super::scope::{ChannelSet, MarketingChannel};
use crate::partner::PartnerStatus;
use crate::taxonomy::{Category, Purpose};

/// What a client has contracted for: the purposes it may request, and purposes its contract
/// explicitly rules out (an exclusion wins over an inclusion).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientContract {
    pub purposes: Vec<Purpose>,
    pub excluded: Vec<Purpose>,
}

impl ClientContract {
    /// A contract for these purposes with no explicit exclusions.
    pub fn for_purposes(purposes: impl IntoIterator<Item = Purpose>) -> ClientContract {
        ClientContract { purposes: purposes.into_iter().collect(), excluded: Vec::new() }
    }
    /// The same contract with `purpose` explicitly excluded.
    pub fn excluding(mut self, purpose: Purpose) -> ClientContract {
        self.excluded.push(purpose);
        self
    }
    pub fn includes(&self, purpose: Purpose) -> bool {
        self.purposes.contains(&purpose)
    }
    pub fn excludes(&self, purpose: Purpose) -> bool {
        self.excluded.contains(&purpose)
    }
}

/// How the released values will be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery<'a> {
    /// The client receives the values (trace, append, extract).
    ToClient,
    /// Host emailing: the message is sent in the name of the partner holding the consent (the
    /// seeds: "emails ... will be identified as having originated from the source you provided
    /// consent to"). `partner` is that partner's id.
    HostedBy { partner: &'a str },
}

/// One client request for one purpose.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub purpose: Purpose,
    pub contract: &'a ClientContract,
    pub delivery: Delivery<'a>,
    /// Every message of this use carries an unsubscribe route (needed by `unsubscribe_required`).
    pub unsubscribe_route: bool,
}

impl<'a> Request<'a> {
    /// A client receiving values for `purpose`, without an unsubscribe route.
    pub fn to_client(purpose: Purpose, contract: &'a ClientContract) -> Request<'a> {
        Request { purpose, contract, delivery: Delivery::ToClient, unsubscribe_route: false }
    }
    /// Host emailing in the name of `partner`, with an unsubscribe link in every email.
    pub fn host_emailing(purpose: Purpose, contract: &'a ClientContract, partner: &'a str) -> Request<'a> {
        Request { purpose, contract, delivery: Delivery::HostedBy { partner }, unsubscribe_route: true }
    }
}

/// What the person has objected to (UK GDPR Art. 21).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Objection {
    /// Objected to processing on legitimate interests: stops every use on that basis.
    pub legitimate_interests: bool,
    /// Objected to direct marketing: stops every direct-marketing purpose on any basis.
    pub direct_marketing: bool,
}

/// Consent the person withdrew.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Withdrawals {
    /// Withdrew every consent: stops every consent-based use.
    pub all: bool,
    /// Unsubscribed from these channels: stops that channel's marketing purpose (on consent it is
    /// a consent withdrawal, on legitimate interests an objection to that channel). An unsubscribe
    /// from one sender counts for every sender of that channel.
    pub unsubscribed: ChannelSet,
}

impl Withdrawals {
    pub fn channel(channel: MarketingChannel) -> Withdrawals {
        Withdrawals { all: false, unsubscribed: ChannelSet::EMPTY.with(channel) }
    }
}

/// The person's rights state, as recorded by the operator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubjectState {
    /// Processing is restricted (Art. 18): nothing is released.
    pub restricted: bool,
    /// One of the person's identifiers hit the operator's suppression list (opt-out or erasure):
    /// nothing is released.
    pub suppressed: bool,
    pub objection: Objection,
    pub withdrawals: Withdrawals,
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    /// The source partner's id (not personal data).
    pub partner: &'a str,
    pub status: PartnerStatus,
    /// The partner captured the person's consent for this value's consent-based use (for an
    /// email: consent to email marketing, the file's `email_marketing_consent`).
    pub consent_captured: bool,
}

/// Register and suppression lookups for this one value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Screening {
    /// The value itself (e.g. this email) is on the suppression list.
    pub suppressed: bool,
    /// The name and this address are on the Mail Preference Service.
    pub mps: bool,
    /// This number is on the Telephone Preference Service.
    pub tps: bool,
    /// This number is on the Corporate Telephone Preference Service.
    pub ctps: bool,
}

/// One stored value as the policy sees it: its category and provenance, never its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueFacts<'a> {
    pub category: Category,
    pub source: Source<'a>,
    pub screening: Screening,
}
