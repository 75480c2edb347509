//! Sites (the places volunteers guard, each with its geofence) and map imports.

use super::{areas, Conn, Pool, SUBTREE_OF_1};
use crate::storage::error::{Error, Result};
use crate::storage::rows::{convert, SiteRow, SITE_COLUMNS};
use domain::geometry::{shape_to_geojson, Fence};
use domain::{AreaId, Site, SiteDraft, SiteId, StorageError};

pub async fn get(pool: &Pool, id: SiteId) -> Result<Option<Site>> {
    let row: Option<SiteRow> = sqlx::query_as(&format!(
        "SELECT {SITE_COLUMNS} FROM sites s WHERE s.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    row.map(Site::try_from).transpose()
}

/// Active sites in `area`'s subtree, by name.
pub async fn in_subtree(pool: &Pool, area: AreaId) -> Result<Vec<Site>> {
    let rows: Vec<SiteRow> = sqlx::query_as(&format!(
        "{SUBTREE_OF_1} SELECT {SITE_COLUMNS} FROM sites s JOIN sub ON s.area_id = sub.id \
         WHERE s.active = TRUE ORDER BY s.name, s.id"
    ))
    .bind(area.0)
    .fetch_all(pool)
    .await?;
    convert(rows)
}

/// Writes an import's boundaries and sites (created or updated by area and name).
pub async fn import(
    conn: &mut Conn,
    boundaries: &[(AreaId, domain::geometry::Shape)],
    sites: &[SiteDraft],
) -> Result<(u32, u32)> {
    use geo::Centroid;
    for (area, shape) in boundaries {
        areas::set_boundary(&mut *conn, *area, &shape_to_geojson(shape)).await?;
    }
    for site in sites {
        // A polygon site keeps its centroid too, for distances and map labels.
        let (lat, lon, radius, boundary) = match &site.fence {
            Fence::Circle { lat, lon, radius_m } => (*lat, *lon, Some(i64::from(*radius_m)), None),
            Fence::Polygon(shape) => {
                let c = shape
                    .centroid()
                    .ok_or(Error(StorageError::Constraint("sites_fence_check")))?;
                (c.y(), c.x(), None, Some(shape_to_geojson(shape)))
            }
        };
        sqlx::query(
            "INSERT INTO sites (area_id, name, lat, lon, radius_m, boundary) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (area_id, name) DO UPDATE SET lat = excluded.lat, \
             lon = excluded.lon, radius_m = excluded.radius_m, boundary = excluded.boundary",
        )
        .bind(site.area_id.0)
        .bind(&site.name)
        .bind(lat)
        .bind(lon)
        .bind(radius)
        .bind(boundary)
        .execute(&mut *conn)
        .await?;
    }
    Ok((boundaries.len() as u32, sites.len() as u32))
}
