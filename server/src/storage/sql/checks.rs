//! Check events (签到/签退): stored once by their client key, a check-in made again on site
//! in place of the first, what judging one needs, and the sweeper's work on them.

use super::{hours, Conn, Pool};
use crate::storage::error::{exactly_one, Result};
use crate::storage::rows::{
    convert, window, CheckContextRow, CheckRow, WindowedCheckRow, ASSIGNMENT_COLUMNS, CHECK_COLUMNS,
};
use domain::{
    AssignmentId, CheckContext, CheckEvent, CheckKind, NewCheck, ShiftWindow, UnrecordedService,
    VolunteerId,
};
use std::collections::HashMap;

/// Check events by assignment, in the order the rows come (made_at, id).
pub fn by_assignment(rows: Vec<CheckRow>) -> Result<HashMap<AssignmentId, Vec<CheckEvent>>> {
    let mut by = HashMap::<_, Vec<CheckEvent>>::new();
    for row in rows {
        let check = CheckEvent::try_from(row)?;
        by.entry(check.assignment_id).or_default().push(check);
    }
    Ok(by)
}

/// Stores one check event (with the hours a check-out opens) once; `true` when this call
/// stored it, otherwise the event stored under its key, else the one in force.
pub async fn record(conn: &mut Conn, c: &NewCheck) -> Result<(CheckEvent, bool)> {
    let (lat, lon, acc) = match c.position {
        Some((lat, lon, acc)) => (Some(lat), Some(lon), acc),
        None => (None, None, None),
    };
    // A check-in made again on site retires the first one (outside or without
    // a position, no check-out yet) before taking its place; if anything else
    // took it first, nothing is retired and the insert below stores nothing.
    let retired = match c.supersedes {
        Some(first) => {
            sqlx::query(
                "UPDATE check_events SET superseded_at = $2 \
                 WHERE id = $1 AND assignment_id = $3 AND kind = 'in' \
                 AND superseded_at IS NULL AND verdict IN ('outside', 'unknown') \
                 AND NOT EXISTS (SELECT 1 FROM check_events o WHERE o.assignment_id = $3 \
                 AND o.kind = 'out' AND o.superseded_at IS NULL)",
            )
            .bind(first)
            .bind(c.received_at)
            .bind(c.assignment_id.0)
            .execute(&mut *conn)
            .await?
            .rows_affected()
                == 1
        }
        None => false,
    };
    // Either uniqueness may hold it back: the same key sent again, or another
    // key for a check-in (or check-out) the assignment already has in force.
    let stored: Option<i64> = sqlx::query_scalar(
        "INSERT INTO check_events (client_key, assignment_id, kind, made_at, received_at, \
         lat, lon, accuracy_m, verdict, outside_reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(c.client_key.as_str())
    .bind(c.assignment_id.0)
    .bind(c.kind.as_str())
    .bind(c.made_at)
    .bind(c.received_at)
    .bind(lat)
    .bind(lon)
    .bind(acc)
    .bind(c.proof.as_str())
    .bind(c.outside_reason.as_deref())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(id) = stored else {
        if retired {
            // Its replacement was not stored after all: the first stands.
            sqlx::query("UPDATE check_events SET superseded_at = NULL WHERE id = $1")
                .bind(c.supersedes)
                .execute(&mut *conn)
                .await?;
        }
        // The event stored under this key, else the one in force.
        let row: CheckRow = sqlx::query_as(&format!(
            "SELECT {CHECK_COLUMNS} FROM check_events c WHERE c.client_key = $1 \
             OR (c.assignment_id = $2 AND c.kind = $3 AND c.superseded_at IS NULL) \
             ORDER BY CASE WHEN c.client_key = $1 THEN 0 ELSE 1 END LIMIT 1"
        ))
        .bind(c.client_key.as_str())
        .bind(c.assignment_id.0)
        .bind(c.kind.as_str())
        .fetch_one(&mut *conn)
        .await?;
        return Ok((row.try_into()?, false));
    };
    // Inserted just now: the row is what was sent.
    if let Some(claim) = c.service {
        hours::open_service(
            &mut *conn,
            c.assignment_id,
            claim.minutes,
            claim.flagged,
            c.received_at,
        )
        .await?;
    }
    let event = CheckEvent {
        id,
        client_key: c.client_key.clone(),
        assignment_id: c.assignment_id,
        kind: c.kind,
        made_at: c.made_at,
        proof: c.proof,
        outside_reason: c.outside_reason.clone(),
        superseded_at: None,
    };
    Ok((event, true))
}

/// An assignment's check events, oldest first.
pub async fn of(pool: &Pool, id: AssignmentId) -> Result<Vec<CheckEvent>> {
    let rows: Vec<CheckRow> = sqlx::query_as(&format!(
        "SELECT {CHECK_COLUMNS} FROM check_events c WHERE c.assignment_id = $1 \
         ORDER BY c.made_at, c.id"
    ))
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    convert(rows)
}

/// The assignment, its shift's window and state and its site's fence in one query, then its
/// check events.
pub async fn context(pool: &Pool, id: AssignmentId) -> Result<Option<CheckContext>> {
    let row: Option<CheckContextRow> = sqlx::query_as(&format!(
        "SELECT {ASSIGNMENT_COLUMNS}, sh.starts_at, sh.ends_at, sh.cancelled_at, \
         s.id AS s_id, s.area_id AS s_area, s.name AS s_name, s.lat, s.lon, s.radius_m, \
         s.boundary \
         FROM assignments a JOIN shifts sh ON sh.id = a.shift_id \
         JOIN sites s ON s.id = sh.site_id \
         WHERE a.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let checks = of(pool, row.assignment_id()).await?;
    row.into_context(checks).map(Some)
}

/// Adds the volunteer's reason to their check event stored under `client_key`.
pub async fn explain(
    pool: &Pool,
    client_key: &str,
    volunteer: VolunteerId,
    reason: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE check_events SET outside_reason = $3 WHERE client_key = $1 \
         AND assignment_id IN (SELECT id FROM assignments WHERE volunteer_id = $2)",
    )
    .bind(client_key)
    .bind(volunteer.0)
    .bind(reason)
    .execute(pool)
    .await?;
    exactly_one(done.rows_affected())
}

/// Assignments checked in, not out, whose shift ended before `ended_before`, with the window
/// and the first check-in in force.
pub async fn forgotten_check_outs(
    pool: &Pool,
    ended_before: i64,
) -> Result<Vec<(AssignmentId, ShiftWindow, i64)>> {
    let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.id, sh.starts_at, sh.ends_at, MIN(ci.made_at) FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id \
         JOIN check_events ci ON ci.assignment_id = a.id AND ci.kind = 'in' \
         AND ci.superseded_at IS NULL \
         WHERE sh.ends_at < $1 AND NOT EXISTS \
         (SELECT 1 FROM check_events co WHERE co.assignment_id = a.id AND co.kind = 'out' \
          AND co.superseded_at IS NULL) \
         GROUP BY a.id, sh.starts_at, sh.ends_at ORDER BY a.id LIMIT 1000",
    )
    .bind(ended_before)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, s, e, first_in)| Ok((AssignmentId(id), window(s, e)?, first_in)))
        .collect()
}

