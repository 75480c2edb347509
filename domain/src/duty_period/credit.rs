//! Special-duty credit (勤务积分): what duty in a sensitive period earns beside its hours.
//!
//! Service hours stay the time actually given (《志愿服务记录与证明出具办法》 art. 7), so the
//! credit is a separate figure, written to its own ledger next to the hours: served minutes
//! times the period level's multiplier. Commendation criteria read both.

use super::period::DutyLevel;
use serde::{Deserialize, Serialize};

/// Multipliers per level in basis points (×2.0 = 20 000), so the arithmetic stays integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditRules {
    pub first_bp: u32,
    pub second_bp: u32,
    pub third_bp: u32,
}

impl Default for CreditRules {
    fn default() -> Self {
        Self {
            first_bp: 20_000,
            second_bp: 15_000,
            third_bp: 12_000,
        }
    }
}

impl CreditRules {
    pub fn multiplier_bp(&self, level: DutyLevel) -> u32 {
        match level {
            DutyLevel::First => self.first_bp,
            DutyLevel::Second => self.second_bp,
            DutyLevel::Third => self.third_bp,
        }
    }

    /// Credit minutes for `served` minutes at `level`, rounded down to the minute: a credit
    /// never exceeds what the multiplier gives.
    pub fn credit_minutes(&self, level: DutyLevel, served: u32) -> u64 {
        credit_minutes(self.multiplier_bp(level), served)
    }

    /// Reads `2.0,1.5,1.2` (一级, 二级, 三级), each from ×1.0 to ×5.0 in steps of 0.01.
    pub fn parse(text: &str) -> Option<Self> {
        let bp: Vec<u32> = text
            .split(',')
            .map(|p| {
                let x: f64 = p.trim().parse().ok()?;
                let bp = (x * 10_000.0).round();
                (10_000.0..=50_000.0).contains(&bp).then_some(bp as u32)
            })
            .collect::<Option<_>>()?;
        match bp.as_slice() {
            &[first_bp, second_bp, third_bp] => Some(Self {
                first_bp,
                second_bp,
                third_bp,
            }),
            _ => None,
        }
    }
}

/// Credit minutes for `served` minutes at a multiplier of `bp` basis points, rounded down.
pub fn credit_minutes(bp: u32, served: u32) -> u64 {
    u64::from(served) * u64::from(bp) / 10_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_defaults_are_two_one_and_a_half_and_one_point_two() {
        let rules = CreditRules::default();
        assert_eq!(rules.credit_minutes(DutyLevel::First, 240), 480);
        assert_eq!(rules.credit_minutes(DutyLevel::Second, 240), 360);
        assert_eq!(rules.credit_minutes(DutyLevel::Third, 240), 288);
        assert_eq!(rules.credit_minutes(DutyLevel::Third, 7), 8);
    }

    #[test]
    fn multipliers_are_read_as_people_write_them() {
        assert_eq!(
            CreditRules::parse("2, 1.5, 1.2"),
            Some(CreditRules::default())
        );
        assert_eq!(CreditRules::parse("2,1.5"), None);
        assert_eq!(CreditRules::parse("0.5,1.5,1.2"), None);
        assert_eq!(CreditRules::parse("six,1.5,1.2"), None);
    }

    proptest! {
        #[test]
        fn credit_adds_up_over_shifts_and_never_rounds_up(
            a in 0u32..2_000, b in 0u32..2_000, bp in 10_000u32..40_000,
        ) {
            let rules = CreditRules { first_bp: bp, second_bp: bp, third_bp: bp };
            let one = rules.credit_minutes(DutyLevel::First, a);
            let two = rules.credit_minutes(DutyLevel::First, b);
            let both = rules.credit_minutes(DutyLevel::First, a + b);
            // Rounding down per shift loses at most a minute per shift, never gains.
            prop_assert!(one + two <= both && both <= one + two + 1);
            prop_assert!(one * 10_000 <= u64::from(a) * u64::from(bp));
            prop_assert!(one >= u64::from(a));
        }
    }
}
