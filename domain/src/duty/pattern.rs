//! Recurring shifts (固定班次): "every Tuesday and Friday, 19:00–21:00, until the end of the
//! year". A leader ticks weekdays and types clock times once; the shifts are generated from it.

use super::form::{keep, parse_clock, parse_date};
use super::local_ms;
use super::shift::ShiftWindow;
use crate::error::{FieldError, MessageKey};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

/// The longest range a pattern may cover, in days counted inclusively: a year, leap year
/// included. Longer plans outlive the rosters they are for, and the bound keeps the number of
/// generated shifts small.
pub const MAX_PATTERN_DAYS: i64 = 366;

/// A weekly pattern in China time. Built only through [`WeeklyPattern::new`] or
/// [`WeeklyPattern::parse`], so its invariants hold: at least one weekday, a start within the
/// day, an end after it at most 24 hours later, and a range of 1 to 366 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WeeklyPattern {
    /// Bit 0 = Monday … bit 6 = Sunday.
    weekdays: u8,
    /// Minutes after local midnight.
    start_min: u16,
    /// Minutes after the same midnight; past 1440 for a night shift.
    end_min: u16,
    valid_from: NaiveDate,
    valid_until: NaiveDate,
}

impl WeeklyPattern {
    /// `None` unless the values make a pattern (see the type's invariants); for values read
    /// back from storage.
    pub fn new(
        weekdays: u8,
        start_min: u16,
        end_min: u16,
        valid_from: NaiveDate,
        valid_until: NaiveDate,
    ) -> Option<Self> {
        let ok = (1..=127).contains(&weekdays)
            && start_min < 1440
            && end_min > start_min
            && end_min - start_min <= 1440
            && range_problem(valid_from, valid_until).is_none();
        ok.then_some(Self {
            weekdays,
            start_min,
            end_min,
            valid_from,
            valid_until,
        })
    }

    /// Parses the pattern form: the ticked weekday checkboxes (`"1"` = Monday … `"7"` =
    /// Sunday), clock times as for a single shift (an end at or before the start is the next
    /// morning) and the date range. Every problem is returned.
    pub fn parse(
        weekdays: &[&str],
        start: &str,
        end: &str,
        valid_from: &str,
        valid_until: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let days = keep(&mut errors, parse_weekdays(weekdays));
        let start_min = keep(&mut errors, parse_clock("start", start));
        let end_min = keep(&mut errors, parse_clock("end", end));
        let from = keep(&mut errors, parse_date("valid_from", valid_from));
        let until = keep(&mut errors, parse_date("valid_until", valid_until));
        if let (Some(from), Some(until)) = (from, until) {
            if let Some(key) = range_problem(from, until) {
                errors.push(FieldError::new("valid_until", key));
            }
        }
        match (days, start_min, end_min, from, until) {
            (Some(days), Some(start), Some(end), Some(from), Some(until)) if errors.is_empty() => {
                let end = if end <= start { end + 1440 } else { end };
                Self::new(days, start, end, from, until)
                    .ok_or_else(|| vec![FieldError::new("end", MessageKey::TimeInvalid)])
            }
            _ => Err(errors),
        }
    }

    pub fn weekdays(&self) -> u8 {
        self.weekdays
    }

    pub fn start_min(&self) -> u16 {
        self.start_min
    }

    pub fn end_min(&self) -> u16 {
        self.end_min
    }

    pub fn valid_from(&self) -> NaiveDate {
        self.valid_from
    }

    pub fn valid_until(&self) -> NaiveDate {
        self.valid_until
    }

    pub fn runs_on(&self, day: Weekday) -> bool {
        self.weekdays & (1 << day.num_days_from_monday()) != 0
    }

    /// Every shift the pattern makes, in order: one on each chosen weekday from `valid_from`
    /// to `valid_until` inclusive, starting on that local date.
    pub fn occurrences(&self) -> Vec<ShiftWindow> {
        self.valid_from
            .iter_days()
            .take_while(|d| *d <= self.valid_until)
            .filter(|d| self.runs_on(d.weekday()))
            .filter_map(|d| {
                ShiftWindow::new(
                    local_ms(d, i64::from(self.start_min)),
                    local_ms(d, i64::from(self.end_min)),
                )
            })
            .collect()
    }
}

fn parse_weekdays(ticked: &[&str]) -> Result<u8, FieldError> {
    if ticked.is_empty() {
        return Err(FieldError::new("weekdays", MessageKey::Required));
    }
    ticked.iter().try_fold(0u8, |bits, s| match s.trim() {
        d @ ("1" | "2" | "3" | "4" | "5" | "6" | "7") => Ok(bits | 1 << (d.as_bytes()[0] - b'1')),
        _ => Err(FieldError::new("weekdays", MessageKey::WeekdayInvalid)),
    })
}

