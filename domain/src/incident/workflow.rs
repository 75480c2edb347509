//! Triage (处置): the steps staff take on an incident and the status each leaves it in.
//!
//! - acknowledge: reported → acknowledged;
//! - refer: reported, acknowledged or referred → referred (again: to someone else);
//! - resolve: any open status → resolved;
//! - reject: any open status → rejected;
//! - close: resolved → closed, which is final;
//! - reopen: resolved or rejected → acknowledged.
//!
//! Rejecting and reopening need a written reason: the reporter is told why their report was
//! turned down, and a reopened case says what was not actually fixed. Closed is final, so the
//! statistics for a closed month do not change afterwards.

use super::free_text;
use crate::error::{FieldError, MessageKey};
use serde::{Deserialize, Serialize};

/// Where an incident stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IncidentStatus {
    /// 已上报: sent in, nobody has looked yet.
    Reported,
    /// 已受理: staff have seen it and own it.
    Acknowledged,
    /// 已转办: handed to whoever deals with it.
    Referred,
    /// 已办结: dealt with, waiting to be confirmed and closed.
    Resolved,
    /// 已关闭: confirmed and final.
    Closed,
    /// 不予受理: not an incident (a duplicate, a misunderstanding), with the reason given.
    Rejected,
}

impl IncidentStatus {
    /// Every status, in workflow order.
    pub const ALL: [IncidentStatus; 6] = [
        Self::Reported,
        Self::Acknowledged,
        Self::Referred,
        Self::Resolved,
        Self::Closed,
        Self::Rejected,
    ];

    /// The value stored in the database (its CHECK constraint lists exactly these).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reported => "reported",
            Self::Acknowledged => "acknowledged",
            Self::Referred => "referred",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
            Self::Rejected => "rejected",
        }
    }

    /// Reads back a stored value (see [`IncidentStatus::as_str`]).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether someone still has to act: the incident counts as outstanding on the map and in
    /// the figures.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Reported | Self::Acknowledged | Self::Referred)
    }
}

/// The longest name of a person or unit an incident is referred to.
pub const MAX_REFERRAL_NAME_CHARS: usize = 40;

/// Whom an incident is handed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Referral {
    /// 派出所: the local police station.
    PoliceStation,
    /// 居委会: the residents' committee.
    Committee,
    /// 物业: the property management company.
    PropertyManager,
    /// Anyone else, by name: a person, a city department, a utility.
    Named(String),
}

impl Referral {
    /// The value stored in the database: `police`, `committee`, `property` or `named:<name>`.
    pub fn to_stored(&self) -> String {
        match self {
            Self::PoliceStation => "police".into(),
            Self::Committee => "committee".into(),
            Self::PropertyManager => "property".into(),
            Self::Named(name) => format!("named:{name}"),
        }
    }

    /// Reads back a stored value (see [`Referral::to_stored`]); a named referral without a
    /// name is not one.
    pub fn from_stored(s: &str) -> Option<Self> {
        match s {
            "police" => Some(Self::PoliceStation),
            "committee" => Some(Self::Committee),
            "property" => Some(Self::PropertyManager),
            _ => s
                .strip_prefix("named:")
                .filter(|name| !name.is_empty())
                .map(|name| Self::Named(name.to_owned())),
        }
    }

    /// Reads the form fields `referral` (the kind: `police`, `committee`, `property` or
    /// `named`) and `referral_name`, which only a named referral needs.
    pub fn parse(kind: &str, name: &str) -> Result<Self, FieldError> {
        match kind.trim() {
            "" => Err(FieldError::new("referral", MessageKey::Required)),
            "police" => Ok(Self::PoliceStation),
            "committee" => Ok(Self::Committee),
            "property" => Ok(Self::PropertyManager),
            "named" => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(FieldError::new("referral_name", MessageKey::Required));
                }
                if name.chars().count() > MAX_REFERRAL_NAME_CHARS {
                    return Err(FieldError::new("referral_name", MessageKey::TooLong));
                }
                if name.chars().any(char::is_control) {
                    return Err(FieldError::new("referral_name", MessageKey::NameInvalid));
                }
                Ok(Self::Named(name.to_owned()))
            }
            _ => Err(FieldError::new("referral", MessageKey::ReferralInvalid)),
        }
    }
}

