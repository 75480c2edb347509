//! A period's demand as a grid: its sites down the side, its time slots for each day across,
//! and in each cell the places needed there.

use crate::duty::form::{keep, parse_clock, parse_count};
use crate::error::{FieldError, MessageKey};
use crate::site::SiteId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One time slot of every day of a period, in minutes after local midnight (`end` may pass
/// midnight, up to 24 h later, for a night slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Slot {
    pub start: u16,
    pub end: u16,
}

impl Slot {
    pub fn minutes(self) -> u32 {
        u32::from(self.end - self.start)
    }

    /// `07:00–11:00`, with `次日` hours past midnight written as 24+ (`23:00–31:00` is 07:00
    /// the next morning), the way the grid's header shows it.
    pub fn label(self) -> String {
        let clock = |m: u16| format!("{:02}:{:02}", m / 60 % 24, m % 60);
        format!("{}–{}", clock(self.start), clock(self.end))
    }
}

/// Most slots a day may be cut into.
pub const MAX_SLOTS: usize = 8;
/// The longest slot, as the longest shift.
const MAX_SLOT_MINUTES: u16 = 12 * 60;

/// The slots of a period: at least one, in time order, not overlapping (also not into the next
/// day's first), and all of one length. One length is a decision, not a limitation met by
/// accident: it makes "at most 12 h a day" a count of slots, which is what lets the generator
/// prove its roster the best possible (see `roster`). Real plans cut a day evenly anyway
/// (4 × 4 h, 3 × 8 h, 2 × 12 h).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSet(Vec<Slot>);

impl SlotSet {
    /// Reads `07:00-11:00` per line (or separated by commas), as the period form sends them.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let field = "slots";
        let mut slots = Vec::new();
        for part in input
            .split([',', '，', '\n', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let normalised = part.replace(['–', '—', '~', '～', '至'], "-");
            let (a, b) = normalised
                .split_once('-')
                .ok_or_else(|| FieldError::new(field, MessageKey::TimeInvalid))?;
            let start = parse_clock(field, a)?;
            let mut end = parse_clock(field, b)?;
            if end <= start {
                end += 24 * 60;
            }
            if end - start > MAX_SLOT_MINUTES {
                return Err(FieldError::new(field, MessageKey::ShiftTooLong));
            }
            slots.push(Slot { start, end });
        }
        Self::new(slots)
    }

    pub fn new(mut slots: Vec<Slot>) -> Result<Self, FieldError> {
        let field = "slots";
        if slots.is_empty() {
            return Err(FieldError::new(field, MessageKey::Required));
        }
        if slots.len() > MAX_SLOTS {
            return Err(FieldError::new(field, MessageKey::TooManySlots));
        }
        slots.sort();
        if slots.iter().any(|s| s.minutes() != slots[0].minutes()) {
            return Err(FieldError::new(field, MessageKey::SlotLengthsDiffer));
        }
        let overlaps = slots.windows(2).any(|w| w[1].start < w[0].end)
            || slots[slots.len() - 1].end > slots[0].start + 24 * 60;
        if overlaps {
            return Err(FieldError::new(field, MessageKey::SlotsOverlap));
        }
        Ok(Self(slots))
    }

    pub fn slots(&self) -> &[Slot] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every slot's length (they are all one length).
    pub fn minutes(&self) -> u32 {
        self.0[0].minutes()
    }

