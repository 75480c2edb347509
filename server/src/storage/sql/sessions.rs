//! Login sessions (only token hashes are stored) and the rate limits in front of logins and
//! registrations.

use super::{Conn, Pool};
use crate::storage::error::{count, Result};
use crate::storage::rows::SessionRow;
use domain::{RateLimit, SessionRecord, VolunteerId};

pub async fn insert(pool: &Pool, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, volunteer_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&s.token_hash)
    .bind(s.volunteer_id.0)
    .bind(s.created_at_ms)
    .bind(s.last_seen_at_ms)
    .bind(s.expires_at_ms)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn get(pool: &Pool, token_hash: &str) -> Result<Option<SessionRecord>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT token_hash, volunteer_id, created_at, last_seen_at, expires_at \
         FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(SessionRecord::from))
}

pub async fn touch(pool: &Pool, token_hash: &str, now_ms: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete(pool: &Pool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of `id`, except the one whose hash is `keep` when given.
pub async fn delete_of(conn: &mut Conn, id: VolunteerId, keep: Option<&str>) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM sessions WHERE volunteer_id = $1 AND ($2 IS NULL OR token_hash <> $2)",
    )
    .bind(id.0)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

pub async fn delete_expired(pool: &Pool, now_ms: i64, idle_before_ms: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
        .bind(now_ms)
        .bind(idle_before_ms)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Counts one hit against each limit, all or none: the hits so far, or when the first full
/// limit frees up.
pub async fn rate_limit_take(
    pool: &Pool,
    limits: &[RateLimit],
    now_ms: i64,
) -> Result<Result<Vec<u32>, i64>> {
    let mut tx = super::begin(pool).await?;
    let mut hits = Vec::with_capacity(limits.len());
    for l in limits {
        // A window that began before `stale` is over: the count starts again.
        let stale = now_ms - l.window_ms;
        let counted: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rate_limits (key_hash, hits, window_start, blocked_until) \
             VALUES ($1, 1, $2, 0) ON CONFLICT (key_hash) DO UPDATE SET \
             hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 \
                    ELSE rate_limits.hits + 1 END, \
             window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 \
                    ELSE rate_limits.window_start END \
             WHERE rate_limits.blocked_until <= $2 \
             AND (rate_limits.window_start <= $3 OR rate_limits.hits < $4) \
             RETURNING hits",
        )
        .bind(l.key_hash.as_str())
        .bind(now_ms)
        .bind(stale)
        .bind(i64::from(l.limit))
        .fetch_optional(&mut *tx)
        .await?;
        match counted {
            Some(n) => hits.push(count(n)?),
            None => {
                let (start, blocked): (i64, i64) = sqlx::query_as(
                    "SELECT window_start, blocked_until FROM rate_limits WHERE key_hash = $1",
                )
                .bind(l.key_hash.as_str())
                .fetch_one(&mut *tx)
                .await?;
                tx.rollback().await?;
                let free_at = if blocked > now_ms {
                    blocked
                } else {
                    start + l.window_ms
                };
                return Ok(Err(free_at));
            }
        }
    }
    tx.commit().await?;
    Ok(Ok(hits))
}

pub async fn rate_limit_block(pool: &Pool, key_hash: &str, until_ms: i64) -> Result<()> {
    sqlx::query("UPDATE rate_limits SET blocked_until = $2 WHERE key_hash = $1")
        .bind(key_hash)
        .bind(until_ms)
        .execute(pool)
        .await?;
    Ok(())
}

/// Takes back one hit, or forgets the key altogether.
pub async fn rate_limit_forgive(pool: &Pool, key_hash: &str, forget: bool) -> Result<()> {
    let sql = if forget {
        "DELETE FROM rate_limits WHERE key_hash = $1"
    } else {
        "UPDATE rate_limits SET hits = hits - 1 WHERE key_hash = $1 AND hits > 0"
    };
    sqlx::query(sql).bind(key_hash).execute(pool).await?;
    Ok(())
}

pub async fn prune_rate_limits(pool: &Pool, before_ms: i64, now_ms: i64) -> Result<u64> {
    let done =
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1 AND blocked_until <= $2")
            .bind(before_ms)
            .bind(now_ms)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}
