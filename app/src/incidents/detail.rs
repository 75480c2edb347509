//! `/incidents/{id}`: one incident — what, where (on a small map), the photos, and the timeline
//! of every step with who took it and when. A leader over its area moves it along the workflow
//! (acknowledge → refer → resolve → close, or reject with a reason), assigns it to a person and
//! may show it to the community's volunteers.

use super::view::{
    category_label, local_time, referral_label, step_label, SeverityBadge, StatusBadge,
};
use crate::actions::failure;
use crate::areas::MapData;
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::incident::port::IncidentSummary;
use domain::incident::{Category, IncidentStatus, Referral};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub at: i64,
    /// `None` where the reader may not learn who it was (the reporter, to other volunteers).
    pub actor: Option<String>,
    pub step: String,
    pub status: IncidentStatus,
    pub referred_to: Option<Referral>,
    pub assignee: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailData {
    pub summary: IncidentSummary,
    pub categories: Vec<Category>,
    /// Shown to leaders and to the reporter only.
    pub reporter: Option<String>,
    pub site: Option<String>,
    pub accuracy_m: Option<f64>,
    pub received_at: i64,
    pub assignee: Option<String>,
    pub referred_to: Option<Referral>,
    pub photo_urls: Vec<String>,
    pub timeline: Vec<TimelineRow>,
    /// The workflow steps the reader may take now (leaders only).
    pub steps: Vec<String>,
    pub can_triage: bool,
    pub map: Option<MapData>,
}

/// Where a photo is served (`GET`, checked like the incident itself).
pub fn photo_url(incident: i64, photo: i64) -> String {
    format!("/incidents/{incident}/photos/{photo}")
}

#[server(endpoint = "incidents/detail")]
pub async fn incident_detail(id: i64) -> Result<DetailData, AppError> {
    crate::error::answer(async move {
        use super::access::Sight;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let (incident, sight) = super::access::incident_in_sight(store, &who, id).await?;
        let events = store
            .incident_events(incident.summary.id)
            .await
            .map_err(AppError::from)?;
        let reporter_id = incident.summary.reporter_id;
        let assignee_id = incident.assignee.as_ref().map(|(id, _)| *id);
        // What the reader may learn of the people involved: `Sight::shows`, one table.
        let shown = sight.shows();
        let hidden_actor = |actor| {
            (!shown.reporter && actor == reporter_id)
                || (!shown.assignee && Some(actor) == assignee_id)
        };
        let timeline = events
            .into_iter()
            .map(|e| TimelineRow {
                at: e.at,
                actor: (!hidden_actor(e.actor_id)).then_some(e.actor_name),
                step: e.step,
                status: e.status,
                referred_to: e.referred_to,
                assignee: e.assignee.filter(|_| shown.assignee).map(|(_, name)| name),
                note: e.note.filter(|_| shown.notes),
            })
            .collect();
        let (shapes, sites) = crate::areas::area_shapes(store, incident.summary.area_id).await?;
        let map = crate::areas::build_map(
            &shapes,
            &sites,
            &[(incident.summary.lat, incident.summary.lon)],
            crate::areas::Datum::Wgs84,
        );
        let can_triage = sight == Sight::Triage;
        Ok(DetailData {
            categories: state.incidents.categories.all().to_vec(),
            reporter: shown.reporter.then_some(incident.reporter_name),
            site: incident.site_name.filter(|_| shown.site_and_arrival),
            accuracy_m: incident.accuracy_m,
            received_at: if shown.site_and_arrival {
                incident.received_at
            } else {
                incident.summary.made_at
            },
            assignee: incident
                .assignee
                .filter(|_| shown.assignee)
                .map(|(_, name)| name),
            referred_to: incident.referred_to,
            photo_urls: incident
                .photo_ids
                .iter()
                .map(|p| photo_url(id, *p))
                .collect(),
            timeline,
            steps: if can_triage {
                domain::incident::workflow::steps_from(incident.summary.status)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            },
            can_triage,
            map,
            summary: incident.summary,
        })
    })
    .await
}

