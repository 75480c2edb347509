//! Duty periods: the period with its slots and sites, the demand grid, availability answers,
//! the draft roster, and publishing it as shifts and assignments.

use super::{begin, commit_with_audit, notices, Pool, Tx, SUBTREE_OF_1};
use crate::storage::error::{corrupt, exactly_one, Result};
use chrono::NaiveDate;
use domain::duty_period::grid::{CellAt, CellNeed, Slot, SlotSet};
use domain::duty_period::period::{Briefing, DutyLevel, PeriodDraft, PeriodStatus};
use domain::duty_period::port::{
    AnswerRate, Availability, DutyPeriod, DutyPeriodId, NewPeriod, PeriodPerson, PeriodSite,
    PeriodSummary, PublishedRoster, RosterEntry, RosterLine,
};
use domain::notify::{Notice, NoticeKind, Subject};
use domain::{AreaId, AuditEntry, ShiftId, ShiftWindow, SiteId, StorageError, TeamId, VolunteerId};
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
async fn hold(tx: &mut Tx, id: DutyPeriodId, status: PeriodStatus) -> Result<()> {
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

pub async fn put_availability(pool: &Pool, id: DutyPeriodId, a: &Availability) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    sqlx::query(
        "INSERT INTO duty_answers (duty_period_id, volunteer_id, answers, most_slots, answered_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (duty_period_id, volunteer_id) DO UPDATE SET \
         answers = excluded.answers, most_slots = excluded.most_slots, \
         answered_at = excluded.answered_at",
    )
    .bind(id.0)
    .bind(a.volunteer.0)
    .bind(Availability::encode(&a.answers))
    .bind(a.most_slots.map(i64::from))
    .bind(a.answered_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

type AnswerRow = (i64, String, Option<i64>, i64);

fn availability(row: AnswerRow) -> Availability {
    let (volunteer, answers, most_slots, answered_at) = row;
    Availability {
        volunteer: VolunteerId(volunteer),
        answers: Availability::decode(&answers),
        most_slots: most_slots.map(|n| n as u32),
        answered_at,
    }
}

pub async fn all_availability(pool: &Pool, id: DutyPeriodId) -> Result<Vec<Availability>> {
    let rows: Vec<AnswerRow> = sqlx::query_as(
        "SELECT volunteer_id, answers, most_slots, answered_at FROM duty_answers \
         WHERE duty_period_id = $1 ORDER BY volunteer_id",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(availability).collect())
}

pub async fn availability_of(
    pool: &Pool,
    id: DutyPeriodId,
    who: VolunteerId,
) -> Result<Option<Availability>> {
    let row: Option<AnswerRow> = sqlx::query_as(
        "SELECT volunteer_id, answers, most_slots, answered_at FROM duty_answers \
         WHERE duty_period_id = $1 AND volunteer_id = $2",
    )
    .bind(id.0)
    .bind(who.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(availability))
}

pub async fn answer_rates(pool: &Pool, id: DutyPeriodId) -> Result<Vec<AnswerRate>> {
    let area: i64 = sqlx::query_scalar("SELECT area_id FROM duty_periods WHERE id = $1")
        .bind(id.0)
        .fetch_optional(pool)
        .await?
        .ok_or(StorageError::MissingReference)?;
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT a.id, a.name, \
         (SELECT COUNT(*) FROM duty_answers d JOIN volunteers v ON v.id = d.volunteer_id \
          WHERE d.duty_period_id = $2 AND v.home_area_id = a.id), \
         (SELECT COUNT(*) FROM volunteers v WHERE v.home_area_id = a.id AND v.status = 'registered') \
         FROM areas a JOIN sub ON sub.id = a.id WHERE a.kind = 'community' ORDER BY a.name, a.id"
    ))
    .bind(area)
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(community, name, answered, volunteers)| AnswerRate {
            community: AreaId(community),
            name,
            answered: answered as u32,
            volunteers: volunteers as u32,
        })
        .collect())
}

/// Id, name, home, its street, leader, skills (JSON), first team.
type PersonRow = (i64, String, i64, Option<i64>, bool, String, Option<i64>);

