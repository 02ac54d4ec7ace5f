//! The vocabulary: data categories, purposes and lawful bases.
//!
//! Category names follow the fideslang privacy taxonomy (CC BY 4.0) where it has a name, extended
//! with the categories the seed businesses need. A profile may only use names listed here, so a typo
//! in a profile is an error rather than a silently unmatched rule.

use serde::{Serialize, Serializer};

/// A data category from the taxonomy (e.g. `user.contact.email`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category(&'static str);

impl Category {
    /// Looks a dotted name up in the taxonomy.
    pub fn parse(name: &str) -> Option<Category> {
        categories::ALL.iter().copied().find(|c| c.0 == name)
    }
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Debug for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}
impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}
impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

/// The known data categories.
pub mod categories {
    use super::Category;
    pub const NAME: Category = Category("user.name");
    pub const ADDRESS: Category = Category("user.contact.address");
    pub const EMAIL: Category = Category("user.contact.email");
    pub const PHONE: Category = Category("user.contact.phone_number");
    pub const DATE_OF_BIRTH: Category = Category("user.demographic.date_of_birth");
    pub const LIFESTYLE: Category = Category("user.demographic.lifestyle");
    pub const INSURANCE_RENEWAL_MONTH: Category = Category("user.demographic.insurance_renewal_month");
    pub const CHILDREN_PRESENT: Category = Category("user.demographic.children_present");
    pub const CUSTOMER_REFERENCE: Category = Category("user.unique_id");
    pub const POSTCODE_OUTWARD: Category = Category("user.location.postcode_outward");
    pub const IP_ADDRESS: Category = Category("user.device.ip_address");
    pub const BROWSING: Category = Category("user.behavior.browsing_history");
    pub const CALL_RECORDS: Category = Category("user.telecom.call_records");
    pub const CALL_RECORDINGS: Category = Category("user.telecom.call_recordings");
    pub const ACCOUNT: Category = Category("user.account");
    pub const PAYMENT: Category = Category("user.financial.payment");
    pub const BANK_ACCOUNT: Category = Category("user.financial.bank_account");
    pub const FINANCIAL: Category = Category("user.financial");
    pub const CREDIT_SCORE: Category = Category("user.financial.credit_score");
    pub const CREDIT_HISTORY: Category = Category("user.financial.credit_history");
    pub const HEALTH: Category = Category("user.health_and_medical");
    pub const POLITICAL: Category = Category("user.political_opinion");
    pub const RELIGION: Category = Category("user.religious_belief");
    pub const SEXUAL_ORIENTATION: Category = Category("user.sexual_orientation");
    pub const CHILDREN: Category = Category("user.childrens");
    pub const NATIONALITY: Category = Category("user.demographic.nationality");
    pub const MOTHERS_MAIDEN_NAME: Category = Category("user.authorization.mothers_maiden_name");

    /// Every category the taxonomy knows.
    pub const ALL: &[Category] = &[
        NAME,
        ADDRESS,
        EMAIL,
        PHONE,
        DATE_OF_BIRTH,
        LIFESTYLE,
        INSURANCE_RENEWAL_MONTH,
        CHILDREN_PRESENT,
        CUSTOMER_REFERENCE,
        POSTCODE_OUTWARD,
        IP_ADDRESS,
        BROWSING,
        CALL_RECORDS,
        CALL_RECORDINGS,
        ACCOUNT,
        PAYMENT,
        BANK_ACCOUNT,
        FINANCIAL,
        CREDIT_SCORE,
        CREDIT_HISTORY,
        HEALTH,
        POLITICAL,
        RELIGION,
        SEXUAL_ORIENTATION,
        CHILDREN,
        NATIONALITY,
        MOTHERS_MAIDEN_NAME,
    ];
}

impl Category {
    /// Whether `self` is `other` or sits below it in the dotted hierarchy
    /// (`user.financial.credit_score` is within `user.financial`).
    pub fn is_within(self, other: Category) -> bool {
        self.0 == other.0 || (self.0.starts_with(other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'.'))
    }
}

/// A purpose of processing (e.g. `tracing`, `marketing.post`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purpose(&'static str);

impl Purpose {
    pub fn parse(name: &str) -> Option<Purpose> {
        purposes::ALL.iter().copied().find(|p| p.0 == name)
    }
    pub fn as_str(self) -> &'static str {
        self.0
    }
    /// Direct marketing purposes (an objection to direct marketing stops all of these).
    pub fn is_direct_marketing(self) -> bool {
        self.0.starts_with("marketing.")
    }
}

impl std::fmt::Debug for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}
impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}
impl Serialize for Purpose {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}
impl<'de> serde::Deserialize<'de> for Purpose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Purpose::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown purpose `{name}`")))
    }
}