/// The incident `id`, if the reader may triage it.
#[cfg(feature = "ssr")]
async fn for_triage(
    store: &dyn domain::Storage,
    id: i64,
) -> Result<(domain::Principal, domain::incident::port::Incident), AppError> {
    let who = crate::auth::require_login()?;
    let (incident, sight) = super::access::incident_in_sight(store, &who, id).await?;
    if sight != super::access::Sight::Triage {
        // The reporter sees their report but may not triage it.
        return Err(AppError::Forbidden);
    }
    Ok((who, incident))
}

/// Writes `what` by `who` now, with its timeline row named `step`.
#[cfg(feature = "ssr")]
async fn apply(
    store: &dyn domain::Storage,
    id: i64,
    who: &domain::Principal,
    step: &str,
    what: domain::incident::port::ChangeKind,
    note: Option<String>,
) -> Result<(), AppError> {
    let change = domain::incident::port::IncidentChange {
        actor: who.volunteer_id,
        at: chrono::Utc::now().timestamp_millis(),
        step: step.to_owned(),
        what,
        note,
    };
    store
        .change_incident(domain::incident::port::IncidentId(id), &change)
        .await
        .map_err(|e| match e {
            // Someone else moved it first: the reader reloads and sees their step.
            domain::StorageError::Constraint("incidents_status") => AppError::Conflict,
            other => other.into(),
        })
}

/// A workflow step: `acknowledge`, `refer` (with a referral), `resolve`, `close`, `reject` or
/// `reopen` (those two with a reason).
#[server(endpoint = "incidents/step")]
pub async fn incident_step(
    id: i64,
    step: String,
    referral: String,
    referral_name: String,
    note: String,
) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        use domain::incident::workflow::{next_status, parse_step};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, incident) = for_triage(store, id).await?;
        let (step, note) = parse_step(&step, &referral, &referral_name, &note)?;
        let from = incident.summary.status;
        let to = next_status(from, &step)?;
        let referred_to = match &step {
            domain::incident::Step::Refer(r) => Some(r.clone()),
            _ => None,
        };
        let what = ChangeKind::Status {
            from,
            to,
            referred_to,
        };
        apply(store, id, &who, step.as_str(), what, note).await
    })
    .await
}

/// Assigns the incident to the registered volunteer with this mobile number in the incident's
/// district (empty: to the reader).
#[server(endpoint = "incidents/assign")]
pub async fn incident_assign(id: i64, phone: String) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, _) = for_triage(store, id).await?;
        let assignee = if phone.trim().is_empty() {
            who.volunteer_id
        } else {
            let phone = domain::PhoneNumber::parse(&phone)?;
            let unknown = || AppError::from(FieldError::new("phone", MessageKey::VolunteerUnknown));
            let person = store
                .volunteer_by_phone(&phone)
                .await
                .map_err(AppError::from)?
                .filter(|v| v.status == domain::VolunteerStatus::Registered)
                .ok_or_else(unknown)?;
            // Someone the leader leads: their home is within the leader's scope (a leader of one
            // community cannot look people up in another by number).
            let theirs = store
                .area_path(person.home_area_id)
                .await
                .map_err(AppError::from)?;
            if !who.may(domain::Action::TriageIncidents, &theirs) {
                return Err(unknown());
            }
            person.id
        };
        apply(
            store,
            id,
            &who,
            "assign",
            ChangeKind::Assign(Some(assignee)),
            None,
        )
        .await
    })
    .await
}

