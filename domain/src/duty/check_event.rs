//! Check events: a check-in or check-out as the phone sent it, how the server judged it, and
//! the one in force for an assignment.

use super::geofence::Verdict;
use super::port::AssignmentId;
use super::shift::ShiftWindow;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckKind {
    In,
    Out,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        [Self::In, Self::Out].into_iter().find(|v| v.as_str() == s)
    }
}

/// Why the server believes a check event happened at the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Proof {
    /// The phone's position, judged against the fence.
    Position(Verdict),
    /// The leader's rotating code, scanned or typed.
    Qr,
    /// Nobody checked out: the server closed the shift at its end plus grace.
    Auto,
}

impl Proof {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Position(v) => v.as_str(),
            Self::Qr => "qr",
            Self::Auto => "auto",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "qr" => Some(Self::Qr),
            "auto" => Some(Self::Auto),
            other => Verdict::from_db(other).map(Self::Position),
        }
    }

    /// Whether the event shows the volunteer at the site: a position inside the fence or the
    /// leader's code.
    pub fn on_site(self) -> bool {
        matches!(self, Self::Position(Verdict::Inside) | Self::Qr)
    }

    /// Whether a check-in with this proof may be made again on site: one outside the fence, or
    /// without a position (pressed before arriving, location blocked).
    pub fn may_be_redone(self) -> bool {
        matches!(
            self,
            Self::Position(Verdict::Outside) | Self::Position(Verdict::Unknown)
        )
    }

    /// Whether a leader should look at this event before confirming the hours.
    pub fn needs_review(self) -> bool {
        matches!(
            self,
            Self::Position(Verdict::Outside) | Self::Position(Verdict::Unknown) | Self::Auto
        )
    }
}

/// A check event as the phone sent it, judged by the server.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCheck {
    /// The phone's UUIDv7: the event is stored once however often it arrives.
    pub client_key: String,
    pub assignment_id: AssignmentId,
    pub kind: CheckKind,
    /// When it happened (the phone's clock, bounded by `plausible_made_at`).
    pub made_at: i64,
    pub received_at: i64,
    /// (lat, lon, accuracy in metres when the phone gave one)
    pub position: Option<(f64, f64, Option<f64>)>,
    pub proof: Proof,
    pub outside_reason: Option<String>,
    /// A check-in made again on site: the id of the outside/unknown check-in it replaces. The
    /// replaced one stays in the record, marked superseded, in the same transaction.
    pub supersedes: Option<i64>,
    /// With a check-out: the hours it closes, opened as a pending service record in the same
    /// transaction as the event — a check-out is never stored without its hours.
    pub service: Option<ServiceClaim>,
}

/// A check-out whose hours were never opened (see `check_outs_without_hours`).
#[derive(Debug, Clone, PartialEq)]
pub struct UnrecordedService {
    pub assignment_id: AssignmentId,
    pub window: ShiftWindow,
    pub check_in: CheckEvent,
    pub check_out: CheckEvent,
}

/// The hours a check-out claims, and why a leader should look at them (a check-in outside
/// the site, an automatic check-out), if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceClaim {
    pub minutes: u32,
    pub flagged: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckEvent {
    pub id: i64,
    pub client_key: String,
    pub assignment_id: AssignmentId,
    pub kind: CheckKind,
    pub made_at: i64,
    pub proof: Proof,
    pub outside_reason: Option<String>,
    /// When a later check-in replaced this one (it stays in the record); `None` while in force.
    pub superseded_at: Option<i64>,
}

impl CheckEvent {
    pub fn in_force(&self) -> bool {
        self.superseded_at.is_none()
    }
}

/// The event of `kind` in force among an assignment's events (at most one: the database's
/// partial unique index holds it).
pub fn in_force(checks: &[CheckEvent], kind: CheckKind) -> Option<&CheckEvent> {
    checks.iter().find(|c| c.kind == kind && c.in_force())
}
