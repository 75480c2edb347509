//! PostgreSQL: the scale-out engine. App servers stay stateless, so many can share it.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;

// The other adapter compiles the same directory for its own driver, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "sql/mod.rs"]
mod sql;

type Db = sqlx::Postgres;
type Store = PostgresStorage;

const BACKEND: &str = "postgres";

/// The standard NULL-safe equality.
const NULL_SAFE_EQ: &str = "IS NOT DISTINCT FROM";

/// PostgreSQL locks rows as statements touch them; a plain transaction is right.
const BEGIN_WRITE: &str = "BEGIN";

/// A queue's rows are claimed under row locks that other servers skip, so N servers share one
/// queue without taking a row twice or waiting on each other.
const FOR_UPDATE_SKIP_LOCKED: &str = "FOR UPDATE SKIP LOCKED";

#[derive(Clone)]
pub struct PostgresStorage {
    pool: PgPool,
    paths: super::PathCache,
}

impl PostgresStorage {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with explicit options (tests use this to give each test its own schema).
    pub async fn connect_with(options: PgConnectOptions) -> anyhow::Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(Self {
            pool,
            paths: super::PathCache::default(),
        })
    }
}