/// Shows the incident to its community's volunteers, or hides it again.
#[server(endpoint = "incidents/publish")]
pub async fn incident_publish(id: i64, public: bool) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, _) = for_triage(store, id).await?;
        let step = if public { "publish" } else { "unpublish" };
        apply(store, id, &who, step, ChangeKind::Publish(public), None).await
    })
    .await
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let t = use_texts();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    });
    let refresh = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| incident_detail(id),
    );
    view! {
        <Title text=t.incident.list_title />
        <a class="back" href="/incidents">"← " {t.incident.list_title}</a>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <Detail detail refresh /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <crate::auth::LoginPrompt next="/incidents" /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(detail: DetailData, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let lang = use_lang();
    let s = detail.summary.clone();
    let title = category_label(&detail.categories, &s.category, lang);
    let late = detail.received_at - s.made_at > 10 * domain::duty::MINUTE_MS;
    view! {
        <article class="card stack incident-detail" data-testid="incident-detail" data-incident=s.id.0.to_string()>
            <div class="shift-head">
                <h1>{title}</h1>
                <SeverityBadge severity=s.severity />
                <StatusBadge status=s.status />
            </div>
            <p class="incident-body" data-testid="incident-body">{s.body.clone()}</p>
            <dl class="facts">
                <dt>{i.area}</dt><dd>{s.area_name.clone()}</dd>
                {detail.site.clone().map(|site| view! { <dt>{i.site}</dt><dd>{site}</dd> })}
                <dt>{i.reported_at}</dt><dd>{local_time(s.made_at)}
                    {late.then(|| format!(" ({} {})", i.received_late, local_time(detail.received_at)))}</dd>
                <dt>{i.reporter}</dt><dd data-testid="reporter">{detail.reporter.clone().unwrap_or_else(|| i.reporter_hidden.to_owned())}</dd>
                <dt>{i.position}</dt><dd>{format!("{:.5}, {:.5}", s.lat, s.lon)}
                    {detail.accuracy_m.map(|a| format!(" · {} {a:.0} m", i.accuracy))}</dd>
                {detail.referred_to.clone().map(|r| view! { <dt>{i.referred_to}</dt><dd data-testid="referred-to">{referral_label(i, &r)}</dd> })}
                {detail.can_triage.then(|| view! {
                    <dt>{i.assignee}</dt><dd data-testid="assignee">{detail.assignee.clone().unwrap_or_else(|| i.unassigned.to_owned())}</dd>
                })}
            </dl>
            {detail.map.clone().map(|map| view! { <PinMap map lat=s.lat lon=s.lon /> })}
            {(!detail.photo_urls.is_empty()).then(|| view! {
                <div class="photo-strip">
                    {detail.photo_urls.iter().map(|url| view! {
                        <figure class="thumb large"><img src=url.clone() alt=i.photo_of loading="lazy" data-testid="incident-photo" /></figure>
                    }).collect_view()}
                </div>
            })}
        </article>
        {detail.can_triage.then(|| view! { <Triage detail=detail.clone() refresh /> })}
        <section class="stack" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{i.timeline}</h2>
            <ol class="timeline" data-testid="timeline">
                {detail.timeline.into_iter().map(|row| view! {
                    <li data-step=row.step.clone()>
                        <strong>{step_label(i, &row.step).to_owned()}</strong>
                        {row.referred_to.as_ref().map(|r| format!(" → {}", referral_label(i, r)))}
                        {row.assignee.clone().map(|a| format!(" → {a}"))}
                        <span class="muted">" · " {local_time(row.at)} " · " {row.actor.clone().unwrap_or_else(|| i.reporter_hidden.to_owned())}</span>
                        {row.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// The incident's community with its pin.
#[component]
fn PinMap(map: MapData, lat: f64, lon: f64) -> impl IntoView {
    use crate::areas::{MapMarker, MapShapes};
    let t = use_texts();
    let view_box = map.view_box();
    let at = map.projection.point(lat, lon);
    view! {
        <figure class="area-map">
            <svg viewBox=view_box role="img" aria-label=t.map_label xmlns="http://www.w3.org/2000/svg">
                <MapShapes areas=map.areas sites=map.sites />
                <MapMarker at />
            </svg>
        </figure>
    }
}

/// The leader's controls: the workflow steps open from here, assigning, publishing.
#[component]
fn Triage(detail: DetailData, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let id = detail.summary.id.0;
    let step = Action::new(move |input: &(String, String, String, String)| {
        let (step, referral, name, note) = input.clone();
        incident_step(id, step, referral, name, note)
    });
    let assign = Action::new(move |phone: &String| incident_assign(id, phone.clone()));
    let publish = Action::new(move |public: &bool| incident_publish(id, *public));
    crate::actions::refresh_on_success(step, refresh);
    crate::actions::refresh_on_success(assign, refresh);
    crate::actions::refresh_on_success(publish, refresh);
    let step_error = failure(step, t);
    let assign_error = failure(assign, t);
    let publish_error = failure(publish, t);
    let chosen = RwSignal::new(detail.steps.first().cloned().unwrap_or_default());
    let referral = RwSignal::new("police".to_owned());
    let referral_name = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let public = detail.summary.public;
    let has_steps = !detail.steps.is_empty();
    view! {
        <section class="card stack" aria-labelledby="triage-title" data-testid="triage">
            <h2 id="triage-title">{i.status}</h2>
            {has_steps.then(|| view! {
                <form class="stack" on:submit=move |ev| {
                    ev.prevent_default();
                    step.dispatch((chosen.get_untracked(), referral.get_untracked(), referral_name.get_untracked(), note.get_untracked()));
                }>
                    <div class="segmented" role="radiogroup">
                        {detail.steps.iter().map(|s| {
                            let value = s.clone();
                            let value2 = s.clone();
                            view! {
                                <label class="segment" data-testid=format!("step-{s}")>
                                    <input type="radio" name="step" value=s.clone()
                                        prop:checked=move || chosen.get() == value2
                                        on:change=move |_| chosen.set(value.clone()) />
                                    <span>{step_label(i, s).to_owned()}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <Show when=move || chosen.get() == "refer">
                        <label class="field"><span>{i.referred_to}</span>
                            <select name="referral" data-testid="referral" on:change=move |ev| referral.set(event_target_value(&ev))>
                                <option value="police">{i.referral_police}</option>
                                <option value="committee">{i.referral_committee}</option>
                                <option value="property">{i.referral_property}</option>
                                <option value="named">{i.referral_named}</option>
                            </select>
                        </label>
                        <Show when=move || referral.get() == "named">
                            <label class="field"><span>{i.referral_name}</span>
                                <input name="referral_name" maxlength="40" data-testid="referral-name"
                                    on:input=move |ev| referral_name.set(event_target_value(&ev)) /></label>
                        </Show>
                    </Show>
                    <label class="field">
                        <span>{move || if matches!(chosen.get().as_str(), "reject" | "reopen") { i.note_reject } else { i.note }}</span>
                        <textarea name="note" rows="2" maxlength="200" data-testid="step-note"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    </label>
                    {move || step_error().map(|e| view! { <p class="form-error" role="alert" data-testid="step-error">{e}</p> })}
                    <button type="submit" class="button primary block" data-testid="step-submit"
                        disabled=move || step.pending().get()>{i.act}</button>
                </form>
            })}
            <form class="row assign" on:submit=move |ev| { ev.prevent_default(); assign.dispatch(phone.get_untracked()); }>
                <label class="field"><span>{i.assign_to}</span>
                    <input type="tel" name="phone" inputmode="numeric" maxlength="11" data-testid="assign-phone"
                        on:input=move |ev| phone.set(event_target_value(&ev)) /></label>
                <button type="submit" class="button" data-testid="assign-submit"
                    disabled=move || assign.pending().get()>{i.assign}</button>
            </form>
            <button type="button" class="button small" data-testid="assign-me"
                on:click=move |_| { assign.dispatch(String::new()); }>{i.assign_me}</button>
            {move || assign_error().map(|e| view! { <p class="form-error" role="alert" data-testid="assign-error">{e}</p> })}
            <button type="button" class="button small" data-testid="publish"
                on:click=move |_| { publish.dispatch(!public); }>{if public { i.unpublish } else { i.publish }}</button>
            {move || publish_error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
    .into_any()
}
