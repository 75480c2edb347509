//! The duty part of the storage port: shifts, sign-ups, check events (their types are in
//! [`super::check_event`]), service records and the hours ledger. `Storage` requires it, so
//! `Arc<dyn Storage>` reaches these methods too.

use super::hours::ServiceState;
use super::shift::ShiftWindow;
use crate::area::AreaId;
use crate::site::SiteId;
use crate::storage::{AuditEntry, StorageError};
use crate::volunteer::VolunteerId;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use super::check_event::{
    in_force, CheckEvent, CheckKind, NewCheck, Proof, ServiceClaim, UnrecordedService,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ShiftId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AssignmentId(pub i64);

/// A shift to store (from a parsed `ShiftDraft`, or one occurrence of a weekly pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShift {
    pub site_id: SiteId,
    pub window: ShiftWindow,
    pub headcount: u32,
    pub leaders_needed: u32,
    pub notes: String,
    pub created_by: Option<VolunteerId>,
    pub created_at: i64,
}

/// A stored shift with where it is and how full it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Shift {
    pub id: ShiftId,
    pub site_id: SiteId,
    pub site_name: String,
    pub area_id: AreaId,
    pub window: ShiftWindow,
    pub headcount: u32,
    pub leaders_needed: u32,
    pub notes: String,
    /// When and why a leader cancelled it.
    pub cancelled: Option<(i64, String)>,
    pub signed_up: u32,
    pub leaders_signed_up: u32,
    pub waitlisted: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignmentState {
    SignedUp,
    Waitlisted,
    Cancelled,
}

impl AssignmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignedUp => "signed_up",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        [Self::SignedUp, Self::Waitlisted, Self::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// How a shift ended for one volunteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Served,
    NoShow,
    Excused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Served => "served",
            Self::NoShow => "no_show",
            Self::Excused => "excused",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        [Self::Served, Self::NoShow, Self::Excused]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub id: AssignmentId,
    pub shift_id: ShiftId,
    pub volunteer_id: VolunteerId,
    pub state: AssignmentState,
    pub as_leader: bool,
    pub signed_up_at: i64,
    pub outcome: Option<Outcome>,
}

/// What a sign-up became.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignUpOutcome {
    SignedUp(AssignmentId),
    /// The shift was full: on the waitlist, promoted when someone cancels.
    Waitlisted(AssignmentId),
}

/// One of a volunteer's shifts, with how far they got on it.
#[derive(Debug, Clone, PartialEq)]
pub struct MyShift {
    pub assignment: Assignment,
    pub shift: Shift,
    pub checked_in: Option<CheckEvent>,
    pub checked_out: Option<CheckEvent>,
    pub service: Option<(u32, ServiceState)>,
}

/// A person on a shift, for its leader: who they are (the number masked) and how far they got.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftPerson {
    pub assignment: Assignment,
    pub name: String,
    pub vest_no: Option<String>,
    /// `138****5678`: the full number only through the audited contact reveal.
    pub phone_masked: String,
    pub checks: Vec<CheckEvent>,
}

/// A service record for a leader to decide, with what they need to decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceToDecide {
    pub assignment_id: AssignmentId,
    pub volunteer_id: VolunteerId,
    pub volunteer_name: String,
    pub shift: Shift,
    pub minutes: u32,
    pub state: ServiceState,
    /// e.g. "outside", "auto_check_out"
    pub flagged: Option<String>,
    pub checks: Vec<CheckEvent>,
    pub created_at: i64,
}

/// A leader's decision on claimed hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    /// Credit `minutes` (the claim, or a corrected figure with `reason`).
    Confirm {
        minutes: u32,
        reason: Option<String>,
    },
    /// Credit nothing for now, and say why.
    Dispute { reason: String },
}

/// What judging a check event needs, read in one go: the assignment, its shift's window and
/// state, the site's fence, and the events already stored for it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckContext {
    pub assignment: Assignment,
    pub shift_id: ShiftId,
    pub window: ShiftWindow,
    pub cancelled: bool,
    pub fence: crate::geometry::Fence,
    pub checks: Vec<CheckEvent>,
}

/// A volunteer's hours at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HoursSummary {
    /// The ledger's sum: credits and corrections.
    pub credited_minutes: i64,
    /// Claimed, not yet confirmed.
    pub pending_minutes: i64,
    /// The ledger's sum since January 1st (local) of this year.
    pub this_year_minutes: i64,
    /// Special-duty credit (勤务积分) in minutes: kept beside the hours, never added to them.
    pub duty_credit_minutes: i64,
}

