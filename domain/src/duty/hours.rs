//! Service hours (服务时长): what a check-in and check-out earn, when a record confirms itself,
//! and the ledger arithmetic. Hours count only inside the shift's window, widened by a grace
//! period at both ends: arriving ten minutes early to take over a post is service, staying on
//! for an hour after the shift because the app was left open is not.
//!
//! The hours ledger is append-only: a credit is a row of minutes, a correction is another row
//! with the signed difference ([`correction`]), and a total is the sum of the rows
//! ([`total_minutes`]). Nothing is edited, so who changed what stays visible.

use super::shift::ShiftWindow;
use super::{DAY_MS, MINUTE_MS};
use serde::{Deserialize, Serialize};

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

/// Whether a pending service record created at `created_at` confirms itself at `now`: after
/// `days` days without a leader confirming or disputing it. Volunteers should not lose hours
/// because a leader is busy; a leader who disagrees has those days to dispute.
pub fn auto_confirm_due(created_at: i64, now: i64, days: u32) -> bool {
    now.saturating_sub(created_at) >= i64::from(days) * DAY_MS
}

/// A volunteer's credited total: the sum of their ledger rows, credits and corrections alike.
pub fn total_minutes(entries: &[i64]) -> i64 {
    entries.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::HOUR_MS;

    const H: i64 = HOUR_MS;

    fn window() -> ShiftWindow {
        ShiftWindow::new(10 * H, 14 * H).expect("a four-hour window")
    }
    use proptest::prelude::*;

    /// 22:00–06:00 China time, 2026-11-25/26: a night shift across local midnight.
    fn night() -> ShiftWindow {
        let starts = 1_795_536_000_000 + 22 * HOUR_MS;
        ShiftWindow::new(starts, starts + 8 * HOUR_MS).expect("eight hours")
    }

    #[test]
    fn a_night_shift_is_credited_across_midnight() {
        let w = night();
        assert_eq!(credited_minutes(w.starts_at, w.ends_at, w, 10), 480);
        assert_eq!(
            credited_minutes(w.starts_at - HOUR_MS, w.ends_at + HOUR_MS, w, 10),
            500
        );
    }

    #[test]
    fn a_forgotten_check_out_closes_at_the_end_of_grace() {
        let w = night();
        let closed = automatic_check_out_at(w, 15);
        assert_eq!(closed, w.ends_at + 15 * MINUTE_MS);
        assert_eq!(credited_minutes(w.starts_at, closed, w, 15), 495);
    }

    #[test]
    fn records_confirm_themselves_after_the_waiting_days() {
        let created = 1_000 * DAY_MS;
        assert!(!auto_confirm_due(created, created + 7 * DAY_MS - 1, 7));
        assert!(auto_confirm_due(created, created + 7 * DAY_MS, 7));
        assert!(auto_confirm_due(created, created, 0));
        assert!(!auto_confirm_due(created, created - 1, 0));
        assert!(!auto_confirm_due(i64::MAX, i64::MIN, 0));
    }

    #[test]
    fn a_correction_down_is_a_negative_row() {
        assert_eq!(correction(240, 180), -60);
        assert_eq!(total_minutes(&[240, correction(240, 180), 120]), 300);
        assert_eq!(total_minutes(&[]), 0);
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
    fn phone_times_are_believed_within_bounds() {
        let now = 1_000 * H;
        assert_eq!(plausible_made_at(now - 3 * H, now), now - 3 * H);
        assert_eq!(plausible_made_at(now + MINUTE_MS, now), now + MINUTE_MS);
        assert_eq!(plausible_made_at(now + H, now), now);
        assert_eq!(plausible_made_at(now - 8 * 24 * H, now), now);
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
        (0i64..4_000_000_000_000, 1i64..=24 * 60).prop_map(|(start, minutes)| {
            ShiftWindow::new(start, start + minutes * MINUTE_MS).expect("1..=24 h")
        })
    }

    /// One step in a volunteer's ledger: a new record credited, or record `n` corrected.
    #[derive(Debug, Clone)]
    enum Step {
        Credit(u32),
        Correct(usize, u32),
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u32..1_500).prop_map(Step::Credit),
            (0usize..8, 0u32..1_500).prop_map(|(n, m)| Step::Correct(n, m)),
        ]
    }

    proptest! {
        #[test]
        fn credit_is_bounded_by_the_widened_window_and_the_time_present(
            w in any_window(),
            a in -3_000i64..3_000,
            b in -3_000i64..3_000,
            jitter in 0i64..MINUTE_MS,
            grace in 0u32..180,
        ) {
            let check_in = w.starts_at + a * MINUTE_MS + jitter;
            let check_out = w.starts_at + b * MINUTE_MS;
            let credited = credited_minutes(check_in, check_out, w, grace);
            prop_assert!(credited <= w.minutes() + 2 * grace);
            prop_assert!(i64::from(credited) * MINUTE_MS <= (check_out - check_in).max(0));
            if check_out <= check_in {
                prop_assert_eq!(credited, 0);
            }
        }

        #[test]
        fn staying_longer_or_arriving_earlier_never_earns_less(
            w in any_window(),
            a in -3_000i64..3_000,
            b in -3_000i64..3_000,
            more in 0i64..10 * HOUR_MS,
            grace in 0u32..180,
        ) {
            let (check_in, check_out) = (w.starts_at + a * MINUTE_MS, w.starts_at + b * MINUTE_MS);
            let credited = credited_minutes(check_in, check_out, w, grace);
            prop_assert!(credited_minutes(check_in, check_out + more, w, grace) >= credited);
            prop_assert!(credited_minutes(check_in - more, check_out, w, grace) >= credited);
        }

        #[test]
        fn the_ledger_sums_to_the_final_value_of_every_record(
            steps in proptest::collection::vec(any_step(), 0..40),
        ) {
            let mut records: Vec<u32> = Vec::new();
            let mut rows: Vec<i64> = Vec::new();
            for step in steps {
                match step {
                    Step::Credit(minutes) => {
                        records.push(minutes);
                        rows.push(i64::from(minutes));
                    }
                    Step::Correct(n, minutes) if !records.is_empty() => {
                        let i = n % records.len();
                        let record = &mut records[i];
                        rows.push(correction(*record, minutes));
                        *record = minutes;
                    }
                    Step::Correct(..) => {}
                }
            }
            let finals: i64 = records.iter().map(|&m| i64::from(m)).sum();
            prop_assert_eq!(total_minutes(&rows), finals);
            prop_assert!(total_minutes(&rows) >= 0);
        }

        #[test]
        fn a_recorded_time_is_never_far_from_the_receipt(made in any::<i64>(), received in -1i64 << 50..1i64 << 50) {
            let at = plausible_made_at(made, received);
            prop_assert!(at <= received + CLOCK_AHEAD_TOLERANCE_MS);
            prop_assert!(at >= received - OUTBOX_MAX_AGE_MS);
        }

        #[test]
        fn once_due_a_record_stays_due(created in -1i64 << 50..1i64 << 50, wait in 0i64..1i64 << 40, later in 0i64..1i64 << 40, days in 0u32..60) {
            let now = created + wait;
            if auto_confirm_due(created, now, days) {
                prop_assert!(auto_confirm_due(created, now + later, days));
            }
        }
    }
}
