//! Patrol tracks: points kept while on shift (each moment once, up to a cap), and after the
//! retention period a summary in their place.

use super::{Conn, Pool};
use crate::storage::error::{corrupt, Error, Result};
use domain::{AssignmentId, StorageError, TrackPoint};

/// Appends points to an assignment's track, skipping moments already stored and stopping at
/// `cap` points in all; returns how many were added.
pub async fn add_points(
    conn: &mut Conn,
    id: AssignmentId,
    points: &[TrackPoint],
    cap: u32,
) -> Result<u32> {
    let held: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM track_points WHERE assignment_id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
    let mut room = u64::from(cap).saturating_sub(u64::try_from(held).unwrap_or(0));
    let mut added = 0u32;
    for p in points {
        if room == 0 {
            break;
        }
        let done = sqlx::query(
            "INSERT INTO track_points (assignment_id, at, lat, lon, accuracy_m) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (assignment_id, at) DO NOTHING",
        )
        .bind(id.0)
        .bind(p.at)
        .bind(p.lat)
        .bind(p.lon)
        .bind(p.accuracy_m)
        .execute(&mut *conn)
        .await?;
        if done.rows_affected() == 1 {
            room -= 1;
            added += 1;
        }
    }
    Ok(added)
}

/// The assignment's recorded points, in time order.
pub async fn points(pool: &Pool, id: AssignmentId) -> Result<Vec<TrackPoint>> {
    let rows: Vec<(i64, f64, f64, f64)> = sqlx::query_as(
        "SELECT at, lat, lon, accuracy_m FROM track_points WHERE assignment_id = $1 \
         ORDER BY at, id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, lat, lon, accuracy_m)| TrackPoint {
            at,
            lat,
            lon,
            accuracy_m,
        })
        .collect())
}

/// A coarsened track's length and the coarse cells it passed through.
pub async fn summary(pool: &Pool, id: AssignmentId) -> Result<Option<(f64, Vec<(i32, i32)>)>> {
    let row: Option<(f64, String)> =
        sqlx::query_as("SELECT length_m, cells FROM track_summaries WHERE assignment_id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(|(length, cells)| {
        let cells = serde_json::from_str(&cells).map_err(|_| corrupt("track_summaries.cells"))?;
        Ok((length, cells))
    })
    .transpose()
}

/// Assignments with recorded points on shifts that ended before `ended_before`.
pub async fn to_coarsen(pool: &Pool, ended_before: i64) -> Result<Vec<AssignmentId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT t.assignment_id FROM track_points t \
         JOIN assignments a ON a.id = t.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
         WHERE sh.ends_at < $1 ORDER BY t.assignment_id LIMIT 1000",
    )
    .bind(ended_before)
    .fetch_all(pool)
    .await?;
    Ok(ids.into_iter().map(AssignmentId).collect())
}

/// Writes (or rewrites) a track's summary and deletes its points.
pub async fn coarsen(
    conn: &mut Conn,
    id: AssignmentId,
    length_m: f64,
    cells: &[(i32, i32)],
    now: i64,
) -> Result<()> {
    let cells =
        serde_json::to_string(cells).map_err(|e| Error(StorageError::Backend(e.to_string())))?;
    sqlx::query(
        "INSERT INTO track_summaries (assignment_id, length_m, cells, coarsened_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (assignment_id) DO UPDATE \
         SET length_m = excluded.length_m, cells = excluded.cells, \
         coarsened_at = excluded.coarsened_at",
    )
    .bind(id.0)
    .bind(length_m)
    .bind(cells)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM track_points WHERE assignment_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
