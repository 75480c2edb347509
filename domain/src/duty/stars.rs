//! Star volunteers (星级志愿者): one to five stars by cumulative credited hours, at the national
//! scheme's 100 / 300 / 600 / 1000 / 1500 hours unless an association sets its own.

use serde::{Deserialize, Serialize};

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

    /// 0..=5 stars for a credited total in minutes (the ledger's unit). A negative total, which
    /// only a bad correction could make, earns none.
    pub fn stars_for(&self, minutes: i64) -> u8 {
        self.progress(minutes).stars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_star_starts_exactly_at_its_threshold() {
        let levels = StarLevels::default();
        for (stars, hours) in [(1, 100), (2, 300), (3, 600), (4, 1000), (5, 1500)] {
            assert_eq!(levels.stars_for(hours * 60), stars, "{hours} h");
            assert_eq!(
                levels.stars_for(hours * 60 - 1),
                stars - 1,
                "{hours} h less a minute"
            );
        }
    }

    #[test]
    fn negative_totals_earn_no_stars_and_no_progress() {
        let p = StarLevels::default().progress(-600);
        assert_eq!((p.stars, p.hours, p.fraction), (0, 0.0, 0.0));
        assert_eq!(p.next_at_hours, Some(100));
    }

    #[test]
    fn an_association_s_own_levels_are_used() {
        let levels = StarLevels::new([20, 50, 100, 200, 400]).expect("ascending");
        assert_eq!(levels.stars_for(60 * 60), 2);
        assert_eq!(levels.stars_for(400 * 60), 5);
    }

    #[test]
    fn progress_is_measured_from_the_current_level() {
        let p = StarLevels::default().progress(450 * 60);
        assert_eq!((p.stars, p.next_at_hours), (2, Some(600)));
        assert!((p.fraction - 0.5).abs() < 1e-9);
        assert!((p.hours - 450.0).abs() < 1e-9);
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

    proptest::proptest! {
        #[test]
        fn stars_never_fall_as_hours_grow(a in 0i64..200_000, b in 0i64..200_000) {
            let levels = StarLevels::default();
            let (lo, hi) = (a.min(b), a.max(b));
            proptest::prop_assert!(levels.progress(lo).stars <= levels.progress(hi).stars);
            let f = levels.progress(lo).fraction;
            proptest::prop_assert!((0.0..=1.0).contains(&f));
        }
    }
}