    /// As the form shows them again: `07:00-11:00, 11:00-15:00`.
    pub fn to_form(&self) -> String {
        self.0
            .iter()
            .map(|s| s.label().replace('–', "-"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The places one cell needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellNeed {
    /// Must be there (0 = the site is not staffed in this slot).
    pub min: u32,
    /// Worth having, once every cell has its minimum (≥ `min`).
    pub target: u32,
    /// Of the minimum, places only a leader fills.
    pub leaders: u32,
    /// A skill everyone here needs (e.g. 急救), or none.
    pub skill: Option<String>,
}

const MAX_PLACES: i64 = 500;
const SKILL_MAX: usize = 20;

impl CellNeed {
    /// Reads a cell (or a fill rule): an empty target means the minimum; every problem at once.
    pub fn parse(
        min: &str,
        target: &str,
        leaders: &str,
        skill: &str,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let range = |field: &'static str, v: Option<i64>| match v {
            Some(n) if !(0..=MAX_PLACES).contains(&n) => {
                Err(FieldError::new(field, MessageKey::PlacesOutOfRange))
            }
            v => Ok(v),
        };
        let min = keep(
            &mut errors,
            parse_count("min", min).and_then(|v| range("min", v)),
        );
        let target = keep(
            &mut errors,
            parse_count("target", target).and_then(|v| range("target", v)),
        );
        let leaders = keep(
            &mut errors,
            parse_count("leaders", leaders).and_then(|v| range("leaders", v)),
        );
        let skill = skill.trim();
        if skill.chars().count() > SKILL_MAX {
            errors.push(FieldError::new("skill", MessageKey::TooLong));
        } else if skill.chars().any(char::is_control) {
            errors.push(FieldError::new("skill", MessageKey::TextInvalid));
        }
        let (Some(min), Some(target), Some(leaders)) = (min, target, leaders) else {
            return Err(errors);
        };
        let Some(min) = min else {
            errors.insert(0, FieldError::new("min", MessageKey::Required));
            return Err(errors);
        };
        let target = target.unwrap_or(min);
        let leaders = leaders.unwrap_or(0);
        if target < min {
            errors.push(FieldError::new("target", MessageKey::TargetBelowMinimum));
        }
        if leaders > min {
            errors.push(FieldError::new("leaders", MessageKey::LeadersOutOfRange));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            min: min as u32,
            target: target as u32,
            leaders: leaders as u32,
            skill: (!skill.is_empty()).then(|| skill.to_owned()),
        })
    }

    pub fn none() -> Self {
        Self {
            min: 0,
            target: 0,
            leaders: 0,
            skill: None,
        }
    }
}

/// Where a cell is: a site, a day of the period (0 = its first) and a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CellAt {
    pub site: SiteId,
    pub day: u16,
    pub slot: u16,
}

/// "Every day, these slots, at these sites, this need": how a leader fills a grid in one go.
/// Empty `sites` or `slots` mean all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillRule {
    pub sites: Vec<SiteId>,
    pub slots: Vec<u16>,
    pub need: CellNeed,
}

impl FillRule {
    /// The cells the rule sets, for a grid of `sites` × `days` × `slots`.
    pub fn cells(&self, sites: &[SiteId], days: u16, slots: u16) -> Vec<CellAt> {
        let mut out = Vec::new();
        for &site in sites {
            if !self.sites.is_empty() && !self.sites.contains(&site) {
                continue;
            }
            for day in 0..days {
                for slot in 0..slots {
                    if self.slots.is_empty() || self.slots.contains(&slot) {
                        out.push(CellAt { site, day, slot });
                    }
                }
            }
        }
        out
    }
}

/// Person-slots and person-minutes, at the minimum and at the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub min_places: u32,
    pub target_places: u32,
    pub min_minutes: u64,
    pub target_minutes: u64,
}

