//! Places: towns with their counties, postcode districts and dialling codes, invented street
//! names, house names, and the UK numbering rules the generator needs to produce valid postcodes
//! and telephone numbers.
//!
//! Towns, postcode areas and dialling codes are real; streets are combined at random, so an
//! address is not a real one (a combination may exist by chance, but never tied to a real person).

use std::sync::OnceLock;

use rand::{Rng, RngExt};

use super::pick;

/// A town: its county, postcode districts, dialling code and a few localities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Town {
    pub name: &'static str,
    pub county: &'static str,
    /// Postcode districts as (area letters, first district number, last district number).
    pub districts: &'static [(&'static str, u8, u8)],
    /// Dialling code with the leading 0 (`020`, `0113`, `01223`).
    pub area_code: &'static str,
    /// Digits a local number in this area may start with.
    pub local_starts: &'static str,
    /// Neighbourhoods sometimes written as an address line.
    pub localities: &'static [&'static str],
    /// Rough relative population, to weight the choice of town.
    pub weight: u32,
}

const fn town(
    name: &'static str,
    county: &'static str,
    districts: &'static [(&'static str, u8, u8)],
    area_code: &'static str,
    local_starts: &'static str,
    localities: &'static [&'static str],
    weight: u32,
) -> Town {
    Town { name, county, districts, area_code, local_starts, localities, weight }
}

