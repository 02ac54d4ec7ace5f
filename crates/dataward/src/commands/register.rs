//! `dataward register load|status`: loading TPS, CTPS and MPS files into the store, and what the
//! store holds. Output carries counts, line numbers and reasons, never a number or a name.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Context, Result};
use dataward_core::screening::{LoadMode, LoadReport, RegisterKind, RegisterParser, split_line};
use dataward_store::Store;
use dataward_store::registers::RegisterLoad;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::cli::{Global, RegisterArg, RegisterCommand};
use crate::config;

/// Changes buffered before they are written.
const FLUSH_EVERY: usize = 50_000;

pub async fn run(global: &Global, cmd: RegisterCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    match cmd {
        RegisterCommand::Load { kind, file, delta, json } => {
            let kind = match kind {
                RegisterArg::Tps => RegisterKind::Tps,
                RegisterArg::Ctps => RegisterKind::Ctps,
                RegisterArg::Mps => RegisterKind::Mps,
            };
            let mode = if delta { LoadMode::Delta } else { LoadMode::Full };
            let (report, load) = load_file(&store, kind, mode, &file).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&Loaded { report: &report, load: &load })?);
            } else {
                print_load(&report, &load);
            }
        }
        RegisterCommand::Status { json } => {
            let status = store.register_status().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                println!("{:<6} {:>12}  {:<27} {:<6} FILE", "KIND", "ENTRIES", "LAST LOAD", "MODE");
                for s in status {
                    let (at, mode, file) = match &s.last_load {
                        Some(l) => (l.loaded_at.as_str(), l.mode.as_str(), l.file_name.as_str()),
                        None => ("never", "-", "-"),
                    };
                    println!("{:<6} {:>12}  {:<27} {:<6} {}", s.kind.as_str(), s.entries, at, mode, file);
                }
            }
        }
    }
    store.close().await;
    Ok(())
}

#[derive(Serialize)]
struct Loaded<'a> {
    report: &'a LoadReport,
    load: &'a RegisterLoad,
}

/// Reads `path` as a register file of `kind` and applies it in one transaction.
pub async fn load_file(
    store: &Store,
    kind: RegisterKind,
    mode: LoadMode,
    path: &Path,
) -> Result<(LoadReport, RegisterLoad)> {
    let sha256 = file_sha256(path)?;
    let file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let indexer = store.indexer().clone();
    let mut parser = RegisterParser::new(kind, mode, &indexer);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let now = config::now()?;
    let mut tx = store.begin_register_load(kind, mode, &name, now).await?;
    let mut changes = Vec::with_capacity(FLUSH_EVERY);
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf).with_context(|| format!("reading {}", path.display()))? == 0 {
            break;
        }
        line += 1;
        let text = match std::str::from_utf8(&buf) {
            Ok(text) => text.trim_end_matches(['\n', '\r']),
            Err(_) => {
                parser.unreadable(line, "the line is not valid UTF-8");
                continue;
            }
        };
        match split_line(text) {
            Ok(fields) => {
                let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
                let change = parser.record(line, &fields).with_context(|| path.display().to_string())?;
                changes.extend(change);
            }
            Err(e) => parser.unreadable(line, &e.to_string()),
        }
        if changes.len() >= FLUSH_EVERY {
            tx.apply(&changes).await?;
            changes.clear();
        }
    }
    tx.apply(&changes).await?;
    let report = parser.into_report();
    let load = tx.finish(&sha256, &report).await?;
    Ok((report, load))
}

fn file_sha256(path: &Path) -> Result<String> {
    let mut file = File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn print_load(report: &LoadReport, load: &RegisterLoad) {
    println!("register {} {} load of {}", load.kind.as_str(), load.mode.as_str(), load.file_name);
    println!("  lines read   {:>12}", report.read);
    println!("  accepted     {:>12}", report.accepted);
    println!("  rejected     {:>12}", report.rejected);
    for r in &report.first_rejections {
        println!("    line {}: {}", r.line, r.reason);
    }
    if report.rejected > report.first_rejections.len() as u64 {
        println!("    ... and {} more", report.rejected - report.first_rejections.len() as u64);
    }
    println!("  added        {:>12}", load.added);
    println!("  removed      {:>12}", load.removed);
    println!("  total now    {:>12}", load.total);
}
