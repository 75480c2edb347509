//! Areas, sites, volunteers, sessions and the audit log.

use crate::storage::error::{corrupt, Error};
use domain::geometry::Fence;
use domain::{AreaId, AreaKind, SiteId, VolunteerId, VolunteerStatus};

/// The columns [`AreaRow`] reads.
pub const AREA_COLUMNS: &str =
    "id, parent_id, kind, name, population, population_counted_on, target_rate_bp";

#[derive(sqlx::FromRow)]
pub struct AreaRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    name: String,
    population: i64,
    population_counted_on: Option<chrono::NaiveDate>,
    target_rate_bp: Option<i64>,
}

impl TryFrom<AreaRow> for domain::Area {
    type Error = Error;

    fn try_from(r: AreaRow) -> Result<Self, Error> {
        let target_rate = r
            .target_rate_bp
            .map(|bp| {
                u16::try_from(bp)
                    .ok()
                    .and_then(|bp| domain::TargetRate::from_basis_points(bp).ok())
                    .ok_or_else(|| corrupt("areas.target_rate_bp"))
            })
            .transpose()?;
        Ok(domain::Area {
            id: AreaId(r.id),
            parent_id: r.parent_id.map(AreaId),
            kind: AreaKind::from_db(&r.kind).ok_or_else(|| corrupt("areas.kind"))?,
            name: r.name,
            population: u32::try_from(r.population).map_err(|_| corrupt("areas.population"))?,
            population_counted_on: r.population_counted_on,
            target_rate,
        })
    }
}

/// The columns [`SiteRow`] reads, over `sites s`.
pub const SITE_COLUMNS: &str = "s.id, s.area_id, s.name, s.lat, s.lon, s.radius_m, s.boundary";

#[derive(sqlx::FromRow)]
pub struct SiteRow {
    pub id: i64,
    pub area_id: i64,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub radius_m: Option<i64>,
    pub boundary: Option<String>,
}

impl TryFrom<SiteRow> for domain::Site {
    type Error = Error;

    /// A polygon's boundary wins over the radius; a fence that is neither does not exist.
    fn try_from(r: SiteRow) -> Result<Self, Error> {
        let fence = match (r.radius_m, r.boundary) {
            (_, Some(text)) => Fence::Polygon(
                domain::geometry::shape_from_geojson(&text)
                    .ok_or_else(|| corrupt("sites.boundary"))?,
            ),
            (Some(radius), None) => Fence::Circle {
                lat: r.lat,
                lon: r.lon,
                radius_m: u32::try_from(radius).map_err(|_| corrupt("sites.radius_m"))?,
            },
            (None, None) => return Err(corrupt("sites fence")),
        };
        Ok(domain::Site {
            id: SiteId(r.id),
            area_id: AreaId(r.area_id),
            name: r.name,
            fence,
        })
    }
}

/// The columns [`VolunteerRow`] reads, over `volunteers v`.
pub const VOLUNTEER_COLUMNS: &str = "v.id, v.name, v.phone, v.id_number_masked, \
     v.home_area_id, v.status, v.vest_no, v.skills, v.applied_at, v.password_temporary, \
     v.calendar_generation";

#[derive(sqlx::FromRow)]
pub struct VolunteerRow {
    id: i64,
    name: String,
    phone: String,
    id_number_masked: Option<String>,
    home_area_id: i64,
    status: String,
    vest_no: Option<String>,
    skills: String,
    applied_at: i64,
    password_temporary: bool,
    calendar_generation: i64,
}

impl TryFrom<VolunteerRow> for domain::Volunteer {
    type Error = Error;

    fn try_from(r: VolunteerRow) -> Result<Self, Error> {
        Ok(domain::Volunteer {
            id: VolunteerId(r.id),
            name: r.name,
            phone: domain::PhoneNumber::parse(&r.phone).map_err(|_| corrupt("volunteers.phone"))?,
            id_number_masked: r.id_number_masked,
            home_area_id: AreaId(r.home_area_id),
            status: volunteer_status(&r.status)?,
            vest_no: r.vest_no,
            skills: serde_json::from_str(&r.skills).map_err(|_| corrupt("volunteers.skills"))?,
            applied_at_ms: r.applied_at,
            password_temporary: r.password_temporary,
            calendar_generation: r.calendar_generation,
        })
    }
}

pub fn volunteer_status(text: &str) -> Result<VolunteerStatus, Error> {
    VolunteerStatus::from_db(text).ok_or_else(|| corrupt("volunteers.status"))
}

/// A volunteer with a flag of the row they were found by (a team member's `is_leader`).
#[derive(sqlx::FromRow)]
pub struct FlaggedVolunteerRow {
    #[sqlx(flatten)]
    pub volunteer: VolunteerRow,
    pub flag: bool,
}

#[derive(sqlx::FromRow)]
pub struct SessionRow {
    token_hash: String,
    volunteer_id: i64,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

impl From<SessionRow> for domain::SessionRecord {
    fn from(r: SessionRow) -> Self {
        domain::SessionRecord {
            token_hash: r.token_hash,
            volunteer_id: VolunteerId(r.volunteer_id),
            created_at_ms: r.created_at,
            last_seen_at_ms: r.last_seen_at,
            expires_at_ms: r.expires_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    id: i64,
    at: i64,
    actor_id: Option<i64>,
    action: String,
    entity: String,
    entity_id: Option<i64>,
    area_id: Option<i64>,
    before_state: Option<String>,
    after_state: Option<String>,
}

impl From<AuditRow> for domain::AuditRecord {
    fn from(r: AuditRow) -> Self {
        domain::AuditRecord {
            id: r.id,
            entry: domain::AuditEntry {
                at_ms: r.at,
                actor_id: r.actor_id.map(VolunteerId),
                action: r.action,
                entity: r.entity,
                entity_id: r.entity_id,
                area_id: r.area_id.map(AreaId),
                before: r.before_state,
                after: r.after_state,
            },
        }
    }
}
