//! The release service: from a client's question to an answer the policy allows, with the
//! request, every decision and every disclosure recorded before anything is returned.
//!
//! Steps, the same for `verify` and `trace`:
//! 1. the purpose must be offered by the profile and contracted by the client (else 403);
//! 2. the subject is matched with the identity engine; below the link band nothing is disclosed;
//! 3. each value the person's records hold is screened (TPS, CTPS, MPS, suppression list) and
//!    decided by `dataward_core::policy`;
//! 4. the request, its decisions (for `explain`) and its ledger rows are written in one
//!    transaction; only then is the answer built. If the write fails, the caller gets an error and
//!    nothing is released.

use std::collections::HashSet;

use dataward_core::keys::{Digest, Indexer};
use dataward_core::linkage::{Band, MatchField, MatchRecord, Outcome, RecordParts};
use dataward_core::partner::PartnerStatus;
use dataward_core::policy::{
    ClientContract, Decided, Decision, Request, Screening, Source, SubjectState, ValueFacts, decide_person,
};
use dataward_core::profile::Profile;
use dataward_core::screening::keys as screening_keys;
use dataward_core::screening::{
    ContactChannel, IdentifierKind, RegisterKind, Scope, email_key, name_address_key, phone_key,
};
use dataward_core::taxonomy::{Category, Purpose, categories};
use dataward_store::Store;
use dataward_store::clients::Client;
use dataward_store::decision_checks::DecisionChecks;
use dataward_store::linkage::PersonMatch;
use dataward_store::release::{Candidate, DecisionRecord, Disclosure, RequestRecord, SubjectFacts};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::AppError;

/// Who the client is asking about: its own record of the person. Holds personal data.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub surname: Option<String>,
    /// `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    /// Most specific first: "Flat 3", "12 Oak Road".
    #[serde(default)]
    pub address_lines: Vec<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
}

impl std::fmt::Debug for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Subject(<redacted>)")
    }
}

impl Subject {
    pub fn match_record(&self) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            title: self.title.as_deref(),
            first_name: self.first_name.as_deref(),
            middle_name: self.middle_name.as_deref(),
            surname: self.surname.as_deref(),
            date_of_birth: self.date_of_birth.as_deref(),
            email: self.email.as_deref(),
            phones: self.phones.iter().map(String::as_str).collect(),
            address_lines: self.address_lines.iter().map(String::as_str).collect(),
            town: self.town.as_deref(),
            postcode: self.postcode.as_deref(),
            national_id: None,
        })
    }
}

/// How one field of the client's record compared with what is held.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldCheck {
    pub field: String,
    /// `agree`, `partial`, `disagree`, `missing`, or `unknown` when the policy does not allow
    /// confirming this kind of data for the purpose.
    pub outcome: String,
}

/// A released value with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ReleasedValue {
    pub category: String,
    pub field: String,
    pub value: String,
    pub basis: String,
    pub source_partner: String,
    pub collected_on: Option<String>,
    pub received_at: String,
}

/// A value that exists but was withheld, as a reason code only.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Withheld {
    pub category: String,
    pub field: String,
    pub reason: String,
}

/// The answer to `verify`: no stored value.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct VerifyAnswer {
    pub request_id: String,
    /// `link` (we hold this person), `possible` (not certain: nothing is confirmed), `no_match`.
    pub band: String,
    pub fields: Vec<FieldCheck>,
}

/// The answer to `trace`.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TraceAnswer {
    pub request_id: String,
    pub band: String,
    pub values: Vec<ReleasedValue>,
    pub withheld: Vec<Withheld>,
}

/// Checks the purpose against the profile and the client's contract.
pub fn check_purpose(profile: &Profile, client: &Client, purpose: &str) -> Result<Purpose, AppError> {
    let refused = |code, detail: String| AppError::PurposeRefused { code, detail };
    let Some(p) = Purpose::parse(purpose) else {
        return Err(AppError::InvalidRequest(format!("`{purpose}` is not a purpose this service knows")));
    };
    if !profile.purposes.contains(&p) {
        return Err(refused("purpose-not-offered", format!("this service does not offer data for `{purpose}`")));
    }
    if !client.purposes.contains(&p) {
        return Err(refused(
            "purpose-not-contracted",
            format!("your contract does not include `{purpose}`; ask your account manager to add it"),
        ));
    }
    Ok(p)
}

