//! What duty periods need from storage. Status changes are conditional (`from` → `to`): a
//! second press, or two leaders at once, finds the period changed and gets
//! `StorageError::ChangedMeanwhile`. Asking for availability and publishing the roster write
//! their notices inside the same transaction.

use super::grid::{CellAt, CellNeed, SlotSet};
use super::period::{DutyLevel, PeriodDraft, PeriodStatus};
use super::roster::Answer;
use crate::area::AreaId;
use crate::duty::shift::ShiftWindow;
use crate::site::SiteId;
use crate::storage::{AuditEntry, StorageError, TeamId};
use crate::volunteer::VolunteerId;
use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DutyPeriodId(pub i64);

/// A site of a period, with what the grid and the generator need of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodSite {
    pub id: SiteId,
    pub name: String,
    pub area_id: AreaId,
    pub lat: f64,
    pub lon: f64,
}

/// A whole period: its form, slots and sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DutyPeriod {
    pub id: DutyPeriodId,
    pub area_id: AreaId,
    pub area_name: String,
    pub draft: PeriodDraft,
    pub status: PeriodStatus,
    pub slots: SlotSet,
    /// By name.
    pub sites: Vec<PeriodSite>,
    pub copied_from: Option<DutyPeriodId>,
}

/// A line of the periods list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodSummary {
    pub id: DutyPeriodId,
    pub area_id: AreaId,
    pub area_name: String,
    pub name: String,
    pub level: DutyLevel,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: PeriodStatus,
    pub sites: u32,
    pub min_places: u32,
}

/// A period to create; with `copied_from`, the old one's cells come along for the sites both
/// have, on the same day numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPeriod {
    pub area_id: AreaId,
    pub draft: PeriodDraft,
    pub slots: SlotSet,
    pub sites: Vec<SiteId>,
    pub copied_from: Option<DutyPeriodId>,
    /// The credit multiplier of the period's level, fixed when it is created (basis points).
    pub credit_bp: u32,
    pub created_by: VolunteerId,
    pub created_at: i64,
}

/// One person's availability for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub volunteer: VolunteerId,
    /// Day-major: `day * slots + slot`.
    pub answers: Vec<Answer>,
    pub most_slots: Option<u32>,
    pub answered_at: i64,
}

impl Availability {
    /// As stored: one letter per day and slot.
    pub fn encode(answers: &[Answer]) -> String {
        answers
            .iter()
            .map(|a| match a {
                Answer::Yes => 'y',
                Answer::Maybe => 'm',
                Answer::No => 'n',
            })
            .collect()
    }

    pub fn decode(stored: &str) -> Vec<Answer> {
        stored
            .chars()
            .map(|c| match c {
                'y' => Answer::Yes,
                'm' => Answer::Maybe,
                _ => Answer::No,
            })
            .collect()
    }
}

/// How many of a community's registered volunteers have answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRate {
    pub community: AreaId,
    pub name: String,
    pub answered: u32,
    pub volunteers: u32,
}

/// Someone who may be placed on the period: an active volunteer living in its area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodPerson {
    pub id: VolunteerId,
    pub name: String,
    pub home_area: AreaId,
    /// The street their community belongs to.
    pub home_street: Option<AreaId>,
    /// Holds a team-leader role (or higher) over an area that includes the period's sites.
    pub leader: bool,
    pub skills: Vec<String>,
    /// The first team they are in, to keep a team together.
    pub team: Option<TeamId>,
}

/// One place of the draft roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RosterEntry {
    pub at: CellAt,
    pub volunteer: VolunteerId,
    pub as_leader: bool,
    /// Placed by hand or kept on purpose: generating again leaves it.
    pub locked: bool,
}

/// A roster place with the person's name, for the review grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterLine {
    pub entry: RosterEntry,
    pub name: String,
}

/// What publishing the roster made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRoster {
    pub shifts: u32,
    pub assignments: u32,
    /// Places of the shifts nobody holds yet: open for anyone in the area to sign up.
    pub open_places: u32,
    pub people_told: u32,
}

#[async_trait]
pub trait DutyPeriodStorage {
    /// Creates the period with its slots and sites (and, when copied, the old cells) and the
    /// audit entry, in one transaction. A name used before in the area is the `name` field's
    /// `NameTaken`.
    async fn create_period(
        &self,
        period: &NewPeriod,
        audit: &AuditEntry,
    ) -> Result<DutyPeriodId, StorageError>;