/// About 60 UK towns and cities.
#[rustfmt::skip]
pub const TOWNS: &[Town] = &[
    town("London", "Greater London", &[("E", 1, 18), ("N", 1, 22), ("SE", 1, 28), ("SW", 2, 20), ("NW", 2, 11), ("W", 2, 14)], "020", "378", &["Hackney", "Islington", "Brixton", "Camden", "Walthamstow", "Ealing", "Peckham"], 90),
    town("Birmingham", "West Midlands", &[("B", 1, 48)], "0121", "34567", &["Edgbaston", "Moseley", "Erdington", "Harborne", "Selly Oak"], 22),
    town("Manchester", "Greater Manchester", &[("M", 1, 40)], "0161", "2345789", &["Didsbury", "Chorlton", "Withington", "Ancoats", "Levenshulme"], 18),
    town("Leeds", "West Yorkshire", &[("LS", 1, 29)], "0113", "234", &["Headingley", "Roundhay", "Horsforth", "Chapel Allerton", "Armley"], 16),
    town("Liverpool", "Merseyside", &[("L", 1, 38)], "0151", "2457", &["Allerton", "Anfield", "Wavertree", "Woolton"], 12),
    town("Sheffield", "South Yorkshire", &[("S", 1, 14)], "0114", "2", &["Crookes", "Hillsborough", "Ecclesall", "Walkley"], 12),
    town("Bristol", "Bristol", &[("BS", 1, 16)], "0117", "9", &["Clifton", "Bedminster", "Redland", "Fishponds"], 10),
    town("Nottingham", "Nottinghamshire", &[("NG", 1, 16)], "0115", "9", &["Beeston", "West Bridgford", "Sherwood"], 8),
    town("Leicester", "Leicestershire", &[("LE", 1, 9)], "0116", "2", &["Oadby", "Wigston", "Evington"], 7),
    town("Reading", "Berkshire", &[("RG", 1, 6), ("RG", 30, 31)], "0118", "9", &["Caversham", "Earley", "Tilehurst"], 5),
    town("Edinburgh", "Midlothian", &[("EH", 1, 17)], "0131", "2345", &["Leith", "Morningside", "Portobello", "Stockbridge"], 10),
    town("Glasgow", "Lanarkshire", &[("G", 1, 53)], "0141", "3459", &["Partick", "Shawlands", "Dennistoun", "Hyndland"], 12),
    town("Newcastle upon Tyne", "Tyne and Wear", &[("NE", 1, 15)], "0191", "2", &["Jesmond", "Gosforth", "Heaton", "Fenham"], 8),
    town("Cardiff", "South Glamorgan", &[("CF", 10, 24)], "029", "2", &["Canton", "Roath", "Llandaff", "Cathays"], 7),
    town("Southampton", "Hampshire", &[("SO", 14, 19)], "023", "8", &["Shirley", "Portswood", "Bitterne"], 5),
    town("Portsmouth", "Hampshire", &[("PO", 1, 6)], "023", "9", &["Southsea", "Cosham", "Fratton"], 5),
    town("Coventry", "West Midlands", &[("CV", 1, 6)], "024", "7", &["Earlsdon", "Tile Hill", "Radford"], 6),
    town("Belfast", "County Antrim", &[("BT", 1, 17)], "028", "9", &["Ballyhackamore", "Stranmillis", "Malone"], 6),
    town("Cambridge", "Cambridgeshire", &[("CB", 1, 5)], "01223", "2345678", &["Chesterton", "Cherry Hinton"], 3),
    town("Bath", "Somerset", &[("BA", 1, 2)], "01225", "3456", &["Widcombe", "Larkhall"], 2),
    town("Exeter", "Devon", &[("EX", 1, 4)], "01392", "2456", &["Heavitree", "St Thomas"], 3),
    town("Plymouth", "Devon", &[("PL", 1, 9)], "01752", "2345678", &["Plympton", "Mutley"], 5),
    town("Brighton", "East Sussex", &[("BN", 1, 2)], "01273", "2345678", &["Hove", "Kemptown", "Preston Park"], 6),
    town("Hull", "East Riding of Yorkshire", &[("HU", 1, 9)], "01482", "2345678", &["Hessle", "Cottingham"], 6),
    town("Derby", "Derbyshire", &[("DE", 1, 3), ("DE", 21, 24)], "01332", "2345678", &["Allestree", "Littleover"], 5),
    town("Stoke-on-Trent", "Staffordshire", &[("ST", 1, 6)], "01782", "2345678", &["Hanley", "Burslem", "Longton"], 5),
    town("Swansea", "West Glamorgan", &[("SA", 1, 7)], "01792", "2345678", &["Mumbles", "Sketty"], 4),
    town("Aberdeen", "Aberdeenshire", &[("AB", 10, 25)], "01224", "2345678", &["Old Aberdeen", "Bridge of Don"], 4),
    town("Dundee", "Angus", &[("DD", 1, 5)], "01382", "2345678", &["Broughty Ferry", "Lochee"], 3),
    town("Inverness", "Inverness-shire", &[("IV", 1, 3)], "01463", "2345678", &["Culloden"], 1),
    town("Wolverhampton", "West Midlands", &[("WV", 1, 14)], "01902", "2345678", &["Tettenhall", "Penn"], 5),
    town("Chester", "Cheshire", &[("CH", 1, 4)], "01244", "2345678", &["Hoole", "Handbridge"], 2),
    town("Carlisle", "Cumbria", &[("CA", 1, 3)], "01228", "2345678", &["Stanwix"], 2),
    town("Middlesbrough", "North Yorkshire", &[("TS", 1, 8)], "01642", "2345678", &["Linthorpe", "Acklam"], 3),
    town("Lincoln", "Lincolnshire", &[("LN", 1, 6)], "01522", "5678", &["Bracebridge"], 2),
    town("Peterborough", "Cambridgeshire", &[("PE", 1, 7)], "01733", "2345678", &["Orton", "Werrington"], 4),
    town("Milton Keynes", "Buckinghamshire", &[("MK", 1, 15)], "01908", "2345678", &["Bletchley", "Wolverton"], 5),
    town("Norwich", "Norfolk", &[("NR", 1, 14)], "01603", "2345678", &["Eaton", "Thorpe St Andrew"], 3),
    town("Ipswich", "Suffolk", &[("IP", 1, 5)], "01473", "2345678", &["Kesgrave"], 3),
    town("Colchester", "Essex", &[("CO", 1, 4)], "01206", "2345678", &["Lexden"], 3),
    town("Chelmsford", "Essex", &[("CM", 1, 3)], "01245", "2345678", &["Springfield", "Great Baddow"], 3),
    town("Canterbury", "Kent", &[("CT", 1, 4)], "01227", "4567", &["Sturry"], 1),
    town("Maidstone", "Kent", &[("ME", 14, 17)], "01622", "2345678", &["Bearsted"], 3),
    town("Worcester", "Worcestershire", &[("WR", 1, 5)], "01905", "2345678", &["St Johns"], 2),
    town("Gloucester", "Gloucestershire", &[("GL", 1, 4)], "01452", "2345678", &["Hucclecote", "Quedgeley"], 3),
    town("Swindon", "Wiltshire", &[("SN", 1, 5)], "01793", "2345678", &["Old Town", "Stratton"], 4),
    town("York", "North Yorkshire", &[("YO", 23, 32)], "01904", "2345678", &["Acomb", "Heworth", "Fulford"], 4),
    town("Oxford", "Oxfordshire", &[("OX", 1, 4)], "01865", "2345678", &["Headington", "Jericho", "Cowley"], 3),
    town("Doncaster", "South Yorkshire", &[("DN", 1, 12)], "01302", "3456789", &["Bessacarr", "Balby"], 4),
    town("Bradford", "West Yorkshire", &[("BD", 1, 15)], "01274", "2345678", &["Shipley", "Heaton"], 7),
    town("Huddersfield", "West Yorkshire", &[("HD", 1, 9)], "01484", "2345678", &["Lindley", "Marsh"], 4),
    town("Blackpool", "Lancashire", &[("FY", 1, 5)], "01253", "2345678", &["Bispham"], 3),
    town("Preston", "Lancashire", &[("PR", 1, 5)], "01772", "2345678", &["Fulwood", "Ashton-on-Ribble"], 3),
    town("Bolton", "Greater Manchester", &[("BL", 1, 6)], "01204", "2345678", &["Astley Bridge", "Heaton"], 4),
    town("Wigan", "Greater Manchester", &[("WN", 1, 6)], "01942", "2345678", &["Standish", "Pemberton"], 3),
    town("Warrington", "Cheshire", &[("WA", 1, 5)], "01925", "2345678", &["Great Sankey", "Stockton Heath"], 3),
    town("Shrewsbury", "Shropshire", &[("SY", 1, 5)], "01743", "2345678", &["Meole Brace"], 2),
    town("Newport", "Gwent", &[("NP", 18, 20)], "01633", "2345678", &["Caerleon"], 3),
    town("Perth", "Perthshire", &[("PH", 1, 2)], "01738", "2345678", &["Scone"], 1),
    town("Harrogate", "North Yorkshire", &[("HG", 1, 3)], "01423", "2345678", &["Starbeck"], 2),
    town("Bournemouth", "Dorset", &[("BH", 1, 11)], "01202", "2345678", &["Boscombe", "Southbourne", "Westbourne"], 4),
];

