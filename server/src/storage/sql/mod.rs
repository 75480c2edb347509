//! The queries, written once for both databases. `sqlite.rs` and `postgres.rs` each compile
//! this module for their own driver: they name the database `Db`, the storage type `Store`, and
//! what the two dialects spell differently (`NULL_SAFE_EQ`, `BEGIN_WRITE`). Everything here is
//! ordinary Rust over a concrete `sqlx::Pool<Db>`, so rustfmt, rust-analyzer and compiler spans
//! reach every line, while each statement's SQL text exists once.
//!
//! One file per part of the schema; `port.rs`, `duty_port.rs`, `incident_port.rs` and
//! `notify_port.rs` answer the domain's storage traits by naming the query function behind each
//! method. `notices.rs` writes the notices a change tells of, inside that change's transaction.

use super::{Db, Store, BACKEND, BEGIN_WRITE, FOR_UPDATE_SKIP_LOCKED, NULL_SAFE_EQ};
use crate::storage::error::{Error, Result};

mod areas;
mod audit;
mod checks;
mod duty_live;
mod duty_period_port;
mod duty_periods;
mod duty_port;
mod duty_roster;
mod hours;
mod incident_port;
mod incidents;
mod notices;
mod notifications;
mod notify_port;
mod phone_codes;
mod port;
mod sessions;
mod shifts;
mod sites;
mod teams;
mod tracks;
mod volunteers;

type Pool = sqlx::Pool<Db>;
type Tx = sqlx::Transaction<'static, Db>;
type Conn = <Db as sqlx::Database>::Connection;

/// Starts `sub(id)`: the area `$1` and every area below it. Lists by area scope (a
/// coordinator's street, an admin's district) all begin with it.
const SUBTREE_OF_1: &str = "WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = $1 \
     UNION ALL SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id) ";

/// A write transaction, begun the way the backend needs (see `BEGIN_WRITE`).
async fn begin(pool: &Pool) -> Result<Tx> {
    Ok(pool.begin_with(BEGIN_WRITE).await?)
}

/// One connection from the pool, for a single statement that needs `&mut` (an insert that
/// returns its id) outside a transaction.
async fn conn(pool: &Pool) -> Result<sqlx::pool::PoolConnection<Db>> {
    Ok(pool.acquire().await?)
}

/// Writes the audit entry of a change inside its transaction, then commits both.
async fn commit_with_audit(mut tx: Tx, entry: &domain::AuditEntry) -> Result<()> {
    audit::append(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(())
}
