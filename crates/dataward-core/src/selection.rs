//! Marketing selections: the coarse facets a record can be selected by, and a selection's
//! criteria as facets to look up.
//!
//! A facet is a (name, value) pair: `birth_year`, `postcode_area`, `postcode_district`,
//! `renewal_month` and `lifestyle.<attribute>`. A store keeps facets only as keyed digests, so a
//! selection is answered by digest lookups, never by decoding every value. Ages are selected
//! through birth years (an age band today is a set of birth years), so stored facets never go
//! stale as people grow older. Criteria are an AND of ORs: a person is selected when, for every
//! criterion, one of its facets matches one of the criterion's values.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::record::CleanRecord;

/// The facets of a record.
pub fn facets_of(record: &CleanRecord) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(dob) = &record.date_of_birth {
        out.push(("birth_year".into(), dob.date().year().to_string()));
    }
    if let Some(p) = &record.postcode {
        out.push(("postcode_area".into(), p.area().to_string()));
        out.push(("postcode_district".into(), p.district().to_string()));
    }
    if let Some(m) = record.renewal_month {
        out.push(("renewal_month".into(), m.to_string()));
    }
    for (name, value) in &record.lifestyle {
        out.push((format!("lifestyle.{}", fold(name)), fold(value)));
    }
    out
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// What a client asks to select. Every present criterion must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criteria {
    /// Inclusive ages, e.g. `[25, 44]`.
    pub age: Option<(u8, u8)>,
    #[serde(default)]
    pub postcode_areas: Vec<String>,
    #[serde(default)]
    pub postcode_districts: Vec<String>,
    /// Renewal months, 1..=12.
    #[serde(default)]
    pub renewal_months: Vec<u8>,
    /// Lifestyle attribute → accepted values, e.g. `{"homeowner": ["yes"]}`.
    #[serde(default)]
    pub lifestyle: std::collections::BTreeMap<String, Vec<String>>,
}

/// A criterion that cannot be met.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CriteriaError {
    #[error("give at least one criterion")]
    Empty,
    #[error("age band {0}–{1} is not a band (the lower age must not exceed the upper, and both must be 16–120)")]
    BadAge(u8, u8),
    #[error("renewal month {0} is not 1–12")]
    BadMonth(u8),
    #[error("criterion `{0}` lists no values")]
    NoValues(String),
}

impl Criteria {
    /// The facets to look up: one list per criterion (any of its facets matches).
    pub fn facet_groups(&self, today: Date) -> Result<Vec<Vec<(String, String)>>, CriteriaError> {
        let mut groups = Vec::new();
        if let Some((lo, hi)) = self.age {
            if lo > hi || lo < 16 || hi > 120 {
                return Err(CriteriaError::BadAge(lo, hi));
            }
            // Someone aged `a` today was born in `year - a` or `year - a - 1`.
            let year = i32::from(today.year());
            let years = (year - i32::from(hi) - 1)..=(year - i32::from(lo));
            groups.push(years.map(|y| ("birth_year".to_string(), y.to_string())).collect());
        }
        let list = |name: &str, values: &[String]| -> Vec<(String, String)> {
            values.iter().map(|v| (name.to_string(), v.trim().to_ascii_uppercase())).collect()
        };
        if !self.postcode_areas.is_empty() {
            groups.push(list("postcode_area", &self.postcode_areas));
        }
        if !self.postcode_districts.is_empty() {
            groups.push(list("postcode_district", &self.postcode_districts));
        }
        if !self.renewal_months.is_empty() {
            if let Some(m) = self.renewal_months.iter().find(|m| !(1..=12).contains(*m)) {
                return Err(CriteriaError::BadMonth(*m));
            }
            groups.push(self.renewal_months.iter().map(|m| ("renewal_month".to_string(), m.to_string())).collect());
        }
        for (name, values) in &self.lifestyle {
            if values.is_empty() {
                return Err(CriteriaError::NoValues(name.clone()));
            }
            groups.push(values.iter().map(|v| (format!("lifestyle.{}", fold(name)), fold(v))).collect());
        }
        if groups.is_empty() {
            return Err(CriteriaError::Empty);
        }
        Ok(groups)
    }

    /// Whether a person's birth date puts them in the age band today (the facet lookup selects
    /// by birth year, one year too wide; this narrows it).
    pub fn age_matches(&self, born: Date, today: Date) -> bool {
        let Some((lo, hi)) = self.age else { return true };
        let mut age = i32::from(today.year()) - i32::from(born.year());
        if (today.month(), today.day()) < (born.month(), born.day()) {
            age -= 1;
        }
        (i32::from(lo)..=i32::from(hi)).contains(&age)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;
    use crate::record::clean_row;

    fn today() -> Date {
        Date::constant(2026, 11, 23)
    }

    #[test]
    fn a_record_yields_birth_year_postcode_renewal_and_lifestyle_facets() {
        let fields = [
            (Field::FirstName, "Jane"),
            (Field::Surname, "Whitfield"),
            (Field::DateOfBirth, "1984-07-21"),
            (Field::Postcode, "ls6 2ab"),
            (Field::RenewalMonth, "7"),
            (Field::Lifestyle("homeowner".into()), "Yes"),
        ];
        let r = clean_row(&fields, today()).unwrap();
        let facets = facets_of(&r);
        for want in [
            ("birth_year", "1984"),
            ("postcode_area", "LS"),
            ("postcode_district", "LS6"),
            ("renewal_month", "7"),
            ("lifestyle.homeowner", "yes"),
        ] {
            assert!(facets.contains(&(want.0.to_string(), want.1.to_string())), "{want:?} not in {facets:?}");
        }
    }

    #[test]
    fn an_age_band_becomes_the_birth_years_that_can_hold_it_and_is_narrowed_by_the_birthday() {
        let c = Criteria { age: Some((40, 44)), ..Criteria::default() };
        let groups = c.facet_groups(today()).unwrap();
        let years: Vec<&str> = groups[0].iter().map(|(_, y)| y.as_str()).collect();
        assert_eq!(years, vec!["1981", "1982", "1983", "1984", "1985", "1986"]);
        assert!(c.age_matches(Date::constant(1984, 7, 21), today()), "42");
        assert!(c.age_matches(Date::constant(1981, 12, 1), today()), "44 until 1 December");
        assert!(!c.age_matches(Date::constant(1981, 11, 1), today()), "45 since 1 November");
        assert!(!c.age_matches(Date::constant(1986, 12, 1), today()), "39 until 1 December");
    }

    #[test]
    fn bad_criteria_are_refused_with_a_reason() {
        assert_eq!(Criteria::default().facet_groups(today()), Err(CriteriaError::Empty));
        let c = Criteria { age: Some((50, 40)), ..Criteria::default() };
        assert_eq!(c.facet_groups(today()), Err(CriteriaError::BadAge(50, 40)));
        let c = Criteria { renewal_months: vec![13], ..Criteria::default() };
        assert_eq!(c.facet_groups(today()), Err(CriteriaError::BadMonth(13)));
        let c = Criteria { postcode_areas: vec!["ls".into()], ..Criteria::default() };
        assert_eq!(c.facet_groups(today()).unwrap(), vec![vec![("postcode_area".to_string(), "LS".to_string())]]);
    }
}
