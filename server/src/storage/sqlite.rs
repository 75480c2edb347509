//! SQLite: the embedded default. One file, WAL, and `synchronous=FULL` because a check-in
//! acknowledged to a phone must survive a power cut.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

// The other adapter compiles the same directory for its own driver, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;

type Db = sqlx::Sqlite;
type Store = SqliteStorage;

const BACKEND: &str = "sqlite";

/// `IS` compares NULL to NULL as equal in SQLite.
const NULL_SAFE_EQ: &str = "IS";

/// Write transactions take SQLite's write lock up front. A deferred transaction that reads and
/// then writes cannot wait for another writer (its snapshot would be stale) and fails at once
/// with "database is locked"; an immediate one waits its turn under `busy_timeout`.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// SQLite has no row locks: a write transaction (`BEGIN_WRITE`) already holds the whole
/// database, so a queue's rows claimed inside one are claimed once.
const FOR_UPDATE_SKIP_LOCKED: &str = "";

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
