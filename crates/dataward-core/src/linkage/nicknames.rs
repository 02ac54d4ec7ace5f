//! Common English nickname and spelling-variant equivalents for first names.
//!
//! Each group is one formal name with the short forms and spellings people commonly use for it
//! ("Robert": Bob, Bobby, Rob, Robbie, Bert). Two first names are *equivalent* when some group
//! contains both, so "Bob" and "Rob" are equivalent (both Robert) while "Chris" is equivalent to
//! both "Christopher" and "Christine" but those two are not equivalent to each other.
//!
//! The table is written for this project from general knowledge of English naming; it is
//! deliberately conservative: a pairing is listed only when it is common in the UK.

use std::collections::HashMap;
use std::sync::LazyLock;

/// (formal name, nicknames and spelling variants), all lower case ASCII.
#[rustfmt::skip]
const GROUPS: &[(&str, &[&str])] = &[
    ("abigail", &["abby", "abbie", "abi", "gail"]),
    ("abraham", &["abe"]),
    ("albert", &["al", "bert", "bertie", "albie"]),
    ("alexander", &["alex", "alec", "alexandre", "sandy", "xander", "sasha"]),
    ("alexandra", &["alex", "alexa", "lexi", "sandra", "sandy", "sasha"]),
    ("alfred", &["alf", "alfie", "fred", "freddie"]),
    ("alison", &["ali", "allison", "alli"]),
    ("amanda", &["mandy", "manda"]),
    ("andrew", &["andy", "drew"]),
    ("angela", &["angie"]),
    ("angus", &["gus"]),
    ("anne", &["ann", "annie", "nan", "nancy"]),
    ("anthony", &["tony", "ant", "antony"]),
    ("antonia", &["toni"]),
    ("arthur", &["art", "artie"]),
    ("augustus", &["gus"]),
    ("barbara", &["babs", "barb", "barbie"]),
    ("bartholomew", &["bart"]),
    ("beatrice", &["bea", "trixie"]),
    ("benedict", &["ben"]),
    ("benjamin", &["ben", "benny", "benji"]),
    ("bernard", &["bernie"]),
    ("bethany", &["beth"]),
    ("bridget", &["biddy", "bridie", "bridgette"]),
    ("cameron", &["cam"]),
    ("caroline", &["caz", "carrie", "carolyn"]),
    ("catherine", &["cath", "cathy", "kate", "katie", "kitty", "cat", "katherine", "kathryn"]),
    ("charles", &["charlie", "chas", "chaz", "chuck"]),
    ("charlotte", &["charlie", "lottie"]),
    ("christina", &["chris", "tina", "chrissie"]),
    ("christine", &["chris", "chrissie", "tina"]),
    ("christopher", &["chris", "kit", "topher"]),
    ("clifford", &["cliff"]),
    ("cynthia", &["cindy"]),
    ("daniel", &["dan", "danny"]),
    ("danielle", &["dani"]),
    ("david", &["dave", "davey", "davy"]),
    ("deborah", &["debbie", "deb", "debs", "debra"]),
    ("dennis", &["den"]),
    ("diana", &["di"]),
    ("diane", &["di"]),
    ("dominic", &["dom"]),
    ("donald", &["don", "donnie"]),
    ("dorothy", &["dot", "dotty", "dolly", "dora"]),
    ("douglas", &["doug", "dougie"]),
    ("edward", &["ed", "eddie", "eddy", "ted", "teddy", "ned"]),
    ("edwin", &["ed", "eddie"]),
    ("eleanor", &["ellie", "nell", "nellie", "nora", "elinor"]),
    ("elizabeth", &["liz", "lizzie", "lizzy", "beth", "betty", "bet", "bess", "bessie", "eliza", "libby", "elsie"]),
    ("ellen", &["nell", "ellie"]),
    ("emily", &["em", "emmy", "millie"]),
    ("ernest", &["ernie"]),
    ("eugene", &["gene"]),
    ("florence", &["flo", "florrie"]),
    ("frances", &["fran", "frankie", "fanny"]),
    ("francis", &["frank", "frankie"]),
    ("frederick", &["fred", "freddie", "freddy"]),
    ("gareth", &["gaz"]),
    ("geoffrey", &["geoff", "jeff", "jeffrey"]),
    ("george", &["georgie"]),
    ("georgia", &["george", "georgie"]),
    ("georgina", &["georgie", "gina"]),
    ("gerald", &["gerry", "ged"]),
    ("gerard", &["gerry", "ged"]),
    ("gillian", &["gill", "gilly", "jill"]),
    ("gregory", &["greg"]),
    ("gwendolen", &["gwen", "gwendoline"]),
    ("harold", &["harry", "hal"]),
    ("harriet", &["hattie"]),
    ("henry", &["harry", "hal", "hank"]),
    ("isabel", &["isabelle", "isobel", "bella", "izzy", "isa"]),
    ("isabella", &["bella", "izzy", "isa"]),
    ("jacob", &["jake"]),
    ("jacqueline", &["jackie", "jacqui"]),
    ("james", &["jim", "jimmy", "jamie", "jimbo"]),
    ("jane", &["janey", "janie"]),
    ("janet", &["jan"]),
    ("jasmine", &["jas", "jazz"]),
    ("jennifer", &["jen", "jenny", "jenni"]),
    ("jeremy", &["jez", "jerry"]),
    ("jerome", &["jerry"]),
    ("jessica", &["jess", "jessie"]),
    ("joanne", &["jo", "joanna"]),
    ("john", &["jack", "johnny", "jon"]),
    ("jonathan", &["jon", "jonny"]),
    ("joseph", &["joe", "joey"]),
    ("josephine", &["jo", "josie"]),
    ("joshua", &["josh"]),
    ("katherine", &["kath", "kathy", "kate", "katie", "kay", "kitty", "kathryn"]),
    ("kathleen", &["kath", "kathy", "kate"]),
    ("kenneth", &["ken", "kenny"]),
    ("kevin", &["kev"]),
    ("kimberley", &["kim", "kimberly"]),
    ("lawrence", &["larry", "laurie", "laurence"]),
    ("leonard", &["len", "lenny", "leo"]),
    ("leslie", &["les", "lesley"]),
    ("louis", &["lou", "lewis"]),
    ("louise", &["lou", "lulu"]),
    ("lucinda", &["lucy", "cindy"]),
    ("madeleine", &["maddie", "maddy", "madeline"]),
    ("malcolm", &["mal"]),
    ("margaret", &["maggie", "peggy", "meg", "madge", "maisie", "marge", "margie", "greta"]),
    ("martin", &["marty"]),
    ("mary", &["molly", "polly", "mae"]),
    ("matilda", &["tilly", "tilda"]),
    ("matthew", &["matt", "matty"]),
    ("maureen", &["mo"]),
    ("megan", &["meg"]),
    ("michael", &["mike", "mick", "mickey", "mikey", "mitch"]),
    ("michelle", &["shelley", "shell"]),
    ("mohammed", &["mo", "muhammad", "mohammad", "mohamed", "muhammed"]),
    ("montgomery", &["monty"]),
    ("natalie", &["nat"]),
    ("natasha", &["tasha", "nat"]),
    ("nathan", &["nate", "nat"]),
    ("nathaniel", &["nate", "nat"]),
    ("nicholas", &["nick", "nicky", "nico"]),
    ("nicola", &["nicky", "nikki"]),
    ("norman", &["norm"]),
    ("oliver", &["ollie", "olly"]),
    ("olivia", &["liv", "livvy"]),
    ("pamela", &["pam"]),
    ("patricia", &["pat", "patsy", "trish", "tricia", "patty"]),
    ("patrick", &["pat", "paddy"]),
    ("penelope", &["penny"]),
    ("peter", &["pete"]),
    ("philip", &["phil", "phillip", "pip"]),
    ("rachel", &["rach"]),
    ("raymond", &["ray"]),
    ("rebecca", &["becky", "becca", "bex"]),
    ("reginald", &["reg", "reggie"]),
    ("richard", &["rich", "rick", "ricky", "richie", "dick"]),
    ("robert", &["bob", "bobby", "rob", "robbie", "bert"]),
    ("ronald", &["ron", "ronnie"]),
    ("rosemary", &["rosie", "rose"]),
    ("samantha", &["sam", "sammy"]),
    ("samuel", &["sam", "sammy"]),
    ("sandra", &["sandy"]),
    ("sarah", &["sally", "sadie", "sara"]),
    ("sebastian", &["seb"]),
    ("sidney", &["sid", "sydney"]),
    ("sophia", &["sophie", "soph"]),
    ("stanley", &["stan"]),
    ("stephanie", &["steph"]),
    ("stephen", &["steve", "stevie", "steven"]),
    ("stuart", &["stu", "stewart"]),
    ("susan", &["sue", "susie", "suzy"]),
    ("suzanne", &["sue", "suzy", "susanne"]),
    ("terence", &["terry", "tel"]),
    ("theodore", &["theo", "ted", "teddy"]),
    ("theresa", &["tess", "tessa", "terri", "teresa"]),
    ("thomas", &["tom", "tommy"]),
    ("timothy", &["tim", "timmy"]),
    ("tobias", &["toby"]),
    ("trevor", &["trev"]),
    ("valerie", &["val"]),
    ("victor", &["vic"]),
    ("victoria", &["vicky", "vicki", "tori", "vic"]),
    ("vincent", &["vince", "vinnie"]),
    ("walter", &["walt", "wally"]),
    ("wilfred", &["wilf"]),
    ("william", &["bill", "billy", "will", "willie", "liam"]),
    ("winifred", &["winnie"]),
    ("zachary", &["zach", "zack"]),
];

