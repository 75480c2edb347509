//! Turnout for a period (勤务统计): 人次, person-hours, coverage of the minimum, no-shows and late
//! arrivals — per site, per day and in total — from what each published cell's shift recorded.

use super::grid::CellAt;
use crate::site::SiteId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What one published cell's shift recorded so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellTurnout {
    pub at: CellAt,
    /// The cell's minimum.
    pub min: u32,
    /// Placed on its shift.
    pub placed: u32,
    /// Came: a check-in in force (人次).
    pub came: u32,
    /// Came after the start plus the grace.
    pub late: u32,
    /// Marked no-show after the shift.
    pub no_shows: u32,
    /// Hours credited in the ledger for its shift, in minutes.
    pub minutes: i64,
}

/// Figures summed over some cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Turnout {
    /// 人次: people who came.
    pub came: u32,
    pub minutes: i64,
    /// Minimum places, and of them the ones filled by someone who came.
    pub min_places: u32,
    pub min_met: u32,
    pub no_shows: u32,
    pub late: u32,
}

impl Turnout {
    fn add(&mut self, c: &CellTurnout) {
        self.came += c.came;
        self.minutes += c.minutes;
        self.min_places += c.min;
        self.min_met += c.came.min(c.min);
        self.no_shows += c.no_shows;
        self.late += c.late;
    }

    /// The share of minimum places met, in per mille (1000 when there were none to meet).
    pub fn coverage_permille(&self) -> u32 {
        (self.min_met * 1000)
            .checked_div(self.min_places)
            .unwrap_or(1000)
    }
}

/// Per site, per day (index of the period) and in total.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TurnoutReport {
    pub per_site: BTreeMap<SiteId, Turnout>,
    pub per_day: BTreeMap<u16, Turnout>,
    pub total: Turnout,
}

pub fn report(cells: &[CellTurnout]) -> TurnoutReport {
    let mut out = TurnoutReport::default();
    for c in cells {
        out.per_site.entry(c.at.site).or_default().add(c);
        out.per_day.entry(c.at.day).or_default().add(c);
        out.total.add(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(site: i64, day: u16, min: u32, came: u32) -> CellTurnout {
        CellTurnout {
            at: CellAt {
                site: SiteId(site),
                day,
                slot: 0,
            },
            min,
            placed: came + 1,
            came,
            late: came.min(1),
            no_shows: 1,
            minutes: i64::from(came) * 240,
        }
    }

    #[test]
    fn coverage_counts_only_minimum_places_met_and_everything_adds_up() {
        // Site 1 day 0: 3 needed, 4 came (one beyond the minimum does not raise coverage);
        // site 2 day 0: 2 needed, 1 came; site 1 day 1: 2 needed, 0 came.
        let r = report(&[cell(1, 0, 3, 4), cell(2, 0, 2, 1), cell(1, 1, 2, 0)]);
        assert_eq!(r.total.came, 5);
        assert_eq!(r.total.min_places, 7);
        assert_eq!(r.total.min_met, 4);
        assert_eq!(r.total.coverage_permille(), 571);
        assert_eq!(r.total.minutes, 5 * 240);
        assert_eq!(r.total.no_shows, 3);
        assert_eq!(r.per_day[&0].coverage_permille(), 800);
        assert_eq!(r.per_site[&SiteId(1)].came, 4);
        assert_eq!(Turnout::default().coverage_permille(), 1000);
    }
}
