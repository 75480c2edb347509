//! Is the phone at the site? The browser reports a WGS-84 position with an accuracy
//! radius; the server decides, so a tampered page cannot.
//!
//! In short: the distance from the reported position to the fence is 0 inside a polygon or
//! circle and otherwise measured to the nearest edge. A check-in is inside when that distance
//! is within the phone's reported accuracy, capped at [`MAX_TOLERANCE_M`] so that "±2 km"
//! does not count as being at the gate; with an accuracy that is missing, zero or worse than
//! [`USELESS_ACCURACY_M`] only a position strictly inside is judged, anything else is unknown.

use crate::geometry::Fence;
use geo::{Contains, Coord, Point};
use serde::{Deserialize, Serialize};

/// The most accuracy tolerated: beyond this a position near the fence is not "inside".
pub const MAX_TOLERANCE_M: f64 = 150.0;
/// Accuracy worse than this says nothing about where the phone is.
pub const USELESS_ACCURACY_M: f64 = 1_000.0;

const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    Inside,
    Outside,
    /// No usable position (permission refused, or accuracy too poor to judge).
    Unknown,
}

impl Verdict {
    /// The value stored in `check_events.verdict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inside => "inside",
            Self::Outside => "outside",
            Self::Unknown => "unknown",
        }
    }

    /// Reads back the value stored in `check_events.verdict` (see [`Verdict::as_str`]).
    pub fn from_db(s: &str) -> Option<Self> {
        [Self::Inside, Self::Outside, Self::Unknown]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The verdict for a phone at (`lat`, `lon`) reporting `accuracy_m`.
pub fn verdict(fence: &Fence, lat: f64, lon: f64, accuracy_m: f64) -> Verdict {
    if !(lat.is_finite() && lon.is_finite()) {
        return Verdict::Unknown;
    }
    let distance = distance_m(fence, lat, lon);
    if distance == 0.0 {
        return Verdict::Inside;
    }
    if !accuracy_m.is_finite() || accuracy_m <= 0.0 || accuracy_m > USELESS_ACCURACY_M {
        return Verdict::Unknown;
    }
    if distance <= accuracy_m.min(MAX_TOLERANCE_M) {
        Verdict::Inside
    } else {
        Verdict::Outside
    }
}

/// Metres from the point to the fence; 0 inside it. Shown to the volunteer ("230 m away").
pub fn distance_m(fence: &Fence, lat: f64, lon: f64) -> f64 {
    match fence {
        Fence::Circle {
            lat: clat,
            lon: clon,
            radius_m,
        } => (haversine_m(lat, lon, *clat, *clon) - f64::from(*radius_m)).max(0.0),
        Fence::Polygon(shape) => {
            if shape.contains(&Point::new(lon, lat)) {
                return 0.0;
            }
            // Equirectangular projection around the phone: under 1% error at city scale.
            let k = lat.to_radians().cos();
            let to_m = |c: Coord<f64>| {
                (
                    (c.x - lon).to_radians() * k * EARTH_RADIUS_M,
                    (c.y - lat).to_radians() * EARTH_RADIUS_M,
                )
            };
            shape
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|ring| ring.lines())
                .map(|l| segment_distance(to_m(l.start), to_m(l.end)))
                .fold(f64::INFINITY, f64::min)
        }
    }
}

/// Distance from the origin to the segment a–b, in the plane.
fn segment_distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (-(a.0 * dx + a.1 * dy) / len2).clamp(0.0, 1.0)
    };
    let (px, py) = (a.0 + t * dx, a.1 + t * dy);
    (px * px + py * py).sqrt()
}

