//! Screening one row of a client's list against the registers and the suppression list.
//!
//! `Screener` holds a `ScreeningSet` per register and the `SuppressionIndex`; `screen` turns a
//! row's phones, email and name + address into screening keys, digests them under the server
//! secret and looks each digest up. Nothing here keeps or returns a clear value: a `Hit` says
//! which list matched, for which kind of identifier, why, and which channel it blocks.

use crate::keys::Indexer;

use super::keys::{digest, write_email_key, write_name_address_key, write_phone_key};
use super::set::{ScreeningSet, truncate};
use super::suppression::SuppressionIndex;
use super::vocabulary::{ContactChannel, IdentifierKind, RegisterKind, Scope, SuppressionReason};

/// The name and address of a list row, as the client wrote them.
#[derive(Clone, Copy)]
pub struct NameAddress<'a> {
    pub surname: &'a str,
    /// The first address line (house number or name and street).
    pub address_line: &'a str,
    pub postcode: &'a str,
}

/// One row of a client's list, as the client wrote it. Blank fields are simply absent.
#[derive(Clone, Copy, Default)]
pub struct ListRow<'a> {
    pub phones: &'a [&'a str],
    pub email: Option<&'a str>,
    pub name_address: Option<NameAddress<'a>>,
}

impl std::fmt::Debug for ListRow<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ListRow(<redacted>, {} phones)", self.phones.len())
    }
}

/// Which list a hit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HitSource {
    Register(RegisterKind),
    /// The operator's own suppression list.
    SuppressionList,
}

/// Why a row is screened out, with a stable code for clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HitReason {
    Registered(RegisterKind),
    Suppressed(SuppressionReason),
}

impl HitReason {
    /// `tps_registered`, `ctps_registered`, `mps_registered` or `suppressed`.
    pub fn code(self) -> &'static str {
        match self {
            HitReason::Registered(RegisterKind::Tps) => "tps_registered",
            HitReason::Registered(RegisterKind::Ctps) => "ctps_registered",
            HitReason::Registered(RegisterKind::Mps) => "mps_registered",
            HitReason::Suppressed(_) => "suppressed",
        }
    }
}

/// One match of a row against a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hit {
    pub source: HitSource,
    pub identifier: IdentifierKind,
    pub reason: HitReason,
    /// The channels the hit blocks: a register's own channel, or the suppression's scope.
    pub scope: Scope,
}

impl Hit {
    /// Whether this hit stops contact through `channel`.
    pub fn blocks(&self, channel: ContactChannel) -> bool {
        self.scope.covers(channel)
    }
}

/// The screening keys of a row, as digest prefixes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowKeys {
    pub phones: Vec<u64>,
    pub email: Option<u64>,
    pub name_address: Option<u64>,
}

/// The registers and suppression list in memory, ready to screen rows from many threads.
#[derive(Debug, Clone)]
pub struct Screener {
    indexer: Indexer,
    registers: [ScreeningSet; 3],
    suppressions: SuppressionIndex,
}

fn slot(kind: RegisterKind) -> usize {
    match kind {
        RegisterKind::Tps => 0,
        RegisterKind::Ctps => 1,
        RegisterKind::Mps => 2,
    }
}

impl Screener {
    /// A screener with empty registers and no suppressions.
    pub fn new(indexer: Indexer) -> Screener {
        Screener { indexer, registers: Default::default(), suppressions: SuppressionIndex::new() }
    }

    pub fn set_register(&mut self, kind: RegisterKind, set: ScreeningSet) {
        self.registers[slot(kind)] = set;
    }

    pub fn register(&self, kind: RegisterKind) -> &ScreeningSet {
        &self.registers[slot(kind)]
    }

    pub fn set_suppressions(&mut self, suppressions: SuppressionIndex) {
        self.suppressions = suppressions;
    }

    pub fn suppressions(&self) -> &SuppressionIndex {
        &self.suppressions
    }

    /// Normalises and digests a row's identifiers; unusable ones are left out.
    pub fn keys(&self, row: &ListRow<'_>) -> RowKeys {
        self.keys_with(row, &mut String::with_capacity(64))
    }

