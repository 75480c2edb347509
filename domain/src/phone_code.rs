//! The code texted to a mobile number before an application is stored, so nobody registers a
//! number that is not theirs: six digits, valid 5 minutes, 5 tries, one text a minute.

use crate::error::{FieldError, MessageKey};

/// How long a code may be used.
pub const CODE_TTL_MS: i64 = 5 * 60_000;
/// Wrong entries before the code is spent and a new one must be asked for.
pub const CODE_TRIES: u32 = 5;

/// The code as typed: six digits (spaces around are forgiven).
pub fn parse_code(input: &str) -> Result<String, FieldError> {
    let code = input.trim();
    if code.is_empty() {
        return Err(FieldError::new("code", MessageKey::PhoneCodeRequired));
    }
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new("code", MessageKey::PhoneCodeWrong));
    }
    Ok(code.to_owned())
}

/// Six digits from a random number (leading zeros kept: every code is equally likely).
pub fn code_from(random: u128) -> String {
    format!("{:06}", random % 1_000_000)
}

/// What storage found for a code entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, and now spent.
    Matches,
    Wrong,
    Expired,
    /// Too many wrong entries: ask for a new code.
    Exhausted,
    /// No code was sent to this number (or it was spent).
    Missing,
}

impl CodeCheck {
    /// The refusal to show at the code field, `None` when it matches.
    pub fn refusal(self) -> Option<FieldError> {
        let key = match self {
            Self::Matches => return None,
            Self::Wrong => MessageKey::PhoneCodeWrong,
            Self::Expired | Self::Missing => MessageKey::PhoneCodeExpired,
            Self::Exhausted => MessageKey::PhoneCodeTooManyTries,
        };
        Some(FieldError::new("code", key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn six_digits_and_nothing_else() {
        assert_eq!(parse_code(" 012345 "), Ok("012345".to_owned()));
        for bad in ["12345", "1234567", "12a456", "１２３４５６"] {
            assert_eq!(
                parse_code(bad).map_err(|e| e.key),
                Err(MessageKey::PhoneCodeWrong)
            );
        }
        assert_eq!(
            parse_code("").map_err(|e| e.key),
            Err(MessageKey::PhoneCodeRequired)
        );
    }

    #[test]
    fn each_outcome_has_its_message_at_the_code_field() {
        assert!(CodeCheck::Matches.refusal().is_none());
        assert_eq!(
            CodeCheck::Wrong.refusal().map(|e| e.key),
            Some(MessageKey::PhoneCodeWrong)
        );
        assert_eq!(
            CodeCheck::Exhausted.refusal().map(|e| e.key),
            Some(MessageKey::PhoneCodeTooManyTries)
        );
        assert_eq!(
            CodeCheck::Expired.refusal().map(|e| e.field.into_owned()),
            Some("code".to_owned())
        );
    }

    proptest! {
        #[test]
        fn every_code_made_parses(r in any::<u128>()) {
            let code = code_from(r);
            prop_assert_eq!(parse_code(&code), Ok(code.clone()));
        }
    }
}
