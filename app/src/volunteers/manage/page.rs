//! `/volunteers`: coordinators (and those above them) review applications and manage
//! registrations in their area: approve (a vest number is handed out), reject with a reason,
//! suspend, retire, re-activate. Lists mask phone numbers unless the reader may call people.

use super::api::{
    decide, volunteer_list, DecideInput, Decision, VolunteerListInput, VolunteerListing,
    VolunteerRow,
};
use crate::i18n::use_texts;
use crate::volunteers::contact::ContactReveal;
use crate::volunteers::skills::skill_label;
use domain::VolunteerStatus;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn VolunteersPage() -> impl IntoView {
    let t = use_texts();
    let status = RwSignal::new(Some(VolunteerStatus::Applied));
    let offset = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let decided = RwSignal::new(0u32);
    let list = Resource::new(
        move || (status.get(), offset.get(), search.get(), decided.get()),
        |(status, offset, search, _)| {
            volunteer_list(VolunteerListInput {
                status,
                search: Some(search),
                offset,
            })
        },
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
    let reset = Action::new(move |id: &i64| {
        crate::auth::reset_password(crate::auth::ResetPasswordInput { volunteer_id: *id })
    });
    let registered = row.status == VolunteerStatus::Registered;
    let reason = RwSignal::new(String::new());
    let act = Action::new(move |(id, d, r): &(i64, Decision, Option<String>)| {
        decide(DecideInput {
            volunteer_id: *id,
            decision: *d,
            reason: r.clone(),
        })
    });
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
