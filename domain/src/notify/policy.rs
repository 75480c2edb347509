//! When and through what a notice goes out: which kinds are worth an SMS, quiet hours, the
//! daily cap per number, retries with backoff, and when a shift's reminders fall due. Plain
//! arithmetic on instants (China time, see [`crate::duty`]), so each rule is tested here.

use super::kind::{Channel, NoticeKind};
use crate::duty::{local_date, CHINA_OFFSET, DAY_MS, MINUTE_MS};
use chrono::{NaiveTime, Timelike};

/// The installation's notification settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyRules {
    /// The kinds an admin marked worth a text message; every other kind goes in the app and by
    /// push only. SMS costs money and people stop reading a number that texts too often.
    pub sms_kinds: Vec<NoticeKind>,
    /// At most this many texts per person per China day; more are recorded as skipped.
    pub sms_daily_cap: u32,
    /// No text between these local clock times, except urgent notices (22:00–07:00).
    pub quiet_from: NaiveTime,
    pub quiet_until: NaiveTime,
    /// The evening reminder's local clock time on the day before a shift (20:00).
    pub evening_reminder: Option<NaiveTime>,
    /// The second reminder, this many minutes before the start (60).
    pub reminder_lead_minutes: Option<u32>,
}

impl Default for NotifyRules {
    fn default() -> Self {
        Self {
            sms_kinds: vec![NoticeKind::ShiftCancelled],
            sms_daily_cap: 5,
            quiet_from: hm(22, 0),
            quiet_until: hm(7, 0),
            evening_reminder: Some(hm(20, 0)),
            reminder_lead_minutes: Some(60),
        }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

/// Attempts at one delivery before it is given up, with the reason recorded.
pub const MAX_ATTEMPTS: u32 = 6;

/// A shift cancelled this close to its start is worth a text even to people who only asked
/// for texts about urgent things: they may already be on their way.
pub const SHORT_NOTICE_MS: i64 = DAY_MS;

impl NotifyRules {
    /// Whether a notice of `kind` goes out by SMS at all (before the person's own settings).
    /// A cancelled shift is texted only when it was due within a day: further out, the in-app
    /// notice and push reach people in time.
    pub fn wants_sms(&self, kind: NoticeKind, urgent: bool, lead_ms: Option<i64>) -> bool {
        if !self.sms_kinds.contains(&kind) {
            return false;
        }
        match (kind, lead_ms) {
            (NoticeKind::ShiftCancelled, Some(lead)) => urgent || lead <= SHORT_NOTICE_MS,
            _ => true,
        }
    }

    /// The earliest instant at or after `now` a text may be sent: `now` outside quiet hours or
    /// for an urgent notice, otherwise the end of the quiet hours.
    pub fn sms_not_before(&self, now: i64, urgent: bool) -> i64 {
        if urgent || !self.is_quiet(now) {
            return now;
        }
        let local = clock(now);
        let day = local_date(now);
        let end_day = if local >= self.quiet_from && self.quiet_from > self.quiet_until {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        local_instant(end_day, self.quiet_until).max(now)
    }

    fn is_quiet(&self, now: i64) -> bool {
        let t = clock(now);
        if self.quiet_from <= self.quiet_until {
            t >= self.quiet_from && t < self.quiet_until
        } else {
            t >= self.quiet_from || t < self.quiet_until
        }
    }

    /// When a shift starting at `starts_at` should be reminded of: the evening before and
    /// shortly before. A reminder whose time falls before the shift was planned is dropped by
    /// the reminder job, not here: this only says when.
    pub fn reminders(&self, starts_at: i64) -> Vec<(Lead, i64)> {
        let mut out = Vec::new();
        if let Some(at) = self.evening_reminder {
            let day_before = local_date(starts_at).pred_opt();
            if let Some(day) = day_before {
                out.push((Lead::Evening, local_instant(day, at)));
            }
        }
        if let Some(minutes) = self.reminder_lead_minutes {
            out.push((Lead::Soon, starts_at - i64::from(minutes) * MINUTE_MS));
        }
        out
    }
}

/// Which reminder of a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lead {
    /// The evening before.
    Evening,
    /// An hour (configurable) before.
    Soon,
}

impl Lead {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Evening => "evening",
            Self::Soon => "soon",
        }
    }
}

