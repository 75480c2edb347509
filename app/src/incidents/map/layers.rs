//! What the incident map draws, worked out from plain data: the frame zoomed around a tapped
//! cluster, the incidents as pins merged into clusters where they crowd, the heat layer's
//! cells, and the raster tiles under the frame. No storage and no request here, so each piece
//! is tested with small numbers; the server function only fetches and hands over.

#[cfg(feature = "ssr")]
use crate::areas::Projection;
#[cfg(feature = "ssr")]
use domain::incident::port::IncidentFact;
#[cfg(feature = "ssr")]
use domain::incident::IncidentStatus;
use serde::{Deserialize, Serialize};

/// Pins closer than this (SVG units; the map is 1000 wide) merge into a cluster.
pub const CLUSTER_RADIUS: f64 = 90.0;
/// The heat layer's grid cell (SVG units).
pub const HEAT_CELL: f64 = 50.0;

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

/// The frame of the whole map (`whole`, `height` units tall) scaled `zoom` times around `at`,
/// a point in the whole map's coordinates: the same height, centred on that point.
#[cfg(feature = "ssr")]
pub fn zoomed(whole: &Projection, height: u32, at: (f64, f64), zoom: u32) -> Projection {
    let k = whole.k * f64::from(zoom);
    let (cx, cy) = (at.0 / whole.k + whole.x0, at.1 / whole.k + whole.y0);
    Projection {
        x0: cx - 500.0 / k,
        y0: cy - f64::from(height) / 2.0 / k,
        k,
        datum: whole.datum,
    }
}

/// A point of the `shown` map in the `whole` map's coordinates: where the next zoom centres.
#[cfg(feature = "ssr")]
fn unzoomed(shown: &Projection, whole: &Projection, (x, y): (f64, f64)) -> (f64, f64) {
    (
        (x / shown.k + shown.x0 - whole.x0) * whole.k,
        (y / shown.k + shown.y0 - whole.y0) * whole.k,
    )
}

/// The order statuses win in a cluster's colour: what still needs doing first.
#[cfg(feature = "ssr")]
fn rank(status: IncidentStatus) -> u8 {
    use IncidentStatus::*;
    match status {
        Reported => 0,
        Acknowledged => 1,
        Referred => 2,
        Resolved => 3,
        Closed => 4,
        Rejected => 5,
    }
}

/// The incidents as pins on the `shown` map, those within `CLUSTER_RADIUS` of each other merged
/// into one: coloured by the status that most needs doing, marked urgent when an urgent one is
/// still open, and zooming (in the `whole` map's coordinates) to where the cluster is drawn.
#[cfg(feature = "ssr")]
pub fn pins(facts: &[IncidentFact], shown: &Projection, whole: &Projection) -> Vec<MapPin> {
    use domain::incident::cluster::{cluster, Pin};
    let placed: Vec<Pin<(i64, IncidentStatus, bool)>> = facts
        .iter()
        .map(|f| {
            let (x, y) = shown.project(f.lat, f.lon);
            let urgent = f.severity == domain::incident::Severity::Urgent && f.status.is_open();
            Pin {
                x,
                y,
                item: (f.id.0, f.status, urgent),
            }
        })
        .collect();
    cluster(&placed, CLUSTER_RADIUS)
        .into_iter()
        .map(|c| {
            let status = c
                .items
                .iter()
                .map(|i| i.1)
                .min_by_key(|s| rank(*s))
                .unwrap_or(IncidentStatus::Reported);
            MapPin {
                x: c.x,
                y: c.y,
                count: c.items.len(),
                id: (c.items.len() == 1).then(|| c.items[0].0),
                status: status.as_str().to_owned(),
                urgent: c.items.iter().any(|i| i.2),
                zoom_at: unzoomed(shown, whole, (c.x, c.y)),
            }
        })
        .collect()
}

/// The heat layer: how many incidents fall in each `HEAT_CELL` square of the `shown` map.
#[cfg(feature = "ssr")]
pub fn heat_squares(facts: &[IncidentFact], shown: &Projection) -> Vec<HeatSquare> {
    let points: Vec<(f64, f64)> = facts.iter().map(|f| shown.project(f.lat, f.lon)).collect();
    domain::incident::cluster::heat(&points, HEAT_CELL)
        .into_iter()
        .map(|c| HeatSquare {
            x: c.col as f64 * HEAT_CELL,
            y: c.row as f64 * HEAT_CELL,
            size: HEAT_CELL,
            count: c.count,
            intensity: c.intensity,
        })
        .collect()
}