/// Street name stems, combined with a [`STREET_TYPES`] entry.
#[rustfmt::skip]
pub const STREET_NAMES: &[&str] = &[
    "Acacia", "Albert", "Alder", "Alexandra", "Anchor", "Appleby", "Arundel", "Ash", "Ashdown",
    "Aspen", "Avon", "Badger", "Balmoral", "Bank", "Barley", "Beacon", "Beech", "Belgrave",
    "Belmont", "Birch", "Blackthorn", "Bluebell", "Bowling Green", "Bramble", "Bridge", "Brook",
    "Broom", "Buttercup", "Byron", "Canal", "Carlton", "Castle", "Cavendish", "Cedar", "Chapel",
    "Charles", "Chaucer", "Cherry", "Chestnut", "Church", "Clarence", "Clifton", "Clover",
    "Coronation", "Cottage", "Cromwell", "Cross", "Crown", "Cumberland", "Dale", "Dart", "Derwent",
    "Devonshire", "Dickens", "Dove", "Duke", "Eastfield", "Elder", "Elm", "Elmwood", "Fairfield",
    "Fairway", "Falcon", "Fern", "Field", "Fir", "Forest", "Fox", "Foxglove", "Garden", "George",
    "Gladstone", "Glebe", "Glenfield", "Gordon", "Gorse", "Granby", "Grange", "Granville",
    "Grosvenor", "Grove", "Hadley", "Hamilton", "Hampton", "Harcourt", "Hardy", "Harewood",
    "Harrow", "Hawthorn", "Hazel", "Heath", "Heather", "Highfield", "Hill", "Hillside", "Holly",
    "Hollybush", "Holmes", "Honeysuckle", "Hope", "Howard", "Ivy", "Jubilee", "Juniper",
    "Kensington", "Kestrel", "King", "Kingfisher", "Kings", "Laburnum", "Lancaster", "Larch",
    "Laurel", "Lavender", "Lime", "Linden", "Lodge", "Long", "Lower", "Magnolia", "Main", "Malvern",
    "Manor", "Maple", "Market", "Marlborough", "Mayfield", "Meadow", "Melbourne", "Mill", "Milton",
    "Moor", "Moorland", "Mount", "Mulberry", "Nelson", "New", "Newlands", "Norfolk", "North",
    "Northfield", "Nursery", "Oak", "Oakfield", "Oakwood", "Orchard", "Osborne", "Oxford",
    "Paddock", "Palmerston", "Park", "Parkside", "Pear Tree", "Pembroke", "Pennine", "Peel", "Pine",
    "Pinfold", "Poplar", "Primrose", "Prince", "Princes", "Priory", "Prospect", "Quarry", "Queen",
    "Queens", "Railway", "Raven", "Rectory", "Redwood", "Regent", "Richmond", "Ridge", "Ridgeway",
    "River", "Riverside", "Robin", "Rose", "Rosemary", "Rowan", "Rutland", "St Andrews",
    "St Georges", "St Johns", "St Marys", "Salisbury", "Sandringham", "School", "Selborne",
    "Severn", "Seymour", "Shaftesbury", "Sherwood", "Silver", "Somerset", "South", "Southfield",
    "Spencer", "Spring", "Spruce", "Stanley", "Station", "Stratford", "Sunnyside", "Sutherland",
    "Swallow", "Sycamore", "Talbot", "Tamar", "Tennyson", "Thames", "Thistle", "Thornfield",
    "Tudor", "Union", "Upper", "Vale", "Valley", "Vicarage", "Victoria", "Village", "Walnut",
    "Warwick", "Water", "Waterloo", "Well", "Wellington", "Wesley", "West", "Westfield",
    "Westminster", "Whitehall", "Willow", "Wilton", "Windermere", "Windmill", "Windsor", "Wood",
    "Woodland", "Woodlands", "Woodside", "Wordsworth", "Wren", "Wychwood", "Yew", "York", "Abbey",
    "Alma", "Ambleside", "Ashford", "Ashgrove", "Beaumont", "Bedford", "Berkeley", "Blenheim",
    "Bolton", "Bourne", "Bradshaw", "Brampton", "Brunswick", "Buckingham", "Burns", "Cambridge",
    "Canterbury", "Chatsworth", "Chester", "Coniston", "Cornwall", "Coventry", "Dorset", "Dudley",
    "Durham", "Essex", "Exeter", "Gloucester", "Grafton", "Hanover", "Hereford", "Keswick",
    "Lansdowne", "Lichfield", "Lincoln", "Ludlow", "Mansfield", "Milford", "Montague", "Newton",
    "Orchid", "Portland", "Raglan", "Ripon", "Rochester", "Sefton", "Stafford", "Surrey",
    "Trafalgar", "Wakefield", "Welbeck", "Whitby", "Winchester", "Worcester",
];

