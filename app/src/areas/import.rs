//! `/areas/import`: an association admin uploads a GeoJSON file of area boundaries and sites.
//! The upload shows its progress (district files run to megabytes on a weak network); the
//! server checks every feature and either applies the whole file or lists each problem with
//! the feature's position and name, and changes nothing.

use crate::i18n::{use_texts, Texts};
use crate::AppError;
use domain::geometry::{ImportError, ImportProblem};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// Where the file is posted (a plain route: a server function would buffer it without progress).
pub const IMPORT_URL: &str = "/admin/import/geojson";

/// The server's answer to an upload.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub boundaries: u32,
    pub sites: u32,
    /// Empty when the file was applied.
    pub errors: Vec<ImportError>,
    /// Set when the request itself failed (not logged in, not allowed, too large).
    pub refused: Option<String>,
}

/// One problem in words: "第 3 项（芙蓉街北口）：轮廓线自相交".
pub fn describe(t: &Texts, e: &ImportError) -> String {
    let what = match &e.problem {
        ImportProblem::NotGeoJson => t.imp_not_geojson.to_owned(),
        ImportProblem::UnknownKind => t.imp_unknown_kind.to_owned(),
        ImportProblem::MissingProperty(p) => t.imp_missing_property.replace("{property}", p),
        ImportProblem::UnknownArea(a) => t.imp_unknown_area.replace("{area}", a),
        ImportProblem::UnsupportedGeometry(g) => {
            t.imp_unsupported_geometry.replace("{geometry}", g)
        }
        ImportProblem::BadCoordinate(c) => t.imp_bad_coordinate.replace("{value}", c),
        ImportProblem::RingNotClosed => t.imp_ring_not_closed.to_owned(),
        ImportProblem::TooFewPoints => t.imp_too_few_points.to_owned(),
        ImportProblem::SelfIntersecting => t.imp_self_intersecting.to_owned(),
        ImportProblem::RadiusOutOfRange => t.imp_radius_out_of_range.to_owned(),
        ImportProblem::DuplicateSite(n) => t.imp_duplicate_site.replace("{name}", n),
    };
    if e.feature == 0 {
        return what;
    }
    let which = t.imp_feature.replace("{n}", &e.feature.to_string());
    match &e.name {
        Some(name) => format!("{which}（{name}）：{what}"),
        None => format!("{which}：{what}"),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let t = use_texts();
    // The form is for association admins: others (and nobody logged in) are told so instead
    // of being shown an upload that can only be refused.
    let me = Resource::new(|| (), |_| crate::auth::whoami());
    view! {
        <Title text=t.import_title />
        <h1>{t.import_title}</h1>
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) if m.role >= domain::Role::AssociationAdmin => {
                        view! { <ImportForm /> }.into_any()
                    }
                    Ok(Some(_)) => {
                        view! { <crate::pages::PageError e=AppError::Forbidden /> }.into_any()
                    }
                    Ok(None) => {
                        view! { <crate::auth::LoginPrompt next="/areas/import" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ImportForm() -> impl IntoView {
    let t = use_texts();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let progress = RwSignal::new(None::<f64>);
    let outcome = RwSignal::new(None::<ImportOutcome>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();

    let start = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(file) = input.get().and_then(|i| i.files()).and_then(|f| f.get(0)) else {
                return;
            };
            busy.set(true);
            outcome.set(None);
            progress.set(Some(0.0));
            upload(
                file,
                move |p| progress.set(Some(p)),
                move |result| {
                    busy.set(false);
                    progress.set(None);
                    outcome.set(Some(result));
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&input, &busy, &progress);
    };

    view! {
        <section class="card stack">
            <p>{t.import_intro}</p>
            <pre class="sample">
                {r#"{"type":"Feature","properties":{"kind":"site","name":"曲水亭","area":"芙蓉街社区","radius_m":60},"geometry":{"type":"Point","coordinates":[117.025,36.665]}}"#}
            </pre>
            <label class="field">
                <span>{t.import_file}</span>
                <input
                    type="file"
                    accept=".geojson,.json,application/geo+json,application/json"
                    node_ref=input
                    data-testid="import-file"
                />
            </label>
            <button
                type="button"
                class="button primary block"
                data-testid="import-start"
                disabled=move || !hydrated.get() || busy.get()
                on:click=start
            >
                {t.import_start}
            </button>
            <Show when=move || !hydrated.get()>
                <p class="hint">{t.form_needs_js}</p>
            </Show>
            {move || {
                progress
                    .get()
                    .map(|p| {
                        view! {
                            <div class="progress big" data-testid="import-progress">
                                <progress
                                    max="1000"
                                    value=((p * 1000.0) as u32).to_string()
                                ></progress>
                                <span class="progress-label">
                                    {format!("{} {:.0}%", t.uploading, p * 100.0)}
                                </span>
                            </div>
                        }
                    })
            }}
        </section>
        {move || {
            outcome
                .get()
                .map(|o| {
                    if let Some(refused) = o.refused.clone() {
                        view! {
                            <p class="form-error" role="alert">
                                {refused}
                            </p>
                        }
                            .into_any()
                    } else if o.errors.is_empty() {
                        view! {
                            <p class="notice" role="status" data-testid="import-done">
                                {t
                                    .import_done
                                    .replace("{boundaries}", &o.boundaries.to_string())
                                    .replace("{sites}", &o.sites.to_string())}
                            </p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <section class="card" role="alert" data-testid="import-errors">
                                <h2>
                                    {t.import_failed.replace("{n}", &o.errors.len().to_string())}
                                </h2>
                                <ul class="problems">
                                    {o
                                        .errors
                                        .iter()
                                        .map(|e| view! { <li>{describe(t, e)}</li> })
                                        .collect_view()}
                                </ul>
                            </section>
                        }
                            .into_any()
                    }
                })
        }}
    }
}

/// Posts the file with `XMLHttpRequest`, whose upload reports progress (fetch cannot yet).
#[cfg(feature = "hydrate")]
fn upload(
    file: web_sys::File,
    on_progress: impl Fn(f64) + 'static,
    on_done: impl FnOnce(ImportOutcome) + 'static,
) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let refused = |text: &str| ImportOutcome {
        refused: Some(text.to_owned()),
        ..Default::default()
    };
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        on_done(refused("XMLHttpRequest"));
        return;
    };
    if xhr.open("POST", IMPORT_URL).is_err() {
        on_done(refused("open"));
        return;
    }
    let _ = xhr.set_request_header("content-type", "application/geo+json");
    if let Ok(upload) = xhr.upload() {
        let progress =
            Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    on_progress(e.loaded() / e.total());
                }
            });
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
        // Lives as long as the request; one upload per click, so the leak is bounded.
        progress.forget();
    }
    let request = xhr.clone();
    let done = Closure::once(move || {
        let text = request.response_text().ok().flatten().unwrap_or_default();
        let outcome =
            serde_json::from_str::<ImportOutcome>(&text).unwrap_or_else(|_| ImportOutcome {
                refused: Some(if text.is_empty() {
                    format!("HTTP {}", request.status().unwrap_or(0))
                } else {
                    text
                }),
                ..Default::default()
            });
        on_done(outcome);
    });
    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));
    done.forget();
    if xhr.send_with_opt_blob(Some(&file)).is_err() {
        // onloadend still fires with the failure.
    }
}
