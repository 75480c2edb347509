//! Shifts (班次): a site, a time window and the people it needs, as a leader types them into a
//! form — a date and two clock times in China time. An end before the start means the shift
//! runs past midnight (夜班 22:00–06:00), because that is how rosters are written; an end equal
//! to the start is refused (it was silently a 24-hour shift).

use super::form::{keep, parse_clock, parse_count, parse_date};
use super::{local_date, local_ms, MINUTE_MS, WEEK_MS};
use crate::error::{FieldError, MessageKey};
use crate::site::SiteId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A shift's planned time: `starts_at < ends_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftWindow {
    pub starts_at: i64,
    pub ends_at: i64,
}

impl ShiftWindow {
    /// `None` unless the window ends after it starts and lasts at most a day.
    pub fn new(starts_at: i64, ends_at: i64) -> Option<Self> {
        (ends_at > starts_at && ends_at - starts_at <= 24 * 60 * MINUTE_MS)
            .then_some(Self { starts_at, ends_at })
    }

    pub fn minutes(self) -> u32 {
        ((self.ends_at - self.starts_at) / MINUTE_MS) as u32
    }

    /// The same window `weeks` later: "copy last week's roster". China keeps no daylight
    /// saving, so seven days later is the same clock time. `None` off the calendar's end.
    pub fn weeks_later(self, weeks: u32) -> Option<Self> {
        let by = i64::from(weeks) * WEEK_MS;
        Self::new(
            self.starts_at.checked_add(by)?,
            self.ends_at.checked_add(by)?,
        )
    }
}

/// The most people one shift may ask for: a big event's post, not a typo of extra zeros.
pub const MAX_HEADCOUNT: u32 = 500;
/// Notes are a line or two for the people on the shift (where to meet, what to bring).
pub const MAX_NOTES_CHARS: usize = 500;

/// What a new shift is checked against besides its own fields: the clock, and the longest
/// shift the association allows (`DutyRules::max_shift_minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftLimits {
    pub now: i64,
    pub max_minutes: u32,
}

/// A shift may be entered this long after it began (the leader typing in the patrol that just
/// set out); earlier starts are refused as past.
pub const LATE_ENTRY_MINUTES: i64 = 15;

impl ShiftLimits {
    /// The problems of a window for a new shift: already begun, or longer than allowed. Both
    /// are reported against the field the leader types them in.
    pub fn problems(self, window: ShiftWindow) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if window.starts_at < self.now - LATE_ENTRY_MINUTES * MINUTE_MS {
            errors.push(FieldError::new("start", MessageKey::ShiftInPast));
        }
        if window.minutes() > self.max_minutes {
            errors.push(FieldError::new("end", MessageKey::ShiftTooLong));
        }
        errors
    }
}

/// A shift ready to store: every field parsed and consistent. There is no `Deserialize`, so a
/// draft can only come from [`ShiftDraft::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftDraft {
    site_id: SiteId,
    window: ShiftWindow,
    headcount: u32,
    leaders: u32,
    notes: String,
}

