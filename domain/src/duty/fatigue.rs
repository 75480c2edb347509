//! Fatigue limits: how much duty one volunteer may sign up for. Volunteers are unpaid and often
//! retired; in a sensitive period (敏感时期) the keenest sign up for everything, and a tired
//! patroller at 3 a.m. helps no one. The limits are checked when a volunteer signs up or a
//! leader places them, and the refusal says which limit and by how much.

use super::shift::ShiftWindow;
use super::{local_date, next_local_midnight, MINUTE_MS};
use crate::error::MessageKey;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The limits an association sets; the defaults follow common practice for volunteer patrols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FatigueRules {
    /// Most minutes of duty on one local calendar day (default 12 hours).
    pub max_minutes_per_day: u32,
    /// Most shifts in a row without a real rest between them (default 3).
    pub max_consecutive: u32,
    /// A break shorter than this (default 60 minutes) does not end a run of shifts.
    pub rest_gap_minutes: u32,
}

impl Default for FatigueRules {
    fn default() -> Self {
        Self {
            max_minutes_per_day: 12 * 60,
            max_consecutive: 3,
            rest_gap_minutes: 60,
        }
    }
}

/// Why a shift cannot be added to a volunteer's duty. Sent to the UI as it is, so the page can
/// say "11 h 30 min on 2026-11-25, at most 12 h".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FatigueRefusal {
    /// The local day would hold `minutes` of duty, more than `max`.
    #[error("{minutes} minutes of duty on {day}, at most {max}")]
    TooManyHours {
        day: NaiveDate,
        minutes: u32,
        max: u32,
    },
    /// The shift would make a run of `count` shifts without rest, more than `max`.
    #[error("{count} shifts in a row, at most {max}")]
    TooManyInARow { count: u32, max: u32 },
    /// The volunteer already has a shift at that time: nobody can be in two places.
    #[error("overlaps another shift")]
    Overlaps,
}

impl FatigueRefusal {
    /// The message for a page that shows the refusal without its numbers.
    pub fn key(&self) -> MessageKey {
        match self {
            Self::TooManyHours { .. } => MessageKey::DayHoursExceeded,
            Self::TooManyInARow { .. } => MessageKey::TooManyShiftsInARow,
            Self::Overlaps => MessageKey::ShiftOverlaps,
        }
    }
}

impl FatigueRules {
    /// Whether the volunteer may take `candidate` on top of `existing` (their other shifts,
    /// from a few days before to a few days after; not `candidate` itself). Checks, in order:
    /// overlap, the hours on each local day the candidate touches (a night shift counts on
    /// both days, split at local midnight), and the run of shifts the candidate would join.
    pub fn check(
        &self,
        existing: &[ShiftWindow],
        candidate: ShiftWindow,
    ) -> Result<(), FatigueRefusal> {
        if existing
            .iter()
            .any(|w| w.starts_at < candidate.ends_at && candidate.starts_at < w.ends_at)
        {
            return Err(FatigueRefusal::Overlaps);
        }

        let candidate_days = per_day(std::iter::once(candidate));
        let totals = per_day(existing.iter().copied().chain([candidate]));
        let max_ms = i64::from(self.max_minutes_per_day) * MINUTE_MS;
        for day in candidate_days.keys() {
            let ms = totals.get(day).copied().unwrap_or(0);
            if ms > max_ms {
                return Err(FatigueRefusal::TooManyHours {
                    day: *day,
                    minutes: u32::try_from(ms / MINUTE_MS).unwrap_or(u32::MAX),
                    max: self.max_minutes_per_day,
                });
            }
        }

        let count = self.run_length(existing, candidate);
        if count > self.max_consecutive {
            return Err(FatigueRefusal::TooManyInARow {
                count,
                max: self.max_consecutive,
            });
        }
        Ok(())
    }

    /// How many shifts the run containing `candidate` would have: shifts sorted by start, a run
    /// going on while each starts less than the rest gap after the run's latest end.
    fn run_length(&self, existing: &[ShiftWindow], candidate: ShiftWindow) -> u32 {
        let gap = i64::from(self.rest_gap_minutes) * MINUTE_MS;
        let mut all: Vec<(ShiftWindow, bool)> = existing.iter().map(|w| (*w, false)).collect();
        all.push((candidate, true));
        all.sort_by_key(|(w, is_candidate)| (w.starts_at, w.ends_at, *is_candidate));
        let (mut count, mut has_candidate, mut run_end) = (0u32, false, i64::MIN);
        for (w, is_candidate) in all {
            if count > 0 && w.starts_at.saturating_sub(run_end) >= gap {
                if has_candidate {
                    return count;
                }
                (count, run_end) = (0, i64::MIN);
            }
            count += 1;
            has_candidate |= is_candidate;
            run_end = run_end.max(w.ends_at);
        }
        count
    }
}

