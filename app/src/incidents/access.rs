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
    /// The person who reported it.
    Reporter,
    /// The person it is assigned to (not a leader over its area).
    Assignee,
    /// A public incident of the reader's community.
    Public,
}

/// The parts of an incident that name or point at a person, and who may see each. One table,
/// so a new view cannot forget a field; every cell is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Who reported it. A report about a neighbour must not expose its maker to the
    /// neighbourhood, nor to the volunteer sent to look (who may live next door).
    pub reporter: bool,
    /// Who handles it. Not to the public (the assignee may be the reporter), nor to the
    /// reporter (so nobody leans on the volunteer handling their complaint).
    pub assignee: bool,
    /// The reporter's shift site and when the report arrived: both point at the reporter.
    pub site_and_arrival: bool,
    /// Leaders' notes on the timeline: working notes for those who act on it.
    pub notes: bool,
}

impl Sight {
    pub const fn shows(self) -> Shown {
        match self {
            Sight::Triage => Shown {
                reporter: true,
                assignee: true,
                site_and_arrival: true,
                notes: true,
            },
            Sight::Reporter => Shown {
                reporter: true,
                assignee: false,
                site_and_arrival: true,
                notes: false,
            },
            Sight::Assignee => Shown {
                reporter: false,
                assignee: true,
                site_and_arrival: true,
                notes: true,
            },
            Sight::Public => Shown {
                reporter: false,
                assignee: false,
                site_and_arrival: false,
                notes: false,
            },
        }
    }
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
    } else if who.status.on_duty_roll() && summary.reporter_id == who.volunteer_id {
        Sight::Reporter
    } else if who.status.on_duty_roll()
        && incident
            .assignee
            .as_ref()
            .is_some_and(|(id, _)| *id == who.volunteer_id)
    {
        Sight::Assignee
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

#[cfg(test)]
mod tests {
    use super::{Shown, Sight};

    /// (sight, reporter, assignee, site and arrival, notes): the table written out by hand.
    const EXPECTED: [(Sight, bool, bool, bool, bool); 4] = [
        (Sight::Triage, true, true, true, true),
        (Sight::Reporter, true, false, true, false),
        (Sight::Assignee, false, true, true, true),
        (Sight::Public, false, false, false, false),
    ];

    #[test]
    fn every_cell_of_the_sight_table() {
        for (sight, reporter, assignee, site_and_arrival, notes) in EXPECTED {
            assert_eq!(
                sight.shows(),
                Shown {
                    reporter,
                    assignee,
                    site_and_arrival,
                    notes
                },
                "{sight:?}"
            );
        }
    }

    #[test]
    fn nobody_but_the_reporter_and_leaders_learns_who_reported() {
        for sight in [Sight::Assignee, Sight::Public] {
            assert!(!sight.shows().reporter, "{sight:?}");
        }
        assert!(!Sight::Public.shows().assignee);
    }
}
