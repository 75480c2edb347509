//! GCJ-02 (国测局坐标, "Mars coordinates"): the obfuscated datum Chinese law requires of maps
//! published in China, and so the one AutoNavi (高德) and Tencent tiles are drawn in. Phones
//! report WGS-84; drawn unconverted on those tiles a pin lands 100–700 m off, in the wrong
//! building or across the road. So positions are stored in WGS-84, converted to GCJ-02 to be
//! drawn, and a tap on the map is converted back before it is stored.
//!
//! The forward conversion is the publicly documented algorithm (a Krasovsky-ellipsoid offset
//! built from two polynomials with sine terms); it applies only inside a rough box around
//! China and is the identity elsewhere, as the tile providers' own conversion is. It has no
//! closed-form inverse, so the inverse iterates to the point whose forward image is the input.

use std::f64::consts::PI;

/// The Krasovsky 1940 ellipsoid's semi-major axis, in metres.
const A: f64 = 6_378_245.0;
/// The Krasovsky 1940 ellipsoid's first eccentricity squared.
const EE: f64 = 0.006_693_421_622_965_943;

/// When the inverse stops: its forward image is this close to the input, in degrees (about
/// 0.1 mm, far below anything a phone or a map can show).
const INVERSE_TOLERANCE_DEG: f64 = 1e-9;
/// The offset changes slowly across the country, so each round of the inverse gains several
/// digits and converges in a handful of rounds; this bound only guards against looping.
const INVERSE_MAX_ROUNDS: usize = 30;

/// Whether a position lies outside the rough box where GCJ-02 differs from WGS-84. The box is
/// the one every published implementation uses, so conversions agree with the tile providers
/// near its edges. A position that is not a number is outside: it is left alone.
pub fn out_of_china(lat: f64, lon: f64) -> bool {
    !((72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat))
}

/// The GCJ-02 position, as `(lat, lon)`, of the WGS-84 position `lat`, `lon`.
pub fn wgs84_to_gcj02(lat: f64, lon: f64) -> (f64, f64) {
    if out_of_china(lat, lon) {
        return (lat, lon);
    }
    let (d_lat, d_lon) = offset(lat, lon);
    (lat + d_lat, lon + d_lon)
}

/// The WGS-84 position, as `(lat, lon)`, of the GCJ-02 position `lat`, `lon` — for turning a
/// tap on a GCJ-02 map back into the position to store. Accurate to about 1e-9 degrees.
pub fn gcj02_to_wgs84(lat: f64, lon: f64) -> (f64, f64) {
    if out_of_china(lat, lon) {
        return (lat, lon);
    }
    // Fixed-point iteration: move the guess by how far its forward image misses the target.
    // The offset's slope is tiny (it varies by metres over kilometres), so this converges fast.
    let (mut w_lat, mut w_lon) = (lat, lon);
    for _ in 0..INVERSE_MAX_ROUNDS {
        let (g_lat, g_lon) = wgs84_to_gcj02(w_lat, w_lon);
        let (miss_lat, miss_lon) = (g_lat - lat, g_lon - lon);
        if miss_lat.abs() < INVERSE_TOLERANCE_DEG && miss_lon.abs() < INVERSE_TOLERANCE_DEG {
            break;
        }
        w_lat -= miss_lat;
        w_lon -= miss_lon;
    }
    (w_lat, w_lon)
}

/// The GCJ-02 offset at a WGS-84 position, `(Δlat, Δlon)` in degrees: the two polynomials give
/// it in metres-like units, then it is turned into degrees on the Krasovsky ellipsoid.
fn offset(lat: f64, lon: f64) -> (f64, f64) {
    let (x, y) = (lon - 105.0, lat - 35.0);
    let rad_lat = lat.to_radians();
    let magic = 1.0 - EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    // Metres per degree of latitude (the meridian's radius of curvature) and of longitude
    // (the parallel's radius).
    let lat_degree = (A * (1.0 - EE)) / (magic * sqrt_magic) * PI / 180.0;
    let lon_degree = A / sqrt_magic * rad_lat.cos() * PI / 180.0;
    (
        transform_lat(x, y) / lat_degree,
        transform_lon(x, y) / lon_degree,
    )
}