/// Street types, most common first.
#[rustfmt::skip]
pub const STREET_TYPES: &[&str] = &[
    "Road", "Street", "Avenue", "Close", "Lane", "Drive", "Way", "Crescent", "Gardens", "Court",
    "Grove", "Place", "Terrace", "View", "Walk", "Rise", "Mews",
];

/// House names used instead of a number for a few addresses.
#[rustfmt::skip]
pub const HOUSE_NAMES: &[&str] = &[
    "Rose Cottage", "The Old Rectory", "Meadow View", "Orchard House", "Hillcrest", "The Willows",
    "Ivy Cottage", "Woodlands", "The Laurels", "Fairview", "Brookside", "The Coach House",
    "Holly Lodge", "Greystones", "Sunnyside", "The Old School House", "Oak Lodge", "Field End",
    "The Barn", "Mill House", "Beech House", "Primrose Cottage",
];

/// The letters allowed in the two letters of a postcode's inward part.
pub const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";

/// A town chosen with probability proportional to its weight; returns its index in [`TOWNS`].
pub fn town_index<R: Rng + ?Sized>(rng: &mut R) -> usize {
    static TOTAL: OnceLock<u32> = OnceLock::new();
    let total = *TOTAL.get_or_init(|| TOWNS.iter().map(|t| t.weight).sum());
    let mut roll = rng.random_range(0..total);
    for (index, town) in TOWNS.iter().enumerate() {
        if roll < town.weight {
            return index;
        }
        roll -= town.weight;
    }
    TOWNS.len() - 1
}

