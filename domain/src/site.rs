//! Sites (重点部位/巡逻点): where duty happens, each inside an area, with a geofence.

use crate::area::AreaId;
use crate::geometry::Fence;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SiteId(pub i64);

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: SiteId,
    pub area_id: AreaId,
    pub name: String,
    pub fence: Fence,
}

/// A site to create or update (matched by area and name).
#[derive(Debug, Clone, PartialEq)]
pub struct SiteDraft {
    pub area_id: AreaId,
    pub name: String,
    pub fence: Fence,
}

/// How far a site may be and still name a position ("距山大路科技市场 35 米"): beyond this a
/// site's name says less about where something is than the map does.
pub const NEAR_SITE_M: f64 = 1_000.0;

/// The site nearest to a position, and the metres from its fence (0 inside), if one is within
/// `within_m`.
pub fn nearest(sites: &[Site], lat: f64, lon: f64, within_m: f64) -> Option<(&Site, f64)> {
    sites
        .iter()
        .map(|s| (s, crate::duty::geofence::distance_m(&s.fence, lat, lon)))
        .filter(|(_, d)| *d <= within_m)
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(id: i64, name: &str, lat: f64, lon: f64) -> Site {
        Site {
            id: SiteId(id),
            area_id: AreaId(1),
            name: name.into(),
            fence: Fence::Circle {
                lat,
                lon,
                radius_m: 50,
            },
        }
    }

    #[test]
    fn the_nearest_site_within_reach_names_a_position() {
        let sites = [
            circle(1, "山大路科技市场", 36.675, 117.0591),
            circle(2, "燕子山小区", 36.66, 117.08),
        ];
        // 0.001° of latitude ≈ 111 m from the market's centre: 61 m from its 50 m fence.
        let (site, m) = nearest(&sites, 36.676, 117.0591, NEAR_SITE_M).expect("a site near");
        assert_eq!(site.name, "山大路科技市场");
        assert!((m - 61.0).abs() < 2.0, "{m}");
        assert_eq!(
            nearest(&sites, 36.675, 117.0591, NEAR_SITE_M).map(|s| s.1),
            Some(0.0)
        );
        // Far from both: nothing is named.
        assert!(nearest(&sites, 36.70, 117.00, NEAR_SITE_M).is_none());
        assert!(nearest(&[], 36.675, 117.0591, NEAR_SITE_M).is_none());
    }
}
