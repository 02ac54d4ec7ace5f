//! The three partner files and how one person becomes one row of each: header layouts, value
//! formats (dates, phones, flags), noise and defects.

use jiff::civil::Date;
use rand::{Rng, RngExt};

use super::defects::{self, DEFECT_RATE, DOB_SWAP_RATE, Defect, NICKNAME_RATE, TYPO_RATE};
use super::person::{Address, SyntheticPerson};
use super::places::UkPhone;
use super::{add_days, pick};

/// How a partner file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileFormat {
    /// Comma-separated with a header line.
    Csv,
    /// One JSON object per line, all values strings.
    JsonLines,
}

/// A synthetic partner file: who sends it, how it is encoded and its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerFileSpec {
    /// The partner's name (`competition-co`).
    pub name: &'static str,
    /// The collection channel, as [`crate::partner::Channel::as_str`] spells it.
    pub channel: &'static str,
    pub format: FileFormat,
    pub file_name: &'static str,
    /// CSV header fields, or JSON keys in the order they are written.
    pub headers: &'static [&'static str],
}

const SPECS: [PartnerFileSpec; 3] = [
    PartnerFileSpec {
        name: "competition-co",
        channel: "competition",
        format: FileFormat::Csv,
        file_name: "competition-co.csv",
        headers: &[
            "record_id",
            "title",
            "first_name",
            "surname",
            "dob",
            "email",
            "mobile",
            "landline",
            "address_1",
            "address_2",
            "town",
            "county",
            "postcode",
            "homeowner",
            "pets",
            "interests",
            "insurance_renewal_month",
            "children_present",
            "email_opt_in",
            "date_collected",
        ],
    },
    PartnerFileSpec {
        name: "compare-hub",
        channel: "comparison_site",
        format: FileFormat::Csv,
        file_name: "compare-hub.csv",
        headers: &[
            "URN",
            "Forename",
            "Last Name",
            "Date of Birth",
            "Email Address",
            "Telephone",
            "Address Line 1",
            "Address Line 2",
            "Town",
            "Post Code",
            "Renewal Month",
            "Marital Status",
        ],
    },
    PartnerFileSpec {
        name: "lifestyle-club",
        channel: "lifestyle_club",
        format: FileFormat::JsonLines,
        file_name: "lifestyle-club.jsonl",
        headers: &[
            "customer_id",
            "salutation",
            "given_name",
            "family_name",
            "date_of_birth",
            "email_address",
            "mobile_number",
            "home_phone",
            "address_line_1",
            "address_line_2",
            "address_line_3",
            "post_town",
            "postcode",
            "lifestyle_hobbies",
            "lifestyle_pets",
            "lifestyle_car_owner",
            "children_present",
            "email_consent",
            "signup_date",
        ],
    },
];

/// The synthetic partner files, in a fixed order (the `file_index` of [`super::Generator::rows`]).
pub fn partner_files() -> &'static [PartnerFileSpec] {
    &SPECS
}

/// Where the fields a defect touches sit in each file.
pub(crate) struct Layout {
    pub surname: usize,
    pub dob: usize,
    pub email: usize,
    pub phone: usize,
    pub address_1: usize,
    pub postcode: usize,
    pub renewal_month: Option<usize>,
}

pub(crate) const LAYOUTS: [Layout; 3] = [
    Layout { surname: 3, dob: 4, email: 5, phone: 6, address_1: 8, postcode: 12, renewal_month: Some(16) },
    Layout { surname: 2, dob: 3, email: 4, phone: 5, address_1: 6, postcode: 9, renewal_month: Some(10) },
    Layout { surname: 3, dob: 4, email: 5, phone: 6, address_1: 8, postcode: 12, renewal_month: None },
];

/// Share of a file's persons included in it.
pub const INCLUSION_RATE: f64 = 0.6;
/// Share of a file's persons who appear in it a second time under a new record id.
pub const DUPLICATE_RATE: f64 = 0.015;

/// What to render for one row.
pub(crate) struct RowPlan {
    /// Position of the row in its file (0-based), for the record id.
    pub seq: u64,
    /// Whether the row carries the person's previous address.
    pub previous: bool,
    pub today: Date,
}

/// A person's details as one partner happened to capture them, before formatting.
struct View {
    title: String,
    first: String,
    surname: String,
    /// (year, month, day), possibly a day that does not exist.
    dob: Option<(i16, i8, i8)>,
    email: Option<String>,
    mobile: Option<UkPhone>,
    landline: Option<UkPhone>,
    address: Address,
    town: String,
    county: String,
    postcode: String,
    collected_on: Date,
}

pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn iso(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

fn yes_no(flag: bool, yes: &str, no: &str) -> String {
    if flag { yes } else { no }.to_string()
}

/// The collection date: before the move for a previous-address row, after it otherwise, and
/// within about three years of today.
fn collected_on<R: Rng + ?Sized>(rng: &mut R, person: &SyntheticPerson, previous: bool, today: Date) -> Date {
    match &person.previous {
        Some(p) if previous => add_days(p.moved_on, -rng.random_range(1..=1000i64)),
        Some(p) => {
            let since_move = today.since(p.moved_on).map(|s| i64::from(s.get_days())).unwrap_or(30).max(2);
            add_days(today, -rng.random_range(1..since_move))
        }
        None => add_days(today, -rng.random_range(1..=1095i64)),
    }
}

/// Builds the person's details as captured by one partner, with realistic noise.
fn view<R: Rng + ?Sized>(rng: &mut R, file: usize, person: &SyntheticPerson, plan: &RowPlan) -> View {
    let (address, landline) = match &person.previous {
        Some(p) if plan.previous => (p.address.clone(), p.landline.clone()),
        _ => (person.address.clone(), person.landline.clone()),
    };
    let mut v = View {
        title: person.title.to_string(),
        first: person.first_name.to_string(),
        surname: person.surname.clone(),
        dob: Some((person.date_of_birth.year(), person.date_of_birth.month(), person.date_of_birth.day())),
        email: Some(person.email.clone()),
        mobile: Some(person.mobile.clone()),
        landline,
        town: address.town.to_string(),
        county: address.county.to_string(),
        postcode: address.postcode.clone(),
        address,
        collected_on: collected_on(rng, person, plan.previous, plan.today),
    };

    // Names: nickname, middle name run into the first name, typo, case.
    if !person.nicknames.is_empty() && rng.random_bool(NICKNAME_RATE) {
        v.first = pick(rng, person.nicknames).to_string();
    } else if let Some(middle) = person.middle_name
        && file != 2
        && rng.random_bool(0.03)
    {
        v.first = format!("{} {middle}", v.first);
    }
    if rng.random_bool(TYPO_RATE) {
        if rng.random_bool(0.5) {
            v.first = defects::typo(rng, &v.first);
        } else {
            v.surname = defects::typo(rng, &v.surname);
        }
    }
    let case: f64 = rng.random();
    if case < 0.02 {
        v.surname = v.surname.to_uppercase();
    } else if case < 0.03 {
        v.first = v.first.to_lowercase();
        v.surname = v.surname.to_lowercase();
    } else if case < 0.04 {
        v.first = v.first.to_uppercase();
        v.surname = v.surname.to_uppercase();
    }
    let title: f64 = rng.random();
    if title < 0.05 {
        v.title.clear();
    } else if title < 0.08 {
        v.title = v.title.to_uppercase();
    } else if title < 0.10 {
        v.title.push('.');
    }

    // Date of birth: day and month swapped (when that is still a date), or left out.
    if let Some((y, m, d)) = v.dob {
        if d <= 12 && d != m && rng.random_bool(DOB_SWAP_RATE) {
            v.dob = Some((y, d, m));
        } else if rng.random_bool(0.03) {
            v.dob = None;
        }
    }

    // Contact details left out or written differently.
    if rng.random_bool(0.04) {
        v.email = None;
    } else if rng.random_bool(0.03)
        && let Some(e) = &v.email
    {
        let (local, domain) = e.split_once('@').unwrap_or((e, ""));
        let mut capitalised = String::with_capacity(e.len());
        let mut upper_next = true;
        for c in local.chars() {
            capitalised.push(if upper_next { c.to_ascii_uppercase() } else { c });
            upper_next = matches!(c, '.' | '_');
        }
        v.email = Some(format!("{capitalised}@{}", domain[..1].to_uppercase() + &domain[1..]));
    }
    if rng.random_bool(0.02) {
        v.mobile = None;
    }
    if rng.random_bool(0.12) {
        v.landline = None;
    }
    if rng.random_bool(0.1) {
        v.county.clear();
    }

    // Postcode and town written loosely; the lifestyle club does so most.
    let (no_space, lower, upper_town) = if file == 2 { (0.15, 0.10, 0.40) } else { (0.03, 0.02, 0.05) };
    if rng.random_bool(no_space) {
        v.postcode = v.postcode.replace(' ', "");
    }
    if rng.random_bool(lower) {
        v.postcode = v.postcode.to_lowercase();
    }
    if rng.random_bool(upper_town) {
        v.town = v.town.to_uppercase();
    }
    v
}

fn dob_iso(dob: Option<(i16, i8, i8)>) -> String {
    dob.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")).unwrap_or_default()
}

fn dob_uk(dob: Option<(i16, i8, i8)>) -> String {
    dob.map(|(y, m, d)| format!("{d:02}/{m:02}/{y:04}")).unwrap_or_default()
}

fn competition_co<R: Rng + ?Sized>(rng: &mut R, p: &SyntheticPerson, v: &View, seq: u64) -> Vec<String> {
    let lines = v.address.lines_folded(2);
    let mobile = v.mobile.as_ref().map(|m| match rng.random_range(0..20u32) {
        0..=15 => m.national(),
        16..=18 => m.national_spaced(),
        _ => m.international(),
    });
    let landline = v.landline.as_ref().map(|l| if rng.random_bool(0.7) { l.national() } else { l.national_spaced() });
    vec![
        format!("CC{:08}", seq + 1),
        v.title.clone(),
        v.first.clone(),
        v.surname.clone(),
        dob_iso(v.dob),
        v.email.clone().unwrap_or_default(),
        mobile.unwrap_or_default(),
        landline.unwrap_or_default(),
        lines[0].clone(),
        lines.get(1).cloned().unwrap_or_default(),
        v.town.clone(),
        v.county.clone(),
        v.postcode.clone(),
        yes_no(p.homeowner, "Y", "N"),
        p.pets.join(";"),
        p.interests.join(";"),
        p.renewal_month.to_string(),
        yes_no(p.children_present, "Y", "N"),
        yes_no(p.email_marketing_consent, "1", "0"),
        iso(v.collected_on),
    ]
}

fn compare_hub<R: Rng + ?Sized>(rng: &mut R, p: &SyntheticPerson, v: &View, seq: u64) -> Vec<String> {
    let lines = v.address.lines_folded(2);
    // One telephone column: the mobile usually, the landline for some.
    let phone = match (&v.mobile, &v.landline) {
        (Some(m), Some(l)) => Some(if rng.random_bool(0.75) { m } else { l }),
        (Some(m), None) => Some(m),
        (None, l) => l.as_ref(),
    };
    vec![
        (3_100_000_000 + seq).to_string(),
        v.first.clone(),
        v.surname.clone(),
        dob_uk(v.dob),
        v.email.clone().unwrap_or_default(),
        phone.map(UkPhone::national_spaced).unwrap_or_default(),
        lines[0].clone(),
        lines.get(1).cloned().unwrap_or_default(),
        v.town.clone(),
        v.postcode.clone(),
        MONTHS[usize::from(p.renewal_month - 1)].to_string(),
        p.marital_status.as_str().to_string(),
    ]
}

fn lifestyle_club<R: Rng + ?Sized>(rng: &mut R, p: &SyntheticPerson, v: &View, seq: u64) -> Vec<String> {
    let lines = v.address.lines_folded(3);
    let intl = |rng: &mut R, phone: &UkPhone| {
        if rng.random_bool(0.9) { phone.international() } else { phone.international_spaced() }
    };
    let mobile = v.mobile.as_ref().map(|m| intl(rng, m));
    let landline = v.landline.as_ref().map(|l| intl(rng, l));
    vec![
        format!("LC-{:07}", seq + 1),
        v.title.clone(),
        v.first.clone(),
        v.surname.clone(),
        dob_iso(v.dob),
        v.email.clone().unwrap_or_default(),
        mobile.unwrap_or_default(),
        landline.unwrap_or_default(),
        lines[0].clone(),
        lines.get(1).cloned().unwrap_or_default(),
        lines.get(2).cloned().unwrap_or_default(),
        v.town.clone(),
        v.postcode.clone(),
        p.interests.join(", "),
        p.pets.join(", "),
        yes_no(p.car_owner, "yes", "no"),
        yes_no(p.children_present, "yes", "no"),
        yes_no(p.email_marketing_consent, "true", "false"),
        iso(v.collected_on),
    ]
}

/// The defects a file can carry (a file without a renewal month cannot have a bad one).
fn applicable_defects(file: usize) -> &'static [Defect] {
    use Defect::*;
    const CSV: &[Defect] = &[
        InvalidPostcode,
        InvalidEmail,
        ImpossibleDate,
        BlankSurname,
        UnderAge,
        UnparseablePhone,
        InvalidRenewalMonth,
        WrongFieldCount,
    ];
    const JSONL: &[Defect] =
        &[InvalidPostcode, InvalidEmail, ImpossibleDate, BlankSurname, UnderAge, UnparseablePhone, MalformedJson];
    match SPECS[file].format {
        FileFormat::Csv => CSV,
        FileFormat::JsonLines => JSONL,
    }
}

