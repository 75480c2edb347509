//! Mainland China mobile numbers: personal data, so the type also knows how to mask itself.

use crate::error::{FieldError, MessageKey};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An 11-digit mainland mobile number (1[3-9]xxxxxxxxx), stored without separators.
///
/// `Debug` masks the number so that it never reaches a log by accident.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Accepts the forms people type: spaces, dashes and a leading +86 / 0086 are dropped.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let err = |key| FieldError::new("phone", key);
        let digits: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .collect();
        if digits.is_empty() {
            return Err(err(MessageKey::Required));
        }
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if valid {
            Ok(Self(digits.to_owned()))
        } else {
            Err(err(MessageKey::PhoneInvalid))
        }
    }

    /// The full number, for the few who need it (the volunteer, their leaders, admins).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown in lists: `138****1234`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = FieldError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_mobile_number_parses() {
        assert_eq!(
            PhoneNumber::parse("13812341234").map(|p| p.0),
            Ok("13812341234".into())
        );
    }

    #[test]
    fn country_code_spaces_and_dashes_are_dropped() {
        let p = PhoneNumber::parse("+86 138-1234-1234").expect("valid");
        assert_eq!(p.as_str(), "13812341234");
        assert_eq!(PhoneNumber::parse("0086 13812341234"), Ok(p));
    }

    #[test]
    fn numbers_that_are_not_mainland_mobiles_are_refused() {
        for bad in [
            "1381234123",
            "138123412345",
            "12812341234",
            "23812341234",
            "1381234123x",
        ] {
            assert_eq!(
                PhoneNumber::parse(bad).map_err(|e| e.key),
                Err(MessageKey::PhoneInvalid),
                "{bad}"
            );
        }
    }

    #[test]
    fn an_empty_number_is_required_not_invalid() {
        assert_eq!(
            PhoneNumber::parse("  ").map_err(|e| e.key),
            Err(MessageKey::Required)
        );
    }

    #[test]
    fn lists_and_logs_see_only_the_masked_form() {
        let p = PhoneNumber::parse("13812345678").expect("valid");
        assert_eq!(p.masked(), "138****5678");
        assert_eq!(format!("{p:?}"), "PhoneNumber(138****5678)");
    }
}