impl ShiftDraft {
    /// Parses the shift form. Every field is checked and every problem returned, so the leader
    /// fixes the form in one round. An empty `leaders` means none are needed.
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per field of the form"
    )]
    pub fn parse(
        site_id: &str,
        date: &str,
        start: &str,
        end: &str,
        headcount: &str,
        leaders: &str,
        notes: &str,
        limits: ShiftLimits,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let site_id = keep(&mut errors, parse_site(site_id));
        let date = keep(&mut errors, parse_date("date", date));
        let start = keep(&mut errors, parse_clock("start", start));
        let end = keep(&mut errors, parse_clock("end", end));
        let headcount = keep(
            &mut errors,
            match parse_count("headcount", headcount) {
                Ok(None) => Err(FieldError::new("headcount", MessageKey::Required)),
                Ok(Some(n)) if (1..=i64::from(MAX_HEADCOUNT)).contains(&n) => Ok(n as u32),
                Ok(Some(_)) => Err(FieldError::new(
                    "headcount",
                    MessageKey::HeadcountOutOfRange,
                )),
                Err(e) => Err(e),
            },
        );
        let most_leaders = headcount.unwrap_or(MAX_HEADCOUNT);
        let leaders = keep(
            &mut errors,
            match parse_count("leaders", leaders) {
                Ok(None) => Ok(0),
                Ok(Some(n)) if (0..=i64::from(most_leaders)).contains(&n) => Ok(n as u32),
                Ok(Some(_)) => Err(FieldError::new("leaders", MessageKey::LeadersOutOfRange)),
                Err(e) => Err(e),
            },
        );
        let notes = notes.trim();
        if notes.chars().count() > MAX_NOTES_CHARS {
            errors.push(FieldError::new("notes", MessageKey::TooLong));
        }
        // The window's own problems join the others, so one round shows them all.
        let mut window = None;
        if let (Some(date), Some(start), Some(end)) = (date, start, end) {
            if start == end {
                errors.push(FieldError::new("end", MessageKey::ShiftZeroLength));
            } else {
                match window_on(date, start, end) {
                    Some(w) => {
                        errors.extend(limits.problems(w));
                        window = Some(w);
                    }
                    None => errors.push(FieldError::new("end", MessageKey::TimeInvalid)),
                }
            }
        }
        // Field order, as the form shows them (the window's problems came last).
        in_form_order(&mut errors);
        match (site_id, window, headcount, leaders) {
            (Some(site_id), Some(window), Some(headcount), Some(leaders)) if errors.is_empty() => {
                Ok(Self {
                    site_id,
                    window,
                    headcount,
                    leaders,
                    notes: notes.to_owned(),
                })
            }
            _ => Err(errors),
        }
    }

    pub fn site_id(&self) -> SiteId {
        self.site_id
    }

    pub fn window(&self) -> ShiftWindow {
        self.window
    }

    /// The local date the shift starts on (a night shift belongs to the evening it starts).
    pub fn date(&self) -> NaiveDate {
        local_date(self.window.starts_at)
    }

    pub fn headcount(&self) -> u32 {
        self.headcount
    }

    pub fn leaders(&self) -> u32 {
        self.leaders
    }

    pub fn notes(&self) -> &str {
        &self.notes
    }
}

/// The new-shift form's fields, top to bottom (a weekly pattern's last): its problems are
/// listed, and the first one's field focused, in this order.
pub const FORM_ORDER: [&str; 9] = [
    "site",
    "date",
    "start",
    "end",
    "headcount",
    "leaders",
    "notes",
    "weekdays",
    "until",
];

/// Sorts a form's problems into [`FORM_ORDER`] (a field it does not list goes last).
pub fn in_form_order(errors: &mut [FieldError]) {
    errors.sort_by_key(|e| {
        FORM_ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(FORM_ORDER.len())
    });
}

/// The window from `start` to `end` minutes after local midnight of `date`; an end at or before
/// the start is on the next day, so the window is always 1 minute to 24 hours long.
pub fn window_on(date: NaiveDate, start_min: u16, end_min: u16) -> Option<ShiftWindow> {
    let end = if end_min <= start_min {
        end_min + 1440
    } else {
        end_min
    };
    ShiftWindow::new(
        local_ms(date, i64::from(start_min)),
        local_ms(date, i64::from(end)),
    )
}

/// Whether a volunteer may still withdraw from a shift at `now`: until `cutoff_minutes` before
/// it starts, so the leader has time to find someone else.
pub fn may_cancel(now: i64, window: ShiftWindow, cutoff_minutes: u32) -> bool {
    now <= window
        .starts_at
        .saturating_sub(i64::from(cutoff_minutes) * MINUTE_MS)
}

