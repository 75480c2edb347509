//! Shifts and the people on them: planning and cancelling, signing up (serialised per shift)
//! with the waitlist behind it, and the lists a volunteer and a leader read.

use super::{checks, Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::{exactly_one, Result};
use crate::storage::rows::{
    assignment_state, convert, window, AssignmentRow, MyShiftRow, ShiftPersonRow, ShiftRow,
    ASSIGNMENT_COLUMNS, CHECK_COLUMNS, SHIFT_COLUMNS,
};
use domain::{
    AreaId, Assignment, AssignmentId, AssignmentState, MyShift, NewShift, Shift, ShiftId,
    ShiftPerson, ShiftWindow, SignUpOutcome, VolunteerId,
};

pub async fn insert(conn: &mut Conn, s: &NewShift) -> Result<ShiftId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO shifts (site_id, starts_at, ends_at, headcount, leaders_needed, \
         notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(s.site_id.0)
    .bind(s.window.starts_at)
    .bind(s.window.ends_at)
    .bind(i64::from(s.headcount))
    .bind(i64::from(s.leaders_needed))
    .bind(s.notes.as_str())
    .bind(s.created_by.map(|v| v.0))
    .bind(s.created_at)
    .fetch_one(conn)
    .await?;
    Ok(ShiftId(id))
}

pub async fn get(pool: &Pool, id: ShiftId) -> Result<Option<Shift>> {
    let row: Option<ShiftRow> = sqlx::query_as(&format!(
        "SELECT {SHIFT_COLUMNS} FROM shifts sh JOIN sites s ON s.id = sh.site_id WHERE sh.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    row.map(Shift::try_from).transpose()
}

/// Shifts at sites in `area`'s subtree overlapping [`from`, `to`), cancelled ones too, soonest
/// first.
pub async fn in_subtree(pool: &Pool, area: AreaId, from: i64, to: i64) -> Result<Vec<Shift>> {
    let rows: Vec<ShiftRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT {SHIFT_COLUMNS} FROM shifts sh JOIN sites s ON s.id = sh.site_id \
         JOIN sub ON s.area_id = sub.id WHERE sh.ends_at > $2 AND sh.starts_at < $3 \
         ORDER BY sh.starts_at, sh.id"
    ))
    .bind(area.0)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    convert(rows)
}

/// Marks a live shift cancelled; one cancelled already, or none, is a missing reference.
pub async fn cancel(conn: &mut Conn, id: ShiftId, reason: &str, now: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE shifts SET cancelled_at = $2, cancel_reason = $3 \
         WHERE id = $1 AND cancelled_at IS NULL",
    )
    .bind(id.0)
    .bind(now)
    .bind(reason)
    .execute(conn)
    .await?;
    exactly_one(done.rows_affected())
}

/// The volunteer's live assignments overlapping [`from`, `to`), as shift and window.
pub async fn duty_windows(
    pool: &Pool,
    volunteer: VolunteerId,
    from: i64,
    to: i64,
) -> Result<Vec<(ShiftId, ShiftWindow)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT sh.id, sh.starts_at, sh.ends_at FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id \
         WHERE a.volunteer_id = $1 AND a.state IN ('signed_up', 'waitlisted') \
         AND sh.cancelled_at IS NULL AND sh.ends_at > $2 AND sh.starts_at < $3 \
         ORDER BY sh.starts_at",
    )
    .bind(volunteer.0)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, s, e)| Ok((ShiftId(id), window(s, e)?)))
        .collect()
}

