//! Portable SQL helpers: positional placeholders and chunked multi-row inserts.

use sqlx::AssertSqlSafe;

use crate::exec::Exec;
use crate::{Backend, StoreError};

/// One bindable value.
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    Real(f64),
    Blob(Vec<u8>),
    OptBlob(Option<Vec<u8>>),
}

/// `$start, $start+1, ...` for `n` parameters.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    (start..start + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `n` placeholders numbered from `start`, in the backend's cheapest syntax (see `tuple`).
/// On SQLite every parameter of the statement must then be anonymous too.
pub(crate) fn placeholder_list(backend: Backend, start: usize, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(", "),
        Backend::Postgres => placeholders(start, n),
    }
}

/// Parameters per multi-row statement (both engines accept far more; larger statements stop
/// paying off well before this).
const MAX_PARAMS: usize = 6_000;

/// A row tuple of `width` placeholders for row `r` in the backend's cheapest syntax. SQLite
/// resolves named or numbered parameters (`$n`, `?n`) by a linear search per parameter, which is
/// quadratic for multi-row inserts, so it gets anonymous `?`; PostgreSQL only knows `$n`.
fn tuple(backend: Backend, r: usize, width: usize) -> String {
    match backend {
        Backend::Sqlite => format!("({})", vec!["?"; width].join(", ")),
        Backend::Postgres => format!("({})", placeholders(r * width + 1, width)),
    }
}

/// Binds `v` as the query's next parameter.
pub(crate) fn bind_val(query: AnyQuery<'_>, v: Val) -> AnyQuery<'_> {
    match v {
        Val::Text(s) => query.bind(s),
        Val::OptText(s) => query.bind(s),
        Val::Int(i) => query.bind(i),
        Val::Real(f) => query.bind(f),
        Val::Blob(b) => query.bind(b),
        Val::OptBlob(b) => query.bind(b),
    }
}

/// `sql` with `binds` bound in order, as a statement through sqlx's `Any` driver.
pub(crate) fn any_query(sql: String, binds: impl IntoIterator<Item = Val>) -> AnyQuery<'static> {
    binds.into_iter().fold(sqlx::query(AssertSqlSafe(sql)), bind_val)
}

/// A statement through sqlx's `Any` driver.
pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// How a failed insert is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnFailure {
    /// The failed statement alone is undone and the transaction goes on (SQL's default).
    UndoStatement,
    /// The whole transaction is rolled back: for a transaction that any failure abandons anyway
    /// (an ingest batch). SQLite then keeps no statement journal, the copy of every page a
    /// multi-row insert touches that it would need to undo that statement alone; in a
    /// profiled load the journal's copies, allocations and truncations were about a tenth of
    /// the CPU time. PostgreSQL has no such journal and no such syntax; its statements are
    /// unchanged.
    RollBackTransaction,
}

/// The statements inserting `rows` into `table`, several rows each, with their parameters.
fn insert_statements(
    backend: Backend,
    on_failure: OnFailure,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
) -> Vec<(String, Vec<Val>)> {
    let width = columns.len();
    let per_statement = (MAX_PARAMS / width).max(1);
    let mut statements = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Vec<Val>> = rows.by_ref().take(per_statement).collect();
        let tuples: Vec<String> = (0..chunk.len()).map(|r| tuple(backend, r, width)).collect();
        let verb = match (backend, on_failure) {
            (Backend::Sqlite, OnFailure::RollBackTransaction) => "INSERT OR ROLLBACK",
            _ => "INSERT",
        };
        let sql = format!("{verb} INTO {table} ({}) VALUES {}", columns.join(", "), tuples.join(", "));
        debug_assert!(chunk.iter().all(|row| row.len() == width));
        statements.push((sql, chunk.into_iter().flatten().collect()));
    }
    statements
}

/// Inserts `rows` into `table`, several rows per statement, on either kind of connection
/// (`exec`).
pub(crate) async fn insert_rows(
    backend: Backend,
    conn: &mut impl Exec,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    insert_rows_undoing(backend, OnFailure::UndoStatement, conn, table, columns, rows).await
}

/// [`insert_rows`], undoing a failure as `on_failure` says.
pub(crate) async fn insert_rows_undoing(
    backend: Backend,
    on_failure: OnFailure,
    conn: &mut impl Exec,
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    for (sql, binds) in insert_statements(backend, on_failure, table, columns, rows) {
        conn.exec(&sql, binds).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_the_start() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
    }
}
