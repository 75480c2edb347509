//! "我的": the volunteer's own page. For now it holds the location check a volunteer runs
//! before a patrol, since check-in depends on the phone's position.

use crate::auth::{whoami, Me};
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MePage() -> impl IntoView {
    let t = use_texts();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text=t.me_title />
        <h1>{t.me_title}</h1>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(me)) => view! { <MeCard me /> }.into_any(),
                    Ok(None) => view! {
                        <section class="card">
                            <p>{t.login_needed}</p>
                            <a class="button primary block" href="/login?next=/me">{t.login_link}</a>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.user_message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <LocationCheck />
    }
}

/// The reader's own record, with the logout form.
#[component]
fn MeCard(me: Me) -> impl IntoView {
    let t = use_texts();
    let home = me.home.join(" › ");
    let me_role = me.role;
    view! {
        <section class="card me-card" data-testid="me-card">
            <h2 class="me-name">{me.name}</h2>
            <dl class="facts">
                <dt>{t.my_role}</dt><dd data-testid="me-role">{t.role(me.role)}</dd>
                <dt>{t.status_label}</dt><dd>{t.volunteer_status(me.status)}</dd>
                <dt>{t.vest_no}</dt><dd>{me.vest_no.unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{t.phone_label}</dt><dd>{me.phone}</dd>
                <dt>{t.home_community}</dt><dd>{home}</dd>
            </dl>
            <Show when=move || { me_role >= domain::Role::TeamLeader }>
                <ul class="shortcut-list admin-links">
                    <li><a class="shortcut" href="/volunteers">{t.volunteers_title}</a></li>
                    <Show when=move || { me_role >= domain::Role::Coordinator }>
                        <li><a class="shortcut" href="/teams">{t.teams_title}</a></li>
                        <li><a class="shortcut" href="/audit">{t.audit_title}</a></li>
                    </Show>
                </ul>
            </Show>
            <form method="post" action="/auth/logout">
                <button type="submit" class="button block">{t.logout}</button>
            </form>
        </section>
    }
}

/// The outcome of one request for the phone's position.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(
        dead_code,
        reason = "only the browser's geolocation callbacks build these"
    )
)]
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fix {
    Idle,
    Locating,
    Found { lat: f64, lon: f64, accuracy_m: f64 },
    Denied,
    Unavailable,
}

impl Fix {
    fn describe(self, t: &Texts) -> String {
        match self {
            Fix::Idle => String::new(),
            Fix::Locating => t.gps_checking.to_owned(),
            Fix::Found {
                lat,
                lon,
                accuracy_m,
            } => {
                format!(
                    "{lat:.5}, {lon:.5} · {} {accuracy_m:.0} m",
                    t.gps_result_accuracy
                )
            }
            Fix::Denied => t.gps_denied.to_owned(),
            Fix::Unavailable => t.gps_unavailable.to_owned(),
        }
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
        request_position(move |result| fix.set(result));
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

/// Asks the browser for one fresh, high-accuracy position.
#[cfg(feature = "hydrate")]
fn request_position(done: impl Fn(Fix) + Clone + 'static) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        done(Fix::Unavailable);
        return;
    };
    let on_fix = {
        let done = done.clone();
        Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            done(Fix::Found {
                lat: c.latitude(),
                lon: c.longitude(),
                accuracy_m: c.accuracy(),
            });
        })
    };
    let on_error = Closure::once_into_js(move |err: web_sys::PositionError| {
        done(if err.code() == web_sys::PositionError::PERMISSION_DENIED {
            Fix::Denied
        } else {
            Fix::Unavailable
        });
    });
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    options.set_maximum_age(0);
    let requested = geo.get_current_position_with_error_callback_and_options(
        on_fix.unchecked_ref(),
        Some(on_error.unchecked_ref()),
        &options,
    );
    if requested.is_err() {
        leptos::logging::warn!("geolocation request refused by the browser");
    }
}

#[cfg(not(feature = "hydrate"))]
fn request_position(_done: impl Fn(Fix) + Clone + 'static) {}
