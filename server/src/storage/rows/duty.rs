//! Shifts, assignments, check events, service records and tracks.

use super::SiteRow;
use crate::storage::error::{corrupt, count, Error};
use domain::{
    AreaId, Assignment, AssignmentId, AssignmentState, CheckContext, CheckEvent, CheckKind,
    MyShift, Outcome, PhoneNumber, Proof, ServiceState, ServiceToDecide, Shift, ShiftId,
    ShiftPerson, ShiftWindow, Site, SiteId, VolunteerId,
};

/// The columns [`ShiftRow`] reads, over `shifts sh JOIN sites s`: the shift, its site, and how
/// full it is.
pub const SHIFT_COLUMNS: &str = "sh.id, sh.site_id, s.name AS site_name, s.area_id, \
     sh.starts_at, sh.ends_at, sh.headcount, sh.leaders_needed, sh.notes, sh.cancelled_at, \
     sh.cancel_reason, \
     (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'signed_up') \
     AS signed_up, \
     (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'signed_up' \
     AND x.as_leader = TRUE) AS leaders_signed_up, \
     (SELECT COUNT(*) FROM assignments x WHERE x.shift_id = sh.id AND x.state = 'waitlisted') \
     AS waitlisted";

/// A shift's window as stored; one the domain would refuse was written by hand.
pub fn window(starts_at: i64, ends_at: i64) -> Result<ShiftWindow, Error> {
    ShiftWindow::new(starts_at, ends_at).ok_or_else(|| corrupt("shifts window"))
}

fn service_state(text: &str) -> Result<ServiceState, Error> {
    ServiceState::from_db(text).ok_or_else(|| corrupt("service_records.state"))
}

/// A service record's minutes and state.
pub fn service((minutes, state): (i64, String)) -> Result<(u32, ServiceState), Error> {
    let state = service_state(&state)?;
    Ok((count(minutes)?, state))
}

#[derive(sqlx::FromRow)]
pub struct ShiftRow {
    id: i64,
    site_id: i64,
    site_name: String,
    area_id: i64,
    starts_at: i64,
    ends_at: i64,
    headcount: i64,
    leaders_needed: i64,
    notes: String,
    cancelled_at: Option<i64>,
    cancel_reason: Option<String>,
    signed_up: i64,
    leaders_signed_up: i64,
    waitlisted: i64,
}

impl TryFrom<ShiftRow> for Shift {
    type Error = Error;

    fn try_from(r: ShiftRow) -> Result<Self, Error> {
        Ok(Shift {
            id: ShiftId(r.id),
            site_id: SiteId(r.site_id),
            site_name: r.site_name,
            area_id: AreaId(r.area_id),
            window: window(r.starts_at, r.ends_at)?,
            headcount: count(r.headcount)?,
            leaders_needed: count(r.leaders_needed)?,
            notes: r.notes,
            cancelled: r
                .cancelled_at
                .map(|at| (at, r.cancel_reason.unwrap_or_default())),
            signed_up: count(r.signed_up)?,
            leaders_signed_up: count(r.leaders_signed_up)?,
            waitlisted: count(r.waitlisted)?,
        })
    }
}

/// The columns [`AssignmentRow`] reads, over `assignments a`.
pub const ASSIGNMENT_COLUMNS: &str =
    "a.id AS a_id, a.shift_id, a.volunteer_id, a.state, a.as_leader, a.signed_up_at, a.outcome";

#[derive(sqlx::FromRow)]
pub struct AssignmentRow {
    a_id: i64,
    shift_id: i64,
    volunteer_id: i64,
    state: String,
    as_leader: bool,
    signed_up_at: i64,
    outcome: Option<String>,
}

impl TryFrom<AssignmentRow> for Assignment {
    type Error = Error;

    fn try_from(r: AssignmentRow) -> Result<Self, Error> {
        Ok(Assignment {
            id: AssignmentId(r.a_id),
            shift_id: ShiftId(r.shift_id),
            volunteer_id: VolunteerId(r.volunteer_id),
            state: assignment_state(&r.state)?,
            as_leader: r.as_leader,
            signed_up_at: r.signed_up_at,
            outcome: r
                .outcome
                .map(|o| Outcome::from_db(&o).ok_or_else(|| corrupt("assignments.outcome")))
                .transpose()?,
        })
    }
}

pub fn assignment_state(text: &str) -> Result<AssignmentState, Error> {
    AssignmentState::from_db(text).ok_or_else(|| corrupt("assignments.state"))
}

/// The columns [`CheckRow`] reads, over `check_events c`.
pub const CHECK_COLUMNS: &str = "c.id, c.client_key, c.assignment_id, c.kind, c.made_at, \
     c.verdict, c.outside_reason, c.superseded_at";

#[derive(sqlx::FromRow)]
pub struct CheckRow {
    id: i64,
    client_key: String,
    assignment_id: i64,
    kind: String,
    made_at: i64,
    verdict: String,
    outside_reason: Option<String>,
    superseded_at: Option<i64>,
}

impl TryFrom<CheckRow> for CheckEvent {
    type Error = Error;

