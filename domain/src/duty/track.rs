//! Patrol tracks (巡逻轨迹): the positions a phone records while its volunteer is on shift.
//! A track is location data about a person (行踪轨迹, sensitive under PIPL art. 28), so it is
//! recorded only on shift, thinned before storage, and after the retention period reduced to
//! its length and the coarse grid cells it passed through — enough to show a street was
//! covered, not where someone walked.
//!
//! Points are expected in time order; [`drop_noisy`] first, then [`simplify`] or the rest.

use super::geofence::haversine_m;
use serde::{Deserialize, Serialize};

/// The Earth's mean radius, as [`haversine_m`] uses.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The finest grid a coarsened track may keep: finer cells would give the route back.
pub const MIN_CELL_M: f64 = 100.0;

/// One recorded position: when, where (WGS-84 degrees) and the phone's reported accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrackPoint {
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
}

/// The distance walked, in metres: the great-circle legs between successive points summed.
pub fn length_m(points: &[TrackPoint]) -> f64 {
    points
        .windows(2)
        .map(|p| haversine_m(p[0].lat, p[0].lon, p[1].lat, p[1].lon))
        .sum()
}

/// The points worth keeping: on the globe, with a positive accuracy no worse than
/// `max_accuracy_m`. A fix of ±300 m drawn into a track makes a patrol zigzag across blocks
/// and adds distance that was never walked.
pub fn drop_noisy(points: &[TrackPoint], max_accuracy_m: f64) -> Vec<TrackPoint> {
    points
        .iter()
        .filter(|p| {
            p.lat.is_finite()
                && p.lon.is_finite()
                && (-90.0..=90.0).contains(&p.lat)
                && (-180.0..=180.0).contains(&p.lon)
                && p.accuracy_m.is_finite()
                && p.accuracy_m > 0.0
                && p.accuracy_m <= max_accuracy_m
        })
        .copied()
        .collect()
}