    /// `keys` with a caller's scratch buffer for the normalised text (no allocation per key).
    fn keys_with(&self, row: &ListRow<'_>, text: &mut String) -> RowKeys {
        let key = |kind, text: &str| truncate(&digest(&self.indexer, kind, text));
        let mut keys = RowKeys { phones: Vec::with_capacity(row.phones.len()), ..RowKeys::default() };
        for phone in row.phones {
            if write_phone_key(phone, text) {
                keys.phones.push(key(IdentifierKind::Phone, text));
            }
        }
        if let Some(email) = row.email
            && write_email_key(email, text)
        {
            keys.email = Some(key(IdentifierKind::Email, text));
        }
        if let Some(n) = row.name_address
            && write_name_address_key(n.surname, n.address_line, n.postcode, text).is_ok()
        {
            keys.name_address = Some(key(IdentifierKind::NameAddress, text));
        }
        keys
    }

    /// Every hit of a row, registers first, in a stable order.
    pub fn screen(&self, row: &ListRow<'_>) -> Vec<Hit> {
        self.screen_keys(&self.keys(row))
    }

    /// The hits of a row that block contact through `channel`.
    pub fn screen_for(&self, row: &ListRow<'_>, channel: ContactChannel) -> Vec<Hit> {
        let mut hits = self.screen(row);
        hits.retain(|h| h.blocks(channel));
        hits
    }

    /// Every hit of many rows, in row order. Faster than `screen` row by row on large registers:
    /// the register lookups of a group of rows overlap (`ScreeningSet::contains_batch`).
    pub fn screen_batch(&self, rows: &[ListRow<'_>]) -> Vec<Vec<Hit>> {
        const GROUP: usize = 256;
        let mut out = Vec::with_capacity(rows.len());
        let mut text = String::with_capacity(64);
        for group in rows.chunks(GROUP) {
            let keys: Vec<RowKeys> = group.iter().map(|r| self.keys_with(r, &mut text)).collect();
            // Each register's prefixes in the order `screen_keys_with` asks for them.
            let asked = |kind: RegisterKind| -> Vec<u64> {
                let mut asked = Vec::with_capacity(keys.len());
                for k in &keys {
                    match kind.identifier() {
                        IdentifierKind::Phone => asked.extend_from_slice(&k.phones),
                        IdentifierKind::NameAddress => asked.extend(k.name_address),
                        IdentifierKind::Email => asked.extend(k.email),
                    }
                }
                asked
            };
            let prefixes = RegisterKind::ALL.map(asked);
            let answers: Vec<Vec<bool>> =
                RegisterKind::ALL.iter().zip(&prefixes).map(|(&k, p)| self.register(k).contains_batch(p)).collect();
            let mut cursor = [0usize; 3];
            for k in &keys {
                out.push(self.screen_keys_with(k, |kind, prefix| {
                    let i = slot(kind);
                    debug_assert_eq!(prefixes[i][cursor[i]], prefix, "lookups asked in the batched order");
                    cursor[i] += 1;
                    answers[i][cursor[i] - 1]
                }));
            }
        }
        out
    }

    /// Every hit of already digested keys.
    pub fn screen_keys(&self, keys: &RowKeys) -> Vec<Hit> {
        self.screen_keys_with(keys, |kind, prefix| self.register(kind).contains(prefix))
    }

    /// Every hit of digested keys, asking `registered` for register membership (registers in
    /// `RegisterKind::ALL` order for each identifier, identifiers in row order).
    fn screen_keys_with(&self, keys: &RowKeys, mut registered: impl FnMut(RegisterKind, u64) -> bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut check = |identifier: IdentifierKind, prefix: u64| {
            for kind in RegisterKind::ALL {
                if kind.identifier() == identifier && registered(kind, prefix) {
                    hits.push(Hit {
                        source: HitSource::Register(kind),
                        identifier,
                        reason: HitReason::Registered(kind),
                        scope: Scope::Channel(kind.channel()),
                    });
                }
            }
            for s in self.suppressions.get(prefix) {
                if s.identifier == identifier {
                    hits.push(Hit {
                        source: HitSource::SuppressionList,
                        identifier,
                        reason: HitReason::Suppressed(s.reason),
                        scope: s.scope,
                    });
                }
            }
        };
        for &p in &keys.phones {
            check(IdentifierKind::Phone, p);
        }
        if let Some(e) = keys.email {
            check(IdentifierKind::Email, e);
        }
        if let Some(n) = keys.name_address {
            check(IdentifierKind::NameAddress, n);
        }
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::suppression::SuppressionEntry;

    fn indexer() -> Indexer {
        Indexer::new(&[3u8; 32]).unwrap()
    }

    fn screener() -> Screener {
        let ix = indexer();
        let mut s = Screener::new(ix.clone());
        let phone = digest(&ix, IdentifierKind::Phone, "+441632960123");
        s.set_register(RegisterKind::Tps, ScreeningSet::from_digests([&phone]));
        let mps = digest(&ix, IdentifierKind::NameAddress, "smith|LS1 4AP|12");
        s.set_register(RegisterKind::Mps, ScreeningSet::from_digests([&mps]));
        let mut sup = SuppressionIndex::new();
        sup.insert(
            &digest(&ix, IdentifierKind::Email, "jane@example.com"),
            SuppressionEntry {
                identifier: IdentifierKind::Email,
                reason: SuppressionReason::OptOut,
                scope: Scope::Channel(ContactChannel::Email),
            },
        );
        s.set_suppressions(sup);
        s
    }

    #[test]
    fn a_tps_number_written_nationally_is_a_tps_hit_that_blocks_calls_only() {
        let phones = ["01632 960 123"];
        let hits = screener().screen(&ListRow { phones: &phones, ..ListRow::default() });
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].source, HitSource::Register(RegisterKind::Tps));
        assert_eq!(hits[0].reason.code(), "tps_registered");
        assert!(hits[0].blocks(ContactChannel::Phone));
        assert!(!hits[0].blocks(ContactChannel::Post));
    }

