//! `/teams`: coordinators form patrol teams (巡逻队) in their area and name their leaders;
//! a leader receives the team-leader role over the team's community.

use super::contact::ContactReveal;
use crate::actions::{failure, refresh_on_success};
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
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

#[server(endpoint = "teams/create")]
pub async fn create_team(community_id: i64, name: String) -> Result<i64, AppError> {
    crate::error::answer(async move {
        use domain::{
            Action, AreaId, AreaKind, AreaName, AuditEntry, FieldError, MessageKey, StorageError,
        };
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
        match store
            .insert_team(community.id, name.as_str(), now, &audit)
            .await
        {
            Ok(id) => Ok(id.0),
            Err(StorageError::Constraint("teams_area_name_key")) => Err(AppError::Invalid(
                FieldError::new("name", MessageKey::NameTaken),
            )),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// Adds the registered volunteer with this mobile number (living in the reader's scope).
#[server(endpoint = "teams/member")]
pub async fn add_member(team_id: i64, phone: String) -> Result<(), AppError> {
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

/// Names a member the team's leader (they receive the team-leader role over its community).
#[server(endpoint = "teams/leader")]
pub async fn make_leader(team_id: i64, volunteer_id: i64) -> Result<(), AppError> {
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

/// Takes the leadership of one team back: the member stays in the team, and the team-leader
/// role over the community goes unless they still lead another team there. Audited.
#[server(endpoint = "teams/revoke-leader")]
pub async fn revoke_leader(team_id: i64, volunteer_id: i64) -> Result<(), AppError> {
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

#[component]
pub fn TeamsPage() -> impl IntoView {
    let t = use_texts();
    let changed = RwSignal::new(0u32);
    let data = Resource::new(move || changed.get(), |_| teams());
    // The form reads the communities once: re-created with every change to the list, it would
    // lose what someone is typing into it.
    let places = Resource::new(|| (), |_| teams());
    view! {
        <Title text=t.teams_title />
        <h1>{t.teams_title}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                places.await.ok().map(|d| view! { <NewTeam communities=d.communities changed /> })
            })}
        </Suspense>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        view! {
                            {if d.teams.is_empty() {
                                view! { <p class="empty-state">{t.teams_empty}</p> }.into_any()
                            } else {
                                d.teams
                                    .into_iter()
                                    .map(|team| view! { <TeamCard team changed /> })
                                    .collect_view()
                                    .into_any()
                            }}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewTeam(communities: Vec<(i64, String)>, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let community = RwSignal::new(communities.first().map(|c| c.0));
    let name = RwSignal::new(String::new());
    let create = Action::new(move |(c, n): &(i64, String)| create_team(*c, n.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            changed.update(|n| *n += 1);
        }
    });
    let error = failure(create, t);
    view! {
        <form
            class="card stack"
            data-testid="new-team"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Some(c) = community.get() {
                    create.dispatch((c, name.get()));
                }
            }
        >
            <h2>{t.new_team}</h2>
            <label class="field">
                <span>{t.home_community}</span>
                <select on:change=move |ev| {
                    community.set(event_target_value(&ev).parse().ok())
                }>
                    {communities
                        .into_iter()
                        .map(|(id, n)| view! { <option value=id.to_string()>{n}</option> })
                        .collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{t.team_name}</span>
                <input
                    maxlength="64"
                    prop:value=name
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            {move || {
                error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
            <button
                type="submit"
                class="button primary block"
                disabled=move || create.pending().get()
            >
                {t.create}
            </button>
        </form>
    }
}

#[component]
fn TeamCard(team: TeamView, changed: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let phone = RwSignal::new(String::new());
    let put = Action::new(move |(team, phone): &(i64, String)| add_member(*team, phone.clone()));
    let lead = Action::new(move |(team, member): &(i64, i64)| make_leader(*team, *member));
    let unlead = Action::new(move |(team, member): &(i64, i64)| revoke_leader(*team, *member));
    refresh_on_success(lead, changed);
    refresh_on_success(unlead, changed);
    refresh_on_success(put, changed);
    let error = move || {
        failure(put, t)()
            .or_else(failure(lead, t))
            .or_else(failure(unlead, t))
    };
    let id = team.id;
    view! {
        <section class="card team" data-testid="team">
            <div class="person-head">
                <h2 class="team-name">{team.name.clone()}</h2>
                <span class="muted">{team.area.clone()}</span>
            </div>
            <ul class="members">
                {team
                    .members
                    .into_iter()
                    .map(|m| {
                        let member = m.id;
                        view! {
                            <li class="member">
                                <span class="member-name">{m.name.clone()}</span>
                                {m
                                    .leader
                                    .then(|| {
                                        view! {
                                            <span class="badge" data-status="registered">
                                                {t.role_team_leader}
                                            </span>
                                        }
                                    })}
                                <ContactReveal volunteer_id=m.id masked=m.phone.clone() />
                                {if m.leader {
                                    view! {
                                        <button
                                            type="button"
                                            class="button small"
                                            disabled=move || unlead.pending().get()
                                            on:click=move |_| {
                                                unlead.dispatch((id, member));
                                            }
                                        >
                                            {t.revoke_leader}
                                        </button>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button
                                            type="button"
                                            class="button small"
                                            disabled=move || lead.pending().get()
                                            on:click=move |_| {
                                                lead.dispatch((id, member));
                                            }
                                        >
                                            {t.make_leader}
                                        </button>
                                    }
                                        .into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form
                class="add-member"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    put.dispatch((id, phone.get()));
                }
            >
                <label class="field">
                    <span>{t.add_member_phone}</span>
                    <input
                        type="tel"
                        inputmode="numeric"
                        maxlength="20"
                        prop:value=phone
                        on:input=move |ev| phone.set(event_target_value(&ev))
                    />
                </label>
                {move || {
                    error()
                        .map(|e| {
                            view! {
                                <p class="form-error" role="alert">
                                    {e}
                                </p>
                            }
                        })
                }}
                <button type="submit" class="button block" disabled=move || put.pending().get()>
                    {t.add_member}
                </button>
            </form>
        </section>
    }
}
