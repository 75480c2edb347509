//! The 2% target of an area: resident population, registered volunteers living in it, the
//! target, and its children ranked by progress. Counted from registrations, never typed.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One area's standing against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub id: i64,
    pub name: String,
    pub population: u32,
    /// The date the population was counted, ISO.
    pub counted_on: Option<String>,
    pub registered: u32,
    pub target: u32,
    /// 0..=1000, capped.
    pub permille: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaReport {
    /// District first, this area last: for the breadcrumb.
    pub path: Vec<(i64, String)>,
    pub area: Standing,
    /// The target rate in percent, e.g. "2" or "2.5".
    pub rate_percent: String,
    /// Children, best progress first.
    pub children: Vec<Standing>,
    /// Whether the reader may edit population and rate (association admins).
    pub can_manage: bool,
    pub is_district: bool,
    /// Communities have no areas below them (sites hang there instead).
    pub can_have_children: bool,
    /// The district's own rate in percent, when it has one (for the edit form).
    pub own_rate: Option<String>,
    /// Boundaries below this area and its sites, when any are on file.
    pub map: Option<super::MapData>,
}

/// What [`area_figures`] takes, as one value: the fields are the form's names. Every field
/// may be left out, and a call with none sends an empty body: hence the default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AreaFiguresInput {
    pub id: Option<i64>,
}

/// Figures for `id`, or for the reader's district when `None`.
#[server(endpoint = "areas/figures")]
pub async fn area_figures(
    #[server(default)] input: AreaFiguresInput,
) -> Result<AreaReport, AppError> {
    let AreaFiguresInput { id } = input;
    crate::error::answer(async move {
        use domain::{Action, AreaId, TargetProgress};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let id = match id {
            Some(id) => AreaId(id),
            None => *who.home.0.first().ok_or(AppError::NotFound)?,
        };
        let path = store.area_path(id).await.map_err(AppError::from)?;
        if path.0.is_empty() {
            return Err(AppError::NotFound);
        }
        // Out of scope answers like a missing area: no probing for what exists elsewhere.
        if !who.may(Action::ViewAreaFigures, &path) {
            return Err(AppError::NotFound);
        }
        let mut names = Vec::with_capacity(path.0.len());
        let mut rate = state.target_rate;
        for ancestor in &path.0 {
            let a = store
                .area(*ancestor)
                .await
                .map_err(AppError::from)?
                .ok_or(AppError::NotFound)?;
            // The nearest ancestor (the district) with its own rate decides.
            if let Some(r) = a.target_rate {
                rate = r;
            }
            names.push((a.id.0, a.name));
        }
        let area = store
            .area(id)
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let standing = |a: &domain::Area, registered: u32| {
            let p = TargetProgress::compute(a.population, registered, rate);
            Standing {
                id: a.id.0,
                name: a.name.clone(),
                population: a.population,
                counted_on: a.population_counted_on.map(|d| d.to_string()),
                registered,
                target: p.target,
                permille: p.permille(),
            }
        };
        let registered = store.registered_in(id).await.map_err(AppError::from)?;
        let counts: std::collections::HashMap<AreaId, u32> = store
            .registered_per_child(id)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .collect();
        let mut children: Vec<Standing> = store
            .child_areas(Some(id))
            .await
            .map_err(AppError::from)?
            .iter()
            .map(|c| standing(c, counts.get(&c.id).copied().unwrap_or(0)))
            .collect();
        children.sort_by(|a, b| {
            b.permille
                .cmp(&a.permille)
                .then_with(|| a.name.cmp(&b.name))
        });
        let map = area_map(store, id).await?;
        Ok(AreaReport {
            path: names,
            area: standing(&area, registered),
            rate_percent: percent(rate.basis_points()),
            children,
            can_manage: who.may(Action::ManageAreas, &path),
            is_district: area.kind == domain::AreaKind::District,
            can_have_children: area.kind.child_kind().is_some(),
            own_rate: area.target_rate.map(|r| percent(r.basis_points())),
            map,
        })
    })
    .await
}

/// Basis points as a percentage without trailing zeros: 200 → "2", 250 → "2.5".
#[cfg(feature = "ssr")]
fn percent(bp: u16) -> String {
    if bp.is_multiple_of(100) {
        format!("{}", bp / 100)
    } else {
        format!("{}", f64::from(bp) / 100.0)
    }
}

/// The shapes to draw for `id`: its children's boundaries, or its grandchildren's when the
/// children have none (a district whose streets are drawn by their communities), or its own.
#[cfg(feature = "ssr")]
async fn area_map(
    store: &dyn domain::Storage,
    id: domain::AreaId,
) -> Result<Option<super::MapData>, AppError> {
    let (named, sites) = area_shapes(store, id).await?;
    Ok(super::map::build_map(
        &named,
        &sites,
        &[],
        super::map::Datum::Wgs84,
    ))
}

/// The named shapes (id, name, boundary) and the sites a map of `id` draws.
#[cfg(feature = "ssr")]
pub(crate) async fn area_shapes(
    store: &dyn domain::Storage,
    id: domain::AreaId,
) -> Result<
    (
        Vec<(i64, String, domain::geometry::Shape)>,
        Vec<domain::Site>,
    ),
    AppError,
> {
    let below = |all: Vec<(domain::AreaId, domain::geometry::Shape)>, parent: domain::AreaId| {
        all.into_iter().filter(move |(a, _)| *a != parent)
    };
    let own = store.boundaries(id).await.map_err(AppError::from)?;
    let mut shapes: Vec<_> = below(own.clone(), id).collect();
    if shapes.is_empty() {
        for child in store.child_areas(Some(id)).await.map_err(AppError::from)? {
            let found = store.boundaries(child.id).await.map_err(AppError::from)?;
            shapes.extend(below(found, child.id));
        }
    }
    if shapes.is_empty() {
        shapes = own;
    }
    let mut named = Vec::with_capacity(shapes.len());
    for (area, shape) in shapes {
        let name = store
            .area(area)
            .await
            .map_err(AppError::from)?
            .map(|a| a.name)
            .unwrap_or_default();
        named.push((area.0, name, shape));
    }
    let sites = store.sites_in(id).await.map_err(AppError::from)?;
    Ok((named, sites))
}
