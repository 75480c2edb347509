//! The server functions of `/teams`: the teams of the reader's area, a new team, its members
//! and its leaders.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub id: i64,
    pub name: String,
    pub area: String,
    pub members: Vec<TeamMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub id: i64,
    pub name: String,
    pub vest_no: Option<String>,
    /// Masked; the full number is revealed on request (audited).
    pub phone: String,
    pub leader: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamsPageData {
    pub teams: Vec<TeamView>,
    /// Communities in scope where a team can be formed.
    pub communities: Vec<(i64, String)>,
}

#[server(endpoint = "teams/list")]
pub async fn teams() -> Result<TeamsPageData, AppError> {
    crate::error::answer(async move {
        use domain::{Action, AreaKind, TeamId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let (area, _) = crate::auth::widest_scope(
            store,
            &who,
            domain::Role::Coordinator,
            Action::ManageRegistrations,
        )
        .await?;
        let mut views = Vec::new();
        for t in store.teams_in(area).await.map_err(AppError::from)? {
            let area_name = store
                .area(t.area_id)
                .await
                .map_err(AppError::from)?
                .map(|a| a.name)
                .unwrap_or_default();
            let members = store
                .team_members(TeamId(t.id.0))
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|(v, leader)| TeamMember {
                    id: v.id.0,
                    name: v.name,
                    vest_no: v.vest_no,
                    phone: v.phone.masked(),
                    leader,
                })
                .collect();
            views.push(TeamView {
                id: t.id.0,
                name: t.name,
                area: area_name,
                members,
            });
        }
        // Communities in scope, for the "new team" form.
        let mut communities = Vec::new();
        let mut stack = vec![area];
        while let Some(parent) = stack.pop() {
            if let Some(a) = store.area(parent).await.map_err(AppError::from)? {
                if a.kind == AreaKind::Community {
                    communities.push((a.id.0, a.name));
                    continue;
                }
            }
            for child in store
                .child_areas(Some(parent))
                .await
                .map_err(AppError::from)?
            {
                stack.push(child.id);
            }
        }
        communities.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(TeamsPageData {
            teams: views,
            communities,
        })
    })
    .await
}

/// What [`create_team`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CreateTeamInput {
    pub community_id: i64,
    pub name: String,
}

#[server(endpoint = "teams/create")]
pub async fn create_team(input: CreateTeamInput) -> Result<i64, AppError> {
    let CreateTeamInput { community_id, name } = input;
    crate::error::answer(async move {
        use domain::{Action, AreaId, AreaKind, AreaName, AuditEntry, FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let name = AreaName::parse(&name)?;
        let community = store
            .area(AreaId(community_id))
            .await
            .map_err(AppError::from)?
            .filter(|a| a.kind == AreaKind::Community)
            .ok_or_else(|| {
                AppError::Invalid(FieldError::new(
                    "community_id",
                    MessageKey::CommunityUnknown,
                ))
            })?;
        let path = store
            .area_path(community.id)
            .await
            .map_err(AppError::from)?;
        let who = crate::auth::require(Action::ManageRegistrations, &path)?;
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "create_team".into(),
            entity: "team".into(),
            entity_id: None,
            area_id: Some(community.id),
            before: None,
            after: Some(serde_json::json!({ "name": name.as_str() }).to_string()),
        };
        // A team of that name there already: `name` is taken (error.rs maps the constraint).
        let id = store
            .insert_team(community.id, name.as_str(), now, &audit)
            .await?;
        Ok(id.0)
    })
    .await
}

/// What [`add_member`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AddMemberInput {
    pub team_id: i64,
    pub phone: String,
}

/// Adds the registered volunteer with this mobile number (living in the reader's scope).
#[server(endpoint = "teams/member")]
pub async fn add_member(input: AddMemberInput) -> Result<(), AppError> {
    let AddMemberInput { team_id, phone } = input;
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey, PhoneNumber, VolunteerStatus};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let team = team_in_scope(store, team_id).await?;
        let phone = PhoneNumber::parse(&phone)?;
        let unknown = || AppError::Invalid(FieldError::new("phone", MessageKey::VolunteerUnknown));
        let v = store
            .volunteer_by_phone(&phone)
            .await
            .map_err(AppError::from)?
            .filter(|v| v.status == VolunteerStatus::Registered)
            .ok_or_else(unknown)?;
        place(store, &team, v, false).await.map_err(|e| match e {
            AppError::NotFound => unknown(),
            other => other,
        })
    })
    .await
}

