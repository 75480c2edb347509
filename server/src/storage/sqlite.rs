//! SQLite: the embedded default. One file, WAL, and `synchronous=FULL` because a check-in
//! acknowledged to a phone must survive a power cut.

use super::common::storage_impl;
use super::duty::duty_storage_impl;
use super::incident::incident_storage_impl;
use super::{
    area_kind, backend_err, corrupt, count, exactly_one, like_literal, map_err, site_from_parts,
    unique_of_volunteers,
};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
    paths: super::PathCache,
}

impl SqliteStorage {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self {
            pool,
            paths: super::PathCache::default(),
        })
    }
}

/// `IS` compares NULL to NULL as equal in SQLite.
const NULL_SAFE_EQ: &str = "IS";

/// Write transactions take SQLite's write lock up front. A deferred transaction that reads and
/// then writes cannot wait for another writer (its snapshot would be stale) and fails at once
/// with "database is locked"; an immediate one waits its turn under `busy_timeout`.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

storage_impl!(SqliteStorage, sqlx::sqlite::SqliteRow, "sqlite");
duty_storage_impl!(SqliteStorage, sqlx::sqlite::SqliteRow);
incident_storage_impl!(SqliteStorage, sqlx::sqlite::SqliteRow, sqlx::Sqlite);
