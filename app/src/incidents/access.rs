//! Who sees which incident. Leaders, coordinators and admins see every incident of their area
//! subtree with its reporter and may triage it; a volunteer sees their own reports and the
//! ones a leader made public to their community — without the reporter's name, because a
//! report about a neighbour must not expose who made it.

use crate::AppError;
use domain::incident::port::{Incident, IncidentId, Viewer};
use domain::{Action, Principal, Role, Storage};

/// How much of an incident the reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sight {
    /// A leader over its area: everything, and the triage steps.
    Triage,
    /// The reporter, or the person it is assigned to.
    Own,
    /// A public incident of the reader's community: no reporter.
    Public,
}

/// What lists, the map and statistics cover for `who`: their widest leading scope, or as a
/// volunteer their own reports and their community's public ones.
pub async fn viewer_of(store: &dyn Storage, who: &Principal) -> Result<Viewer, AppError> {
    if !who.status.on_duty_roll() {
        return Err(AppError::Forbidden);
    }
    if who.highest_role() >= Role::TeamLeader {
        if let Ok((area, _)) =
            crate::auth::widest_scope(store, who, Role::TeamLeader, Action::TriageIncidents).await
        {
            return Ok(Viewer::Area(area));
        }
    }
    let community = *who.home.0.last().ok_or(AppError::Forbidden)?;
    Ok(Viewer::Volunteer {
        id: who.volunteer_id,
        community,
    })
}

/// Narrows an area viewer to `area` when the reader leads there; anything else is "not found".
pub async fn narrowed(
    store: &dyn Storage,
    who: &Principal,
    viewer: Viewer,
    area: Option<i64>,
) -> Result<Viewer, AppError> {
    match (viewer, area) {
        (Viewer::Area(_), Some(id)) => {
            let path = store
                .area_path(domain::AreaId(id))
                .await
                .map_err(AppError::from)?;
            if path.0.is_empty() || !who.may(Action::TriageIncidents, &path) {
                return Err(AppError::NotFound);
            }
            Ok(Viewer::Area(domain::AreaId(id)))
        }
        (viewer, _) => Ok(viewer),
    }
}

/// The incident `id` if `who` may see it, and how much; otherwise "not found".
pub async fn incident_in_sight(
    store: &dyn Storage,
    who: &Principal,
    id: i64,
) -> Result<(Incident, Sight), AppError> {
    let incident = store
        .incident(IncidentId(id))
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let summary = &incident.summary;
    let path = store
        .area_path(summary.area_id)
        .await
        .map_err(AppError::from)?;
    let sight = if who.may(Action::TriageIncidents, &path) {
        Sight::Triage
    } else if who.status.on_duty_roll()
        && (summary.reporter_id == who.volunteer_id
            || incident
                .assignee
                .as_ref()
                .is_some_and(|(id, _)| *id == who.volunteer_id))
    {
        Sight::Own
    } else if summary.public
        && who.status.on_duty_roll()
        && who.home.0.last() == Some(&summary.area_id)
    {
        Sight::Public
    } else {
        return Err(AppError::NotFound);
    };
    Ok((incident, sight))
}
