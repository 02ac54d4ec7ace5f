//! `dataward demo`: a fresh local store with a synthetic population, loaded from three
//! overlapping partner files (typos, duplicates, bad rows included), then the server.

use anyhow::{Context, Result};
use dataward_core::audit::Actor;
use dataward_core::partner::Channel;
use dataward_core::staff::{Password, Role, StaffName};
use dataward_core::taxonomy::purposes;
use dataward_store::lifecycle::purge::PurgeRequest;
use dataward_store::partners::NewPartner;
use dataward_store::staff::NewStaff;

use crate::cli::{DemoArgs, Global, IngestArgs, ModeArg};
use crate::{config, generate_cmd};

const PARTNERS: [(&str, Channel, &str); 3] = [
    ("competition-co", Channel::Competition, "competition-co.csv"),
    ("compare-hub", Channel::ComparisonSite, "compare-hub.csv"),
    ("lifestyle-club", Channel::LifestyleClub, "lifestyle-club.jsonl"),
];

pub async fn run(global: &Global, args: DemoArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir).with_context(|| format!("clearing {}", args.dir.display()))?;
    }
    let files_dir = args.dir.join("partner-files");
    std::fs::create_dir_all(&files_dir)?;
    let now = config::now()?;
    println!("generating {} synthetic persons (seed {}) into {} ...", args.persons, args.seed, files_dir.display());
    let generated = generate_cmd::run(args.persons, args.seed, &files_dir, config::uk_date(now))?;
    println!("{generated}");

    let db_path = args.dir.join("dataward.db");
    let url = dataward_store::store::sqlite_url_for_path(&db_path);
    let indexer = config::load_secret(&args.dir.join("dataward.secret"))?;
    let master = config::load_master_key(&args.dir.join("dataward.master-key"))?;
    let store = config::open_url(&url, indexer, master, &profile.region, global.ingest_cache_mib).await?;

    let mut partner_keys = Vec::new();
    for (name, channel, file) in PARTNERS {
        let new = NewPartner { name: name.into(), channel, retention_days: profile.default_retention_days };
        let (_, key) = store.add_partner(&new, now).await?;
        partner_keys.push((name, key));
        let ingest = IngestArgs {
            partner: name.into(),
            file: files_dir.join(file),
            mode: ModeArg::Refresh,
            mapping: None,
            format: None,
            json: false,
        };
        let summary = super::ingest::ingest_path(&store, profile.clone(), &ingest).await?;
        println!("\n{file}:\n{summary}");
    }
    let contracted =
        [purposes::IDENTITY_VERIFICATION, purposes::TRACING, purposes::DEBT_RECOVERY, purposes::MARKETING_POST];
    let (client, client_key) = store.add_client("acme-collections", &contracted, now).await?;
    // The generated files hold rows collected up to three years ago; what is past the partners'
    // retention goes now, as the scheduled purge inside `serve` would do within the hour.
    let purge = PurgeRequest {
        now,
        today: config::uk_date(now),
        hold_days: profile.departed_partner_hold_days,
        thresholds: profile.linkage,
        apply: true,
        actor: Actor::Cli,
    };
    let purged = store.purge(&purge).await?;
    println!(
        "
retention ({} days): {} records past it purged ({} values; {} persons held by nothing else)",
        profile.default_retention_days, purged.records, purged.values, purged.persons_removed
    );
    let dpo_password = hex::encode(random_bytes::<12>());
    let dpo = NewStaff { name: StaffName::parse("dpo")?, role: Role::Dpo, password: Password::parse(&dpo_password)? };
    store.add_staff(&dpo, now).await?;
    let totals = store.totals().await?;

    println!("\n== dataward demo ready ==");
    println!(
        "store:        {} ({} persons from {} partner records, {} values, {} rows quarantined)",
        db_path.display(),
        totals.persons,
        totals.source_records,
        totals.values,
        totals.quarantined
    );
    println!("partner files: {}", files_dir.display());
    println!(
        "sample client: {} (purposes: identity_verification, tracing, debt_recovery, marketing.post)",
        client.name
    );
    println!("  client key:  {}", client_key.reveal());
    let (first_partner, first_key) = &partner_keys[0];
    println!("partner {first_partner} key: {}", first_key.reveal());
    println!("console:      http://{}/console (staff `dpo`, password {dpo_password})", args.listen);
    println!("rights portal: http://{}/rights", args.listen);
    let store_flags = format!(
        "--database-url sqlite://{} --secret-file {} --master-key-file {}",
        db_path.display(),
        args.dir.join("dataward.secret").display(),
        args.dir.join("dataward.master-key").display()
    );
    println!("\nlook around:");
    println!("  dataward {store_flags} partner list");
    println!("  dataward {store_flags} batches");
    println!("  dataward {store_flags} audit verify");
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    println!("  curl http://{}/health", args.listen);
    println!("  curl http://{}/openapi.json", args.listen);
    println!(
        "  curl -H 'Authorization: Bearer {}' -H 'Content-Type: text/csv' --data-binary @{} 'http://{}/v1/partner/files?mode=refresh'",
        first_key.reveal(),
        files_dir.join("competition-co.csv").display(),
        args.listen
    );
    let example = serde_json::json!({
        "purpose": "tracing",
        "subject": { "first_name": "…", "surname": "…", "date_of_birth": "YYYY-MM-DD",
                     "address_lines": ["…"], "postcode": "…" }
    });
    println!(
        "  curl -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' -d '{}' http://{}/v1/client/trace",
        client_key.reveal(),
        example,
        args.listen
    );
    println!(
        "    (fill the subject from a row of {}; then `dataward ledger` and `dataward explain REQUEST_ID`)",
        files_dir.join("competition-co.csv").display()
    );
    println!("\nserving on http://{} (Ctrl-C to stop)", args.listen);
    // The demo serves plain HTTP; console cookies keep `Secure` unless it listens on loopback only.
    let server = dataward_server::ServerConfig {
        secure_cookies: !args.listen.ip().is_loopback(),
        public_url: format!("http://{}", args.listen),
        ..dataward_server::ServerConfig::default()
    };
    super::serve::serve_store(store, profile, args.listen, server).await
}

/// Random bytes from the operating system (the demo DPO's password).
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
}