/// One line of a volunteer's hours history.
#[derive(Debug, Clone, PartialEq)]
pub struct HoursLine {
    pub served_on: String,
    pub site_name: String,
    pub minutes: i64,
    /// "credit", "correction", "import", or "pending"/"disputed" for records not credited.
    pub kind: String,
    pub reason: Option<String>,
}

#[async_trait]
pub trait DutyStorage: Send + Sync {
    async fn site(&self, id: SiteId) -> Result<Option<crate::Site>, StorageError>;

    /// Stores shifts (all or none) and the audit entry; returns their ids in order.
    async fn insert_shifts(
        &self,
        shifts: &[NewShift],
        audit: &AuditEntry,
    ) -> Result<Vec<ShiftId>, StorageError>;

    async fn shift(&self, id: ShiftId) -> Result<Option<Shift>, StorageError>;

    /// Shifts at sites in `area`'s subtree overlapping [`from`, `to`), cancelled ones too,
    /// soonest first.
    async fn shifts_in(&self, area: AreaId, from: i64, to: i64)
        -> Result<Vec<Shift>, StorageError>;

    /// Marks the shift cancelled with its reason, audited. Its sign-ups stay as they are, so
    /// everyone on it sees the shift cancelled and why; check-ins to it are refused.
    async fn cancel_shift(
        &self,
        id: ShiftId,
        reason: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// The volunteer's live assignments (signed up or waitlisted) overlapping [`from`, `to`),
    /// as shift and window: what the fatigue rules weigh a new sign-up against.
    async fn duty_windows(
        &self,
        volunteer: VolunteerId,
        from: i64,
        to: i64,
    ) -> Result<Vec<(ShiftId, ShiftWindow)>, StorageError>;

    /// Signs up (again, after a cancellation) for a shift that is not cancelled: on the roster
    /// while it has room, otherwise on the waitlist. Serialised per shift, so two people never
    /// take the last place.
    async fn sign_up(
        &self,
        shift: ShiftId,
        volunteer: VolunteerId,
        as_leader: bool,
        now: i64,
    ) -> Result<SignUpOutcome, StorageError>;

    /// Cancels a sign-up; if it held a place, the earliest on the waitlist takes it. Returns
    /// who was promoted.
    async fn cancel_sign_up(
        &self,
        id: AssignmentId,
        now: i64,
    ) -> Result<Option<VolunteerId>, StorageError>;

    async fn assignment(&self, id: AssignmentId) -> Result<Option<Assignment>, StorageError>;

    /// The volunteer's assignments on shifts ending after `from`, soonest first.
    async fn my_shifts(
        &self,
        volunteer: VolunteerId,
        from: i64,
    ) -> Result<Vec<MyShift>, StorageError>;

    /// Stores a check event once: a second arrival of the same `client_key` stores nothing and
    /// returns the first. `true` when this call stored it.
    async fn record_check(&self, check: &NewCheck) -> Result<(CheckEvent, bool), StorageError> {
        let mut stored = self.record_checks(std::slice::from_ref(check)).await?;
        stored
            .pop()
            .ok_or_else(|| StorageError::Backend("no row for the check event".into()))
    }

    /// `record_check` for many events in one transaction, answers in the same order: one disk
    /// sync for a whole batch (the check writer's group commit).
    async fn record_checks(
        &self,
        checks: &[NewCheck],
    ) -> Result<Vec<(CheckEvent, bool)>, StorageError>;

    async fn checks_of(&self, id: AssignmentId) -> Result<Vec<CheckEvent>, StorageError>;

    /// The people signed up or waitlisted for a shift (not those who cancelled), with their
    /// check events, leaders first, then in the order they signed up.
    async fn shift_people(&self, shift: ShiftId) -> Result<Vec<ShiftPerson>, StorageError>;

    /// Everything `record_check` weighs, in two queries (the check-in path is the hot one).
    async fn check_context(&self, id: AssignmentId) -> Result<Option<CheckContext>, StorageError>;

    /// Stores the volunteer's reason on their own check event `client_key` (the app asks for
    /// one after an outside check-in); another person's event is a missing reference.
    async fn explain_check(
        &self,
        client_key: &str,
        volunteer: VolunteerId,
        reason: &str,
    ) -> Result<(), StorageError>;

    /// Opens the service record of an assignment (pending) and marks it served; a second call
    /// changes nothing. `true` when this call opened it.
    async fn open_service(
        &self,
        id: AssignmentId,
        minutes: u32,
        flagged: Option<&str>,
        now: i64,
    ) -> Result<bool, StorageError>;

    /// An assignment's service record: minutes claimed and its state.
    async fn service_of(
        &self,
        id: AssignmentId,
    ) -> Result<Option<(u32, ServiceState)>, StorageError>;

    /// Pending and disputed records on shifts at sites in `area`'s subtree, oldest first.
    async fn services_to_decide(&self, area: AreaId) -> Result<Vec<ServiceToDecide>, StorageError>;

    /// A leader's decision: the record's new state, the ledger rows (the claim as credit, a
    /// different figure as a correction row) and the audit entry, in one transaction. Only a
    /// pending or disputed record can be decided.
    async fn decide_service(
        &self,
        id: AssignmentId,
        decision: &Decision,
        by: Option<VolunteerId>,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    async fn hours_summary(
        &self,
        volunteer: VolunteerId,
        year_start: chrono::NaiveDate,
    ) -> Result<HoursSummary, StorageError>;

    /// Ledger rows and uncredited records, newest first.
    async fn hours_history(
        &self,
        volunteer: VolunteerId,
        limit: u32,
    ) -> Result<Vec<HoursLine>, StorageError>;

    /// Every ledger row's minutes for the volunteer (for the ledger = totals property).
    async fn ledger_minutes(&self, volunteer: VolunteerId) -> Result<Vec<i64>, StorageError>;

    // --- patrol tracks ----------------------------------------------------------------------

    /// Appends (already thinned) points to an assignment's track, in one transaction: a point
    /// at a time already stored is skipped (a batch sent twice), and the track never holds
    /// more than `cap` points (one account cannot fill the disk). Returns how many were added.
    async fn add_track_points(
        &self,
        id: AssignmentId,
        points: &[super::track::TrackPoint],
        cap: u32,
    ) -> Result<u32, StorageError>;

    /// The assignment's recorded points, in time order (none once coarsened).
    async fn track_points(
        &self,
        id: AssignmentId,
    ) -> Result<Vec<super::track::TrackPoint>, StorageError>;

    /// A coarsened track: its length and the coarse cells it passed through.
    async fn track_summary(
        &self,
        id: AssignmentId,
    ) -> Result<Option<(f64, Vec<(i32, i32)>)>, StorageError>;

    /// Assignments with recorded points on shifts that ended before `ended_before`.
    async fn tracks_to_coarsen(&self, ended_before: i64)
        -> Result<Vec<AssignmentId>, StorageError>;

    /// Replaces a track's points by its summary, in one transaction.
    async fn coarsen_track(
        &self,
        id: AssignmentId,
        length_m: f64,
        cells: &[(i32, i32)],
        now: i64,
    ) -> Result<(), StorageError>;

    // --- the sweeper: what time alone decides ------------------------------------------------

    /// Assignments checked in, not out, whose shift ended before `ended_before`: with the
    /// shift window and the check-in time.
    async fn forgotten_check_outs(
        &self,
        ended_before: i64,
    ) -> Result<Vec<(AssignmentId, ShiftWindow, i64)>, StorageError>;

    /// Assignments checked out without a service record — stored before a check-out carried
    /// its hours into its own transaction — with their window and both events, so the
    /// sweeper can credit them from what the phone sent.
    async fn check_outs_without_hours(&self) -> Result<Vec<UnrecordedService>, StorageError>;

    /// Rounds the positions of check events made before `made_before` to about 100 m (three
    /// decimals) and drops their accuracy, once; returns how many were coarsened.
    async fn coarsen_check_positions(&self, made_before: i64) -> Result<u64, StorageError>;

    /// Marks signed-up assignments with no check-in on shifts that ended before `ended_before`
    /// as no-shows; returns how many.
    async fn mark_no_shows(&self, ended_before: i64) -> Result<u64, StorageError>;

    /// Pending records created before `created_before`.
    async fn pending_services_before(
        &self,
        created_before: i64,
    ) -> Result<Vec<(AssignmentId, u32)>, StorageError>;
}
