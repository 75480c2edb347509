//! The audit log: append-only, read newest first within an admin's scope.

use super::{Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::Result;
use crate::storage::rows::AuditRow;
use domain::{AuditEntry, AuditFilter, AuditRecord};

pub async fn append(conn: &mut Conn, e: &AuditEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, area_id, before_state, \
         after_state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(e.at_ms)
    .bind(e.actor_id.map(|a| a.0))
    .bind(e.action.as_str())
    .bind(e.entity.as_str())
    .bind(e.entity_id)
    .bind(e.area_id.map(|a| a.0))
    .bind(e.before.as_deref())
    .bind(e.after.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn entries(pool: &Pool, f: &AuditFilter) -> Result<Vec<AuditRecord>> {
    // Every filter is bound (NULL meaning "any"), so there is one statement to plan.
    let rows: Vec<AuditRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT id, at, actor_id, action, entity, entity_id, area_id, \
         before_state, after_state FROM audit_log \
         WHERE ($1 IS NULL OR area_id IN (SELECT id FROM sub)) \
           AND ($2 IS NULL OR entity = $2) \
           AND ($3 IS NULL OR actor_id = $3) \
           AND ($4 IS NULL OR id < $4) \
         ORDER BY id DESC LIMIT $5"
    ))
    .bind(f.within.map(|a| a.0))
    .bind(f.entity.as_deref())
    .bind(f.actor_id.map(|a| a.0))
    .bind(f.before_id)
    .bind(i64::from(f.limit.clamp(1, 500)))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(AuditRecord::from).collect())
}
