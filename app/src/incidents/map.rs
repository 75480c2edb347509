//! `/map` (隐患地图): the reader's area drawn as SVG on the server from the stored boundaries
//! and sites — so it opens offline from the page cache and in tests with no tile server — with
//! the incidents of a chosen period as pins coloured by status, merged into numbered clusters
//! where they crowd, or as a heat layer of grid cells. Tapping a pin opens the incident; tapping
//! a cluster zooms in on it. A raster base map can be configured (`PINGAN_TILE_URL`); it is off
//! by default, and a GCJ-02 provider gets everything drawn over it shifted to GCJ-02.

use crate::areas::MapData;
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Pins closer than this (SVG units; the map is 1000 wide) merge into a cluster.
pub const CLUSTER_RADIUS: f64 = 90.0;
/// The heat layer's grid cell (SVG units).
pub const HEAT_CELL: f64 = 50.0;
/// The most incidents one map draws.
#[cfg(feature = "ssr")]
const MAX_POINTS: u32 = 5_000;

/// What the address asks for: `/map?days=30&layer=heat&zoom=3&x=420&y=310&tiles=1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapQuery {
    pub days: u32,
    /// `pins` or `heat`.
    pub layer: String,
    /// 1 = the whole area; a cluster's tap zooms ×3 around it.
    pub zoom: u32,
    /// The zoom's centre, in the unzoomed map's coordinates.
    pub at: Option<(f64, f64)>,
    pub tiles: bool,
}

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