/// Name -> indexes of the groups it belongs to.
static INDEX: LazyLock<HashMap<&'static str, Vec<u16>>> = LazyLock::new(|| {
    let mut index: HashMap<&'static str, Vec<u16>> = HashMap::new();
    for (g, (formal, nicknames)) in GROUPS.iter().enumerate() {
        for name in std::iter::once(formal).chain(nicknames.iter()) {
            let groups = index.entry(name).or_default();
            if !groups.contains(&(g as u16)) {
                groups.push(g as u16);
            }
        }
    }
    index
});

/// The number of (formal name, nickname) pairs in the table.
pub fn pair_count() -> usize {
    GROUPS.iter().map(|(_, n)| n.len()).sum()
}

/// The nickname groups a folded first name (lower case, accents folded) belongs to; empty when
/// the name is in no group.
pub fn groups_of(folded: &str) -> &'static [u16] {
    INDEX.get(folded).map_or(&[], Vec::as_slice)
}

/// The formal names a folded first name may stand for ("bob" -> ["robert"], "chris" ->
/// ["christina", "christine", "christopher"]); a formal name gives itself.
pub fn formal_names(folded: &str) -> Vec<&'static str> {
    groups_of(folded).iter().map(|&g| GROUPS[g as usize].0).collect()
}

