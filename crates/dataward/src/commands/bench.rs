//! `dataward bench ingest`: rows per second and peak memory for loading a generated partner file
//! into a fresh store, on SQLite and (when a server is given) PostgreSQL. Figures are printed,
//! never asserted: this is a benchmark, not a test.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use dataward_core::generate::{Generator, partner_files};
use dataward_core::partner::Channel;
use dataward_store::partners::NewPartner;

use crate::cli::{BenchCommand, Global, IngestArgs, ModeArg};
use crate::{config, memory};

pub async fn run(global: &Global, cmd: BenchCommand) -> Result<()> {
    let (rows, seed, dir, postgres_url, skip_sqlite) = match cmd {
        BenchCommand::Ingest { rows, seed, dir, postgres_url, skip_sqlite } => {
            (rows, seed, dir, postgres_url, skip_sqlite)
        }
        BenchCommand::Linkage(args) => return super::bench_linkage::run(global, args),
        BenchCommand::Screen(args) => return super::bench_screen::run(global, args),
        BenchCommand::Trace(args) => return super::bench_trace::run(global, args).await,
    };
    let profile = config::load_profile(&global.profile)?;
    std::fs::create_dir_all(&dir)?;
    let file = dir.join(format!("bench-{rows}-{seed}.csv"));
    if !file.exists() {
        let started = Instant::now();
        write_file(&file, rows, seed)?;
        println!("generated {} rows into {} in {:.1?}", rows, file.display(), started.elapsed());
    }
    let size = std::fs::metadata(&file)?.len();
    let mut targets = Vec::new();
    if !skip_sqlite {
        let path = dir.join(format!("bench-{}.db", std::process::id()));
        targets.push(("sqlite", dataward_store::store::sqlite_url_for_path(&path)));
    }
    if let Some(server) = postgres_url {
        targets.push(("postgres", fresh_postgres_database(&server).await?));
    }
    println!(
        "\n{:<10} {:>10} {:>10} {:>12} {:>14} {:>12}",
        "backend", "rows", "seconds", "rows/s", "MB/s", "peak RSS MB"
    );
    for (backend, url) in targets {
        let indexer = config::load_secret(&dir.join("bench.secret"))?;
        let master = config::load_master_key(&dir.join("bench.master-key"))?;
        let store = config::open_url(&url, indexer, master, &profile.region, global.ingest_cache_mib).await?;
        let new = NewPartner { name: "bench-partner".into(), channel: Channel::Competition, retention_days: 365 };
        store.add_partner(&new, config::now()?).await?;
        memory::reset_peak_rss();
        let args = IngestArgs {
            partner: "bench-partner".into(),
            file: file.clone(),
            mode: ModeArg::Refresh,
            mapping: None,
            format: None,
            json: true,
        };
        let started = Instant::now();
        let summary = super::ingest::ingest_path(&store, profile.clone(), &args).await?;
        let secs = started.elapsed().as_secs_f64();
        let peak = memory::peak_rss_bytes().unwrap_or(0) as f64 / 1e6;
        println!(
            "{:<10} {:>10} {:>10.1} {:>12.0} {:>14.1} {:>12.0}",
            backend,
            summary.rows_read,
            secs,
            summary.rows_read as f64 / secs,
            size as f64 / 1e6 / secs,
            peak
        );
        println!(
            "           accepted {} quarantined {} persons {}",
            summary.accepted, summary.quarantined, summary.new_persons
        );
        store.close().await;
        if backend == "sqlite" {
            let path = dataward_store::store::sqlite_path_of_url(&url);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
    }
    Ok(())
}

/// Writes `rows` rows of the competition-co layout.
fn write_file(path: &Path, rows: u64, seed: u64) -> Result<()> {
    let spec = &partner_files()[0];
    let today = config::uk_date(config::now()?);
    let generator = Generator::new(seed, rows * 2, today);
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("creating {}", path.display()))?;
    writer.write_record(spec.headers)?;
    for row in generator.rows(0).take(rows as usize) {
        writer.write_record(&row.values)?;
    }
    writer.flush()?;
    Ok(())
}

async fn fresh_postgres_database(server: &str) -> Result<String> {
    let name = format!("dw_bench_{}", std::process::id());
    dataward_store::store::create_postgres_database(server, &name).await.context("creating the benchmark database")
}