/// What staff do to an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Acknowledge,
    Refer(Referral),
    Resolve,
    Close,
    Reject,
    Reopen,
}

impl Step {
    /// The step's name: the value of the form's `step` button and of the stored history.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Acknowledge => "acknowledge",
            Self::Refer(_) => "refer",
            Self::Resolve => "resolve",
            Self::Close => "close",
            Self::Reject => "reject",
            Self::Reopen => "reopen",
        }
    }
}

/// Every step name, in the order the buttons are shown: forward first, turning it down last.
const STEPS_IN_UI_ORDER: [&str; 6] = [
    "acknowledge",
    "refer",
    "resolve",
    "close",
    "reopen",
    "reject",
];

/// The status after the step named `step` from `from`, or `None` where that step is not
/// possible. The one table of the workflow: [`next_status`] and [`steps_from`] both read it.
fn after(from: IncidentStatus, step: &str) -> Option<IncidentStatus> {
    use IncidentStatus::*;
    match (from, step) {
        (Reported, "acknowledge") => Some(Acknowledged),
        // Referring again hands the incident to someone else (the property manager could not
        // help, so now the police station).
        (Reported | Acknowledged | Referred, "refer") => Some(Referred),
        (Reported | Acknowledged | Referred, "resolve") => Some(Resolved),
        (Reported | Acknowledged | Referred, "reject") => Some(Rejected),
        (Resolved, "close") => Some(Closed),
        // A reopened incident goes back to staff who own it, not to the unread pile.
        (Resolved | Rejected, "reopen") => Some(Acknowledged),
        _ => None,
    }
}

/// The status an incident moves to when `step` is taken from `from`.
pub fn next_status(from: IncidentStatus, step: &Step) -> Result<IncidentStatus, FieldError> {
    after(from, step.as_str()).ok_or_else(|| FieldError::new("step", MessageKey::StepNotAllowed))
}

/// The step names possible from `status`, in the order the buttons are shown.
pub fn steps_from(status: IncidentStatus) -> Vec<&'static str> {
    STEPS_IN_UI_ORDER
        .into_iter()
        .filter(|step| after(status, step).is_some())
        .collect()
}

/// The longest note on a step: a line or two for the incident's history.
pub const MAX_NOTE_CHARS: usize = 200;

