//! Incidents (隐患/事件): a volunteer reports what they saw with its place and photos
//! (`report`, through the same phone outbox as check-ins), leaders triage it along the workflow
//! (`detail`), and everyone in scope reads them as lists (`list`), on the map (`map`) and as
//! statistics (`stats`). Urgent open reports reach leaders' home page (`urgent`). The rules —
//! categories, severity, the workflow, GCJ-02, clustering — live in `domain::incident`.

#[cfg(feature = "ssr")]
pub mod access;
pub mod detail;
pub mod list;
pub mod map;
pub mod report;
#[cfg(feature = "ssr")]
pub mod service;
pub mod stats;
pub mod urgent;
pub mod view;

pub use detail::IncidentPage;
pub use list::IncidentsPage;
pub use map::MapPage;
pub use report::ReportPage;
pub use stats::StatsPage;
pub use urgent::UrgentAlerts;

use serde::{Deserialize, Serialize};

/// How incidents are configured for this installation.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentSettings {
    /// The categories a report can take (`PINGAN_INCIDENT_CATEGORIES`).
    pub categories: domain::incident::Categories,
    /// Photos per report (`PINGAN_MAX_PHOTOS`).
    pub max_photos: usize,
    /// An optional raster base map under the SVG map; off unless configured.
    pub tiles: Option<TileLayer>,
}

impl Default for IncidentSettings {
    fn default() -> Self {
        Self {
            categories: domain::incident::Categories::defaults(),
            max_photos: 4,
            tiles: None,
        }
    }
}

/// A raster tile service: `https://…/{z}/{x}/{y}.png` and the datum its streets are drawn in
/// (Chinese providers use GCJ-02).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TileLayer {
    pub url: String,
    pub datum: crate::areas::Datum,
}

impl TileLayer {
    /// The tile's address: the template with `{z}`, `{x}` and `{y}` filled in.
    pub fn tile_url(&self, z: u32, x: u32, y: u32) -> String {
        self.url
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }

    /// The service's origin (`https://host:port`), for the page's image policy. HTTPS only:
    /// plain-HTTP tiles on an HTTPS site are blocked as mixed content.
    pub fn origin(&self) -> Option<String> {
        let rest = self.url.strip_prefix("https://")?;
        let host = rest.split('/').next()?;
        (!host.is_empty() && !host.contains('{')).then(|| format!("https://{host}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_url_is_filled_in_and_its_origin_read() {
        let layer = TileLayer {
            url: "https://tiles.example.cn:8443/map/{z}/{x}/{y}.png".into(),
            datum: crate::areas::Datum::Gcj02,
        };
        assert_eq!(
            layer.tile_url(15, 27000, 12000),
            "https://tiles.example.cn:8443/map/15/27000/12000.png"
        );
        assert_eq!(
            layer.origin().as_deref(),
            Some("https://tiles.example.cn:8443")
        );
        for bad in [
            "javascript:alert(1)",
            "http://tiles.example.cn/{z}/{x}/{y}.png",
        ] {
            let layer = TileLayer {
                url: bad.into(),
                datum: crate::areas::Datum::Wgs84,
            };
            assert_eq!(layer.origin(), None, "{bad}");
        }
    }
}