/// Whether two folded first names are nickname or spelling equivalents (sharing a group).
/// Identical names are not reported here: equality is its own comparison level.
pub fn equivalent(a: &str, b: &str) -> bool {
    let (ga, gb) = (groups_of(a), groups_of(b));
    ga.iter().any(|g| gb.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_at_least_a_hundred_and_fifty_pairs_all_lower_case_ascii() {
        assert!(pair_count() >= 150, "{} pairs", pair_count());
        for (formal, nicknames) in GROUPS {
            for name in std::iter::once(formal).chain(nicknames.iter()) {
                assert!(name.chars().all(|c| c.is_ascii_lowercase()), "{name}");
            }
        }
    }

    #[test]
    fn classic_nicknames_are_equivalent_to_their_formal_names() {
        for (a, b) in [
            ("bob", "robert"),
            ("liz", "elizabeth"),
            ("bill", "william"),
            ("peggy", "margaret"),
            ("jack", "john"),
            ("ted", "edward"),
            ("sue", "susan"),
        ] {
            assert!(equivalent(a, b), "{a} / {b}");
            assert!(equivalent(b, a), "{b} / {a}");
        }
    }

    #[test]
    fn two_nicknames_of_the_same_name_are_equivalent() {
        assert!(equivalent("bob", "rob"));
        assert!(equivalent("kate", "cathy"));
    }

    #[test]
    fn a_shared_nickname_does_not_make_two_formal_names_equivalent() {
        assert!(equivalent("chris", "christopher"));
        assert!(equivalent("chris", "christine"));
        assert!(!equivalent("christopher", "christine"));
        assert!(!equivalent("robert", "william"));
    }

    #[test]
    fn unknown_names_are_in_no_group() {
        assert!(groups_of("zebedee").is_empty());
        assert!(!equivalent("zebedee", "zebedee"));
        assert_eq!(formal_names("bob"), vec!["robert"]);
    }
}
