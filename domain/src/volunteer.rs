//! Volunteers: the person, their registration lifecycle, and the fields of the `/apply` form.

use crate::area::AreaId;
use crate::error::{FieldError, MessageKey};
use crate::phone::PhoneNumber;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VolunteerId(pub i64);

/// applied → registered (or rejected) → suspended / retired → registered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum VolunteerStatus {
    Applied,
    Registered,
    Rejected,
    Suspended,
    Retired,
}

impl VolunteerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Registered => "registered",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
            Self::Retired => "retired",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Some(match s {
            "applied" => Self::Applied,
            "registered" => Self::Registered,
            "rejected" => Self::Rejected,
            "suspended" => Self::Suspended,
            "retired" => Self::Retired,
            _ => return None,
        })
    }

    /// Whether a coordinator may move a volunteer from `self` to `to`.
    pub fn can_become(self, to: Self) -> bool {
        use VolunteerStatus::*;
        matches!(
            (self, to),
            (Applied, Registered)
                | (Applied, Rejected)
                | (Registered, Suspended)
                | (Registered, Retired)
                | (Suspended, Registered)
                | (Suspended, Retired)
                | (Retired, Registered)
        )
    }

    /// Only registered volunteers log in to do duty; the others may still log in to see their
    /// application or history, but cannot sign up or check in.
    pub fn on_duty_roll(self) -> bool {
        self == Self::Registered
    }
}

/// A person's name as they write it: trimmed, 1–32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            Err(FieldError::new("name", MessageKey::Required))
        } else if name.chars().count() > Self::MAX_CHARS {
            Err(FieldError::new("name", MessageKey::TooLong))
        } else if name.chars().any(char::is_control) {
            Err(FieldError::new("name", MessageKey::NameInvalid))
        } else {
            Ok(Self(name.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A login password. Only its length is policed (NIST 800-63B): 8–128 characters.
/// `Debug` never prints it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let n = input.chars().count();
        if n == 0 {
            Err(FieldError::new("password", MessageKey::Required))
        } else if n < Self::MIN_CHARS {
            Err(FieldError::new("password", MessageKey::PasswordTooShort))
        } else if n > Self::MAX_CHARS {
            Err(FieldError::new("password", MessageKey::TooLong))
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A volunteer as storage returns it. Personal fields stay typed so they mask themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Volunteer {
    pub id: VolunteerId,
    pub name: String,
    pub phone: PhoneNumber,
    pub id_number_masked: Option<String>,
    pub home_area_id: AreaId,
    pub status: VolunteerStatus,
    pub vest_no: Option<String>,
    pub skills: Vec<String>,
    pub applied_at_ms: i64,
    /// Set by an admin's reset until the person chooses their own password.
    pub password_temporary: bool,
    /// Bumped when the person renews their calendar link: older links stop working.
    pub calendar_generation: i64,
}

/// A new application (from `/apply`, an import, or the demo seed).
#[derive(Debug, Clone)]
pub struct NewVolunteer {
    pub name: PersonName,
    pub phone: PhoneNumber,
    /// The sealed (encrypted) ID number and its mask, when one was given.
    pub id_number: Option<SealedIdNumber>,
    pub home_area_id: AreaId,
    pub skills: Vec<String>,
    pub location_consent_version: Option<String>,
    pub status: VolunteerStatus,
    pub vest_no: Option<String>,
    pub password_hash: Option<String>,
    pub now_ms: i64,
}

/// An ID number after the server sealed it: ciphertext for the few who may open it, the mask
/// for everyone else.
#[derive(Debug, Clone)]
pub struct SealedIdNumber {
    pub sealed: Vec<u8>,
    pub masked: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lifecycle_allows_only_its_arrows() {
        use VolunteerStatus::*;
        assert!(Applied.can_become(Registered));
        assert!(Suspended.can_become(Registered));
        assert!(!Rejected.can_become(Registered));
        assert!(!Registered.can_become(Applied));
        assert!(!Retired.can_become(Suspended));
        for s in [Applied, Registered, Rejected, Suspended, Retired] {
            assert_eq!(VolunteerStatus::from_db(s.as_str()), Some(s));
        }
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert_eq!(PersonName::parse(" 张伟 ").expect("valid").as_str(), "张伟");
        assert_eq!(
            PersonName::parse("  ").expect_err("invalid").key,
            MessageKey::Required
        );
        assert_eq!(
            PersonName::parse("a\u{0}b").expect_err("invalid").key,
            MessageKey::NameInvalid
        );
        assert_eq!(
            Password::parse("short").expect_err("invalid").key,
            MessageKey::PasswordTooShort
        );
        assert!(
            Password::parse("平安马甲巡逻守护").is_ok(),
            "8 characters, not bytes"
        );
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass").expect("valid")),
            "Password(***)"
        );
    }
}