fn band_name(band: Band) -> &'static str {
    match band {
        Band::Link => "link",
        Band::Possible => "possible",
        Band::NonMatch => "no_match",
    }
}

/// The channel a category is contacted through, for suppression scopes.
fn channel_of(category: &str) -> Option<ContactChannel> {
    match Category::parse(category)? {
        c if c == categories::PHONE => Some(ContactChannel::Phone),
        c if c == categories::EMAIL => Some(ContactChannel::Email),
        c if c == categories::ADDRESS => Some(ContactChannel::Post),
        _ => None,
    }
}

/// The screening identifier of each candidate: its phone or email digest, or for address values
/// the MPS-style digest of its record's surname, first address line and postcode.
fn screening_digests(indexer: &Indexer, candidates: &[Candidate]) -> Vec<Option<Digest>> {
    let of_record = |record: &str, field: &str| {
        candidates.iter().find(|c| c.source_record_id == record && c.field == field).map(|c| c.value.as_str())
    };
    candidates
        .iter()
        .map(|c| match channel_of(&c.category)? {
            ContactChannel::Phone | ContactChannel::Sms => {
                phone_key(&c.value).map(|k| screening_keys::digest(indexer, IdentifierKind::Phone, &k))
            }
            ContactChannel::Email => {
                email_key(&c.value).map(|k| screening_keys::digest(indexer, IdentifierKind::Email, &k))
            }
            ContactChannel::Post => {
                let surname = of_record(&c.source_record_id, "surname")?;
                let line = of_record(&c.source_record_id, "address_line_1")?;
                let postcode = of_record(&c.source_record_id, "postcode")?;
                let key = name_address_key(surname, line, postcode).ok()?;
                Some(screening_keys::digest(indexer, IdentifierKind::NameAddress, &key))
            }
        })
        .collect()
}

/// Decides every value of a person for one request, screened against the preference registers
/// and the suppression list: a register hit or a channel-scoped suppression stops that value; a
/// suppression for every channel on any of the person's identifiers stops the whole person.
async fn decide_all(
    store: &Store,
    profile: &Profile,
    request: &Request<'_>,
    person: &str,
    candidates: &[Candidate],
) -> Result<Vec<(usize, Decided)>, AppError> {
    let digests = screening_digests(store.indexer(), candidates);
    let wanted: Vec<Digest> = digests.iter().flatten().copied().collect();
    // Register and suppression facts, and restriction, objection and consent withdrawal as
    // completed rights requests left them: one statement.
    let SubjectFacts { screening: facts, flags } = store.subject_facts(person, &wanted).await?;
    let subject = SubjectState {
        suppressed: facts.suppressed.iter().any(|(_, _, scope)| *scope == Scope::All),
        ..dataward_core::rights::flags::subject_state(&flags)
    };
    let usable: Vec<usize> =
        candidates.iter().enumerate().filter(|(_, c)| Category::parse(&c.category).is_some()).map(|(i, _)| i).collect();
    let facts_of = |i: usize| {
        let Some(d) = digests[i] else { return Screening::default() };
        let registered = |kind| facts.registered.contains(&(kind, d));
        let channel = channel_of(&candidates[i].category);
        Screening {
            suppressed: facts
                .suppressed
                .iter()
                .any(|(s, _, scope)| *s == d && channel.is_some_and(|ch| scope.covers(ch))),
            mps: registered(RegisterKind::Mps),
            tps: registered(RegisterKind::Tps),
            ctps: registered(RegisterKind::Ctps),
        }
    };
    let values: Vec<ValueFacts<'_>> = usable
        .iter()
        .map(|&i| {
            let c = &candidates[i];
            ValueFacts {
                category: Category::parse(&c.category).expect("filtered above"),
                source: Source {
                    partner: &c.partner_id,
                    status: PartnerStatus::parse(&c.partner_status).unwrap_or(PartnerStatus::Withdrawn),
                    consent_captured: c.email_consent,
                },
                screening: facts_of(i),
            }
        })
        .collect();
    Ok(usable.into_iter().zip(decide_person(profile, request, &subject, &values)).collect())
}

