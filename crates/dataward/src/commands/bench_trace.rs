//! `dataward bench trace`: load on the client API's `trace` call, end to end over HTTP.
//!
//! 1. A store of N generated persons: the three partner files of `dataward generate`, ingested by
//!    the same code as `dataward ingest` (or an existing store built by an earlier run, with
//!    `--reuse-store`; the population it holds is kept in its `meta` table).
//! 2. A client contracted for tracing, the start-up purge of `dataward serve` applied, and the
//!    application served on 127.0.0.1:0 in this process (without the background purge and jobs).
//! 3. R trace requests from C keep-alive HTTP/1.1 connections (hyper). Subjects come from the
//!    generated truth: most are persons held, one in ten is a person the store has never seen.
//! 4. Per stage timings of one request (match, candidates, full release) called in-process and
//!    sequentially, to show where the time goes.
//! 5. With a PostgreSQL server, `pgbench -S` on a scratch database of the same server as the
//!    ceiling.
//!
//! Figures are printed, never asserted — except that every request must succeed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use dataward_core::generate::{Generator, SyntheticPerson, partner_files};
use dataward_core::partner::Channel;
use dataward_core::taxonomy::purposes;
use dataward_server::release::{self, Ask, Subject};
use dataward_server::state::{AppState, SystemClock};
use dataward_store::Store;
use dataward_store::partners::NewPartner;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

use crate::cli::{BenchTraceArgs, BenchTraceBackend, Global, IngestArgs, ModeArg};
use crate::{config, memory};

/// The `meta` key recording which generated population a benchmark store holds.
const POPULATION_META: &str = "bench_trace_population";
/// One subject in this many is a person the store does not hold.
const UNKNOWN_EVERY: usize = 10;
/// The purpose asked for.
const PURPOSE: &str = "tracing";

/// The generated population a store holds.
#[derive(Debug, Clone, Copy)]
struct Population {
    persons: u64,
    seed: u64,
    today: jiff::civil::Date,
}

impl Population {
    fn encode(&self) -> String {
        format!("{} {} {}", self.persons, self.seed, self.today)
    }

    fn decode(text: &str) -> Result<Population> {
        let mut parts = text.split_whitespace();
        let mut next = || parts.next().context("bad population record");
        Ok(Population { persons: next()?.parse()?, seed: next()?.parse()?, today: next()?.parse()? })
    }
}

/// One request's outcome on the client side.
struct Sample {
    micros: u64,
    held: bool,
    link: bool,
    ok: bool,
}

