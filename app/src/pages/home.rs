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
    let figures = Resource::new(|| (), |_| area_figures(None));
    view! {
        <Title text=t.home_title />
        <crate::incidents::UrgentAlerts />
        <section class="hero">
            <h1>{t.app_name}</h1>
            <p class="lead">{t.home_intro}</p>
        </section>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match figures.await {
                    Ok(f) => view! { <Figures f /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! {
                        <section class="card">
                            <p>{t.home_login_prompt}</p>
                            <a class="button primary block" href="/login">{t.login_link}</a>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <ul class="shortcut-list">
            <li><a class="shortcut" href="/shifts">{t.tab_shifts}</a></li>
            <li><a class="shortcut" href="/incidents/new">{t.tab_report}</a></li>
            <li><a class="shortcut" href="/incidents">{t.incident.list_title}</a></li>
            <li><a class="shortcut" href="/map">{t.incident.map_title}</a></li>
            <li><a class="shortcut" href="/me/hours">{t.tab_hours}</a></li>
        </ul>
    }
}
