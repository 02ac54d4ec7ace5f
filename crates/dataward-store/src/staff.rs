//! Console staff accounts: adding, listing, disabling, passwords (Argon2id), the TOTP secret, and
//! checking a login with lock-out.
//!
//! A login check always costs one Argon2 verification, whether or not the name exists, the account
//! is disabled or locked, so its timing says nothing about which names exist. Argon2 runs on the
//! blocking pool. The reasons a login is refused are told apart here (for the audit log) but the
//! console shows them all as one message.

use std::sync::OnceLock;

use dataward_core::audit::{Actor, NewAuditEntry};
use dataward_core::staff::{Lockout, Password, Role, StaffName, TotpSecret};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::api_keys;
use crate::store::new_id;
use crate::{Store, StoreError};

/// A staff account, without its password hash or TOTP secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub totp_enabled: bool,
    pub created_at: String,
    pub disabled_at: Option<String>,
    #[serde(skip)]
    pub lockout: Lockout,
}

/// What is needed to add a staff member.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub name: StaffName,
    pub role: Role,
    pub password: Password,
}

/// Why a login was refused. The console shows every one of them as the same message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginRefusal {
    UnknownName,
    WrongPassword,
    /// TOTP is on and the code was missing or wrong.
    WrongCode,
    /// TOTP is on and the code's step was already used.
    ReusedCode,
    Locked,
    Disabled,
}

/// The result of checking a login.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginOutcome {
    Accepted(StaffMember),
    Refused(LoginRefusal),
}

const COLUMNS: &str =
    "id, name, role, password_hash, totp_secret, failed_logins, locked_until, created_at, disabled_at";

/// One stored row: the member and the secrets a login check needs.
struct StaffRow {
    member: StaffMember,
    password_hash: String,
    totp_secret: Option<String>,
}

fn parse_time(text: &str) -> Result<Timestamp, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("bad time `{text}`: {e}")))
}

fn from_row(row: &AnyRow) -> Result<StaffRow, StoreError> {
    let role: String = row.try_get("role")?;
    let totp_secret: Option<String> = row.try_get("totp_secret")?;
    let locked_until: Option<String> = row.try_get("locked_until")?;
    let member = StaffMember {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&role).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        totp_enabled: totp_secret.is_some(),
        created_at: row.try_get("created_at")?,
        disabled_at: row.try_get("disabled_at")?,
        lockout: Lockout {
            failed_logins: u32::try_from(row.try_get::<i64, _>("failed_logins")?).unwrap_or(0),
            locked_until: locked_until.as_deref().map(parse_time).transpose()?,
        },
    };
    Ok(StaffRow { member, password_hash: row.try_get("password_hash")?, totp_secret })
}

/// The scope whose key seals staff TOTP secrets.
const TOTP_SCOPE: &str = "staff-totp";

/// The prefix of a sealed TOTP secret in `staff.totp_secret` (hex of the sealed bytes follows).
/// A value without it is a clear base32 secret written before secrets were sealed; it still
/// works, and is sealed the next time the secret is set.
pub const TOTP_SEALED: &str = "sealed:";

/// The associated data binding a sealed secret to its member: moved to another row, it does not
/// open.
fn totp_aad(member_id: &str) -> String {
    format!("{TOTP_SCOPE}:{member_id}")
}

/// A hash of no one's password, verified against when the name is unknown (equal timing).
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| api_keys::hash_secret("no staff member has this password"))
}

/// Argon2 verification on the blocking pool.
async fn verify_password(password: &str, hash: &str) -> Result<bool, StoreError> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || api_keys::verify_secret(&password, &hash))
        .await
        .map_err(|e| StoreError::Corrupt(format!("password check did not finish: {e}")))
}

/// Argon2 hashing on the blocking pool.
async fn hash_password(password: &Password) -> Result<String, StoreError> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || api_keys::hash_secret(&password))
        .await
        .map_err(|e| StoreError::Corrupt(format!("password hashing did not finish: {e}")))
}

