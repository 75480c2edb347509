//! What a notice is about: its kind, the thing it opens, and its parameters. The text is not
//! stored: the reader's language composes it from the kind and the parameters when shown, and
//! an SMS provider from its approved template.

use crate::duty::port::ShiftId;
use crate::incident::port::IncidentId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every kind a person can be told of. The database stores [`NoticeKind::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NoticeKind {
    /// The association registered the applicant (params: `vest_no`).
    RegistrationApproved,
    /// The application was turned down (params: `reason`).
    RegistrationRejected,
    /// A shift the person is on begins soon (params: `site`, `starts_at`, `lead`: "evening" or
    /// "soon").
    ShiftReminder,
    /// A shift the person is on was cancelled (params: `site`, `starts_at`, `reason`).
    ShiftCancelled,
    /// Someone cancelled and the person moved from the waitlist onto the shift (params: `site`,
    /// `starts_at`).
    WaitlistPlaceGiven,
    /// A leader assigned an incident to the person (params: `category`, `severity` 1–3).
    IncidentAssigned,
    /// The person's own report moved on (params: `category`, `status`).
    ReportStatusChanged,
    /// A leader confirmed the person's hours (params: `site`, `starts_at`, `minutes`).
    HoursConfirmed,
    /// A leader confirmed a different figure (params: `site`, `starts_at`, `minutes`, `reason`).
    HoursCorrected,
    /// A leader disputed the claim (params: `site`, `starts_at`, `reason`).
    HoursDisputed,
    /// A duty period asks the person when they can come (params: `period`, `starts_on`,
    /// `ends_on`).
    AvailabilityAsked,
    /// The period's roster is out and the person is on it (params: `period`, `count`: their
    /// slots, `starts_at`: the first one's start).
    RosterPlaced,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 12] = [
        NoticeKind::RegistrationApproved,
        NoticeKind::RegistrationRejected,
        NoticeKind::ShiftReminder,
        NoticeKind::ShiftCancelled,
        NoticeKind::WaitlistPlaceGiven,
        NoticeKind::IncidentAssigned,
        NoticeKind::ReportStatusChanged,
        NoticeKind::HoursConfirmed,
        NoticeKind::HoursCorrected,
        NoticeKind::HoursDisputed,
        NoticeKind::AvailabilityAsked,
        NoticeKind::RosterPlaced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RegistrationApproved => "registration_approved",
            Self::RegistrationRejected => "registration_rejected",
            Self::ShiftReminder => "shift_reminder",
            Self::ShiftCancelled => "shift_cancelled",
            Self::WaitlistPlaceGiven => "waitlist_place_given",
            Self::IncidentAssigned => "incident_assigned",
            Self::ReportStatusChanged => "report_status_changed",
            Self::HoursConfirmed => "hours_confirmed",
            Self::HoursCorrected => "hours_corrected",
            Self::HoursDisputed => "hours_disputed",
            Self::AvailabilityAsked => "availability_asked",
            Self::RosterPlaced => "roster_placed",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The parameters an SMS template of this kind takes, in order (Tencent's templates are
    /// positional; Aliyun's take the names).
    pub fn sms_params(self) -> &'static [&'static str] {
        match self {
            Self::RegistrationApproved => &["vest_no"],
            Self::RegistrationRejected => &["reason"],
            Self::ShiftReminder | Self::WaitlistPlaceGiven => &["site", "time"],
            Self::ShiftCancelled => &["site", "time", "reason"],
            Self::IncidentAssigned => &["category"],
            Self::ReportStatusChanged => &["category", "status"],
            Self::HoursConfirmed | Self::HoursCorrected => &["site", "time", "hours"],
            Self::HoursDisputed => &["site", "time"],
            Self::AvailabilityAsked => &["period"],
            Self::RosterPlaced => &["period", "count", "time"],
        }
    }
}

/// The ways a notice reaches a person. In-app needs no delivery: the notice row is the in-app
/// notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    InApp,
    Push,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::InApp, Channel::Push, Channel::Sms];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InApp => "in_app",
            Self::Push => "push",
            Self::Sms => "sms",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What tapping a notice opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    /// The person's own page (registration news).
    Me,
    Shift(ShiftId),
    Incident(IncidentId),
    /// The person's hours (`/me/hours`).
    Hours,
    /// A duty period: the volunteer's availability page for it.
    DutyPeriod(crate::duty_period::port::DutyPeriodId),
}

impl Subject {
    /// `me`, `shift:12`, `incident:7`, `hours`: how the database keeps it.
    pub fn to_db(self) -> String {
        match self {
            Self::Me => "me".to_owned(),
            Self::Shift(id) => format!("shift:{}", id.0),
            Self::Incident(id) => format!("incident:{}", id.0),
            Self::Hours => "hours".to_owned(),
            Self::DutyPeriod(id) => format!("period:{}", id.0),
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        let id = |rest: &str| rest.parse::<i64>().ok();
        match s.split_once(':') {
            None if s == "me" => Some(Self::Me),
            None if s == "hours" => Some(Self::Hours),
            Some(("shift", rest)) => id(rest).map(|n| Self::Shift(ShiftId(n))),
            Some(("incident", rest)) => id(rest).map(|n| Self::Incident(IncidentId(n))),
            Some(("period", rest)) => {
                id(rest).map(|n| Self::DutyPeriod(crate::duty_period::port::DutyPeriodId(n)))
            }
            _ => None,
        }
    }

    /// The page that opens. A shift opens the volunteer's own list, where its card is: there is
    /// no page per shift for a volunteer.
    pub fn link(self) -> String {
        match self {
            Self::Me => "/me".to_owned(),
            Self::Shift(_) => "/shifts".to_owned(),
            Self::Incident(id) => format!("/incidents/{}", id.0),
            Self::Hours => "/me/hours".to_owned(),
            Self::DutyPeriod(id) => format!("/duty-periods/{}/answer", id.0),
        }
    }
}

/// One thing to tell one person: a kind, what it opens, and its parameters (plain strings;
/// instants as epoch milliseconds in decimal, so each language formats them its own way).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub subject: Subject,
    pub params: BTreeMap<String, String>,
    /// A leader's urgent notice (an urgent incident assigned): sent through quiet hours, and it
    /// cannot be turned off.
    pub urgent: bool,
}

impl Notice {
    pub fn new(kind: NoticeKind, subject: Subject) -> Self {
        Self {
            kind,
            subject,
            params: BTreeMap::new(),
            urgent: false,
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.insert(name.to_owned(), value.to_string());
        self
    }

    pub fn urgent(mut self, urgent: bool) -> Self {
        self.urgent = urgent;
        self
    }

    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }

    /// The parameters as stored: a JSON object of strings.
    pub fn params_json(&self) -> String {
        serde_json::to_string(&self.params).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads stored parameters back; anything but an object of strings is refused.
    pub fn params_from_json(json: &str) -> Option<BTreeMap<String, String>> {
        serde_json::from_str(json).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_channels_round_trip_through_their_stored_names() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_db(kind.as_str()), Some(kind));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::from_db(channel.as_str()), Some(channel));
        }
        assert_eq!(NoticeKind::from_db("nope"), None);
    }

    #[test]
    fn subjects_round_trip_and_open_their_page() {
        for s in [
            Subject::Me,
            Subject::Hours,
            Subject::Shift(ShiftId(12)),
            Subject::Incident(IncidentId(7)),
        ] {
            assert_eq!(Subject::from_db(&s.to_db()), Some(s));
        }
        assert_eq!(Subject::Incident(IncidentId(7)).link(), "/incidents/7");
        assert_eq!(Subject::from_db("shift:x"), None);
        assert_eq!(Subject::from_db("team:1"), None);
    }

    #[test]
    fn params_survive_storage_with_chinese_text() {
        let n = Notice::new(NoticeKind::ShiftCancelled, Subject::Shift(ShiftId(1)))
            .with("site", "山大路科技市场")
            .with("reason", "暴雨\"红色\"预警");
        let back = Notice::params_from_json(&n.params_json()).expect("object of strings");
        assert_eq!(back, n.params);
        assert_eq!(Notice::params_from_json("[1]"), None);
        assert_eq!(n.param("missing"), "");
    }
}
