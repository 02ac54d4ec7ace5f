//! Name vocabularies: common UK first names (with gender and nicknames), surnames and titles.
//!
//! Names are combined at random, so no generated person is a real one. Surnames are drawn in
//! tiers so that the common ones (Smith, Jones, ...) are frequent and a long tail is rare.

use rand::{Rng, RngExt};

use super::pick;

/// The gender a first name is usually given to (drives titles and middle names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Female,
    Male,
}

/// A first name with the nicknames people commonly go by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstName {
    pub name: &'static str,
    pub gender: Gender,
    pub nicknames: &'static [&'static str],
}

const fn f(name: &'static str, nicknames: &'static [&'static str]) -> FirstName {
    FirstName { name, gender: Gender::Female, nicknames }
}
const fn m(name: &'static str, nicknames: &'static [&'static str]) -> FirstName {
    FirstName { name, gender: Gender::Male, nicknames }
}

/// About 200 first names common in the UK across generations.
pub const FIRST_NAMES: &[FirstName] = &[
    f("Mary", &["Molly"]),
    f("Margaret", &["Maggie", "Peggy", "Meg"]),
    f("Elizabeth", &["Liz", "Beth", "Lizzie"]),
    f("Patricia", &["Pat", "Trish"]),
    f("Susan", &["Sue", "Susie"]),
    f("Sarah", &[]),
    f("Karen", &[]),
    f("Linda", &[]),
    f("Jennifer", &["Jen", "Jenny"]),
    f("Emma", &[]),
    f("Claire", &[]),
    f("Helen", &[]),
    f("Nicola", &["Nicky"]),
    f("Rachel", &[]),
    f("Rebecca", &["Becky", "Becca"]),
    f("Laura", &[]),
    f("Jessica", &["Jess"]),
    f("Charlotte", &["Charlie", "Lottie"]),
    f("Sophie", &[]),
    f("Olivia", &["Liv"]),
    f("Amelia", &["Millie"]),
    f("Emily", &["Em"]),
    f("Lucy", &[]),
    f("Hannah", &[]),
    f("Katherine", &["Kate", "Kathy", "Katie"]),
    f("Catherine", &["Cath", "Cathy", "Kate"]),
    f("Victoria", &["Vicky", "Tori"]),
    f("Samantha", &["Sam"]),
    f("Joanne", &["Jo"]),
    f("Julie", &[]),
    f("Deborah", &["Debbie", "Deb"]),
    f("Jacqueline", &["Jackie"]),
    f("Christine", &["Chris"]),
    f("Angela", &["Angie"]),
    f("Alison", &["Ali"]),
    f("Amanda", &["Mandy"]),
    f("Louise", &["Lou"]),
    f("Michelle", &["Shelley"]),
    f("Lisa", &[]),
    f("Kelly", &[]),
    f("Gemma", &[]),
    f("Natalie", &["Nat"]),
    f("Hayley", &[]),
    f("Stephanie", &["Steph"]),
    f("Kirsty", &[]),
    f("Zoe", &[]),
    f("Amy", &[]),
    f("Chloe", &[]),
    f("Megan", &["Meg"]),
    f("Georgia", &["George"]),
    f("Grace", &[]),
    f("Ellie", &[]),
    f("Isabella", &["Bella", "Izzy"]),
    f("Isla", &[]),
    f("Ava", &[]),
    f("Mia", &[]),
    f("Poppy", &[]),
    f("Ruby", &[]),
    f("Evie", &[]),
    f("Freya", &[]),
    f("Holly", &[]),
    f("Jade", &[]),
    f("Leanne", &[]),
    f("Donna", &[]),
    f("Tracey", &[]),
    f("Dawn", &[]),
    f("Wendy", &[]),
    f("Janet", &["Jan"]),
    f("Joan", &[]),
    f("Dorothy", &["Dot", "Dotty"]),
    f("Barbara", &["Babs"]),
    f("Pauline", &[]),
    f("Sandra", &["Sandy"]),
    f("Gillian", &["Gill"]),
    f("Valerie", &["Val"]),
    f("Brenda", &[]),
    f("Sheila", &[]),
    f("Jean", &[]),
    f("Anne", &["Annie"]),
    f("Irene", &[]),
    f("Maureen", &["Mo"]),
    f("Carol", &[]),
    f("Diane", &["Di"]),
    f("Denise", &[]),
    f("Shirley", &[]),
    f("Eileen", &[]),
    f("Frances", &["Fran"]),
    f("Heather", &[]),
    f("Fiona", &["Fi"]),
    f("Caroline", &["Caz", "Carrie"]),
    f("Rosemary", &["Rosie"]),
    f("Jane", &[]),
    f("Joyce", &[]),
    f("Kathleen", &["Kath"]),
    f("Lorraine", &[]),
    f("Paula", &[]),
    f("Theresa", &["Tess", "Terri"]),
    f("Abigail", &["Abby", "Abi"]),
    f("Eleanor", &["Ellie", "Nell"]),
    f("Alice", &[]),
    f("Daisy", &[]),
    f("Phoebe", &[]),
    f("Harriet", &["Hattie"]),
    f("Florence", &["Flo"]),
    f("Matilda", &["Tilly"]),
    f("Bethany", &["Beth"]),
    f("Danielle", &["Dani"]),
    f("Lauren", &[]),
    f("Jasmine", &["Jas"]),
    f("Aisha", &[]),
    f("Priya", &[]),
    f("Fatima", &[]),
    f("Niamh", &[]),
    f("Siobhan", &[]),
    f("Bronwen", &[]),
    f("Rhiannon", &[]),
    f("Eilidh", &[]),
    f("Morag", &[]),
    m("James", &["Jim", "Jimmy", "Jamie"]),
    m("John", &["Jack", "Johnny"]),
    m("Robert", &["Bob", "Rob", "Bobby"]),
    m("Michael", &["Mike", "Mick"]),
    m("William", &["Bill", "Will", "Billy"]),
    m("David", &["Dave"]),
    m("Richard", &["Rich", "Rick", "Dick"]),
    m("Thomas", &["Tom", "Tommy"]),
    m("Christopher", &["Chris"]),
    m("Daniel", &["Dan", "Danny"]),
    m("Matthew", &["Matt"]),
    m("Anthony", &["Tony"]),
    m("Mark", &[]),
    m("Paul", &[]),
    m("Steven", &["Steve"]),
    m("Stephen", &["Steve"]),
    m("Andrew", &["Andy", "Drew"]),
    m("Kenneth", &["Ken", "Kenny"]),
    m("Joshua", &["Josh"]),
    m("Kevin", &["Kev"]),
    m("Brian", &[]),
    m("George", &[]),
    m("Edward", &["Ed", "Eddie", "Ted"]),
    m("Ronald", &["Ron", "Ronnie"]),
    m("Timothy", &["Tim"]),
    m("Jason", &[]),
    m("Jeffrey", &["Jeff"]),
    m("Gary", &[]),
    m("Nicholas", &["Nick", "Nicky"]),
    m("Jonathan", &["Jon"]),
    m("Stuart", &["Stu"]),
    m("Peter", &["Pete"]),
    m("Alan", &[]),
    m("Graham", &[]),
    m("Ian", &[]),
    m("Keith", &[]),
    m("Colin", &[]),
    m("Derek", &[]),
    m("Trevor", &[]),
    m("Barry", &[]),
    m("Neil", &[]),
    m("Martin", &["Marty"]),
    m("Philip", &["Phil"]),
    m("Simon", &[]),
    m("Adrian", &[]),
    m("Lee", &[]),
    m("Wayne", &[]),
    m("Darren", &[]),
    m("Craig", &[]),
    m("Dean", &[]),
    m("Carl", &[]),
    m("Scott", &[]),
    m("Ryan", &[]),
    m("Luke", &[]),
    m("Adam", &[]),
    m("Benjamin", &["Ben", "Benny"]),
    m("Samuel", &["Sam", "Sammy"]),
    m("Alexander", &["Alex", "Alec", "Sandy"]),
    m("Oliver", &["Ollie"]),
    m("Harry", &[]),
    m("Jack", &[]),
    m("Charlie", &[]),
    m("Oscar", &[]),
    m("Leo", &[]),
    m("Archie", &[]),
    m("Alfie", &[]),
    m("Noah", &[]),
    m("Henry", &["Harry", "Hal"]),
    m("Arthur", &["Art"]),
    m("Frederick", &["Fred", "Freddie"]),
    m("Joseph", &["Joe", "Joey"]),
    m("Patrick", &["Pat", "Paddy"]),
    m("Liam", &[]),
    m("Connor", &[]),
    m("Callum", &[]),
    m("Kieran", &[]),
    m("Nathan", &["Nate"]),
    m("Jordan", &[]),
    m("Aaron", &[]),
    m("Lewis", &[]),
    m("Owen", &[]),
    m("Rhys", &[]),
    m("Gareth", &["Gaz"]),
    m("Dylan", &[]),
    m("Euan", &[]),
    m("Hamish", &[]),
    m("Angus", &["Gus"]),
    m("Fraser", &[]),
    m("Ross", &[]),
    m("Mohammed", &["Mo"]),
    m("Raj", &[]),
    m("Sanjay", &[]),
    m("Gerald", &["Gerry"]),
    m("Raymond", &["Ray"]),
    m("Leonard", &["Len", "Lenny"]),
    m("Albert", &["Bert", "Albie"]),
    m("Francis", &["Frank"]),
    m("Roger", &[]),
    m("Malcolm", &["Mal"]),
    m("Douglas", &["Doug", "Dougie"]),
    m("Gordon", &[]),
    m("Terence", &["Terry"]),
    m("Dennis", &[]),
    m("Norman", &[]),
    m("Stanley", &["Stan"]),
    m("Vincent", &["Vince"]),
    m("Victor", &["Vic"]),
    m("Harold", &["Harry"]),
    m("Geoffrey", &["Geoff"]),
    m("Nigel", &[]),
    m("Clive", &[]),
    m("Howard", &[]),
    m("Russell", &["Russ"]),
];

/// Surnames from most to least common: the first [`COMMON`] are drawn far more often.
#[rustfmt::skip]
pub const SURNAMES: &[&str] = &[
    // Most common (tier 1).
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes",
    "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson",
    // Common (tier 2).
    "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "Foster", "Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Ali", "Hunt", "Hussain",
    "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight", "Lloyd",
    "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon", "Harvey",
    "Graham", "Pearson", "Ahmed", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews",
    "Stewart", "Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks",
    "West", "Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill",
    // Long tail (tier 3).
    "Dawson", "Ball", "Burton", "O'Brien", "Watts", "Rose", "Booth", "Perry", "Ryan", "Grant",
    "Wells", "Armstrong", "Francis", "Rees", "Hayes", "Hart", "Hudson", "Newman", "Barrett",
    "Webster", "Hunter", "Gregory", "Carr", "Lowe", "Page", "Marsh", "Riley", "Dunn", "Woods",
    "Parsons", "Berry", "Stone", "Reid", "Holland", "Hawkins", "Harding", "Porter", "Robertson",
    "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird", "Gardner", "Shah", "Dean", "Lane",
    "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop", "Walton", "Burns", "Nicholson",
    "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls", "Hamilton", "Byrne",
    "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor", "Harper",
    "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "Doyle", "Griffin", "Fuller", "Ashton",
    "Sharp", "Akhtar", "Kemp", "Lambert", "Fowler", "Miah", "Jordan", "Hammond", "Connolly",
    "Pritchard", "Barber", "Ingram", "Moran", "Skinner", "Knowles", "Wallace", "Chandler", "Fraser",
    "Leach", "Slater", "Hyde", "Frost", "Whitehead", "Bryant", "Holt", "Rowe", "Hewitt", "Lamb",
    "Norris", "Randall", "Sheppard", "Waters", "Bolton", "Hobbs", "Whittaker", "Brennan",
    "Stephens", "Douglas", "Howell", "Gordon", "Patterson", "Hussey", "Goodwin", "Pickering",
    "Farrell", "Quinn", "Sanderson", "Bartlett", "Pratt", "Lord", "Tucker", "Rahman", "Banks",
    "Simmons", "Parkinson", "Buckley", "Middleton", "Steele", "Charlton", "Sims", "Mellor",
    "Humphreys", "Morton", "Fleming", "Holden", "Rhodes", "Abbott", "Vincent", "Blake", "Hicks",
    "Kirby", "Pollard", "Nash", "Sykes", "Gough", "Bentley", "Brady", "Cartwright", "Brookes",
    "Swift", "Thornton", "Hargreaves", "Duffy", "Lynch", "MacDonald", "MacLeod", "Fitzgerald",
    "Greenwood", "Dyer", "Allan", "Naylor", "Read", "Barlow", "Mann", "Kent", "Hanson", "Preston",
    "Wade", "Carroll", "Finch", "Daly", "Jarvis", "Birch", "Horton", "Rowley", "Weston", "Bull",
    "Dale", "Eaton", "Clayton", "Faulkner", "Goddard", "Bond", "Sweeney", "Hale", "Lucas", "Baxter",
    "Lyons", "Hurst", "Reeves", "Mistry", "Desai", "Chowdhury", "Nguyen", "Wong", "Chen",
    "Kowalski", "Nowak", "Okafor", "Mensah", "Adeyemi", "Campbell-Brown", "Llewellyn", "Pugh",
    "Vaughan", "Bowen", "Jenkinson", "Mackenzie", "Macintyre", "Sinclair", "Urquhart", "Galbraith",
    "McAllister", "McLaughlin", "Gallagher", "Kavanagh", "O'Neill", "O'Sullivan", "Donnelly",
    "Keane", "Trelawny", "Penrose", "Tregear", "Ackroyd", "Sowerby", "Threlfall", "Entwistle",
    "Cropper", "Ramsbottom", "Higginbottom", "Pennington", "Lightfoot", "Featherstone",
    "Fairweather", "Goodfellow", "Hetherington", "Cholmondeley", "Featherstonehaugh", "Wetherby",
    "Outhwaite", "Braithwaite", "Postlethwaite", "Micklethwaite", "Ormerod", "Hollingworth",
    "Kettlewell", "Ashworth", "Duckworth", "Butterworth", "Haworth", "Tattersall", "Greenhalgh",
    "Winstanley", "Rimmer", "Aspinall", "Openshaw", "Blundell", "Culshaw", "Heseltine", "Loxley",
    "Pemberton", "Quarmby", "Rushworth", "Stansfield", "Tinsley", "Umpleby", "Varley", "Wadsworth",
    "Yardley", "Alderson", "Bairstow", "Cawthorne",
];

/// How many of [`SURNAMES`] form the most common tier.
pub const COMMON: usize = 25;
/// Where the long tail of [`SURNAMES`] starts.
pub const TAIL_START: usize = 130;

/// A surname: about 35% from the top tier, 35% from the next, 28% from the long tail and 2%
/// double-barrelled.
pub fn surname<R: Rng + ?Sized>(rng: &mut R) -> String {
    let roll: f64 = rng.random();
    let one = |rng: &mut R| -> &'static str {
        let tier: f64 = rng.random();
        if tier < 0.35 {
            pick(rng, &SURNAMES[..COMMON])
        } else if tier < 0.71 {
            pick(rng, &SURNAMES[COMMON..TAIL_START])
        } else {
            pick(rng, &SURNAMES[TAIL_START..])
        }
    };
    if roll < 0.02 {
        let a = one(rng);
        let mut b = one(rng);
        while b == a || b.contains('-') {
            b = one(rng);
        }
        format!("{}-{}", a.split('-').next().unwrap_or(a), b)
    } else {
        one(rng).to_string()
    }
}

/// A first name of the given gender.
pub fn first_name<R: Rng + ?Sized>(rng: &mut R, gender: Gender) -> &'static FirstName {
    loop {
        let candidate = &FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len() as u32) as usize];
        if candidate.gender == gender {
            return candidate;
        }
    }
}

