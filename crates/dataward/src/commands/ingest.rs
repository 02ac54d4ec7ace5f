//! `dataward ingest`: load a partner file as one atomic batch, with a progress bar on a terminal.

use std::io::IsTerminal;

use anyhow::{Context, Result, bail};
use dataward_core::columns::Mapping;
use dataward_core::partner::IngestMode;
use dataward_ingest::{Fault, Format, IngestRequest, IngestSummary, ingest_file};
use dataward_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{FormatArg, Global, IngestArgs, ModeArg};
use crate::config;

pub async fn run(global: &Global, args: IngestArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    let summary = ingest_path(&store, profile, &args).await;
    store.close().await;
    let summary = summary?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!("{summary}");
    }
    Ok(())
}

/// Reads `DATAWARD_FAULT` (`error:N` or `abort:N`), used by tests to prove atomicity.
fn fault_from_env() -> Result<Option<Fault>> {
    let Ok(spec) = std::env::var("DATAWARD_FAULT") else { return Ok(None) };
    let (kind, rows) = spec.split_once(':').context("DATAWARD_FAULT must be error:N or abort:N")?;
    let rows: u64 = rows.parse().context("DATAWARD_FAULT row count")?;
    match kind {
        "error" => Ok(Some(Fault::ErrorAfterRows(rows))),
        "abort" => Ok(Some(Fault::AbortAfterRows(rows))),
        _ => bail!("DATAWARD_FAULT must be error:N or abort:N"),
    }
}

/// Loads one file for a partner; shared with the demo and the benchmark.
pub async fn ingest_path(
    store: &Store,
    profile: std::sync::Arc<dataward_core::profile::Profile>,
    args: &IngestArgs,
) -> Result<IngestSummary> {
    let partner = store.partner_by_name(&args.partner).await?;
    let file_name = args.file.display().to_string();
    let format = match args.format {
        Some(FormatArg::Csv) => Format::Csv,
        Some(FormatArg::Jsonl) => Format::JsonLines,
        None => Format::from_file_name(&file_name)
            .with_context(|| format!("{file_name}: cannot tell the format from the name; pass --format csv|jsonl"))?,
    };
    let mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            Mapping::from_toml(&path.display().to_string(), &text)?
        }
        None => Mapping::default(),
    };
    let file = std::fs::File::open(&args.file).with_context(|| format!("opening {file_name}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let now = config::now()?;
    let request = IngestRequest {
        partner,
        file_name: file_name.clone(),
        format,
        mode: match args.mode {
            ModeArg::Refresh => IngestMode::Refresh,
            ModeArg::Append => IngestMode::Append,
        },
        mapping,
        profile,
        today: config::uk_date(now),
        now,
        fault: fault_from_env()?,
        actor: dataward_core::audit::Actor::Cli,
    };
    let bar = if std::io::stdout().is_terminal() && !args.json {
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {bytes}/{total_bytes} [{bar:40}] {msg} ({eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress_bar = bar.clone();
    let result = ingest_file(store, request, file, move |p| {
        progress_bar.set_position(p.bytes);
        progress_bar.set_message(format!("{} rows", p.rows));
    })
    .await;
    bar.finish_and_clear();
    Ok(result?)
}