/// A postcode in `town`, in its canonical form (`LS6 2AB`).
pub fn postcode<R: Rng + ?Sized>(rng: &mut R, town: &Town) -> String {
    let count: u32 = town.districts.iter().map(|(_, a, b)| u32::from(b - a) + 1).sum();
    let mut roll = rng.random_range(0..count);
    let mut outward = String::new();
    for (area, first, last) in town.districts {
        let size = u32::from(last - first) + 1;
        if roll < size {
            outward = format!("{area}{}", u32::from(*first) + roll);
            break;
        }
        roll -= size;
    }
    let digit = rng.random_range(0..10u8);
    let a = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len() as u32) as usize] as char;
    let b = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len() as u32) as usize] as char;
    format!("{outward} {digit}{a}{b}")
}

/// A street name with its type (`Oak Road`); a few are just `High Street`.
pub fn street<R: Rng + ?Sized>(rng: &mut R) -> String {
    if rng.random_bool(0.02) {
        return "High Street".to_string();
    }
    let stem = pick(rng, STREET_NAMES);
    // The first seven types are the common ones.
    let kind = if rng.random_bool(0.75) { pick(rng, &STREET_TYPES[..7]) } else { pick(rng, STREET_TYPES) };
    format!("{stem} {kind}")
}

/// A UK telephone number, kept as its dialling code and local number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UkPhone {
    /// Dialling code with the leading 0: `07700`-style for mobiles, `0113`, `020`, `01223`.
    pub code: String,
    /// The rest of the number.
    pub local: String,
}

impl UkPhone {
    /// All digits as dialled in the UK: `07123456789`.
    pub fn national(&self) -> String {
        format!("{}{}", self.code, self.local)
    }

    /// National format with the usual spacing: `07123 456789`, `020 7946 0123`, `0113 496 0123`,
    /// `01223 456789`.
    pub fn national_spaced(&self) -> String {
        match self.local.len() {
            8 => format!("{} {} {}", self.code, &self.local[..4], &self.local[4..]),
            7 => format!("{} {} {}", self.code, &self.local[..3], &self.local[3..]),
            _ => format!("{} {}", self.code, self.local),
        }
    }

    /// E.164: `+447123456789`.
    pub fn international(&self) -> String {
        format!("+44{}{}", &self.code[1..], self.local)
    }

    /// International with spaces: `+44 7123 456789`.
    pub fn international_spaced(&self) -> String {
        let spaced = self.national_spaced();
        format!("+44 {}", &spaced[1..])
    }
}

