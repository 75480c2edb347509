//! The server functions of `/incidents/{id}`: the incident as its reader may see it, and the
//! leader's triage — a workflow step, an assignment (and whom it can go to), publishing.

use crate::areas::MapData;
use crate::AppError;
use domain::incident::port::IncidentSummary;
use domain::incident::{Category, IncidentStatus, Referral};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineRow {
    pub at: i64,
    /// `None` where the reader may not learn who it was (the reporter, to other volunteers).
    pub actor: Option<String>,
    pub step: String,
    pub status: IncidentStatus,
    pub referred_to: Option<Referral>,
    pub assignee: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailData {
    pub summary: IncidentSummary,
    pub categories: Vec<Category>,
    /// Shown to leaders and to the reporter only.
    pub reporter: Option<String>,
    pub site: Option<String>,
    /// The site nearest the position and the metres to it (within `domain::site::NEAR_SITE_M`):
    /// a position is told as "距山大路科技市场 35 米", not as coordinates.
    pub near: Option<(String, u32)>,
    pub accuracy_m: Option<f64>,
    pub received_at: i64,
    pub assignee: Option<String>,
    pub referred_to: Option<Referral>,
    pub photo_urls: Vec<String>,
    pub timeline: Vec<TimelineRow>,
    /// The workflow steps the reader may take now (leaders only).
    pub steps: Vec<String>,
    pub can_triage: bool,
    pub map: Option<MapData>,
}

/// Where a photo is served (`GET`, checked like the incident itself).
pub fn photo_url(incident: i64, photo: i64) -> String {
    format!("/incidents/{incident}/photos/{photo}")
}

/// What [`incident_detail`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentDetailInput {
    pub id: i64,
}

#[server(endpoint = "incidents/detail")]
pub async fn incident_detail(input: IncidentDetailInput) -> Result<DetailData, AppError> {
    let IncidentDetailInput { id } = input;
    crate::error::answer(async move {
        use crate::incidents::access::Sight;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let (incident, sight) =
            crate::incidents::access::incident_in_sight(store, &who, id).await?;
        let events = store
            .incident_events(incident.summary.id)
            .await
            .map_err(AppError::from)?;
        let reporter_id = incident.summary.reporter_id;
        let assignee_id = incident.assignee.as_ref().map(|(id, _)| *id);
        // What the reader may learn of the people involved: `Sight::shows`, one table.
        let shown = sight.shows();
        let hidden_actor = |actor| {
            (!shown.reporter && actor == reporter_id)
                || (!shown.assignee && Some(actor) == assignee_id)
        };
        let timeline = events
            .into_iter()
            .map(|e| TimelineRow {
                at: e.at,
                actor: (!hidden_actor(e.actor_id)).then_some(e.actor_name),
                step: e.step,
                status: e.status,
                referred_to: e.referred_to,
                assignee: e.assignee.filter(|_| shown.assignee).map(|(_, name)| name),
                note: e.note.filter(|_| shown.notes),
            })
            .collect();
        let (shapes, sites) = crate::areas::area_shapes(store, incident.summary.area_id).await?;
        let map = crate::areas::build_map(
            &shapes,
            &sites,
            &[(incident.summary.lat, incident.summary.lon)],
            crate::areas::Datum::Wgs84,
        );
        let can_triage = sight == Sight::Triage;
        let near = domain::site::nearest(
            &sites,
            incident.summary.lat,
            incident.summary.lon,
            domain::site::NEAR_SITE_M,
        )
        .map(|(site, m)| (site.name.clone(), m.round() as u32));
        Ok(DetailData {
            near,
            categories: state.incidents.categories.all().to_vec(),
            reporter: shown.reporter.then_some(incident.reporter_name),
            site: incident.site_name.filter(|_| shown.site_and_arrival),
            accuracy_m: incident.accuracy_m,
            received_at: if shown.site_and_arrival {
                incident.received_at
            } else {
                incident.summary.made_at
            },
            assignee: incident
                .assignee
                .filter(|_| shown.assignee)
                .map(|(_, name)| name),
            referred_to: incident.referred_to,
            photo_urls: incident
                .photo_ids
                .iter()
                .map(|p| photo_url(id, *p))
                .collect(),
            timeline,
            steps: if can_triage {
                domain::incident::workflow::steps_from(incident.summary.status)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            } else {
                Vec::new()
            },
            can_triage,
            map,
            summary: incident.summary,
        })
    })
    .await
}

/// The incident `id`, if the reader may triage it.
#[cfg(feature = "ssr")]
async fn for_triage(
    store: &dyn domain::Storage,
    id: i64,
) -> Result<(domain::Principal, domain::incident::port::Incident), AppError> {
    let who = crate::auth::require_login()?;
    let (incident, sight) = crate::incidents::access::incident_in_sight(store, &who, id).await?;
    if sight != crate::incidents::access::Sight::Triage {
        // The reporter sees their report but may not triage it.
        return Err(AppError::Forbidden);
    }
    Ok((who, incident))
}

