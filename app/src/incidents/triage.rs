//! The leader's controls on an incident, with their server functions: a workflow step (nothing
//! chosen in advance; a referral to the police confirmed with one more tap; the same referral
//! never made twice), assigning it to one of the people the leader leads (picked from a list,
//! not typed as a number), and showing it to the community.

use super::detail::DetailData;
use super::view::step_label;
use crate::actions::failure;
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, incident) = for_triage(store, id).await?;
        let (step, note) = parse_step(&step, &referral, &referral_name, &note)?;
        let from = incident.summary.status;
        // A second press, or two leaders at once: the same referral is never made twice.
        if let domain::incident::Step::Refer(r) = &step {
            if from == domain::incident::IncidentStatus::Referred
                && incident.referred_to.as_ref() == Some(r)
            {
                return Err(FieldError::new("referral", MessageKey::StepRepeated).into());
            }
        }
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

/// Assigns the incident to one of the people the reader leads (`None`: to the reader).
#[server(endpoint = "incidents/assign")]
pub async fn incident_assign(id: i64, volunteer_id: Option<i64>) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, _) = for_triage(store, id).await?;
        let assignee = match volunteer_id {
            None => who.volunteer_id,
            Some(v) => {
                let unknown = || {
                    AppError::from(FieldError::new(
                        "volunteer_id",
                        MessageKey::VolunteerUnknown,
                    ))
                };
                let person = store
                    .volunteer(domain::VolunteerId(v))
                    .await
                    .map_err(AppError::from)?
                    .filter(|v| v.status == domain::VolunteerStatus::Registered)
                    .ok_or_else(unknown)?;
                // Someone the leader leads: their home is within the leader's scope.
                let theirs = store
                    .area_path(person.home_area_id)
                    .await
                    .map_err(AppError::from)?;
                if !who.may(domain::Action::TriageIncidents, &theirs) {
                    return Err(unknown());
                }
                person.id
            }
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

/// One person an incident can be assigned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignable {
    pub id: i64,
    pub name: String,
    pub vest_no: Option<String>,
}

/// The registered volunteers of the incident's area, whom the reader leads: the list the
/// assignment is picked from (names and vest numbers; no phone numbers).
#[server(endpoint = "incidents/assignable")]
pub async fn incident_assignable(id: i64) -> Result<Vec<Assignable>, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, incident) = for_triage(store, id).await?;
        let page = store
            .volunteers_in(&domain::VolunteerFilter {
                within: incident.summary.area_id,
                status: Some(domain::VolunteerStatus::Registered),
                search: None,
                offset: 0,
                limit: 200,
            })
            .await
            .map_err(AppError::from)?;
        let mut people = Vec::with_capacity(page.items.len());
        for v in page.items {
            let home = store
                .area_path(v.home_area_id)
                .await
                .map_err(AppError::from)?;
            if who.may(domain::Action::TriageIncidents, &home) {
                people.push(Assignable {
                    id: v.id.0,
                    name: v.name,
                    vest_no: v.vest_no,
                });
            }
        }
        Ok(people)
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

