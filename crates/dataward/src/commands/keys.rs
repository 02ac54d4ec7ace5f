//! `dataward keys rotate`: re-wraps every data key under a new master key.
//!
//! Without `--new-key-file`, a new key is generated and written beside the master-key file
//! (`<file>.next`, 0600) before anything changes; the re-wrap commits in one transaction; then the
//! new file replaces the old one, so the old key is gone and backups whose keys it wrapped can no
//! longer be read. A crash between the commit and the rename leaves the new key in `<file>.next`.

use anyhow::{Context, Result, bail};
use dataward_core::audit::Actor;
use dataward_store::MasterKey;

use crate::cli::{Global, KeysCommand};
use crate::config;

pub async fn run(global: &Global, cmd: KeysCommand) -> Result<()> {
    match cmd {
        KeysCommand::Rotate { new_key_file } => rotate(global, new_key_file).await,
    }
}

async fn rotate(global: &Global, new_key_file: Option<std::path::PathBuf>) -> Result<()> {
    let from_env = std::env::var_os("DATAWARD_MASTER_KEY").is_some();
    let (new, replace) = match new_key_file {
        Some(path) => {
            if !path.exists() {
                config::write_master_key_file(&path, &MasterKey::generate())?;
            }
            (config::read_master_key_file(&path)?, None)
        }
        None if from_env => {
            bail!(
                "the master key comes from DATAWARD_MASTER_KEY: give --new-key-file to rotate to a key kept in a file"
            )
        }
        None => {
            let next = global.master_key_file.with_extension("next");
            if next.exists() {
                bail!("{} exists (an interrupted rotation?): move it aside first", next.display());
            }
            let new = MasterKey::generate();
            config::write_master_key_file(&next, &new)?;
            (new, Some(next))
        }
    };
    let store = config::open_store(global).await?;
    if store.master_key().id() == new.id() {
        bail!("the new master key is the current one");
    }
    let rotation = store.rotate_master_key(&new, Actor::Cli, config::now()?).await;
    store.close().await;
    let rotation = match rotation {
        Ok(r) => r,
        Err(e) => {
            if let Some(next) = &replace {
                let _ = std::fs::remove_file(next);
            }
            return Err(e.into());
        }
    };
    if let Some(next) = replace {
        std::fs::rename(&next, &global.master_key_file)
            .with_context(|| format!("replacing {} with {}", global.master_key_file.display(), next.display()))?;
    }
    println!(
        "re-wrapped {} record keys and {} scope keys: master key {} -> {}",
        rotation.record_keys, rotation.scope_keys, rotation.old_key_id, rotation.new_key_id
    );
    Ok(())
}
