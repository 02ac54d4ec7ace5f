//! A deployment's policy as configuration: the TOML profile.
//!
//! A profile declares the categories the deployment holds and those it must refuse at ingest, the
//! purposes it offers, the category × purpose matrix (each cell with its lawful basis and
//! conditions), explicit prohibitions from the privacy notice, retention and the storage region.
//! Every name is checked against the taxonomy; an unknown one is an error naming file, line and key.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::taxonomy::{Category, LawfulBasis, Purpose};

/// A condition a matrix cell attaches to a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Condition {
    /// Not released for this purpose when the person's name+address is on the Mail Preference Service.
    NotMpsRegistered,
    /// Not released when the number is on the Telephone Preference Service.
    NotTpsRegistered,
    /// Not released when the number is on the Corporate TPS.
    NotCtpsRegistered,
    /// Only the partner that captured the consent may use it (host emailing), never another source.
    ConsentHoldingPartnerOnly,
    /// Every message must carry an unsubscribe route.
    UnsubscribeRequired,
    /// The value is a flag only (never data about children).
    FlagOnly,
}

impl Condition {
    pub const ALL: [Condition; 6] = [
        Condition::NotMpsRegistered,
        Condition::NotTpsRegistered,
        Condition::NotCtpsRegistered,
        Condition::ConsentHoldingPartnerOnly,
        Condition::UnsubscribeRequired,
        Condition::FlagOnly,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::NotMpsRegistered => "not_mps_registered",
            Condition::NotTpsRegistered => "not_tps_registered",
            Condition::NotCtpsRegistered => "not_ctps_registered",
            Condition::ConsentHoldingPartnerOnly => "consent_holding_partner_only",
            Condition::UnsubscribeRequired => "unsubscribe_required",
            Condition::FlagOnly => "flag_only",
        }
    }
    pub fn parse(name: &str) -> Option<Condition> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// How the deadline for answering a rights request is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponsePeriod {
    /// One calendar month from receipt (UK rule: to the corresponding day, or the month's last day).
    CalendarMonth,
    /// A fixed number of days (e.g. 28).
    Days(u16),
}

/// One cell group of the matrix: a category released for some purposes on a basis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub category: Category,
    pub purposes: Vec<Purpose>,
    pub basis: LawfulBasis,
    pub conditions: Vec<Condition>,
}

/// A purpose a category must never be released for, with the notice's words for why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prohibition {
    pub category: Category,
    pub purposes: Vec<Purpose>,
    pub reason: String,
}

/// Thresholds for identity resolution, as match probabilities.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkageThresholds {
    pub link: f64,
    pub possible: f64,
}

/// A validated profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    pub description: String,
    pub region: String,
    pub held: Vec<Category>,
    pub refused: Vec<Category>,
    /// Categories released alongside any other category of the same person (e.g. the name),
    /// on that category's basis.
    pub companions: Vec<Category>,
    pub purposes: Vec<Purpose>,
    pub rules: Vec<Rule>,
    pub prohibitions: Vec<Prohibition>,
    pub default_retention_days: u32,
    pub departed_partner_hold_days: u32,
    pub response_period: ResponsePeriod,
    pub linkage: LinkageThresholds,
}

