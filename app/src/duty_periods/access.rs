//! Who may see and change which duty period.

use crate::AppError;
use domain::duty_period::port::{DutyPeriod, DutyPeriodId};
use domain::{Action, AreaId, Principal, Role, Storage};

/// The widest area the reader plans periods for, or `Forbidden`.
pub async fn planning_scope(store: &dyn Storage, who: &Principal) -> Result<AreaId, AppError> {
    let (area, _) =
        crate::auth::widest_scope(store, who, Role::Coordinator, Action::PlanDutyPeriods).await?;
    Ok(area)
}

async fn load(store: &dyn Storage, id: DutyPeriodId) -> Result<DutyPeriod, AppError> {
    store
        .period(id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)
}

/// The period, if the reader plans over its area. Volunteers of the district see that it
/// exists (403); anyone else does not (404).
pub async fn period_to_plan(
    store: &dyn Storage,
    id: DutyPeriodId,
) -> Result<(Principal, DutyPeriod), AppError> {
    crate::auth::require_login()?;
    let period = load(store, id).await?;
    let path = store
        .area_path(period.area_id)
        .await
        .map_err(AppError::from)?;
    let who = crate::auth::require_seen(Action::ViewAreaFigures, Action::PlanDutyPeriods, &path)?;
    Ok((who, period))
}

/// The period and the sites of it the reader may watch live: all of them for a planner of
/// its area (`None`), or those where the reader runs shifts (a team leader on site). Anyone
/// else of the district sees that it exists (403); anyone outside it does not (404).
pub async fn period_to_watch(
    store: &dyn Storage,
    id: DutyPeriodId,
) -> Result<(Principal, DutyPeriod, Option<Vec<domain::SiteId>>), AppError> {
    let who = crate::auth::require_login()?;
    let period = load(store, id).await?;
    let path = store
        .area_path(period.area_id)
        .await
        .map_err(AppError::from)?;
    if who.may(Action::PlanDutyPeriods, &path) {
        return Ok((who, period, None));
    }
    let mut theirs = Vec::new();
    for site in &period.sites {
        let at = store
            .area_path(site.area_id)
            .await
            .map_err(AppError::from)?;
        if who.may(Action::ManageShifts, &at) {
            theirs.push(site.id);
        }
    }
    if !theirs.is_empty() {
        return Ok((who, period, Some(theirs)));
    }
    crate::auth::require_seen(Action::ViewAreaFigures, Action::PlanDutyPeriods, &path)?;
    Err(AppError::Forbidden)
}

/// The period, if it asks the reader: published or running, and its area holds their home.
/// Anything else is "not found", so a period's name does not leak outside its area.
pub async fn period_to_answer(
    store: &dyn Storage,
    id: DutyPeriodId,
) -> Result<(Principal, DutyPeriod), AppError> {
    let who = crate::auth::require_login()?;
    let period = load(store, id).await?;
    let asks = matches!(
        period.status,
        domain::duty_period::period::PeriodStatus::Published
            | domain::duty_period::period::PeriodStatus::Running
    );
    if !asks || !who.home.contains(period.area_id) {
        return Err(AppError::NotFound);
    }
    Ok((who, period))
}

/// The areas a period may cover: `scope` and everything below it, each named with its path
/// below the scope ("千佛山街道 · 建新社区"), the scope first.
pub async fn plannable_areas(
    store: &dyn Storage,
    scope: AreaId,
) -> Result<Vec<(i64, String)>, AppError> {
    let path = store.area_path(scope).await.map_err(AppError::from)?;
    let own = match path.0.len() {
        0 => return Ok(Vec::new()),
        n => {
            let parent = (n > 1).then(|| path.0[n - 2]);
            store
                .child_areas(parent)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .find(|a| a.id == scope)
                .map(|a| a.name)
                .unwrap_or_default()
        }
    };
    let mut out = vec![(scope.0, own.clone())];
    let mut level = vec![(scope, own)];
    // District → streets → communities: at most two levels below.
    for _ in 0..2 {
        let mut next = Vec::new();
        for (id, name) in &level {
            for child in store.child_areas(Some(*id)).await.map_err(AppError::from)? {
                let label = if *id == scope {
                    child.name.clone()
                } else {
                    format!("{name} · {}", child.name)
                };
                out.push((child.id.0, label.clone()));
                next.push((child.id, label));
            }
        }
        level = next;
    }
    Ok(out)
}