pub async fn people(pool: &Pool, id: DutyPeriodId) -> Result<Vec<PeriodPerson>> {
    let area: i64 = sqlx::query_scalar("SELECT area_id FROM duty_periods WHERE id = $1")
        .bind(id.0)
        .fetch_optional(pool)
        .await?
        .ok_or(StorageError::MissingReference)?;
    let rows: Vec<PersonRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT v.id, v.name, v.home_area_id, h.parent_id, \
             EXISTS (SELECT 1 FROM role_grants g WHERE g.volunteer_id = v.id \
                     AND g.role <> 'volunteer'), \
             v.skills, (SELECT MIN(m.team_id) FROM team_members m WHERE m.volunteer_id = v.id) \
             FROM volunteers v JOIN sub ON sub.id = v.home_area_id \
             JOIN areas h ON h.id = v.home_area_id WHERE v.status = 'registered' ORDER BY v.id"
    ))
    .bind(area)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, name, home, street, leader, skills, team)| {
            Ok(PeriodPerson {
                id: VolunteerId(id),
                name,
                home_area: AreaId(home),
                home_street: street.map(AreaId),
                leader,
                skills: serde_json::from_str(&skills).map_err(|_| corrupt("volunteers.skills"))?,
                team: team.map(TeamId),
            })
        })
        .collect()
}

pub async fn busy_windows(
    pool: &Pool,
    id: DutyPeriodId,
    from: i64,
    to: i64,
) -> Result<Vec<(VolunteerId, ShiftWindow)>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT a.volunteer_id, sh.starts_at, sh.ends_at FROM shifts sh \
         JOIN assignments a ON a.shift_id = sh.id AND a.state = 'signed_up' \
         WHERE sh.cancelled_at IS NULL AND sh.ends_at > $2 AND sh.starts_at < $3 \
         AND (sh.duty_period_id IS NULL OR sh.duty_period_id <> $1) \
         ORDER BY a.volunteer_id, sh.starts_at",
    )
    .bind(id.0)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(v, s, e)| {
            Ok((
                VolunteerId(v),
                ShiftWindow::new(s, e).ok_or_else(|| corrupt("shifts.window"))?,
            ))
        })
        .collect()
}

pub async fn roster(pool: &Pool, id: DutyPeriodId) -> Result<Vec<RosterLine>> {
    let rows: Vec<(i64, i64, i64, i64, bool, bool, String)> = sqlx::query_as(
        "SELECT r.site_id, r.day, r.slot, r.volunteer_id, r.as_leader, r.locked, v.name \
         FROM duty_roster r JOIN volunteers v ON v.id = r.volunteer_id \
         WHERE r.duty_period_id = $1 ORDER BY r.day, r.slot, r.site_id, r.as_leader DESC, v.name",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(site, day, slot, volunteer, as_leader, locked, name)| RosterLine {
                entry: RosterEntry {
                    at: CellAt {
                        site: SiteId(site),
                        day: day as u16,
                        slot: slot as u16,
                    },
                    volunteer: VolunteerId(volunteer),
                    as_leader,
                    locked,
                },
                name,
            },
        )
        .collect())
}