/// Writes `defect` into the formatted values of a row of `file`.
fn apply_defect<R: Rng + ?Sized>(
    rng: &mut R,
    file: usize,
    defect: Defect,
    person: &SyntheticPerson,
    values: &mut Vec<String>,
    today: Date,
) {
    let layout = &LAYOUTS[file];
    let uk_dates = file == 1;
    let format_dob = |(y, m, d): (i16, i8, i8)| {
        if uk_dates { dob_uk(Some((y, m, d))) } else { dob_iso(Some((y, m, d))) }
    };
    match defect {
        Defect::InvalidPostcode => {
            let canonical = values[layout.postcode].to_uppercase();
            let canonical = if canonical.contains(' ') {
                canonical
            } else {
                let split = canonical.len().saturating_sub(3);
                format!("{} {}", &canonical[..split], &canonical[split..])
            };
            values[layout.postcode] = defects::invalid_postcode(rng, &canonical);
        }
        Defect::InvalidEmail => values[layout.email] = defects::invalid_email(rng, &person.email),
        Defect::ImpossibleDate => {
            values[layout.dob] = format_dob(defects::impossible_date(rng, person.date_of_birth.year()))
        }
        Defect::BlankSurname => values[layout.surname].clear(),
        Defect::UnderAge => {
            let dob = defects::under_age_dob(rng, today);
            values[layout.dob] = format_dob((dob.year(), dob.month(), dob.day()));
        }
        Defect::UnparseablePhone => {
            let full = if file == 2 { person.mobile.international() } else { person.mobile.national() };
            let cut = defects::unparseable_phone(rng, &full);
            values[layout.phone] = if file == 2 { format!("+44{}", &cut[3.min(cut.len())..]) } else { cut };
        }
        Defect::InvalidRenewalMonth => {
            if let Some(i) = layout.renewal_month {
                values[i] = "13".to_string();
            }
        }
        Defect::WrongFieldCount => {
            // An unquoted comma in the first address line split it into two fields.
            let line = values[layout.address_1].clone();
            let (a, b) = match line.split_once(", ") {
                Some((a, b)) => (a.to_string(), b.to_string()),
                None => match line.split_once(' ') {
                    Some((a, b)) => (a.to_string(), b.to_string()),
                    None => (line.clone(), String::new()),
                },
            };
            values[layout.address_1] = a;
            values.insert(layout.address_1 + 1, b);
        }
        // Rendered as a broken line by `GeneratedRow::json_line`.
        Defect::MalformedJson => {}
    }
}