/// A pin or a cluster of pins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPin {
    pub x: f64,
    pub y: f64,
    pub count: usize,
    /// The incident, when the pin is a single one.
    pub id: Option<i64>,
    /// The status that matters most among its incidents (open before done).
    pub status: String,
    pub urgent: bool,
    /// Where a cluster's tap zooms to, in unzoomed coordinates.
    pub zoom_at: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatSquare {
    pub x: f64,
    pub y: f64,
    pub size: f64,
    pub count: u32,
    pub intensity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub href: String,
    pub x: f64,
    pub y: f64,
    pub size: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPageData {
    pub map: Option<MapData>,
    pub pins: Vec<MapPin>,
    pub heat: Vec<HeatSquare>,
    pub tiles: Vec<Tile>,
    pub tiles_available: bool,
    pub total: usize,
}

/// The order statuses win in a cluster's colour: what still needs doing first.
#[cfg(feature = "ssr")]
fn rank(status: domain::incident::IncidentStatus) -> u8 {
    use domain::incident::IncidentStatus::*;
    match status {
        Reported => 0,
        Acknowledged => 1,
        Referred => 2,
        Resolved => 3,
        Closed => 4,
        Rejected => 5,
    }
}

/// The tiles covering the map at `p` (at most 64; none at all beyond that).
#[cfg(feature = "ssr")]
fn tiles_for(layer: &super::TileLayer, p: &crate::areas::Projection, height: u32) -> Vec<Tile> {
    // The zoom whose 256-pixel tiles are about 256 map units wide.
    let z = (p.k / 256.0).log2().round().clamp(1.0, 19.0) as u32;
    let n = f64::from(1u32 << z);
    let (x0, x1) = (p.x0 * n, (p.x0 + 1000.0 / p.k) * n);
    let (y0, y1) = (p.y0 * n, (p.y0 + f64::from(height) / p.k) * n);
    let size = p.k / n;
    let (cols, rows) = (
        x0.floor() as i64..=x1.floor() as i64,
        y0.floor() as i64..=y1.floor() as i64,
    );
    if cols.clone().count() * rows.clone().count() > 64 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for ty in rows {
        for tx in cols.clone() {
            let (Ok(ux), Ok(uy)) = (u32::try_from(tx), u32::try_from(ty)) else {
                continue;
            };
            out.push(Tile {
                href: layer.tile_url(z, ux, uy),
                x: (tx as f64 / n - p.x0) * p.k,
                y: (ty as f64 / n - p.y0) * p.k,
                size,
            });
        }
    }
    out
}

/// The positions that frame the map: those within half the areas' size around them. One report
/// made with a wild position (0°, 0°) must not shrink the district to a dot; its pin is drawn
/// off the frame instead.
#[cfg(feature = "ssr")]
fn near_the_areas(
    shapes: &[(i64, String, domain::geometry::Shape)],
    positions: impl Iterator<Item = (f64, f64)>,
) -> Vec<(f64, f64)> {
    use geo::BoundingRect;
    let rects: Vec<_> = shapes
        .iter()
        .filter_map(|(_, _, s)| s.bounding_rect())
        .collect();
    let Some(first) = rects.first() else {
        return positions.collect();
    };
    let (mut x0, mut y0, mut x1, mut y1) =
        (first.min().x, first.min().y, first.max().x, first.max().y);
    for r in &rects {
        (x0, y0) = (x0.min(r.min().x), y0.min(r.min().y));
        (x1, y1) = (x1.max(r.max().x), y1.max(r.max().y));
    }
    let (dx, dy) = ((x1 - x0) / 2.0, (y1 - y0) / 2.0);
    positions
        .filter(|(lat, lon)| (x0 - dx..=x1 + dx).contains(lon) && (y0 - dy..=y1 + dy).contains(lat))
        .collect()
}

#[server(endpoint = "incidents/map")]
pub async fn incident_map(query: MapQuery) -> Result<MapPageData, AppError> {
    crate::error::answer(async move {
        use crate::areas::{build_map, draw_map, Datum, Projection};
        use domain::incident::cluster::{cluster, heat, Pin};
        use domain::incident::port::{IncidentQuery, Viewer};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let viewer = super::access::viewer_of(store, &who).await?;
        let root = match viewer {
            Viewer::Area(root) => root,
            Viewer::Volunteer { community, .. } => community,
        };
        let now = chrono::Utc::now().timestamp_millis();
        let facts = store
            .incident_facts(
                viewer,
                &IncidentQuery {
                    from: Some(now - i64::from(query.days.min(366)) * domain::duty::DAY_MS),
                    ..Default::default()
                },
                MAX_POINTS,
            )
            .await
            .map_err(AppError::from)?;
        let layer = state.incidents.tiles.clone();
        let datum = match (&layer, query.tiles) {
            (Some(l), true) => l.datum,
            _ => Datum::Wgs84,
        };
        let (shapes, sites) = crate::areas::area_shapes(store, root).await?;
        let positions = near_the_areas(&shapes, facts.iter().map(|f| (f.lat, f.lon)));
        let Some(whole) = build_map(&shapes, &sites, &positions, datum) else {
            return Ok(MapPageData {
                map: None,
                pins: Vec::new(),
                heat: Vec::new(),
                tiles: Vec::new(),
                tiles_available: layer.is_some(),
                total: facts.len(),
            });
        };
        // Zoomed: the same frame scaled around the tapped cluster.
        let map = match query.at.filter(|_| query.zoom > 1) {
            Some((x, y)) => {
                let p = whole.projection;
                let zoom = f64::from(query.zoom);
                let k = p.k * zoom;
                let (cx, cy) = (x / p.k + p.x0, y / p.k + p.y0);
                let zoomed = Projection {
                    x0: cx - 500.0 / k,
                    y0: cy - f64::from(whole.height) / 2.0 / k,
                    k,
                    datum,
                };
                draw_map(zoomed, whole.height, &shapes, &sites)
            }
            None => whole.clone(),
        };
        let p = map.projection;
        // Back from the shown map to the unzoomed one, for the next zoom's centre.
        let unzoomed = |x: f64, y: f64| {
            let w = whole.projection;
            ((x / p.k + p.x0 - w.x0) * w.k, (y / p.k + p.y0 - w.y0) * w.k)
        };
        let pins: Vec<Pin<(i64, domain::incident::IncidentStatus, bool)>> = facts
            .iter()
            .map(|f| {
                let (x, y) = p.project(f.lat, f.lon);
                Pin {
                    x,
                    y,
                    item: (
                        f.id.0,
                        f.status,
                        f.severity == domain::incident::Severity::Urgent && f.status.is_open(),
                    ),
                }
            })
            .collect();
        let pins = cluster(&pins, CLUSTER_RADIUS)
            .into_iter()
            .map(|c| {
                let status = c
                    .items
                    .iter()
                    .map(|i| i.1)
                    .min_by_key(|s| rank(*s))
                    .unwrap_or(domain::incident::IncidentStatus::Reported);
                MapPin {
                    x: c.x,
                    y: c.y,
                    count: c.items.len(),
                    id: (c.items.len() == 1).then(|| c.items[0].0),
                    status: status.as_str().to_owned(),
                    urgent: c.items.iter().any(|i| i.2),
                    zoom_at: unzoomed(c.x, c.y),
                }
            })
            .collect();
        let points: Vec<(f64, f64)> = facts.iter().map(|f| p.project(f.lat, f.lon)).collect();
        let heat = heat(&points, HEAT_CELL)
            .into_iter()
            .map(|c| HeatSquare {
                x: c.col as f64 * HEAT_CELL,
                y: c.row as f64 * HEAT_CELL,
                size: HEAT_CELL,
                count: c.count,
                intensity: c.intensity,
            })
            .collect();
        let tiles = match (&layer, query.tiles) {
            (Some(l), true) => tiles_for(l, &p, map.height),
            _ => Vec::new(),
        };
        Ok(MapPageData {
            map: Some(map),
            pins,
            heat,
            tiles,
            tiles_available: layer.is_some(),
            total: facts.len(),
        })
    })
    .await
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
                            {super::view::status_label(i, s)}
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::areas::{world, Datum, Projection};

    #[test]
    fn tiles_cover_the_frame_and_line_up_with_the_projection() {
        // A frame about 4 km wide around 泉城广场, 济南.
        let (p, height) =
            Projection::fit(&[(36.655, 117.00), (36.685, 117.045)], Datum::Wgs84).expect("fit");
        let layer = super::super::TileLayer {
            url: "https://tiles.example.cn/{z}/{x}/{y}.png".into(),
            datum: Datum::Wgs84,
        };
        let tiles = tiles_for(&layer, &p, height);
        assert!(
            !tiles.is_empty() && tiles.len() <= 64,
            "{} tiles",
            tiles.len()
        );
        // Every tile is a square of one size; together they cover the frame's corners.
        let size = tiles[0].size;
        assert!(tiles.iter().all(|t| (t.size - size).abs() < 1e-9));
        let covers = |x: f64, y: f64| {
            tiles
                .iter()
                .any(|t| t.x <= x && x <= t.x + t.size && t.y <= y && y <= t.y + t.size)
        };
        assert!(covers(0.0, 0.0) && covers(1000.0, f64::from(height)));
        // The tile under a position is the one the slippy-map formula names for it.
        let (lat, lon) = (36.6702, 117.0211);
        let (x, y) = p.project(lat, lon);
        let under = tiles
            .iter()
            .find(|t| t.x <= x && x < t.x + t.size && t.y <= y && y < t.y + t.size)
            .expect("a tile under the point");
        let z: u32 = under.href.split('/').nth(3).expect("z").parse().expect("z");
        let n = f64::from(1u32 << z);
        let (wx, wy) = world(lat, lon);
        let expected = format!(
            "https://tiles.example.cn/{z}/{}/{}.png",
            (wx * n).floor(),
            (wy * n).floor()
        );
        assert_eq!(under.href, expected);
    }
}
