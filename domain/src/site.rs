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