/// Why a profile could not be loaded. Every variant says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("{file}:{line}: {message}")]
    Syntax { file: String, line: usize, message: String },
    #[error("{file}:{line}: unknown {kind} `{value}` in key `{key}`")]
    Unknown { file: String, line: usize, key: String, kind: &'static str, value: String },
    #[error("{file}:{line}: {message} (key `{key}`)")]
    Invalid { file: String, line: usize, key: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    #[serde(default)]
    description: String,
    region: String,
    held: Vec<Spanned<String>>,
    #[serde(default)]
    refused: Vec<Spanned<String>>,
    #[serde(default)]
    companions: Vec<Spanned<String>>,
    purposes: Vec<Spanned<String>>,
    #[serde(default, rename = "rule")]
    rules: Vec<RawRule>,
    #[serde(default, rename = "prohibition")]
    prohibitions: Vec<RawProhibition>,
    retention: RawRetention,
    rights: RawRights,
    #[serde(default)]
    linkage: Option<RawLinkage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    category: Spanned<String>,
    purposes: Vec<Spanned<String>>,
    basis: Spanned<String>,
    #[serde(default)]
    conditions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProhibition {
    category: Spanned<String>,
    purposes: Vec<Spanned<String>>,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRetention {
    default_days: u32,
    departed_partner_hold_days: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRights {
    response_period: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinkage {
    link_threshold: f64,
    possible_threshold: f64,
}

/// The profiles shipped with dataward, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    ("data-broker", include_str!("../../../profiles/data-broker.toml")),
    ("messaging-processor", include_str!("../../../profiles/messaging-processor.toml")),
    ("email-platform", include_str!("../../../profiles/email-platform.toml")),
    ("telecom-provider", include_str!("../../../profiles/telecom-provider.toml")),
    ("web-analytics", include_str!("../../../profiles/web-analytics.toml")),
];

struct Locator<'a> {
    file: &'a str,
    text: &'a str,
}

impl Locator<'_> {
    fn line(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count() + 1
    }
    fn unknown(&self, value: &Spanned<String>, key: String, kind: &'static str) -> ProfileError {
        ProfileError::Unknown {
            file: self.file.to_string(),
            line: self.line(&value.span()),
            key,
            kind,
            value: value.get_ref().clone(),
        }
    }
    fn invalid(&self, span: &Range<usize>, key: String, message: String) -> ProfileError {
        ProfileError::Invalid { file: self.file.to_string(), line: self.line(span), key, message }
    }
    fn category(&self, value: &Spanned<String>, key: String) -> Result<Category, ProfileError> {
        Category::parse(value.get_ref()).ok_or_else(|| self.unknown(value, key, "category"))
    }
    fn categories(&self, values: &[Spanned<String>], key: &str) -> Result<Vec<Category>, ProfileError> {
        values.iter().enumerate().map(|(i, v)| self.category(v, format!("{key}[{i}]"))).collect()
    }
    fn purposes(&self, values: &[Spanned<String>], key: &str) -> Result<Vec<Purpose>, ProfileError> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| Purpose::parse(v.get_ref()).ok_or_else(|| self.unknown(v, format!("{key}[{i}]"), "purpose")))
            .collect()
    }
}

