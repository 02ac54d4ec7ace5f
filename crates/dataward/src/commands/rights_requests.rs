//! `dataward rights list|show|submit|verified|send-code|confirm|complete|refuse|extend` and
//! `dataward outbox list|deliver`: the DPO works requests from the command line through the same
//! service the portal and the API use.

use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use dataward_core::rights::{
    Event, ExtensionGround, ExtensionReason, RefusalReason, Requester, RequesterForm, drp_view, sort_queue, urgency,
};
use dataward_server::rights::outbox::try_deliver;
use dataward_server::rights::{drp_api::parse_exercise, report_page::render_report, service};
use dataward_server::state::{AppState, FixedClock};
use dataward_store::rights::StoredRequest;

use crate::cli::{Global, OutboxCommand, RightsCommand, RightsSubmitArgs};
use crate::config;

async fn state(global: &Global) -> Result<AppState> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    Ok(AppState { store, profile, clock: Arc::new(FixedClock(config::now()?)) })
}

async fn find(state: &AppState, reference: &str) -> Result<StoredRequest> {
    state.store.rights_request_by_reference(reference).await?.ok_or_else(|| anyhow!("no request {reference}"))
}

fn app_error(e: dataward_server::AppError) -> anyhow::Error {
    anyhow!("{e}")
}

fn line(r: &StoredRequest, today: jiff::civil::Date) -> String {
    format!(
        "{:<8} {:<20} {:<24} due {:<10} {:<9} {:<7} {}",
        r.reference(),
        r.request.kind().as_str(),
        r.request.status().to_string(),
        r.request.due_on().map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
        format!("{:?}", urgency(&r.request, today)).to_lowercase(),
        r.channel,
        r.match_band.as_deref().unwrap_or("unmatched"),
    )
}

pub async fn run(global: &Global, cmd: RightsCommand) -> Result<()> {
    let state = state(global).await?;
    let now = state.clock.now();
    let today = AppState::today_at(now);
    let actor = "cli";
    match cmd {
        RightsCommand::Report { .. } => unreachable!("handled by rights::run"),
        RightsCommand::List { all, json } => {
            let mut requests =
                if all { state.store.all_rights_requests().await? } else { state.store.open_rights_requests().await? };
            let mut order: Vec<_> = requests.iter().map(|r| r.request.clone()).collect();
            sort_queue(&mut order, today);
            requests.sort_by_key(|r| order.iter().position(|o| o.id() == r.request.id()));
            if json {
                let rows: Vec<_> = requests
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "reference": r.reference(), "kind": r.request.kind(), "status": r.request.status().as_str(),
                            "due_on": r.request.due_on(), "urgency": format!("{:?}", urgency(&r.request, today)).to_lowercase(),
                            "channel": r.channel, "match": r.match_band,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&rows)?);
            } else if requests.is_empty() {
                println!("no {}requests", if all { "" } else { "open " });
            } else {
                for r in &requests {
                    println!("{}", line(r, today));
                }
            }
        }
        RightsCommand::Show { reference, json } => {
            let r = find(&state, &reference).await?;
            let history = state.store.rights_history(&r.id).await?;
            let notes = state.store.request_notifications(&r.id).await?;
            if json {
                let view = serde_json::json!({
                    "reference": r.reference(), "kind": r.request.kind(), "status": r.request.status().as_str(),
                    "received_at": r.request.received_at(), "due_on": r.request.due_on(), "drp": drp_view(&r.request),
                    "persons": r.person_ids, "match": r.match_band, "candidate": r.candidate_person,
                    "history": history, "notifications": notes,
                });
                println!("{}", serde_json::to_string_pretty(&view)?);
                return Ok(());
            }
            println!("{}", line(&r, today));
            println!("received {} by {}; persons {:?}", r.request.received_at(), r.channel, r.person_ids);
            if let Some(c) = &r.candidate_person {
                println!("possible match waiting for confirmation: person {c}");
            }
            println!("\naudit trail:");
            for e in &history {
                println!("  {:>3} {} {:<12} {:<14} {}", e.seq, e.at, e.actor, e.kind, e.detail);
            }
            println!("\nnotifications:");
            for n in &notes {
                println!(
                    "  {} {:<9} {:<6} {:<8} attempts {} {}",
                    n.created_at, n.recipient_kind, n.channel, n.status, n.attempts, n.subject
                );
            }
        }
        RightsCommand::Submit(args) => {
            let (kind, requester) = submission(&args)?;
            if !matches!(args.channel.as_str(), "post" | "phone" | "email") {
                bail!("--channel must be post, phone or email");
            }
            let s = service::submit(&state, kind, &requester, &args.channel, actor).await.map_err(app_error)?;
            println!(
                "recorded {} ({}); check the requester's identity, then `dataward rights verified {}` or `send-code`",
                s.request.reference(),
                kind.as_str(),
                s.request.reference()
            );
        }
        RightsCommand::Verified { reference } => {
            let r = find(&state, &reference).await?;
            service::record_verification(&state, &r, actor).await.map_err(app_error)?;
            let r = find(&state, &reference).await?;
            println!(
                "{}: in progress, due {}; match: {}",
                r.reference(),
                r.request.due_on().map(|d| d.to_string()).unwrap_or_default(),
                r.match_band.as_deref().unwrap_or("-")
            );
        }
        RightsCommand::SendCode { reference } => {
            let r = find(&state, &reference).await?;
            let r = state.store.transition_rights_request(&r.id, Event::RequireVerification, actor, now).await?;
            service::send_code(&state, &r).await.map_err(app_error)?;
            println!("{}: code queued to the requester's {}", r.reference(), r.requester.contact().kind());
        }
        RightsCommand::Confirm { reference, accept, reject } => {
            if accept == reject {
                bail!("give --accept or --reject");
            }
            let r = find(&state, &reference).await?;
            service::confirm_candidate(&state, &r, accept, actor).await.map_err(app_error)?;
            println!("{}: possible match {}", r.reference(), if accept { "confirmed" } else { "rejected" });
        }
        RightsCommand::Complete { reference, public_url } => {
            let r = find(&state, &reference).await?;
            let prepared = today.to_string();
            let outcome =
                service::complete(&state, &r, actor, &public_url, |report, req| render_report(report, req, &prepared))
                    .await
                    .map_err(app_error)?;
            println!("{} completed: {}", r.reference(), serde_json::to_string(&outcome)?);
        }
        RightsCommand::Refuse { reference, reason } => {
            let reason = RefusalReason::parse(&reason).with_context(|| format!("unknown refusal reason `{reason}`"))?;
            let r = find(&state, &reference).await?;
            service::refuse(&state, &r, reason, actor).await.map_err(app_error)?;
            println!("{} refused ({})", r.reference(), reason.as_str());
        }
        RightsCommand::Extend { reference, months, ground, explanation } => {
            let ground = match ground.as_str() {
                "complex" => ExtensionGround::Complex,
                "numerous_requests" => ExtensionGround::NumerousRequests,
                other => bail!("unknown ground `{other}`: complex or numerous_requests"),
            };
            let r = find(&state, &reference).await?;
            service::extend(&state, &r, months, ExtensionReason::new(ground, explanation), actor)
                .await
                .map_err(app_error)?;
            let r = find(&state, &reference).await?;
            println!(
                "{} extended; due {}",
                r.reference(),
                r.request.due_on().map(|d| d.to_string()).unwrap_or_default()
            );
        }
    }
    state.store.close().await;
    Ok(())
}

