//! A small map of an area: its children's boundaries and its sites, drawn as SVG on the server
//! from the stored polygons — no tile server, so it works offline and in tests.

use serde::{Deserialize, Serialize};

/// A name drawn at `(x, y)` (the middle of its baseline), `size` SVG units high.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapLabel {
    pub x: i32,
    pub y: i32,
    pub size: i32,
}

/// Shapes already projected to the SVG's user space (width 1000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapData {
    pub height: u32,
    /// How lon/lat became these coordinates, so a tap on the map can be turned back into a
    /// position (the report form) and further layers drawn on top (incidents, tiles).
    pub projection: Projection,
    pub areas: Vec<MapArea>,
    pub sites: Vec<MapSite>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapArea {
    pub id: i64,
    pub name: String,
    /// SVG path data.
    pub path: String,
    /// `None` when the name found no room (the shape still names itself as a tooltip).
    pub label: Option<MapLabel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSite {
    pub name: String,
    pub at: (i32, i32),
    /// A polygon site's outline, when it has one.
    pub path: Option<String>,
    pub label: Option<MapLabel>,
}

/// The datum positions are drawn in. Stored positions are WGS-84 (what phones report); a
/// Chinese tile provider draws its streets in GCJ-02, so over its tiles everything is shifted
/// the same way, or pins would land a few hundred metres off their street.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Datum {
    #[default]
    Wgs84,
    Gcj02,
}

/// Web Mercator (the projection of every tile service), scaled so the map is 1000 units wide:
/// `x = (world_x − x0)·k`, where world coordinates run 0..1 around the globe.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Projection {
    pub x0: f64,
    pub y0: f64,
    pub k: f64,
    pub datum: Datum,
}

/// World coordinates (0..1) of a position, Web Mercator.
pub fn world(lat: f64, lon: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.0511, 85.0511).to_radians();
    let x = (lon + 180.0) / 360.0;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / std::f64::consts::PI) / 2.0;
    (x, y)
}

impl Projection {
    /// The projection fitting `positions` (lat, lon) 1000 units wide; `None` when they span
    /// no width.
    pub fn fit(positions: &[(f64, f64)], datum: Datum) -> Option<(Self, u32)> {
        let shift = |(lat, lon): (f64, f64)| match datum {
            Datum::Wgs84 => (lat, lon),
            Datum::Gcj02 => domain::incident::gcj02::wgs84_to_gcj02(lat, lon),
        };
        let worlds: Vec<(f64, f64)> = positions
            .iter()
            .map(|p| {
                let (lat, lon) = shift(*p);
                world(lat, lon)
            })
            .collect();
        let fold = |f: fn(f64, f64) -> f64, start: f64, pick: fn(&(f64, f64)) -> f64| {
            worlds.iter().map(pick).fold(start, f)
        };
        let (x0, x1) = (
            fold(f64::min, f64::MAX, |w| w.0),
            fold(f64::max, f64::MIN, |w| w.0),
        );
        let (y0, y1) = (
            fold(f64::min, f64::MAX, |w| w.1),
            fold(f64::max, f64::MIN, |w| w.1),
        );
        if worlds.is_empty() || x1 <= x0 || y1 <= y0 {
            return None;
        }
        // 1000 units wide, unless that would make a tall area more than 2000 high.
        let k = (1000.0 / (x1 - x0)).min(2000.0 / (y1 - y0));
        let height = ((y1 - y0) * k).round().clamp(100.0, 2000.0) as u32;
        Some((Self { x0, y0, k, datum }, height))
    }

    /// SVG coordinates of a WGS-84 position.
    pub fn project(&self, lat: f64, lon: f64) -> (f64, f64) {
        let (lat, lon) = match self.datum {
            Datum::Wgs84 => (lat, lon),
            Datum::Gcj02 => domain::incident::gcj02::wgs84_to_gcj02(lat, lon),
        };
        let (x, y) = world(lat, lon);
        ((x - self.x0) * self.k, (y - self.y0) * self.k)
    }

    pub fn point(&self, lat: f64, lon: f64) -> (i32, i32) {
        let (x, y) = self.project(lat, lon);
        (x.round() as i32, y.round() as i32)
    }

