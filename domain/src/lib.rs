//! The domain of Pingan Vest (平安马甲): the vocabulary of docs/DESIGN.md as types,
//! the rules as plain functions, and the storage port the server's adapters implement.
//!
//! Nothing here does I/O, so the same parsing runs in the browser (wasm) and on the server,
//! and a form rejects exactly what the server would reject, with the same message key.

pub mod area;
pub mod duty;
pub mod duty_period;
pub mod error;
pub mod geo_point;
pub mod geometry;
pub mod id_number;
pub mod incident;
pub mod notify;
pub mod phone;
pub mod phone_code;
pub mod role;
pub mod secrets;
pub mod site;
pub mod storage;
pub mod target;
pub mod volunteer;

pub use area::{parse_counted_on, Area, AreaId, AreaKind, AreaName, NewArea, Population};
pub use duty::fatigue::{FatigueRefusal, FatigueRules};
pub use duty::geofence::Verdict;
pub use duty::hours::ServiceState;
pub use duty::pattern::WeeklyPattern;
pub use duty::port::{
    Assignment, AssignmentId, AssignmentState, CheckContext, CheckEvent, CheckKind, Decision,
    DutyStorage, HoursLine, HoursSummary, MyShift, NewCheck, NewShift, Outcome, Proof,
    ServiceClaim, ServiceToDecide, Shift, ShiftId, ShiftPerson, SignUpOutcome, UnrecordedService,
};
pub use duty::rules::DutyRules;
pub use duty::shift::ShiftDraft;
pub use duty::shift::ShiftWindow;
pub use duty::stars::{StarLevels, StarProgress};
pub use duty::track::TrackPoint;
pub use error::{FieldError, MessageKey};
pub use geo_point::GeoPoint;
pub use id_number::IdNumber;
pub use phone::PhoneNumber;
pub use role::{Action, AreaPath, Principal, Role, RoleGrant};
pub use secrets::Secrets;
pub use site::{Site, SiteDraft, SiteId};
pub use storage::{
    AuditEntry, AuditFilter, AuditRecord, LoginRecord, RateLimit, SessionRecord, Storage,
    StorageError, TeamId, TeamSummary, VolunteerFilter, VolunteerPage,
};
pub use target::{TargetProgress, TargetRate};
pub use volunteer::{
    NewVolunteer, Password, PersonName, SealedIdNumber, Volunteer, VolunteerId, VolunteerStatus,
};