impl Store {
    /// A member's TOTP secret from its stored form (sealed, or clear base32 from before).
    async fn open_totp_secret(&self, member_id: &str, stored: &str) -> Result<TotpSecret, StoreError> {
        let base32 = match stored.strip_prefix(TOTP_SEALED) {
            Some(sealed) => {
                let bytes = hex::decode(sealed).map_err(|e| StoreError::Corrupt(format!("sealed TOTP secret: {e}")))?;
                let mut conn = self.pool.acquire().await?;
                let key = self.existing_scope_key(&mut conn, TOTP_SCOPE).await?;
                crate::codec::decode(key.as_ref(), &totp_aad(member_id), &bytes)?
            }
            None => stored.to_string(),
        };
        TotpSecret::from_base32(&base32).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Adds a staff member with an Argon2id hash of their password. Staff changes are made at the
    /// command line and audited as the operator's (`staff_add`, `staff_password`, `staff_totp`,
    /// `staff_disable`), naming the account id only.
    pub async fn add_staff(&self, new: &NewStaff, now: Timestamp) -> Result<StaffMember, StoreError> {
        let hash = hash_password(&new.password).await?;
        let member = StaffMember {
            id: new_id(),
            name: new.name.as_str().to_string(),
            role: new.role,
            totp_enabled: false,
            created_at: now.to_string(),
            disabled_at: None,
            lockout: Lockout::default(),
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO staff (id, name, role, password_hash, failed_logins, created_at)
             VALUES ($1, $2, $3, $4, 0, $5)",
        )
        .bind(&member.id)
        .bind(&member.name)
        .bind(member.role.as_str())
        .bind(&hash)
        .bind(&member.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "staff member", &member.name))?;
        let detail = serde_json::json!({ "role": member.role.as_str() });
        crate::audit::record(&mut tx, Actor::Cli, "staff_add", &member.id, detail, now).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Every staff member, by name.
    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM staff ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|row| from_row(row).map(|r| r.member)).collect()
    }

    async fn staff_row(&self, name: &str) -> Result<Option<StaffRow>, StoreError> {
        self.row_by_name("staff", COLUMNS, name).await?.as_ref().map(from_row).transpose()
    }

    /// One staff member by name.
    pub async fn staff_by_name(&self, name: &str) -> Result<StaffMember, StoreError> {
        match self.staff_row(name).await? {
            Some(row) => Ok(row.member),
            None => Err(StoreError::NotFound { what: "staff member", name: name.to_string() }),
        }
    }

    /// One staff member by id (`None` when there is none).
    pub async fn staff_by_id(&self, id: &str) -> Result<Option<StaffMember>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM staff WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(|row| from_row(row).map(|r| r.member)).transpose()
    }

    /// Replaces a staff member's password, clears any lock, and ends their sessions.
    pub async fn set_staff_password(&self, name: &str, password: &Password, now: Timestamp) -> Result<(), StoreError> {
        let member = self.staff_by_name(name).await?;
        let hash = hash_password(password).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE staff SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2")
            .bind(&hash)
            .bind(&member.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(&member.id).execute(&mut *tx).await?;
        crate::audit::record(&mut tx, Actor::Cli, "staff_password", &member.id, serde_json::json!({}), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables a staff member (they can no longer sign in) and ends their sessions.
    pub async fn disable_staff(&self, name: &str, now: Timestamp) -> Result<StaffMember, StoreError> {
        let member = self.staff_by_name(name).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE staff SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2")
            .bind(now.to_string())
            .bind(&member.id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(&member.id).execute(&mut *tx).await?;
        crate::audit::record(&mut tx, Actor::Cli, "staff_disable", &member.id, serde_json::json!({}), now).await?;
        tx.commit().await?;
        self.staff_by_name(name).await
    }

    /// Turns TOTP on (or replaces its secret) for a staff member. The secret is sealed under the
    /// `staff-totp` scope key with the member's id as associated data (see [`TOTP_SEALED`]), so a
    /// copy of the database alone cannot mint codes.
    pub async fn set_staff_totp(
        &self,
        name: &str,
        secret: Option<&TotpSecret>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let member = self.staff_by_name(name).await?;
        let mut tx = self.begin_write().await?;
        let stored = match secret {
            Some(secret) => {
                let key = self.scope_key(&mut tx, TOTP_SCOPE).await?;
                let sealed = crate::codec::encode(&key, &totp_aad(&member.id), &secret.to_base32());
                Some(format!("{TOTP_SEALED}{}", hex::encode(sealed)))
            }
            None => None,
        };
        sqlx::query("UPDATE staff SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
            .bind(stored)
            .bind(&member.id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "totp": secret.is_some() });
        crate::audit::record(&mut tx, Actor::Cli, "staff_totp", &member.id, detail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a console login: name, password and (when TOTP is on) a code, at `now`.
    ///
    /// A wrong password or code counts as a failed login; the fifth in a row locks the account
    /// for fifteen minutes (`dataward_core::staff::lockout`). A locked or disabled account is
    /// refused even with the right password. Success clears the count.
    /// Checks a console login: name, password and (when TOTP is on) a code, at `now`.
    ///
    /// A wrong password or code counts as a failed login; the fifth in a row locks the account
    /// for fifteen minutes (`dataward_core::staff::lockout`). A locked or disabled account is
    /// refused even with the right password. Success clears the count. Every attempt is
    /// appended to the audit log (`staff_login` or `staff_login_refused` with the reason); the
    /// name typed is never recorded, only the id of an existing account.
    pub async fn check_staff_login(
        &self,
        name: &str,
        password: &str,
        code: Option<&str>,
        now: Timestamp,
    ) -> Result<LoginOutcome, StoreError> {
        let (outcome, staff_id) = self.login_outcome(name, password, code, now).await?;
        let target = staff_id.clone().unwrap_or_default();
        let (actor, action, detail) = match &outcome {
            LoginOutcome::Accepted(_) => (Actor::Staff(target.clone()), "staff_login", serde_json::json!({})),
            LoginOutcome::Refused(why) => {
                (Actor::System, "staff_login_refused", serde_json::json!({ "reason": format!("{why:?}") }))
            }
        };
        let entry =
            NewAuditEntry::new(actor, action, target, detail).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.append_audit(&entry, now).await?;
        Ok(outcome)
    }

    async fn login_outcome(
        &self,
        name: &str,
        password: &str,
        code: Option<&str>,
        now: Timestamp,
    ) -> Result<(LoginOutcome, Option<String>), StoreError> {
        let row = match StaffName::parse(name) {
            Ok(name) => self.staff_row(name.as_str()).await?,
            Err(_) => None,
        };
        let Some(row) = row else {
            verify_password(password, dummy_hash()).await?;
            return Ok((LoginOutcome::Refused(LoginRefusal::UnknownName), None));
        };
        let member = row.member;
        if member.disabled_at.is_some() || member.lockout.is_locked(now) {
            verify_password(password, dummy_hash()).await?;
            let refusal = if member.disabled_at.is_some() { LoginRefusal::Disabled } else { LoginRefusal::Locked };
            return Ok((LoginOutcome::Refused(refusal), Some(member.id)));
        }
        if !verify_password(password, &row.password_hash).await? {
            self.record_failed_login(&member.id, now).await?;
            return Ok((LoginOutcome::Refused(LoginRefusal::WrongPassword), Some(member.id)));
        }
        if let Some(stored) = &row.totp_secret {
            let secret = self.open_totp_secret(&member.id, stored).await?;
            let Some(step) = code.and_then(|code| secret.check(code, now)) else {
                self.record_failed_login(&member.id, now).await?;
                return Ok((LoginOutcome::Refused(LoginRefusal::WrongCode), Some(member.id)));
            };
            let step = i64::try_from(step).unwrap_or(i64::MAX);
            // Only a step later than the last one accepted moves it: a code is used once.
            let moved = sqlx::query(
                "UPDATE staff SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(&member.id)
            .execute(&self.pool)
            .await?;
            if moved.rows_affected() == 0 {
                self.record_failed_login(&member.id, now).await?;
                return Ok((LoginOutcome::Refused(LoginRefusal::ReusedCode), Some(member.id)));
            }
        }
        sqlx::query("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(&member.id)
            .execute(&self.pool)
            .await?;
        let id = member.id.clone();
        Ok((LoginOutcome::Accepted(StaffMember { lockout: Lockout::after_success(), ..member }), Some(id)))
    }

    /// Counts one failed login (atomically) and locks the account when the count reaches the limit.
    async fn record_failed_login(&self, staff_id: &str, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let (count,): (i64,) =
            sqlx::query_as("UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins")
                .bind(staff_id)
                .fetch_one(&mut *tx)
                .await?;
        let before = Lockout { failed_logins: u32::try_from(count - 1).unwrap_or(0), locked_until: None };
        let after = before.after_failure(now);
        if let Some(until) = after.locked_until {
            sqlx::query("UPDATE staff SET failed_logins = $1, locked_until = $2 WHERE id = $3")
                .bind(i64::from(after.failed_logins))
                .bind(until.to_string())
                .bind(staff_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