fn range_problem(from: NaiveDate, until: NaiveDate) -> Option<MessageKey> {
    let days = (until - from).num_days() + 1;
    if days < 1 {
        Some(MessageKey::DateRangeBackwards)
    } else if days > MAX_PATTERN_DAYS {
        Some(MessageKey::DateRangeTooLong)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::{local_date, MINUTE_MS};
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn problems(r: Result<WeeklyPattern, Vec<FieldError>>) -> Vec<(String, MessageKey)> {
        r.expect_err("invalid")
            .into_iter()
            .map(|e| (e.field.into_owned(), e.key))
            .collect()
    }

    #[test]
    fn monday_wednesday_friday_for_two_weeks_makes_six_shifts() {
        // 2026-11-23 is a Monday.
        let p = WeeklyPattern::parse(
            &["1", "3", "5"],
            "19:00",
            "21:00",
            "2026-11-23",
            "2026-12-06",
        )
        .expect("valid");
        let w = p.occurrences();
        assert_eq!(w.len(), 6);
        assert_eq!(w[0].starts_at, local_ms(date(2026, 11, 23), 19 * 60));
        assert_eq!(w[5].starts_at, local_ms(date(2026, 12, 4), 19 * 60));
        assert!(w.iter().all(|w| w.minutes() == 120));
    }

    #[test]
    fn a_night_pattern_ends_the_next_morning() {
        let p = WeeklyPattern::parse(&["7"], "22:00", "06:00", "2026-11-29", "2026-11-29")
            .expect("valid");
        assert_eq!(p.end_min(), 1440 + 360);
        let w = p.occurrences();
        assert_eq!(w.len(), 1);
        assert_eq!(local_date(w[0].ends_at), date(2026, 11, 30));
        assert_eq!(w[0].minutes(), 8 * 60);
    }

    #[test]
    fn bad_pattern_forms_name_the_field() {
        assert_eq!(
            problems(WeeklyPattern::parse(&[], "", "9:00", "2026-1-1", "")),
            vec![
                ("weekdays".into(), MessageKey::Required),
                ("start".into(), MessageKey::Required),
                ("valid_until".into(), MessageKey::Required),
            ]
        );
        assert_eq!(
            problems(WeeklyPattern::parse(
                &["1", "8"],
                "8:00",
                "9:00",
                "2026-12-01",
                "2026-11-30"
            )),
            vec![
                ("weekdays".into(), MessageKey::WeekdayInvalid),
                ("valid_until".into(), MessageKey::DateRangeBackwards),
            ]
        );
    }

    #[test]
    fn a_pattern_covers_a_leap_year_at_most() {
        let parse = |until| WeeklyPattern::parse(&["2"], "8:00", "9:00", "2028-01-01", until);
        assert!(parse("2028-12-31").is_ok());
        assert_eq!(
            problems(parse("2029-01-01")),
            vec![("valid_until".into(), MessageKey::DateRangeTooLong)]
        );
    }

    #[test]
    fn stored_values_are_checked_again() {
        let d = date(2026, 11, 23);
        assert!(WeeklyPattern::new(0, 0, 60, d, d).is_none());
        assert!(WeeklyPattern::new(128, 0, 60, d, d).is_none());
        assert!(WeeklyPattern::new(1, 600, 600, d, d).is_none());
        assert!(WeeklyPattern::new(1, 600, 2041, d, d).is_none());
        assert!(WeeklyPattern::new(1, 1440, 1500, d, d).is_none());
        assert!(WeeklyPattern::new(1, 600, 2040, d, d).is_some());
    }

    proptest! {
        #[test]
        fn every_occurrence_falls_on_a_chosen_weekday_within_the_range(
            weekdays in 1u8..=127,
            start in 0u16..1440,
            length in 1u16..=1440,
            first in 0i64..3_000,
            span in 0i64..366,
        ) {
            let from = date(2025, 1, 1) + chrono::Days::new(first as u64);
            let until = from + chrono::Days::new(span as u64);
            let p = WeeklyPattern::new(weekdays, start, start + length, from, until).expect("valid");
            let windows = p.occurrences();
            let days = (0..=span).map(|i| from + chrono::Days::new(i as u64));
            prop_assert_eq!(windows.len(), days.filter(|d| p.runs_on(d.weekday())).count());
            for w in windows {
                let day = local_date(w.starts_at);
                prop_assert!(from <= day && day <= until);
                prop_assert!(p.runs_on(day.weekday()));
                prop_assert_eq!(w.starts_at, local_ms(day, i64::from(start)));
                prop_assert_eq!(w.ends_at - w.starts_at, i64::from(length) * MINUTE_MS);
            }
        }
    }
}
