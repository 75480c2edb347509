//! The district target: registered safety volunteers = a rate (2% by default) of residents.

use crate::error::{FieldError, MessageKey};
use serde::{Deserialize, Serialize};

/// The target rate in basis points (1/100 of a percent), so 2% is 200 and arithmetic stays exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRate(u16);

impl TargetRate {
    /// The rate the district plans set: 2% of the resident population.
    pub const DEFAULT: Self = Self(200);

    pub fn from_basis_points(bp: u16) -> Result<Self, FieldError> {
        if (1..=10_000).contains(&bp) {
            Ok(Self(bp))
        } else {
            Err(FieldError::new("rate", MessageKey::RateOutOfRange))
        }
    }

    /// Parses a percentage as typed, e.g. `2` or `2.5` or `2.5%`.
    pub fn parse_percent(input: &str) -> Result<Self, FieldError> {
        let s = input.trim().trim_end_matches(['%', '％']).trim();
        let pct: f64 = s
            .parse()
            .map_err(|_| FieldError::new("rate", MessageKey::NotANumber))?;
        if !pct.is_finite() {
            return Err(FieldError::new("rate", MessageKey::RateOutOfRange));
        }
        let bp = (pct * 100.0).round();
        if !(1.0..=10_000.0).contains(&bp) {
            return Err(FieldError::new("rate", MessageKey::RateOutOfRange));
        }
        Self::from_basis_points(bp as u16)
    }

    pub fn basis_points(self) -> u16 {
        self.0
    }
}

/// How far an area is towards its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetProgress {
    pub population: u32,
    pub registered: u32,
    /// Volunteers needed: the rate of the population, rounded **up** (a target of 0.4 person
    /// still needs one volunteer).
    pub target: u32,
}

impl TargetProgress {
    pub fn compute(population: u32, registered: u32, rate: TargetRate) -> Self {
        let target = (u64::from(population) * u64::from(rate.0)).div_ceil(10_000);
        Self {
            population,
            registered,
            target: u32::try_from(target).unwrap_or(u32::MAX),
        }
    }

    /// Progress in per-mille (0..=1000), capped at 1000 for the bar; areas with no target are full.
    pub fn permille(&self) -> u32 {
        if self.target == 0 {
            return 1000;
        }
        let p = u64::from(self.registered) * 1000 / u64::from(self.target);
        p.min(1000) as u32
    }

    pub fn reached(&self) -> bool {
        self.registered >= self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn two_percent_of_a_compound_of_8000_is_160() {
        let p = TargetProgress::compute(8_000, 40, TargetRate::DEFAULT);
        assert_eq!(p.target, 160);
        assert_eq!(p.permille(), 250);
        assert!(!p.reached());
    }

    #[test]
    fn a_fraction_of_a_volunteer_rounds_up() {
        assert_eq!(
            TargetProgress::compute(20, 0, TargetRate::DEFAULT).target,
            1
        );
    }

    #[test]
    fn rates_parse_from_percent_text() {
        assert_eq!(
            TargetRate::parse_percent("2").map(TargetRate::basis_points),
            Ok(200)
        );
        assert_eq!(
            TargetRate::parse_percent("2.5%").map(TargetRate::basis_points),
            Ok(250)
        );
        assert!(TargetRate::parse_percent("0").is_err());
        assert!(TargetRate::parse_percent("101").is_err());
        assert!(TargetRate::parse_percent("abc").is_err());
    }

    proptest! {
        #[test]
        fn progress_never_exceeds_the_bar(pop in 0u32..20_000_000, reg in 0u32..1_000_000, bp in 1u16..=10_000) {
            let rate = TargetRate::from_basis_points(bp).expect("in range");
            let p = TargetProgress::compute(pop, reg, rate);
            prop_assert!(p.permille() <= 1000);
            // The target is the smallest whole number of people at or above the exact share.
            prop_assert!(u64::from(p.target) * 10_000 >= u64::from(pop) * u64::from(bp));
            prop_assert!(u64::from(p.target.saturating_sub(1)) * 10_000 < u64::from(pop) * u64::from(bp) || p.target == 0);
        }
    }
}