    /// The WGS-84 position (lat, lon) under SVG coordinates: where a tap on the map points.
    pub fn position(&self, x: f64, y: f64) -> (f64, f64) {
        let wx = x / self.k + self.x0;
        let wy = y / self.k + self.y0;
        let lon = wx * 360.0 - 180.0;
        let lat = (std::f64::consts::PI * (1.0 - 2.0 * wy))
            .sinh()
            .atan()
            .to_degrees();
        match self.datum {
            Datum::Wgs84 => (lat, lon),
            Datum::Gcj02 => domain::incident::gcj02::gcj02_to_wgs84(lat, lon),
        }
    }

    /// SVG path data of a shape (geo's x is longitude, y latitude).
    pub fn path(&self, shape: &domain::geometry::Shape) -> String {
        let mut d = String::new();
        for polygon in &shape.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for (i, c) in ring.coords().enumerate() {
                    let (x, y) = self.point(c.y, c.x);
                    d.push_str(&format!("{}{x} {y}", if i == 0 { "M" } else { "L" }));
                }
                d.push('Z');
            }
        }
        d
    }
}

#[cfg(feature = "ssr")]
pub use build::{build_map, draw_map};

#[cfg(feature = "ssr")]
mod build {
    use super::*;
    use domain::geometry::{Fence, Shape};
    use geo::{BoundingRect, Centroid};

    /// The map of `areas` (id, name, boundary) and `sites`, framed to also hold `extra`
    /// positions (lat, lon); `None` when nothing has a shape.
    pub fn build_map(
        areas: &[(i64, String, Shape)],
        sites: &[domain::Site],
        extra: &[(f64, f64)],
        datum: Datum,
    ) -> Option<MapData> {
        let mut corners = Vec::new();
        for (_, _, shape) in areas {
            if let Some(r) = shape.bounding_rect() {
                corners.extend([(r.min().y, r.min().x), (r.max().y, r.max().x)]);
            }
        }
        for s in sites {
            if let Fence::Circle { lat, lon, .. } = s.fence {
                corners.push((lat, lon));
            }
        }
        corners.extend_from_slice(extra);
        let (p, height) = Projection::fit(&corners, datum)?;
        Some(draw_map(p, height, areas, sites))
    }

    /// The areas and sites drawn with a given projection (a zoomed-in map keeps its frame's
    /// projection and scales it).
    pub fn draw_map(
        p: Projection,
        height: u32,
        areas: &[(i64, String, Shape)],
        sites: &[domain::Site],
    ) -> MapData {
        use crate::areas::labels::{Anchor, Frame, Placer};
        use geo::InteriorPoint;
        // A point inside the shape (a centroid can fall outside an L-shaped community).
        let inside = |shape: &Shape| {
            shape
                .interior_point()
                .or_else(|| shape.centroid())
                .map(|c| p.point(c.y(), c.x()))
                .unwrap_or((0, 0))
        };
        let mut sites: Vec<MapSite> = sites
            .iter()
            .map(|s| match &s.fence {
                Fence::Circle { lat, lon, .. } => MapSite {
                    name: s.name.clone(),
                    at: p.point(*lat, *lon),
                    path: None,
                    label: None,
                },
                Fence::Polygon(shape) => MapSite {
                    name: s.name.clone(),
                    at: inside(shape),
                    path: Some(p.path(shape)),
                    label: None,
                },
            })
            .collect();
        let mut placer = Placer::new(Frame {
            width: 1000,
            height: height as i32,
            pad: MAP_PAD,
        });
        for s in &sites {
            placer.reserve(s.at, 12);
        }
        // Areas first, largest first: a community's name matters more than a site's.
        let mut order: Vec<usize> = (0..areas.len()).collect();
        order.sort_by(|&a, &b| {
            use geo::Area;
            areas[b]
                .2
                .unsigned_area()
                .total_cmp(&areas[a].2.unsigned_area())
        });
        let mut labels = vec![None; areas.len()];
        for i in order {
            let (_, name, shape) = &areas[i];
            labels[i] = placer.place(name, inside(shape), Anchor::Centred, &[40, 32, 26]);
        }
        let areas = areas
            .iter()
            .zip(labels)
            .map(|((id, name, shape), label)| MapArea {
                id: *id,
                name: name.clone(),
                path: p.path(shape),
                label,
            })
            .collect();
        for s in &mut sites {
            s.label = placer.place(&s.name, s.at, Anchor::BesideDot, &[24, 20]);
        }
        MapData {
            height,
            projection: p,
            areas,
            sites,
        }
    }
}