pub async fn run(global: &Global, args: BenchTraceArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    std::fs::create_dir_all(&args.dir).with_context(|| format!("creating {}", args.dir.display()))?;
    let indexer = config::load_secret(&args.dir.join("bench-trace.secret"))?;
    let master = config::load_master_key(&args.dir.join("bench-trace.master-key"))?;
    let now = config::now()?;

    // 1. The store.
    let (store, population, url) = match &args.reuse_store {
        Some(spec) => {
            let url = if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
                spec.clone()
            } else {
                dataward_store::store::sqlite_url_for_path(Path::new(spec))
            };
            let store = config::open_url(&url, indexer, master, &profile.region, global.ingest_cache_mib).await?;
            let recorded = store
                .meta(POPULATION_META)
                .await?
                .context("this store was not built by `dataward bench trace` (no population recorded)")?;
            let population = Population::decode(&recorded)?;
            if args.persons.is_some_and(|n| n != population.persons) {
                bail!("the reused store holds {} persons, not {}", population.persons, args.persons.unwrap_or(0));
            }
            println!(
                "reusing {} ({} persons, seed {}, generated as of {})",
                dataward_store::store::redact_url(&url),
                population.persons,
                population.seed,
                population.today
            );
            (store, population, url)
        }
        None => {
            let persons = args.persons.unwrap_or(20_000);
            let population = Population { persons, seed: args.seed, today: config::uk_date(now) };
            let url = match args.backend {
                BenchTraceBackend::Sqlite => {
                    let path = args.dir.join(format!("trace-{persons}-{}.db", args.seed));
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                    }
                    dataward_store::store::sqlite_url_for_path(&path)
                }
                BenchTraceBackend::Postgres => {
                    let server = args.postgres_url.as_deref().context("--backend postgres needs --postgres-url")?;
                    dataward_store::store::create_postgres_database(
                        server,
                        &format!("dw_trace_{persons}_{}", args.seed),
                    )
                    .await
                    .context("creating the benchmark database")?
                }
            };
            let store = config::open_url(&url, indexer, master, &profile.region, global.ingest_cache_mib).await?;
            build_store(&store, &profile, &args.dir, population).await?;
            store.set_meta(POPULATION_META, &population.encode()).await?;
            (store, population, url)
        }
    };
    let totals = store.totals().await?;
    println!(
        "store: {} backend, {} persons from {} records, {} values",
        store.backend().as_str(),
        totals.persons,
        totals.source_records,
        totals.values
    );

    // 2. A client and the server.
    let contracted = [purposes::TRACING, purposes::DEBT_RECOVERY];
    let (client, key) = store.add_client(&format!("bench-trace-{}", uuid::Uuid::now_v7()), &contracted, now).await?;
    let auth = format!("Bearer {}", key.reveal());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let state = AppState { store: store.clone(), profile: profile.clone(), clock: Arc::new(SystemClock) };
    // The purge `dataward serve` runs at start-up, applied here before the load instead of beside
    // it: on a generated store it removes the records already past their partner's retention (at
    // a million persons about 400,000 of them, minutes of work that would otherwise share the
    // cores with the measured requests). The server below runs without its background tasks.
    let purge_started = Instant::now();
    let purged =
        dataward_server::purge_job::try_execute_task(&state).await.map_err(|e| anyhow::anyhow!("purge: {e:?}"))?;
    println!(
        "purge before the load: {} records, {} values, {} persons removed in {:.1}s",
        purged.records,
        purged.values,
        purged.persons_removed,
        purge_started.elapsed().as_secs_f64()
    );
    // A freshly built or purged PostgreSQL store, vacuumed and analysed as autovacuum would leave
    // it minutes later (see `Store::settle_after_bulk_load`).
    let settle_started = Instant::now();
    if store.settle_after_bulk_load().await? {
        println!("store vacuumed and analysed before the load in {:.1}s", settle_started.elapsed().as_secs_f64());
    }
    if let Some(settings) = store.buffer_settings().await? {
        println!("server: {settings}");
    }
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dataward_server::serve_app(listener, dataward_server::app(state), async {
        let _ = stopped.await;
    }));

    // 3. The load.
    let generator = Generator::new(population.seed, population.persons, population.today);
    let subjects = subjects(&generator, args.requests, args.seed);
    let bodies: Arc<Vec<(Bytes, bool)>> = Arc::new(
        subjects
            .iter()
            .map(|(p, held)| {
                let body = serde_json::json!({ "purpose": PURPOSE, "subject": subject_json(p) });
                (Bytes::from(body.to_string()), *held)
            })
            .collect(),
    );
    // Warm up: the first call verifies the key with Argon2 (then cached); a few more warm caches.
    let warm = (args.requests / 50).clamp(1, 500);
    drive(address, &auth, &bodies, warm.min(bodies.len()), 1).await?;
    memory::reset_peak_rss();
    let started = Instant::now();
    let samples = drive(address, &auth, &bodies, bodies.len(), args.concurrency).await?;
    let elapsed = started.elapsed();
    let peak_mb = memory::peak_rss_bytes().unwrap_or(0) as f64 / 1e6;
    let _ = stop.send(());
    server.await.context("server task")?.context("server")?;

    let errors = samples.iter().filter(|s| !s.ok).count();
    let mut micros: Vec<u64> = samples.iter().filter(|s| s.ok).map(|s| s.micros).collect();
    micros.sort_unstable();
    let pct = |p: f64| -> f64 {
        if micros.is_empty() {
            return 0.0;
        }
        let i = ((p * micros.len() as f64).ceil() as usize).clamp(1, micros.len()) - 1;
        micros[i] as f64 / 1000.0
    };
    let rate = samples.len() as f64 / elapsed.as_secs_f64();
    let links = samples.iter().filter(|s| s.link).count();
    let held = samples.iter().filter(|s| s.held).count();
    let held_links = samples.iter().filter(|s| s.held && s.link).count();
    let false_links = samples.iter().filter(|s| !s.held && s.link).count();
    println!(
        "\ntrace over HTTP: {} requests, concurrency {}, {} backend, {} persons",
        samples.len(),
        args.concurrency,
        store.backend().as_str(),
        population.persons
    );
    println!(
        "  {:.0} requests/s in {:.1}s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        rate,
        elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "  errors {errors}; link answers {:.1}% (held subjects {:.1}% of {held}, unknown subjects linked {false_links}); peak RSS {peak_mb:.0} MB",
        100.0 * links as f64 / samples.len().max(1) as f64,
        100.0 * held_links as f64 / held.max(1) as f64,
    );

    // 4. Where one request's time goes.
    stages(&store, &profile, &client, &subjects, args.stage_samples).await?;

    // 5. The ceiling.
    let mut pgbench_tps = None;
    if let Some(server) = &args.postgres_url {
        match pgbench(server, args.concurrency, args.pgbench_seconds).await {
            Ok(tps) => pgbench_tps = Some(tps),
            Err(e) => println!("pgbench: {e:#}"),
        }
    }
    println!(
        "\n{:<9} {:>9} {:>9} {:>5} {:>9} {:>9} {:>9} {:>7} {:>12} {:>7}",
        "backend", "persons", "requests", "conc", "req/s", "p50 ms", "p99 ms", "errors", "pgbench -S", "ratio"
    );
    println!(
        "{:<9} {:>9} {:>9} {:>5} {:>9.0} {:>9.2} {:>9.2} {:>7} {:>12} {:>7}",
        store.backend().as_str(),
        population.persons,
        samples.len(),
        args.concurrency,
        rate,
        pct(0.50),
        pct(0.99),
        errors,
        pgbench_tps.map_or("-".to_string(), |t| format!("{t:.0}")),
        pgbench_tps.map_or("-".to_string(), |t| format!("{:.3}", rate / t)),
    );
    if args.reuse_store.is_none() {
        println!("reuse this store with --reuse-store {}", reuse_spec(&url));
    }
    store.close().await;
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}