/// Renders one row of `file` for `person`: the values aligned with the file's headers (one more
/// for [`Defect::WrongFieldCount`]) and the defect injected, if any.
pub(crate) fn render<R: Rng + ?Sized>(
    rng: &mut R,
    file: usize,
    person: &SyntheticPerson,
    plan: &RowPlan,
) -> (Vec<String>, Option<Defect>) {
    let v = view(rng, file, person, plan);
    let mut values = match file {
        0 => competition_co(rng, person, &v, plan.seq),
        1 => compare_hub(rng, person, &v, plan.seq),
        _ => lifestyle_club(rng, person, &v, plan.seq),
    };
    debug_assert_eq!(values.len(), SPECS[file].headers.len());
    let defect = rng.random_bool(DEFECT_RATE).then(|| pick(rng, applicable_defects(file)));
    if let Some(d) = defect {
        apply_defect(rng, file, d, person, &mut values, plan.today);
    }
    (values, defect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_point_at_the_columns_they_name() {
        let names = [
            ["surname", "dob", "email", "mobile", "address_1", "postcode"],
            ["Last Name", "Date of Birth", "Email Address", "Telephone", "Address Line 1", "Post Code"],
            ["family_name", "date_of_birth", "email_address", "mobile_number", "address_line_1", "postcode"],
        ];
        for (file, layout) in LAYOUTS.iter().enumerate() {
            let h = SPECS[file].headers;
            let at = [layout.surname, layout.dob, layout.email, layout.phone, layout.address_1, layout.postcode];
            for (i, name) in at.iter().zip(names[file]) {
                assert_eq!(h[*i], name, "file {file}");
            }
            let renewal = h.iter().position(|h| h.contains("enewal"));
            assert_eq!(layout.renewal_month, renewal, "file {file}");
        }
    }

    #[test]
    fn the_three_files_have_the_agreed_headers() {
        assert_eq!(
            SPECS[0].headers.join(","),
            "record_id,title,first_name,surname,dob,email,mobile,landline,address_1,address_2,town,county,postcode,homeowner,pets,interests,insurance_renewal_month,children_present,email_opt_in,date_collected"
        );
        assert_eq!(
            SPECS[1].headers.join(","),
            "URN,Forename,Last Name,Date of Birth,Email Address,Telephone,Address Line 1,Address Line 2,Town,Post Code,Renewal Month,Marital Status"
        );
        assert_eq!(
            SPECS[2].headers.join(", "),
            "customer_id, salutation, given_name, family_name, date_of_birth, email_address, mobile_number, home_phone, address_line_1, address_line_2, address_line_3, post_town, postcode, lifestyle_hobbies, lifestyle_pets, lifestyle_car_owner, children_present, email_consent, signup_date"
        );
        for spec in partner_files() {
            assert!(crate::partner::Channel::parse(spec.channel).is_ok(), "{}", spec.channel);
        }
    }
}
