//! Service hours (服务时长): what a check-in and check-out earn, when a record confirms itself,
//! and the ledger arithmetic. The crediting rules live in [`crate::service_hours`]; this
//! module re-exports them beside the rest.
//!
//! The hours ledger is append-only: a credit is a row of minutes, a correction is another row
//! with the signed difference ([`correction`]), and a total is the sum of the rows
//! ([`total_minutes`]). Nothing is edited, so who changed what stays visible.

use super::DAY_MS;

pub use crate::service_hours::{
    automatic_check_out_at, correction, credited_minutes, plausible_made_at, ServiceState,
    CLOCK_AHEAD_TOLERANCE_MS, OUTBOX_MAX_AGE_MS,
};

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
    use crate::duty::shift::ShiftWindow;
    use crate::duty::{HOUR_MS, MINUTE_MS};
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
