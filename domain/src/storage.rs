//! The storage port: what the application needs from a database, in domain terms.
//!
//! Two adapters implement it in `server::storage` (SQLite embedded, PostgreSQL for scale) and
//! one conformance suite (`server/tests/storage.rs`) holds both to the same behaviour.

use crate::area::{Area, AreaId, NewArea};
use crate::role::{AreaPath, RoleGrant};
use crate::volunteer::{NewVolunteer, Volunteer, VolunteerId, VolunteerStatus};
use async_trait::async_trait;

/// Why a storage call failed, in terms the services can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// A named uniqueness or check constraint refused the write; services map the name to a
    /// field error (never by matching error text).
    #[error("constraint {0} violated")]
    Constraint(&'static str),
    /// The row changed since the caller read it (another leader decided first, the status
    /// moved on): nothing was written, and reading again shows why.
    #[error("changed meanwhile")]
    ChangedMeanwhile,
    /// A reference points at a row that does not exist (e.g. a parent area).
    #[error("referenced row does not exist")]
    MissingReference,
    /// The database could not be reached or answered with an error; the detail is for the log.
    #[error("database error: {0}")]
    Backend(String),
}

/// Everything the application stores; the duty part is [`crate::DutyStorage`], the incident
/// part [`crate::incident::port::IncidentStorage`].
#[async_trait]
pub trait Storage:
    crate::DutyStorage
    + crate::duty_period::port::DutyPeriodStorage
    + crate::incident::port::IncidentStorage
    + crate::notify::NotifyStorage
    + Send
    + Sync
    + 'static
{
    /// `"sqlite"` or `"postgres"`, for `/health` and logs.
    fn backend(&self) -> &'static str;

    /// A cheap round trip, used by `/health`.
    async fn ping(&self) -> Result<(), StorageError>;

    async fn insert_area(&self, area: &NewArea) -> Result<AreaId, StorageError>;

    /// `insert_area` for an admin's change: the area and its audit entry in one transaction.
    async fn create_area(&self, area: &NewArea, audit: &AuditEntry)
        -> Result<AreaId, StorageError>;

    async fn area(&self, id: AreaId) -> Result<Option<Area>, StorageError>;

    /// The children of `parent`, or the root areas when `None`, by name.
    async fn child_areas(&self, parent: Option<AreaId>) -> Result<Vec<Area>, StorageError>;

    /// Sets an area's resident population (with the date it was counted) and, for a district,
    /// its own target rate (`None`: the installation's default). Audited atomically.
    async fn update_area_figures(
        &self,
        id: AreaId,
        population: crate::Population,
        counted_on: Option<chrono::NaiveDate>,
        target_rate: Option<crate::TargetRate>,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// Applies an import in one transaction: boundaries replace the areas' old ones, sites are
    /// created or updated by (area, name). Returns (boundaries, sites) written.
    async fn import_geometry(
        &self,
        boundaries: &[(AreaId, crate::geometry::Shape)],
        sites: &[crate::SiteDraft],
        audit: &AuditEntry,
    ) -> Result<(u32, u32), StorageError>;

    /// Sites in `area`'s subtree, by name.
    async fn sites_in(&self, area: AreaId) -> Result<Vec<crate::Site>, StorageError>;

    /// Boundaries of `parent` and of its children (those that have one).
    async fn boundaries(
        &self,
        parent: AreaId,
    ) -> Result<Vec<(AreaId, crate::geometry::Shape)>, StorageError>;

    /// `id` and its ancestors, root first; empty when the area does not exist.
    async fn area_path(&self, id: AreaId) -> Result<AreaPath, StorageError>;

    /// Registered volunteers whose home is `id` or anywhere below it.
    async fn registered_in(&self, id: AreaId) -> Result<u32, StorageError>;

    /// For each child of `parent`: registered volunteers living in that child's subtree.
    async fn registered_per_child(
        &self,
        parent: AreaId,
    ) -> Result<Vec<(AreaId, u32)>, StorageError>;

    // --- volunteers and accounts -------------------------------------------------------------

    /// Fails with `Constraint("volunteers_phone_key")` when the number is taken.
    async fn insert_volunteer(&self, v: &NewVolunteer) -> Result<VolunteerId, StorageError>;

    /// Someone applying: the account and its audit entry in one transaction. The applicant is
    /// the entry's actor and its record, so `entry`'s `actor_id` and `entity_id` are set to the
    /// new id.
    async fn insert_applicant(
        &self,
        v: &NewVolunteer,
        entry: &AuditEntry,
    ) -> Result<VolunteerId, StorageError>;

    /// Many at once, in one transaction (imports, the demo seed): all or nothing.
    async fn insert_volunteers(&self, vs: &[NewVolunteer]) -> Result<u64, StorageError>;

    async fn volunteer(&self, id: VolunteerId) -> Result<Option<Volunteer>, StorageError>;

    /// What a login needs: the account, its password hash and status, found by mobile number.
    async fn login_record(
        &self,
        phone: &crate::PhoneNumber,
    ) -> Result<Option<LoginRecord>, StorageError>;

    async fn set_password_hash(
        &self,
        id: VolunteerId,
        hash: &str,
        now_ms: i64,
    ) -> Result<(), StorageError>;

    /// A person changes their own password: the new hash (no longer temporary), every other
    /// session of theirs ended, and the audit entry, in one transaction. Returns how many
    /// sessions ended.
    async fn change_password(
        &self,
        id: VolunteerId,
        hash: &str,
        keep_session: &str,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<u64, StorageError>;

    /// An admin's password reset: the new hash, marked temporary (the next login must choose
    /// a new one), every session ended, and the audit entry, in one transaction.
    async fn reset_password(
        &self,
        id: VolunteerId,
        hash: &str,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// Moves a volunteer to `status` (not to registered: see `approve_volunteer`) and writes
    /// `audit` in the same transaction.
    async fn set_volunteer_status(
        &self,
        id: VolunteerId,
        status: VolunteerStatus,
        by: Option<VolunteerId>,
        reason: Option<&str>,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// Registers an applicant (or re-activates someone): status `registered`, and the next vest
    /// number (`PA-00042`) unless they have one. Returns the vest number. Audited atomically.
    async fn approve_volunteer(
        &self,
        id: VolunteerId,
        by: Option<VolunteerId>,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<String, StorageError>;

    /// Volunteers whose home is in `filter.within`'s subtree, a page at a time.
    async fn volunteers_in(&self, filter: &VolunteerFilter) -> Result<VolunteerPage, StorageError>;

    /// The sealed ID number, for the few allowed to open it.
    async fn sealed_id_number(&self, id: VolunteerId) -> Result<Option<Vec<u8>>, StorageError>;

    async fn grants(&self, id: VolunteerId) -> Result<Vec<RoleGrant>, StorageError>;

    /// Gives a role over an area; audited atomically.
    async fn insert_grant(
        &self,
        id: VolunteerId,
        grant: RoleGrant,
        by: Option<VolunteerId>,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    // --- teams (巡逻队) ------------------------------------------------------------------------

    /// Creates a team in `area`; `Constraint("teams_area_name_key")` when the name is taken there.
    async fn insert_team(
        &self,
        area: AreaId,
        name: &str,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<TeamId, StorageError>;

    /// Teams in `area`'s subtree, by name, with their member counts and leaders' names.
    async fn teams_in(&self, area: AreaId) -> Result<Vec<TeamSummary>, StorageError>;

    async fn team(&self, id: TeamId) -> Result<Option<TeamSummary>, StorageError>;

    /// Adds a volunteer to a team, or names a member its leader. A leader also receives the
    /// team-leader role over the team's area. Never demotes (see `revoke_team_leader`).
    /// Audited atomically.
    async fn put_team_member(
        &self,
        team: TeamId,
        volunteer: VolunteerId,
        is_leader: bool,
        now_ms: i64,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// Bumps the person's calendar-link generation (the old link stops working); audited in
    /// the same transaction. Returns the new generation.
    async fn renew_calendar(
        &self,
        id: VolunteerId,
        audit: &AuditEntry,
    ) -> Result<i64, StorageError>;

    /// Takes a member's leadership of `team` back; the team-leader grant over the team's area
    /// goes too unless they still lead another team there. Audited atomically.
    async fn revoke_team_leader(
        &self,
        team: TeamId,
        volunteer: VolunteerId,
        audit: &AuditEntry,
    ) -> Result<(), StorageError>;

    /// Members with their leader flag, leaders first, then by name.
    async fn team_members(&self, team: TeamId) -> Result<Vec<(Volunteer, bool)>, StorageError>;

    /// Finds a volunteer by mobile number (to add them to a team).
    async fn volunteer_by_phone(
        &self,
        phone: &crate::PhoneNumber,
    ) -> Result<Option<Volunteer>, StorageError>;

    /// Keeps the code just texted to `phone` (as a MAC), replacing any earlier one.
    async fn put_phone_code(
        &self,
        phone: &crate::PhoneNumber,
        code_mac: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StorageError>;

    /// Checks an entered code: a match spends it; a wrong one counts a try, and the last of
    /// `max_tries` spends it too. One statement at a time under the write lock, so two entries
    /// at once cannot both be counted as the last free try.
    async fn check_phone_code(
        &self,
        phone: &crate::PhoneNumber,
        code_mac: &str,
        now: i64,
        max_tries: u32,
    ) -> Result<crate::phone_code::CodeCheck, StorageError>;

    // --- sessions (in the database, so any number of app servers can serve them) -------------

    async fn insert_session(&self, s: &SessionRecord) -> Result<(), StorageError>;

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>, StorageError>;

    /// Records activity, for the idle timeout.
    async fn touch_session(&self, token_hash: &str, now_ms: i64) -> Result<(), StorageError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StorageError>;

    /// Ends every session of a person (password reset, suspension); returns how many.
    async fn delete_sessions_of(&self, id: VolunteerId) -> Result<u64, StorageError>;

    /// Drops sessions past their absolute expiry or unused since `idle_before_ms`.
    async fn delete_expired_sessions(
        &self,
        now_ms: i64,
        idle_before_ms: i64,
    ) -> Result<u64, StorageError>;

    // --- rate limits (shared by all app servers) --------------------------------------------

    /// Counts one hit on every limit in `limits`, in one transaction, if none of them refuses
    /// it (over its count in the window, or blocked by a backoff); otherwise counts nothing and
    /// answers when the first refusing limit frees up. The check and the count are one step, so
    /// parallel attempts cannot all pass before any is counted. `Ok(hits)` gives each key's
    /// count after this hit, in order.
    async fn rate_limit_take(
        &self,
        limits: &[RateLimit],
        now_ms: i64,
    ) -> Result<Result<Vec<u32>, i64>, StorageError>;

    /// Refuses every hit on `key_hash` until `until_ms` (a backoff after repeated failures).
    async fn rate_limit_block(&self, key_hash: &str, until_ms: i64) -> Result<(), StorageError>;

    /// Gives one hit back (a success that was counted in advance), or forgets the key.
    async fn rate_limit_forgive(&self, key_hash: &str, forget: bool) -> Result<(), StorageError>;

    /// Drops counters whose window started before `before_ms` and whose block has passed.
    async fn prune_rate_limits(&self, before_ms: i64, now_ms: i64) -> Result<u64, StorageError>;

    // --- audit log ---------------------------------------------------------------------------

    async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StorageError>;

    /// Newest first, filtered; `before_id` pages backwards.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StorageError>;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolunteerFilter {
    pub within: AreaId,
    pub status: Option<VolunteerStatus>,
    /// Matches the start of the name or the last four digits of the phone.
    pub search: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct VolunteerPage {
    pub items: Vec<Volunteer>,
    /// How many match in all (for "page 2 of 7").
    pub total: u32,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TeamId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSummary {
    pub id: TeamId,
    pub area_id: AreaId,
    pub name: String,
    pub members: u32,
    pub leaders: Vec<String>,
}

/// One rate limit to count a hit against: at most `limit` hits per `window_ms` on a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimit {
    /// A keyed hash of what is limited (a number, a client, a pair): no phone number is stored.
    pub key_hash: String,
    pub limit: u32,
    pub window_ms: i64,
}

/// A login lookup: never leaves the server.
#[derive(Debug, Clone)]
pub struct LoginRecord {
    pub id: VolunteerId,
    pub password_hash: Option<String>,
    pub status: VolunteerStatus,
    /// Set by an admin's reset: the next login must choose a new password.
    pub password_temporary: bool,
}

/// A stored session. The cookie holds a random token; only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub volunteer_id: VolunteerId,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

/// One change worth answering for later: who, when, what, before and after (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at_ms: i64,
    pub actor_id: Option<VolunteerId>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub area_id: Option<AreaId>,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub id: i64,
    pub entry: AuditEntry,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only changes to things in this area's subtree (an admin's scope), when given.
    pub within: Option<AreaId>,
    pub entity: Option<String>,
    pub actor_id: Option<VolunteerId>,
    pub before_id: Option<i64>,
    pub limit: u32,
}