    async fn period(&self, id: DutyPeriodId) -> Result<Option<DutyPeriod>, StorageError>;

    /// Periods of `area`'s subtree, latest start first.
    async fn periods_in(&self, area: AreaId) -> Result<Vec<PeriodSummary>, StorageError>;

    /// Periods asking for or running with the volunteer: published or running ones whose area
    /// holds their home community.
    async fn periods_for(&self, who: VolunteerId) -> Result<Vec<PeriodSummary>, StorageError>;

    async fn cells(&self, id: DutyPeriodId) -> Result<BTreeMap<CellAt, CellNeed>, StorageError>;

    /// Sets cells (a need of 0 places removes the cell), only while the period is a draft.
    async fn set_cells(
        &self,
        id: DutyPeriodId,
        cells: &[(CellAt, CellNeed)],
    ) -> Result<(), StorageError>;

    /// Moves the period `from` → `to`. Draft → published also asks every active volunteer of
    /// the area for their availability (a notice each); returns how many were told.
    async fn set_period_status(
        &self,
        id: DutyPeriodId,
        from: PeriodStatus,
        to: PeriodStatus,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<u32, StorageError>;

    /// Stores (or replaces) the person's answers while the period takes answers.
    async fn put_availability(
        &self,
        id: DutyPeriodId,
        answer: &Availability,
    ) -> Result<(), StorageError>;

    async fn availability(&self, id: DutyPeriodId) -> Result<Vec<Availability>, StorageError>;

    async fn availability_of(
        &self,
        id: DutyPeriodId,
        who: VolunteerId,
    ) -> Result<Option<Availability>, StorageError>;

    /// Per community of the period's area: registered volunteers and how many answered.
    async fn answer_rates(&self, id: DutyPeriodId) -> Result<Vec<AnswerRate>, StorageError>;

    /// Everyone who may be placed (active volunteers living in the period's area).
    async fn period_people(&self, id: DutyPeriodId) -> Result<Vec<PeriodPerson>, StorageError>;

    /// Everyone's live places on shifts outside this period overlapping [`from`, `to`): what
    /// the fatigue rules weigh the roster against.
    async fn busy_windows(
        &self,
        id: DutyPeriodId,
        from: i64,
        to: i64,
    ) -> Result<Vec<(VolunteerId, ShiftWindow)>, StorageError>;

    async fn roster(&self, id: DutyPeriodId) -> Result<Vec<RosterLine>, StorageError>;

    /// Replaces every unlocked place with `entries` (the locked ones stay), while the period
    /// is published and its roster not yet out.
    async fn replace_roster(
        &self,
        id: DutyPeriodId,
        entries: &[RosterEntry],
    ) -> Result<(), StorageError>;

    /// Puts a person in a cell by hand (locked), taking out `replacing` from it when given.
    /// The person being elsewhere at that time is a conflict.
    async fn place_on_roster(
        &self,
        id: DutyPeriodId,
        entry: &RosterEntry,
        replacing: Option<VolunteerId>,
    ) -> Result<(), StorageError>;

    async fn remove_from_roster(
        &self,
        id: DutyPeriodId,
        at: CellAt,
        who: VolunteerId,
    ) -> Result<(), StorageError>;

    /// Locks or unlocks every place of a cell.
    async fn lock_cell(
        &self,
        id: DutyPeriodId,
        at: CellAt,
        locked: bool,
    ) -> Result<(), StorageError>;

    /// The period's shifts under way at `now` — or, when none is, the next ones to begin —
    /// with who is on site, who is not in yet, and who left before the end less `grace_ms`.
    async fn live_shifts(
        &self,
        id: DutyPeriodId,
        now: i64,
        grace_ms: i64,
    ) -> Result<Vec<super::live::LiveShift>, StorageError>;

    /// What each published cell's shift recorded: who came (late: after the start plus
    /// `grace_ms`), no-shows, hours credited.
    async fn turnout(
        &self,
        id: DutyPeriodId,
        grace_ms: i64,
    ) -> Result<Vec<super::turnout::CellTurnout>, StorageError>;

    /// Publishes the roster: one shift per cell with places (headcount = its target), an
    /// assignment per place, a notice per person, the period running — in one transaction.
    async fn publish_roster(
        &self,
        id: DutyPeriodId,
        by: VolunteerId,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<PublishedRoster, StorageError>;
}
