//! 居民身份证号 (GB 11643-1999): 17 digits and a checksum character. Personal data: the type
//! masks itself in `Debug`, and storage keeps it only sealed (encrypted) plus the mask.

use crate::error::{FieldError, MessageKey};
use std::fmt;

/// A resident ID number whose checksum is right. Accepts a lowercase `x`.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

/// The ISO 7064 MOD 11-2 weights for the 17 leading digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder 0..=10.
const CHECK: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let err = |key| FieldError::new("id_number", key);
        let id: String = input
            .trim()
            .chars()
            .filter(|c| *c != ' ')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if id.is_empty() {
            return Err(err(MessageKey::Required));
        }
        let bytes = id.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(err(MessageKey::IdNumberInvalid));
        }
        let sum: u32 = bytes[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(err(MessageKey::IdNumberChecksum));
        }
        // Digits 7..15 are the birth date; an impossible date is a typo the checksum can miss.
        let birth = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d");
        if birth.is_err() {
            return Err(err(MessageKey::IdNumberInvalid));
        }
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to those who may see that a number is on file: `3701**********123X`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..4], "*".repeat(10), &self.0[14..])
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends the right check character to 17 digits.
    fn with_check(first17: &str) -> String {
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn the_published_example_number_is_valid() {
        // The worked example of GB 11643-1999.
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        assert_eq!(id.masked(), "1101**********002X");
        assert!(IdNumber::parse("11010519491231002x").is_ok(), "lowercase x");
    }

    #[test]
    fn a_wrong_check_character_is_refused_with_its_own_message() {
        let e = IdNumber::parse("110105194912310021").expect_err("invalid");
        assert_eq!(e.key, MessageKey::IdNumberChecksum);
    }

    #[test]
    fn length_letters_and_impossible_dates_are_refused() {
        for bad in ["12345", "11010519491231002XX", "1101051949123100AX"] {
            assert_eq!(
                IdNumber::parse(bad).expect_err("invalid").key,
                MessageKey::IdNumberInvalid
            );
        }
        let feb30 = with_check("37010219900230123");
        assert_eq!(
            IdNumber::parse(&feb30).expect_err("invalid").key,
            MessageKey::IdNumberInvalid
        );
        assert_eq!(
            IdNumber::parse(" ").expect_err("invalid").key,
            MessageKey::Required
        );
    }

    #[test]
    fn debug_never_shows_the_number() {
        let id = IdNumber::parse("11010519491231002X").expect("valid");
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