/// What to pass to `--reuse-store` for `url`.
fn reuse_spec(url: &str) -> String {
    match url.strip_prefix("sqlite://") {
        Some(rest) => rest.split('?').next().unwrap_or_default().to_string(),
        None => url.to_string(),
    }
}

/// Generates the partner files of `population` and ingests them, one partner each.
async fn build_store(
    store: &Store,
    profile: &Arc<dataward_core::profile::Profile>,
    dir: &Path,
    population: Population,
) -> Result<()> {
    const PARTNERS: [(&str, Channel); 3] = [
        ("competition-co", Channel::Competition),
        ("compare-hub", Channel::ComparisonSite),
        ("lifestyle-club", Channel::LifestyleClub),
    ];
    let files: PathBuf = dir.join(format!("files-{}-{}-{}", population.persons, population.seed, population.today));
    let started = Instant::now();
    let generated = crate::generate_cmd::run(population.persons, population.seed, &files, population.today)?;
    println!("{generated}\n(generated in {:.1?})", started.elapsed());
    let started = Instant::now();
    for ((name, channel), spec) in PARTNERS.into_iter().zip(partner_files()) {
        let new = NewPartner { name: name.into(), channel, retention_days: profile.default_retention_days };
        store.add_partner(&new, config::now()?).await?;
        let ingest = IngestArgs {
            partner: name.into(),
            file: files.join(spec.file_name),
            mode: ModeArg::Refresh,
            mapping: None,
            format: None,
            json: true,
        };
        let file_started = Instant::now();
        let summary = super::ingest::ingest_path(store, profile.clone(), &ingest).await?;
        println!(
            "ingested {} ({} rows, {} accepted, {} new persons) in {:.1?}",
            spec.file_name,
            summary.rows_read,
            summary.accepted,
            summary.new_persons,
            file_started.elapsed()
        );
    }
    println!("store built in {:.1?}", started.elapsed());
    Ok(())
}

