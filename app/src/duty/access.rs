//! Who may touch which duty record: the checks the duty server functions share.

use crate::AppError;
use domain::{Action, Assignment, AssignmentId, Principal, Shift, Storage};

/// The area a leader plans for, or `Forbidden`.
pub async fn roster_scope(store: &dyn Storage) -> Result<(Principal, domain::AreaId), AppError> {
    let who = crate::auth::require_login()?;
    let (area, _) =
        crate::auth::widest_scope(store, &who, domain::Role::TeamLeader, Action::ManageShifts)
            .await?;
    Ok((who, area))
}

/// The shift, if the reader may do `action` at its site (otherwise "not found").
pub async fn shift_in_scope(
    store: &dyn Storage,
    id: i64,
    action: Action,
) -> Result<(Principal, Shift), AppError> {
    let shift = store
        .shift(domain::ShiftId(id))
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let path = store
        .area_path(shift.area_id)
        .await
        .map_err(AppError::from)?;
    // Every volunteer of the district sees its shifts (they may take any of them).
    let who = crate::auth::require_seen(Action::ViewAreaFigures, action, &path)?;
    Ok((who, shift))
}

/// The reader's own assignment `id` (someone else's is "not found").
pub async fn own_assignment(
    store: &dyn Storage,
    who: &Principal,
    id: i64,
) -> Result<Assignment, AppError> {
    store
        .assignment(AssignmentId(id))
        .await
        .map_err(AppError::from)?
        .filter(|a| a.volunteer_id == who.volunteer_id)
        .ok_or(AppError::NotFound)
}

/// The shift of an assignment (it always has one; a missing row is "not found").
pub async fn shift_of(store: &dyn Storage, a: &Assignment) -> Result<Shift, AppError> {
    store
        .shift(a.shift_id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)
}
