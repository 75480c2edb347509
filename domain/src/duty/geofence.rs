//! Is the phone at the site? The rule lives in [`crate::geofence`] (one rule for the whole
//! app); this module gathers it with the duty rules and adds reading a stored verdict back.
//!
//! In short: the distance from the reported position to the fence is 0 inside a polygon or
//! circle and otherwise measured to the nearest edge. A check-in is inside when that distance
//! is within the phone's reported accuracy, capped at [`MAX_TOLERANCE_M`] so that "±2 km"
//! does not count as being at the gate; with an accuracy that is missing, zero or worse than
//! [`USELESS_ACCURACY_M`] only a position strictly inside is judged, anything else is unknown.

pub use crate::geofence::{
    distance_m, haversine_m, verdict, Verdict, MAX_TOLERANCE_M, USELESS_ACCURACY_M,
};

impl Verdict {
    /// Reads back the value stored in `check_events.verdict` (see [`Verdict::as_str`]).
    pub fn from_db(s: &str) -> Option<Self> {
        [Self::Inside, Self::Outside, Self::Unknown]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
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
}
