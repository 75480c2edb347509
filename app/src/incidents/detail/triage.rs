//! The leader's controls on an incident: a workflow step (nothing chosen in advance; a referral
//! to the police confirmed with one more tap; the same referral never made twice), assigning it
//! to one of the people the leader leads (picked from a list, not typed as a number), and
//! showing it to the community. Their server functions are in `api`.

use super::api::{
    incident_assign, incident_assignable, incident_publish, incident_step, DetailData,
    IncidentAssignInput, IncidentAssignableInput, IncidentPublishInput, IncidentStepInput,
};
use crate::actions::failure;
use crate::i18n::use_texts;
use crate::incidents::view::step_label;
use leptos::prelude::*;

/// The leader's controls: the workflow steps open from here, assigning, publishing.
#[component]
pub(super) fn Triage(detail: DetailData, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let id = detail.summary.id.0;
    let step = Action::new(move |input: &(String, String, String, String)| {
        let (step, referral, name, note) = input.clone();
        incident_step(IncidentStepInput {
            id,
            step,
            referral,
            referral_name: name,
            note,
        })
    });
    let assign = Action::new(move |person: &Option<i64>| {
        incident_assign(IncidentAssignInput {
            id,
            volunteer_id: *person,
        })
    });
    let people = Resource::new(
        || (),
        move |_| incident_assignable(IncidentAssignableInput { id }),
    );
    let publish = Action::new(move |public: &bool| {
        incident_publish(IncidentPublishInput {
            id,
            public: *public,
        })
    });
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