/// A landline in `town`'s area: a real dialling code and a local number starting with a digit
/// in use there, so that the whole number is a valid UK fixed-line number.
pub fn landline<R: Rng + ?Sized>(rng: &mut R, town: &Town) -> UkPhone {
    // UK geographic numbers have 10 digits after the leading 0.
    let local_len = 11 - town.area_code.len();
    let starts = town.local_starts.as_bytes();
    let mut local = String::with_capacity(local_len);
    local.push(starts[rng.random_range(0..starts.len() as u32) as usize] as char);
    for _ in 1..local_len {
        local.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    UkPhone { code: town.area_code.to_string(), local }
}

/// Whether the mobile range `07` + `abc` (the digits after `07`) is allocated to GB mobiles.
/// Mirrors the GB mobile pattern of libphonenumber for the ranges used here (`074`–`079`,
/// excluding pagers `076` and ranges of the Crown Dependencies).
fn mobile_range_ok(a: u8, b: u8, c: u8) -> bool {
    match a {
        4 => (b, c) != (5, 7),
        5 => !matches!((b, c), (0, 9) | (2, 4)),
        7 => !matches!((b, c), (0, 0) | (8, 1) | (9, 7)),
        8 => !matches!((b, c), (2, 9) | (3, 9)),
        9 => !matches!((b, c), (1, 1) | (3, 7)),
        _ => false,
    }
}

/// The allocated mobile ranges, as the three digits after `07` (e.g. `400`, `712`).
pub fn mobile_ranges() -> &'static [u16] {
    static RANGES: OnceLock<Vec<u16>> = OnceLock::new();
    RANGES.get_or_init(|| {
        (400u16..1000).filter(|r| mobile_range_ok((r / 100) as u8, (r / 10 % 10) as u8, (r % 10) as u8)).collect()
    })
}

/// How many distinct mobile numbers [`mobile_number`] can produce.
pub fn mobile_space() -> u64 {
    mobile_ranges().len() as u64 * 1_000_000
}

/// The mobile number at position `n` of the mobile space (`n < mobile_space()`): distinct `n`
/// give distinct numbers.
pub fn mobile_number(n: u64) -> UkPhone {
    let ranges = mobile_ranges();
    let range = ranges[(n / 1_000_000) as usize % ranges.len()];
    UkPhone { code: format!("07{range:03}"), local: format!("{:06}", n % 1_000_000) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_about_fifty_towns_and_three_hundred_street_names() {
        assert!(TOWNS.len() >= 50, "{}", TOWNS.len());
        assert!(STREET_NAMES.len() >= 300, "{}", STREET_NAMES.len());
        let mut sorted = STREET_NAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), STREET_NAMES.len(), "a street name is listed twice");
    }

    #[test]
    fn every_town_has_a_geographic_dialling_code_and_ten_digit_numbers() {
        for t in TOWNS {
            assert!(t.area_code.starts_with("01") || t.area_code.starts_with("02"), "{}", t.name);
            assert!(!t.local_starts.is_empty() && !t.districts.is_empty(), "{}", t.name);
            assert!(t.districts.iter().all(|(_, a, b)| a <= b), "{}", t.name);
        }
    }

    #[test]
    fn mobile_ranges_leave_out_pagers_and_crown_dependency_ranges() {
        let ranges = mobile_ranges();
        assert!(ranges.len() > 400, "{}", ranges.len());
        assert!(!ranges.iter().any(|r| (600..700).contains(r)), "076 is pagers");
        assert!(!ranges.contains(&781) && !ranges.contains(&797) && !ranges.contains(&624));
    }

    #[test]
    fn phone_formats_put_spaces_where_the_uk_does() {
        let london = UkPhone { code: "020".into(), local: "79460123".into() };
        assert_eq!(london.national_spaced(), "020 7946 0123");
        assert_eq!(london.international(), "+442079460123");
        let leeds = UkPhone { code: "0113".into(), local: "4960123".into() };
        assert_eq!(leeds.national_spaced(), "0113 496 0123");
        let mobile = mobile_number(0);
        assert_eq!(mobile.national_spaced(), "07400 000000");
        assert_eq!(mobile.international_spaced(), "+44 7400 000000");
    }
}
