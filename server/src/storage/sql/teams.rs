//! Role grants and teams: who may act where, and the teams leaders lead.

use super::{Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::{corrupt, count, Error, Result};
use crate::storage::rows::{FlaggedVolunteerRow, VOLUNTEER_COLUMNS};
use domain::{AreaId, Role, RoleGrant, StorageError, TeamId, TeamSummary, Volunteer, VolunteerId};
use std::collections::HashMap;

pub async fn grants(pool: &Pool, id: VolunteerId) -> Result<Vec<RoleGrant>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT role, area_id FROM role_grants WHERE volunteer_id = $1 ORDER BY id")
            .bind(id.0)
            .fetch_all(pool)
            .await?;
    rows.into_iter()
        .map(|(role, area)| {
            Ok(RoleGrant {
                role: Role::from_db(&role).ok_or_else(|| corrupt("role_grants.role"))?,
                area_id: AreaId(area),
            })
        })
        .collect()
}

pub async fn insert_grant(
    conn: &mut Conn,
    id: VolunteerId,
    grant: RoleGrant,
    by: Option<VolunteerId>,
    now_ms: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO role_grants (volunteer_id, role, area_id, granted_by, granted_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.0)
    .bind(grant.role.as_str())
    .bind(grant.area_id.0)
    .bind(by.map(|b| b.0))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert(conn: &mut Conn, area: AreaId, name: &str, now_ms: i64) -> Result<TeamId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO teams (area_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(area.0)
    .bind(name)
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(TeamId(id))
}

/// The teams of `area`'s subtree with their member counts and leaders, in two queries
/// however many teams there are.
pub async fn in_subtree(pool: &Pool, area: AreaId) -> Result<Vec<TeamSummary>> {
    let teams: Vec<(i64, i64, String, i64)> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT t.id, t.area_id, t.name, \
         (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) \
         FROM teams t JOIN sub ON t.area_id = sub.id ORDER BY t.name, t.id"
    ))
    .bind(area.0)
    .fetch_all(pool)
    .await?;
    let leaders: Vec<(i64, String)> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT m.team_id, v.name FROM team_members m \
         JOIN teams t ON t.id = m.team_id JOIN sub ON t.area_id = sub.id \
         JOIN volunteers v ON v.id = m.volunteer_id \
         WHERE m.is_leader = TRUE ORDER BY v.name"
    ))
    .bind(area.0)
    .fetch_all(pool)
    .await?;
    summaries(teams, leaders)
}

pub async fn get(pool: &Pool, id: TeamId) -> Result<Option<TeamSummary>> {
    let teams: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT t.id, t.area_id, t.name, \
         (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) FROM teams t WHERE t.id = $1",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    let leaders: Vec<(i64, String)> = sqlx::query_as(
        "SELECT m.team_id, v.name FROM team_members m JOIN volunteers v ON v.id = m.volunteer_id \
         WHERE m.team_id = $1 AND m.is_leader = TRUE ORDER BY v.name",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(summaries(teams, leaders)?.pop())
}

/// Teams (id, area, name, members) with their leaders' names, in the teams' order.
fn summaries(
    teams: Vec<(i64, i64, String, i64)>,
    leaders: Vec<(i64, String)>,
) -> Result<Vec<TeamSummary>> {
    let mut leaders_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (team, name) in leaders {
        leaders_of.entry(team).or_default().push(name);
    }
    teams
        .into_iter()
        .map(|(id, area_id, name, members)| {
            Ok(TeamSummary {
                id: TeamId(id),
                area_id: AreaId(area_id),
                name,
                members: count(members)?,
                leaders: leaders_of.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}

async fn team_area(conn: &mut Conn, team: TeamId) -> Result<i64> {
    let area: Option<i64> = sqlx::query_scalar("SELECT area_id FROM teams WHERE id = $1")
        .bind(team.0)
        .fetch_optional(conn)
        .await?;
    area.ok_or(Error(StorageError::MissingReference))
}

/// Adds a member (or makes one a leader, never the reverse); a leader also gets the team
/// leader's role in the team's area.
pub async fn put_member(
    conn: &mut Conn,
    team: TeamId,
    volunteer: VolunteerId,
    is_leader: bool,
    by: Option<VolunteerId>,
    now_ms: i64,
) -> Result<()> {
    let area = team_area(&mut *conn, team).await?;
    sqlx::query(
        "INSERT INTO team_members (team_id, volunteer_id, is_leader, joined_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (team_id, volunteer_id) \
         DO UPDATE SET is_leader = team_members.is_leader OR excluded.is_leader",
    )
    .bind(team.0)
    .bind(volunteer.0)
    .bind(is_leader)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    if is_leader {
        sqlx::query(
            "INSERT INTO role_grants (volunteer_id, role, area_id, granted_by, granted_at) \
             VALUES ($1, 'team_leader', $2, $3, $4) \
             ON CONFLICT (volunteer_id, role, area_id) DO NOTHING",
        )
        .bind(volunteer.0)
        .bind(area)
        .bind(by.map(|b| b.0))
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Ends a leadership; the role goes too unless they lead another team in the same area.
pub async fn revoke_leader(conn: &mut Conn, team: TeamId, volunteer: VolunteerId) -> Result<()> {
    let area = team_area(&mut *conn, team).await?;
    sqlx::query(
        "UPDATE team_members SET is_leader = FALSE WHERE team_id = $1 AND volunteer_id = $2",
    )
    .bind(team.0)
    .bind(volunteer.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM role_grants WHERE volunteer_id = $1 AND role = 'team_leader' \
         AND area_id = $2 AND NOT EXISTS (SELECT 1 FROM team_members m \
         JOIN teams t ON t.id = m.team_id \
         WHERE m.volunteer_id = $1 AND m.is_leader = TRUE AND t.area_id = $2)",
    )
    .bind(volunteer.0)
    .bind(area)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A team's members, leaders first, each with whether they lead it.
pub async fn members(pool: &Pool, team: TeamId) -> Result<Vec<(Volunteer, bool)>> {
    let rows: Vec<FlaggedVolunteerRow> = sqlx::query_as(&format!(
        "SELECT {VOLUNTEER_COLUMNS}, m.is_leader AS flag FROM team_members m \
         JOIN volunteers v ON v.id = m.volunteer_id \
         WHERE m.team_id = $1 ORDER BY m.is_leader DESC, v.name, v.id"
    ))
    .bind(team.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| Ok((Volunteer::try_from(r.volunteer)?, r.flag)))
        .collect()
}
