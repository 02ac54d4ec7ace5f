//! Recognising partner-file columns: header names → fields, an optional mapping file, and the
//! column plan checked against the profile before a single row is stored.
//!
//! Header names are compared after lower-casing, dropping anything in brackets (so
//! `Date of Birth (DD/MM/YYYY)` is `dateofbirth`) and dropping every non-alphanumeric character.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::fields::Field;
use crate::profile::Profile;
use crate::taxonomy::{Category, categories as c};

/// The canonical key of a header: lower-case alphanumerics only, bracketed text removed.
pub fn header_key(header: &str) -> String {
    let mut depth = 0usize;
    let mut key = String::with_capacity(header.len());
    for ch in header.trim_start_matches('\u{feff}').chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && ch.is_alphanumeric() => key.extend(ch.to_lowercase()),
            _ => {}
        }
    }
    key
}

const ALIASES: &[(&[&str], Field)] = &[
    (
        &[
            "id",
            "recordid",
            "urn",
            "customerid",
            "customerref",
            "ref",
            "reference",
            "partnerrecordid",
            "sourceid",
            "memberid",
        ],
        Field::PartnerRecordId,
    ),
    (&["title", "salutation", "prefix"], Field::Title),
    (&["firstname", "forename", "forenames", "givenname", "first", "fname"], Field::FirstName),
    (&["middlename", "middlenames", "middle", "othernames"], Field::MiddleName),
    (&["surname", "lastname", "familyname", "last", "lname"], Field::Surname),
    (&["dob", "dateofbirth", "birthdate", "birthday", "dateofbirthddmmyyyy"], Field::DateOfBirth),
    (&["email", "emailaddress", "emailaddr", "mail"], Field::Email),
    (
        &["mobile", "mobilephone", "mobilenumber", "mobileno", "mobiletel", "cell", "cellphone", "mobilenum"],
        Field::Mobile,
    ),
    (
        &["landline", "landlinenumber", "homephone", "hometel", "hometelephone", "homenumber", "landlinephone"],
        Field::Landline,
    ),
    (
        &["phone", "phonenumber", "telephone", "tel", "telephonenumber", "contactnumber", "phoneno", "telno"],
        Field::Phone,
    ),
    (
        &["address", "address1", "addressline1", "add1", "line1", "street", "streetaddress", "address1line"],
        Field::AddressLine(1),
    ),
    (&["address2", "addressline2", "add2", "line2"], Field::AddressLine(2)),
    (&["address3", "addressline3", "add3", "line3", "locality"], Field::AddressLine(3)),
    (&["address4", "addressline4", "add4", "line4"], Field::AddressLine(4)),
    (&["town", "city", "posttown", "towncity"], Field::Town),
    (&["county", "region"], Field::County),
    (&["postcode", "postalcode", "postcodes", "zip", "zipcode"], Field::Postcode),
    (
        &[
            "insurancerenewalmonth",
            "renewalmonth",
            "renewal",
            "carinsurancerenewal",
            "homeinsurancerenewal",
            "insurancerenewal",
        ],
        Field::RenewalMonth,
    ),
    (
        &["childrenpresent", "childreninhousehold", "haschildren", "kidspresent", "childrenunder16", "childflag"],
        Field::ChildrenPresent,
    ),
    (
        &[
            "emailconsent",
            "emailoptin",
            "optinemail",
            "emailmarketingconsent",
            "marketingconsentemail",
            "emailpermission",
        ],
        Field::EmailMarketingConsent,
    ),
    (
        &["collectedon", "datecollected", "optindate", "signupdate", "capturedate", "collectiondate", "datecaptured"],
        Field::CollectedOn,
    ),
];

const LIFESTYLE: &[&str] = &[
    "homeowner",
    "homeownership",
    "residentialstatus",
    "tenure",
    "pets",
    "petowner",
    "interests",
    "hobbies",
    "maritalstatus",
    "occupation",
    "carowner",
    "carmake",
    "gender",
    "householdsize",
    "propertytype",
];

