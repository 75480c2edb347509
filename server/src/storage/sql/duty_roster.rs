//! A duty period's people: their availability answers, who may be placed and what else they
//! do then, the draft roster, and publishing it as shifts and assignments.

use super::duty_periods::hold;
use super::{begin, commit_with_audit, notices, Pool, Tx, SUBTREE_OF_1};
use crate::storage::error::{corrupt, exactly_one, Result};
use chrono::NaiveDate;
use domain::duty_period::grid::CellAt;
use domain::duty_period::period::PeriodStatus;
use domain::duty_period::port::{
    AnswerRate, Availability, DutyPeriodId, PeriodPerson, PublishedRoster, RosterEntry, RosterLine,
};
use domain::notify::{Notice, NoticeKind, Subject};
use domain::{AreaId, AuditEntry, ShiftId, ShiftWindow, SiteId, StorageError, TeamId, VolunteerId};

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