    fn try_from(r: CheckRow) -> Result<Self, Error> {
        Ok(CheckEvent {
            id: r.id,
            client_key: r.client_key,
            assignment_id: AssignmentId(r.assignment_id),
            kind: CheckKind::from_db(&r.kind).ok_or_else(|| corrupt("check_events.kind"))?,
            made_at: r.made_at,
            proof: Proof::from_db(&r.verdict).ok_or_else(|| corrupt("check_events.verdict"))?,
            outside_reason: r.outside_reason,
            superseded_at: r.superseded_at,
        })
    }
}

/// One of a volunteer's shifts: the shift, the assignment and its service record, if any.
#[derive(sqlx::FromRow)]
pub struct MyShiftRow {
    #[sqlx(flatten)]
    shift: ShiftRow,
    #[sqlx(flatten)]
    assignment: AssignmentRow,
    r_minutes: Option<i64>,
    r_state: Option<String>,
}

impl MyShiftRow {
    pub fn assignment_id(&self) -> AssignmentId {
        AssignmentId(self.assignment.a_id)
    }

    pub fn into_my_shift(self, checks: &[CheckEvent]) -> Result<MyShift, Error> {
        let service = match (self.r_minutes, self.r_state) {
            (Some(minutes), Some(state)) => Some(service((minutes, state))?),
            _ => None,
        };
        Ok(MyShift {
            assignment: self.assignment.try_into()?,
            shift: self.shift.try_into()?,
            checked_in: domain::duty::port::in_force(checks, CheckKind::In).cloned(),
            checked_out: domain::duty::port::in_force(checks, CheckKind::Out).cloned(),
            service,
        })
    }
}

/// A person on a shift, for its leader.
#[derive(sqlx::FromRow)]
pub struct ShiftPersonRow {
    #[sqlx(flatten)]
    assignment: AssignmentRow,
    v_name: String,
    v_vest: Option<String>,
    v_phone: String,
}

impl ShiftPersonRow {
    pub fn assignment_id(&self) -> AssignmentId {
        AssignmentId(self.assignment.a_id)
    }

    pub fn into_person(self, checks: Vec<CheckEvent>) -> Result<ShiftPerson, Error> {
        Ok(ShiftPerson {
            assignment: self.assignment.try_into()?,
            name: self.v_name,
            vest_no: self.v_vest,
            phone_masked: PhoneNumber::parse(&self.v_phone)
                .map(|p| p.masked())
                .map_err(|_| corrupt("volunteers.phone"))?,
            checks,
        })
    }
}

/// What judging a check event needs from the assignment, its shift and its site.
#[derive(sqlx::FromRow)]
pub struct CheckContextRow {
    #[sqlx(flatten)]
    assignment: AssignmentRow,
    starts_at: i64,
    ends_at: i64,
    cancelled_at: Option<i64>,
    s_id: i64,
    s_area: i64,
    s_name: String,
    lat: f64,
    lon: f64,
    radius_m: Option<i64>,
    boundary: Option<String>,
}

impl CheckContextRow {
    pub fn assignment_id(&self) -> AssignmentId {
        AssignmentId(self.assignment.a_id)
    }

    pub fn into_context(self, checks: Vec<CheckEvent>) -> Result<CheckContext, Error> {
        let assignment = Assignment::try_from(self.assignment)?;
        let site = Site::try_from(SiteRow {
            id: self.s_id,
            area_id: self.s_area,
            name: self.s_name,
            lat: self.lat,
            lon: self.lon,
            radius_m: self.radius_m,
            boundary: self.boundary,
        })?;
        Ok(CheckContext {
            shift_id: assignment.shift_id,
            checks,
            assignment,
            window: window(self.starts_at, self.ends_at)?,
            cancelled: self.cancelled_at.is_some(),
            fence: site.fence,
        })
    }
}

/// A service record for a leader to decide, with its shift and volunteer.
#[derive(sqlx::FromRow)]
pub struct ServiceToDecideRow {
    #[sqlx(flatten)]
    shift: ShiftRow,
    a_id: i64,
    v_id: i64,
    v_name: String,
    r_minutes: i64,
    r_state: String,
    flagged: Option<String>,
    r_created_at: i64,
}

impl ServiceToDecideRow {
    pub fn assignment_id(&self) -> AssignmentId {
        AssignmentId(self.a_id)
    }

    pub fn into_service(self, checks: Vec<CheckEvent>) -> Result<ServiceToDecide, Error> {
        Ok(ServiceToDecide {
            assignment_id: AssignmentId(self.a_id),
            volunteer_id: VolunteerId(self.v_id),
            volunteer_name: self.v_name,
            shift: self.shift.try_into()?,
            minutes: count(self.r_minutes)?,
            state: service_state(&self.r_state)?,
            flagged: self.flagged,
            checks,
            created_at: self.r_created_at,
        })
    }
}

/// A check event in force with its shift's window (for check-outs without hours).
#[derive(sqlx::FromRow)]
pub struct WindowedCheckRow {
    #[sqlx(flatten)]
    pub check: CheckRow,
    pub starts_at: i64,
    pub ends_at: i64,
}
