//! Incidents: a report stored once by its client key with its photos and first timeline row,
//! triage changes written with their timeline row, and the scoped lists the pages and the map
//! read. The list filters are optional, so those statements are built with a `QueryBuilder`;
//! every value is still a bound parameter.

use super::{Conn, Db, Pool};
use crate::storage::error::{count, Error, Result};
use crate::storage::rows::{
    convert, IncidentEventRow, IncidentFactRow, IncidentRow, IncidentSummaryRow,
    INCIDENT_SUMMARY_COLUMNS,
};
use domain::incident::port::{
    ChangeKind, Incident, IncidentChange, IncidentEvent, IncidentFact, IncidentId, IncidentPage,
    IncidentQuery, NewIncident, Stored, Viewer,
};
use domain::StorageError;
use sqlx::QueryBuilder;

/// Stores a new report with its photos (each once) and its first timeline row, or finds the
/// incident the same client key made before — only for the same reporter.
pub async fn insert(conn: &mut Conn, new: &NewIncident) -> Result<Stored> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO incidents (client_key, reporter_id, area_id, site_id, assignment_id, \
         category, severity, body, lat, lon, accuracy_m, made_at, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (client_key) DO NOTHING RETURNING id",
    )
    .bind(new.client_key.as_str())
    .bind(new.reporter.0)
    .bind(new.area_id.0)
    .bind(new.site_id.map(|s| s.0))
    .bind(new.assignment_id.map(|a| a.0))
    .bind(new.category.as_str())
    .bind(new.severity.as_i64())
    .bind(new.body.as_str())
    .bind(new.lat)
    .bind(new.lon)
    .bind(new.accuracy_m)
    .bind(new.made_at)
    .bind(new.received_at)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = id else {
        let existing: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM incidents WHERE client_key = $1 AND reporter_id = $2",
        )
        .bind(new.client_key.as_str())
        .bind(new.reporter.0)
        .fetch_optional(&mut *conn)
        .await?;
        // Another reporter's key: the key is taken, and whose report it is stays unsaid.
        let existing =
            existing.ok_or(Error(StorageError::Constraint("incidents_client_key_key")))?;
        return Ok(Stored::Existing(IncidentId(existing)));
    };
    let mut seen = std::collections::HashSet::new();
    for photo in new.photos.iter().filter(|p| seen.insert(p.sha256.clone())) {
        sqlx::query(
            "INSERT INTO incident_photos (incident_id, content_type, width, height, sha256, \
             bytes) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(photo.content_type.as_str())
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(photo.sha256.as_str())
        .bind(photo.bytes.as_slice())
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO incident_events (incident_id, actor_id, at, status, step) \
         VALUES ($1, $2, $3, 'reported', 'report')",
    )
    .bind(id)
    .bind(new.reporter.0)
    .bind(new.made_at)
    .execute(&mut *conn)
    .await?;
    Ok(Stored::New(IncidentId(id)))
}

pub async fn get(pool: &Pool, id: IncidentId) -> Result<Option<Incident>> {
    let row: Option<IncidentRow> = sqlx::query_as(&format!(
        "SELECT {INCIDENT_SUMMARY_COLUMNS}, rep.name AS reporter_name, s.name AS site_name, \
         i.assignment_id, i.accuracy_m, i.received_at, i.assignee_id, \
         asg.name AS assignee_name, i.referred_to \
         FROM incidents i JOIN areas ar ON ar.id = i.area_id \
         JOIN volunteers rep ON rep.id = i.reporter_id \
         LEFT JOIN sites s ON s.id = i.site_id \
         LEFT JOIN volunteers asg ON asg.id = i.assignee_id WHERE i.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let photo_ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM incident_photos WHERE incident_id = $1 ORDER BY id")
            .bind(id.0)
            .fetch_all(pool)
            .await?;
    row.into_incident(photo_ids).map(Some)
}

/// The timeline, oldest first.
pub async fn events(pool: &Pool, id: IncidentId) -> Result<Vec<IncidentEvent>> {
    let rows: Vec<IncidentEventRow> = sqlx::query_as(
        "SELECT e.at, e.actor_id, act.name AS actor_name, e.step, e.status, e.referred_to, \
         e.assignee_id, asg.name AS assignee_name, e.note \
         FROM incident_events e JOIN volunteers act ON act.id = e.actor_id \
         LEFT JOIN volunteers asg ON asg.id = e.assignee_id \
         WHERE e.incident_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    convert(rows)
}

pub async fn photo(
    pool: &Pool,
    incident: IncidentId,
    photo: i64,
) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT content_type, bytes FROM incident_photos WHERE incident_id = $1 AND id = $2",
    )
    .bind(incident.0)
    .bind(photo)
    .fetch_optional(pool)
    .await?)
}

