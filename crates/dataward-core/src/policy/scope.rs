//! Which purposes a person's choices reach: marketing channels (for unsubscribes and consent
//! withdrawal per channel) and the purposes an objection to direct marketing covers.

use crate::taxonomy::{Purpose, purposes as p};

/// A direct-marketing channel a person can unsubscribe from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MarketingChannel {
    Post,
    LiveCall,
    Email,
    Sms,
    AutomatedCall,
}

impl MarketingChannel {
    pub const ALL: [MarketingChannel; 5] = [
        MarketingChannel::Post,
        MarketingChannel::LiveCall,
        MarketingChannel::Email,
        MarketingChannel::Sms,
        MarketingChannel::AutomatedCall,
    ];

    /// The channel a marketing purpose sends through (`marketing.email` → email); `None` for
    /// purposes that send nothing to the person.
    pub fn of(purpose: Purpose) -> Option<MarketingChannel> {
        match purpose {
            x if x == p::MARKETING_POST => Some(MarketingChannel::Post),
            x if x == p::MARKETING_LIVE_CALL => Some(MarketingChannel::LiveCall),
            x if x == p::MARKETING_EMAIL => Some(MarketingChannel::Email),
            x if x == p::MARKETING_SMS => Some(MarketingChannel::Sms),
            x if x == p::MARKETING_AUTOMATED_CALL => Some(MarketingChannel::AutomatedCall),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MarketingChannel::Post => "post",
            MarketingChannel::LiveCall => "live_call",
            MarketingChannel::Email => "email",
            MarketingChannel::Sms => "sms",
            MarketingChannel::AutomatedCall => "automated_call",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of marketing channels (e.g. those a person unsubscribed from).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct ChannelSet(u8);

impl ChannelSet {
    pub const EMPTY: ChannelSet = ChannelSet(0);

    pub fn with(self, channel: MarketingChannel) -> ChannelSet {
        ChannelSet(self.0 | channel.bit())
    }
    pub fn insert(&mut self, channel: MarketingChannel) {
        self.0 |= channel.bit();
    }
    pub fn contains(self, channel: MarketingChannel) -> bool {
        self.0 & channel.bit() != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = MarketingChannel> {
        MarketingChannel::ALL.into_iter().filter(move |c| self.contains(*c))
    }
}

impl FromIterator<MarketingChannel> for ChannelSet {
    fn from_iter<I: IntoIterator<Item = MarketingChannel>>(iter: I) -> ChannelSet {
        iter.into_iter().fold(ChannelSet::EMPTY, ChannelSet::with)
    }
}

impl std::fmt::Debug for ChannelSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter().map(MarketingChannel::as_str)).finish()
    }
}

/// Whether an objection to direct marketing covers this purpose: every `marketing.*` purpose, and
/// the list-building and profiling the broker's notice places under "efficient planning and
/// fulfilment of direct marketing campaigns" (`customer_acquisition`, `data_enhancement`,
/// `digital_audiences`). UK GDPR Art. 21(2)–(3): this objection is absolute, whatever the basis.
pub fn serves_direct_marketing(purpose: Purpose) -> bool {
    purpose.is_direct_marketing()
        || [p::CUSTOMER_ACQUISITION, p::DATA_ENHANCEMENT, p::DIGITAL_AUDIENCES].contains(&purpose)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_marketing_purpose_maps_to_its_own_channel_and_others_to_none() {
        assert_eq!(MarketingChannel::of(p::MARKETING_SMS), Some(MarketingChannel::Sms));
        assert_eq!(MarketingChannel::of(p::MARKETING_AUTOMATED_CALL), Some(MarketingChannel::AutomatedCall));
        assert_eq!(MarketingChannel::of(p::MARKETING_LIVE_CALL), Some(MarketingChannel::LiveCall));
        assert_eq!(MarketingChannel::of(p::MARKETING_POST), Some(MarketingChannel::Post));
        assert_eq!(MarketingChannel::of(p::MARKETING_EMAIL), Some(MarketingChannel::Email));
        assert_eq!(MarketingChannel::of(p::DEBT_RECOVERY), None);
        assert_eq!(MarketingChannel::of(p::CUSTOMER_ACQUISITION), None);
    }

    #[test]
    fn a_channel_set_holds_exactly_the_channels_put_in() {
        let set: ChannelSet = [MarketingChannel::Email, MarketingChannel::Sms].into_iter().collect();
        assert!(set.contains(MarketingChannel::Email) && set.contains(MarketingChannel::Sms));
        assert!(!set.contains(MarketingChannel::Post) && !set.contains(MarketingChannel::LiveCall));
        assert_eq!(format!("{set:?}"), r#"{"email", "sms"}"#);
        assert!(ChannelSet::EMPTY.is_empty());
    }

    #[test]
    fn direct_marketing_objection_covers_list_building_but_not_checks_or_collection() {
        for covered in [p::MARKETING_POST, p::MARKETING_EMAIL, p::CUSTOMER_ACQUISITION, p::DATA_ENHANCEMENT] {
            assert!(serves_direct_marketing(covered), "{covered}");
        }
        for not in [p::IDENTITY_VERIFICATION, p::FRAUD_PREVENTION, p::DEBT_RECOVERY, p::TRACING, p::LAW_ENFORCEMENT] {
            assert!(!serves_direct_marketing(not), "{not}");
        }
    }
}