const FORBIDDEN: &[(&[&str], Category)] = &[
    (&["creditscore", "creditrating", "creditband", "experianscore"], c::CREDIT_SCORE),
    (&["ccj", "ccjs", "defaults", "credithistory", "bankruptcy"], c::CREDIT_HISTORY),
    (&["income", "salary", "householdincome", "annualincome", "savings", "debt", "loanamount"], c::FINANCIAL),
    (&["bankaccount", "accountnumber", "sortcode", "iban", "cardnumber"], c::BANK_ACCOUNT),
    (&["health", "medicalcondition", "medical", "disability", "illness", "healthcondition", "smoker"], c::HEALTH),
    (&["religion", "faith", "religiousbelief"], c::RELIGION),
    (&["politicalparty", "politics", "politicalview", "votingintention"], c::POLITICAL),
    (&["sexualorientation", "sexuality"], c::SEXUAL_ORIENTATION),
    (
        &["childname", "childsname", "childrensnames", "childdob", "childage", "childrenages", "childschool"],
        c::CHILDREN,
    ),
    (&["nationality", "citizenship"], c::NATIONALITY),
    (&["mothersmaidenname", "maidenname"], c::MOTHERS_MAIDEN_NAME),
];

/// Recognises a header without a mapping file.
pub fn recognise_header(header: &str) -> Option<Field> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    if let Some((_, field)) = ALIASES.iter().find(|(names, _)| names.contains(&key.as_str())) {
        return Some(field.clone());
    }
    if let Some((_, cat)) = FORBIDDEN.iter().find(|(names, _)| names.contains(&key.as_str())) {
        return Some(Field::Forbidden(*cat));
    }
    if let Some(rest) = key.strip_prefix("lifestyle").filter(|r| !r.is_empty()) {
        return Some(Field::Lifestyle(rest.to_string()));
    }
    LIFESTYLE.contains(&key.as_str()).then_some(Field::Lifestyle(key))
}

/// Parses a field name as written in a mapping file (`first_name`, `lifestyle.hobbies`, ...).
pub fn field_by_name(name: &str) -> Option<Field> {
    if let Some(attr) = name.strip_prefix("lifestyle.") {
        let attr = header_key(attr);
        return (!attr.is_empty()).then_some(Field::Lifestyle(attr));
    }
    if let Some(cat) = name.strip_prefix("forbidden.") {
        return Category::parse(cat).map(Field::Forbidden);
    }
    let all = ALIASES.iter().map(|(_, f)| f.clone());
    all.into_iter().find(|f| f.name() == name)
}

/// What a mapping file says about one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnMapping {
    Field(Field),
    /// Deliberately not stored (and not reported as unknown).
    Ignore,
}

/// A mapping file: `[columns]` table of header → field name or `"ignore"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    pub columns: BTreeMap<String, ColumnMapping>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    columns: BTreeMap<String, String>,
}

/// Errors in a mapping file or in a file's header row. Nothing has been stored when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnError {
    #[error("{file}: {message}")]
    MappingSyntax { file: String, message: String },
    #[error("{file}: column `{column}` is mapped to unknown field `{field}`")]
    MappingUnknownField { file: String, column: String, field: String },
    #[error(
        "column `{column}` holds {category}, which this deployment's profile refuses to hold; the whole file was rejected and nothing was stored"
    )]
    Forbidden { column: String, category: Category },
    #[error(
        "column `{column}` holds {category}, which this deployment's profile does not hold; map it to \"ignore\" in a mapping file to load the rest"
    )]
    NotHeld { column: String, category: Category },
    #[error("columns `{first}` and `{second}` both map to {field}")]
    Duplicate { first: String, second: String, field: String },
    #[error("no column is recognised as {field}; add a mapping file (--mapping) that names it")]
    Missing { field: &'static str },
    #[error("the file has no header row")]
    NoHeader,
}

