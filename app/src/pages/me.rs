//! "我的": the volunteer's own page. For now it holds the location check a volunteer runs
//! before a patrol, since check-in depends on the phone's position.

use crate::auth::{whoami, Me};
use crate::geolocation::{request_position, Fix};
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text=t.me_title />
        <h1>{t.me_title}</h1>
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) if me.status == domain::VolunteerStatus::Applied => {
                        view! {
                            <super::home::Standing />
                            <MeCard me />
                        }
                            .into_any()
                    }
                    Ok(Some(me)) => view! { <MeCard me /> }.into_any(),
                    Ok(None) => view! { <crate::auth::LoginPrompt next="/me" /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Suspense>
        <LocationCheck />
        <crate::notifications::NotifySettingsCard />
    }
}

/// The reader's own record, with the logout form.
#[component]
fn MeCard(me: Me) -> impl IntoView {
    let t = use_texts();
    let home = me.home.join(" › ");
    let me_role = me.role;
    let query = leptos_router::hooks::use_query_map();
    let password_changed = move || query.with(|q| q.get("password_changed").is_some());
    view! {
        <section class="card me-card" data-testid="me-card">
            <h2 class="me-name">{me.name}</h2>
            <Show when=password_changed>
                <p class="alert ok" role="status" data-testid="password-changed">
                    {t.password_changed}
                </p>
            </Show>
            <dl class="facts">
                <dt>{t.my_role}</dt>
                <dd data-testid="me-role">{t.role(me.role)}</dd>
                <dt>{t.status_label}</dt>
                <dd>{t.volunteer_status(me.status)}</dd>
                <dt>{t.vest_no}</dt>
                <dd>{me.vest_no.unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{t.phone_label}</dt>
                <dd>{me.phone}</dd>
                <dt>{t.home_community}</dt>
                <dd>{home}</dd>
            </dl>
            <Show when=move || { me_role >= domain::Role::TeamLeader }>
                <ul class="shortcut-list admin-links">
                    <li>
                        <a class="shortcut" href="/volunteers">
                            {t.volunteers_title}
                        </a>
                    </li>
                    <Show when=move || { me_role >= domain::Role::Coordinator }>
                        <li>
                            <a class="shortcut" href="/teams">
                                {t.teams_title}
                            </a>
                        </li>
                        <li>
                            <a class="shortcut" href="/audit">
                                {t.audit_title}
                            </a>
                        </li>
                    </Show>
                </ul>
            </Show>
            <div class="stack">
                <a class="button block" href="/password" data-testid="change-password">
                    {t.password_title}
                </a>
                <form method="post" action="/auth/logout">
                    <button type="submit" class="button block">
                        {t.logout}
                    </button>
                </form>
            </div>
        </section>
    }
}

#[component]
fn LocationCheck() -> impl IntoView {
    let t = use_texts();
    // The button only works once the wasm has hydrated; until then (or with JavaScript off)
    // it stays disabled and a hint says why, instead of a button that silently does nothing.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let fix = RwSignal::new(Fix::Idle);
    let check = move |_| {
        fix.set(Fix::Locating);
        request_position(0, move |result| fix.set(result));
    };
    view! {
        <section class="card">
            <h2>{t.gps_check_title}</h2>
            <p>{t.gps_check_intro}</p>
            <button
                type="button"
                class="button primary block"
                data-testid="gps-check"
                on:click=check
                disabled=move || !hydrated.get() || fix.get() == Fix::Locating
            >
                {t.gps_check_button}
            </button>
            <Show when=move || !hydrated.get()>
                <p class="hint">{t.gps_needs_js}</p>
            </Show>
            <p class="gps-result" role="status" aria-live="polite" data-testid="gps-result">
                {move || fix.get().describe(t)}
            </p>
        </section>
    }
}
