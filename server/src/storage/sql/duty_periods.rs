//! Duty periods: the period with its slots and sites, the demand grid and the status steps.
//! Its people and roster are in `duty_roster`, how it stands now in `duty_live`.

use super::{begin, commit_with_audit, notices, Pool, Tx, SUBTREE_OF_1};
use crate::storage::error::{corrupt, Result};
use chrono::NaiveDate;
use domain::duty_period::grid::{CellAt, CellNeed, Slot, SlotSet};
use domain::duty_period::period::{Briefing, DutyLevel, PeriodDraft, PeriodStatus};
use domain::duty_period::port::{DutyPeriod, DutyPeriodId, NewPeriod, PeriodSite, PeriodSummary};
use domain::notify::{Notice, NoticeKind, Subject};
use domain::{AreaId, AuditEntry, SiteId, StorageError, VolunteerId};
use std::collections::BTreeMap;

pub async fn create(pool: &Pool, p: &NewPeriod, audit: &AuditEntry) -> Result<DutyPeriodId> {
    let mut tx = begin(pool).await?;
    let d = &p.draft;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO duty_periods (area_id, name, level, starts_on, ends_on, created_by, \
         created_at, status, assembly, dress, notes, copied_from, credit_bp) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(p.area_id.0)
    .bind(&d.name)
    .bind(i64::from(d.level.number()))
    .bind(d.starts_on)
    .bind(d.ends_on)
    .bind(p.created_by.0)
    .bind(p.created_at)
    .bind(&d.briefing.assembly)
    .bind(&d.briefing.dress)
    .bind(&d.briefing.notes)
    .bind(p.copied_from.map(|c| c.0))
    .bind(i64::from(p.credit_bp))
    .fetch_one(&mut *tx)
    .await?;
    for (ordinal, slot) in p.slots.slots().iter().enumerate() {
        sqlx::query(
            "INSERT INTO duty_period_slots (duty_period_id, ordinal, start_min, end_min) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(ordinal as i64)
        .bind(i64::from(slot.start))
        .bind(i64::from(slot.end))
        .execute(&mut *tx)
        .await?;
    }
    for site in &p.sites {
        sqlx::query("INSERT INTO duty_period_sites (duty_period_id, site_id) VALUES ($1, $2)")
            .bind(id)
            .bind(site.0)
            .execute(&mut *tx)
            .await?;
    }
    if let Some(from) = p.copied_from {
        // The old cells on the same day numbers, for the sites both periods have and the days
        // and slots the new one has.
        sqlx::query(
            "INSERT INTO duty_cells (duty_period_id, site_id, day, slot, min_count, target_count, \
             leaders, skill) SELECT $1, c.site_id, c.day, c.slot, c.min_count, c.target_count, \
             c.leaders, c.skill FROM duty_cells c \
             JOIN duty_period_sites ps ON ps.duty_period_id = $1 AND ps.site_id = c.site_id \
             WHERE c.duty_period_id = $2 AND c.day < $3 AND c.slot < $4",
        )
        .bind(id)
        .bind(from.0)
        .bind(i64::from(d.days()))
        .bind(p.slots.len() as i64)
        .execute(&mut *tx)
        .await?;
    }
    let mut audit = audit.clone();
    audit.entity_id = Some(id);
    commit_with_audit(tx, &audit).await?;
    Ok(DutyPeriodId(id))
}

type PeriodRow = (
    i64,
    i64,
    String,
    String,
    i64,
    NaiveDate,
    NaiveDate,
    String,
    String,
    String,
    String,
    Option<i64>,
);

const PERIOD_COLUMNS: &str = "p.id, p.area_id, a.name, p.name, p.level, p.starts_on, p.ends_on, \
     p.status, p.assembly, p.dress, p.notes, p.copied_from";

pub async fn get(pool: &Pool, id: DutyPeriodId) -> Result<Option<DutyPeriod>> {
    let row: Option<PeriodRow> = sqlx::query_as(&format!(
        "SELECT {PERIOD_COLUMNS} FROM duty_periods p JOIN areas a ON a.id = p.area_id \
         WHERE p.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    let Some((
        id,
        area,
        area_name,
        name,
        level,
        starts_on,
        ends_on,
        status,
        assembly,
        dress,
        notes,
        copied,
    )) = row
    else {
        return Ok(None);
    };
    let slots: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT start_min, end_min FROM duty_period_slots WHERE duty_period_id = $1 ORDER BY ordinal",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let slots = SlotSet::new(
        slots
            .into_iter()
            .map(|(s, e)| Slot {
                start: s as u16,
                end: e as u16,
            })
            .collect(),
    )
    .map_err(|_| corrupt("duty_period_slots"))?;
    let sites: Vec<(i64, String, i64, f64, f64)> = sqlx::query_as(
        "SELECT s.id, s.name, s.area_id, s.lat, s.lon FROM duty_period_sites ps \
         JOIN sites s ON s.id = ps.site_id WHERE ps.duty_period_id = $1 ORDER BY s.name, s.id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Some(DutyPeriod {
        id: DutyPeriodId(id),
        area_id: AreaId(area),
        area_name,
        draft: PeriodDraft {
            name,
            level: DutyLevel::from_number(level).ok_or_else(|| corrupt("duty_periods.level"))?,
            starts_on,
            ends_on,
            briefing: Briefing {
                assembly,
                dress,
                notes,
            },
        },
        status: PeriodStatus::parse(&status).ok_or_else(|| corrupt("duty_periods.status"))?,
        slots,
        sites: sites
            .into_iter()
            .map(|(id, name, area, lat, lon)| PeriodSite {
                id: SiteId(id),
                name,
                area_id: AreaId(area),
                lat,
                lon,
            })
            .collect(),
        copied_from: copied.map(DutyPeriodId),
    }))
}