/// What [`make_leader`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MakeLeaderInput {
    pub team_id: i64,
    pub volunteer_id: i64,
}

/// Names a member the team's leader (they receive the team-leader role over its community).
#[server(endpoint = "teams/leader")]
pub async fn make_leader(input: MakeLeaderInput) -> Result<(), AppError> {
    let MakeLeaderInput {
        team_id,
        volunteer_id,
    } = input;
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let team = team_in_scope(store, team_id).await?;
        let v = registered_member(store, &team, volunteer_id).await?;
        place(store, &team, v, true).await
    })
    .await
}

/// What [`revoke_leader`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RevokeLeaderInput {
    pub team_id: i64,
    pub volunteer_id: i64,
}

/// Takes the leadership of one team back: the member stays in the team, and the team-leader
/// role over the community goes unless they still lead another team there. Audited.
#[server(endpoint = "teams/revoke-leader")]
pub async fn revoke_leader(input: RevokeLeaderInput) -> Result<(), AppError> {
    let RevokeLeaderInput {
        team_id,
        volunteer_id,
    } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditEntry};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let team = team_in_scope(store, team_id).await?;
        let id = domain::VolunteerId(volunteer_id);
        let (who, _) =
            crate::auth::require_outranking(store, id, Action::ManageRegistrations).await?;
        let leads = store
            .team_members(team.id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .any(|(m, leader)| m.id == id && leader);
        if !leads {
            return Err(AppError::Conflict);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "revoke_leader".into(),
            entity: "team".into(),
            entity_id: Some(team.id.0),
            area_id: Some(team.area_id),
            before: Some(serde_json::json!({ "volunteer": id.0, "leader": true }).to_string()),
            after: Some(serde_json::json!({ "volunteer": id.0, "leader": false }).to_string()),
        };
        store
            .revoke_team_leader(team.id, id, &audit)
            .await
            .map_err(AppError::from)
    })
    .await
}

/// A registered member of `team`: only they can be named its leader (a role is never given
/// to someone who is not on the team, nor to an applicant or a suspended person).
#[cfg(feature = "ssr")]
async fn registered_member(
    store: &dyn domain::Storage,
    team: &domain::TeamSummary,
    volunteer_id: i64,
) -> Result<domain::Volunteer, AppError> {
    let id = domain::VolunteerId(volunteer_id);
    let member = store
        .team_members(team.id)
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(m, _)| m)
        .find(|m| m.id == id);
    match member {
        Some(m) if m.status == domain::VolunteerStatus::Registered => Ok(m),
        Some(_) => Err(AppError::Conflict),
        None => Err(AppError::Invalid(domain::FieldError::new(
            "volunteer_id",
            domain::MessageKey::VolunteerUnknown,
        ))),
    }
}

/// The team, if the reader coordinates its area (otherwise "not found").
#[cfg(feature = "ssr")]
async fn team_in_scope(
    store: &dyn domain::Storage,
    team_id: i64,
) -> Result<domain::TeamSummary, AppError> {
    let team = store
        .team(domain::TeamId(team_id))
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let path = store
        .area_path(team.area_id)
        .await
        .map_err(AppError::from)?;
    crate::auth::require_hidden(domain::Action::ManageRegistrations, &path)?;
    Ok(team)
}

/// Puts `v` in `team` (as leader or not), provided `v` lives in the reader's scope; audited.
#[cfg(feature = "ssr")]
async fn place(
    store: &dyn domain::Storage,
    team: &domain::TeamSummary,
    v: domain::Volunteer,
    leader: bool,
) -> Result<(), AppError> {
    use domain::{Action, AuditEntry};
    let (who, v) =
        crate::auth::require_outranking(store, v.id, Action::ManageRegistrations).await?;
    let now = chrono::Utc::now().timestamp_millis();
    let audit = AuditEntry {
        at_ms: now,
        actor_id: Some(who.volunteer_id),
        action: if leader { "make_leader" } else { "add_member" }.into(),
        entity: "team".into(),
        entity_id: Some(team.id.0),
        area_id: Some(team.area_id),
        before: None,
        after: Some(serde_json::json!({ "volunteer": v.id.0, "leader": leader }).to_string()),
    };
    store
        .put_team_member(team.id, v.id, leader, now, &audit)
        .await
        .map_err(AppError::from)
}