/// Milliseconds of duty on each local calendar day, each window cut at local midnights.
fn per_day(windows: impl Iterator<Item = ShiftWindow>) -> BTreeMap<NaiveDate, i64> {
    let mut days = BTreeMap::new();
    for w in windows {
        let mut at = w.starts_at;
        while at < w.ends_at {
            let until = next_local_midnight(at).min(w.ends_at);
            *days.entry(local_date(at)).or_insert(0) += until - at;
            at = until;
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::{local_ms, HOUR_MS};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date")
    }

    /// A shift on 2026-11-`d` from `from` to `to` hours after local midnight (past 24 = next day).
    fn shift(d: u32, from: i64, to: i64) -> ShiftWindow {
        let midnight = local_ms(day(d), 0);
        ShiftWindow::new(midnight + from * HOUR_MS, midnight + to * HOUR_MS).expect("window")
    }

    #[test]
    fn two_shifts_at_once_are_refused_but_back_to_back_is_not_an_overlap() {
        let rules = FatigueRules::default();
        let morning = shift(25, 8, 12);
        assert_eq!(
            rules.check(&[morning], shift(25, 11, 13)),
            Err(FatigueRefusal::Overlaps)
        );
        assert_eq!(
            rules.check(&[morning], morning),
            Err(FatigueRefusal::Overlaps)
        );
        assert_eq!(rules.check(&[morning], shift(25, 12, 14)), Ok(()));
    }

    #[test]
    fn a_day_may_hold_twelve_hours_and_no_more() {
        let rules = FatigueRules::default();
        let existing = [shift(25, 6, 10), shift(25, 12, 16)];
        assert_eq!(rules.check(&existing, shift(25, 18, 22)), Ok(()));
        assert_eq!(
            rules.check(&existing, shift(25, 18, 23)),
            Err(FatigueRefusal::TooManyHours {
                day: day(25),
                minutes: 13 * 60,
                max: 12 * 60
            })
        );
    }

    #[test]
    fn a_night_shift_counts_on_both_days_split_at_local_midnight() {
        let rules = FatigueRules::default();
        // 8 h on the 26th already; the night shift 20:00–04:00 adds 4 h to the 25th and 4 h
        // to the 26th.
        let existing = [shift(26, 9, 13), shift(26, 15, 19)];
        assert_eq!(rules.check(&existing, shift(25, 20, 28)), Ok(()));
        let refusal = rules.check(&existing, shift(25, 20, 29));
        assert_eq!(
            refusal,
            Err(FatigueRefusal::TooManyHours {
                day: day(26),
                minutes: 13 * 60,
                max: 12 * 60
            })
        );
    }

    #[test]
    fn hours_are_counted_in_china_time_not_utc() {
        // 06:00–10:00 China time is 22:00–02:00 UTC, across the UTC midnight: one local day.
        let days = per_day([shift(25, 6, 10)].into_iter());
        assert_eq!(
            days.into_iter().collect::<Vec<_>>(),
            vec![(day(25), 4 * HOUR_MS)]
        );
    }

    #[test]
    fn a_fourth_shift_without_rest_is_refused() {
        let rules = FatigueRules::default();
        // 30-minute breaks do not end the run.
        let existing = [shift(25, 6, 8), shift(25, 8, 10), shift(25, 10, 12)];
        let fourth = ShiftWindow::new(
            existing[2].ends_at + 30 * MINUTE_MS,
            existing[2].ends_at + 90 * MINUTE_MS,
        )
        .expect("window");
        assert_eq!(
            rules.check(&existing, fourth),
            Err(FatigueRefusal::TooManyInARow { count: 4, max: 3 })
        );
        // After a full hour's rest a new run begins.
        assert_eq!(rules.check(&existing, shift(25, 13, 15)), Ok(()));
        // A shift slotted into the middle of a run joins it.
        let split = [shift(25, 6, 8), shift(25, 10, 12), shift(25, 12, 14)];
        assert_eq!(
            rules.check(&split, shift(25, 8, 10)),
            Err(FatigueRefusal::TooManyInARow { count: 4, max: 3 })
        );
    }

    #[test]
    fn refusals_travel_as_json_and_have_a_message() {
        let r = FatigueRefusal::TooManyInARow { count: 4, max: 3 };
        let json = serde_json::to_string(&r).expect("serialise");
        assert_eq!(serde_json::from_str::<FatigueRefusal>(&json).ok(), Some(r));
        assert_eq!(r.key(), MessageKey::TooManyShiftsInARow);
        assert_eq!(FatigueRefusal::Overlaps.key(), MessageKey::ShiftOverlaps);
    }
}