type SummaryRow = (
    i64,
    i64,
    String,
    String,
    i64,
    NaiveDate,
    NaiveDate,
    String,
    i64,
    i64,
);

const SUMMARY_COLUMNS: &str = "p.id, p.area_id, a.name, p.name, p.level, p.starts_on, p.ends_on, \
     p.status, (SELECT COUNT(*) FROM duty_period_sites ps WHERE ps.duty_period_id = p.id), \
     CAST(COALESCE((SELECT SUM(c.min_count) FROM duty_cells c WHERE c.duty_period_id = p.id), 0) \
     AS BIGINT)";

fn summaries(rows: Vec<SummaryRow>) -> Result<Vec<PeriodSummary>> {
    rows.into_iter()
        .map(
            |(id, area, area_name, name, level, starts_on, ends_on, status, sites, places)| {
                Ok(PeriodSummary {
                    id: DutyPeriodId(id),
                    area_id: AreaId(area),
                    area_name,
                    name,
                    level: DutyLevel::from_number(level)
                        .ok_or_else(|| corrupt("duty_periods.level"))?,
                    starts_on,
                    ends_on,
                    status: PeriodStatus::parse(&status)
                        .ok_or_else(|| corrupt("duty_periods.status"))?,
                    sites: sites as u32,
                    min_places: places as u32,
                })
            },
        )
        .collect()
}

pub async fn in_subtree(pool: &Pool, area: AreaId) -> Result<Vec<PeriodSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT {SUMMARY_COLUMNS} FROM duty_periods p \
         JOIN areas a ON a.id = p.area_id JOIN sub ON sub.id = p.area_id \
         ORDER BY p.starts_on DESC, p.id DESC LIMIT 200"
    ))
    .bind(area.0)
    .fetch_all(pool)
    .await?;
    summaries(rows)
}

/// The areas above and including the volunteer's home: a period of any of them is theirs.
const HOME_AND_ABOVE_OF_1: &str = "WITH RECURSIVE up(id, parent_id) AS (\
     SELECT a.id, a.parent_id FROM areas a JOIN volunteers v ON v.home_area_id = a.id \
     WHERE v.id = $1 UNION ALL SELECT a.id, a.parent_id FROM areas a JOIN up ON a.id = up.parent_id) ";

pub async fn for_volunteer(pool: &Pool, who: VolunteerId) -> Result<Vec<PeriodSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{HOME_AND_ABOVE_OF_1} SELECT {SUMMARY_COLUMNS} FROM duty_periods p \
         JOIN areas a ON a.id = p.area_id JOIN up ON up.id = p.area_id \
         WHERE p.status IN ('published', 'running') ORDER BY p.starts_on, p.id"
    ))
    .bind(who.0)
    .fetch_all(pool)
    .await?;
    summaries(rows)
}

