//! `/volunteers`: coordinators (and those above them) review applications and manage
//! registrations in their area: approve (a vest number is handed out), reject with a reason,
//! suspend, retire, re-activate. Lists mask phone numbers unless the reader may call people.

use super::contact::ContactReveal;
use super::skills::skill_label;
use crate::i18n::use_texts;
use crate::AppError;
use domain::VolunteerStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// One row of the list, already masked for the reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerRow {
    pub id: i64,
    pub name: String,
    /// Always masked (`138****5678`); the full number is revealed on request (audited).
    pub phone: String,
    pub id_number: Option<String>,
    pub vest_no: Option<String>,
    pub status: VolunteerStatus,
    pub community: String,
    pub skills: Vec<String>,
    /// ISO date of the application.
    pub applied_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerListing {
    pub area_name: String,
    pub rows: Vec<VolunteerRow>,
    pub total: u32,
    pub offset: u32,
    pub page_size: u32,
    /// Whether the reader may reset these people's passwords.
    pub can_reset: bool,
}

/// What a coordinator can do to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Reject,
    Suspend,
    Retire,
    Reactivate,
}

impl Decision {
    pub fn target(self) -> VolunteerStatus {
        match self {
            Decision::Approve | Decision::Reactivate => VolunteerStatus::Registered,
            Decision::Reject => VolunteerStatus::Rejected,
            Decision::Suspend => VolunteerStatus::Suspended,
            Decision::Retire => VolunteerStatus::Retired,
        }
    }

    /// Refusals and removals must say why; the person sees the reason.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Decision::Reject | Decision::Suspend | Decision::Retire
        )
    }

    /// The decisions open for someone in `status`.
    pub fn available(status: VolunteerStatus) -> &'static [Decision] {
        match status {
            VolunteerStatus::Applied => &[Decision::Approve, Decision::Reject],
            VolunteerStatus::Registered => &[Decision::Suspend, Decision::Retire],
            VolunteerStatus::Suspended => &[Decision::Reactivate, Decision::Retire],
            VolunteerStatus::Retired => &[Decision::Reactivate],
            VolunteerStatus::Rejected => &[],
        }
    }
}

/// Rows per page: a phone screen holds three or four cards, so 20 is a few flicks.
#[cfg(feature = "ssr")]
const PAGE_SIZE: u32 = 20;

/// Volunteers living in the reader's area of responsibility, filtered by status.
#[server(endpoint = "volunteers/list")]
pub async fn volunteer_list(
    status: Option<VolunteerStatus>,
    search: Option<String>,
    offset: u32,
) -> Result<VolunteerListing, AppError> {
    crate::error::answer(async move {
        use domain::{Action, Role, VolunteerFilter};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        // The widest area the reader manages: a team leader's community, a coordinator's street…
        let (area, path) =
            crate::auth::widest_scope(store, &who, Role::TeamLeader, Action::ListVolunteers)
                .await?;
        let can_reset = who.may(Action::ResetPassword, &path);
        let area_name = store
            .area(area)
            .await
            .map_err(AppError::from)?
            .map(|a| a.name)
            .unwrap_or_default();
        let page = store
            .volunteers_in(&VolunteerFilter {
                within: area,
                status,
                search: search.filter(|s| !s.trim().is_empty()),
                offset,
                limit: PAGE_SIZE,
            })
            .await
            .map_err(AppError::from)?;
        let mut names = std::collections::HashMap::new();
        let mut rows = Vec::with_capacity(page.items.len());
        for v in page.items {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(v.home_area_id) {
                let name = store
                    .area(v.home_area_id)
                    .await
                    .map_err(AppError::from)?
                    .map(|a| a.name)
                    .unwrap_or_default();
                slot.insert(name);
            }
            rows.push(VolunteerRow {
                id: v.id.0,
                name: v.name,
                phone: v.phone.masked(),
                id_number: v.id_number_masked,
                vest_no: v.vest_no,
                status: v.status,
                community: names.get(&v.home_area_id).cloned().unwrap_or_default(),
                skills: v.skills,
                applied_on: chrono::DateTime::from_timestamp_millis(v.applied_at_ms)
                    .map(|d| d.date_naive().to_string())
                    .unwrap_or_default(),
            });
        }
        Ok(VolunteerListing {
            area_name,
            rows,
            total: page.total,
            offset,
            page_size: PAGE_SIZE,
            can_reset,
        })
    })
    .await
}