/// Room around the 1000-unit-wide drawing for labels and pins at its edge.
pub const MAP_PAD: i32 = 40;

impl MapData {
    /// The SVG `viewBox`: the drawing with [`MAP_PAD`] around it.
    pub fn view_box(&self) -> String {
        format!(
            "{} {} {} {}",
            -MAP_PAD,
            -MAP_PAD,
            1000 + 2 * MAP_PAD,
            self.height as i32 + 2 * MAP_PAD
        )
    }
}

/// What every map draws first, in layers: the areas' fills (linked to their page when
/// `linked`), then `children` (a heat layer: above the fills, below everything else), the
/// areas' boundaries, the sites (dots, outlined when a polygon), and last the names, placed so
/// none covers another.
#[leptos::component]
pub fn MapShapes(
    areas: Vec<MapArea>,
    sites: Vec<MapSite>,
    #[prop(optional)] linked: bool,
    #[prop(optional)] children: Option<leptos::children::Children>,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let label = |class: &'static str, name: String, l: MapLabel| {
        view! {
            <text
                class=class
                x=l.x.to_string()
                y=l.y.to_string()
                font-size=l.size.to_string()
                text-anchor="middle"
            >
                {name}
            </text>
        }
    };
    let fills = areas
        .iter()
        .map(|a| {
            let fill = view! {
                <path class="map-area" d=a.path.clone()>
                    <title>{a.name.clone()}</title>
                </path>
            };
            if linked {
                view! { <a href=format!("/areas/{}", a.id)>{fill}</a> }.into_any()
            } else {
                fill.into_any()
            }
        })
        .collect_view();
    let outlines = areas
        .iter()
        .map(|a| view! { <path class="map-outline" d=a.path.clone() /> })
        .collect_view();
    let dots = sites
        .iter()
        .map(|s| {
            view! {
                <g class="map-site">
                    {s.path.clone().map(|d| view! { <path class="map-site-area" d=d /> })}
                    <circle cx=s.at.0.to_string() cy=s.at.1.to_string() r="9">
                        <title>{s.name.clone()}</title>
                    </circle>
                </g>
            }
        })
        .collect_view();
    let area_names = areas
        .into_iter()
        .filter_map(|a| a.label.map(|l| label("map-label", a.name, l)))
        .collect_view();
    let site_names = sites
        .into_iter()
        .filter_map(|s| s.label.map(|l| label("map-site-label", s.name, l)))
        .collect_view();
    view! {
        {fills}
        {children.map(|c| c())}
        {outlines}
        {dots}
        <g class="map-names">{area_names}{site_names}</g>
    }
}

/// A position marker (the report's position, an incident's place) at SVG point `at`.
#[leptos::component]
pub fn MapMarker(at: (i32, i32)) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let transform = format!("translate({} {})", at.0, at.1);
    view! {
        <g class="map-marker" transform=transform>
            <circle r="26" />
            <circle r="8" class="dot" />
        </g>
    }
}

/// The SVG itself. Areas link to their page; sites are dots with their name as a tooltip.
#[leptos::component]
pub fn AreaMap(map: MapData) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let t = crate::i18n::use_texts();
    let view_box = map.view_box();
    view! {
        <figure class="card area-map" data-testid="area-map">
            <svg
                viewBox=view_box
                role="img"
                aria-label=t.map_label
                xmlns="http://www.w3.org/2000/svg"
            >
                <MapShapes areas=map.areas sites=map.sites linked=true />
            </svg>
            <figcaption class="muted">{t.map_caption}</figcaption>
        </figure>
    }
}