fn parse_site(input: &str) -> Result<SiteId, FieldError> {
    match input.trim() {
        "" => Err(FieldError::new("site", MessageKey::Required)),
        s => s
            .parse()
            .ok()
            .filter(|&id| id > 0)
            .map(SiteId)
            .ok_or_else(|| FieldError::new("site", MessageKey::SiteUnknown)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::HOUR_MS;

    /// 2026-11-25 00:00 in China.
    const MIDNIGHT: i64 = 1_795_536_000_000;

    /// Limits as of 2026-11-24 00:00 in China, the day before the drafts' dates: a 12-hour cap.
    const LIMITS: ShiftLimits = ShiftLimits {
        now: MIDNIGHT - 24 * HOUR_MS,
        max_minutes: 720,
    };

    fn draft(date: &str, start: &str, end: &str) -> Result<ShiftDraft, Vec<FieldError>> {
        ShiftDraft::parse("7", date, start, end, "4", "1", "", LIMITS)
    }

    fn problems(r: Result<ShiftDraft, Vec<FieldError>>) -> Vec<(String, MessageKey)> {
        r.expect_err("invalid")
            .into_iter()
            .map(|e| (e.field.into_owned(), e.key))
            .collect()
    }

    #[test]
    fn a_morning_shift_is_read_in_china_time() {
        let d = draft("2026-11-25", "08:00", "12:00").expect("valid");
        assert_eq!(d.window().starts_at, MIDNIGHT + 8 * HOUR_MS);
        assert_eq!(d.window().ends_at, MIDNIGHT + 12 * HOUR_MS);
        assert_eq!((d.site_id(), d.headcount(), d.leaders()), (SiteId(7), 4, 1));
    }

    #[test]
    fn a_night_shift_ends_the_next_morning_and_belongs_to_its_evening() {
        let d = draft("2026-11-25", "22:00", "06:00").expect("valid");
        assert_eq!(d.window().starts_at, MIDNIGHT + 22 * HOUR_MS);
        assert_eq!(d.window().minutes(), 8 * 60);
        assert_eq!(
            d.date(),
            NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
        );
        let to_midnight = draft("2026-11-25", "20:00", "00:00").expect("valid");
        assert_eq!(to_midnight.window().ends_at, MIDNIGHT + 24 * HOUR_MS);
    }

    #[test]
    fn zero_length_over_long_and_past_shifts_are_refused_together_with_the_rest() {
        assert_eq!(
            problems(draft("2026-11-25", "09:00", "09:00")),
            vec![("end".into(), MessageKey::ShiftZeroLength)]
        );
        // 09:00–08:30 is 23.5 hours, not a typo to store silently.
        assert_eq!(
            problems(draft("2026-11-25", "09:00", "08:30")),
            vec![("end".into(), MessageKey::ShiftTooLong)]
        );
        // Exactly the cap is allowed, a night shift across midnight too.
        assert!(draft("2026-11-25", "20:00", "08:00").is_ok());
        assert_eq!(
            problems(draft("2020-01-01", "09:00", "08:30")),
            vec![
                ("start".into(), MessageKey::ShiftInPast),
                ("end".into(), MessageKey::ShiftTooLong)
            ]
        );
        // The leader typing in a patrol that left ten minutes ago is not refused; an hour ago is.
        let at = |now: i64| ShiftLimits {
            now,
            max_minutes: 720,
        };
        let nine = MIDNIGHT + 9 * HOUR_MS;
        let parse =
            |limits| ShiftDraft::parse("7", "2026-11-25", "09:00", "12:00", "4", "", "", limits);
        assert!(parse(at(nine + 10 * MINUTE_MS)).is_ok());
        assert_eq!(
            problems(parse(at(nine + HOUR_MS))),
            vec![("start".into(), MessageKey::ShiftInPast)]
        );
        // A window problem is listed with the other fields' problems, in the form's order.
        assert_eq!(
            problems(ShiftDraft::parse(
                "",
                "2026-11-25",
                "09:00",
                "09:00",
                "0",
                "",
                "",
                LIMITS
            )),
            vec![
                ("site".into(), MessageKey::Required),
                ("end".into(), MessageKey::ShiftZeroLength),
                ("headcount".into(), MessageKey::HeadcountOutOfRange),
            ]
        );
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let got = problems(ShiftDraft::parse(
            "",
            "2026-02-30",
            "",
            "25:00",
            "0",
            "x",
            &"注".repeat(501),
            LIMITS,
        ));
        assert_eq!(
            got,
            vec![
                ("site".into(), MessageKey::Required),
                ("date".into(), MessageKey::DateMalformed),
                ("start".into(), MessageKey::Required),
                ("end".into(), MessageKey::TimeInvalid),
                ("headcount".into(), MessageKey::HeadcountOutOfRange),
                ("leaders".into(), MessageKey::NotANumber),
                ("notes".into(), MessageKey::TooLong),
            ]
        );
        let got = problems(ShiftDraft::parse(
            "abc", "", "8:00", "9:00", "", "", "", LIMITS,
        ));
        assert_eq!(
            got,
            vec![
                ("site".into(), MessageKey::SiteUnknown),
                ("date".into(), MessageKey::Required),
                ("headcount".into(), MessageKey::Required),
            ]
        );
    }

    #[test]
    fn headcount_and_leaders_are_bounded() {
        let parse = |h: &str, l: &str| {
            ShiftDraft::parse("1", "2026-11-25", "8:00", "9:00", h, l, "", LIMITS)
        };
        assert_eq!(parse("500", "500").map(|d| d.leaders()), Ok(500));
        assert_eq!(parse("3", "").map(|d| d.leaders()), Ok(0));
        assert_eq!(
            problems(parse("501", "")),
            vec![("headcount".into(), MessageKey::HeadcountOutOfRange)]
        );
        assert_eq!(
            problems(parse("3", "4")),
            vec![("leaders".into(), MessageKey::LeadersOutOfRange)]
        );
        assert_eq!(
            problems(parse("3", "-1")),
            vec![("leaders".into(), MessageKey::LeadersOutOfRange)]
        );
    }

    #[test]
    fn notes_are_trimmed_and_counted_in_characters() {
        let notes = format!("  {}  ", "带好马甲".repeat(125));
        let d = ShiftDraft::parse("1", "2026-11-25", "8:00", "9:00", "2", "", &notes, LIMITS)
            .expect("500");
        assert_eq!(d.notes().chars().count(), 500);
    }

    #[test]
    fn copying_a_week_keeps_the_local_clock_time() {
        let w = window_on(
            NaiveDate::from_ymd_opt(2026, 3, 26).expect("date"),
            1320,
            360,
        )
        .expect("night shift");
        let copied = w.weeks_later(2).expect("copied");
        assert_eq!(copied.starts_at - w.starts_at, 14 * 24 * HOUR_MS);
        assert_eq!(copied.minutes(), w.minutes());
        assert_eq!(
            ShiftWindow::new(i64::MAX - HOUR_MS, i64::MAX)
                .expect("w")
                .weeks_later(1),
            None
        );
    }

    #[test]
    fn cancelling_is_allowed_until_the_cutoff() {
        let w = ShiftWindow::new(10 * HOUR_MS, 12 * HOUR_MS).expect("window");
        assert!(may_cancel(8 * HOUR_MS, w, 120));
        assert!(!may_cancel(8 * HOUR_MS + 1, w, 120));
        assert!(may_cancel(10 * HOUR_MS, w, 0));
        assert!(!may_cancel(11 * HOUR_MS, w, 0));
    }

    #[test]
    fn windows_longer_than_a_day_or_backwards_are_refused() {
        assert!(ShiftWindow::new(0, 24 * 60 * MINUTE_MS).is_some());
        assert!(ShiftWindow::new(0, 24 * 60 * MINUTE_MS + 1).is_none());
        assert!(ShiftWindow::new(5, 5).is_none());
    }
}
