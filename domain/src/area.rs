//! The area tree: district 区 → street/town 街道/镇 → community 社区/居委.

use crate::error::{FieldError, MessageKey};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Database identity of an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AreaId(pub i64);

/// The level of an area in the tree. The order is the nesting order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AreaKind {
    /// 区
    District,
    /// 街道 / 镇
    Street,
    /// 社区 / 居委会
    Community,
}

impl AreaKind {
    /// The stable name used in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::District => "district",
            Self::Street => "street",
            Self::Community => "community",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "district" => Some(Self::District),
            "street" => Some(Self::Street),
            "community" => Some(Self::Community),
            _ => None,
        }
    }

    /// The kind a child of this area must have; a community has no child areas (sites hang there).
    pub fn child_kind(self) -> Option<Self> {
        match self {
            Self::District => Some(Self::Street),
            Self::Street => Some(Self::Community),
            Self::Community => None,
        }
    }

    /// Checks that an area of `self` kind may sit under `parent` (or at the root when `None`).
    pub fn check_parent(self, parent: Option<AreaKind>) -> Result<(), FieldError> {
        let fits = match parent {
            None => self == Self::District,
            Some(p) => p.child_kind() == Some(self),
        };
        if fits {
            Ok(())
        } else {
            Err(FieldError::new("kind", MessageKey::AreaKindMismatch))
        }
    }
}

/// An area's display name: trimmed, non-empty, at most 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaName(String);

impl AreaName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            Err(FieldError::new("name", MessageKey::Required))
        } else if name.chars().count() > Self::MAX_CHARS {
            Err(FieldError::new("name", MessageKey::TooLong))
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Resident population (常住人口) of an area. The bound keeps a typo of extra zeros out:
/// the most populous district in China has under 6 million residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Population(u32);

impl Population {
    pub const MAX: u32 = 20_000_000;

    pub fn new(value: u32) -> Result<Self, FieldError> {
        if value > Self::MAX {
            Err(FieldError::new(
                "population",
                MessageKey::PopulationOutOfRange,
            ))
        } else {
            Ok(Self(value))
        }
    }

    /// Accepts digits with the thousands separators people type (`12,345` or `12，345`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let digits: String = input
            .trim()
            .chars()
            .filter(|c| !matches!(c, ',' | '，' | ' '))
            .collect();
        if digits.is_empty() {
            return Err(FieldError::new("population", MessageKey::Required));
        }
        let value = digits
            .parse::<u32>()
            .map_err(|_| FieldError::new("population", MessageKey::PopulationOutOfRange))?;
        Self::new(value)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// An area as stored: the tree link, its resident population and when that was counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: AreaId,
    pub parent_id: Option<AreaId>,
    pub kind: AreaKind,
    pub name: String,
    pub population: u32,
    pub population_counted_on: Option<NaiveDate>,
    /// A district's own target rate, when it differs from the installation's default.
    pub target_rate: Option<crate::TargetRate>,
}

/// What it takes to create an area; every field already parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewArea {
    pub parent_id: Option<AreaId>,
    pub kind: AreaKind,
    pub name: AreaName,
    pub population: Population,
    pub population_counted_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streets_go_under_districts_and_communities_under_streets() {
        assert!(AreaKind::District.check_parent(None).is_ok());
        assert!(AreaKind::Street
            .check_parent(Some(AreaKind::District))
            .is_ok());
        assert!(AreaKind::Community
            .check_parent(Some(AreaKind::Street))
            .is_ok());
    }

    #[test]
    fn an_area_out_of_its_level_is_refused() {
        assert!(AreaKind::Street.check_parent(None).is_err());
        assert!(AreaKind::Community
            .check_parent(Some(AreaKind::District))
            .is_err());
        assert!(AreaKind::District
            .check_parent(Some(AreaKind::Community))
            .is_err());
    }

    #[test]
    fn population_accepts_thousands_separators_and_refuses_nonsense() {
        assert_eq!(Population::parse("12,345").map(Population::get), Ok(12_345));
        assert_eq!(
            Population::parse("12，345").map(Population::get),
            Ok(12_345)
        );
        assert!(Population::parse("-3").is_err());
        assert!(Population::parse("300000000").is_err());
        assert_eq!(
            Population::parse("").map_err(|e| e.key),
            Err(MessageKey::Required)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            AreaName::parse("  解放路街道 ").map(|n| n.0),
            Ok("解放路街道".into())
        );
        assert!(AreaName::parse("   ").is_err());
        assert!(AreaName::parse(&"社".repeat(65)).is_err());
    }
}

/// The date a population was counted, as typed (`2020-11-01`); empty means unknown. A date
/// after `today` is refused: a count cannot come from the future.
pub fn parse_counted_on(input: &str, today: NaiveDate) -> Result<Option<NaiveDate>, FieldError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    match NaiveDate::parse_from_str(input, "%Y-%m-%d") {
        Ok(d) if d <= today => Ok(Some(d)),
        _ => Err(FieldError::new("counted_on", MessageKey::DateInvalid)),
    }
}

#[cfg(test)]
mod counted_on_tests {
    use super::*;

    #[test]
    fn counting_dates_are_iso_and_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        assert_eq!(parse_counted_on("", today), Ok(None));
        assert_eq!(
            parse_counted_on(" 2020-11-01 ", today),
            Ok(NaiveDate::from_ymd_opt(2020, 11, 1))
        );
        for bad in ["2020/11/01", "2020-13-01", "2027-01-01", "yesterday"] {
            assert_eq!(
                parse_counted_on(bad, today).expect_err(bad).key,
                MessageKey::DateInvalid
            );
        }
    }
}