/// Signs up for a live shift: on the roster while it has room, otherwise on the waitlist.
pub async fn sign_up(
    conn: &mut Conn,
    shift: ShiftId,
    volunteer: VolunteerId,
    as_leader: bool,
    now: i64,
) -> Result<SignUpOutcome> {
    // Writing the shift row first takes its lock (PostgreSQL: the row; SQLite: the
    // database) before anything is read, so counting and inserting see one state.
    let live = sqlx::query(
        "UPDATE shifts SET headcount = headcount WHERE id = $1 AND cancelled_at IS NULL",
    )
    .bind(shift.0)
    .execute(&mut *conn)
    .await?;
    exactly_one(live.rows_affected())?;
    let (taken, headcount): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM assignments WHERE shift_id = $1 AND state = 'signed_up' \
         AND volunteer_id <> $2), headcount FROM shifts WHERE id = $1",
    )
    .bind(shift.0)
    .bind(volunteer.0)
    .fetch_one(&mut *conn)
    .await?;
    let state = if taken < headcount {
        AssignmentState::SignedUp
    } else {
        AssignmentState::Waitlisted
    };
    // A cancelled sign-up may be renewed; a live one stays as it is.
    let fresh: Option<(i64, String)> = sqlx::query_as(
        "INSERT INTO assignments (shift_id, volunteer_id, state, as_leader, signed_up_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (shift_id, volunteer_id) DO UPDATE \
         SET state = excluded.state, as_leader = excluded.as_leader, \
         signed_up_at = excluded.signed_up_at, cancelled_at = NULL \
         WHERE assignments.state = 'cancelled' RETURNING id, state",
    )
    .bind(shift.0)
    .bind(volunteer.0)
    .bind(state.as_str())
    .bind(as_leader)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let (id, state) = match fresh {
        Some(row) => row,
        None => {
            sqlx::query_as(
                "SELECT id, state FROM assignments WHERE shift_id = $1 AND volunteer_id = $2",
            )
            .bind(shift.0)
            .bind(volunteer.0)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    let id = AssignmentId(id);
    Ok(match assignment_state(&state)? {
        AssignmentState::Waitlisted => SignUpOutcome::Waitlisted(id),
        _ => SignUpOutcome::SignedUp(id),
    })
}

/// Cancels a sign-up; if it held a place, the earliest on the waitlist takes it. Returns who
/// was promoted; a sign-up cancelled already changes nothing.
pub async fn cancel_sign_up(
    conn: &mut Conn,
    id: AssignmentId,
    now: i64,
) -> Result<Option<VolunteerId>> {
    let locked = sqlx::query(
        "UPDATE shifts SET headcount = headcount \
         WHERE id = (SELECT shift_id FROM assignments WHERE id = $1)",
    )
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    exactly_one(locked.rows_affected())?;
    let (shift, state): (i64, String) =
        sqlx::query_as("SELECT shift_id, state FROM assignments WHERE id = $1")
            .bind(id.0)
            .fetch_one(&mut *conn)
            .await?;
    if state == "cancelled" {
        return Ok(None);
    }
    sqlx::query("UPDATE assignments SET state = 'cancelled', cancelled_at = $2 WHERE id = $1")
        .bind(id.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    if state != "signed_up" {
        return Ok(None);
    }
    let next: Option<(i64, i64)> = sqlx::query_as(
        "SELECT id, volunteer_id FROM assignments WHERE shift_id = $1 AND state = 'waitlisted' \
         ORDER BY signed_up_at, id LIMIT 1",
    )
    .bind(shift)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((next_id, who)) = next else {
        return Ok(None);
    };
    sqlx::query("UPDATE assignments SET state = 'signed_up' WHERE id = $1")
        .bind(next_id)
        .execute(&mut *conn)
        .await?;
    Ok(Some(VolunteerId(who)))
}

pub async fn assignment(pool: &Pool, id: AssignmentId) -> Result<Option<Assignment>> {
    let row: Option<AssignmentRow> = sqlx::query_as(&format!(
        "SELECT {ASSIGNMENT_COLUMNS} FROM assignments a WHERE a.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    row.map(Assignment::try_from).transpose()
}

/// The volunteer's assignments on shifts ending after `from`, soonest first, each with its
/// check events and service record.
pub async fn my_shifts(pool: &Pool, volunteer: VolunteerId, from: i64) -> Result<Vec<MyShift>> {
    let rows: Vec<MyShiftRow> = sqlx::query_as(&format!(
        "SELECT {SHIFT_COLUMNS}, {ASSIGNMENT_COLUMNS}, r.minutes AS r_minutes, \
         r.state AS r_state \
         FROM shifts sh JOIN sites s ON s.id = sh.site_id \
         JOIN assignments a ON a.shift_id = sh.id \
         LEFT JOIN service_records r ON r.assignment_id = a.id \
         WHERE a.volunteer_id = $1 AND sh.ends_at > $2 AND a.state <> 'cancelled' \
         ORDER BY sh.starts_at, sh.id"
    ))
    .bind(volunteer.0)
    .bind(from)
    .fetch_all(pool)
    .await?;
    // The check events of all those assignments in one query, not one per shift.
    let mut checks_of = checks::by_assignment(
        sqlx::query_as(&format!(
            "SELECT {CHECK_COLUMNS} FROM check_events c \
             JOIN assignments a ON a.id = c.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
             WHERE a.volunteer_id = $1 AND sh.ends_at > $2 AND a.state <> 'cancelled' \
             ORDER BY c.made_at, c.id"
        ))
        .bind(volunteer.0)
        .bind(from)
        .fetch_all(pool)
        .await?,
    )?;
    rows.into_iter()
        .map(|row| {
            let checks = checks_of.remove(&row.assignment_id()).unwrap_or_default();
            row.into_my_shift(&checks)
        })
        .collect()
}

/// The people signed up or waitlisted for a shift, with their check events, leaders first,
/// then in the order they signed up.
pub async fn people(pool: &Pool, shift: ShiftId) -> Result<Vec<ShiftPerson>> {
    let rows: Vec<ShiftPersonRow> = sqlx::query_as(&format!(
        "SELECT {ASSIGNMENT_COLUMNS}, v.name AS v_name, v.vest_no AS v_vest, \
         v.phone AS v_phone \
         FROM assignments a JOIN volunteers v ON v.id = a.volunteer_id \
         WHERE a.shift_id = $1 AND a.state <> 'cancelled' \
         ORDER BY a.as_leader DESC, a.signed_up_at, a.id"
    ))
    .bind(shift.0)
    .fetch_all(pool)
    .await?;
    let mut checks_of = checks::by_assignment(
        sqlx::query_as(&format!(
            "SELECT {CHECK_COLUMNS} FROM check_events c \
             JOIN assignments a ON a.id = c.assignment_id \
             WHERE a.shift_id = $1 AND a.state <> 'cancelled' ORDER BY c.made_at, c.id"
        ))
        .bind(shift.0)
        .fetch_all(pool)
        .await?,
    )?;
    rows.into_iter()
        .map(|row| {
            let checks = checks_of.remove(&row.assignment_id()).unwrap_or_default();
            row.into_person(checks)
        })
        .collect()
}
