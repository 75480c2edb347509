//! `/map` (隐患地图): the reader's area drawn as SVG on the server from the stored boundaries
//! and sites — so it opens offline from the page cache and in tests with no tile server — with
//! the incidents of a chosen period as pins coloured by status, merged into numbered clusters
//! where they crowd, or as a heat layer of grid cells. Tapping a pin opens the incident; tapping
//! a cluster zooms in on it. A raster base map can be configured (`PINGAN_TILE_URL`); it is off
//! by default, and a GCJ-02 provider gets everything drawn over it shifted to GCJ-02.

use super::api::{incident_map, MapPageData, MapQuery};
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

impl MapQuery {
    fn from_query(q: &leptos_router::params::ParamsMap) -> Self {
        let num = |k: &str| q.get(k).and_then(|v| v.parse::<f64>().ok());
        Self {
            days: q
                .get("days")
                .and_then(|v| v.parse().ok())
                .filter(|d| [7, 30, 90, 365].contains(d))
                .unwrap_or(30),
            layer: if q.get("layer").as_deref() == Some("heat") {
                "heat".into()
            } else {
                "pins".into()
            },
            zoom: q
                .get("zoom")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1)
                .clamp(1, 27),
            at: num("x").zip(num("y")),
            tiles: q.get("tiles").as_deref() == Some("1"),
        }
    }

    fn href(&self, change: impl FnOnce(&mut MapQuery)) -> String {
        let mut q = self.clone();
        change(&mut q);
        let mut s = format!("/map?days={}&layer={}", q.days, q.layer);
        if q.zoom > 1 {
            if let Some((x, y)) = q.at {
                s.push_str(&format!("&zoom={}&x={x:.0}&y={y:.0}", q.zoom));
            }
        }
        if q.tiles {
            s.push_str("&tiles=1");
        }
        s
    }
}