fn submission(args: &RightsSubmitArgs) -> Result<(dataward_core::rights::RequestKind, Requester)> {
    let kind = parse_exercise(&args.kind).map_err(app_error)?;
    let corrections = args
        .corrections
        .iter()
        .map(|c| {
            c.split_once('=')
                .map(|(f, v)| (f.to_string(), v.to_string()))
                .with_context(|| format!("`{c}` is not FIELD=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let form = RequesterForm {
        first_name: args.first_name.clone(),
        surname: args.surname.clone(),
        email: args.email.clone(),
        phone: args.phone.clone(),
        address_line_1: args.address.clone(),
        town: args.town.clone(),
        postcode: args.postcode.clone(),
        date_of_birth: args.dob.clone(),
        details: None,
        corrections,
    };
    Ok((kind, Requester::from_form(&form)?))
}

pub async fn outbox(global: &Global, cmd: OutboxCommand) -> Result<()> {
    let state = state(global).await?;
    match cmd {
        OutboxCommand::List { json } => {
            let all = state.store.all_notifications().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for n in &all {
                    println!(
                        "{} {:<9} {:<6} {:<8} attempts {} {}{}",
                        n.created_at,
                        n.recipient_kind,
                        n.channel,
                        n.status,
                        n.attempts,
                        n.subject,
                        n.last_error.as_deref().map(|e| format!(" ({e})")).unwrap_or_default()
                    );
                }
            }
        }
        OutboxCommand::Deliver { smtp_url, from, sms_url } => {
            let settings = config::outbox_settings(smtp_url, from, sms_url);
            let done = try_deliver(&state.store, &settings, state.clock.now()).await?;
            println!("sent {}, failed {}", done.sent, done.failed);
        }
    }
    state.store.close().await;
    Ok(())
}
