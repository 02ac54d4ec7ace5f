//! Actors, action names and one audit entry.

use std::fmt;

use serde::Serialize;

/// Who did something. Written `cli`, `system`, `staff:<id>`, `client:<id>` or `partner:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Actor {
    /// The operator at the command line.
    Cli,
    /// dataward itself (scheduled jobs, migrations).
    System,
    Staff(String),
    Client(String),
    Partner(String),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Cli => f.write_str("cli"),
            Actor::System => f.write_str("system"),
            Actor::Staff(id) => write!(f, "staff:{id}"),
            Actor::Client(id) => write!(f, "client:{id}"),
            Actor::Partner(id) => write!(f, "partner:{id}"),
        }
    }
}

impl From<Actor> for String {
    fn from(actor: Actor) -> String {
        actor.to_string()
    }
}

impl Actor {
    /// Reads an actor back from its written form.
    pub fn parse(text: &str) -> Result<Actor, AuditError> {
        let bad = || AuditError::Actor(text.to_string());
        match text.split_once(':') {
            None if text == "cli" => Ok(Actor::Cli),
            None if text == "system" => Ok(Actor::System),
            Some((_, "")) => Err(bad()),
            Some(("staff", id)) => Ok(Actor::Staff(id.to_string())),
            Some(("client", id)) => Ok(Actor::Client(id.to_string())),
            Some(("partner", id)) => Ok(Actor::Partner(id.to_string())),
            _ => Err(bad()),
        }
    }
}

/// Why an audit entry could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    #[error("audit action `{0}` is not a snake_case name (a-z, 0-9 and `_`, starting with a letter)")]
    Action(String),
    #[error("`{0}` is not an audit actor (cli, system, staff:ID, client:ID or partner:ID)")]
    Actor(String),
    #[error("audit detail must be a JSON object")]
    Detail,
}

/// An entry to append: the store gives it its sequence number, time and hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: Actor,
    action: String,
    /// The ids acted on (e.g. a batch id, a request id, a person id), never a value.
    pub target: String,
    /// Ids, counts and codes as a JSON object, stored exactly as serialised here.
    detail: String,
}

impl NewAuditEntry {
    /// Builds an entry; `action` must be a stable snake_case name (`ingest`, `client_release`,
    /// `keys_rotate`, ...) and `detail` a JSON object without personal data.
    pub fn new(
        actor: Actor,
        action: &str,
        target: impl Into<String>,
        detail: serde_json::Value,
    ) -> Result<NewAuditEntry, AuditError> {
        let snake = action.starts_with(|c: char| c.is_ascii_lowercase())
            && action.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            return Err(AuditError::Action(action.to_string()));
        }
        if !detail.is_object() {
            return Err(AuditError::Detail);
        }
        Ok(NewAuditEntry { actor, action: action.to_string(), target: target.into(), detail: detail.to_string() })
    }

    pub fn action(&self) -> &str {
        &self.action
    }

    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The entry as chained at `seq`, time `at` (RFC 3339), after an entry whose hash is `prev_hash`.
    pub fn chain(&self, seq: i64, at: &str, prev_hash: &str) -> AuditEntry {
        let mut entry = AuditEntry {
            seq,
            at: at.to_string(),
            actor: self.actor.to_string(),
            action: self.action.clone(),
            target: self.target.clone(),
            detail: self.detail.clone(),
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        entry.hash = super::entry_hash(&entry);
        entry
    }
}

/// One entry of the chain as stored. Hashes are lower-case hex SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// A JSON object, exactly as hashed.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}
