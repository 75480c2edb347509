//! A duty period (专项勤务) itself: its name, response level, dates, briefing and status, and
//! copying one to new dates.

use crate::duty::form::{keep, parse_date};
use crate::error::{FieldError, MessageKey};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The response level (响应等级) a sensitive period is run at; it sets the duty credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DutyLevel {
    /// 一级响应: the highest.
    First,
    /// 二级响应.
    Second,
    /// 三级响应.
    Third,
}

impl DutyLevel {
    pub const ALL: [Self; 3] = [Self::First, Self::Second, Self::Third];

    /// As stored and as the form sends it: 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Self::First => 1,
            Self::Second => 2,
            Self::Third => 3,
        }
    }

    pub fn from_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(Self::First),
            2 => Some(Self::Second),
            3 => Some(Self::Third),
            _ => None,
        }
    }

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        input
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(Self::from_number)
            .ok_or_else(|| FieldError::new("level", MessageKey::DutyLevelInvalid))
    }
}

/// Where a period is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeriodStatus {
    /// Being planned: sites, slots and demand; only leaders see it.
    Draft,
    /// Volunteers of the area are asked for their availability; the roster is drafted.
    Published,
    /// The roster is out: its shifts exist, people check in.
    Running,
    /// Over and counted.
    Closed,
}

impl PeriodStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Running => "running",
            Self::Closed => "closed",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        match stored {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            "running" => Some(Self::Running),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    /// Demand (sites, slots, cells) may change only before anyone has been asked.
    pub fn demand_editable(self) -> bool {
        self == Self::Draft
    }

    /// Volunteers may answer, and change their answers, until the roster is published.
    pub fn takes_answers(self) -> bool {
        self == Self::Published
    }
}

/// The longest period one plan covers: 两会 and 国庆 are about two weeks with their run-up.
pub const MAX_PERIOD_DAYS: i64 = 31;
const NAME_MAX: usize = 60;
const BRIEFING_MAX: usize = 500;

/// What everyone on the period is told before they come (shown on their shift).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Briefing {
    /// 集合点.
    pub assembly: String,
    /// 着装.
    pub dress: String,
    /// 注意事项.
    pub notes: String,
}

/// A period as its form describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodDraft {
    pub name: String,
    pub level: DutyLevel,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub briefing: Briefing,
}

fn text(
    field: &'static str,
    input: &str,
    max: usize,
    required: bool,
) -> Result<String, FieldError> {
    let value = input.trim();
    if required && value.is_empty() {
        return Err(FieldError::new(field, MessageKey::Required));
    }
    if value.chars().count() > max {
        return Err(FieldError::new(field, MessageKey::TooLong));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(FieldError::new(field, MessageKey::TextInvalid));
    }
    Ok(value.to_owned())
}

impl PeriodDraft {
    /// Reads the period form; every field's problem at once, in form order.
    pub fn parse(
        name: &str,
        level: &str,
        starts_on: &str,
        ends_on: &str,
        briefing: [&str; 3],
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = keep(&mut errors, text("name", name, NAME_MAX, true));
        let level = keep(&mut errors, DutyLevel::parse(level));
        let starts = keep(&mut errors, parse_date("starts_on", starts_on));
        let ends = keep(&mut errors, parse_date("ends_on", ends_on));
        if let (Some(s), Some(e)) = (starts, ends) {
            if e < s {
                errors.push(FieldError::new("ends_on", MessageKey::DateRangeBackwards));
            } else if (e - s).num_days() + 1 > MAX_PERIOD_DAYS {
                errors.push(FieldError::new("ends_on", MessageKey::PeriodTooLong));
            }
        }
        let assembly = keep(
            &mut errors,
            text("assembly", briefing[0], BRIEFING_MAX, false),
        );
        let dress = keep(&mut errors, text("dress", briefing[1], BRIEFING_MAX, false));
        let notes = keep(&mut errors, text("notes", briefing[2], BRIEFING_MAX, false));
        match (name, level, starts, ends, assembly, dress, notes) {
            (
                Some(name),
                Some(level),
                Some(starts_on),
                Some(ends_on),
                Some(a),
                Some(d),
                Some(n),
            ) if errors.is_empty() => Ok(Self {
                name,
                level,
                starts_on,
                ends_on,
                briefing: Briefing {
                    assembly: a,
                    dress: d,
                    notes: n,
                },
            }),
            _ => Err(errors),
        }
    }

    /// The number of days, first and last included.
    pub fn days(&self) -> u16 {
        ((self.ends_on - self.starts_on).num_days() + 1) as u16
    }
}

/// Copying a period to new dates (国庆 2025 → 国庆 2026): the same length, starting on
/// `new_start`; every cell keeps its day index, so its date moves by the same number of days.
pub fn copied_dates(
    old_start: NaiveDate,
    old_end: NaiveDate,
    new_start: NaiveDate,
) -> Option<(NaiveDate, NaiveDate)> {
    let days = (old_end - old_start).num_days();
    Some((
        new_start,
        new_start.checked_add_days(chrono::Days::new(days as u64))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_period_form_reads_and_says_every_problem() {
        let ok = PeriodDraft::parse(
            " 国庆 2026 ",
            "2",
            "2026-10-01",
            "2026-10-07",
            ["街道办门口", "红马甲、袖标", ""],
        )
        .expect("valid");
        assert_eq!(ok.name, "国庆 2026");
        assert_eq!(ok.level, DutyLevel::Second);
        assert_eq!(ok.days(), 7);

        let keys = |r: Result<PeriodDraft, Vec<FieldError>>| {
            r.expect_err("invalid")
                .into_iter()
                .map(|e| (e.field.into_owned(), e.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(PeriodDraft::parse(
                "",
                "4",
                "2026-10-07",
                "2026-10-01",
                ["", "", ""]
            )),
            vec![
                ("name".into(), MessageKey::Required),
                ("level".into(), MessageKey::DutyLevelInvalid),
                ("ends_on".into(), MessageKey::DateRangeBackwards),
            ]
        );
        assert_eq!(
            keys(PeriodDraft::parse(
                "两会",
                "1",
                "2026-03-01",
                "2026-04-01",
                ["", "", ""]
            )),
            vec![("ends_on".into(), MessageKey::PeriodTooLong)]
        );
        assert_eq!(
            keys(PeriodDraft::parse(
                "两会",
                "1",
                "2026-03-01",
                "2026-03-02",
                ["\u{7}", "", ""]
            )),
            vec![("assembly".into(), MessageKey::TextInvalid)]
        );
    }

    #[test]
    fn a_copy_keeps_the_length_and_moves_every_day() {
        assert_eq!(
            copied_dates(day("2025-10-01"), day("2025-10-08"), day("2026-10-01")),
            Some((day("2026-10-01"), day("2026-10-08")))
        );
    }
}
