//! Live coverage of a running period: for each site's shift now under way, how many are needed,
//! on site, still expected, late or gone early, and the colour the command room sees.

use crate::duty::MINUTE_MS;
use crate::site::SiteId;
use crate::volunteer::VolunteerId;
use serde::{Deserialize, Serialize};

/// One shift of the period now under way, as storage counts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveShift {
    pub shift: crate::duty::port::ShiftId,
    pub site: SiteId,
    pub site_name: String,
    pub lat: f64,
    pub lon: f64,
    pub starts_at: i64,
    pub ends_at: i64,
    /// The cell's minimum.
    pub needed: u32,
    /// Placed (signed up) on the shift.
    pub placed: u32,
    /// Checked in and not out.
    pub on_site: u32,
    /// Checked out before the shift's end.
    pub left_early: u32,
    /// Placed and not checked in: who they are, for the leader to call.
    pub not_in: Vec<(VolunteerId, String)>,
}

/// How a site stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cover {
    /// Its minimum is on site.
    Met,
    /// Not yet, but those still expected would make it.
    Coming,
    /// Short even if everyone expected comes: a gap to fill.
    Gap,
}

/// A site's figures now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub needed: u32,
    pub on_site: u32,
    /// Placed, not in, and the slot began less than the grace ago (or has not begun).
    pub expected: u32,
    /// Placed, not in, and the slot began more than the grace ago.
    pub late: u32,
    pub left_early: u32,
    pub cover: Cover,
}

/// The figures of `shift` at `now`, with `grace_minutes` before someone not in counts as late.
pub fn coverage(shift: &LiveShift, now: i64, grace_minutes: u32) -> Coverage {
    let not_in = shift.not_in.len() as u32;
    let late_from = shift.starts_at + i64::from(grace_minutes) * MINUTE_MS;
    let (expected, late) = if now >= late_from {
        (0, not_in)
    } else {
        (not_in, 0)
    };
    let cover = if shift.on_site >= shift.needed {
        Cover::Met
    } else if shift.on_site + expected >= shift.needed {
        Cover::Coming
    } else {
        Cover::Gap
    };
    Coverage {
        needed: shift.needed,
        on_site: shift.on_site,
        expected,
        late,
        left_early: shift.left_early,
        cover,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shift(needed: u32, on_site: u32, not_in: u32) -> LiveShift {
        LiveShift {
            shift: crate::duty::port::ShiftId(1),
            site: SiteId(1),
            site_name: "建新小区东门".into(),
            lat: 36.65,
            lon: 117.03,
            starts_at: 1_000 * MINUTE_MS,
            ends_at: 1_240 * MINUTE_MS,
            needed,
            placed: on_site + not_in,
            on_site,
            left_early: 0,
            not_in: (0..not_in)
                .map(|i| (VolunteerId(i64::from(i)), format!("队员{i}")))
                .collect(),
        }
    }

    #[test]
    fn a_site_is_met_coming_or_a_gap_and_the_late_are_counted_after_the_grace() {
        let before = 1_010 * MINUTE_MS;
        let after = 1_016 * MINUTE_MS;
        assert_eq!(coverage(&shift(2, 2, 0), after, 15).cover, Cover::Met);
        let coming = coverage(&shift(3, 1, 2), before, 15);
        assert_eq!(
            (coming.cover, coming.expected, coming.late),
            (Cover::Coming, 2, 0)
        );
        // The same two, past the grace: late, and the site is short.
        let late = coverage(&shift(3, 1, 2), after, 15);
        assert_eq!((late.cover, late.expected, late.late), (Cover::Gap, 0, 2));
        assert_eq!(coverage(&shift(4, 1, 2), before, 15).cover, Cover::Gap);
    }
}
