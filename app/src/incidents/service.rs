//! The report service the `POST /api/incidents` route calls once it has cleaned the photos:
//! parse the report exactly as the form did, find where it belongs (the shift under way, else
//! the community around the position, else the reporter's own) and store it once by its key.

use super::report::wire::{ReportAnswer, ReportInput};
use crate::AppError;
use domain::incident::port::{NewIncident, NewPhoto, Stored};
use domain::incident::report::photo_count_ok;
use domain::incident::IncidentDraft;
use domain::{AreaId, FieldError, MessageKey, Principal, Storage};

/// Checks the parts of a report that need no photo work, so a bad report is refused before
/// its photos are decoded.
pub fn check_report(
    settings: &super::IncidentSettings,
    input: &ReportInput,
    now: i64,
) -> Result<IncidentDraft, AppError> {
    let key = input.client_key.trim();
    let key_ok =
        (16..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !key_ok {
        return Err(FieldError::new("client_key", MessageKey::Required).into());
    }
    let draft = IncidentDraft::parse(
        &settings.categories,
        &input.category,
        &input.severity,
        &input.body,
        input.lat,
        input.lon,
        input.accuracy_m,
        input.made_at,
        now,
    )?;
    photo_count_ok(input.photos.len(), settings.max_photos)?;
    Ok(draft)
}

/// Stores the report `who` sent (photos already cleaned), once per client key.
pub async fn record_report(
    state: &crate::AppState,
    who: &Principal,
    input: &ReportInput,
    photos: Vec<NewPhoto>,
    now: i64,
) -> Result<ReportAnswer, AppError> {
    if !who.status.on_duty_roll() {
        return Err(AppError::Forbidden);
    }
    if input.reporter.is_some_and(|r| r != who.volunteer_id.0) {
        return Err(AppError::MadeByAnother);
    }
    let draft = check_report(&state.incidents, input, now)?;
    let store = state.storage.as_ref();
    let shift = shift_under_way(state, who, draft.made_at).await?;
    let area_id = match &shift {
        Some(m) => m.shift.area_id,
        None => community_at(store, who, draft.at.lat(), draft.at.lon()).await?,
    };
    let new = NewIncident {
        client_key: input.client_key.trim().to_owned(),
        reporter: who.volunteer_id,
        area_id,
        site_id: shift.as_ref().map(|m| m.shift.site_id),
        assignment_id: shift.as_ref().map(|m| m.assignment.id),
        category: draft.category,
        severity: draft.severity,
        body: draft.body,
        lat: draft.at.lat(),
        lon: draft.at.lon(),
        accuracy_m: draft.accuracy_m,
        made_at: draft.made_at,
        received_at: now,
        photos,
    };
    // A key that is someone else's is refused as a field error that reveals nothing of their
    // incident (error.rs maps the constraint).
    let stored = store.insert_incident(&new).await?;
    Ok(ReportAnswer {
        id: stored.id().0,
        stored: matches!(stored, Stored::New(_)),
    })
}

/// The reporter's shift around `made_at` (its window plus grace), if any.
pub async fn shift_under_way(
    state: &crate::AppState,
    who: &Principal,
    made_at: i64,
) -> Result<Option<domain::MyShift>, AppError> {
    let grace = i64::from(state.duty.grace_minutes) * domain::duty::MINUTE_MS;
    let mine = state
        .storage
        .my_shifts(who.volunteer_id, made_at - grace)
        .await
        .map_err(AppError::from)?;
    Ok(mine.into_iter().find(|m| {
        m.assignment.state == domain::AssignmentState::SignedUp
            && m.shift.cancelled.is_none()
            && m.shift.window.starts_at - grace <= made_at
            && made_at <= m.shift.window.ends_at + grace
    }))
}

/// The community of the reporter's district whose boundary holds the position: the street
/// first, then its community. Where no boundary holds it (a district without drawn
/// boundaries, or a position just outside), the reporter's own community.
async fn community_at(
    store: &dyn Storage,
    who: &Principal,
    lat: f64,
    lon: f64,
) -> Result<AreaId, AppError> {
    use geo::Contains;
    let home = *who.home.0.last().ok_or(AppError::Forbidden)?;
    let Some(&district) = who.home.0.first() else {
        return Ok(home);
    };
    let point = geo::Point::new(lon, lat);
    let mut parent = district;
    // District → street → community: two levels below the district.
    for _ in 0..2 {
        let inside = store
            .boundaries(parent)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .find(|(area, shape)| *area != parent && shape.contains(&point));
        match inside {
            Some((area, _)) => parent = area,
            None => return Ok(home),
        }
    }
    Ok(parent)
}
