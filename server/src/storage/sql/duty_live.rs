//! A running period as it stands: the shifts under way with who is in, and its turnout.

use super::Pool;
use crate::storage::error::Result;
use domain::duty_period::grid::CellAt;
use domain::duty_period::port::DutyPeriodId;
use domain::{ShiftId, SiteId, VolunteerId};

/// The period's shifts under way at `$2`, or else the next to begin: `cur(id)`.
const CURRENT_SHIFTS: &str = "WITH cur(id) AS (SELECT sh.id FROM shifts sh \
     WHERE sh.duty_period_id = $1 AND sh.cancelled_at IS NULL AND sh.starts_at = (SELECT COALESCE(\
     (SELECT MAX(x.starts_at) FROM shifts x WHERE x.duty_period_id = $1 \
      AND x.cancelled_at IS NULL AND x.starts_at <= $2 AND x.ends_at > $2), \
     (SELECT MIN(x.starts_at) FROM shifts x WHERE x.duty_period_id = $1 \
      AND x.cancelled_at IS NULL AND x.starts_at > $2)))) ";

/// Shift, site, its name and position, window, the cell's minimum, placed, on site, left early.
type LiveRow = (i64, i64, String, f64, f64, i64, i64, i64, i64, i64, i64);

pub async fn live_shifts(
    pool: &Pool,
    id: DutyPeriodId,
    now: i64,
    grace_ms: i64,
) -> Result<Vec<domain::duty_period::live::LiveShift>> {
    let rows: Vec<LiveRow> = sqlx::query_as(&format!(
        "{CURRENT_SHIFTS} SELECT sh.id, s.id, s.name, s.lat, s.lon, sh.starts_at, sh.ends_at, \
         c.min_count, \
         (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = sh.id AND a.state = 'signed_up'), \
         (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = sh.id AND a.state = 'signed_up' \
          AND EXISTS (SELECT 1 FROM check_events e WHERE e.assignment_id = a.id \
                      AND e.kind = 'in' AND e.superseded_at IS NULL) \
          AND NOT EXISTS (SELECT 1 FROM check_events e WHERE e.assignment_id = a.id \
                      AND e.kind = 'out' AND e.superseded_at IS NULL)), \
         (SELECT COUNT(*) FROM assignments a JOIN check_events e ON e.assignment_id = a.id \
          AND e.kind = 'out' AND e.superseded_at IS NULL \
          WHERE a.shift_id = sh.id AND a.state = 'signed_up' AND e.made_at < sh.ends_at - $3) \
         FROM cur JOIN shifts sh ON sh.id = cur.id JOIN sites s ON s.id = sh.site_id \
         JOIN duty_cells c ON c.shift_id = sh.id ORDER BY s.name, s.id"
    ))
    .bind(id.0)
    .bind(now)
    .bind(grace_ms)
    .fetch_all(pool)
    .await?;
    let missing: Vec<(i64, i64, String)> = sqlx::query_as(&format!(
        "{CURRENT_SHIFTS} SELECT a.shift_id, v.id, v.name FROM cur \
         JOIN assignments a ON a.shift_id = cur.id AND a.state = 'signed_up' \
         JOIN volunteers v ON v.id = a.volunteer_id \
         WHERE NOT EXISTS (SELECT 1 FROM check_events e WHERE e.assignment_id = a.id \
                           AND e.kind = 'in' AND e.superseded_at IS NULL) \
         ORDER BY a.shift_id, v.name, v.id"
    ))
    .bind(id.0)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(shift, site, name, lat, lon, starts_at, ends_at, needed, placed, on_site, early)| {
                domain::duty_period::live::LiveShift {
                    shift: ShiftId(shift),
                    site: SiteId(site),
                    site_name: name,
                    lat,
                    lon,
                    starts_at,
                    ends_at,
                    needed: needed as u32,
                    placed: placed as u32,
                    on_site: on_site as u32,
                    left_early: early as u32,
                    not_in: missing
                        .iter()
                        .filter(|m| m.0 == shift)
                        .map(|m| (VolunteerId(m.1), m.2.clone()))
                        .collect(),
                }
            },
        )
        .collect())
}

/// Site, day, slot, minimum, placed, came, late, no-shows, minutes credited.
type TurnoutRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64);

pub async fn turnout(
    pool: &Pool,
    id: DutyPeriodId,
    grace_ms: i64,
) -> Result<Vec<domain::duty_period::turnout::CellTurnout>> {
    let rows: Vec<TurnoutRow> = sqlx::query_as(
        "SELECT c.site_id, c.day, c.slot, c.min_count, \
         (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = sh.id AND a.state = 'signed_up'), \
         (SELECT COUNT(*) FROM assignments a JOIN check_events e ON e.assignment_id = a.id \
          AND e.kind = 'in' AND e.superseded_at IS NULL \
          WHERE a.shift_id = sh.id AND a.state = 'signed_up'), \
         (SELECT COUNT(*) FROM assignments a JOIN check_events e ON e.assignment_id = a.id \
          AND e.kind = 'in' AND e.superseded_at IS NULL \
          WHERE a.shift_id = sh.id AND a.state = 'signed_up' AND e.made_at > sh.starts_at + $2), \
         (SELECT COUNT(*) FROM assignments a WHERE a.shift_id = sh.id AND a.outcome = 'no_show'), \
         CAST(COALESCE((SELECT SUM(l.minutes) FROM hours_ledger l \
          JOIN assignments a ON a.id = l.assignment_id WHERE a.shift_id = sh.id), 0) AS BIGINT) \
         FROM duty_cells c JOIN shifts sh ON sh.id = c.shift_id \
         WHERE c.duty_period_id = $1 AND sh.cancelled_at IS NULL ORDER BY c.day, c.slot, c.site_id",
    )
    .bind(id.0)
    .bind(grace_ms)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(site, day, slot, min, placed, came, late, no_shows, minutes)| {
                domain::duty_period::turnout::CellTurnout {
                    at: CellAt {
                        site: SiteId(site),
                        day: day as u16,
                        slot: slot as u16,
                    },
                    min: min as u32,
                    placed: placed as u32,
                    came: came as u32,
                    late: late as u32,
                    no_shows: no_shows as u32,
                    minutes,
                }
            },
        )
        .collect())
}
