//! One way to read a result row, whichever library fetched it: an `AnyRow` from sqlx or a
//! `rusqlite::Row` from a direct SQLite read (`direct`). A row is decoded by one function
//! written against [`Cols`], so the two paths cannot drift apart.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

/// Typed access to the named columns of a result row.
pub(crate) trait Cols {
    fn text(&self, column: &str) -> Result<String, StoreError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError>;
    fn int(&self, column: &str) -> Result<i64, StoreError>;
    fn blob(&self, column: &str) -> Result<Vec<u8>, StoreError>;
    fn opt_blob(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError>;
}

impl Cols for AnyRow {
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn blob(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get(column)?)
    }
    fn opt_blob(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(column)?)
    }
}

impl Cols for rusqlite::Row<'_> {
    fn text(&self, column: &str) -> Result<String, StoreError> {
        Ok(self.get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StoreError> {
        Ok(self.get(column)?)
    }
    fn int(&self, column: &str) -> Result<i64, StoreError> {
        Ok(self.get(column)?)
    }
    fn blob(&self, column: &str) -> Result<Vec<u8>, StoreError> {
        Ok(self.get(column)?)
    }
    fn opt_blob(&self, column: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get(column)?)
    }
}
