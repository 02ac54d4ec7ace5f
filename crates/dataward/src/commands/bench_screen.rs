//! `dataward bench screen`: screening throughput for a client's list against registers of
//! production size, built in memory from generated digests (no store involved).
//!
//! The list has a phone, an email and a name and address on every row, written in varied ways
//! (national and international numbers, mixed-case emails, `High Street` here and `High St` in
//! the register). A seeded share of rows is planted in each list (10% TPS, 1% CTPS, 5% MPS, 1%
//! email suppressions): their keys are digested from the canonical form the generator knows (not
//! from the text the screener reads) and added to the sets, which are then filled with random
//! prefixes up to their sizes. The truth is every row whose canonical key was planted (rows can
//! share a name and address); the hits found are checked against it, and the command fails if
//! they differ.

use std::collections::HashSet;
use std::time::Instant;

use anyhow::{Result, bail};
use dataward_core::keys::Indexer;
use dataward_core::screening::keys::digest;
use dataward_core::screening::{
    HitReason, IdentifierKind, ListRow, NameAddress, RegisterKind, Scope, Screener, ScreeningSet, SuppressionEntry,
    SuppressionIndex, SuppressionReason, name_address_key, truncate,
};

use crate::cli::{BenchScreenArgs, Global};
use crate::{cpu, memory};

const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
    "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "O'Brien",
];
const STREETS: &[&str] = &["High", "Station", "Church", "Park", "Victoria", "Mill", "School", "Manor"];
const AREAS: &[&str] = &["LS", "M", "B", "SW", "NE", "CF", "EH", "BS"];
const INWARD_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
const SUPPRESSION_FILLER: usize = 100_000;

/// A small seeded generator (SplitMix64), so runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The planted truth.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    tps: u64,
    ctps: u64,
    mps: u64,
    suppressed: u64,
    rows_hit: u64,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.tps += other.tps;
        self.ctps += other.ctps;
        self.mps += other.mps;
        self.suppressed += other.suppressed;
        self.rows_hit += other.rows_hit;
    }
}

/// One generated list row as a client file line: phone, email, surname, address line, postcode.
/// The rows, the planted prefixes of TPS, CTPS and MPS, the planted suppressions and the truth.
type Generated = (Vec<String>, [Vec<u64>; 3], Vec<u64>, Tally);

fn generate(rows: u64, seed: u64, ix: &Indexer) -> Result<Generated> {
    let mut rng = Rng(seed);
    let mut lines = Vec::with_capacity(rows as usize);
    let mut planted: [Vec<u64>; 3] = Default::default();
    let mut suppressed = Vec::new();
    // The canonical keys of every row (phone, email, name and address), to count the truth by
    // membership: two rows may share a name and address, and then both are hits.
    let mut canonical = Vec::with_capacity(rows as usize);
    for i in 0..rows {
        // A bijection of the row number (3^18 is coprime with 10^9): every row's number differs.
        let nsn = format!("7{:09}", (i * 387_420_489 + seed) % 1_000_000_000);
        let phone = match i % 4 {
            0 => format!("0{nsn}"),
            1 => format!("+44 {} {}", &nsn[..4], &nsn[4..]),
            2 => format!("0{} {}", &nsn[..4], &nsn[4..]),
            _ => format!("+44 (0){nsn}"),
        };
        let email = format!("User{i}.{}@Example.com", rng.below(10_000));
        let surname = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
        let house = 1 + rng.below(200);
        let street = STREETS[rng.below(STREETS.len() as u64) as usize];
        let postcode = format!(
            "{}{} {}{}{}",
            AREAS[rng.below(AREAS.len() as u64) as usize],
            1 + rng.below(20),
            rng.below(10),
            INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char,
            INWARD_LETTERS[rng.below(INWARD_LETTERS.len() as u64) as usize] as char,
        );
        let key = name_address_key(surname, &format!("{house} {street} St"), &postcode)?;
        let keys = [
            truncate(&digest(ix, IdentifierKind::Phone, &format!("+44{nsn}"))),
            truncate(&digest(ix, IdentifierKind::Email, &email.to_lowercase())),
            truncate(&digest(ix, IdentifierKind::NameAddress, &key)),
        ];
        if rng.below(10) == 0 {
            planted[0].push(keys[0]);
        }
        if rng.below(100) == 0 {
            planted[1].push(keys[0]);
        }
        if rng.below(20) == 0 {
            planted[2].push(keys[2]);
        }
        if rng.below(100) == 0 {
            suppressed.push(keys[1]);
        }
        canonical.push(keys);
        lines.push(format!("{phone}\t{email}\t{surname}\t{house} {street} Street\t{}", postcode.to_lowercase()));
    }
    let sets: Vec<HashSet<u64>> = planted.iter().chain([&suppressed]).map(|p| p.iter().copied().collect()).collect();
    let mut truth = Tally::default();
    for [phone, email, name_address] in canonical {
        let row = Tally {
            tps: u64::from(sets[0].contains(&phone)),
            ctps: u64::from(sets[1].contains(&phone)),
            mps: u64::from(sets[2].contains(&name_address)),
            suppressed: u64::from(sets[3].contains(&email)),
            rows_hit: 0,
        };
        let hit = row.tps + row.ctps + row.mps + row.suppressed > 0;
        truth.add(Tally { rows_hit: u64::from(hit), ..row });
    }
    Ok((lines, planted, suppressed, truth))
}

