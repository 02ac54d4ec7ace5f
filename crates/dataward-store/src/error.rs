//! Store errors in domain terms: constraint violations become `Duplicate`, missing rows `NotFound`.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a {what} named `{name}` already exists")]
    Duplicate { what: &'static str, name: String },
    #[error("no {what} named `{name}`")]
    NotFound { what: &'static str, name: String },
    /// The operation does not fit the current state (e.g. withdrawing a withdrawn partner).
    #[error("{0}")]
    Conflict(String),
    /// The operator's input was refused (a missing reason, a malformed value).
    #[error("{0}")]
    Invalid(String),
    #[error("unsupported database URL `{0}`: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("could not decode a stored value: {0}")]
    Codec(String),
    #[error(
        "this store's data keys are wrapped by master key {stored}, but the configured master key is {configured} \
         (wrong --master-key-file or DATAWARD_MASTER_KEY?)"
    )]
    WrongMasterKey { stored: String, configured: String },
    #[error(
        "this store was created for storage region `{store}` but the profile allows region `{profile}`: \
         refusing to use it"
    )]
    RegionMismatch { store: String, profile: String },
    #[error("invalid audit entry: {0}")]
    Audit(#[from] dataward_core::audit::AuditError),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Transition(#[from] dataward_core::rights::TransitionError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An error of a direct SQLite read (see `direct`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A client request's recording did not commit (so nothing may be released).
    #[error("the request could not be recorded: {0}")]
    NotRecorded(String),
}

impl StoreError {
    /// Maps a unique-constraint violation to `Duplicate`, anything else to `Database`.
    pub(crate) fn on_unique(err: sqlx::Error, what: &'static str, name: &str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Duplicate { what, name: name.to_string() }
            }
            _ => StoreError::Database(err),
        }
    }
}