/// Reads the triage form: the `step` button pressed, the referral fields (only read for
/// `refer`) and the `note`. The note is trimmed, `None` when blank, and required for
/// `reject` and `reopen`. Whether the step is possible from the incident's current status is
/// [`next_status`]'s question.
pub fn parse_step(
    step: &str,
    referral_kind: &str,
    referral_name: &str,
    note: &str,
) -> Result<(Step, Option<String>), FieldError> {
    let step = match step.trim() {
        "acknowledge" => Step::Acknowledge,
        "refer" => Step::Refer(Referral::parse(referral_kind, referral_name)?),
        "resolve" => Step::Resolve,
        "close" => Step::Close,
        "reject" => Step::Reject,
        "reopen" => Step::Reopen,
        _ => return Err(FieldError::new("step", MessageKey::StepNotAllowed)),
    };
    let note = free_text("note", note, MAX_NOTE_CHARS)?;
    if note.is_none() && matches!(step, Step::Reject | Step::Reopen) {
        return Err(FieldError::new("note", MessageKey::ReasonRequired));
    }
    Ok((step, note))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use IncidentStatus::*;

    fn every_step() -> [Step; 6] {
        [
            Step::Acknowledge,
            Step::Refer(Referral::PoliceStation),
            Step::Resolve,
            Step::Close,
            Step::Reject,
            Step::Reopen,
        ]
    }

    /// The workflow written out in full, independently of `after`: for each status, the
    /// outcome of acknowledge, refer, resolve, close, reject, reopen.
    const TABLE: [(IncidentStatus, [Option<IncidentStatus>; 6]); 6] = [
        (
            Reported,
            [
                Some(Acknowledged),
                Some(Referred),
                Some(Resolved),
                None,
                Some(Rejected),
                None,
            ],
        ),
        (
            Acknowledged,
            [
                None,
                Some(Referred),
                Some(Resolved),
                None,
                Some(Rejected),
                None,
            ],
        ),
        (
            Referred,
            [
                None,
                Some(Referred),
                Some(Resolved),
                None,
                Some(Rejected),
                None,
            ],
        ),
        (
            Resolved,
            [None, None, None, Some(Closed), None, Some(Acknowledged)],
        ),
        (Closed, [None, None, None, None, None, None]),
        (Rejected, [None, None, None, None, None, Some(Acknowledged)]),
    ];

    #[test]
    fn every_status_and_step_follows_the_table() {
        for (from, outcomes) in TABLE {
            for (step, expected) in every_step().iter().zip(outcomes) {
                let got = next_status(from, step);
                match expected {
                    Some(to) => assert_eq!(got, Ok(to), "{from:?} {step:?}"),
                    None => assert_eq!(
                        got,
                        Err(FieldError::new("step", MessageKey::StepNotAllowed)),
                        "{from:?} {step:?}"
                    ),
                }
            }
        }
        assert_eq!(
            TABLE.map(|(status, _)| status),
            IncidentStatus::ALL,
            "the table covers every status"
        );
    }

    #[test]
    fn the_buttons_shown_are_the_steps_allowed_in_ui_order() {
        assert_eq!(
            steps_from(Reported),
            ["acknowledge", "refer", "resolve", "reject"]
        );
        assert_eq!(steps_from(Acknowledged), ["refer", "resolve", "reject"]);
        assert_eq!(steps_from(Referred), ["refer", "resolve", "reject"]);
        assert_eq!(steps_from(Resolved), ["close", "reopen"]);
        assert_eq!(steps_from(Rejected), ["reopen"]);
        assert!(steps_from(Closed).is_empty());
        for status in IncidentStatus::ALL {
            for step in every_step() {
                assert_eq!(
                    steps_from(status).contains(&step.as_str()),
                    next_status(status, &step).is_ok(),
                    "{status:?} {step:?}"
                );
            }
        }
    }

    #[test]
    fn statuses_round_trip_through_the_database_strings() {
        let stored: Vec<&str> = IncidentStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            stored,
            [
                "reported",
                "acknowledged",
                "referred",
                "resolved",
                "closed",
                "rejected"
            ]
        );
        for status in IncidentStatus::ALL {
            assert_eq!(IncidentStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(IncidentStatus::parse("Reported"), None);
        assert_eq!(IncidentStatus::parse(""), None);
        let open: Vec<IncidentStatus> = IncidentStatus::ALL
            .into_iter()
            .filter(|s| s.is_open())
            .collect();
        assert_eq!(open, [Reported, Acknowledged, Referred]);
    }

    #[test]
    fn referrals_round_trip_through_storage() {
        for r in [
            Referral::PoliceStation,
            Referral::Committee,
            Referral::PropertyManager,
            Referral::Named("街道城管科".into()),
            Referral::Named("a:b".into()),
        ] {
            assert_eq!(Referral::from_stored(&r.to_stored()), Some(r));
        }
        assert_eq!(Referral::PoliceStation.to_stored(), "police");
        assert_eq!(Referral::Named("王师傅".into()).to_stored(), "named:王师傅");
        for bad in ["", "named:", "named", "Police", "fire_brigade"] {
            assert_eq!(Referral::from_stored(bad), None, "{bad}");
        }
    }

    #[test]
    fn referral_form_fields_are_checked() {
        assert_eq!(
            Referral::parse(" property ", "ignored"),
            Ok(Referral::PropertyManager)
        );
        assert_eq!(
            Referral::parse("named", "  燃气公司 "),
            Ok(Referral::Named("燃气公司".into()))
        );
        let err = |kind: &str, name: &str| Referral::parse(kind, name).expect_err("invalid");
        assert_eq!(
            err(" ", ""),
            FieldError::new("referral", MessageKey::Required)
        );
        assert_eq!(
            err("fire_brigade", ""),
            FieldError::new("referral", MessageKey::ReferralInvalid)
        );
        assert_eq!(
            err("named", "  "),
            FieldError::new("referral_name", MessageKey::Required)
        );
        assert!(Referral::parse("named", &"单".repeat(40)).is_ok());
        assert_eq!(
            err("named", &"单".repeat(41)),
            FieldError::new("referral_name", MessageKey::TooLong)
        );
        assert_eq!(
            err("named", "王\n师傅"),
            FieldError::new("referral_name", MessageKey::NameInvalid)
        );
    }

    #[test]
    fn steps_are_read_from_the_form_with_their_note() {
        assert_eq!(
            parse_step("acknowledge", "", "", "  "),
            Ok((Step::Acknowledge, None))
        );
        assert_eq!(
            parse_step("refer", "named", "燃气公司", "已电话联系"),
            Ok((
                Step::Refer(Referral::Named("燃气公司".into())),
                Some("已电话联系".into())
            ))
        );
        assert_eq!(
            parse_step("refer", "", "", "note"),
            Err(FieldError::new("referral", MessageKey::Required))
        );
        assert_eq!(parse_step("resolve", "", "", ""), Ok((Step::Resolve, None)));
        assert_eq!(parse_step("close", "", "", ""), Ok((Step::Close, None)));
        assert_eq!(
            parse_step(" reject ", "", "", " 重复上报 "),
            Ok((Step::Reject, Some("重复上报".into())))
        );
        for step in ["", "delete", "Acknowledge"] {
            assert_eq!(
                parse_step(step, "", "", ""),
                Err(FieldError::new("step", MessageKey::StepNotAllowed)),
                "{step}"
            );
        }
    }

    #[test]
    fn rejecting_and_reopening_need_a_reason_and_notes_are_bounded() {
        for step in ["reject", "reopen"] {
            assert_eq!(
                parse_step(step, "", "", " \r\n "),
                Err(FieldError::new("note", MessageKey::ReasonRequired)),
                "{step}"
            );
        }
        assert!(parse_step("resolve", "", "", &"注".repeat(MAX_NOTE_CHARS)).is_ok());
        assert_eq!(
            parse_step("reopen", "", "", &"注".repeat(MAX_NOTE_CHARS + 1)),
            Err(FieldError::new("note", MessageKey::TooLong))
        );
        assert_eq!(
            parse_step("resolve", "", "", "已\u{0}处理"),
            Err(FieldError::new("note", MessageKey::TextInvalid))
        );
    }

    #[test]
    fn step_names_are_those_the_form_sends() {
        for step in every_step() {
            let (parsed, _) =
                parse_step(step.as_str(), "police", "", "理由").expect("every step parses");
            assert_eq!(parsed, step);
        }
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Acknowledge),
            Just(Step::Refer(Referral::Committee)),
            Just(Step::Resolve),
            Just(Step::Close),
            Just(Step::Reject),
            Just(Step::Reopen),
        ]
    }

    proptest! {
        #[test]
        fn once_closed_no_sequence_of_steps_leaves_closed(
            start in proptest::sample::select(IncidentStatus::ALL.to_vec()),
            steps in proptest::collection::vec(any_step(), 0..40),
        ) {
            let mut status = start;
            let mut closed = status == Closed;
            for step in &steps {
                let before = status;
                if let Ok(next) = next_status(status, step) {
                    status = next;
                }
                // Closed is reached only by closing a resolved incident.
                if status == Closed && !closed {
                    prop_assert_eq!((before, step.as_str()), (Resolved, "close"));
                }
                closed |= status == Closed;
                prop_assert!(!closed || status == Closed, "{:?} left Closed", step);
            }
        }
    }
}
