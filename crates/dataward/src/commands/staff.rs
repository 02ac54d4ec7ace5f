//! `dataward staff add|list|password|totp|disable`: console accounts.
//!
//! Passwords come from `DATAWARD_STAFF_PASSWORD` or the first line of standard input, never from
//! a flag. TOTP secrets are drawn from the OS random source and shown once.

use std::io::BufRead;

use anyhow::{Context, Result, bail};
use dataward_core::staff::{Password, Role, StaffName, TotpSecret, totp::SECRET_BYTES};
use dataward_store::staff::NewStaff;

use crate::cli::{Global, StaffCommand};
use crate::config;

/// The environment variable a password may be given in (for scripts).
const PASSWORD_VAR: &str = "DATAWARD_STAFF_PASSWORD";

pub async fn run(global: &Global, cmd: StaffCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    match cmd {
        StaffCommand::Add { name, role } => {
            let name = StaffName::parse(&name)?;
            let role = Role::parse(&role)?;
            let password = read_password()?;
            let member = store.add_staff(&NewStaff { name, role, password }, config::now()?).await?;
            println!("staff member {} added ({})", member.name, member.role.title().to_lowercase());
        }
        StaffCommand::List { json } => {
            let members = store.list_staff().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&members)?);
            } else {
                let now = config::now()?;
                println!("{:<32} {:<9} {:<5} {:<8} CREATED", "NAME", "ROLE", "TOTP", "STATE");
                for m in members {
                    let state = if m.disabled_at.is_some() {
                        "disabled"
                    } else if m.lockout.is_locked(now) {
                        "locked"
                    } else {
                        "active"
                    };
                    let totp = if m.totp_enabled { "on" } else { "off" };
                    println!("{:<32} {:<9} {:<5} {:<8} {}", m.name, m.role.as_str(), totp, state, m.created_at);
                }
            }
        }
        StaffCommand::Password { name } => {
            let password = read_password()?;
            store.set_staff_password(&name, &password, config::now()?).await?;
            println!("password of {name} changed; their sessions have ended");
        }
        StaffCommand::Totp { name, off: true } => {
            store.set_staff_totp(&name, None, config::now()?).await?;
            println!("two-factor sign-in is off for {name}");
        }
        StaffCommand::Totp { name, off: false } => {
            let mut bytes = [0u8; SECRET_BYTES];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
            let secret = TotpSecret::from_bytes(bytes);
            let member = store.staff_by_name(&name).await?;
            let uri = secret.otpauth_uri(&member.name)?;
            store.set_staff_totp(&member.name, Some(&secret), config::now()?).await?;
            println!("two-factor sign-in is on for {}; add this to their authenticator app (shown once):", member.name);
            println!("{uri}");
            println!("secret (to type in by hand): {}", secret.to_base32());
        }
        StaffCommand::Disable { name } => {
            let member = store.disable_staff(&name, config::now()?).await?;
            println!("staff member {} disabled; their sessions have ended", member.name);
        }
    }
    Ok(())
}

/// The new password: `DATAWARD_STAFF_PASSWORD`, else the first line of standard input.
fn read_password() -> Result<Password> {
    let text = match std::env::var(PASSWORD_VAR) {
        Ok(text) => text,
        Err(_) => {
            let mut line = String::new();
            let read =
                std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
            if read == 0 {
                bail!("no password: set {PASSWORD_VAR} or write it on standard input");
            }
            line
        }
    };
    Ok(Password::parse(&text)?)
}