/// The leader's controls: the workflow steps open from here, assigning, publishing.
#[component]
pub(super) fn Triage(detail: DetailData, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let id = detail.summary.id.0;
    let step = Action::new(move |input: &(String, String, String, String)| {
        let (step, referral, name, note) = input.clone();
        incident_step(id, step, referral, name, note)
    });
    let assign = Action::new(move |person: &Option<i64>| incident_assign(id, *person));
    let people = Resource::new(|| (), move |_| incident_assignable(id));
    let publish = Action::new(move |public: &bool| incident_publish(id, *public));
    crate::actions::refresh_on_success(step, refresh);
    crate::actions::refresh_on_success(assign, refresh);
    crate::actions::refresh_on_success(publish, refresh);
    let step_error = failure(step, t);
    let assign_error = failure(assign, t);
    let publish_error = failure(publish, t);
    // Nothing is chosen for the leader: a note typed and 提交 pressed must not refer a case to
    // the police by default. After each step the form is empty again, so a second press does
    // nothing but ask for a step.
    let chosen = RwSignal::new(String::new());
    let referral = RwSignal::new(String::new());
    let referral_name = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let person = RwSignal::new(None::<i64>);
    let confirming = RwSignal::new(false);
    let unchosen = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = step.value().get() {
            chosen.set(String::new());
            referral.set(String::new());
            referral_name.set(String::new());
            note.set(String::new());
            confirming.set(false);
        }
    });
    let send = move || {
        step.dispatch((
            chosen.get_untracked(),
            referral.get_untracked(),
            referral_name.get_untracked(),
            note.get_untracked(),
        ));
    };
    let public = detail.summary.public;
    let has_steps = !detail.steps.is_empty();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if chosen.get_untracked().is_empty() {
            unchosen.set(true);
        } else if chosen.get_untracked() == "refer" && referral.get_untracked() == "police" {
            // The police are not called by accident: one more, explicit tap.
            confirming.set(true);
        } else {
            send();
        }
    };
    view! {
        <section class="card stack" aria-labelledby="triage-title" data-testid="triage">
            <h2 id="triage-title">{i.status}</h2>
            {has_steps
                .then(|| {
                    view! {
                        <form class="stack" on:submit=on_submit>
                            <div class="segmented" role="radiogroup">
                                {detail
                                    .steps
                                    .iter()
                                    .map(|s| {
                                        let value = s.clone();
                                        let value2 = s.clone();
                                        view! {
                                            <label class="segment" data-testid=format!("step-{s}")>
                                                <input
                                                    type="radio"
                                                    name="step"
                                                    value=s.clone()
                                                    prop:checked=move || chosen.get() == value2
                                                    on:change=move |_| {
                                                        chosen.set(value.clone());
                                                        unchosen.set(false);
                                                        confirming.set(false);
                                                    }
                                                />
                                                <span>{step_label(i, s).to_owned()}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                            <Show when=move || chosen.get() == "refer">
                                <label class="field">
                                    <span>{i.referred_to}</span>
                                    <select
                                        name="referral"
                                        data-testid="referral"
                                        prop:value=move || referral.get()
                                        on:change=move |ev| {
                                            referral.set(event_target_value(&ev));
                                            confirming.set(false);
                                        }
                                    >
                                        <option value="" disabled=true>
                                            {i.choose_referral}
                                        </option>
                                        <option value="police">{i.referral_police}</option>
                                        <option value="committee">{i.referral_committee}</option>
                                        <option value="property">{i.referral_property}</option>
                                        <option value="named">{i.referral_named}</option>
                                    </select>
                                </label>
                                <Show when=move || referral.get() == "named">
                                    <label class="field">
                                        <span>{i.referral_name}</span>
                                        <input
                                            name="referral_name"
                                            maxlength="40"
                                            data-testid="referral-name"
                                            on:input=move |ev| {
                                                referral_name.set(event_target_value(&ev))
                                            }
                                        />
                                    </label>
                                </Show>
                            </Show>
                            <label class="field">
                                <span>
                                    {move || {
                                        if matches!(chosen.get().as_str(), "reject" | "reopen") {
                                            i.note_reject
                                        } else {
                                            i.note
                                        }
                                    }}
                                </span>
                                <textarea
                                    name="note"
                                    rows="2"
                                    maxlength="200"
                                    data-testid="step-note"
                                    prop:value=move || note.get()
                                    on:input=move |ev| note.set(event_target_value(&ev))
                                ></textarea>
                            </label>
                            <Show when=move || unchosen.get()>
                                <p class="form-error" role="alert" data-testid="step-error">
                                    {i.choose_step}
                                </p>
                            </Show>
                            {move || {
                                step_error()
                                    .filter(|_| !unchosen.get())
                                    .map(|e| {
                                        view! {
                                            <p class="form-error" role="alert" data-testid="step-error">
                                                {e}
                                            </p>
                                        }
                                    })
                            }}
                            <Show when=move || confirming.get()>
                                <div
                                    class="alert warn stack"
                                    role="alertdialog"
                                    data-testid="confirm-police"
                                >
                                    <p>{i.confirm_police}</p>
                                    <div class="row">
                                        <button
                                            type="button"
                                            class="button primary"
                                            data-testid="confirm-refer"
                                            on:click=move |_| {
                                                confirming.set(false);
                                                send();
                                            }
                                        >
                                            {i.confirm_refer}
                                        </button>
                                        <button
                                            type="button"
                                            class="button"
                                            on:click=move |_| confirming.set(false)
                                        >
                                            {i.cancel}
                                        </button>
                                    </div>
                                </div>
                            </Show>
                            <button
                                type="submit"
                                class="button primary block"
                                data-testid="step-submit"
                                disabled=move || step.pending().get()
                            >
                                {i.act}
                            </button>
                        </form>
                    }
                })}
            <form
                class="stack assign"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(p) = person.get_untracked() {
                        assign.dispatch(Some(p));
                    }
                }
            >
                <label class="field">
                    <span>{i.assign_to}</span>
                    <select
                        name="volunteer_id"
                        data-testid="assign-person"
                        on:change=move |ev| person.set(event_target_value(&ev).parse().ok())
                    >
                        <option value="" selected=true>
                            {i.assign_pick}
                        </option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                people
                                    .await
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|p| {
                                        let label = match &p.vest_no {
                                            Some(v) => format!("{} · {v}", p.name),
                                            None => p.name.clone(),
                                        };
                                        view! { <option value=p.id.to_string()>{label}</option> }
                                    })
                                    .collect_view()
                            })}
                        </Suspense>
                    </select>
                </label>
                <button
                    type="submit"
                    class="button"
                    data-testid="assign-submit"
                    disabled=move || assign.pending().get() || person.get().is_none()
                >
                    {i.assign}
                </button>
            </form>
            <button
                type="button"
                class="button small"
                data-testid="assign-me"
                on:click=move |_| {
                    assign.dispatch(None);
                }
            >
                {i.assign_me}
            </button>
            {move || {
                assign_error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert" data-testid="assign-error">
                                {e}
                            </p>
                        }
                    })
            }}
            <button
                type="button"
                class="button small"
                data-testid="publish"
                on:click=move |_| {
                    publish.dispatch(!public);
                }
            >
                {if public { i.unpublish } else { i.publish }}
            </button>
            {move || {
                publish_error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
        </section>
    }
    .into_any()
}
