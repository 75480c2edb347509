//! PostgreSQL: the scale-out engine. App servers stay stateless, so many can share it.

use super::common::storage_impl;
use super::duty::duty_storage_impl;
use super::incident::incident_storage_impl;
use super::{
    area_kind, backend_err, corrupt, count, exactly_one, like_literal, map_err, site_from_parts,
    unique_of_volunteers,
};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;

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

/// The standard NULL-safe equality.
const NULL_SAFE_EQ: &str = "IS NOT DISTINCT FROM";

/// PostgreSQL locks rows as statements touch them; a plain transaction is right.
const BEGIN_WRITE: &str = "BEGIN";

storage_impl!(PostgresStorage, sqlx::postgres::PgRow, "postgres");
duty_storage_impl!(PostgresStorage, sqlx::postgres::PgRow);
incident_storage_impl!(PostgresStorage, sqlx::postgres::PgRow, sqlx::Postgres);