/// Great-circle distance in metres.
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Fence;
    use geo::{polygon, MultiPolygon};

    const LAT: f64 = 36.66;
    const LON: f64 = 117.05;
    /// Metres per degree of latitude, near enough for test positions.
    const M_PER_DEG: f64 = 111_195.0;

    /// A 222 m square with a 111 m square hole in the middle (a courtyard building).
    fn ring_fence() -> Fence {
        Fence::Polygon(MultiPolygon::new(vec![polygon!(
            exterior: [
                (x: LON, y: LAT),
                (x: LON + 0.002, y: LAT),
                (x: LON + 0.002, y: LAT + 0.002),
                (x: LON, y: LAT + 0.002),
            ],
            interiors: [[
                (x: LON + 0.0005, y: LAT + 0.0005),
                (x: LON + 0.0015, y: LAT + 0.0005),
                (x: LON + 0.0015, y: LAT + 0.0015),
                (x: LON + 0.0005, y: LAT + 0.0015),
            ]],
        )]))
    }

    #[test]
    fn verdicts_round_trip_through_the_database_names() {
        for v in [Verdict::Inside, Verdict::Outside, Verdict::Unknown] {
            assert_eq!(Verdict::from_db(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::from_db("Inside"), None);
    }

    #[test]
    fn a_metre_inside_an_edge_is_inside_even_with_a_poor_fix() {
        let lat = LAT + 1.0 / M_PER_DEG;
        assert_eq!(distance_m(&ring_fence(), lat, LON + 0.0002), 0.0);
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.0002, 5_000.0),
            Verdict::Inside
        );
    }

    #[test]
    fn a_few_metres_outside_an_edge_depends_on_the_accuracy() {
        let lat = LAT - 8.0 / M_PER_DEG;
        let d = distance_m(&ring_fence(), lat, LON + 0.001);
        assert!((d - 8.0).abs() < 0.1, "{d}");
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 10.0),
            Verdict::Inside
        );
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 5.0),
            Verdict::Outside
        );
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 1_500.0),
            Verdict::Unknown
        );
    }

    #[test]
    fn the_courtyard_hole_is_outside_and_measured_to_its_edge() {
        // The hole's centre is ~45 m from its east and west edges (a degree of longitude is
        // shorter than one of latitude) and ~56 m from the others.
        let (lat, lon) = (LAT + 0.001, LON + 0.001);
        let d = distance_m(&ring_fence(), lat, lon);
        assert!((d - 44.6).abs() < 0.5, "{d}");
        assert_eq!(verdict(&ring_fence(), lat, lon, 30.0), Verdict::Outside);
        assert_eq!(verdict(&ring_fence(), lat, lon, 50.0), Verdict::Inside);
    }

    #[test]
    fn a_corner_is_measured_diagonally() {
        // 30 m south and 30 m west of the south-west corner: ~42 m.
        let k = LAT.to_radians().cos();
        let d = distance_m(
            &ring_fence(),
            LAT - 30.0 / M_PER_DEG,
            LON - 30.0 / (M_PER_DEG * k),
        );
        assert!((d - 42.43).abs() < 0.3, "{d}");
    }

    #[test]
    fn the_accuracy_tolerance_stops_at_150_metres() {
        let lat = LAT - 160.0 / M_PER_DEG;
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 200.0),
            Verdict::Outside
        );
        let lat = LAT - 140.0 / M_PER_DEG;
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 200.0),
            Verdict::Inside
        );
        assert_eq!(
            verdict(&ring_fence(), lat, LON + 0.001, 1_000.0),
            Verdict::Inside
        );
    }

    #[test]
    fn a_circle_s_edge_counts_as_inside() {
        let f = Fence::Circle {
            lat: LAT,
            lon: LON,
            radius_m: 50,
        };
        let on_edge = LAT + 50.0 / M_PER_DEG;
        assert!(distance_m(&f, on_edge, LON) < 0.1);
        assert_eq!(
            verdict(&f, on_edge - 0.5 / M_PER_DEG, LON, 5.0),
            Verdict::Inside
        );
        let beyond = LAT + 56.0 / M_PER_DEG;
        assert_eq!(verdict(&f, beyond, LON, 5.0), Verdict::Outside);
        assert_eq!(verdict(&f, beyond, LON, 7.0), Verdict::Inside);
        assert_eq!(verdict(&f, beyond, LON, f64::INFINITY), Verdict::Unknown);
        assert_eq!(verdict(&f, beyond, LON, -1.0), Verdict::Unknown);
    }

    fn square() -> Fence {
        // ~90 m × 111 m around (LAT, LON).
        Fence::Polygon(MultiPolygon::new(vec![polygon![
            (x: LON, y: LAT),
            (x: LON + 0.001, y: LAT),
            (x: LON + 0.001, y: LAT + 0.001),
            (x: LON, y: LAT + 0.001),
        ]]))
    }

    #[test]
    fn haversine_matches_a_known_distance() {
        // 0.001° of latitude ≈ 111.2 m.
        let d = haversine_m(LAT, LON, LAT + 0.001, LON);
        assert!((d - 111.2).abs() < 0.5, "{d}");
    }

    #[test]
    fn inside_the_polygon_is_inside_whatever_the_accuracy() {
        let f = square();
        assert_eq!(
            verdict(&f, LAT + 0.0005, LON + 0.0005, 5.0),
            Verdict::Inside
        );
        assert_eq!(
            verdict(&f, LAT + 0.0005, LON + 0.0005, 5_000.0),
            Verdict::Inside
        );
    }

    #[test]
    fn just_outside_counts_when_the_accuracy_covers_it() {
        let f = square();
        // ~55 m south of the southern edge.
        let (lat, lon) = (LAT - 0.0005, LON + 0.0005);
        let d = distance_m(&f, lat, lon);
        assert!((d - 55.6).abs() < 1.0, "{d}");
        assert_eq!(verdict(&f, lat, lon, 60.0), Verdict::Inside);
        assert_eq!(verdict(&f, lat, lon, 30.0), Verdict::Outside);
    }

    #[test]
    fn tolerance_is_capped() {
        let f = square();
        // ~222 m away with ±900 m: not inside (cap 150 m), and still judged.
        assert_eq!(
            verdict(&f, LAT - 0.002, LON + 0.0005, 900.0),
            Verdict::Outside
        );
        // ±3 km says nothing.
        assert_eq!(
            verdict(&f, LAT - 0.002, LON + 0.0005, 3_000.0),
            Verdict::Unknown
        );
    }

    #[test]
    fn circles_measure_from_their_edge() {
        let f = Fence::Circle {
            lat: LAT,
            lon: LON,
            radius_m: 100,
        };
        assert_eq!(distance_m(&f, LAT + 0.0005, LON), 0.0);
        let d = distance_m(&f, LAT + 0.002, LON);
        assert!((d - 122.4).abs() < 1.0, "{d}");
        assert_eq!(verdict(&f, LAT + 0.002, LON, 20.0), Verdict::Outside);
        assert_eq!(verdict(&f, LAT + 0.0015, LON, 70.0), Verdict::Inside);
    }

    #[test]
    fn no_position_is_unknown() {
        assert_eq!(verdict(&square(), f64::NAN, LON, 10.0), Verdict::Unknown);
        assert_eq!(verdict(&square(), LAT - 0.01, LON, 0.0), Verdict::Unknown);
    }
}