/// The known purposes.
pub mod purposes {
    use super::Purpose;
    pub const IDENTITY_VERIFICATION: Purpose = Purpose("identity_verification");
    pub const FRAUD_PREVENTION: Purpose = Purpose("fraud_prevention");
    pub const DEBT_RECOVERY: Purpose = Purpose("debt_recovery");
    pub const REVENUE_COLLECTION: Purpose = Purpose("revenue_collection");
    pub const TRACING: Purpose = Purpose("tracing");
    pub const CREDIT_RISK: Purpose = Purpose("credit_risk");
    pub const AFFORDABILITY_VULNERABILITY: Purpose = Purpose("affordability_vulnerability");
    pub const DATA_ENHANCEMENT: Purpose = Purpose("data_enhancement");
    pub const CUSTOMER_ACQUISITION: Purpose = Purpose("customer_acquisition");
    pub const MARKETING_POST: Purpose = Purpose("marketing.post");
    pub const MARKETING_LIVE_CALL: Purpose = Purpose("marketing.live_call");
    pub const MARKETING_EMAIL: Purpose = Purpose("marketing.email");
    pub const MARKETING_SMS: Purpose = Purpose("marketing.sms");
    pub const MARKETING_AUTOMATED_CALL: Purpose = Purpose("marketing.automated_call");
    pub const DIGITAL_AUDIENCES: Purpose = Purpose("digital_audiences");
    pub const LAW_ENFORCEMENT: Purpose = Purpose("law_enforcement");
    pub const ACCOUNT_REMINDERS: Purpose = Purpose("account_reminders");
    pub const CALL_CENTRE_TRANSFER: Purpose = Purpose("call_centre_transfer");
    pub const INCOMPLETE_APPLICATIONS: Purpose = Purpose("incomplete_applications");
    pub const SERVICE_DELIVERY: Purpose = Purpose("service_delivery");
    pub const BILLING: Purpose = Purpose("billing");
    pub const CUSTOMER_SUPPORT: Purpose = Purpose("customer_support");
    pub const TRAINING_AND_QUALITY: Purpose = Purpose("training_and_quality");
    pub const ANALYTICS: Purpose = Purpose("analytics");
    pub const PERSONALISATION: Purpose = Purpose("personalisation");

    /// Every purpose the vocabulary knows.
    pub const ALL: &[Purpose] = &[
        IDENTITY_VERIFICATION,
        FRAUD_PREVENTION,
        DEBT_RECOVERY,
        REVENUE_COLLECTION,
        TRACING,
        CREDIT_RISK,
        AFFORDABILITY_VULNERABILITY,
        DATA_ENHANCEMENT,
        CUSTOMER_ACQUISITION,
        MARKETING_POST,
        MARKETING_LIVE_CALL,
        MARKETING_EMAIL,
        MARKETING_SMS,
        MARKETING_AUTOMATED_CALL,
        DIGITAL_AUDIENCES,
        LAW_ENFORCEMENT,
        ACCOUNT_REMINDERS,
        CALL_CENTRE_TRANSFER,
        INCOMPLETE_APPLICATIONS,
        SERVICE_DELIVERY,
        BILLING,
        CUSTOMER_SUPPORT,
        TRAINING_AND_QUALITY,
        ANALYTICS,
        PERSONALISATION,
    ];
}

/// The six lawful bases of UK GDPR Art. 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LawfulBasis {
    Consent,
    Contract,
    LegalObligation,
    VitalInterests,
    PublicTask,
    LegitimateInterests,
}

impl LawfulBasis {
    pub const ALL: [LawfulBasis; 6] = [
        LawfulBasis::Consent,
        LawfulBasis::Contract,
        LawfulBasis::LegalObligation,
        LawfulBasis::VitalInterests,
        LawfulBasis::PublicTask,
        LawfulBasis::LegitimateInterests,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            LawfulBasis::Consent => "consent",
            LawfulBasis::Contract => "contract",
            LawfulBasis::LegalObligation => "legal_obligation",
            LawfulBasis::VitalInterests => "vital_interests",
            LawfulBasis::PublicTask => "public_task",
            LawfulBasis::LegitimateInterests => "legitimate_interests",
        }
    }
    pub fn parse(name: &str) -> Option<LawfulBasis> {
        Self::ALL.into_iter().find(|b| b.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_parses_back_from_its_name() {
        for c in categories::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        assert_eq!(Category::parse("user.contact.emial"), None);
    }

    #[test]
    fn credit_score_is_within_financial_but_not_the_reverse() {
        assert!(categories::CREDIT_SCORE.is_within(categories::FINANCIAL));
        assert!(!categories::FINANCIAL.is_within(categories::CREDIT_SCORE));
        assert!(!categories::NAME.is_within(Category("user.na")));
    }

    #[test]
    fn only_marketing_purposes_are_direct_marketing() {
        assert!(purposes::MARKETING_POST.is_direct_marketing());
        assert!(!purposes::TRACING.is_direct_marketing());
    }
}
