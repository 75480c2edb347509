//! The storage adapters behind `domain::Storage`: SQLite (embedded default) and PostgreSQL.
//! Each migrates its database on connect; `tests/storage.rs` holds both to one behaviour.

mod common;
mod duty;
mod incident;
mod postgres;
mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use anyhow::Context;
use domain::{AreaId, AreaKind, Storage, StorageError};
use std::sync::Arc;

/// Opens (creating when needed) and migrates the database `url` names.
pub async fn connect(url: &str) -> anyhow::Result<Arc<dyn Storage>> {
    if url.starts_with("postgres") {
        let store = PostgresStorage::connect(url)
            .await
            .context("failed to open the PostgreSQL database")?;
        Ok(Arc::new(store))
    } else {
        let store = SqliteStorage::connect(url)
            .await
            .context("failed to open the SQLite database")?;
        Ok(Arc::new(store))
    }
}

/// Maps a database error to the port's error by its kind, never by its text.
/// `unique` names the constraint the statement can break, which SQLite does not report.
fn map_err(e: sqlx::Error, unique: &'static str) -> StorageError {
    use sqlx::error::ErrorKind;
    if let Some(db) = e.as_database_error() {
        match db.kind() {
            ErrorKind::UniqueViolation => return StorageError::Constraint(unique),
            ErrorKind::ForeignKeyViolation => return StorageError::MissingReference,
            ErrorKind::CheckViolation => return StorageError::Constraint("check"),
            _ => {}
        }
    }
    StorageError::Backend(e.to_string())
}

/// `text` for a `LIKE … ESCAPE '\'` pattern, matched literally: `%`, `_` and the escape
/// character itself lose their meaning.
fn like_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn backend_err(e: sqlx::Error) -> StorageError {
    StorageError::Backend(e.to_string())
}

/// Decodes the `kind` column; an unknown value means the database was edited by hand.
fn area_kind(s: &str) -> Result<AreaKind, StorageError> {
    AreaKind::from_db(s).ok_or_else(|| StorageError::Backend(format!("unknown area kind {s:?}")))
}

/// A value in the database that no code writes: someone edited it by hand.
fn corrupt(column: &str) -> StorageError {
    StorageError::Backend(format!("unexpected value in column {column}"))
}

/// `COUNT(*)` as the port's `u32`.
fn count(n: i64) -> Result<u32, StorageError> {
    u32::try_from(n).map_err(|e| StorageError::Backend(e.to_string()))
}

/// An `UPDATE` by primary key that found no row means the id does not exist.
fn exactly_one(rows: u64) -> Result<(), StorageError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StorageError::MissingReference)
    }
}

/// Which of `volunteers`' unique keys an insert broke. PostgreSQL names the constraint; SQLite
/// only names the column in its message, so that is read there (and nowhere else).
fn unique_of_volunteers(e: &sqlx::Error) -> &'static str {
    let Some(db) = e.as_database_error() else {
        return "volunteers_phone_key";
    };
    let vest = db.constraint() == Some("volunteers_vest_no_key")
        || db.message().contains("volunteers.vest_no");
    if vest {
        "volunteers_vest_no_key"
    } else {
        "volunteers_phone_key"
    }
}

/// A `sites` row's columns as a site; a fence that is neither circle nor polygon, or does not
/// parse, was written by hand.
fn site_from_parts(
    id: i64,
    area_id: i64,
    name: String,
    lat: f64,
    lon: f64,
    radius: Option<i64>,
    boundary: Option<String>,
) -> Result<domain::Site, StorageError> {
    use domain::geometry::Fence;
    let fence = match (radius, boundary) {
        (_, Some(text)) => Fence::Polygon(
            domain::geometry::shape_from_geojson(&text).ok_or_else(|| corrupt("sites.boundary"))?,
        ),
        (Some(r), None) => Fence::Circle {
            lat,
            lon,
            radius_m: u32::try_from(r).map_err(|_| corrupt("sites.radius_m"))?,
        },
        (None, None) => return Err(corrupt("sites fence")),
    };
    Ok(domain::Site {
        id: domain::SiteId(id),
        area_id: AreaId(area_id),
        name,
        fence,
    })
}

/// Area paths, remembered: every request resolves its caller's home path, and a path never
/// changes once the area exists (areas are added under parents, never moved). Per storage
/// instance, so two databases in one process never mix.
#[derive(Clone, Default)]
struct PathCache(
    std::sync::Arc<std::sync::RwLock<std::collections::HashMap<AreaId, domain::AreaPath>>>,
);

impl PathCache {
    fn get(&self, id: AreaId) -> Option<domain::AreaPath> {
        self.0.read().ok()?.get(&id).cloned()
    }

    /// Keeps a found path (an empty one means the area does not exist, so it is not kept).
    fn remember(&self, id: AreaId, path: &domain::AreaPath) {
        if path.0.is_empty() {
            return;
        }
        if let Ok(mut paths) = self.0.write() {
            paths.insert(id, path.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(super::like_literal("王%_\\"), "王\\%\\_\\\\");
        assert_eq!(super::like_literal("张三"), "张三");
    }
}
