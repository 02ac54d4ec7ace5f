//! `dataward linkage`: inspect and re-train the identity-resolution model, work the review queue
//! of possible matches, and explain a person's merges and splits.

use anyhow::{Result, bail};
use dataward_core::linkage::{Blocker, MatchField, Model};
use dataward_store::linkage::reviews::ReviewDecision;

use crate::cli::{Global, LinkageCommand};
use crate::config;

pub async fn run(global: &Global, cmd: LinkageCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    let result = match cmd {
        LinkageCommand::Show { json } => show(global, &store, json).await,
        LinkageCommand::Train => {
            let report = store.train_linkage(config::now()?).await?;
            println!(
                "trained model {} on {} of {} records in {:.1}s; prior {:.3e}; now active",
                report.model_id, report.records_trained_on, report.records_seen, report.seconds, report.prior
            );
            Ok(())
        }
        LinkageCommand::Review { all, link, reject, json } => review(&store, all, link, reject, json).await,
        LinkageCommand::History { person_id } => {
            let history = store.linkage_history(&person_id).await?;
            if history.is_empty() {
                bail!("no linkage history for person {person_id}");
            }
            for (at, kind, detail) in history {
                println!("{at}  {kind:<14} {detail}");
            }
            Ok(())
        }
    };
    store.close().await;
    result
}

async fn show(global: &Global, store: &dataward_store::Store, json: bool) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let active = store.linkage_model_or_bootstrap(config::now()?).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&active)?);
        return Ok(());
    }
    let model = Model::new(active.params.clone());
    let p = &active.params;
    println!("model {} ({}), saved {}", active.id, active.origin, active.created_at);
    println!(
        "trained on {} records, {} random pairs for u; prior λ = {:.3e} (weight {:.1})",
        p.training.records,
        p.training.random_pairs_for_u,
        p.prior,
        model.prior_weight()
    );
    for s in &p.training.sessions {
        println!(
            "  EM session on `{}`: {} pairs, {} iterations, {}",
            s.rule,
            s.pairs,
            s.iterations,
            if s.converged { "converged" } else { "NOT converged" }
        );
    }
    println!(
        "term frequencies: {} first names, {} surnames",
        p.term_frequencies.first_names.len(),
        p.term_frequencies.surnames.len()
    );
    println!(
        "thresholds (profile {}): link ≥ {}, possible ≥ {}",
        global.profile, profile.linkage.link, profile.linkage.possible
    );
    let blocker = Blocker::default();
    let rules: Vec<&str> = blocker.rules.iter().map(|r| r.as_str()).collect();
    println!("blocking rules (blocks over {} records skipped): {}", blocker.max_block, rules.join(", "));
    println!();
    println!("{:<14} {:<26} {:>12} {:>12} {:>8}", "FIELD", "LEVEL", "m", "u", "WEIGHT");
    for field in MatchField::ALL {
        let fp = p.field(field);
        for (i, level) in field.levels().iter().enumerate().skip(1) {
            println!(
                "{:<14} {:<26} {:>12.6} {:>12.6} {:>8.2}",
                field.to_string(),
                level.name,
                fp.m[i],
                fp.u[i],
                p.level_weight(field, i as u8)
            );
        }
    }
    Ok(())
}

async fn review(
    store: &dataward_store::Store,
    all: bool,
    link: Option<String>,
    reject: Option<String>,
    json: bool,
) -> Result<()> {
    let decision = match (link, reject) {
        (Some(id), None) => Some((id, ReviewDecision::Link)),
        (None, Some(id)) => Some((id, ReviewDecision::Reject)),
        _ => None,
    };
    if let Some((id, decision)) = decision {
        if !store.resolve_review(&id, decision, config::now()?).await? {
            bail!("no open review {id}");
        }
        println!(
            "review {id}: {}",
            if decision == ReviewDecision::Link { "linked (persons merged)" } else { "rejected" }
        );
        return Ok(());
    }
    let reviews = store.linkage_reviews(!all).await?;
    if json {
        let mut out = Vec::new();
        for r in &reviews {
            let evidence = store.review_evidence(&r.id).await?;
            out.push(serde_json::json!({ "review": r, "evidence": evidence }));
        }
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    if reviews.is_empty() {
        println!("no {}reviews", if all { "" } else { "open " });
        return Ok(());
    }
    println!(
        "{:<36} {:<36} {:<36} {:>11}  {:<8} CREATED",
        "REVIEW", "RECORD", "CANDIDATE PERSON", "PROBABILITY", "STATUS"
    );
    for r in reviews {
        println!(
            "{:<36} {:<36} {:<36} {:>11.6}  {:<8} {}",
            r.id, r.source_record_id, r.candidate_person, r.probability, r.status, r.created_at
        );
        if let Some(evidence) = store.review_evidence(&r.id).await? {
            let line: Vec<String> =
                evidence.iter().map(|e| format!("{} {} ({:+.1})", e.field, e.level, e.weight)).collect();
            println!("    {}", line.join(", "));
        }
    }
    Ok(())
}
