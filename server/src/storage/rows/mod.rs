//! Rows as the queries select them, decoded by `sqlx::FromRow` for either database, and their
//! conversion to the domain's types. A value no code writes is reported as corrupt, never
//! guessed at.

mod duty;
mod incident;
mod notify;
mod people;

pub use duty::*;
pub use incident::*;
pub use notify::*;
pub use people::*;

use crate::storage::error::Error;

/// Decodes every row, stopping at the first that does not convert.
pub fn convert<R, T>(rows: Vec<R>) -> Result<Vec<T>, Error>
where
    T: TryFrom<R, Error = Error>,
{
    rows.into_iter().map(T::try_from).collect()
}