fn decision_record(c: &Candidate, d: &Decided) -> DecisionRecord {
    let (decision, basis, reason) = match d.decision {
        Decision::Allow { basis } => ("allow", Some(basis.as_str().to_string()), None),
        Decision::Deny { reason } => ("deny", None, Some(reason.as_str().to_string())),
    };
    DecisionRecord {
        field: c.field.clone(),
        category: c.category.clone(),
        source_record_id: c.source_record_id.clone(),
        partner: c.partner.clone(),
        decision: decision.to_string(),
        basis,
        reason,
        checks: DecisionChecks::of(&d.trace),
    }
}

/// The category a comparison field speaks about.
fn field_category(field: MatchField) -> Option<Category> {
    match field {
        MatchField::FirstName | MatchField::Surname => Some(categories::NAME),
        MatchField::DateOfBirth => Some(categories::DATE_OF_BIRTH),
        MatchField::Location => Some(categories::ADDRESS),
        MatchField::Email => Some(categories::EMAIL),
        MatchField::Phone => Some(categories::PHONE),
        MatchField::NationalId => None,
    }
}

/// Everything a request needs.
pub struct Ask<'a> {
    pub store: &'a Store,
    pub profile: &'a Profile,
    pub client: &'a Client,
    pub purpose: &'a str,
    pub subject: &'a Subject,
    pub request_id: String,
    pub now: Timestamp,
}

/// `verify`: does the client's record match a person held, field by field?
/// The steps every question about one subject starts with: the purpose checked, the subject
/// matched, the request to record. Below the link band the request is recorded with nothing
/// considered, and no person is returned.
async fn open_request(ask: &Ask<'_>, kind: &str) -> Result<(Purpose, RequestRecord, PersonMatch), AppError> {
    let purpose = check_purpose(ask.profile, ask.client, ask.purpose)?;
    // Only records of active partners: a withdrawn partner's data neither matches nor is released.
    let found = ask.store.match_releasable_person(&ask.subject.match_record(), &ask.profile.linkage, ask.now).await?;
    let record = RequestRecord {
        id: ask.request_id.clone(),
        client_id: ask.client.id.clone(),
        kind: kind.into(),
        purpose: purpose.as_str().into(),
        at: ask.now.to_string(),
        person_id: found.person_id.clone(),
        band: band_name(found.band).into(),
    };
    if found.person_id.is_none() {
        ask.store.record_release(&record, &[], &[]).await?;
    }
    Ok((purpose, record, found))
}

pub async fn verify(ask: Ask<'_>) -> Result<VerifyAnswer, AppError> {
    let (purpose, record, found) = open_request(&ask, "verify").await?;
    let Some(person) = &found.person_id else {
        return Ok(VerifyAnswer { request_id: record.id, band: record.band, fields: vec![] });
    };
    let candidates = ask.store.release_candidates(person).await?;
    let contract = ClientContract::for_purposes(ask.client.purposes.iter().copied());
    let request = Request::to_client(purpose, &contract);
    let decided = decide_all(ask.store, ask.profile, &request, person, &candidates).await?;
    let decisions: Vec<DecisionRecord> = decided.iter().map(|(i, d)| decision_record(&candidates[*i], d)).collect();
    let mut fields = Vec::new();
    let mut disclosures = Vec::new();
    for evidence in &found.fields {
        let allowed = field_category(evidence.field).and_then(|cat| {
            decided
                .iter()
                .find(|(i, d)| candidates[*i].category == cat.as_str() && d.decision.is_allow())
                .map(|(i, d)| (*i, d))
        });
        let outcome = match (evidence.outcome, allowed) {
            (Outcome::Missing, _) => "missing",
            (_, None) => "unknown",
            (Outcome::Agree, _) => "agree",
            (Outcome::Partial, _) => "partial",
            (Outcome::Disagree, _) => "disagree",
        };
        if let (Some((i, d)), Outcome::Agree | Outcome::Partial | Outcome::Disagree) = (allowed, evidence.outcome) {
            let c = &candidates[i];
            disclosures.push(Disclosure {
                basis: d.decision.basis().map(|b| b.as_str().to_string()).unwrap_or_default(),
                category: c.category.clone(),
                field: evidence.field.to_string(),
                disclosure: "confirmation",
                source_record_id: c.source_record_id.clone(),
                partner_id: c.partner_id.clone(),
            });
        }
        fields.push(FieldCheck { field: evidence.field.to_string(), outcome: outcome.into() });
    }
    ask.store.record_release(&record, &decisions, &disclosures).await?;
    Ok(VerifyAnswer { request_id: record.id, band: record.band, fields })
}