async fn insert_entry(tx: &mut Tx, id: DutyPeriodId, e: &RosterEntry) -> Result<()> {
    sqlx::query(
        "INSERT INTO duty_roster (duty_period_id, site_id, day, slot, volunteer_id, as_leader, \
         locked) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(e.at.site.0)
    .bind(i64::from(e.at.day))
    .bind(i64::from(e.at.slot))
    .bind(e.volunteer.0)
    .bind(e.as_leader)
    .bind(e.locked)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn replace_roster(pool: &Pool, id: DutyPeriodId, entries: &[RosterEntry]) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    sqlx::query("DELETE FROM duty_roster WHERE duty_period_id = $1 AND NOT locked")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    for e in entries {
        insert_entry(&mut tx, id, e).await?;
    }
    tx.commit().await?;
    Ok(())
}

pub async fn place(
    pool: &Pool,
    id: DutyPeriodId,
    entry: &RosterEntry,
    replacing: Option<VolunteerId>,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    if let Some(old) = replacing {
        let gone = remove_in(&mut tx, id, entry.at, old).await?;
        exactly_one(gone)?;
    }
    insert_entry(
        &mut tx,
        id,
        &RosterEntry {
            locked: true,
            ..*entry
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn remove_in(tx: &mut Tx, id: DutyPeriodId, at: CellAt, who: VolunteerId) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM duty_roster WHERE duty_period_id = $1 AND site_id = $2 AND day = $3 \
         AND slot = $4 AND volunteer_id = $5",
    )
    .bind(id.0)
    .bind(at.site.0)
    .bind(i64::from(at.day))
    .bind(i64::from(at.slot))
    .bind(who.0)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

pub async fn remove(pool: &Pool, id: DutyPeriodId, at: CellAt, who: VolunteerId) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    exactly_one(remove_in(&mut tx, id, at, who).await?)?;
    tx.commit().await?;
    Ok(())
}

pub async fn lock_cell(pool: &Pool, id: DutyPeriodId, at: CellAt, locked: bool) -> Result<()> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    sqlx::query(
        "UPDATE duty_roster SET locked = $5 WHERE duty_period_id = $1 AND site_id = $2 \
         AND day = $3 AND slot = $4",
    )
    .bind(id.0)
    .bind(at.site.0)
    .bind(i64::from(at.day))
    .bind(i64::from(at.slot))
    .bind(locked)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn publish_roster(
    pool: &Pool,
    id: DutyPeriodId,
    by: VolunteerId,
    now: i64,
    audit: &AuditEntry,
) -> Result<PublishedRoster> {
    let mut tx = begin(pool).await?;
    hold(&mut tx, id, PeriodStatus::Published).await?;
    let (name, starts_on, assembly, dress, notes): (String, NaiveDate, String, String, String) =
        sqlx::query_as(
            "SELECT name, starts_on, assembly, dress, notes FROM duty_periods WHERE id = $1",
        )
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
    let briefing: Vec<&str> = [assembly.as_str(), dress.as_str(), notes.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    let shift_notes = format!("{name}\n{}", briefing.join("\n"));
    let slots: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT start_min, end_min FROM duty_period_slots WHERE duty_period_id = $1 ORDER BY ordinal",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    let cells: Vec<(i64, i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT c.site_id, c.day, c.slot, c.target_count, c.leaders, \
         (SELECT COUNT(*) FROM duty_roster r WHERE r.duty_period_id = c.duty_period_id \
          AND r.site_id = c.site_id AND r.day = c.day AND r.slot = c.slot) \
         FROM duty_cells c WHERE c.duty_period_id = $1 AND c.target_count > 0 \
         ORDER BY c.day, c.slot, c.site_id",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    let mut out = PublishedRoster {
        shifts: 0,
        assignments: 0,
        open_places: 0,
        people_told: 0,
    };
    for (site, day, slot, target, leaders, placed) in cells {
        let &(start, end) = slots
            .get(slot as usize)
            .ok_or_else(|| corrupt("duty_cells.slot"))?;
        let date = starts_on
            .checked_add_days(chrono::Days::new(day as u64))
            .ok_or_else(|| corrupt("duty_cells.day"))?;
        let window = domain::duty::shift::window_on(date, start as u16, end as u16)
            .ok_or_else(|| corrupt("duty_period_slots"))?;
        let headcount = target.max(placed).max(1);
        let shift: i64 = sqlx::query_scalar(
            "INSERT INTO shifts (site_id, starts_at, ends_at, headcount, leaders_needed, notes, \
             duty_period_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(site)
        .bind(window.starts_at)
        .bind(window.ends_at)
        .bind(headcount)
        .bind(leaders)
        .bind(&shift_notes)
        .bind(id.0)
        .bind(by.0)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE duty_cells SET shift_id = $5 WHERE duty_period_id = $1 AND site_id = $2 \
             AND day = $3 AND slot = $4",
        )
        .bind(id.0)
        .bind(site)
        .bind(day)
        .bind(slot)
        .bind(shift)
        .execute(&mut *tx)
        .await?;
        let made = sqlx::query(
            "INSERT INTO assignments (shift_id, volunteer_id, state, as_leader, placed_by, \
             signed_up_at) SELECT $5, r.volunteer_id, 'signed_up', r.as_leader, $6, $7 \
             FROM duty_roster r WHERE r.duty_period_id = $1 AND r.site_id = $2 AND r.day = $3 \
             AND r.slot = $4",
        )
        .bind(id.0)
        .bind(site)
        .bind(day)
        .bind(slot)
        .bind(shift)
        .bind(by.0)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        out.shifts += 1;
        out.assignments += made.rows_affected() as u32;
        out.open_places += (headcount - placed).max(0) as u32;
    }
    let people: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT a.volunteer_id, COUNT(*), MIN(sh.starts_at), MIN(sh.id) FROM assignments a \
         JOIN shifts sh ON sh.id = a.shift_id WHERE sh.duty_period_id = $1 \
         AND a.state = 'signed_up' GROUP BY a.volunteer_id ORDER BY a.volunteer_id",
    )
    .bind(id.0)
    .fetch_all(&mut *tx)
    .await?;
    for (person, count, first, shift) in people {
        let notice = Notice::new(NoticeKind::RosterPlaced, Subject::Shift(ShiftId(shift)))
            .with("period", &name)
            .with("count", count)
            .with("starts_at", first);
        let key = format!("roster_placed:{}:{person}", id.0);
        if notices::add(&mut tx, VolunteerId(person), &notice, &key, None, now, now).await? {
            out.people_told += 1;
        }
    }
    sqlx::query("UPDATE duty_periods SET status = 'running' WHERE id = $1")
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    commit_with_audit(tx, audit).await?;
    Ok(out)
}

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
