//! The home page: what the app is for, the shortcuts, and — once logged in — the district's
//! standing against its volunteer target.

use crate::areas::{area_figures, Figures};
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let t = use_texts();
    let figures = Resource::new(
        || (),
        |_| area_figures(crate::areas::AreaFiguresInput { id: None }),
    );
    view! {
        <Title text=t.home_title />
        <crate::incidents::UrgentAlerts />
        <section class="hero">
            <h1>{t.app_name}</h1>
            <p class="lead">{t.home_intro}</p>
        </section>
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(f) => {
                        view! {
                            <crate::shell::desk::DeskShortcuts />
                            <Figures f />
                            <Shortcuts />
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        view! {
                            <section class="card stack" data-testid="home-welcome">
                                <p>{t.home_login_prompt}</p>
                                <a class="button primary block" href="/login">
                                    {t.login_link}
                                </a>
                                <a class="button block" href="/apply" data-testid="home-apply">
                                    {t.home_apply}
                                </a>
                            </section>
                            <Shortcuts />
                        }
                            .into_any()
                    }
                    Err(e) => {
                        // An applicant sees where they stand, and no links to tools not open to them yet.
                        view! { <PageError e /> }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Shortcuts() -> impl IntoView {
    let t = use_texts();
    view! {
        <ul class="shortcut-list">
            <li>
                <a class="shortcut" href="/shifts">
                    {t.tab_shifts}
                </a>
            </li>
            <li>
                <a class="shortcut" href="/incidents/new">
                    {t.tab_report}
                </a>
            </li>
            <li>
                <a class="shortcut" href="/incidents">
                    {t.incident.list_title}
                </a>
            </li>
            <li>
                <a class="shortcut" href="/map">
                    {t.incident.map_title}
                </a>
            </li>
            <li>
                <a class="shortcut" href="/me/hours">
                    {t.tab_hours}
                </a>
            </li>
        </ul>
    }
}

/// Where an applicant stands and what happens next: the one page they see until a coordinator
/// decides (every other page says the same in a sentence).
#[component]
pub fn Standing() -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                me.await
                    .ok()
                    .flatten()
                    .map(|me| {
                        let community = me.home.last().cloned().unwrap_or_default();
                        view! {
                            <section class="card stack" data-testid="standing">
                                <h2>{t.standing_title}</h2>
                                <p>{t.standing_applied.replace("{community}", &community)}</p>
                                <dl class="facts">
                                    <dt>{t.status_label}</dt>
                                    <dd>{t.volunteer_status(me.status)}</dd>
                                    <dt>{t.home_community}</dt>
                                    <dd>{me.home.join(" › ")}</dd>
                                </dl>
                                <p class="hint">{t.standing_contact}</p>
                            </section>
                        }
                    })
            })}
        </Suspense>
    }
}

/// A page that could not load, in the reader's language. An applicant is not shown an error at
/// all but where their application stands, on every page.
#[component]
pub fn PageError(e: AppError) -> impl IntoView {
    let t = use_texts();
    match e {
        AppError::NotRegistered => view! { <Standing /> }.into_any(),
        e => view! {
            <p class="form-error" role="alert">
                {e.user_message(t)}
            </p>
        }
        .into_any(),
    }
}
