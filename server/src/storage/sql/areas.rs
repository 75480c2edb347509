//! The area tree: districts, streets, communities, their population and boundaries, and the
//! registered volunteers counted over a subtree.

use super::{Conn, Pool, NULL_SAFE_EQ, SUBTREE_OF_1};
use crate::storage::error::{corrupt, count, exactly_one, Result};
use crate::storage::rows::{convert, AreaRow, AREA_COLUMNS};
use domain::{Area, AreaId, AreaPath, NewArea};

pub async fn insert(conn: &mut Conn, area: &NewArea) -> Result<AreaId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO areas (parent_id, kind, name, population, population_counted_on) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(area.parent_id.map(|p| p.0))
    .bind(area.kind.as_str())
    .bind(area.name.as_str())
    .bind(i64::from(area.population.get()))
    .bind(area.population_counted_on)
    .fetch_one(conn)
    .await?;
    Ok(AreaId(id))
}

pub async fn get(pool: &Pool, id: AreaId) -> Result<Option<Area>> {
    let row: Option<AreaRow> =
        sqlx::query_as(&format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"))
            .bind(id.0)
            .fetch_optional(pool)
            .await?;
    row.map(Area::try_from).transpose()
}

/// The children of `parent`, or the roots when `None`, by name.
pub async fn children(pool: &Pool, parent: Option<AreaId>) -> Result<Vec<Area>> {
    let rows: Vec<AreaRow> = sqlx::query_as(&format!(
        "SELECT {AREA_COLUMNS} FROM areas WHERE parent_id {NULL_SAFE_EQ} $1 ORDER BY name, id"
    ))
    .bind(parent.map(|p| p.0))
    .fetch_all(pool)
    .await?;
    convert(rows)
}

pub async fn set_figures(
    conn: &mut Conn,
    id: AreaId,
    population: domain::Population,
    counted_on: Option<chrono::NaiveDate>,
    target_rate: Option<domain::TargetRate>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE areas SET population = $1, population_counted_on = $2, target_rate_bp = $3 \
         WHERE id = $4",
    )
    .bind(i64::from(population.get()))
    .bind(counted_on)
    .bind(target_rate.map(|r| i64::from(r.basis_points())))
    .bind(id.0)
    .execute(conn)
    .await?;
    exactly_one(done.rows_affected())
}

pub async fn set_boundary(conn: &mut Conn, id: AreaId, geojson: &str) -> Result<()> {
    let done = sqlx::query("UPDATE areas SET boundary = $1 WHERE id = $2")
        .bind(geojson)
        .bind(id.0)
        .execute(conn)
        .await?;
    exactly_one(done.rows_affected())
}

/// The boundaries of `parent` and of its children, those that have one.
pub async fn boundaries(
    pool: &Pool,
    parent: AreaId,
) -> Result<Vec<(AreaId, domain::geometry::Shape)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, boundary FROM areas \
         WHERE (id = $1 OR parent_id = $1) AND boundary IS NOT NULL ORDER BY id",
    )
    .bind(parent.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, text)| {
            domain::geometry::shape_from_geojson(&text)
                .map(|shape| (AreaId(id), shape))
                .ok_or_else(|| corrupt("areas.boundary"))
        })
        .collect()
}

/// The ids from the root down to `id`; empty when `id` does not exist.
pub async fn path(pool: &Pool, id: AreaId) -> Result<AreaPath> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
             SELECT id, parent_id, 0 FROM areas WHERE id = $1 \
             UNION ALL \
             SELECT a.id, a.parent_id, up.depth + 1 FROM areas a JOIN up ON a.id = up.parent_id \
         ) SELECT id FROM up ORDER BY depth DESC",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await?;
    Ok(AreaPath(ids.into_iter().map(AreaId).collect()))
}

/// Registered volunteers whose home is in `id`'s subtree.
pub async fn registered_in(pool: &Pool, id: AreaId) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(&format!(
        "{SUBTREE_OF_1} SELECT COUNT(*) FROM volunteers v JOIN sub ON v.home_area_id = sub.id \
         WHERE v.status = 'registered'"
    ))
    .bind(id.0)
    .fetch_one(pool)
    .await?;
    count(n)
}

/// Registered volunteers per child of `parent`, each counted over the child's subtree.
pub async fn registered_per_child(pool: &Pool, parent: AreaId) -> Result<Vec<(AreaId, u32)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "WITH RECURSIVE sub(top, id) AS ( \
             SELECT id, id FROM areas WHERE parent_id = $1 \
             UNION ALL SELECT sub.top, a.id FROM areas a JOIN sub ON a.parent_id = sub.id \
         ) SELECT sub.top, COUNT(v.id) FROM sub \
           LEFT JOIN volunteers v ON v.home_area_id = sub.id AND v.status = 'registered' \
           GROUP BY sub.top",
    )
    .bind(parent.0)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, n)| Ok((AreaId(id), count(n)?)))
        .collect()
}