/// `count` subjects: persons held (present in at least one partner file) and, one in
/// [`UNKNOWN_EVERY`], persons past the end of the population (never ingested).
fn subjects(generator: &Generator, count: usize, seed: u64) -> Vec<(SyntheticPerson, bool)> {
    let n = generator.persons();
    let files = partner_files().len();
    // A cheap deterministic walk over the population (splitmix64).
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        if out.len() % UNKNOWN_EVERY == UNKNOWN_EVERY - 1 {
            out.push((generator.person(n + next() % n.max(1)), false));
            continue;
        }
        let index = next() % n.max(1);
        if (0..files).any(|f| generator.appears_in(f, index)) {
            out.push((generator.person(index), true));
        }
    }
    out
}

/// The client's record of a person: as the truth has it, current address.
fn subject_json(p: &SyntheticPerson) -> serde_json::Value {
    serde_json::json!({
        "first_name": p.first_name,
        "surname": p.surname,
        "date_of_birth": p.date_of_birth.to_string(),
        "email": p.email,
        "phones": [p.mobile.national()],
        "address_lines": p.address.lines(),
        "town": p.address.town,
        "postcode": p.address.postcode,
    })
}

fn subject_of(p: &SyntheticPerson) -> Subject {
    Subject {
        first_name: Some(p.first_name.to_string()),
        surname: Some(p.surname.clone()),
        date_of_birth: Some(p.date_of_birth.to_string()),
        email: Some(p.email.clone()),
        phones: vec![p.mobile.national()],
        address_lines: p.address.lines(),
        town: Some(p.address.town.to_string()),
        postcode: Some(p.address.postcode.clone()),
        ..Subject::default()
    }
}

/// Sends the first `count` bodies from `connections` keep-alive connections, each taking the
/// next unsent body until none is left.
async fn drive(
    address: std::net::SocketAddr,
    auth: &str,
    bodies: &Arc<Vec<(Bytes, bool)>>,
    count: usize,
    connections: usize,
) -> Result<Vec<Sample>> {
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections.max(1) {
        let (next, bodies, auth) = (next.clone(), bodies.clone(), auth.to_string());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(address).await?;
            stream.set_nodelay(true)?;
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
            tokio::spawn(connection);
            let mut samples = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    break;
                }
                let (body, held) = &bodies[i];
                let request = hyper::Request::post("/v1/client/trace")
                    .header(hyper::header::HOST, address.to_string())
                    .header(hyper::header::AUTHORIZATION, &auth)
                    .header(hyper::header::CONTENT_TYPE, "application/json")
                    .body(Full::new(body.clone()))?;
                let started = Instant::now();
                sender.ready().await?;
                let response = sender.send_request(request).await?;
                let status = response.status();
                let bytes = response.into_body().collect().await?.to_bytes();
                let micros = started.elapsed().as_micros() as u64;
                let ok = status == hyper::StatusCode::OK;
                let link = ok
                    && serde_json::from_slice::<serde_json::Value>(&bytes)
                        .is_ok_and(|v| v.get("band").and_then(|b| b.as_str()) == Some("link"));
                if !ok && samples.iter().all(|s: &Sample| s.ok) {
                    eprintln!("trace failed: {status} {}", String::from_utf8_lossy(&bytes));
                }
                samples.push(Sample { micros, held: *held, link, ok });
            }
            anyhow::Ok(samples)
        }));
    }
    let mut all = Vec::with_capacity(count);
    for task in tasks {
        all.extend(task.await??);
    }
    Ok(all)
}