impl Profile {
    /// Loads one of the shipped profiles by name (`data-broker`, ...).
    pub fn builtin(name: &str) -> Option<Result<Profile, ProfileError>> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Profile::from_toml(&format!("profiles/{n}.toml"), text))
    }

    /// Parses and validates a profile. `file` is only used in error messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Profile, ProfileError> {
        let at = Locator { file, text };
        let raw: RawProfile = toml::from_str(text).map_err(|e| ProfileError::Syntax {
            file: file.to_string(),
            line: e.span().map(|s| at.line(&s)).unwrap_or(1),
            message: e.message().trim().to_string(),
        })?;
        let held = at.categories(&raw.held, "held")?;
        let refused = at.categories(&raw.refused, "refused")?;
        let companions = at.categories(&raw.companions, "companions")?;
        let purposes = at.purposes(&raw.purposes, "purposes")?;
        for (i, cat) in held.iter().enumerate() {
            if let Some(r) = refused.iter().find(|r| cat.is_within(**r)) {
                return Err(at.invalid(
                    &raw.held[i].span(),
                    format!("held[{i}]"),
                    format!("`{cat}` is both held and refused (within `{r}`)"),
                ));
            }
        }
        let mut rules = Vec::new();
        for (i, r) in raw.rules.iter().enumerate() {
            let key = format!("rule[{i}]");
            let category = at.category(&r.category, format!("{key}.category"))?;
            if !held.contains(&category) {
                return Err(at.invalid(
                    &r.category.span(),
                    format!("{key}.category"),
                    format!("`{category}` has a rule but is not in `held`"),
                ));
            }
            let rule_purposes = at.purposes(&r.purposes, &format!("{key}.purposes"))?;
            for (j, p) in rule_purposes.iter().enumerate() {
                if !purposes.contains(p) {
                    return Err(at.invalid(
                        &r.purposes[j].span(),
                        format!("{key}.purposes[{j}]"),
                        format!("purpose `{p}` is not declared in `purposes`"),
                    ));
                }
            }
            let basis = LawfulBasis::parse(r.basis.get_ref())
                .ok_or_else(|| at.unknown(&r.basis, format!("{key}.basis"), "lawful basis"))?;
            let conditions = r
                .conditions
                .iter()
                .enumerate()
                .map(|(j, c)| {
                    Condition::parse(c.get_ref())
                        .ok_or_else(|| at.unknown(c, format!("{key}.conditions[{j}]"), "condition"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            rules.push(Rule { category, purposes: rule_purposes, basis, conditions });
        }
        let mut prohibitions = Vec::new();
        for (i, p) in raw.prohibitions.iter().enumerate() {
            let key = format!("prohibition[{i}]");
            let category = at.category(&p.category, format!("{key}.category"))?;
            let banned = at.purposes(&p.purposes, &format!("{key}.purposes"))?;
            for (j, purpose) in banned.iter().enumerate() {
                if rules.iter().any(|r| r.category == category && r.purposes.contains(purpose)) {
                    return Err(at.invalid(
                        &p.purposes[j].span(),
                        format!("{key}.purposes[{j}]"),
                        format!("a rule allows `{category}` for `{purpose}`, which this prohibition forbids"),
                    ));
                }
            }
            prohibitions.push(Prohibition { category, purposes: banned, reason: p.reason.clone() });
        }
        let response_period = parse_period(raw.rights.response_period.get_ref()).ok_or_else(|| {
            at.invalid(
                &raw.rights.response_period.span(),
                "rights.response_period".into(),
                "expected `calendar_month` or `N_days` (e.g. `28_days`)".into(),
            )
        })?;
        let linkage = match raw.linkage {
            Some(l)
                if !(0.0 < l.possible_threshold
                    && l.possible_threshold < l.link_threshold
                    && l.link_threshold < 1.0) =>
            {
                return Err(ProfileError::Invalid {
                    file: file.into(),
                    line: text.lines().position(|l| l.trim_start().starts_with("[linkage]")).map_or(1, |p| p + 1),
                    key: "linkage".into(),
                    message: "thresholds must satisfy 0 < possible_threshold < link_threshold < 1".into(),
                });
            }
            Some(l) => LinkageThresholds { link: l.link_threshold, possible: l.possible_threshold },
            None => LinkageThresholds { link: 0.999, possible: 0.9 },
        };
        Ok(Profile {
            name: raw.name,
            description: raw.description,
            region: raw.region,
            held,
            refused,
            companions,
            purposes,
            rules,
            prohibitions,
            default_retention_days: raw.retention.default_days,
            departed_partner_hold_days: raw.retention.departed_partner_hold_days,
            response_period,
            linkage,
        })
    }

    /// Whether the deployment must refuse this category at ingest (directly or via a parent).
    pub fn refuses(&self, category: Category) -> bool {
        self.refused.iter().any(|r| category.is_within(*r))
    }

    /// Whether the deployment may hold this category at all.
    pub fn holds(&self, category: Category) -> bool {
        self.held.contains(&category)
    }

    /// The matrix cell for a category and purpose, if the profile allows it at all.
    pub fn rule_for(&self, category: Category, purpose: Purpose) -> Option<&Rule> {
        self.rules.iter().find(|r| r.category == category && r.purposes.contains(&purpose))
    }

    /// The prohibition covering a category and purpose, if the notice explicitly excludes it.
    pub fn prohibition_for(&self, category: Category, purpose: Purpose) -> Option<&Prohibition> {
        self.prohibitions.iter().find(|p| p.category == category && p.purposes.contains(&purpose))
    }

    /// The whole matrix as (category, purpose) → rule, for display.
    pub fn matrix(&self) -> BTreeMap<(Category, Purpose), &Rule> {
        let mut m = BTreeMap::new();
        for r in &self.rules {
            for p in &r.purposes {
                m.insert((r.category, *p), r);
            }
        }
        m
    }
}

fn parse_period(text: &str) -> Option<ResponsePeriod> {
    if text == "calendar_month" {
        return Some(ResponsePeriod::CalendarMonth);
    }
    let days = text.strip_suffix("_days")?.parse::<u16>().ok()?;
    (1..=92).contains(&days).then_some(ResponsePeriod::Days(days))
}

#[cfg(test)]
mod tests;
