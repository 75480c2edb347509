//! Duty (勤务): when shifts happen, whether a check-in is at the site, what a shift earns in
//! service hours and stars, how much duty one person may take on, and what a patrol track keeps.
//!
//! Times are stored as epoch milliseconds, UTC. Where a local date or clock time matters (a
//! shift "08:00–12:00 on 2026-11-25", hours per calendar day) it is China Standard Time: one
//! offset, UTC+8, all year and everywhere in the country, with no daylight saving since 1991.
//! So local time is plain arithmetic on the instant — no gaps, no repeated hours — and a server
//! in another time zone computes the same dates as a phone in 济南.
//!
//! One file per topic: [`shift`] (a shift from its form, copying a week, the cancel cut-off),
//! [`pattern`] (weekly recurring shifts), [`geofence`], [`hours`], [`stars`], [`fatigue`],
//! [`track`], [`week`] (copying a roster's week, who may join a shift), [`form`] for the field
//! parsing they share, and [`port`]: what duty needs from storage.

pub mod check_event;
pub mod fatigue;
pub mod form;
pub mod geofence;
pub mod hours;
pub mod ical;
pub mod pattern;
pub mod port;
pub mod rules;
pub mod shift;
pub mod stars;
pub mod track;
pub mod week;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};

pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// China Standard Time, UTC+8: the clock every duty date and time is read in.
pub const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The milliseconds local China time is ahead of UTC.
const CHINA_OFFSET_MS: i64 = 8 * HOUR_MS;

/// China Standard Time, for formatting with chrono (`DateTime::with_timezone`).
pub fn china_offset() -> FixedOffset {
    CHINA_OFFSET
}

/// The calendar date in China at the instant `at`. Instants beyond chrono's range (about
/// ±262,000 years, so only garbage) give its first or last date rather than failing.
pub fn local_date(at: i64) -> NaiveDate {
    match DateTime::from_timestamp_millis(at) {
        Some(t) => t.with_timezone(&CHINA_OFFSET).date_naive(),
        None if at < 0 => NaiveDate::MIN,
        None => NaiveDate::MAX,
    }
}

/// The date and clock time in China at the instant `at` (`None` beyond chrono's range).
pub fn local_datetime(at: i64) -> Option<chrono::NaiveDateTime> {
    DateTime::from_timestamp_millis(at).map(|t| t.with_timezone(&CHINA_OFFSET).naive_local())
}

/// The instant `minutes` after local midnight starting `date`; minutes past 1440 run into the
/// next day, as an overnight shift's end does.
pub fn local_ms(date: NaiveDate, minutes: i64) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp_millis() - CHINA_OFFSET_MS
        + minutes * MINUTE_MS
}

/// The first local midnight after `at`: where a stretch of duty is cut into calendar days.
pub fn next_local_midnight(at: i64) -> i64 {
    ((at + CHINA_OFFSET_MS).div_euclid(DAY_MS) + 1) * DAY_MS - CHINA_OFFSET_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// 2026-11-25 00:00 in China is 2026-11-24 16:00 UTC.
    const MIDNIGHT_25TH: i64 = 1_795_536_000_000;

    #[test]
    fn local_midnight_is_sixteen_hundred_utc_the_day_before() {
        assert_eq!(local_ms(date(2026, 11, 25), 0), MIDNIGHT_25TH);
        assert_eq!(local_date(MIDNIGHT_25TH), date(2026, 11, 25));
        assert_eq!(local_date(MIDNIGHT_25TH - 1), date(2026, 11, 24));
        assert_eq!(next_local_midnight(MIDNIGHT_25TH - 1), MIDNIGHT_25TH);
        assert_eq!(next_local_midnight(MIDNIGHT_25TH), MIDNIGHT_25TH + DAY_MS);
    }

    #[test]
    fn minutes_past_a_day_run_into_the_next_date() {
        assert_eq!(
            local_ms(date(2026, 11, 25), 1440 + 6 * 60),
            local_ms(date(2026, 11, 26), 6 * 60)
        );
    }

    #[test]
    fn every_local_day_lasts_exactly_24_hours_with_no_daylight_saving() {
        // Spring and autumn included: the days Europe and America shift their clocks.
        let mut d = date(2026, 1, 1);
        while d < date(2027, 1, 1) {
            let next = d.succ_opt().expect("next day");
            assert_eq!(local_ms(next, 0) - local_ms(d, 0), DAY_MS, "{d}");
            d = next;
        }
    }

    #[test]
    fn instants_before_1970_and_far_off_still_have_a_date() {
        assert_eq!(local_date(-1), date(1970, 1, 1));
        assert_eq!(local_date(-8 * HOUR_MS - 1), date(1969, 12, 31));
        assert_eq!(local_date(i64::MAX), NaiveDate::MAX);
        assert_eq!(local_date(i64::MIN), NaiveDate::MIN);
    }

    #[test]
    fn the_offset_is_eight_hours_east() {
        assert_eq!(china_offset().local_minus_utc(), 8 * 3600);
    }
}