/// Screens `lines` in batches, counting hits the way the truth counts them.
fn screen_lines(screener: &Screener, lines: &[String]) -> Tally {
    let mut tally = Tally::default();
    for chunk in lines.chunks(1024) {
        let parsed: Vec<([&str; 1], &str, NameAddress<'_>)> = chunk
            .iter()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let (phone, email) = (f.next()?, f.next()?);
                let (surname, address_line, postcode) = (f.next()?, f.next()?, f.next()?);
                Some(([phone], email, NameAddress { surname, address_line, postcode }))
            })
            .collect();
        let rows: Vec<ListRow<'_>> = parsed
            .iter()
            .map(|(phones, email, name_address)| ListRow {
                phones,
                email: Some(email),
                name_address: Some(*name_address),
            })
            .collect();
        for hits in screener.screen_batch(&rows) {
            tally.rows_hit += u64::from(!hits.is_empty());
            for h in hits {
                match h.reason {
                    HitReason::Registered(RegisterKind::Tps) => tally.tps += 1,
                    HitReason::Registered(RegisterKind::Ctps) => tally.ctps += 1,
                    HitReason::Registered(RegisterKind::Mps) => tally.mps += 1,
                    HitReason::Suppressed(_) => tally.suppressed += 1,
                }
            }
        }
    }
    tally
}

fn filled(mut planted: Vec<u64>, size: usize, rng: &mut Rng) -> ScreeningSet {
    planted.reserve(size.saturating_sub(planted.len()));
    while planted.len() < size {
        planted.push(rng.next());
    }
    ScreeningSet::from_prefixes(planted)
}

pub fn run(_global: &Global, args: BenchScreenArgs) -> Result<()> {
    let ix = Indexer::new(b"dataward-bench-secret-0123456789abcdef")?;
    let size = args.register_size as usize;
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let started = Instant::now();
    let (lines, planted, suppressed, truth) = generate(args.rows, args.seed, &ix)?;
    println!("generated {} list rows in {:.1?}", lines.len(), started.elapsed());

    memory::reset_peak_rss();
    let started = Instant::now();
    let mut rng = Rng(args.seed ^ 0xD1B5_4A32_D192_ED03);
    let [tps, ctps, mps] = planted;
    let mut screener = Screener::new(ix.clone());
    screener.set_register(RegisterKind::Tps, filled(tps, size, &mut rng));
    screener.set_register(RegisterKind::Ctps, filled(ctps, size / 20, &mut rng));
    screener.set_register(RegisterKind::Mps, filled(mps, size / 4, &mut rng));
    let mut index = SuppressionIndex::new();
    let entry =
        SuppressionEntry { identifier: IdentifierKind::Email, reason: SuppressionReason::OptOut, scope: Scope::All };
    for prefix in suppressed.into_iter().chain((0..SUPPRESSION_FILLER).map(|_| rng.next())) {
        let mut d = [0u8; 32];
        d[..8].copy_from_slice(&prefix.to_be_bytes());
        index.insert(&d, entry);
    }
    screener.set_suppressions(index);
    let build = started.elapsed();
    let set_mb: usize = RegisterKind::ALL.iter().map(|&k| screener.register(k).heap_bytes()).sum::<usize>() / 1_000_000;
    println!(
        "built registers in {:.1?}: tps {} ctps {} mps {} entries, suppressions {} ({} MB of sets)",
        build,
        screener.register(RegisterKind::Tps).len(),
        screener.register(RegisterKind::Ctps).len(),
        screener.register(RegisterKind::Mps).len(),
        screener.suppressions().len(),
        set_mb
    );

    let started = Instant::now();
    let cpu_started = cpu::thread_cpu_time();
    let single = screen_lines(&screener, &lines);
    let single_secs = started.elapsed().as_secs_f64();
    let single_cpu = cpu::thread_cpu_time().zip(cpu_started).map(|(end, start)| (end - start).as_secs_f64());

    let started = Instant::now();
    let per_thread = lines.len().div_ceil(threads.max(1)).max(1);
    let mut parallel = Tally::default();
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            lines.chunks(per_thread).map(|chunk| scope.spawn(|| screen_lines(&screener, chunk))).collect();
        for h in handles {
            parallel.add(h.join().expect("screening thread"));
        }
    });
    let parallel_secs = started.elapsed().as_secs_f64();
    let peak = memory::peak_rss_bytes().unwrap_or(0) as f64 / 1e6;

    println!("\n{:<22} {:>10} {:>10} {:>14}", "run", "rows", "seconds", "rows/s");
    println!("{:<22} {:>10} {:>10.3} {:>14.0}", "1 thread", lines.len(), single_secs, lines.len() as f64 / single_secs);
    if let Some(cpu) = single_cpu {
        // On a shared machine the wall clock includes time other processes held the CPU.
        println!("{:<22} {:>10} {:>10.3} {:>14.0}", "1 thread, CPU time", lines.len(), cpu, lines.len() as f64 / cpu);
    }
    println!(
        "{:<22} {:>10} {:>10.3} {:>14.0}",
        format!("{threads} threads"),
        lines.len(),
        parallel_secs,
        lines.len() as f64 / parallel_secs
    );
    println!("peak RSS while building and screening: {peak:.0} MB");
    println!(
        "hits: tps {} ctps {} mps {} suppressed {}; rows with any hit {}",
        single.tps, single.ctps, single.mps, single.suppressed, single.rows_hit
    );
    println!(
        "truth: tps {} ctps {} mps {} suppressed {}; rows with any hit {}",
        truth.tps, truth.ctps, truth.mps, truth.suppressed, truth.rows_hit
    );
    if single != truth || parallel != truth {
        bail!("screening found {single:?} (parallel {parallel:?}) but the planted truth is {truth:?}");
    }
    println!("hit counts match the planted truth");
    Ok(())
}
