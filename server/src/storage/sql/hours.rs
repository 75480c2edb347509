//! Service records and the append-only hours ledger: hours opened by a check-out, decided by
//! a leader (or the clock), credited as ledger rows, and the sums a volunteer reads.
//!
//! Sums are cast to `BIGINT`, which both databases read the same way (PostgreSQL's
//! `SUM(bigint)` would otherwise be `numeric`).

use super::{checks, Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::{corrupt, count, Error, Result};
use crate::storage::rows::{service, ServiceToDecideRow, CHECK_COLUMNS, SHIFT_COLUMNS};
use domain::{
    AreaId, AssignmentId, Decision, HoursLine, HoursSummary, ServiceState, ServiceToDecide,
    StorageError, VolunteerId,
};

/// Opens the pending service record of a checked-out assignment and marks it served; `false`
/// when it was open already.
pub async fn open_service(
    conn: &mut Conn,
    id: AssignmentId,
    minutes: u32,
    flagged: Option<&str>,
    now: i64,
) -> Result<bool> {
    let opened = sqlx::query(
        "INSERT INTO service_records (assignment_id, minutes, state, flagged, created_at) \
         VALUES ($1, $2, 'pending', $3, $4) ON CONFLICT (assignment_id) DO NOTHING",
    )
    .bind(id.0)
    .bind(i64::from(minutes))
    .bind(flagged)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE assignments SET outcome = 'served' WHERE id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    Ok(opened.rows_affected() == 1)
}

/// An assignment's service record: minutes claimed and its state.
pub async fn service_of(pool: &Pool, id: AssignmentId) -> Result<Option<(u32, ServiceState)>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT minutes, state FROM service_records WHERE assignment_id = $1")
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(service).transpose()
}

/// Pending and disputed records on shifts at sites in `area`'s subtree, oldest first, each
/// with its check events.
pub async fn to_decide(pool: &Pool, area: AreaId) -> Result<Vec<ServiceToDecide>> {
    let rows: Vec<ServiceToDecideRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT {SHIFT_COLUMNS}, a.id AS a_id, v.id AS v_id, v.name AS v_name, \
         r.minutes AS r_minutes, r.state AS r_state, r.flagged, r.created_at AS r_created_at \
         FROM shifts sh JOIN sites s ON s.id = sh.site_id JOIN sub ON s.area_id = sub.id \
         JOIN assignments a ON a.shift_id = sh.id \
         JOIN service_records r ON r.assignment_id = a.id \
         JOIN volunteers v ON v.id = a.volunteer_id \
         WHERE r.state IN ('pending', 'disputed') ORDER BY r.created_at, a.id LIMIT 200"
    ))
    .bind(area.0)
    .fetch_all(pool)
    .await?;
    let mut checks_of = checks::by_assignment(
        sqlx::query_as(&format!(
            "{SUBTREE_OF_1} SELECT {CHECK_COLUMNS} FROM check_events c \
             JOIN service_records r ON r.assignment_id = c.assignment_id \
             JOIN assignments a ON a.id = c.assignment_id \
             JOIN shifts sh ON sh.id = a.shift_id \
             JOIN sites s ON s.id = sh.site_id JOIN sub ON s.area_id = sub.id \
             WHERE r.state IN ('pending', 'disputed') ORDER BY c.made_at, c.id"
        ))
        .bind(area.0)
        .fetch_all(pool)
        .await?,
    )?;
    rows.into_iter()
        .map(|row| {
            let checks = checks_of.remove(&row.assignment_id()).unwrap_or_default();
            row.into_service(checks)
        })
        .collect()
}

