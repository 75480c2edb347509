//! What incidents need from storage: a report stored exactly once with its photos, the
//! timeline of triage steps, the lists and the map's points within a scope, and the facts the
//! statistics are counted from. `Storage` requires this trait too, so `Arc<dyn Storage>`
//! reaches it.

use super::report::Severity;
use super::workflow::{IncidentStatus, Referral};
use crate::area::AreaId;
use crate::duty::port::AssignmentId;
use crate::site::SiteId;
use crate::storage::StorageError;
use crate::volunteer::VolunteerId;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct IncidentId(pub i64);

/// What a summary read back in a browser holds instead of its reporter.
fn nobody() -> VolunteerId {
    VolunteerId(0)
}

/// A photo already cleaned (re-encoded, metadata gone) by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A report to store. `client_key` is the UUIDv7 the phone made when the report was sent
/// off, so a report re-sent by the outbox is stored once.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    pub client_key: String,
    pub reporter: VolunteerId,
    /// Where it is: the community containing the position, else the reporter's own.
    pub area_id: AreaId,
    pub site_id: Option<SiteId>,
    /// The reporter's shift under way when the report was made, if any.
    pub assignment_id: Option<AssignmentId>,
    pub category: String,
    pub severity: Severity,
    pub body: String,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f64>,
    pub made_at: i64,
    pub received_at: i64,
    pub photos: Vec<NewPhoto>,
}

/// What storing a report did: a new incident, or the one this client key already made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New(IncidentId),
    Existing(IncidentId),
}

impl Stored {
    pub fn id(self) -> IncidentId {
        match self {
            Self::New(id) | Self::Existing(id) => id,
        }
    }
}

/// An incident as the lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: IncidentId,
    /// Never sent to a browser: other volunteers must not learn who reported, and nobody's
    /// page needs the number.
    #[serde(skip, default = "nobody")]
    pub reporter_id: VolunteerId,
    pub area_id: AreaId,
    pub area_name: String,
    pub category: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub body: String,
    pub lat: f64,
    pub lon: f64,
    pub public: bool,
    pub made_at: i64,
    pub photo_count: u32,
}

/// One incident with everything its page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub summary: IncidentSummary,
    pub reporter_name: String,
    pub site_name: Option<String>,
    pub assignment_id: Option<AssignmentId>,
    pub accuracy_m: Option<f64>,
    pub received_at: i64,
    pub assignee: Option<(VolunteerId, String)>,
    /// The latest referral, while the incident is referred or later.
    pub referred_to: Option<Referral>,
    pub photo_ids: Vec<i64>,
}

/// A step on the timeline: the report itself, a status change, an assignment or publishing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentEvent {
    pub at: i64,
    pub actor_id: VolunteerId,
    pub actor_name: String,
    /// `report`, a `Step` name, `assign` or `publish`/`unpublish`.
    pub step: String,
    /// The status after this step.
    pub status: IncidentStatus,
    pub referred_to: Option<Referral>,
    pub assignee: Option<(VolunteerId, String)>,
    pub note: Option<String>,
}

/// A change to an incident, written with its timeline row in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentChange {
    pub actor: VolunteerId,
    pub at: i64,
    /// The step's name for the timeline (see [`IncidentEvent::step`]).
    pub step: String,
    pub what: ChangeKind,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// Moves the status, but only if it is still `from` (someone else may have moved it).
    Status {
        from: IncidentStatus,
        to: IncidentStatus,
        referred_to: Option<Referral>,
    },
    Assign(Option<VolunteerId>),
    Publish(bool),
}

/// Who is looking, which decides what a list may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A leader, coordinator or admin: everything in this area and below.
    Area(AreaId),
    /// A volunteer: their own reports, and the public ones of their community.
    Volunteer { id: VolunteerId, community: AreaId },
}

/// A list's filters; `None` means any.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IncidentQuery {
    pub category: Option<String>,
    pub status: Option<IncidentStatus>,
    /// Only reported/acknowledged/referred.
    pub open_only: bool,
    pub severity: Option<Severity>,
    /// `made_at` from (inclusive) and until (exclusive), epoch ms.
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// One page of a list, newest first, with the total that matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub items: Vec<IncidentSummary>,
    pub total: u32,
}

/// The few columns statistics and the map are counted from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentFact {
    pub id: IncidentId,
    pub area_id: AreaId,
    pub category: String,
    pub severity: Severity,
    pub status: IncidentStatus,
    pub lat: f64,
    pub lon: f64,
    pub made_at: i64,
}

#[async_trait]
pub trait IncidentStorage: Send + Sync {
    /// Stores a report, its photos and its first timeline row, or finds the incident its
    /// client key already made.
    async fn insert_incident(&self, new: &NewIncident) -> Result<Stored, StorageError>;

    async fn incident(&self, id: IncidentId) -> Result<Option<Incident>, StorageError>;

    /// The timeline, oldest first.
    async fn incident_events(&self, id: IncidentId) -> Result<Vec<IncidentEvent>, StorageError>;

    /// A photo's content type and bytes.
    async fn incident_photo(
        &self,
        incident: IncidentId,
        photo: i64,
    ) -> Result<Option<(String, Vec<u8>)>, StorageError>;

    /// A page of the incidents `viewer` may see that match `query`, urgent first among the
    /// open ones when `open_only`, else newest first.
    async fn incidents(
        &self,
        viewer: Viewer,
        query: &IncidentQuery,
        limit: u32,
        offset: u32,
    ) -> Result<IncidentPage, StorageError>;

    /// Every incident `viewer` may see that matches `query`, as facts, up to `limit`, newest
    /// first (the map and the statistics).
    async fn incident_facts(
        &self,
        viewer: Viewer,
        query: &IncidentQuery,
        limit: u32,
    ) -> Result<Vec<IncidentFact>, StorageError>;

    /// Applies `change` and writes its timeline row. A status change whose `from` no longer
    /// holds fails with `ChangedMeanwhile`; an unknown id with `MissingReference`.
    async fn change_incident(
        &self,
        id: IncidentId,
        change: &IncidentChange,
    ) -> Result<(), StorageError>;
}