/// The sine terms both polynomials share, in the first coordinate only.
fn ripple(x: f64) -> f64 {
    (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0
}

fn transform_lat(x: f64, y: f64) -> f64 {
    -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + ripple(x)
        + (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
        + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0
}

fn transform_lon(x: f64, y: f64) -> f64 {
    300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + ripple(x)
        + (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
        + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Distance, Haversine, Point};
    use proptest::prelude::*;

    fn metres_apart(a: (f64, f64), b: (f64, f64)) -> f64 {
        Haversine.distance(Point::new(a.1, a.0), Point::new(b.1, b.0))
    }

    fn assert_near(got: (f64, f64), expected: (f64, f64), tolerance_deg: f64) {
        assert!(
            (got.0 - expected.0).abs() < tolerance_deg
                && (got.1 - expected.1).abs() < tolerance_deg,
            "got {got:?}, expected {expected:?}"
        );
    }

    /// Published forward pairs `(wgs lat, wgs lon) → (gcj lat, gcj lon)`, each from its source:
    const PUBLISHED_FORWARD: [((f64, f64), (f64, f64)); 4] = [
        // Beijing, Tiananmen: the coordtransform library's README and test/app.js
        // (github.com/wandergis/coordtransform).
        ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
        // The gcoord library's unit test, test/unit/crs/WGS84.spec.ts
        // (github.com/hujiulong/gcoord), given there to 8 decimals.
        ((45.0, 123.0), (45.00197815, 123.00607541)),
        // Suzhou: the evil_transform package's documented example
        // (hexdocs.pm/evil_transform, EvilTransform.Convertor.wgstogcj).
        (
            (31.280844, 120.596931),
            (31.278648624428175, 120.60109998322247),
        ),
        // Beijing, Shijingshan: an answer on segmentfault.com (q/1010000045445748).
        (
            (39.90445824169115, 116.21444326466906),
            (39.90569596220289, 116.22051284252636),
        ),
    ];

    #[test]
    fn the_forward_conversion_matches_published_values() {
        for (wgs, gcj) in PUBLISHED_FORWARD {
            assert_near(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-6);
        }
        // Same formulas and constants as coordtransform, so the same digits.
        let (wgs, gcj) = PUBLISHED_FORWARD[0];
        assert_near(wgs84_to_gcj02(wgs.0, wgs.1), gcj, 1e-12);
    }

    #[test]
    fn the_inverse_matches_published_values() {
        // gcoord's unit test test/unit/crs/GCJ02.spec.ts; gcoord iterates to 1e-6 degrees.
        assert_near(
            gcj02_to_wgs84(45.0, 123.0),
            (44.99804071, 122.99395597),
            1e-6,
        );
        // Shenzhen and Dalian: evil_transform's documented examples of its iterative
        // EvilTransform.gcjtowgs (hexdocs.pm/evil_transform), which stops near 1e-6 degrees.
        assert_near(
            gcj02_to_wgs84(22.59414209, 114.1251447),
            (22.59682824722656, 114.12004399199218),
            1e-6,
        );
        assert_near(
            gcj02_to_wgs84(39.061111, 121.787113),
            (39.06008011621094, 121.78199886425783),
            1e-6,
        );
        for (wgs, gcj) in PUBLISHED_FORWARD {
            assert_near(gcj02_to_wgs84(gcj.0, gcj.1), wgs, 1e-6);
        }
    }

    #[test]
    fn positions_outside_china_are_left_alone() {
        for (lat, lon) in [
            (48.8566, 2.3522),    // Paris
            (-33.8688, 151.2093), // Sydney
            (40.7128, -74.0060),  // New York
            (60.0, 100.0),        // Siberia, north of the box
        ] {
            assert!(out_of_china(lat, lon));
            assert_eq!(wgs84_to_gcj02(lat, lon), (lat, lon));
            assert_eq!(gcj02_to_wgs84(lat, lon), (lat, lon));
        }
        assert!(out_of_china(f64::NAN, 116.0));
        assert!(wgs84_to_gcj02(f64::NAN, 116.0).0.is_nan());
        assert!(!out_of_china(36.6651, 117.0483));
        // The box's edges are inside.
        assert!(!out_of_china(0.8293, 72.004) && !out_of_china(55.8271, 137.8347));
        assert!(out_of_china(0.8292, 100.0) && out_of_china(30.0, 137.8348));
    }

    #[test]
    fn inside_china_the_offset_is_100_to_700_metres() {
        // Provincial capitals and big cities from Harbin to Haikou, Urumqi to Shanghai.
        for (lat, lon) in [
            (39.9042, 116.4074), // Beijing
            (36.6651, 117.0483), // Jinan
            (31.2304, 121.4737), // Shanghai
            (23.1291, 113.2644), // Guangzhou
            (30.5728, 104.0668), // Chengdu
            (45.8038, 126.5350), // Harbin
            (43.8256, 87.6168),  // Urumqi
            (29.6520, 91.1721),  // Lhasa
            (20.0440, 110.1999), // Haikou
            (34.3416, 108.9398), // Xi'an
        ] {
            let d = metres_apart((lat, lon), wgs84_to_gcj02(lat, lon));
            assert!((100.0..=700.0).contains(&d), "{lat},{lon}: {d} m");
        }
    }

    proptest! {
        #[test]
        fn the_inverse_undoes_the_forward_conversion(lat in 18.0..53.5f64, lon in 73.5..135.0f64) {
            let (g_lat, g_lon) = wgs84_to_gcj02(lat, lon);
            let (w_lat, w_lon) = gcj02_to_wgs84(g_lat, g_lon);
            prop_assert!((w_lat - lat).abs() < 1e-6 && (w_lon - lon).abs() < 1e-6);
        }
    }
}