/// `{select} FROM incidents i {joins} WHERE …` over what `viewer` may see that matches
/// `query`; an area viewer's statement starts with the `sub` subtree of their area.
fn visible<'q>(
    viewer: Viewer,
    query: &'q IncidentQuery,
    select_from: &str,
) -> QueryBuilder<'q, Db> {
    let mut q = QueryBuilder::new("");
    match viewer {
        Viewer::Area(root) => {
            q.push("WITH RECURSIVE sub(id) AS (SELECT id FROM areas WHERE id = ")
                .push_bind(root.0)
                .push(" UNION ALL SELECT a.id FROM areas a JOIN sub ON a.parent_id = sub.id) ")
                .push(select_from)
                .push(" WHERE i.area_id IN (SELECT id FROM sub)");
        }
        Viewer::Volunteer { id, community } => {
            q.push(select_from)
                .push(" WHERE (i.reporter_id = ")
                .push_bind(id.0)
                .push(" OR (i.public = TRUE AND i.area_id = ")
                .push_bind(community.0)
                .push("))");
        }
    }
    if let Some(category) = &query.category {
        q.push(" AND i.category = ").push_bind(category.as_str());
    }
    if let Some(status) = query.status {
        q.push(" AND i.status = ").push_bind(status.as_str());
    }
    if let Some(severity) = query.severity {
        q.push(" AND i.severity = ").push_bind(severity.as_i64());
    }
    if let Some(from) = query.from {
        q.push(" AND i.made_at >= ").push_bind(from);
    }
    if let Some(until) = query.until {
        q.push(" AND i.made_at < ").push_bind(until);
    }
    if query.open_only {
        q.push(" AND i.status IN ('reported', 'acknowledged', 'referred')");
    }
    q
}

/// A page of what `viewer` may see, urgent first among open ones when `open_only`.
pub async fn page(
    pool: &Pool,
    viewer: Viewer,
    query: &IncidentQuery,
    limit: u32,
    offset: u32,
) -> Result<IncidentPage> {
    let total: i64 = visible(viewer, query, "SELECT COUNT(*) FROM incidents i")
        .build_query_scalar()
        .fetch_one(pool)
        .await?;
    let order = if query.open_only {
        " ORDER BY i.severity DESC, i.made_at DESC, i.id DESC"
    } else {
        " ORDER BY i.made_at DESC, i.id DESC"
    };
    let select = format!(
        "SELECT {INCIDENT_SUMMARY_COLUMNS} FROM incidents i JOIN areas ar ON ar.id = i.area_id"
    );
    let mut list = visible(viewer, query, &select);
    list.push(order)
        .push(" LIMIT ")
        .push_bind(i64::from(limit))
        .push(" OFFSET ")
        .push_bind(i64::from(offset));
    let rows: Vec<IncidentSummaryRow> = list.build_query_as().fetch_all(pool).await?;
    Ok(IncidentPage {
        items: convert(rows)?,
        total: count(total)?,
    })
}

/// What the map and the statistics count, newest first, up to `limit`.
pub async fn facts(
    pool: &Pool,
    viewer: Viewer,
    query: &IncidentQuery,
    limit: u32,
) -> Result<Vec<IncidentFact>> {
    let mut q = visible(
        viewer,
        query,
        "SELECT i.id, i.area_id, i.category, i.severity, i.status, i.lat, i.lon, i.made_at \
         FROM incidents i",
    );
    q.push(" ORDER BY i.made_at DESC, i.id DESC LIMIT ")
        .push_bind(i64::from(limit));
    let rows: Vec<IncidentFactRow> = q.build_query_as().fetch_all(pool).await?;
    convert(rows)
}

/// Applies a triage change and writes its timeline row. A status change whose `from` no
/// longer holds changed meanwhile.
pub async fn change(conn: &mut Conn, id: IncidentId, change: &IncidentChange) -> Result<()> {
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM incidents WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(status) = status else {
        return Err(Error(StorageError::MissingReference));
    };
    let (after, referred, assignee) = match &change.what {
        ChangeKind::Status {
            from,
            to,
            referred_to,
        } => {
            let referred = referred_to.as_ref().map(|r| r.to_stored());
            let done = sqlx::query(
                "UPDATE incidents SET status = $2, referred_to = COALESCE($3, referred_to) \
                 WHERE id = $1 AND status = $4",
            )
            .bind(id.0)
            .bind(to.as_str())
            .bind(referred.as_deref())
            .bind(from.as_str())
            .execute(&mut *conn)
            .await?;
            if done.rows_affected() != 1 {
                return Err(Error(StorageError::ChangedMeanwhile));
            }
            (to.as_str().to_owned(), referred, None)
        }
        ChangeKind::Assign(who) => {
            sqlx::query("UPDATE incidents SET assignee_id = $2 WHERE id = $1")
                .bind(id.0)
                .bind(who.map(|v| v.0))
                .execute(&mut *conn)
                .await?;
            (status, None, who.map(|v| v.0))
        }
        ChangeKind::Publish(public) => {
            sqlx::query("UPDATE incidents SET public = $2 WHERE id = $1")
                .bind(id.0)
                .bind(*public)
                .execute(&mut *conn)
                .await?;
            (status, None, None)
        }
    };
    sqlx::query(
        "INSERT INTO incident_events (incident_id, actor_id, at, status, step, referred_to, \
         assignee_id, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.0)
    .bind(change.actor.0)
    .bind(change.at)
    .bind(after.as_str())
    .bind(change.step.as_str())
    .bind(referred.as_deref())
    .bind(assignee)
    .bind(change.note.as_deref())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
