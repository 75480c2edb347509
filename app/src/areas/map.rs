//! A small map of an area: its children's boundaries and its sites, drawn as SVG on the server
//! from the stored polygons — no tile server, so it works offline and in tests.

use serde::{Deserialize, Serialize};

/// Shapes already projected to the SVG's user space (width 1000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapData {
    pub height: u32,
    pub areas: Vec<MapArea>,
    pub sites: Vec<MapSite>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapArea {
    pub id: i64,
    pub name: String,
    /// SVG path data.
    pub path: String,
    pub label: (i32, i32),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapSite {
    pub name: String,
    pub at: (i32, i32),
    /// A polygon site's outline, when it has one.
    pub path: Option<String>,
}

#[cfg(feature = "ssr")]
pub use build::build_map;

#[cfg(feature = "ssr")]
mod build {
    use super::*;
    use domain::geometry::{Fence, Shape};
    use geo::{BoundingRect, Centroid};

    /// Projects lon/lat to the SVG plane: equirectangular, with longitude shrunk by cos(lat) so
    /// a district of a few kilometres keeps its proportions.
    struct Projection {
        min_lon: f64,
        max_lat: f64,
        kx: f64,
        ky: f64,
    }

    impl Projection {
        fn point(&self, lon: f64, lat: f64) -> (i32, i32) {
            (
                ((lon - self.min_lon) * self.kx).round() as i32,
                ((self.max_lat - lat) * self.ky).round() as i32,
            )
        }

        fn path(&self, shape: &Shape) -> String {
            let mut d = String::new();
            for polygon in &shape.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for (i, c) in ring.coords().enumerate() {
                        let (x, y) = self.point(c.x, c.y);
                        d.push_str(&format!("{}{x} {y}", if i == 0 { "M" } else { "L" }));
                    }
                    d.push('Z');
                }
            }
            d
        }
    }

    /// The map of `areas` (id, name, boundary) and `sites`; `None` when nothing has a shape.
    pub fn build_map(areas: &[(i64, String, Shape)], sites: &[domain::Site]) -> Option<MapData> {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        for (_, _, shape) in areas {
            if let Some(r) = shape.bounding_rect() {
                xs.extend([r.min().x, r.max().x]);
                ys.extend([r.min().y, r.max().y]);
            }
        }
        for s in sites {
            if let Fence::Circle { lat, lon, .. } = s.fence {
                xs.push(lon);
                ys.push(lat);
            }
        }
        let fold = |v: &[f64], f: fn(f64, f64) -> f64, start: f64| v.iter().copied().fold(start, f);
        let (min_lon, max_lon) = (fold(&xs, f64::min, f64::MAX), fold(&xs, f64::max, f64::MIN));
        let (min_lat, max_lat) = (fold(&ys, f64::min, f64::MAX), fold(&ys, f64::max, f64::MIN));
        if xs.is_empty() || max_lon <= min_lon || max_lat <= min_lat {
            return None;
        }
        let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let width_deg = (max_lon - min_lon) * shrink;
        let k = 1000.0 / width_deg;
        let p = Projection {
            min_lon,
            max_lat,
            kx: k * shrink,
            ky: k,
        };
        let height = ((max_lat - min_lat) * k).round().clamp(100.0, 2000.0) as u32;
        let areas = areas
            .iter()
            .map(|(id, name, shape)| {
                let label = shape
                    .centroid()
                    .map(|c| p.point(c.x(), c.y()))
                    .unwrap_or((0, 0));
                MapArea {
                    id: *id,
                    name: name.clone(),
                    path: p.path(shape),
                    label,
                }
            })
            .collect();
        let sites = sites
            .iter()
            .map(|s| match &s.fence {
                Fence::Circle { lat, lon, .. } => MapSite {
                    name: s.name.clone(),
                    at: p.point(*lon, *lat),
                    path: None,
                },
                Fence::Polygon(shape) => {
                    let at = shape
                        .centroid()
                        .map(|c| p.point(c.x(), c.y()))
                        .unwrap_or((0, 0));
                    MapSite {
                        name: s.name.clone(),
                        at,
                        path: Some(p.path(shape)),
                    }
                }
            })
            .collect();
        Some(MapData {
            height,
            areas,
            sites,
        })
    }
}

/// The SVG itself. Areas link to their page; sites are dots with their name as a tooltip.
#[leptos::component]
pub fn AreaMap(map: MapData) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let t = crate::i18n::use_texts();
    let pad = 40;
    let view_box = format!(
        "{} {} {} {}",
        -pad,
        -pad,
        1000 + 2 * pad,
        map.height as i32 + 2 * pad
    );
    view! {
        <figure class="card area-map" data-testid="area-map">
            <svg viewBox=view_box role="img" aria-label=t.map_label xmlns="http://www.w3.org/2000/svg">
                {map.areas.into_iter().map(|a| view! {
                    <a href=format!("/areas/{}", a.id)>
                        <path class="map-area" d=a.path><title>{a.name.clone()}</title></path>
                        <text class="map-label" x=a.label.0.to_string() y=a.label.1.to_string() text-anchor="middle">{a.name}</text>
                    </a>
                }).collect_view()}
                {map.sites.into_iter().map(|s| view! {
                    <g class="map-site">
                        {s.path.map(|d| view! { <path class="map-site-area" d=d /> })}
                        <circle cx=s.at.0.to_string() cy=s.at.1.to_string() r="9"><title>{s.name}</title></circle>
                    </g>
                }).collect_view()}
            </svg>
            <figcaption class="muted">{t.map_caption}</figcaption>
        </figure>
    }
}
