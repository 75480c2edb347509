//! `/incidents/{id}`: one incident — what, where (on a small map), the photos, and the timeline
//! of every step with who took it and when. A leader over its area moves it along the workflow
//! (acknowledge → refer → resolve → close, or reject with a reason), assigns it to a person and
//! may show it to the community's volunteers — those controls are in `triage`, their server
//! functions in `api`.

use super::api::{incident_detail, DetailData, IncidentDetailInput};
use crate::areas::MapData;
use crate::i18n::{use_lang, use_texts};
use crate::incidents::view::{
    category_label, local_time, referral_label, step_label, SeverityBadge, StatusBadge,
};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn IncidentPage() -> impl IntoView {
    let t = use_texts();
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    });
    let refresh = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| incident_detail(IncidentDetailInput { id }),
    );
    view! {
        <Title text=t.incident.list_title />
        <a class="back" href="/incidents">
            "← "
            {t.incident.list_title}
        </a>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <Detail detail refresh /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/incidents" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(detail: DetailData, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let lang = use_lang();
    let s = detail.summary.clone();
    let title = category_label(&detail.categories, &s.category, lang);
    let late = detail.received_at - s.made_at > 10 * domain::duty::MINUTE_MS;
    view! {
        <article
            class="card stack incident-detail"
            data-testid="incident-detail"
            data-incident=s.id.0.to_string()
        >
            <div class="shift-head">
                <h1>{title}</h1>
                <SeverityBadge severity=s.severity />
                <StatusBadge status=s.status />
            </div>
            <p class="incident-body" data-testid="incident-body">
                {s.body.clone()}
            </p>
            <dl class="facts">
                <dt>{i.area}</dt>
                <dd>{s.area_name.clone()}</dd>
                {detail
                    .site
                    .clone()
                    .map(|site| {
                        view! {
                            <dt>{i.site}</dt>
                            <dd>{site}</dd>
                        }
                    })}
                <dt>{i.reported_at}</dt>
                <dd>
                    {local_time(s.made_at)}
                    {late
                        .then(|| {
                            format!(" ({} {})", i.received_late, local_time(detail.received_at))
                        })}
                </dd>
                <dt>{i.reporter}</dt>
                <dd data-testid="reporter">
                    {detail.reporter.clone().unwrap_or_else(|| i.reporter_hidden.to_owned())}
                </dd>
                <dt>{i.position}</dt>
                <dd data-testid="position">
                    {position_text(i, detail.near.as_ref())}
                    {detail.accuracy_m.map(|a| format!(" · {} {a:.0} m", i.accuracy))}
                </dd>
                {detail
                    .referred_to
                    .clone()
                    .map(|r| {
                        view! {
                            <dt>{i.referred_to}</dt>
                            <dd data-testid="referred-to">{referral_label(i, &r)}</dd>
                        }
                    })}
                {detail
                    .can_triage
                    .then(|| {
                        view! {
                            <dt>{i.assignee}</dt>
                            <dd data-testid="assignee">
                                {detail.assignee.clone().unwrap_or_else(|| i.unassigned.to_owned())}
                            </dd>
                        }
                    })}
            </dl>
            {detail.map.clone().map(|map| view! { <PinMap map lat=s.lat lon=s.lon /> })}
            {(!detail.photo_urls.is_empty())
                .then(|| {
                    view! {
                        <div class="photo-strip">
                            {detail
                                .photo_urls
                                .iter()
                                .map(|url| {
                                    view! {
                                        <figure class="thumb large">
                                            <img
                                                src=url.clone()
                                                alt=i.photo_of
                                                loading="lazy"
                                                data-testid="incident-photo"
                                            />
                                        </figure>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                })}
        </article>
        {detail
            .can_triage
            .then(|| view! { <super::triage::Triage detail=detail.clone() refresh /> })}
        <section class="stack" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{i.timeline}</h2>
            <ol class="timeline" data-testid="timeline">
                {detail
                    .timeline
                    .into_iter()
                    .map(|row| {
                        view! {
                            <li data-step=row.step.clone()>
                                <strong>{step_label(i, &row.step).to_owned()}</strong>
                                {row
                                    .referred_to
                                    .as_ref()
                                    .map(|r| format!(" → {}", referral_label(i, r)))}
                                {row.assignee.clone().map(|a| format!(" → {a}"))}
                                <span class="muted">
                                    " · " {local_time(row.at)} " · "
                                    {row
                                        .actor
                                        .clone()
                                        .unwrap_or_else(|| i.reporter_hidden.to_owned())}
                                </span>
                                {row.note.clone().map(|n| view! { <p class="muted">{n}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// The incident's community with its pin.
#[component]
fn PinMap(map: MapData, lat: f64, lon: f64) -> impl IntoView {
    use crate::areas::{MapMarker, MapShapes};
    let t = use_texts();
    let view_box = map.view_box();
    let at = map.projection.point(lat, lon);
    view! {
        <figure class="area-map">
            <svg
                viewBox=view_box
                role="img"
                aria-label=t.map_label
                xmlns="http://www.w3.org/2000/svg"
            >
                <MapShapes areas=map.areas sites=map.sites />
                <MapMarker at />
            </svg>
        </figure>
    }
}

/// "距山大路科技市场 35 米", "在山大路科技市场范围内", or — no site near — "见下方地图".
fn position_text(i: &crate::i18n::incident::IncidentTexts, near: Option<&(String, u32)>) -> String {
    match near {
        Some((site, 0)) => i.position_at_site.replace("{site}", site),
        Some((site, m)) => i
            .position_near_site
            .replace("{site}", site)
            .replace("{m}", &m.to_string()),
        None => i.position_on_map.to_owned(),
    }
}