/// Writes `what` by `who` now, with its timeline row named `step`.
#[cfg(feature = "ssr")]
async fn apply(
    store: &dyn domain::Storage,
    id: i64,
    who: &domain::Principal,
    step: &str,
    what: domain::incident::port::ChangeKind,
    note: Option<String>,
) -> Result<(), AppError> {
    let change = domain::incident::port::IncidentChange {
        actor: who.volunteer_id,
        at: chrono::Utc::now().timestamp_millis(),
        step: step.to_owned(),
        what,
        note,
    };
    store
        .change_incident(domain::incident::port::IncidentId(id), &change)
        .await
        // Someone else moved it first (`ChangedMeanwhile`, a conflict): the reader reloads and
        // sees their step.
        .map_err(AppError::from)
}

/// What [`incident_step`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentStepInput {
    pub id: i64,
    pub step: String,
    pub referral: String,
    pub referral_name: String,
    pub note: String,
}

/// A workflow step: `acknowledge`, `refer` (with a referral), `resolve`, `close`, `reject` or
/// `reopen` (those two with a reason).
#[server(endpoint = "incidents/step")]
pub async fn incident_step(input: IncidentStepInput) -> Result<(), AppError> {
    let IncidentStepInput {
        id,
        step,
        referral,
        referral_name,
        note,
    } = input;
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        use domain::incident::workflow::{next_status, parse_step};
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, incident) = for_triage(store, id).await?;
        let (step, note) = parse_step(&step, &referral, &referral_name, &note)?;
        let from = incident.summary.status;
        // A second press, or two leaders at once: the same referral is never made twice.
        if let domain::incident::Step::Refer(r) = &step {
            if from == domain::incident::IncidentStatus::Referred
                && incident.referred_to.as_ref() == Some(r)
            {
                return Err(FieldError::new("referral", MessageKey::StepRepeated).into());
            }
        }
        let to = next_status(from, &step)?;
        let referred_to = match &step {
            domain::incident::Step::Refer(r) => Some(r.clone()),
            _ => None,
        };
        let what = ChangeKind::Status {
            from,
            to,
            referred_to,
        };
        apply(store, id, &who, step.as_str(), what, note).await
    })
    .await
}

/// What [`incident_assign`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentAssignInput {
    pub id: i64,
    pub volunteer_id: Option<i64>,
}

/// Assigns the incident to one of the people the reader leads (`None`: to the reader).
#[server(endpoint = "incidents/assign")]
pub async fn incident_assign(input: IncidentAssignInput) -> Result<(), AppError> {
    let IncidentAssignInput { id, volunteer_id } = input;
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, _) = for_triage(store, id).await?;
        let assignee = match volunteer_id {
            None => who.volunteer_id,
            Some(v) => {
                let unknown = || {
                    AppError::from(FieldError::new(
                        "volunteer_id",
                        MessageKey::VolunteerUnknown,
                    ))
                };
                let person = store
                    .volunteer(domain::VolunteerId(v))
                    .await
                    .map_err(AppError::from)?
                    .filter(|v| v.status == domain::VolunteerStatus::Registered)
                    .ok_or_else(unknown)?;
                // Someone the leader leads: their home is within the leader's scope.
                let theirs = store
                    .area_path(person.home_area_id)
                    .await
                    .map_err(AppError::from)?;
                if !who.may(domain::Action::TriageIncidents, &theirs) {
                    return Err(unknown());
                }
                person.id
            }
        };
        apply(
            store,
            id,
            &who,
            "assign",
            ChangeKind::Assign(Some(assignee)),
            None,
        )
        .await
    })
    .await
}

/// One person an incident can be assigned to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignable {
    pub id: i64,
    pub name: String,
    pub vest_no: Option<String>,
}

/// What [`incident_assignable`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentAssignableInput {
    pub id: i64,
}

/// The registered volunteers of the incident's area, whom the reader leads: the list the
/// assignment is picked from (names and vest numbers; no phone numbers).
#[server(endpoint = "incidents/assignable")]
pub async fn incident_assignable(
    input: IncidentAssignableInput,
) -> Result<Vec<Assignable>, AppError> {
    let IncidentAssignableInput { id } = input;
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, incident) = for_triage(store, id).await?;
        let page = store
            .volunteers_in(&domain::VolunteerFilter {
                within: incident.summary.area_id,
                status: Some(domain::VolunteerStatus::Registered),
                search: None,
                offset: 0,
                limit: 200,
            })
            .await
            .map_err(AppError::from)?;
        let mut people = Vec::with_capacity(page.items.len());
        for v in page.items {
            let home = store
                .area_path(v.home_area_id)
                .await
                .map_err(AppError::from)?;
            if who.may(domain::Action::TriageIncidents, &home) {
                people.push(Assignable {
                    id: v.id.0,
                    name: v.name,
                    vest_no: v.vest_no,
                });
            }
        }
        Ok(people)
    })
    .await
}

/// What [`incident_publish`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentPublishInput {
    pub id: i64,
    pub public: bool,
}

/// Shows the incident to its community's volunteers, or hides it again.
#[server(endpoint = "incidents/publish")]
pub async fn incident_publish(input: IncidentPublishInput) -> Result<(), AppError> {
    let IncidentPublishInput { id, public } = input;
    crate::error::answer(async move {
        use domain::incident::port::ChangeKind;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, _) = for_triage(store, id).await?;
        let step = if public { "publish" } else { "unpublish" };
        apply(store, id, &who, step, ChangeKind::Publish(public), None).await
    })
    .await
}
