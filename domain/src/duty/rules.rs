//! The settings an association gives its duty rules, and the two small rules that read them
//! at check-in time: when a shift accepts check events, and the leader's rotating code.

use super::fatigue::FatigueRules;
use super::shift::ShiftWindow;
use super::stars::StarLevels;
use super::MINUTE_MS;
use crate::secrets::Secrets;

/// How long a check-in code shown on the leader's phone stays the current one.
pub const CODE_PERIOD_MS: i64 = 30_000;

#[derive(Debug, Clone, PartialEq)]
pub struct DutyRules {
    /// Minutes before and after the shift window that still count as service (default 15).
    pub grace_minutes: u32,
    /// A sign-up can be cancelled online until this many minutes before the start (default
    /// 120); after that the volunteer calls the leader, who then knows to find a stand-in.
    pub cancel_cutoff_minutes: u32,
    /// Pending hours confirm themselves after this many days (default 7).
    pub auto_confirm_days: u32,
    /// Check-in opens this many minutes before the start (default 60).
    pub check_in_opens_minutes: u32,
    /// Patrol tracks are kept in full this many days, then reduced (default 90).
    pub track_retention_days: u32,
    /// The longest shift a leader may plan in one go (default 12 hours); longer duty is two
    /// shifts, so each has its own check-in and its own hours.
    pub max_shift_minutes: u32,
    pub stars: StarLevels,
    pub fatigue: FatigueRules,
    /// What duty in a sensitive period earns beside its hours, by the period's level.
    pub credit: crate::duty_period::credit::CreditRules,
}

impl Default for DutyRules {
    fn default() -> Self {
        Self {
            grace_minutes: 15,
            cancel_cutoff_minutes: 120,
            auto_confirm_days: 7,
            check_in_opens_minutes: 60,
            track_retention_days: 90,
            max_shift_minutes: 12 * 60,
            stars: StarLevels::default(),
            fatigue: FatigueRules::default(),
            credit: Default::default(),
        }
    }
}

impl DutyRules {
    /// Whether a check event made at `made_at` belongs to the shift: from check-in opening
    /// until the end plus grace (after that the sweeper closes the shift instead).
    pub fn accepts_check(&self, window: ShiftWindow, made_at: i64) -> bool {
        let opens = window.starts_at - i64::from(self.check_in_opens_minutes) * MINUTE_MS;
        let closes = window.ends_at + i64::from(self.grace_minutes) * MINUTE_MS;
        (opens..=closes).contains(&made_at)
    }
}

/// The six-digit check-in code of `shift` for the 30-second period holding `at`. Keyed by the
/// server's secret, so only the server (and the leader's page it renders) knows it.
pub fn check_in_code(secrets: &dyn Secrets, shift: i64, at: i64) -> String {
    code_for_period(secrets, shift, at.div_euclid(CODE_PERIOD_MS))
}

fn code_for_period(secrets: &dyn Secrets, shift: i64, period: i64) -> String {
    let mac = secrets.mac("check-in-code", &format!("{shift}:{period}"));
    let n = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
    format!("{n:06}")
}

/// Whether `code` was the shift's code at `made_at` or in the period before (typing a code
/// read off another phone takes a few seconds).
pub fn code_matches(secrets: &dyn Secrets, shift: i64, made_at: i64, code: &str) -> bool {
    let code = code.trim();
    let period = made_at.div_euclid(CODE_PERIOD_MS);
    code.len() == 6
        && [period, period - 1]
            .into_iter()
            .any(|p| code_for_period(secrets, shift, p) == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_events_are_accepted_from_an_hour_before_until_the_grace_after() {
        let rules = DutyRules::default();
        let w = ShiftWindow::new(10 * 3_600_000, 14 * 3_600_000).expect("window");
        assert!(rules.accepts_check(w, w.starts_at - 60 * MINUTE_MS));
        assert!(!rules.accepts_check(w, w.starts_at - 61 * MINUTE_MS));
        assert!(rules.accepts_check(w, w.ends_at + 15 * MINUTE_MS));
        assert!(!rules.accepts_check(w, w.ends_at + 16 * MINUTE_MS));
    }
}