/// Times each stage of a trace in-process, one request at a time: the identity match, the
/// person's values, and the whole release (match + values + screening + policy + the recording
/// transaction).
async fn stages(
    store: &Store,
    profile: &dataward_core::profile::Profile,
    client: &dataward_store::clients::Client,
    subjects: &[(SyntheticPerson, bool)],
    samples: usize,
) -> Result<()> {
    if samples == 0 {
        return Ok(());
    }
    let mut matching = Vec::new();
    let mut releasable = Vec::new();
    let mut values = Vec::new();
    let mut whole = Vec::new();
    let mut model = Vec::new();
    let mut commit = Vec::new();
    let mut compared = Vec::new();
    for (p, _) in subjects.iter().take(samples) {
        let subject = subject_of(p);
        let now = jiff::Timestamp::now();
        let t = Instant::now();
        store.query_model(now).await?;
        model.push(t.elapsed());
        let empty = dataward_store::release::RequestRecord {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: client.id.clone(),
            kind: "trace".into(),
            purpose: PURPOSE.into(),
            at: now.to_string(),
            person_id: None,
            band: "no_match".into(),
        };
        let t = Instant::now();
        store.record_release(&empty, &[], &[]).await?;
        commit.push(t.elapsed());
        let t = Instant::now();
        let found = store.match_person(&subject.match_record(), &profile.linkage, now).await?;
        matching.push(t.elapsed());
        compared.push(found.compared);
        let t = Instant::now();
        store.match_releasable_person(&subject.match_record(), &profile.linkage, now).await?;
        releasable.push(t.elapsed());
        if let Some(person) = &found.person_id {
            let t = Instant::now();
            store.release_candidates(person).await?;
            values.push(t.elapsed());
        }
        let ask = Ask {
            store,
            profile,
            client,
            purpose: PURPOSE,
            subject: &subject,
            request_id: uuid::Uuid::now_v7().to_string(),
            now,
        };
        let t = Instant::now();
        release::trace(ask).await.map_err(|e| anyhow::anyhow!("trace: {e:?}"))?;
        whole.push(t.elapsed());
    }
    let summary = |name: &str, mut v: Vec<Duration>| {
        if v.is_empty() {
            return;
        }
        v.sort_unstable();
        let mean = v.iter().sum::<Duration>().as_secs_f64() / v.len() as f64;
        let p99 = v[((v.len() as f64 * 0.99).ceil() as usize).clamp(1, v.len()) - 1];
        println!(
            "  {name:<44} mean {:>7.2} ms  p50 {:>7.2} ms  p99 {:>7.2} ms",
            mean * 1e3,
            v[v.len() / 2].as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    };
    println!("\nstages, in-process, one at a time ({} subjects):", whole.len());
    summary("active linkage model load (part of match)", model);
    summary("match_person", matching);
    summary("match_releasable_person (as trace)", releasable);
    summary("release_candidates (linked only)", values);
    summary("record_release, one empty request (commit)", commit);
    summary("release::trace (all steps + record_release)", whole);
    compared.sort_unstable();
    if let Some(max) = compared.last() {
        let mean = compared.iter().sum::<usize>() as f64 / compared.len() as f64;
        let p99 = compared[((compared.len() as f64 * 0.99).ceil() as usize).clamp(1, compared.len()) - 1];
        println!(
            "  records compared per match: mean {mean:.1}, p50 {}, p99 {p99}, max {max}",
            compared[compared.len() / 2]
        );
    }
    Ok(())
}

/// `pgbench -i -s 10` on a scratch database of `server`, then `pgbench -S` for `seconds`;
/// returns the select-only TPS.
async fn pgbench(server: &str, clients: usize, seconds: u64) -> Result<f64> {
    let binary = pgbench_binary().context("no pgbench on PATH or in /usr/lib/postgresql/*/bin")?;
    let url = dataward_store::store::create_postgres_database(server, "dw_pgbench_trace")
        .await
        .context("creating the pgbench database")?;
    let init = tokio::process::Command::new(&binary).args(["-i", "-s", "10", "-q", &url]).output().await?;
    if !init.status.success() {
        bail!("pgbench -i failed: {}", String::from_utf8_lossy(&init.stderr));
    }
    let clients = clients.to_string();
    let seconds = seconds.to_string();
    let run = tokio::process::Command::new(&binary)
        .args(["-S", "-c", &clients, "-j", "2", "-T", &seconds, &url])
        .output()
        .await?;
    if !run.status.success() {
        bail!("pgbench -S failed: {}", String::from_utf8_lossy(&run.stderr));
    }
    let out = String::from_utf8_lossy(&run.stdout);
    let tps = out
        .lines()
        .find_map(|l| l.strip_prefix("tps = ")?.split_whitespace().next()?.parse::<f64>().ok())
        .with_context(|| format!("no tps line in pgbench output:\n{out}"))?;
    println!("\npgbench -S -c {clients} -j 2 -T {seconds} ({}): {tps:.0} TPS", binary.display());
    Ok(tps)
}

fn pgbench_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join("pgbench"));
    let installed =
        std::fs::read_dir("/usr/lib/postgresql").into_iter().flatten().flatten().map(|e| e.path().join("bin/pgbench"));
    on_path.chain(installed).find(|p| p.is_file())
}