    #[test]
    fn an_mps_name_and_address_is_found_however_the_street_is_written() {
        let row = ListRow {
            name_address: Some(NameAddress { surname: "SMITH", address_line: "12 High St", postcode: "ls14ap" }),
            ..ListRow::default()
        };
        let hits = screener().screen(&row);
        assert_eq!(hits.iter().map(|h| h.reason.code()).collect::<Vec<_>>(), ["mps_registered"]);
    }

    #[test]
    fn an_email_opt_out_blocks_email_but_not_post() {
        let row = ListRow { email: Some(" Jane@Example.com"), ..ListRow::default() };
        let s = screener();
        let hits = s.screen(&row);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].reason, HitReason::Suppressed(SuppressionReason::OptOut));
        assert_eq!(s.screen_for(&row, ContactChannel::Email).len(), 1);
        assert!(s.screen_for(&row, ContactChannel::Post).is_empty());
    }

    #[test]
    fn a_row_matching_nothing_has_no_hits_and_the_same_text_in_another_kind_does_not_match() {
        let phones = ["07911 123456", "not a number"];
        let row = ListRow {
            phones: &phones,
            email: Some("other@example.com"),
            name_address: Some(NameAddress { surname: "Smith", address_line: "14 High St", postcode: "LS1 4AP" }),
        };
        assert!(screener().screen(&row).is_empty());
        let s = screener();
        let tps_digest_as_email = s.keys(&ListRow { email: Some("+441632960123@x"), ..ListRow::default() });
        assert!(s.screen_keys(&tps_digest_as_email).is_empty());
    }

    #[test]
    fn screening_a_batch_gives_the_same_hits_as_screening_row_by_row() {
        let s = screener();
        let phones = [["01632 960123"], ["07911 123456"], ["+441632960123"]];
        let mut rows: Vec<ListRow<'_>> = phones.iter().map(|p| ListRow { phones: p, ..ListRow::default() }).collect();
        rows.push(ListRow { email: Some("jane@example.com"), ..ListRow::default() });
        let address = NameAddress { surname: "Smith", address_line: "12 High Road", postcode: "LS1 4AP" };
        rows.push(ListRow { phones: &phones[0], name_address: Some(address), ..ListRow::default() });
        let many: Vec<ListRow<'_>> = rows.iter().cycle().take(600).copied().collect();
        let single: Vec<Vec<Hit>> = many.iter().map(|r| s.screen(r)).collect();
        assert_eq!(s.screen_batch(&many), single);
        assert_eq!(single.iter().filter(|h| !h.is_empty()).count(), 480);
        assert_eq!(single[4].len(), 2, "TPS and MPS on one row");
    }

    #[test]
    fn a_different_secret_finds_nothing() {
        let s = screener();
        let other = Screener { indexer: Indexer::new(&[4u8; 32]).unwrap(), ..s };
        let phones = ["01632960123"];
        assert!(other.screen(&ListRow { phones: &phones, ..ListRow::default() }).is_empty());
    }
}