#[component]
pub fn MapPage() -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(MapQuery::from_query));
    let data = Resource::new(move || wanted.get(), incident_map);
    view! {
        <Title text=i.map_title />
        <h1>{i.map_title}</h1>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                let q = wanted.get_untracked();
                match data.await {
                    Ok(map) => view! { <MapView map q /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/map" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MapView(map: MapPageData, q: MapQuery) -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let controls = view! {
        <nav class="map-controls" aria-label=i.filter>
            <span class="muted">{i.last_days}</span>
            {[7u32, 30, 90, 365]
                .into_iter()
                .map(|d| {
                    view! {
                        <a
                            class="chip-link"
                            aria-current=(q.days == d).then_some("true")
                            href=q.href(|x| x.days = d)
                        >
                            {d}
                            " "
                            {i.days}
                        </a>
                    }
                })
                .collect_view()}
            <a
                class="chip-link"
                aria-current=(q.layer == "pins").then_some("true")
                data-testid="layer-pins"
                href=q.href(|x| x.layer = "pins".into())
            >
                {i.layer_pins}
            </a>
            <a
                class="chip-link"
                aria-current=(q.layer == "heat").then_some("true")
                data-testid="layer-heat"
                href=q.href(|x| x.layer = "heat".into())
            >
                {i.layer_heat}
            </a>
            {map
                .tiles_available
                .then(|| {
                    view! {
                        <a
                            class="chip-link"
                            aria-current=q.tiles.then_some("true")
                            href=q.href(|x| x.tiles = !x.tiles)
                        >
                            {i.layer_tiles}
                        </a>
                    }
                })}
        </nav>
    };
    let Some(shape) = map.map else {
        return view! {
            {controls}
            <p class="empty-state">{i.map_empty}</p>
        }
        .into_any();
    };
    let pad = crate::areas::MAP_PAD;
    let view_box = shape.view_box();
    let heat_on = q.layer == "heat";
    let zoom = q.zoom;
    let cluster_href = {
        let q = q.clone();
        move |at: (f64, f64)| {
            q.href(|x| {
                x.zoom = (zoom * 3).min(27);
                x.at = Some(at);
            })
        }
    };
    view! {
        {controls}
        <figure
            class="card area-map incident-map"
            data-testid="incident-map"
            data-total=map.total.to_string()
        >
            <svg
                viewBox=view_box
                role="img"
                aria-label=i.map_title
                xmlns="http://www.w3.org/2000/svg"
            >
                <defs>
                    <clipPath id="map-frame">
                        <rect
                            x=(-pad).to_string()
                            y=(-pad).to_string()
                            width=(1000 + 2 * pad).to_string()
                            height=(shape.height as i32 + 2 * pad).to_string()
                        />
                    </clipPath>
                </defs>
                <g clip-path="url(#map-frame)">
                    {map
                        .tiles
                        .into_iter()
                        .map(|tile| {
                            view! {
                                <image
                                    href=tile.href
                                    x=format!("{:.1}", tile.x)
                                    y=format!("{:.1}", tile.y)
                                    width=format!("{:.1}", tile.size)
                                    height=format!("{:.1}", tile.size)
                                />
                            }
                        })
                        .collect_view()}
                    <crate::areas::MapShapes areas=shape.areas sites=shape.sites>
                        {heat_on
                            .then(|| {
                                map.heat
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <rect
                                                class="heat"
                                                data-testid="heat-cell"
                                                x=format!("{:.1}", c.x)
                                                y=format!("{:.1}", c.y)
                                                width=format!("{:.1}", c.size)
                                                height=format!("{:.1}", c.size)
                                                fill-opacity=format!("{:.2}", 0.15 + 0.65 * c.intensity)
                                            >
                                                <title>{c.count}</title>
                                            </rect>
                                        }
                                    })
                                    .collect_view()
                            })}
                    </crate::areas::MapShapes>
                    {(!heat_on)
                        .then(|| {
                            map.pins
                                .into_iter()
                                .map(|pin| {
                                    let href = match pin.id {
                                        Some(id) => format!("/incidents/{id}"),
                                        None => cluster_href(pin.zoom_at),
                                    };
                                    let single = pin.id.is_some();
                                    view! {
                                        <a
                                            href=href
                                            class="pin"
                                            data-testid=if single { "map-pin" } else { "map-cluster" }
                                            data-incident=pin
                                                .id
                                                .map(|i| i.to_string())
                                                .unwrap_or_default()
                                            data-incident-status=pin.status.clone()
                                            data-urgent=pin.urgent.then_some("true")
                                        >
                                            <circle
                                                cx=format!("{:.1}", pin.x)
                                                cy=format!("{:.1}", pin.y)
                                                r=if single { "40" } else { "50" }
                                            />
                                            {(!single)
                                                .then(|| {
                                                    view! {
                                                        <text
                                                            x=format!("{:.1}", pin.x)
                                                            y=format!("{:.1}", pin.y + 12.0)
                                                            text-anchor="middle"
                                                        >
                                                            {pin.count}
                                                        </text>
                                                    }
                                                })}
                                        </a>
                                    }
                                })
                                .collect_view()
                        })}
                </g>
            </svg>
            <figcaption class="muted">{i.map_caption}</figcaption>
            <MapLegend heat=heat_on />
        </figure>
        {(zoom > 1)
            .then(|| {
                view! {
                    <a
                        class="button small"
                        href=q
                            .href(|x| {
                                x.zoom = 1;
                                x.at = None;
                            })
                    >
                        "⤢"
                    </a>
                }
            })}
    }
    .into_any()
}

/// What the colours mean: a pin's colour is its status (a dark ring: urgent); a heat cell's
/// depth, how many incidents it holds.
#[component]
fn MapLegend(heat: bool) -> impl IntoView {
    use domain::incident::IncidentStatus::*;
    let i = use_texts().incident;
    if heat {
        return view! {
            <div class="map-legend" data-testid="map-legend">
                <span>{i.legend_few}</span>
                <span class="heat-scale" aria-hidden="true"></span>
                <span>{i.legend_many}</span>
            </div>
        }
        .into_any();
    }
    view! {
        <ul class="map-legend" data-testid="map-legend">
            {[Reported, Acknowledged, Referred, Resolved, Rejected]
                .into_iter()
                .map(|s| {
                    view! {
                        <li>
                            <span class="swatch" data-incident-status=s.as_str()></span>
                            {crate::incidents::view::status_label(i, s)}
                        </li>
                    }
                })
                .collect_view()}
            <li>
                <span class="swatch" data-urgent="true"></span>
                {i.legend_urgent}
            </li>
            <li>
                <span class="swatch cluster">"3"</span>
                {i.legend_cluster}
            </li>
        </ul>
    }
    .into_any()
}