/// Decides a pending (or, for a leader, disputed) record and writes the ledger rows a
/// confirmation credits. A record decided meanwhile changed meanwhile.
pub async fn decide(
    conn: &mut Conn,
    id: AssignmentId,
    decision: &Decision,
    by: Option<VolunteerId>,
    now: i64,
) -> Result<()> {
    // The state test in the UPDATE refuses a second confirmation (two leaders at once), so
    // hours are credited once; disputed hours stay open to a leader's confirmation or dispute.
    let (state, reason) = match decision {
        Decision::Confirm { reason, .. } => ("confirmed", reason.as_deref()),
        Decision::Dispute { reason } => ("disputed", Some(reason.as_str())),
    };
    // A leader may confirm hours they disputed; the clock (no `by`) only ever
    // confirms hours still pending, never over a leader's dispute.
    let decided = sqlx::query(
        "UPDATE service_records SET state = $2, decided_by = $3, decided_at = $4, \
         decision_reason = $5 WHERE assignment_id = $1 \
         AND (state = 'pending' OR (state = 'disputed' AND $6))",
    )
    .bind(id.0)
    .bind(state)
    .bind(by.map(|v| v.0))
    .bind(now)
    .bind(reason)
    .bind(by.is_some())
    .execute(&mut *conn)
    .await?;
    if decided.rows_affected() != 1 {
        return Err(Error(StorageError::ChangedMeanwhile));
    }
    let Decision::Confirm { minutes, reason } = decision else {
        return Ok(());
    };
    let (claimed, volunteer, starts_at): (i64, i64, i64) = sqlx::query_as(
        "SELECT r.minutes, a.volunteer_id, sh.starts_at FROM service_records r \
         JOIN assignments a ON a.id = r.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
         WHERE r.assignment_id = $1",
    )
    .bind(id.0)
    .fetch_one(&mut *conn)
    .await?;
    let served_on = domain::duty::local_date(starts_at);
    let claimed = u32::try_from(claimed).map_err(|_| corrupt("service_records.minutes"))?;
    let mut rows = vec![(i64::from(claimed), "credit", None)];
    let delta = domain::duty::hours::correction(claimed, *minutes);
    if delta != 0 {
        rows.push((delta, "correction", reason.as_deref()));
    }
    for (m, kind, why) in rows {
        sqlx::query(
            "INSERT INTO hours_ledger (volunteer_id, assignment_id, minutes, kind, \
             reason, recorded_by, recorded_at, served_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(volunteer)
        .bind(id.0)
        .bind(m)
        .bind(kind)
        .bind(why)
        .bind(by.map(|v| v.0))
        .bind(now)
        .bind(served_on)
        .execute(&mut *conn)
        .await?;
    }
    // Duty in a sensitive period also earns its credit, beside the hours and in the same
    // transaction; the multiplier is the one the period was created with.
    sqlx::query(
        "INSERT INTO duty_credits (volunteer_id, assignment_id, duty_period_id, served_minutes, \
         multiplier_bp, credit_minutes, recorded_at, served_on) \
         SELECT $1, $2, p.id, $3, p.credit_bp, $3 * p.credit_bp / 10000, $4, $5 \
         FROM assignments a JOIN shifts sh ON sh.id = a.shift_id \
         JOIN duty_periods p ON p.id = sh.duty_period_id WHERE a.id = $2",
    )
    .bind(volunteer)
    .bind(id.0)
    .bind(i64::from(*minutes))
    .bind(now)
    .bind(served_on)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn summary(
    pool: &Pool,
    volunteer: VolunteerId,
    year_start: chrono::NaiveDate,
) -> Result<HoursSummary> {
    let (credited, this_year, pending, duty_credit): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT \
         CAST(COALESCE((SELECT SUM(minutes) FROM hours_ledger WHERE volunteer_id = $1), 0) \
         AS BIGINT), \
         CAST(COALESCE((SELECT SUM(minutes) FROM hours_ledger WHERE volunteer_id = $1 \
         AND served_on >= $2), 0) AS BIGINT), \
         CAST(COALESCE((SELECT SUM(r.minutes) FROM service_records r \
         JOIN assignments a ON a.id = r.assignment_id \
         WHERE a.volunteer_id = $1 AND r.state = 'pending'), 0) AS BIGINT), \
         CAST(COALESCE((SELECT SUM(credit_minutes) FROM duty_credits WHERE volunteer_id = $1), 0) \
         AS BIGINT)",
    )
    .bind(volunteer.0)
    .bind(year_start)
    .fetch_one(pool)
    .await?;
    Ok(HoursSummary {
        credited_minutes: credited,
        pending_minutes: pending,
        this_year_minutes: this_year,
        duty_credit_minutes: duty_credit,
    })
}

/// Ledger rows and uncredited records, newest first, up to `limit` in all.
pub async fn history(pool: &Pool, volunteer: VolunteerId, limit: u32) -> Result<Vec<HoursLine>> {
    type LedgerRow = (
        chrono::NaiveDate,
        Option<String>,
        i64,
        String,
        Option<String>,
    );
    let ledger: Vec<LedgerRow> = sqlx::query_as(
        "SELECT l.served_on, s.name, l.minutes, l.kind, l.reason FROM hours_ledger l \
         LEFT JOIN assignments a ON a.id = l.assignment_id \
         LEFT JOIN shifts sh ON sh.id = a.shift_id \
         LEFT JOIN sites s ON s.id = sh.site_id WHERE l.volunteer_id = $1 \
         ORDER BY l.served_on DESC, l.id DESC LIMIT $2",
    )
    .bind(volunteer.0)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let open: Vec<(i64, String, i64, String, Option<String>)> = sqlx::query_as(
        "SELECT sh.starts_at, s.name, r.minutes, r.state, r.decision_reason \
         FROM service_records r \
         JOIN assignments a ON a.id = r.assignment_id JOIN shifts sh ON sh.id = a.shift_id \
         JOIN sites s ON s.id = sh.site_id \
         WHERE a.volunteer_id = $1 AND r.state IN ('pending', 'disputed') \
         ORDER BY sh.starts_at DESC LIMIT $2",
    )
    .bind(volunteer.0)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let open = open
        .into_iter()
        .map(|(at, site, minutes, state, reason)| HoursLine {
            served_on: domain::duty::local_date(at).to_string(),
            site_name: site,
            minutes,
            kind: state,
            reason,
        });
    let credited = ledger
        .into_iter()
        .map(|(on, site, minutes, kind, reason)| HoursLine {
            served_on: on.to_string(),
            site_name: site.unwrap_or_default(),
            minutes,
            kind,
            reason,
        });
    let mut lines: Vec<HoursLine> = open.chain(credited).collect();
    // Newest first; a stable sort keeps uncredited records above same-day credits.
    lines.sort_by(|a, b| b.served_on.cmp(&a.served_on));
    lines.truncate(limit as usize);
    Ok(lines)
}

/// Every ledger row's minutes for the volunteer, in the order they were written.
pub async fn ledger_minutes(pool: &Pool, volunteer: VolunteerId) -> Result<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT minutes FROM hours_ledger WHERE volunteer_id = $1 ORDER BY id")
            .bind(volunteer.0)
            .fetch_all(pool)
            .await?,
    )
}

/// Pending records created before `created_before`, oldest first.
pub async fn pending_before(pool: &Pool, created_before: i64) -> Result<Vec<(AssignmentId, u32)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT assignment_id, minutes FROM service_records \
         WHERE state = 'pending' AND created_at < $1 ORDER BY created_at LIMIT 1000",
    )
    .bind(created_before)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, m)| Ok((AssignmentId(id), count(m)?)))
        .collect()
}