/// The tiles covering the map at `p` (at most 64; none at all beyond that).
#[cfg(feature = "ssr")]
pub fn tiles_for(layer: &crate::incidents::TileLayer, p: &Projection, height: u32) -> Vec<Tile> {
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
pub fn near_the_areas(
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

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::areas::{world, Datum};
    use domain::incident::port::IncidentId;
    use domain::incident::Severity;
    use domain::AreaId;

    /// A frame about 4 km wide around 泉城广场, 济南.
    fn jinan() -> (Projection, u32) {
        Projection::fit(&[(36.655, 117.00), (36.685, 117.045)], Datum::Wgs84).expect("fit")
    }

    fn fact(
        id: i64,
        lat: f64,
        lon: f64,
        status: IncidentStatus,
        severity: Severity,
    ) -> IncidentFact {
        IncidentFact {
            id: IncidentId(id),
            area_id: AreaId(1),
            category: "fire".into(),
            severity,
            status,
            lat,
            lon,
            made_at: 0,
        }
    }

    #[test]
    fn a_zoomed_frame_is_centred_on_the_tapped_point_and_scaled() {
        let (whole, height) = jinan();
        let at = (300.0, 200.0);
        let shown = zoomed(&whole, height, at, 3);
        assert!((shown.k - whole.k * 3.0).abs() < 1e-9);
        // The tapped point lands in the middle of the zoomed map...
        let (lat, lon) = whole.position(at.0, at.1);
        let (x, y) = shown.project(lat, lon);
        assert!((x - 500.0).abs() < 1e-6 && (y - f64::from(height) / 2.0).abs() < 1e-6);
        // ...and a point of the zoomed map maps back to where it is on the whole one.
        let back = unzoomed(&shown, &whole, (x, y));
        assert!((back.0 - at.0).abs() < 1e-6 && (back.1 - at.1).abs() < 1e-6);
    }

    #[test]
    fn crowded_incidents_merge_into_one_cluster_coloured_by_what_still_needs_doing() {
        let (whole, _) = jinan();
        let facts = [
            fact(
                1,
                36.6700,
                117.0200,
                IncidentStatus::Resolved,
                Severity::Urgent,
            ),
            fact(
                2,
                36.6701,
                117.0201,
                IncidentStatus::Acknowledged,
                Severity::Urgent,
            ),
            fact(
                3,
                36.6702,
                117.0202,
                IncidentStatus::Closed,
                Severity::Normal,
            ),
            // Far from the others: a pin of its own, linking to the incident.
            fact(
                4,
                36.6600,
                117.0400,
                IncidentStatus::Reported,
                Severity::Normal,
            ),
        ];
        let pins = pins(&facts, &whole, &whole);
        assert_eq!(pins.len(), 2, "{pins:?}");
        let crowd = pins.iter().find(|p| p.count == 3).expect("the cluster");
        assert_eq!((crowd.id, crowd.status.as_str()), (None, "acknowledged"));
        // An urgent report counts as urgent only while it is open.
        assert!(crowd.urgent);
        // Unzoomed, a cluster zooms to where it is drawn.
        let (zx, zy) = crowd.zoom_at;
        assert!((zx - crowd.x).abs() < 1e-6 && (zy - crowd.y).abs() < 1e-6);
        let alone = pins.iter().find(|p| p.count == 1).expect("the single pin");
        assert_eq!((alone.id, alone.urgent), (Some(4), false));
    }

    #[test]
    fn heat_cells_count_the_incidents_in_their_square() {
        let (whole, _) = jinan();
        let facts = [
            fact(
                1,
                36.6700,
                117.0200,
                IncidentStatus::Reported,
                Severity::Normal,
            ),
            fact(
                2,
                36.6700,
                117.0200,
                IncidentStatus::Closed,
                Severity::Normal,
            ),
            fact(
                3,
                36.6600,
                117.0400,
                IncidentStatus::Reported,
                Severity::Normal,
            ),
        ];
        let cells = heat_squares(&facts, &whole);
        assert_eq!(cells.iter().map(|c| c.count).sum::<u32>(), 3);
        let busiest = cells.iter().max_by_key(|c| c.count).expect("a cell");
        assert_eq!(busiest.count, 2);
        let (x, y) = whole.project(36.6700, 117.0200);
        assert!(busiest.x <= x && x < busiest.x + HEAT_CELL);
        assert!(busiest.y <= y && y < busiest.y + HEAT_CELL);
        assert!(cells
            .iter()
            .all(|c| c.size == HEAT_CELL && c.intensity <= 1.0));
    }

    #[test]
    fn a_wild_position_does_not_frame_the_map() {
        let ring = vec![
            (117.00, 36.65),
            (117.05, 36.65),
            (117.05, 36.69),
            (117.00, 36.69),
        ];
        let square = geo::Polygon::new(geo::LineString::from(ring), Vec::new());
        let shapes = [(
            1,
            "山大路社区".to_owned(),
            domain::geometry::Shape::from(square),
        )];
        let kept = near_the_areas(&shapes, [(36.67, 117.02), (0.0, 0.0)].into_iter());
        assert_eq!(kept, vec![(36.67, 117.02)]);
    }

    #[test]
    fn tiles_cover_the_frame_and_line_up_with_the_projection() {
        // A frame about 4 km wide around 泉城广场, 济南.
        let (p, height) =
            Projection::fit(&[(36.655, 117.00), (36.685, 117.045)], Datum::Wgs84).expect("fit");
        let layer = crate::incidents::TileLayer {
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
