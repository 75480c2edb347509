//! `/duty-periods/{id}/live`: how a running period stands now — per site, for the slot under
//! way (or the next): needed, on site, still expected, late (the slot began more than the grace
//! ago and they are not in, with their names to call), gone early — and the area map with each
//! site green (met), amber (coming) or red (a gap). `?wall=1` is the command room's big-screen
//! mode: larger type, no side navigation.
//!
//! It asks again every 10 s while on screen (polling, not server-sent events: one small request
//! per screen is nothing for the server, passes every proxy and firewall a street office sits
//! behind, and needs no connection held open on a weak mobile network).

use super::api::{live, LiveData, LiveSite, PeriodInput};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[cfg(feature = "hydrate")]
const POLL_MS: u64 = 10_000;

#[component]
pub fn LivePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let wall = move || query.with(|q| q.get("wall").is_some_and(|w| w == "1"));
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id(), tick.get()),
        |(id, _)| async move {
            match id {
                Some(period) => live(PeriodInput { period }).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    #[cfg(feature = "hydrate")]
    {
        let visible = || {
            web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden())
        };
        let handle = set_interval_with_handle(
            move || {
                if visible() {
                    tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_millis(POLL_MS),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    }
    view! {
        <div class=move || if wall() { "live wall" } else { "live" }>
            <Transition fallback=move || {
                view! { <p class="loading">{t.loading}</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Board d /> }.into_any(),
                        Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Board(d: LiveData) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let slot = d.slot.map(|(s, e)| {
        format!(
            "{} {}–{}",
            crate::duty::view::day(lang, s),
            crate::duty::view::clock(s),
            crate::duty::view::clock(e)
        )
    });
    let (met, gaps) = d
        .sites
        .iter()
        .fold((0, 0), |(m, g), s| match s.cover.as_str() {
            "met" => (m + 1, g),
            "gap" => (m, g + 1),
            _ => (m, g),
        });
    let summary = p
        .live_summary
        .replace("{met}", &met.to_string())
        .replace("{total}", &d.sites.len().to_string())
        .replace("{gaps}", &gaps.to_string());
    let id = d.period.id;
    view! {
        <Title text=format!("{} · {}", d.period.name, p.live_title) />
        <header class="live-head">
            <h1>{d.period.name.clone()} " · " {p.live_title}</h1>
            <p class="muted">
                {slot.unwrap_or_else(|| p.live_none.to_owned())} " · " {p.live_updated} " "
                {crate::duty::view::clock(d.now)}
            </p>
            <p class="live-summary" data-testid="live-summary">
                {summary}
            </p>
            <p class="no-wall">
                <a href=format!("/duty-periods/{id}/live?wall=1")>{p.wall_link}</a>
                " · "
                <a href=format!("/duty-periods/{id}")>{p.back_to_plan}</a>
            </p>
        </header>
        <div class="live-body">
            {d.map.clone().map(|map| view! { <LiveMap map sites=d.sites.clone() /> })}
            <ul class="live-sites" data-testid="live-sites">
                {d.sites.into_iter().map(|s| view! { <SiteLine s /> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn SiteLine(s: LiveSite) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let figures = p
        .live_figures
        .replace("{on}", &s.on_site.to_string())
        .replace("{needed}", &s.needed.to_string())
        .replace("{expected}", &s.expected.to_string());
    let label = match s.cover.as_str() {
        "met" => p.cover_met,
        "coming" => p.cover_coming,
        _ => p.cover_gap,
    };
    view! {
        <li
            class=format!("card live-site cover-{}", s.cover)
            data-testid="live-site"
            data-cover=s.cover.clone()
        >
            <div class="row spread">
                <strong>{s.name.clone()}</strong>
                <span class="badge">{label}</span>
            </div>
            <p class="live-figures">{figures}</p>
            {(s.late > 0)
                .then(|| {
                    view! {
                        <p class="late" data-testid="late">
                            {p.live_late.replace("{n}", &s.late.to_string())}
                            " "
                            {s.late_names.join("、")}
                        </p>
                    }
                })}
            {(s.left_early > 0)
                .then(|| {
                    view! {
                        <p class="muted">
                            {p.live_left_early.replace("{n}", &s.left_early.to_string())}
                        </p>
                    }
                })}
        </li>
    }
}

#[component]
fn LiveMap(map: crate::areas::MapData, sites: Vec<LiveSite>) -> impl IntoView {
    let t = use_texts();
    let view_box = map.view_box();
    view! {
        <figure class="card area-map live-map" data-testid="live-map">
            <svg
                viewBox=view_box
                role="img"
                aria-label=t.map_label
                xmlns="http://www.w3.org/2000/svg"
            >
                {map
                    .areas
                    .iter()
                    .map(|a| view! { <path class="map-area" d=a.path.clone() /> })
                    .collect_view()}
                {map
                    .areas
                    .iter()
                    .map(|a| view! { <path class="map-outline" d=a.path.clone() /> })
                    .collect_view()}
                {sites
                    .into_iter()
                    .filter_map(|s| {
                        let (x, y) = s.at?;
                        Some(
                            view! {
                                <g class=format!("live-dot cover-{}", s.cover)>
                                    <circle cx=x cy=y r="16" />
                                    <text x=x y=y - 24 text-anchor="middle" class="map-site-label">
                                        {s.name}
                                    </text>
                                </g>
                            },
                        )
                    })
                    .collect_view()}
            </svg>
        </figure>
    }
}