/// Assignments checked out without a service record, with both events in force.
pub async fn outs_without_hours(pool: &Pool) -> Result<Vec<UnrecordedService>> {
    let rows: Vec<WindowedCheckRow> = sqlx::query_as(&format!(
        "SELECT {CHECK_COLUMNS}, sh.starts_at, sh.ends_at FROM check_events c \
         JOIN assignments a ON a.id = c.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
         WHERE c.superseded_at IS NULL AND a.id IN \
         (SELECT co.assignment_id FROM check_events co \
         WHERE co.kind = 'out' AND co.superseded_at IS NULL AND NOT EXISTS \
         (SELECT 1 FROM service_records r WHERE r.assignment_id = co.assignment_id) \
         ORDER BY co.assignment_id LIMIT 1000) \
         ORDER BY c.assignment_id, c.kind"
    ))
    .fetch_all(pool)
    .await?;
    let mut out = Vec::new();
    let mut check_in: Option<CheckEvent> = None;
    for row in rows {
        let (starts_at, ends_at) = (row.starts_at, row.ends_at);
        let event = CheckEvent::try_from(row.check)?;
        match event.kind {
            // 'in' sorts before 'out' within an assignment.
            CheckKind::In => check_in = Some(event),
            CheckKind::Out => {
                let Some(ci) = check_in
                    .take()
                    .filter(|c| c.assignment_id == event.assignment_id)
                else {
                    continue;
                };
                out.push(UnrecordedService {
                    assignment_id: event.assignment_id,
                    window: window(starts_at, ends_at)?,
                    check_in: ci,
                    check_out: event,
                });
            }
        }
    }
    Ok(out)
}

/// Rounds the positions of check events made before `made_before` to three decimals and
/// drops their accuracy, once.
pub async fn coarsen_positions(pool: &Pool, made_before: i64) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE check_events SET lat = ROUND(lat * 1000) / 1000, \
         lon = ROUND(lon * 1000) / 1000, accuracy_m = NULL, position_coarsened = TRUE \
         WHERE made_at < $1 AND NOT position_coarsened AND lat IS NOT NULL",
    )
    .bind(made_before)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Signed-up assignments without any check event on live shifts that ended before
/// `ended_before` become no-shows.
pub async fn mark_no_shows(pool: &Pool, ended_before: i64) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE assignments SET outcome = 'no_show' WHERE state = 'signed_up' \
         AND outcome IS NULL AND shift_id IN \
         (SELECT id FROM shifts WHERE ends_at < $1 AND cancelled_at IS NULL) \
         AND NOT EXISTS \
         (SELECT 1 FROM check_events c WHERE c.assignment_id = assignments.id)",
    )
    .bind(ended_before)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}