/// The track thinned by Douglas–Peucker: a point is kept when it lies more than `tolerance_m`
/// from the stretch between the points kept around it. The first and last points are always
/// kept, and kept points keep their times. Distances are to the *segment*, not the infinite
/// line, so a walk out to the end of an alley and back keeps its far end. Measured in metres
/// on a local equirectangular projection: under 1% error at the scale of a patrol.
pub fn simplify(points: &[TrackPoint], tolerance_m: f64) -> Vec<TrackPoint> {
    let n = points.len();
    if n < 3 || tolerance_m.is_nan() || tolerance_m <= 0.0 {
        return points.to_vec();
    }
    let (lat0, lon0) = (points[0].lat, points[0].lon);
    let k = lat0.to_radians().cos();
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            (
                (p.lon - lon0).to_radians() * k * EARTH_RADIUS_M,
                (p.lat - lat0).to_radians() * EARTH_RADIUS_M,
            )
        })
        .collect();
    let mut keep = vec![false; n];
    (keep[0], keep[n - 1]) = (true, true);
    // An explicit stack rather than recursion: an eight-hour track has tens of thousands of
    // points, and a straight street would recurse once per point.
    let mut stack = vec![(0, n - 1)];
    while let Some((a, b)) = stack.pop() {
        let farthest = (a + 1..b)
            .map(|i| (i, segment_distance(xy[i], xy[a], xy[b])))
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((i, d)) = farthest {
            if d > tolerance_m {
                keep[i] = true;
                stack.push((a, i));
                stack.push((i, b));
            }
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

/// The grid cells of about `cell_m` metres (at least [`MIN_CELL_M`]) the track passed through,
/// sorted and without repeats: what a track is reduced to after its retention period. The
/// grid is global — rows of equal latitude, columns scaled to each row's latitude — so cells
/// from different tracks and days can be counted together ("this street was patrolled 40
/// times this month").
pub fn coarse_cells(points: &[TrackPoint], cell_m: f64) -> Vec<(i32, i32)> {
    let cell = cell_m.max(MIN_CELL_M);
    let mut cells: Vec<(i32, i32)> = points
        .iter()
        .filter(|p| p.lat.is_finite() && p.lon.is_finite())
        .map(|p| {
            let row = (p.lat.to_radians() * EARTH_RADIUS_M / cell).floor();
            let row_lat = (row + 0.5) * cell / EARTH_RADIUS_M;
            let col = (p.lon.to_radians() * EARTH_RADIUS_M * row_lat.cos() / cell).floor();
            // Float-to-int casts saturate; at 100 m cells the globe fits in i32 many times over.
            (col as i32, row as i32)
        })
        .collect();
    cells.sort_unstable();
    cells.dedup();
    cells
}

/// Distance from `p` to the segment `a`–`b`, in the plane.
fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a.0 + t * dx - p.0, a.1 + t * dy - p.1);
    (x * x + y * y).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAT: f64 = 36.66;
    const LON: f64 = 117.05;
    /// Metres per degree of latitude.
    const M: f64 = 111_195.0;

    /// A point `north` and `east` metres from (LAT, LON), `s` seconds into the patrol.
    fn at(s: i64, north: f64, east: f64) -> TrackPoint {
        TrackPoint {
            at: s * 1_000,
            lat: LAT + north / M,
            lon: LON + east / (M * LAT.to_radians().cos()),
            accuracy_m: 10.0,
        }
    }

    #[test]
    fn length_sums_the_legs() {
        let track = [at(0, 0.0, 0.0), at(60, 100.0, 0.0), at(120, 100.0, 100.0)];
        assert!(
            (length_m(&track) - 200.0).abs() < 0.5,
            "{}",
            length_m(&track)
        );
        assert_eq!(length_m(&track[..1]), 0.0);
        assert_eq!(length_m(&[]), 0.0);
    }

    #[test]
    fn straight_stretches_shrink_to_their_ends_and_corners_stay() {
        let mut track: Vec<TrackPoint> = (0..=10).map(|i| at(i, 10.0 * i as f64, 0.3)).collect();
        track.extend((1..=10).map(|i| at(10 + i, 100.0, 10.0 * i as f64)));
        let kept = simplify(&track, 2.0);
        let times: Vec<i64> = kept.iter().map(|p| p.at / 1_000).collect();
        assert_eq!(times, vec![0, 10, 20]);
        assert_eq!(kept[1], track[10]);
    }

    #[test]
    fn the_far_end_of_an_out_and_back_walk_is_kept() {
        let track = [at(0, 0.0, 0.0), at(60, 200.0, 0.0), at(120, 1.0, 0.0)];
        assert_eq!(simplify(&track, 5.0).len(), 3);
    }

    #[test]
    fn no_tolerance_or_short_tracks_keep_everything() {
        let track = [at(0, 0.0, 0.0), at(1, 1.0, 0.0), at(2, 2.0, 0.0)];
        assert_eq!(simplify(&track, 0.0), track.to_vec());
        assert_eq!(simplify(&track, f64::NAN), track.to_vec());
        assert_eq!(simplify(&track[..2], 50.0), track[..2].to_vec());
        assert_eq!(simplify(&track, f64::INFINITY).len(), 2);
    }

    #[test]
    fn noisy_and_impossible_points_are_dropped() {
        let good = at(0, 0.0, 0.0);
        let poor = TrackPoint {
            accuracy_m: 80.0,
            ..good
        };
        let zero = TrackPoint {
            accuracy_m: 0.0,
            ..good
        };
        let off = TrackPoint { lat: 95.0, ..good };
        let nan = TrackPoint {
            lon: f64::NAN,
            ..good
        };
        assert_eq!(drop_noisy(&[good, poor, zero, off, nan], 50.0), vec![good]);
        assert_eq!(drop_noisy(&[good, poor], 80.0), vec![good, poor]);
    }

    #[test]
    fn coarse_cells_are_sorted_unique_and_about_the_size_asked() {
        let track = [
            at(0, 10.0, 10.0),
            at(1, 20.0, 20.0),
            at(2, 1_100.0, 0.0),
            at(3, 10.0, 10.0),
        ];
        let cells = coarse_cells(&track, 500.0);
        assert_eq!(cells.len(), 2);
        assert!(cells.windows(2).all(|c| c[0] < c[1]));
        // 1,090 m north is two or three 500 m rows further on.
        let rows = cells[1].1 - cells[0].1;
        assert!((2..=3).contains(&rows.abs()), "{cells:?}");
    }

    #[test]
    fn cells_finer_than_the_minimum_are_not_given() {
        let track = [at(0, 0.0, 0.0), at(1, 30.0, 0.0), at(2, 60.0, 0.0)];
        assert_eq!(coarse_cells(&track, 1.0), coarse_cells(&track, MIN_CELL_M));
        assert_eq!(
            coarse_cells(&track, f64::NAN),
            coarse_cells(&track, MIN_CELL_M)
        );
        assert!(coarse_cells(&[], 500.0).is_empty());
    }
}
