//! Rate limits for what a person or a client can do many times: logins, applications, check-in
//! codes, track points, reports. Counted in the database (every app server sees the same
//! counts), keyed by a MAC of what is limited so the table holds no phone number or address.

use crate::AppError;
use domain::{RateLimit, Secrets, Storage};

/// One kind of limit: at most `limit` hits per `window_ms` for one subject.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Names the limit in its key, so two limits on the same subject never share a counter.
    pub name: &'static str,
    pub limit: u32,
    pub window_ms: i64,
}

const MINUTE_MS: i64 = 60_000;

impl Limit {
    /// Failed logins for one number from one client: guessing one account from one place.
    pub const LOGIN_PAIR: Limit = Limit {
        name: "login-pair",
        limit: 5,
        window_ms: 15 * MINUTE_MS,
    };
    /// Failed logins for one number from anywhere: the slow, distributed guess. Past
    /// `LOGIN_FREE_FAILURES` each failure starts a growing backoff (see `login_backoff_ms`),
    /// so the owner waits minutes, never days.
    pub const LOGIN_NUMBER: Limit = Limit {
        name: "login-number",
        limit: 200,
        window_ms: 24 * 60 * MINUTE_MS,
    };
    /// Applications from one client.
    pub const APPLY_CLIENT: Limit = Limit {
        name: "apply-client",
        limit: 10,
        window_ms: 60 * MINUTE_MS,
    };
    /// Check-in codes tried for one assignment: six digits must not be guessable.
    pub const CODE_ASSIGNMENT: Limit = Limit {
        name: "code-assignment",
        limit: 10,
        window_ms: 10 * MINUTE_MS,
    };
    /// Registration codes texted to one number: one a minute…
    pub const CODE_TEXT_NUMBER: Limit = Limit {
        name: "code-text-number",
        limit: 1,
        window_ms: MINUTE_MS,
    };
    /// …and five a day, so nobody can use the form to flood someone's phone.
    pub const CODE_TEXT_NUMBER_DAY: Limit = Limit {
        name: "code-text-number-day",
        limit: 5,
        window_ms: 24 * 60 * MINUTE_MS,
    };
    /// Registration codes asked for from one client (to any numbers).
    pub const CODE_TEXT_CLIENT: Limit = Limit {
        name: "code-text-client",
        limit: 20,
        window_ms: 60 * MINUTE_MS,
    };
    /// Incident reports by one person.
    pub const REPORTS_PERSON: Limit = Limit {
        name: "reports-person",
        limit: 30,
        window_ms: 60 * MINUTE_MS,
    };
}

/// Failures for one number, from anywhere, before each further one starts a backoff.
pub const LOGIN_FREE_FAILURES: u32 = 10;

/// The wait after the `failures`-th failed login for a number: nothing up to
/// `LOGIN_FREE_FAILURES`, then 30 s doubling with each failure, never more than 15 minutes.
pub fn login_backoff_ms(failures: u32) -> i64 {
    let over = failures.saturating_sub(LOGIN_FREE_FAILURES);
    if over == 0 {
        return 0;
    }
    let doubled = 30_000i64.saturating_mul(1i64 << (over - 1).min(20));
    doubled.min(15 * MINUTE_MS)
}

/// The stored key of `limit` for `subject` (a number, an address, an id).
pub fn key(secrets: &dyn Secrets, limit: &Limit, subject: &str) -> String {
    let mac = secrets.mac("rate-limit", &format!("{}:{subject}", limit.name));
    mac[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts one hit for each `(limit, subject)`, all or none; over any limit answers
/// `RateLimited` and counts nothing. Returns each key and its count after this hit.
pub async fn take(
    store: &dyn Storage,
    secrets: &dyn Secrets,
    hits: &[(Limit, &str)],
    now_ms: i64,
) -> Result<Vec<(String, u32)>, Refused> {
    let limits: Vec<RateLimit> = hits
        .iter()
        .map(|(limit, subject)| RateLimit {
            key_hash: key(secrets, limit, subject),
            limit: limit.limit,
            window_ms: limit.window_ms,
        })
        .collect();
    match store.rate_limit_take(&limits, now_ms).await {
        Ok(Ok(counts)) => Ok(limits.into_iter().map(|l| l.key_hash).zip(counts).collect()),
        Ok(Err(free_at)) => Err(Refused::Limited {
            wait_minutes: minutes_until(free_at, now_ms),
        }),
        Err(e) => Err(Refused::Storage(e)),
    }
}

/// Why `take` refused.
#[derive(Debug)]
pub enum Refused {
    /// Over a limit; free again in this many minutes (at least one).
    Limited {
        wait_minutes: u32,
    },
    Storage(domain::StorageError),
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Limited { .. } => AppError::RateLimited,
            Refused::Storage(e) => e.into(),
        }
    }
}

fn minutes_until(at_ms: i64, now_ms: i64) -> u32 {
    let ms = (at_ms - now_ms).max(0);
    u32::try_from((ms + MINUTE_MS - 1) / MINUTE_MS)
        .unwrap_or(u32::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_after_the_free_failures_doubles_and_stops_at_fifteen_minutes() {
        assert_eq!(login_backoff_ms(LOGIN_FREE_FAILURES), 0);
        assert_eq!(login_backoff_ms(LOGIN_FREE_FAILURES + 1), 30_000);
        assert_eq!(login_backoff_ms(LOGIN_FREE_FAILURES + 2), 60_000);
        assert_eq!(login_backoff_ms(LOGIN_FREE_FAILURES + 3), 120_000);
        assert_eq!(login_backoff_ms(LOGIN_FREE_FAILURES + 40), 15 * MINUTE_MS);
        assert_eq!(login_backoff_ms(u32::MAX), 15 * MINUTE_MS);
    }

    #[test]
    fn a_wait_is_rounded_up_to_whole_minutes_and_never_zero() {
        assert_eq!(minutes_until(1_000, 1_000), 1);
        assert_eq!(minutes_until(61_000, 1_000), 1);
        assert_eq!(minutes_until(61_001, 1_000), 2);
    }
}
