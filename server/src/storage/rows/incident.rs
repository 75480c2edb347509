//! Incidents, their photos and timeline.

use crate::storage::error::{corrupt, count, Error};
use domain::incident::port::{Incident, IncidentEvent, IncidentFact, IncidentId, IncidentSummary};
use domain::incident::{IncidentStatus, Referral, Severity};
use domain::{AreaId, AssignmentId, VolunteerId};

/// The columns [`IncidentSummaryRow`] reads, over `incidents i JOIN areas ar`.
pub const INCIDENT_SUMMARY_COLUMNS: &str = "i.id, i.reporter_id, i.area_id, \
     ar.name AS area_name, i.category, i.severity, i.status, i.body, i.lat, i.lon, i.public, \
     i.made_at, (SELECT COUNT(*) FROM incident_photos p WHERE p.incident_id = i.id) AS photo_count";

#[derive(sqlx::FromRow)]
pub struct IncidentSummaryRow {
    id: i64,
    reporter_id: i64,
    area_id: i64,
    area_name: String,
    category: String,
    severity: i64,
    status: String,
    body: String,
    lat: f64,
    lon: f64,
    public: bool,
    made_at: i64,
    photo_count: i64,
}

impl TryFrom<IncidentSummaryRow> for IncidentSummary {
    type Error = Error;

    fn try_from(r: IncidentSummaryRow) -> Result<Self, Error> {
        Ok(IncidentSummary {
            id: IncidentId(r.id),
            reporter_id: VolunteerId(r.reporter_id),
            area_id: AreaId(r.area_id),
            area_name: r.area_name,
            category: r.category,
            severity: severity(r.severity)?,
            status: status(&r.status)?,
            body: r.body,
            lat: r.lat,
            lon: r.lon,
            public: r.public,
            made_at: r.made_at,
            photo_count: count(r.photo_count)?,
        })
    }
}

fn severity(n: i64) -> Result<Severity, Error> {
    Severity::from_i64(n).ok_or_else(|| corrupt("incidents.severity"))
}

fn status(text: &str) -> Result<IncidentStatus, Error> {
    IncidentStatus::parse(text).ok_or_else(|| corrupt("incidents.status"))
}

fn referral(text: Option<String>) -> Result<Option<Referral>, Error> {
    text.map(|t| Referral::from_stored(&t).ok_or_else(|| corrupt("referred_to")))
        .transpose()
}

/// A person named beside their id, when both are there.
fn named(id: Option<i64>, name: Option<String>) -> Option<(VolunteerId, String)> {
    id.zip(name).map(|(id, name)| (VolunteerId(id), name))
}

/// One incident with the names around it; its photo ids come from a second query.
#[derive(sqlx::FromRow)]
pub struct IncidentRow {
    #[sqlx(flatten)]
    summary: IncidentSummaryRow,
    reporter_name: String,
    site_name: Option<String>,
    assignment_id: Option<i64>,
    accuracy_m: Option<f64>,
    received_at: i64,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    referred_to: Option<String>,
}

impl IncidentRow {
    pub fn into_incident(self, photo_ids: Vec<i64>) -> Result<Incident, Error> {
        Ok(Incident {
            summary: self.summary.try_into()?,
            reporter_name: self.reporter_name,
            site_name: self.site_name,
            assignment_id: self.assignment_id.map(AssignmentId),
            accuracy_m: self.accuracy_m,
            received_at: self.received_at,
            assignee: named(self.assignee_id, self.assignee_name),
            referred_to: referral(self.referred_to)?,
            photo_ids,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct IncidentEventRow {
    at: i64,
    actor_id: i64,
    actor_name: String,
    step: String,
    status: String,
    referred_to: Option<String>,
    assignee_id: Option<i64>,
    assignee_name: Option<String>,
    note: Option<String>,
}

impl TryFrom<IncidentEventRow> for IncidentEvent {
    type Error = Error;

    fn try_from(r: IncidentEventRow) -> Result<Self, Error> {
        Ok(IncidentEvent {
            at: r.at,
            actor_id: VolunteerId(r.actor_id),
            actor_name: r.actor_name,
            step: r.step,
            status: status(&r.status)?,
            referred_to: referral(r.referred_to)?,
            assignee: named(r.assignee_id, r.assignee_name),
            note: r.note,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct IncidentFactRow {
    id: i64,
    area_id: i64,
    category: String,
    severity: i64,
    status: String,
    lat: f64,
    lon: f64,
    made_at: i64,
}

impl TryFrom<IncidentFactRow> for IncidentFact {
    type Error = Error;

    fn try_from(r: IncidentFactRow) -> Result<Self, Error> {
        Ok(IncidentFact {
            id: IncidentId(r.id),
            area_id: AreaId(r.area_id),
            category: r.category,
            severity: severity(r.severity)?,
            status: status(&r.status)?,
            lat: r.lat,
            lon: r.lon,
            made_at: r.made_at,
        })
    }
}
