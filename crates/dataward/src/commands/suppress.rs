//! `dataward suppress add|list`: the operator's suppression list. The identifier given is
//! normalised and digested at once; only the digest is stored and only digests are printed.

use anyhow::{Context, Result, anyhow, bail};
use dataward_core::keys::Digest;
use dataward_core::keys::Indexer;
use dataward_core::normalise::Email;
use dataward_core::screening::keys::digest;
use dataward_core::screening::{IdentifierKind, Scope, SuppressionReason, name_address_key, phone_key};
use dataward_store::suppressions::NewSuppression;

use crate::cli::{Global, SuppressAddArgs, SuppressCommand};
use crate::config;

/// Hex characters of a digest shown in listings (enough to tell entries apart).
const SHOWN_DIGEST: usize = 16;

pub async fn run(global: &Global, cmd: SuppressCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    match cmd {
        SuppressCommand::Add(args) => {
            let new = new_suppression(store.indexer(), &args)?;
            let (s, created) = store.add_suppression(&new, config::now()?).await?;
            let verb = if created { "suppressed" } else { "already suppressed" };
            println!(
                "{verb}: {} for {} (scope {}), digest {}…, id {}",
                s.identifier.as_str(),
                s.reason.as_str(),
                s.scope.as_str(),
                &s.digest[..SHOWN_DIGEST],
                s.id
            );
        }
        SuppressCommand::List { json } => {
            let list = store.list_suppressions().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{:<13} {:<18} {:<6} {:<27} {:<17} PERSON",
                    "IDENTIFIER", "REASON", "SCOPE", "CREATED", "DIGEST"
                );
                for s in list {
                    println!(
                        "{:<13} {:<18} {:<6} {:<27} {:<17} {}",
                        s.identifier.as_str(),
                        s.reason.as_str(),
                        s.scope.as_str(),
                        s.created_at,
                        &s.digest[..SHOWN_DIGEST],
                        s.person_id.as_deref().unwrap_or("-")
                    );
                }
            }
        }
    }
    store.close().await;
    Ok(())
}

/// Normalises and digests the one identifier given. Errors name the field, never the value.
fn new_suppression(indexer: &Indexer, args: &SuppressAddArgs) -> Result<NewSuppression> {
    let reason = SuppressionReason::parse(&args.reason)?;
    let scope = Scope::parse(&args.scope)?;
    let (identifier, key) = match (&args.email, &args.phone, &args.name_address) {
        (Some(email), None, None) => {
            let email = Email::parse(email).context("--email")?;
            (IdentifierKind::Email, email.as_str().to_string())
        }
        (None, Some(phone), None) => {
            let key = phone_key(phone).ok_or_else(|| anyhow!("--phone: not recognisable as a phone number"))?;
            (IdentifierKind::Phone, key)
        }
        (None, None, Some(parts)) => match parts.as_slice() {
            [surname, address, postcode] => {
                (IdentifierKind::NameAddress, name_address_key(surname, address, postcode).context("--name-address")?)
            }
            _ => bail!("--name-address takes SURNAME ADDRESS_LINE POSTCODE"),
        },
        _ => bail!("give exactly one of --email, --phone or --name-address"),
    };
    let digest: Digest = digest(indexer, identifier, &key);
    Ok(NewSuppression { identifier, digest, reason, scope, person_id: args.person_id.clone() })
}
