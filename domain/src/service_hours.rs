//! Service hours (服务时长): what a check-in and check-out are worth, and star levels
//! (星级志愿者) read from the credited total.
//!
//! Times are epoch milliseconds (UTC). Hours count only inside the shift's window, widened by
//! a grace period at both ends: arriving ten minutes early to take over a post is service,
//! staying on for an hour after the shift because the app was left open is not.

use serde::{Deserialize, Serialize};

const MINUTE_MS: i64 = 60_000;

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
}

/// Minutes credited for being on duty from `check_in` to `check_out`: that interval clipped to
/// the window widened by `grace_minutes` at both ends, in whole minutes rounded down. Never
/// negative; at most the window plus twice the grace.
pub fn credited_minutes(
    check_in: i64,
    check_out: i64,
    window: ShiftWindow,
    grace_minutes: u32,
) -> u32 {
    let grace = i64::from(grace_minutes) * MINUTE_MS;
    let from = check_in.max(window.starts_at - grace);
    let to = check_out.min(window.ends_at + grace);
    if to <= from {
        return 0;
    }
    ((to - from) / MINUTE_MS) as u32
}

/// When a forgotten check-out is closed for the volunteer (and flagged for the leader).
pub fn automatic_check_out_at(window: ShiftWindow, grace_minutes: u32) -> i64 {
    window.ends_at + i64::from(grace_minutes) * MINUTE_MS
}

/// How far a phone's clock may run ahead of the server's before its time is not believed.
pub const CLOCK_AHEAD_TOLERANCE_MS: i64 = 5 * MINUTE_MS;
/// How long an offline outbox may plausibly hold an event before sending it.
pub const OUTBOX_MAX_AGE_MS: i64 = 7 * 24 * 60 * MINUTE_MS;

/// The time an event is recorded at: the phone's own time (an offline check-in keeps the moment
/// it was made), unless it lies in the future or further back than an outbox holds events,
/// when the phone's clock is wrong and the server's receipt time is used instead.
pub fn plausible_made_at(made_at: i64, received_at: i64) -> i64 {
    if made_at > received_at + CLOCK_AHEAD_TOLERANCE_MS || made_at < received_at - OUTBOX_MAX_AGE_MS
    {
        received_at
    } else {
        made_at
    }
}

/// Where a service record stands until it is credited to the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceState {
    Pending,
    Confirmed,
    Disputed,
}

impl ServiceState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Disputed => "disputed",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "confirmed" => Some(Self::Confirmed),
            "disputed" => Some(Self::Disputed),
            _ => None,
        }
    }
}

/// The ledger row that moves a credited total from `old` to `new` minutes. The ledger is
/// append-only, so a correction is this difference, never an edit of the first row.
pub fn correction(old_minutes: u32, new_minutes: u32) -> i64 {
    i64::from(new_minutes) - i64::from(old_minutes)
}

/// Star thresholds in hours, ascending (the national scheme's 100 / 300 / 600 / 1000 / 1500 by
/// default; an association may set its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StarLevels {
    thresholds_hours: [u32; 5],
}

impl Default for StarLevels {
    fn default() -> Self {
        Self {
            thresholds_hours: [100, 300, 600, 1000, 1500],
        }
    }
}

/// A volunteer's star level and the way to the next one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StarProgress {
    pub stars: u8,
    pub hours: f64,
    /// Hours needed for the next star; `None` at five stars.
    pub next_at_hours: Option<u32>,
    /// 0..=1 from the current level's threshold to the next.
    pub fraction: f64,
}

impl StarLevels {
    /// `None` unless the thresholds are positive and strictly ascending.
    pub fn new(thresholds_hours: [u32; 5]) -> Option<Self> {
        let ascending = thresholds_hours.windows(2).all(|w| w[0] < w[1]);
        (thresholds_hours[0] > 0 && ascending).then_some(Self { thresholds_hours })
    }

