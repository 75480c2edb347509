//! Accounts: passwords, database-backed sessions, the login and logout forms, and the
//! middleware that tells every request who is asking.

pub mod password;
pub mod routes;
pub mod session;

pub use session::{resolve_session, SessionPolicy};

/// Milliseconds since the Unix epoch: the storage's clock unit.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
