//! `/teams`: coordinators form patrol teams (巡逻队) in their area and name their leaders;
//! a leader receives the team-leader role over the team's community.

use super::api::{
    add_member, create_team, make_leader, revoke_leader, teams, AddMemberInput, CreateTeamInput,
    MakeLeaderInput, RevokeLeaderInput, TeamView,
};
use crate::actions::{failure, refresh_on_success};
use crate::i18n::use_texts;
use crate::volunteers::contact::ContactReveal;
use leptos::prelude::*;
use leptos_meta::Title;

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
    let create = Action::new(move |(c, n): &(i64, String)| {
        create_team(CreateTeamInput {
            community_id: *c,
            name: n.clone(),
        })
    });
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
    let put = Action::new(move |(team, phone): &(i64, String)| {
        add_member(AddMemberInput {
            team_id: *team,
            phone: phone.clone(),
        })
    });
    let lead = Action::new(move |(team, member): &(i64, i64)| {
        make_leader(MakeLeaderInput {
            team_id: *team,
            volunteer_id: *member,
        })
    });
    let unlead = Action::new(move |(team, member): &(i64, i64)| {
        revoke_leader(RevokeLeaderInput {
            team_id: *team,
            volunteer_id: *member,
        })
    });
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