/// Site, day, slot, minimum, target, leaders, skill.
type CellRow = (i64, i64, i64, i64, i64, i64, Option<String>);

pub async fn cells(pool: &Pool, id: DutyPeriodId) -> Result<BTreeMap<CellAt, CellNeed>> {
    let rows: Vec<CellRow> = sqlx::query_as(
        "SELECT site_id, day, slot, min_count, target_count, leaders, skill FROM duty_cells \
         WHERE duty_period_id = $1",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(site, day, slot, min, target, leaders, skill)| {
            (
                CellAt {
                    site: SiteId(site),
                    day: day as u16,
                    slot: slot as u16,
                },
                CellNeed {
                    min: min as u32,
                    target: target as u32,
                    leaders: leaders as u32,
                    skill,
                },
            )
        })
        .collect())
}

/// Locks the period's row for the transaction and checks its status.
pub(super) async fn hold(tx: &mut Tx, id: DutyPeriodId, status: PeriodStatus) -> Result<()> {
    let held = sqlx::query("UPDATE duty_periods SET status = status WHERE id = $1 AND status = $2")
        .bind(id.0)
        .bind(status.as_str())
        .execute(&mut **tx)
        .await?;
    if held.rows_affected() == 1 {
        return Ok(());
    }
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM duty_periods WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    Err(match exists {
        Some(_) => StorageError::ChangedMeanwhile.into(),
        None => StorageError::MissingReference.into(),
    })
}

pub async fn set_cells(pool: &Pool, id: DutyPeriodId, cells: &[(CellAt, CellNeed)]) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Draft).await?;
    for (at, need) in cells {
        if need.min == 0 && need.target == 0 {
            sqlx::query(
                "DELETE FROM duty_cells WHERE duty_period_id = $1 AND site_id = $2 AND day = $3 \
                 AND slot = $4",
            )
            .bind(id.0)
            .bind(at.site.0)
            .bind(i64::from(at.day))
            .bind(i64::from(at.slot))
            .execute(&mut *tx)
            .await?;
            continue;
        }
        sqlx::query(
            "INSERT INTO duty_cells (duty_period_id, site_id, day, slot, min_count, target_count, \
             leaders, skill) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (duty_period_id, site_id, day, slot) DO UPDATE SET \
             min_count = excluded.min_count, target_count = excluded.target_count, \
             leaders = excluded.leaders, skill = excluded.skill",
        )
        .bind(id.0)
        .bind(at.site.0)
        .bind(i64::from(at.day))
        .bind(i64::from(at.slot))
        .bind(i64::from(need.min))
        .bind(i64::from(need.target))
        .bind(i64::from(need.leaders))
        .bind(need.skill.as_deref())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn set_status(
    pool: &Pool,
    id: DutyPeriodId,
    from: PeriodStatus,
    to: PeriodStatus,
    now: i64,
    audit: &AuditEntry,
) -> Result<u32> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, from).await?;
    sqlx::query("UPDATE duty_periods SET status = $2 WHERE id = $1")
        .bind(id.0)
        .bind(to.as_str())
        .execute(&mut *tx)
        .await?;
    let mut told = 0;
    if (from, to) == (PeriodStatus::Draft, PeriodStatus::Published) {
        let (name, starts_on, ends_on, area): (String, NaiveDate, NaiveDate, i64) = sqlx::query_as(
            "SELECT name, starts_on, ends_on, area_id FROM duty_periods WHERE id = $1",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        let people: Vec<i64> = sqlx::query_scalar(&format!(
            "{SUBTREE_OF_1} SELECT v.id FROM volunteers v JOIN sub ON sub.id = v.home_area_id \
             WHERE v.status = 'registered' ORDER BY v.id"
        ))
        .bind(area)
        .fetch_all(&mut *tx)
        .await?;
        let notice = Notice::new(NoticeKind::AvailabilityAsked, Subject::DutyPeriod(id))
            .with("period", &name)
            .with("starts_on", starts_on)
            .with("ends_on", ends_on);
        for person in people {
            let key = format!("availability_asked:{}:{person}", id.0);
            if notices::add(&mut tx, VolunteerId(person), &notice, &key, None, now, now).await? {
                told += 1;
            }
        }
    }
    commit_with_audit(tx, audit).await?;
    Ok(told)
}