    pub fn progress(&self, credited_minutes: i64) -> StarProgress {
        let minutes = credited_minutes.max(0);
        let stars = self
            .thresholds_hours
            .iter()
            .take_while(|&&h| minutes >= i64::from(h) * 60)
            .count();
        let below = if stars == 0 {
            0
        } else {
            self.thresholds_hours[stars - 1]
        };
        let next = self.thresholds_hours.get(stars).copied();
        let fraction = match next {
            None => 1.0,
            Some(next) => {
                let span = f64::from(next - below) * 60.0;
                ((minutes as f64 - f64::from(below) * 60.0) / span).clamp(0.0, 1.0)
            }
        };
        StarProgress {
            stars: stars as u8,
            hours: minutes as f64 / 60.0,
            next_at_hours: next,
            fraction,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const H: i64 = 60 * MINUTE_MS;

    fn window() -> ShiftWindow {
        ShiftWindow::new(10 * H, 14 * H).expect("a four-hour window")
    }

    #[test]
    fn on_time_shift_is_credited_in_full() {
        assert_eq!(credited_minutes(10 * H, 14 * H, window(), 15), 240);
    }

    #[test]
    fn early_arrival_counts_only_within_grace() {
        assert_eq!(credited_minutes(9 * H, 14 * H, window(), 15), 255);
        assert_eq!(credited_minutes(10 * H, 20 * H, window(), 15), 255);
    }

    #[test]
    fn check_out_before_check_in_or_outside_the_window_is_zero() {
        assert_eq!(credited_minutes(12 * H, 11 * H, window(), 15), 0);
        assert_eq!(credited_minutes(20 * H, 21 * H, window(), 15), 0);
        assert_eq!(credited_minutes(H, 2 * H, window(), 15), 0);
    }

    #[test]
    fn partial_minutes_round_down() {
        assert_eq!(credited_minutes(10 * H, 10 * H + 59_999, window(), 0), 0);
        assert_eq!(credited_minutes(10 * H, 10 * H + 60_000, window(), 0), 1);
    }

    #[test]
    fn windows_longer_than_a_day_or_backwards_are_refused() {
        assert!(ShiftWindow::new(0, 24 * H).is_some());
        assert!(ShiftWindow::new(0, 24 * H + 1).is_none());
        assert!(ShiftWindow::new(5, 5).is_none());
    }

    #[test]
    fn phone_times_are_believed_within_bounds() {
        let now = 1_000 * H;
        assert_eq!(plausible_made_at(now - 3 * H, now), now - 3 * H);
        assert_eq!(plausible_made_at(now + MINUTE_MS, now), now + MINUTE_MS);
        assert_eq!(plausible_made_at(now + H, now), now);
        assert_eq!(plausible_made_at(now - 8 * 24 * H, now), now);
    }

    #[test]
    fn stars_follow_the_national_thresholds() {
        let levels = StarLevels::default();
        assert_eq!(levels.progress(0).stars, 0);
        assert_eq!(levels.progress(99 * 60 + 59).stars, 0);
        assert_eq!(levels.progress(100 * 60).stars, 1);
        let p = levels.progress(200 * 60);
        assert_eq!((p.stars, p.next_at_hours), (1, Some(300)));
        assert!((p.fraction - 0.5).abs() < 1e-9);
        let top = levels.progress(2_000 * 60);
        assert_eq!((top.stars, top.next_at_hours, top.fraction), (5, None, 1.0));
    }

    #[test]
    fn star_thresholds_must_ascend() {
        assert!(StarLevels::new([10, 20, 30, 40, 50]).is_some());
        assert!(StarLevels::new([10, 10, 30, 40, 50]).is_none());
        assert!(StarLevels::new([0, 20, 30, 40, 50]).is_none());
    }

    #[test]
    fn service_states_round_trip_through_the_database_names() {
        for s in [
            ServiceState::Pending,
            ServiceState::Confirmed,
            ServiceState::Disputed,
        ] {
            assert_eq!(ServiceState::from_db(s.as_str()), Some(s));
        }
        assert_eq!(ServiceState::from_db("paid"), None);
    }

    fn any_window() -> impl Strategy<Value = ShiftWindow> {
        (0i64..1_000_000_000_000, 1i64..=24 * 60).prop_map(|(start, minutes)| {
            ShiftWindow::new(start, start + minutes * MINUTE_MS).expect("1..=24 h")
        })
    }

    proptest! {
        #[test]
        fn credit_stays_within_the_widened_window(
            w in any_window(),
            a in -2_000i64..2_000,
            b in -2_000i64..2_000,
            grace in 0u32..120,
        ) {
            let check_in = w.starts_at + a * MINUTE_MS;
            let check_out = w.starts_at + b * MINUTE_MS;
            let credited = credited_minutes(check_in, check_out, w, grace);
            prop_assert!(credited <= w.minutes() + 2 * grace);
            prop_assert!(i64::from(credited) * MINUTE_MS <= (check_out - check_in).max(0));
            // Staying longer never earns less.
            prop_assert!(credited_minutes(check_in, check_out + MINUTE_MS, w, grace) >= credited);
        }

        #[test]
        fn ledger_sum_equals_the_last_correction(credits in proptest::collection::vec(0u32..2_000, 1..12)) {
            // A credit followed by corrections to each later value: the rows sum to the last.
            let mut rows = vec![i64::from(credits[0])];
            for pair in credits.windows(2) {
                rows.push(correction(pair[0], pair[1]));
            }
            prop_assert_eq!(rows.iter().sum::<i64>(), i64::from(credits[credits.len() - 1]));
        }

        #[test]
        fn stars_never_fall_as_hours_grow(a in 0i64..200_000, b in 0i64..200_000) {
            let levels = StarLevels::default();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(levels.progress(lo).stars <= levels.progress(hi).stars);
            let f = levels.progress(lo).fraction;
            prop_assert!((0.0..=1.0).contains(&f));
        }
    }
}