/// Totals per day (index = day of the period) and for the whole period.
pub fn totals(
    cells: &BTreeMap<CellAt, CellNeed>,
    days: u16,
    slot_minutes: u32,
) -> (Vec<Totals>, Totals) {
    let mut per_day = vec![Totals::default(); usize::from(days)];
    let mut all = Totals::default();
    for (at, need) in cells {
        for t in per_day
            .get_mut(usize::from(at.day))
            .into_iter()
            .chain(std::iter::once(&mut all))
        {
            t.min_places += need.min;
            t.target_places += need.target;
            t.min_minutes += u64::from(need.min) * u64::from(slot_minutes);
            t.target_minutes += u64::from(need.target) * u64::from(slot_minutes);
        }
    }
    (per_day, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<T: std::fmt::Debug>(r: Result<T, FieldError>) -> MessageKey {
        r.expect_err("refused").key
    }

    #[test]
    fn slots_read_as_leaders_write_them() {
        let set = SlotSet::parse("07:00-11:00, 11:00–15:00\n15:00~19:00；19:00-23:00").expect("ok");
        assert_eq!(set.len(), 4);
        assert_eq!(set.minutes(), 240);
        assert_eq!(
            set.to_form(),
            "07:00-11:00, 11:00-15:00, 15:00-19:00, 19:00-23:00"
        );
        // Round the clock in three, the night one past midnight.
        let night = SlotSet::parse("00:00-08:00,08:00-16:00,16:00-00:00").expect("ok");
        assert_eq!(
            night.slots()[2],
            Slot {
                start: 960,
                end: 1440
            }
        );
    }

    #[test]
    fn slots_that_differ_overlap_or_are_missing_are_refused() {
        assert_eq!(key(SlotSet::parse("")), MessageKey::Required);
        assert_eq!(
            key(SlotSet::parse("07:00-11:00, 11:00-13:00")),
            MessageKey::SlotLengthsDiffer
        );
        assert_eq!(
            key(SlotSet::parse("07:00-11:00, 10:00-14:00")),
            MessageKey::SlotsOverlap
        );
        assert_eq!(
            key(SlotSet::parse("20:00-08:00, 07:00-19:00")),
            MessageKey::SlotsOverlap
        );
        assert_eq!(key(SlotSet::parse("7 to 11")), MessageKey::TimeInvalid);
        assert_eq!(key(SlotSet::parse("06:00-19:00")), MessageKey::ShiftTooLong);
    }

    #[test]
    fn a_cell_reads_its_places_and_refuses_what_cannot_be() {
        assert_eq!(
            CellNeed::parse("3", "", "1", " 急救 "),
            Ok(CellNeed {
                min: 3,
                target: 3,
                leaders: 1,
                skill: Some("急救".into())
            })
        );
        let keys = |r: Result<CellNeed, Vec<FieldError>>| {
            r.expect_err("refused")
                .into_iter()
                .map(|e| e.key)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(CellNeed::parse("", "", "", "")),
            vec![MessageKey::Required]
        );
        assert_eq!(
            keys(CellNeed::parse("三", "", "", "")),
            vec![MessageKey::NotANumber]
        );
        assert_eq!(
            keys(CellNeed::parse("-1", "", "", "")),
            vec![MessageKey::PlacesOutOfRange]
        );
        assert_eq!(
            keys(CellNeed::parse("4", "2", "5", "")),
            vec![
                MessageKey::TargetBelowMinimum,
                MessageKey::LeadersOutOfRange
            ]
        );
    }

    #[test]
    fn a_rule_fills_its_cells_and_totals_count_places_and_hours() {
        let (a, b) = (SiteId(1), SiteId(2));
        let three = CellNeed::parse("3", "4", "", "").expect("ok");
        let six = CellNeed::parse("6", "", "1", "").expect("ok");
        let mut grid = BTreeMap::new();
        for at in (FillRule {
            sites: vec![],
            slots: vec![],
            need: three.clone(),
        })
        .cells(&[a, b], 2, 4)
        {
            grid.insert(at, three.clone());
        }
        for at in (FillRule {
            sites: vec![b],
            slots: vec![1, 2],
            need: six.clone(),
        })
        .cells(&[a, b], 2, 4)
        {
            grid.insert(at, six.clone());
        }
        assert_eq!(grid.len(), 16);
        let (days, all) = totals(&grid, 2, 240);
        // Per day: site a 4 × 3, site b 2 × 3 + 2 × 6.
        assert_eq!(days[0].min_places, 12 + 18);
        assert_eq!(days[0].target_places, 16 + 8 + 12);
        assert_eq!(all.min_minutes, 60 * 240);
    }
}
