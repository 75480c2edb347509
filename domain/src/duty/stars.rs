//! Star volunteers (星级志愿者): one to five stars by cumulative credited hours, at the national
//! scheme's 100 / 300 / 600 / 1000 / 1500 hours unless an association sets its own. The levels
//! and progress live in [`crate::service_hours`]; this module re-exports them and adds the
//! short questions the pages ask.

pub use crate::service_hours::{StarLevels, StarProgress};

impl StarLevels {
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
}
