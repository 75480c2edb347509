//! `/incidents/new` (上报隐患): a report in under 30 seconds with one thumb — a category chip,
//! a severity, a line of text, the position the phone found (moved by tapping the map when it
//! is off), and photos shrunk on the phone. It leaves through the outbox, so a report made in a
//! basement with no signal is kept on the phone and sent, exactly once, when the network returns.

use super::api::ReportFormData;
use super::parts::{PhotoPicker, TapMap};
use super::send::{phone_clock_ms, Sent};
#[cfg(feature = "hydrate")]
use super::{send::send_report, wire::ReportInput};
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportPage() -> impl IntoView {
    let t = use_texts();
    let form = Resource::new(|| (), |_| super::api::report_form());
    view! {
        <Title text=t.incident.report_title />
        <div class="section-head">
            <h1>{t.incident.report_title}</h1>
            <a class="button small" href="/incidents">
                {t.incident.list_title}
            </a>
        </div>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => view! { <ReportFormView form /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/incidents/new" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ReportFormView(form: ReportFormData) -> impl IntoView {
    let t = use_texts();
    let lang = crate::i18n::use_lang();
    let i = t.incident;
    let category = RwSignal::new(String::new());
    let severity = RwSignal::new("1".to_owned());
    let body = RwSignal::new(String::new());
    // The phone's fix (lat, lon, accuracy); a tap on the map replaces it (accuracy unknown).
    let fix = RwSignal::new(None::<(f64, f64, Option<f64>)>);
    let adjusted = RwSignal::new(false);
    let locating = RwSignal::new(false);
    let no_fix = RwSignal::new(false);
    let photos = RwSignal::new(Vec::<String>::new());
    let photo_error = RwSignal::new(None::<&'static str>);
    // Photos still being shrunk: the report waits for them.
    let shrinking = RwSignal::new(0u32);
    let error = RwSignal::new(None::<(String, String)>);
    let sending = RwSignal::new(false);
    let sent = RwSignal::new(None::<Sent>);
    let max_photos = form.max_photos;
    #[cfg(feature = "hydrate")]
    let me = form.me;
    let categories = StoredValue::new(form.categories.clone());
    let sites = StoredValue::new(form.sites.clone());
    // "Near this site": the place when the phone gives no position.
    let near_site = RwSignal::new(String::new());
    // Shows the server's answer to the plain form (JavaScript off) when the page comes back.
    let by_form = ServerAction::<super::api::ReportByForm>::new();
    let form_error = crate::actions::failure(*by_form, t);
    let form_url = <super::api::ReportByForm as leptos::server_fn::ServerFn>::PATH;

    let locate = move || {
        locating.set(true);
        no_fix.set(false);
        adjusted.set(false);
        #[cfg(feature = "hydrate")]
        crate::geolocation::request_position(30_000, move |f| {
            locating.set(false);
            match f {
                // A fix arriving after the volunteer tapped the map does not move their pin.
                crate::geolocation::Fix::Found { .. } if adjusted.get_untracked() => {}
                crate::geolocation::Fix::Found {
                    lat,
                    lon,
                    accuracy_m,
                } => fix.set(Some((lat, lon, Some(accuracy_m)))),
                _ => no_fix.set(true),
            }
        });
    };
    // Ask for the position as soon as the form is on screen: it is usually ready by the time
    // the text is typed.
    Effect::new(move |_| locate());

    let submit = move || {
        error.set(None);
        let chosen = near_site.with_untracked(|id| {
            sites.with_value(|all| {
                all.iter()
                    .find(|s| s.id.to_string() == *id)
                    .map(|s| (s.lat, s.lon, None))
            })
        });
        let Some((lat, lon, accuracy_m)) = fix.get_untracked().or(chosen) else {
            error.set(Some(("position".into(), i.no_position.to_owned())));
            return;
        };
        let made_at = phone_clock_ms();
        let checked = categories.with_value(|all| {
            domain::incident::IncidentDraft::parse(
                &domain::incident::Categories::from_list(all.clone()),
                &category.get_untracked(),
                &severity.get_untracked(),
                &body.get_untracked(),
                lat,
                lon,
                accuracy_m,
                made_at,
                made_at,
            )
        });
        if let Err(e) = checked {
            error.set(Some((e.field.to_string(), t.message(e.key).to_owned())));
        } else {
            #[cfg(feature = "hydrate")]
            send_report(
                ReportInput {
                    client_key: String::new(),
                    made_at,
                    category: category.get_untracked(),
                    severity: severity.get_untracked(),
                    body: body.get_untracked(),
                    lat,
                    lon,
                    accuracy_m,
                    photos: photos.get_untracked(),
                    reporter: Some(me),
                },
                sending,
                sent,
                error,
                t,
            );
        }
    };
    // A problem found here, or the plain form's (which came back with the page).
    let error_for =
        move |field: &'static str| {
            move || {
                let posted = crate::actions::field_problem(*by_form, field, t)();
                error
                .get()
                .filter(|(f, _)| f == field)
                .map(|(_, m)| m)
                .or(posted)
                .map(|m| view! {
                    <p class="field-error" role="alert" data-testid=format!("error-{field}")>
                        {m}
                    </p>
                })
            }
        };
    let reset = move |_| {
        body.set(String::new());
        photos.set(Vec::new());
        photo_error.set(None);
        category.set(String::new());
        severity.set("1".into());
        sent.set(None);
        locate();
    };
    let map = StoredValue::new(form.map.clone());

    let position_line = move || match (fix.get(), locating.get(), adjusted.get()) {
        (_, true, _) => i.locating.to_owned(),
        (Some(_), _, true) => i.adjusted.to_owned(),
        // Where exactly is the pin on the map; the line says how sure the fix is.
        (Some((_, _, Some(acc))), _, _) => format!("{} · {} {acc:.0} m", i.located, i.accuracy),
        (Some((_, _, None)), _, _) => i.located.to_owned(),
        (None, _, _) if no_fix.get() => i.no_position.to_owned(),
        (None, _, _) => String::new(),
    };
    view! {
        <Show
            when=move || sent.get().is_none()
            fallback=move || {
                view! {
                    <div class="card stack" data-testid="report-done">
                        {move || match sent.get() {
                            Some(Sent::Stored(id)) => {
                                view! {
                                    <p class="alert ok" role="status" data-testid="report-sent">
                                        {i.sent}
                                    </p>
                                    <a class="button block" href=format!("/incidents/{id}")>
                                        {i.view_it}
                                    </a>
                                }
                                    .into_any()
                            }
                            _ => {
                                view! {
                                    <p class="alert warn" role="status" data-testid="report-queued">
                                        {i.queued}
                                    </p>
                                }
                                    .into_any()
                            }
                        }}
                        <button type="button" class="button block" on:click=reset>
                            {i.report_another}
                        </button>
                    </div>
                }
            }
        >
            // Posted by the browser itself only without JavaScript; the app sends it through the
            // outbox instead (with the phone's position and photos, and offline).
            <form
                class="stack report-form"
                data-testid="report-form"
                method="post"
                action=form_url
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit();
                }
            >
                <input type="hidden" name="input[client_key]" value=form.form_key.clone() />
                <fieldset class="choice-grid">
                    <legend>{i.category}</legend>
                    {categories
                        .get_value()
                        .into_iter()
                        .map(|c| {
                            let code = c.code.clone();
                            let code2 = c.code.clone();
                            let label = if lang == crate::i18n::Lang::Zh {
                                c.zh.clone()
                            } else {
                                c.en.clone()
                            };
                            view! {
                                <label class="choice">
                                    <input
                                        type="radio"
                                        name="input[category]"
                                        value=code.clone()
                                        prop:checked=move || category.get() == code2
                                        on:change=move |_| {
                                            category.set(code.clone());
                                            error.set(None);
                                        }
                                    />
                                    <span>{label}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                    {error_for("category")}
                </fieldset>
                <fieldset class="segmented" data-testid="severity">
                    <legend>{i.severity}</legend>
                    {[("1", i.severity_normal), ("2", i.severity_serious), ("3", i.severity_urgent)]
                        .into_iter()
                        .map(|(v, label)| {
                            view! {
                                <label class="segment" data-severity=v>
                                    <input
                                        type="radio"
                                        name="input[severity]"
                                        value=v
                                        prop:checked=move || severity.get() == v
                                        on:change=move |_| {
                                            severity.set(v.to_owned());
                                            error.set(None);
                                        }
                                    />
                                    <span>{label}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                    {error_for("severity")}
                </fieldset>
                <label class="field">
                    <span>{i.body}</span>
                    <textarea
                        name="input[body]"
                        rows="3"
                        maxlength="500"
                        placeholder=i.body_placeholder
                        prop:value=move || body.get()
                        on:input=move |ev| {
                            body.set(event_target_value(&ev));
                            error.set(None);
                        }
                    ></textarea>
                    <span class="muted counter">
                        {move || body.with(|b| b.chars().count())} "/500"
                    </span>
                    {error_for("body")}
                </label>
                <section class="field" aria-labelledby="position-title">
                    <span id="position-title">{i.position}</span>
                    <p class="muted" data-testid="position" role="status">
                        {position_line}
                    </p>
                    {map.get_value().map(|map| view! { <TapMap map fix adjusted /> })}
                    <p class="muted">{i.tap_map}</p>
                    <button
                        type="button"
                        class="button small"
                        on:click=move |_| locate()
                        disabled=move || locating.get()
                    >
                        {i.relocate}
                    </button>
                    {(!sites.with_value(Vec::is_empty))
                        .then(|| {
                            view! {
                                <label class="field">
                                    <span>{i.near_site}</span>
                                    <select
                                        name="input[site_id]"
                                        data-testid="near-site"
                                        on:change=move |ev| {
                                            near_site.set(event_target_value(&ev));
                                            error.set(None);
                                        }
                                    >
                                        <option value="">{i.near_site_none}</option>
                                        {sites
                                            .get_value()
                                            .into_iter()
                                            .map(|s| {
                                                view! { <option value=s.id.to_string()>{s.name}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })}
                    {error_for("position")}
                    {error_for("site")}
                    {error_for("lat")}
                    {error_for("lon")}
                    {error_for("accuracy")}
                </section>
                <PhotoPicker photos max_photos photo_error shrinking />
                {form
                    .shift_site
                    .clone()
                    .map(|site| {
                        view! {
                            <p class="muted" data-testid="on-shift">
                                {i.on_shift}
                                " "
                                {site}
                            </p>
                        }
                    })}
                {error_for("photos")}
                {error_for("made_at")}
                {error_for("client_key")}
                {error_for("form")}
                {move || {
                    let whole_form = by_form
                        .value()
                        .with(|v| matches!(v, Some(Err(e)) if e.field_errors().is_empty()));
                    form_error()
                        .filter(|_| whole_form)
                        .map(|e| {
                            view! {
                                <p class="form-error" role="alert" data-testid="form-error">
                                    {e}
                                </p>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button primary block big"
                    data-testid="report-submit"
                    disabled=move || sending.get() || shrinking.get() != 0
                >
                    {move || if sending.get() { i.sending } else { i.submit }}
                </button>
            </form>
        </Show>
    }
    .into_any()
}