/// After the `attempts`-th failed try, when to try again: 30 s, 2 min, 10 min, 30 min, 2 h —
/// or `None` to give up. A provider's own wait (`Retry-After`, a documented limit) is kept when
/// it is longer.
pub fn retry_delay_ms(attempts: u32, provider_wait_ms: Option<i64>) -> Option<i64> {
    const STEPS: [i64; 5] = [30_000, 120_000, 600_000, 1_800_000, 7_200_000];
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let step = STEPS[(attempts.saturating_sub(1) as usize).min(STEPS.len() - 1)];
    Some(step.max(provider_wait_ms.unwrap_or(0)))
}

/// Whether a person may turn `kind` off on `channel`: the in-app centre keeps everything, and
/// urgent notices (a leader's urgent incident) reach them on every channel they have.
pub fn may_mute(channel: Channel, urgent: bool) -> bool {
    channel != Channel::InApp && !urgent
}

fn clock(at: i64) -> NaiveTime {
    chrono::DateTime::from_timestamp_millis(at)
        .map(|t| t.with_timezone(&CHINA_OFFSET).time())
        .map(|t| t.with_nanosecond(0).unwrap_or(t))
        .unwrap_or(NaiveTime::MIN)
}

fn local_instant(day: chrono::NaiveDate, at: NaiveTime) -> i64 {
    day.and_time(at)
        .and_local_timezone(CHINA_OFFSET)
        .single()
        .map(|t| t.timestamp_millis())
        .unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::HOUR_MS;

    /// 2026-10-01 00:00 in China, as epoch milliseconds.
    fn oct1() -> i64 {
        local_instant(
            chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
            NaiveTime::MIN,
        )
    }

    #[test]
    fn quiet_hours_hold_a_text_until_seven_unless_urgent() {
        let r = NotifyRules::default();
        let at_23 = oct1() + 23 * HOUR_MS;
        assert_eq!(
            r.sms_not_before(at_23, false),
            oct1() + DAY_MS + 7 * HOUR_MS
        );
        assert_eq!(r.sms_not_before(at_23, true), at_23);
        let at_3 = oct1() + 3 * HOUR_MS;
        assert_eq!(r.sms_not_before(at_3, false), oct1() + 7 * HOUR_MS);
        let at_noon = oct1() + 12 * HOUR_MS;
        assert_eq!(r.sms_not_before(at_noon, false), at_noon);
        // The edges: 22:00 is quiet, 07:00 is not.
        assert_eq!(
            r.sms_not_before(oct1() + 22 * HOUR_MS, false),
            oct1() + DAY_MS + 7 * HOUR_MS
        );
        assert_eq!(
            r.sms_not_before(oct1() + 7 * HOUR_MS, false),
            oct1() + 7 * HOUR_MS
        );
    }

    #[test]
    fn reminders_fall_the_evening_before_and_an_hour_before() {
        let r = NotifyRules::default();
        let start = oct1() + DAY_MS + 8 * HOUR_MS; // 10-02 08:00
        assert_eq!(
            r.reminders(start),
            vec![
                (Lead::Evening, oct1() + 20 * HOUR_MS),
                (Lead::Soon, start - HOUR_MS)
            ]
        );
        let none = NotifyRules {
            evening_reminder: None,
            reminder_lead_minutes: None,
            ..NotifyRules::default()
        };
        assert!(none.reminders(start).is_empty());
    }

    #[test]
    fn retries_back_off_keep_a_longer_provider_wait_and_give_up() {
        assert_eq!(retry_delay_ms(1, None), Some(30_000));
        assert_eq!(retry_delay_ms(2, None), Some(120_000));
        assert_eq!(retry_delay_ms(1, Some(60_000)), Some(60_000));
        assert_eq!(retry_delay_ms(5, None), Some(7_200_000));
        assert_eq!(retry_delay_ms(MAX_ATTEMPTS, None), None);
    }

    #[test]
    fn a_cancellation_is_texted_only_at_short_notice() {
        let r = NotifyRules::default();
        assert!(r.wants_sms(NoticeKind::ShiftCancelled, false, Some(3 * HOUR_MS)));
        assert!(!r.wants_sms(NoticeKind::ShiftCancelled, false, Some(3 * DAY_MS)));
        assert!(!r.wants_sms(NoticeKind::HoursConfirmed, false, None));
    }

    #[test]
    fn in_app_and_urgent_notices_cannot_be_muted() {
        assert!(!may_mute(Channel::InApp, false));
        assert!(!may_mute(Channel::Sms, true));
        assert!(may_mute(Channel::Push, false));
    }
}
