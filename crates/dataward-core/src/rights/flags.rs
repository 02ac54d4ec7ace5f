//! The rights state a completed request leaves on a person, as flags on each of its records, and
//! what those flags mean to the release policy.
//!
//! Flags are kept per source record (not per person) so they follow records through identity
//! resolution: a merge unites the flags of both persons, a split leaves each part the flags of its
//! own records, and a record a partner sends later joins a person whose flags still apply.

use std::collections::BTreeSet;

use super::kind::{ConsentScope, ObjectionScope, RequestKind};
use crate::policy::{ChannelSet, MarketingChannel, Objection, SubjectState, Withdrawals};

/// One piece of rights state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flag {
    /// Art. 18: processing restricted; nothing is released.
    Restricted,
    /// Art. 21(1): objected to processing on legitimate interests.
    ObjectedLegitimateInterests,
    /// Art. 21(2): objected to direct marketing.
    ObjectedDirectMarketing,
    /// Withdrew every consent.
    WithdrewAllConsent,
    /// Withdrew consent to one channel's marketing.
    WithdrewChannel(MarketingChannel),
}

impl Flag {
    pub fn as_str(self) -> String {
        match self {
            Flag::Restricted => "restricted".into(),
            Flag::ObjectedLegitimateInterests => "objected_legitimate_interests".into(),
            Flag::ObjectedDirectMarketing => "objected_direct_marketing".into(),
            Flag::WithdrewAllConsent => "withdrew_all_consent".into(),
            Flag::WithdrewChannel(c) => format!("withdrew:{}", c.as_str()),
        }
    }

    pub fn parse(text: &str) -> Option<Flag> {
        match text {
            "restricted" => Some(Flag::Restricted),
            "objected_legitimate_interests" => Some(Flag::ObjectedLegitimateInterests),
            "objected_direct_marketing" => Some(Flag::ObjectedDirectMarketing),
            "withdrew_all_consent" => Some(Flag::WithdrewAllConsent),
            _ => {
                let channel = text.strip_prefix("withdrew:")?;
                MarketingChannel::ALL.into_iter().find(|c| c.as_str() == channel).map(Flag::WithdrewChannel)
            }
        }
    }
}

/// What completing a request does to the person's flags.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FlagChange {
    pub set: Vec<Flag>,
    pub clear: Vec<Flag>,
}

/// The flags a completed request of `kind` sets or clears. Access, portability, rectification and
/// erasure change no flag (erasure removes the records and suppresses their identifiers instead).
pub fn flag_change(kind: RequestKind) -> FlagChange {
    let set = |flag| FlagChange { set: vec![flag], clear: vec![] };
    match kind {
        RequestKind::Restriction => set(Flag::Restricted),
        RequestKind::LiftRestriction => FlagChange { set: vec![], clear: vec![Flag::Restricted] },
        RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests } => {
            FlagChange { set: vec![Flag::ObjectedLegitimateInterests, Flag::ObjectedDirectMarketing], clear: vec![] }
        }
        RequestKind::Objection { scope: ObjectionScope::DirectMarketing } => set(Flag::ObjectedDirectMarketing),
        RequestKind::ConsentWithdrawal { scope: ConsentScope::AllConsent } => set(Flag::WithdrewAllConsent),
        RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(purpose) } => match MarketingChannel::of(purpose)
        {
            Some(channel) => set(Flag::WithdrewChannel(channel)),
            // Consent to a purpose that contacts no one cannot be narrowed to a channel: it is
            // withdrawn entirely, which is the reading that protects the person.
            None => set(Flag::WithdrewAllConsent),
        },
        RequestKind::Access | RequestKind::Portability | RequestKind::Rectification | RequestKind::Erasure => {
            FlagChange::default()
        }
    }
}

/// The policy's view of a person with these flags (`suppressed` is screening's business).
pub fn subject_state(flags: &BTreeSet<Flag>) -> SubjectState {
    let mut unsubscribed = ChannelSet::EMPTY;
    for flag in flags {
        if let Flag::WithdrewChannel(c) = flag {
            unsubscribed.insert(*c);
        }
    }
    SubjectState {
        restricted: flags.contains(&Flag::Restricted),
        suppressed: false,
        objection: Objection {
            legitimate_interests: flags.contains(&Flag::ObjectedLegitimateInterests),
            direct_marketing: flags.contains(&Flag::ObjectedDirectMarketing),
        },
        withdrawals: Withdrawals { all: flags.contains(&Flag::WithdrewAllConsent), unsubscribed },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::purposes;

    fn all_flags() -> Vec<Flag> {
        let mut flags = vec![
            Flag::Restricted,
            Flag::ObjectedLegitimateInterests,
            Flag::ObjectedDirectMarketing,
            Flag::WithdrewAllConsent,
        ];
        flags.extend(MarketingChannel::ALL.map(Flag::WithdrewChannel));
        flags
    }

    #[test]
    fn every_flag_round_trips_through_its_name() {
        for flag in all_flags() {
            assert_eq!(Flag::parse(&flag.as_str()), Some(flag), "{flag:?}");
        }
        assert_eq!(Flag::parse("withdrew:pigeon"), None);
        assert_eq!(Flag::parse(""), None);
    }

    #[test]
    fn restriction_sets_and_lifting_clears_the_restricted_flag() {
        assert_eq!(flag_change(RequestKind::Restriction).set, vec![Flag::Restricted]);
        assert_eq!(flag_change(RequestKind::LiftRestriction).clear, vec![Flag::Restricted]);
        assert!(flag_change(RequestKind::LiftRestriction).set.is_empty());
    }

    #[test]
    fn an_objection_to_legitimate_interests_also_stops_direct_marketing() {
        let change = flag_change(RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests });
        let state = subject_state(&change.set.into_iter().collect());
        assert!(state.objection.legitimate_interests && state.objection.direct_marketing);
        let change = flag_change(RequestKind::Objection { scope: ObjectionScope::DirectMarketing });
        let state = subject_state(&change.set.into_iter().collect());
        assert!(!state.objection.legitimate_interests && state.objection.direct_marketing);
    }

    #[test]
    fn withdrawing_consent_to_a_marketing_purpose_unsubscribes_its_channel_only() {
        let kind = RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(purposes::MARKETING_EMAIL) };
        let state = subject_state(&flag_change(kind).set.into_iter().collect());
        assert!(state.withdrawals.unsubscribed.contains(MarketingChannel::Email));
        assert!(!state.withdrawals.unsubscribed.contains(MarketingChannel::Post));
        assert!(!state.withdrawals.all);
    }

    #[test]
    fn withdrawing_consent_to_a_purpose_without_a_channel_withdraws_all_consent() {
        let kind = RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(purposes::TRACING) };
        assert_eq!(flag_change(kind).set, vec![Flag::WithdrewAllConsent]);
    }

    #[test]
    fn requests_that_act_on_data_change_no_flag() {
        for kind in [RequestKind::Access, RequestKind::Portability, RequestKind::Rectification, RequestKind::Erasure] {
            assert_eq!(flag_change(kind), FlagChange::default());
        }
        assert_eq!(subject_state(&BTreeSet::new()), SubjectState::default());
    }
}
