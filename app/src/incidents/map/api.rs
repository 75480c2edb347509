//! The map's server function: the reader's area, the incidents of the chosen period, and what
//! `layers` makes of them for the chosen layer and zoom.

use super::layers::{HeatSquare, MapPin, Tile};
use crate::areas::MapData;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapPageData {
    pub map: Option<MapData>,
    pub pins: Vec<MapPin>,
    pub heat: Vec<HeatSquare>,
    pub tiles: Vec<Tile>,
    pub tiles_available: bool,
    pub total: usize,
}

#[server(endpoint = "incidents/map")]
pub async fn incident_map(query: MapQuery) -> Result<MapPageData, AppError> {
    crate::error::answer(async move {
        use super::layers::{heat_squares, near_the_areas, pins, tiles_for, zoomed};
        use crate::areas::{build_map, draw_map, Datum};
        use domain::incident::port::{IncidentQuery, Viewer};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let viewer = crate::incidents::access::viewer_of(store, &who).await?;
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
        let map = match query.at.filter(|_| query.zoom > 1) {
            Some(at) => draw_map(
                zoomed(&whole.projection, whole.height, at, query.zoom),
                whole.height,
                &shapes,
                &sites,
            ),
            None => whole.clone(),
        };
        let shown = map.projection;
        let tiles = match (&layer, query.tiles) {
            (Some(l), true) => tiles_for(l, &shown, map.height),
            _ => Vec::new(),
        };
        Ok(MapPageData {
            pins: pins(&facts, &shown, &whole.projection),
            heat: heat_squares(&facts, &shown),
            map: Some(map),
            tiles,
            tiles_available: layer.is_some(),
            total: facts.len(),
        })
    })
    .await
}