/// A middle name of the given gender, different from the first name.
pub fn middle_name<R: Rng + ?Sized>(rng: &mut R, first: &FirstName) -> &'static str {
    loop {
        let candidate = first_name(rng, first.gender);
        if candidate.name != first.name {
            return candidate.name;
        }
    }
}

/// A title consistent with gender and marital status.
pub fn title<R: Rng + ?Sized>(rng: &mut R, gender: Gender, married: bool) -> &'static str {
    let roll: f64 = rng.random();
    if roll < 0.015 {
        return "Dr";
    }
    if roll < 0.018 {
        return "Mx";
    }
    match gender {
        Gender::Male => "Mr",
        Gender::Female if married => {
            if rng.random_bool(0.8) {
                "Mrs"
            } else {
                "Ms"
            }
        }
        Gender::Female => {
            if rng.random_bool(0.6) {
                "Miss"
            } else {
                "Ms"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_about_two_hundred_first_names_of_both_genders() {
        assert!(FIRST_NAMES.len() >= 190, "{}", FIRST_NAMES.len());
        let women = FIRST_NAMES.iter().filter(|n| n.gender == Gender::Female).count();
        assert!(women > 80 && FIRST_NAMES.len() - women > 80);
    }

    #[test]
    fn there_are_about_four_hundred_surnames_without_repeats() {
        assert!(SURNAMES.len() >= 380, "{}", SURNAMES.len());
        let mut sorted = SURNAMES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), SURNAMES.len(), "a surname is listed twice");
    }

    #[test]
    fn classic_nicknames_are_known() {
        let nick = |n: &str| FIRST_NAMES.iter().find(|f| f.name == n).unwrap().nicknames;
        assert!(nick("Robert").contains(&"Bob"));
        assert!(nick("Elizabeth").contains(&"Liz"));
        assert!(nick("William").contains(&"Bill"));
        assert!(nick("Margaret").contains(&"Maggie"));
        assert!(nick("James").contains(&"Jim"));
        assert!(nick("Katherine").contains(&"Kate"));
        assert!(nick("Thomas").contains(&"Tom"));
    }
}