/// `trace`: the person's current contact values the policy allows for the purpose.
pub async fn trace(ask: Ask<'_>) -> Result<TraceAnswer, AppError> {
    let (purpose, record, found) = open_request(&ask, "trace").await?;
    let Some(person) = &found.person_id else {
        return Ok(TraceAnswer { request_id: record.id, band: record.band, values: vec![], withheld: vec![] });
    };
    let released = decide_release(ask.store, ask.profile, ask.client, purpose, person).await?;
    ask.store.record_release(&record, &released.decisions, &released.disclosures).await?;
    let (values, withheld) = (released.values, released.withheld);
    Ok(TraceAnswer { request_id: record.id, band: record.band, values, withheld })
}

/// What the policy lets go of one person for one purpose: the values (deduplicated, newest source
/// first), the withheld ones as reasons, every decision for `explain`, and the ledger rows to
/// write before any of it is returned.
pub struct Released {
    pub values: Vec<ReleasedValue>,
    pub withheld: Vec<Withheld>,
    pub decisions: Vec<DecisionRecord>,
    pub disclosures: Vec<Disclosure>,
    /// The person's date of birth, for narrowing an age selection (never returned unless released).
    pub birth_date: Option<jiff::civil::Date>,
}

/// Decides every value of a person for a purpose (nothing is written).
pub async fn decide_release(
    store: &Store,
    profile: &Profile,
    client: &Client,
    purpose: Purpose,
    person: &str,
) -> Result<Released, AppError> {
    let candidates = store.release_candidates(person).await?;
    let contract = ClientContract::for_purposes(client.purposes.iter().copied());
    let request = Request::to_client(purpose, &contract);
    let decided = decide_all(store, profile, &request, person, &candidates).await?;
    let decisions: Vec<DecisionRecord> = decided.iter().map(|(i, d)| decision_record(&candidates[*i], d)).collect();
    let mut values = Vec::new();
    let mut withheld = Vec::new();
    let mut disclosures = Vec::new();
    let mut seen_values: HashSet<(String, String)> = HashSet::new();
    let mut seen_withheld: HashSet<(String, String)> = HashSet::new();
    // Candidates come newest first, so the first source of a value is its latest.
    for (i, d) in &decided {
        let c = &candidates[*i];
        match d.decision {
            Decision::Allow { basis } => {
                if !seen_values.insert((c.field.clone(), c.value.clone())) {
                    continue;
                }
                disclosures.push(Disclosure {
                    basis: basis.as_str().into(),
                    category: c.category.clone(),
                    field: c.field.clone(),
                    disclosure: "value",
                    source_record_id: c.source_record_id.clone(),
                    partner_id: c.partner_id.clone(),
                });
                values.push(ReleasedValue {
                    category: c.category.clone(),
                    field: c.field.clone(),
                    value: c.value.clone(),
                    basis: basis.as_str().into(),
                    source_partner: c.partner.clone(),
                    collected_on: c.collected_on.clone(),
                    received_at: c.received_at.clone(),
                });
            }
            Decision::Deny { reason } => {
                if seen_withheld.insert((c.field.clone(), reason.as_str().to_string())) {
                    withheld.push(Withheld {
                        category: c.category.clone(),
                        field: c.field.clone(),
                        reason: reason.as_str().into(),
                    });
                }
            }
        }
    }
    // Age narrowing uses only data that could be released: never a withdrawn partner's.
    let birth_date = candidates
        .iter()
        .find(|c| c.field == "date_of_birth" && c.partner_status == PartnerStatus::Active.as_str())
        .and_then(|c| c.value.parse().ok());
    Ok(Released { values, withheld, decisions, disclosures, birth_date })
}
