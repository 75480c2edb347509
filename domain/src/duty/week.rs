//! The roster's week and who may join a shift: "copy this week to next week" (which shifts, to
//! when) and the rules a sign-up meets before storage is asked.

use super::port::Shift;
use super::shift::ShiftWindow;
use super::{local_date, local_ms, WEEK_MS};
use crate::MessageKey;
use chrono::Datelike;

/// Monday 00:00, China time, of the week holding `now`: rosters are planned Monday to Sunday.
pub fn week_start(now: i64) -> i64 {
    let today = local_date(now);
    let back = u64::from(today.weekday().num_days_from_monday());
    local_ms(today - chrono::Days::new(back), 0)
}

/// Next week's windows for this week's live shifts, given the shifts of both weeks from
/// `monday`: a cancelled shift is not copied, and one whose copy next week already has (same
/// site, same time) is skipped, so pressing "copy" twice makes nothing twice.
pub fn next_week_copies(shifts: &[Shift], monday: i64) -> Vec<(&Shift, ShiftWindow)> {
    let next_monday = monday + WEEK_MS;
    let taken: std::collections::HashSet<_> = shifts
        .iter()
        .filter(|s| s.window.starts_at >= next_monday)
        .map(|s| (s.site_id, s.window.starts_at))
        .collect();
    shifts
        .iter()
        .filter(|s| s.cancelled.is_none())
        .filter(|s| (monday..next_monday).contains(&s.window.starts_at))
        .filter(|s| !taken.contains(&(s.site_id, s.window.starts_at + WEEK_MS)))
        .filter_map(|s| Some((s, s.window.weeks_later(1)?)))
        .collect()
}

/// Why the shift takes no sign-up at `now`, if it does not: cancelled, or already over. One
/// under way still takes people (someone arrives to help).
pub fn sign_up_refusal(shift: &Shift, now: i64) -> Option<MessageKey> {
    if shift.cancelled.is_some() {
        Some(MessageKey::ShiftCancelled)
    } else if shift.window.ends_at <= now {
        Some(MessageKey::OutsideShiftTime)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::HOUR_MS;
    use crate::{AreaId, ShiftId, SiteId};

    /// Wednesday 2026-11-25 00:00 in China.
    const WEDNESDAY: i64 = 1_795_536_000_000;
    const MONDAY: i64 = WEDNESDAY - 2 * 24 * HOUR_MS;

    fn shift(id: i64, site: i64, starts_at: i64) -> Shift {
        Shift {
            id: ShiftId(id),
            site_id: SiteId(site),
            site_name: format!("巡逻点{site}"),
            area_id: AreaId(1),
            window: ShiftWindow::new(starts_at, starts_at + 4 * HOUR_MS).expect("window"),
            headcount: 3,
            leaders_needed: 0,
            notes: String::new(),
            cancelled: None,
            signed_up: 0,
            leaders_signed_up: 0,
            waitlisted: 0,
        }
    }

    #[test]
    fn the_week_starts_on_monday_at_midnight_china_time() {
        assert_eq!(week_start(WEDNESDAY + 15 * HOUR_MS), MONDAY);
        assert_eq!(week_start(MONDAY), MONDAY);
        // Sunday 23:59 still belongs to the week before the next Monday.
        assert_eq!(week_start(MONDAY + WEEK_MS - 60_000), MONDAY);
        assert_eq!(week_start(MONDAY + WEEK_MS), MONDAY + WEEK_MS);
    }

    #[test]
    fn this_weeks_live_shifts_are_copied_a_week_later_once() {
        let morning = MONDAY + 8 * HOUR_MS;
        let mut cancelled = shift(2, 1, MONDAY + 32 * HOUR_MS);
        cancelled.cancelled = Some((MONDAY, "暴雨".into()));
        let shifts = vec![
            shift(1, 1, morning),
            cancelled,
            // Already copied: site 2 on Wednesday, and the same slot next week exists.
            shift(3, 2, WEDNESDAY + 8 * HOUR_MS),
            shift(4, 2, WEDNESDAY + 8 * HOUR_MS + WEEK_MS),
            // Last week's and next week's own shifts are not this week's.
            shift(5, 1, MONDAY - HOUR_MS),
            shift(6, 3, MONDAY + WEEK_MS + 9 * HOUR_MS),
        ];
        let copies = next_week_copies(&shifts, MONDAY);
        let got: Vec<_> = copies.iter().map(|(s, w)| (s.id.0, w.starts_at)).collect();
        assert_eq!(got, vec![(1, morning + WEEK_MS)]);
        assert_eq!(copies[0].1.minutes(), 240);
    }

    #[test]
    fn a_cancelled_or_ended_shift_takes_no_sign_up_but_one_under_way_does() {
        let s = shift(1, 1, WEDNESDAY);
        assert_eq!(sign_up_refusal(&s, WEDNESDAY - HOUR_MS), None);
        assert_eq!(sign_up_refusal(&s, WEDNESDAY + HOUR_MS), None);
        assert_eq!(
            sign_up_refusal(&s, WEDNESDAY + 4 * HOUR_MS),
            Some(MessageKey::OutsideShiftTime)
        );
        let mut gone = s.clone();
        gone.cancelled = Some((WEDNESDAY - HOUR_MS, "暴雨".into()));
        assert_eq!(
            sign_up_refusal(&gone, WEDNESDAY - 2 * HOUR_MS),
            Some(MessageKey::ShiftCancelled)
        );
    }
}