impl Mapping {
    /// Parses a mapping file's text.
    pub fn from_toml(file: &str, text: &str) -> Result<Mapping, ColumnError> {
        let raw: RawMapping = toml::from_str(text)
            .map_err(|e| ColumnError::MappingSyntax { file: file.into(), message: e.to_string().trim().to_string() })?;
        let mut columns = BTreeMap::new();
        for (column, target) in raw.columns {
            let mapping = if target == "ignore" {
                ColumnMapping::Ignore
            } else {
                ColumnMapping::Field(field_by_name(&target).ok_or_else(|| ColumnError::MappingUnknownField {
                    file: file.into(),
                    column: column.clone(),
                    field: target.clone(),
                })?)
            };
            columns.insert(header_key(&column), mapping);
        }
        Ok(Mapping { columns })
    }
}

/// How each column of a file will be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnPlan {
    /// Index-aligned with the header row; `None` columns are not stored.
    pub fields: Vec<Option<Field>>,
    /// Headers neither recognised nor mapped: reported, not kept.
    pub unknown: Vec<String>,
    /// Headers the mapping file said to ignore.
    pub ignored: Vec<String>,
}

/// Plans the columns of a file, failing before anything is stored if a column carries a category
/// the profile refuses or does not hold, or if the file cannot name a person.
pub fn plan_columns(headers: &[String], mapping: &Mapping, profile: &Profile) -> Result<ColumnPlan, ColumnError> {
    if headers.is_empty() || headers.iter().all(|h| h.trim().is_empty()) {
        return Err(ColumnError::NoHeader);
    }
    let mut plan = ColumnPlan { fields: Vec::with_capacity(headers.len()), unknown: vec![], ignored: vec![] };
    let mut seen: BTreeMap<Field, &str> = BTreeMap::new();
    for header in headers {
        let field = match mapping.columns.get(&header_key(header)) {
            Some(ColumnMapping::Ignore) => {
                plan.ignored.push(header.clone());
                plan.fields.push(None);
                continue;
            }
            Some(ColumnMapping::Field(f)) => Some(f.clone()),
            None => recognise_header(header),
        };
        let Some(field) = field else {
            plan.unknown.push(header.clone());
            plan.fields.push(None);
            continue;
        };
        if let Some(category) = field.category() {
            if profile.refuses(category) {
                return Err(ColumnError::Forbidden { column: header.clone(), category });
            }
            if !profile.holds(category) {
                return Err(ColumnError::NotHeld { column: header.clone(), category });
            }
        }
        let repeatable = matches!(field, Field::Phone | Field::Mobile | Field::Landline);
        if !repeatable && let Some(first) = seen.get(&field) {
            return Err(ColumnError::Duplicate {
                first: first.to_string(),
                second: header.clone(),
                field: field.name(),
            });
        }
        seen.insert(field.clone(), header);
        plan.fields.push(Some(field));
    }
    if profile.holds(c::NAME) {
        for (field, label) in [(Field::FirstName, "first name"), (Field::Surname, "surname")] {
            if !seen.contains_key(&field) {
                return Err(ColumnError::Missing { field: label });
            }
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker() -> Profile {
        Profile::builtin("data-broker").unwrap().unwrap()
    }

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn common_header_names_are_recognised_without_a_mapping() {
        let cases = [
            ("first_name", Field::FirstName),
            ("Forename", Field::FirstName),
            ("Last Name", Field::Surname),
            ("surname", Field::Surname),
            ("DOB", Field::DateOfBirth),
            ("Date of Birth (DD/MM/YYYY)", Field::DateOfBirth),
            ("E-mail", Field::Email),
            ("Mobile Number", Field::Mobile),
            ("Home Phone", Field::Landline),
            ("telephone", Field::Phone),
            ("Address Line 1", Field::AddressLine(1)),
            ("address_2", Field::AddressLine(2)),
            ("Post Town", Field::Town),
            ("Post Code", Field::Postcode),
            ("Title", Field::Title),
            ("URN", Field::PartnerRecordId),
            ("lifestyle_hobbies", Field::Lifestyle("hobbies".into())),
            ("Marital Status", Field::Lifestyle("maritalstatus".into())),
            ("Renewal Month", Field::RenewalMonth),
            ("email_opt_in", Field::EmailMarketingConsent),
            ("Credit Score", Field::Forbidden(c::CREDIT_SCORE)),
            ("Religion", Field::Forbidden(c::RELIGION)),
        ];
        for (header, field) in cases {
            assert_eq!(recognise_header(header), Some(field), "{header}");
        }
        assert_eq!(recognise_header("favourite_colour"), None);
    }

    #[test]
    fn unknown_columns_are_reported_not_kept() {
        let plan =
            plan_columns(&headers(&["first_name", "surname", "shoe_size", "email"]), &Mapping::default(), &broker())
                .unwrap();
        assert_eq!(plan.unknown, vec!["shoe_size".to_string()]);
        assert_eq!(plan.fields[2], None);
        assert_eq!(plan.fields[3], Some(Field::Email));
    }

    #[test]
    fn a_credit_score_column_fails_the_whole_file_naming_the_column() {
        let err = plan_columns(&headers(&["first_name", "surname", "credit_score"]), &Mapping::default(), &broker())
            .unwrap_err();
        assert_eq!(err, ColumnError::Forbidden { column: "credit_score".into(), category: c::CREDIT_SCORE });
        assert!(err.to_string().contains("`credit_score`"));
    }

    #[test]
    fn health_and_religion_columns_are_refused_by_the_broker() {
        for column in ["medical_condition", "Religion", "Sexual Orientation", "Child Name", "Household Income"] {
            let err =
                plan_columns(&headers(&["first_name", "surname", column]), &Mapping::default(), &broker()).unwrap_err();
            assert!(matches!(err, ColumnError::Forbidden { .. }), "{column}: {err:?}");
        }
    }

    #[test]
    fn a_category_the_profile_does_not_hold_is_rejected() {
        let err = plan_columns(&headers(&["first_name", "surname", "nationality"]), &Mapping::default(), &broker())
            .unwrap_err();
        assert!(matches!(err, ColumnError::NotHeld { .. }), "{err:?}");
    }

    #[test]
    fn a_mapping_file_can_name_and_ignore_columns() {
        let mapping = Mapping::from_toml(
            "map.toml",
            "[columns]\n\"Cust Fore\" = \"first_name\"\n\"Cust Sur\" = \"surname\"\n\"Internal Score\" = \"ignore\"\n\"Hobby\" = \"lifestyle.hobbies\"\n",
        )
        .unwrap();
        let plan =
            plan_columns(&headers(&["Cust Fore", "Cust Sur", "Internal Score", "Hobby"]), &mapping, &broker()).unwrap();
        assert_eq!(
            plan.fields,
            vec![Some(Field::FirstName), Some(Field::Surname), None, Some(Field::Lifestyle("hobbies".into()))]
        );
        assert_eq!(plan.ignored, vec!["Internal Score".to_string()]);
        assert!(plan.unknown.is_empty());
    }

    #[test]
    fn a_mapping_to_an_unknown_field_is_an_error() {
        let err = Mapping::from_toml("map.toml", "[columns]\nA = \"first_nmae\"\n").unwrap_err();
        assert!(matches!(err, ColumnError::MappingUnknownField { ref field, .. } if field == "first_nmae"), "{err:?}");
    }

    #[test]
    fn two_email_columns_are_ambiguous_but_two_phones_are_fine() {
        let err = plan_columns(
            &headers(&["first_name", "surname", "email", "Email Address"]),
            &Mapping::default(),
            &broker(),
        )
        .unwrap_err();
        assert!(matches!(err, ColumnError::Duplicate { .. }));
        assert!(
            plan_columns(
                &headers(&["first_name", "surname", "mobile", "phone", "telephone"]),
                &Mapping::default(),
                &broker()
            )
            .is_ok()
        );
    }

    #[test]
    fn a_file_without_a_surname_column_is_rejected_up_front() {
        let err = plan_columns(&headers(&["first_name", "email"]), &Mapping::default(), &broker()).unwrap_err();
        assert_eq!(err, ColumnError::Missing { field: "surname" });
    }

    #[test]
    fn header_keys_ignore_case_punctuation_brackets_and_bom() {
        assert_eq!(header_key("\u{feff}Date of Birth (DD/MM/YYYY)"), "dateofbirth");
        assert_eq!(header_key("E-Mail_Address"), "emailaddress");
    }
}