/// Applies a decision to one volunteer; returns their new status (and vest number, if any).
#[server(endpoint = "volunteers/decide")]
pub async fn decide(
    volunteer_id: i64,
    decision: Decision,
    reason: Option<String>,
) -> Result<Option<String>, AppError> {
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, FieldError, MessageKey, VolunteerId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let id = VolunteerId(volunteer_id);
        let (who, v) =
            crate::auth::require_outranking(store, id, Action::ManageRegistrations).await?;
        if !v.status.can_become(decision.target())
            || !Decision::available(v.status).contains(&decision)
        {
            return Err(AppError::Conflict);
        }
        let reason = reason
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if decision.needs_reason() && reason.is_none() {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                MessageKey::Required,
            )));
        }
        if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
            return Err(AppError::Invalid(FieldError::new(
                "reason",
                MessageKey::TooLong,
            )));
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: format!("{decision:?}").to_lowercase(),
            entity: "volunteer".into(),
            entity_id: Some(id.0),
            area_id: Some(v.home_area_id),
            before: Some(format!(r#"{{"status":"{}"}}"#, v.status.as_str())),
            after: Some(
                serde_json::json!({ "status": decision.target().as_str(), "reason": reason })
                    .to_string(),
            ),
        };
        match decision.target() {
            VolunteerStatus::Registered => {
                let vest = store
                    .approve_volunteer(id, Some(who.volunteer_id), now, &audit)
                    .await
                    .map_err(AppError::from)?;
                Ok(Some(vest))
            }
            status => {
                store
                    .set_volunteer_status(
                        id,
                        status,
                        Some(who.volunteer_id),
                        reason.as_deref(),
                        now,
                        &audit,
                    )
                    .await
                    .map_err(AppError::from)?;
                // A suspended or retired person is logged out everywhere at once.
                if status != VolunteerStatus::Rejected {
                    store.delete_sessions_of(id).await.map_err(AppError::from)?;
                }
                Ok(None)
            }
        }
    })
    .await
}

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let t = use_texts();
    let status = RwSignal::new(Some(VolunteerStatus::Applied));
    let offset = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let decided = RwSignal::new(0u32);
    let list = Resource::new(
        move || (status.get(), offset.get(), search.get(), decided.get()),
        |(status, offset, search, _)| volunteer_list(status, Some(search), offset),
    );
    let tabs = [
        (Some(VolunteerStatus::Applied), t.status_applied),
        (Some(VolunteerStatus::Registered), t.status_registered),
        (Some(VolunteerStatus::Suspended), t.status_suspended),
        (Some(VolunteerStatus::Retired), t.status_retired),
        (None, t.all),
    ];
    view! {
        <Title text=t.volunteers_title />
        <h1>{t.volunteers_title}</h1>
        <div class="chips" role="tablist">
            {tabs
                .into_iter()
                .map(|(s, label)| {
                    view! {
                        <button
                            type="button"
                            class="chip"
                            role="tab"
                            aria-selected=move || (status.get() == s).to_string()
                            on:click=move |_| {
                                status.set(s);
                                offset.set(0);
                            }
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <label class="field search">
            <span class="visually-hidden">{t.search}</span>
            <input
                type="search"
                placeholder=t.search_hint
                on:change=move |ev| {
                    search.set(event_target_value(&ev));
                    offset.set(0);
                }
            />
        </label>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(l) => view! { <ListView l offset decided /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ListView(l: VolunteerListing, offset: RwSignal<u32>, decided: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let total = l.total;
    let shown_to = (l.offset + l.rows.len() as u32).min(total);
    let has_prev = l.offset > 0;
    let has_next = shown_to < total;
    let page_size = l.page_size;
    let summary = t
        .list_summary
        .replace("{area}", &l.area_name)
        .replace("{total}", &total.to_string());
    view! {
        <p class="muted" data-testid="list-summary">
            {summary}
        </p>
        {if l.rows.is_empty() {
            view! { <p class="empty-state">{t.list_empty}</p> }.into_any()
        } else {
            view! {
                <ul class="person-list" data-testid="volunteer-list">
                    {l
                        .rows
                        .into_iter()
                        .map(|row| view! { <PersonCard row decided can_reset=l.can_reset /> })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        <nav class="pager">
            <button
                type="button"
                class="button"
                disabled=!has_prev
                on:click=move |_| offset.update(|o| *o = o.saturating_sub(page_size))
            >
                {t.previous}
            </button>
            <span>
                {format!(
                    "{}–{} / {}",
                    if total == 0 { 0 } else { l.offset + 1 },
                    shown_to,
                    total,
                )}
            </span>
            <button
                type="button"
                class="button"
                disabled=!has_next
                on:click=move |_| offset.update(|o| *o += page_size)
            >
                {t.next}
            </button>
        </nav>
    }
}

#[component]
fn PersonCard(row: VolunteerRow, decided: RwSignal<u32>, can_reset: bool) -> impl IntoView {
    let t = use_texts();
    let reset = Action::new(move |id: &i64| crate::auth::reset_password(*id));
    let registered = row.status == VolunteerStatus::Registered;
    let reason = RwSignal::new(String::new());
    let act =
        Action::new(move |(id, d, r): &(i64, Decision, Option<String>)| decide(*id, *d, r.clone()));
    // A decision that went through reloads the list.
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            decided.update(|n| *n += 1);
        }
    });
    let id = row.id;
    let needs_reason = Decision::available(row.status)
        .iter()
        .any(|d| d.needs_reason());
    let skills = row
        .skills
        .iter()
        .map(|s| skill_label(t, s))
        .collect::<Vec<_>>()
        .join("、");
    let error = move || {
        act.value().with(|v| match v {
            Some(Err(e)) => Some(e.user_message(t)),
            _ => None,
        })
    };
    view! {
        <li class="card person" data-testid="person">
            <div class="person-head">
                <strong class="person-name">{row.name.clone()}</strong>
                <span class="badge" data-status=row.status.as_str()>
                    {t.volunteer_status(row.status)}
                </span>
            </div>
            <dl class="facts">
                <dt>{t.phone_label}</dt>
                <dd>
                    <ContactReveal volunteer_id=row.id masked=row.phone.clone() />
                </dd>
                <dt>{t.home_community}</dt>
                <dd>{row.community.clone()}</dd>
                {row
                    .vest_no
                    .clone()
                    .map(|v| {
                        view! {
                            <dt>{t.vest_no}</dt>
                            <dd>{v}</dd>
                        }
                    })}
                {row
                    .id_number
                    .clone()
                    .map(|v| {
                        view! {
                            <dt>{t.id_number_short}</dt>
                            <dd>{v}</dd>
                        }
                    })}
                <dt>{t.applied_on}</dt>
                <dd>{row.applied_on.clone()}</dd>
                {(!skills.is_empty())
                    .then(|| {
                        view! {
                            <dt>{t.skills_short}</dt>
                            <dd>{skills.clone()}</dd>
                        }
                    })}
            </dl>
            <Show when=move || needs_reason>
                <label class="field">
                    <span>{t.reason_label}</span>
                    <input
                        name="reason"
                        maxlength="200"
                        prop:value=reason
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                </label>
            </Show>
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
            <div class="actions">
                {Decision::available(row.status)
                    .iter()
                    .map(|d| {
                        let d = *d;
                        let label = match d {
                            Decision::Approve => t.approve,
                            Decision::Reject => t.reject,
                            Decision::Suspend => t.suspend,
                            Decision::Retire => t.retire,
                            Decision::Reactivate => t.reactivate,
                        };
                        let class = if d == Decision::Approve || d == Decision::Reactivate {
                            "button primary"
                        } else {
                            "button"
                        };
                        view! {
                            <button
                                type="button"
                                class=class
                                disabled=move || act.pending().get()
                                on:click=move |_| {
                                    let r = reason.get();
                                    act.dispatch((id, d, (!r.trim().is_empty()).then_some(r)));
                                }
                            >
                                {label}
                            </button>
                        }
                    })
                    .collect_view()} <Show when=move || can_reset && registered>
                    <button
                        type="button"
                        class="button"
                        disabled=move || reset.pending().get()
                        on:click=move |_| {
                            reset.dispatch(id);
                        }
                    >
                        {t.reset_password}
                    </button>
                </Show>
            </div>
            {move || {
                reset
                    .value()
                    .get()
                    .map(|r| match r {
                        Ok(temp) => {
                            view! {
                                <p
                                    class="notice temp-password"
                                    role="status"
                                    data-testid="temp-password"
                                >
                                    {t.temp_password_is}
                                    " "
                                    <strong>{temp}</strong>
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                    })
            }}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_decision_is_an_allowed_transition() {
        for status in [
            VolunteerStatus::Applied,
            VolunteerStatus::Registered,
            VolunteerStatus::Rejected,
            VolunteerStatus::Suspended,
            VolunteerStatus::Retired,
        ] {
            for d in Decision::available(status) {
                assert!(status.can_become(d.target()), "{status:?} → {d:?}");
            }
        }
    }
}
