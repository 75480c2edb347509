//! A check event on the wire: what the phone's outbox sends to `POST /api/checks` (a plain
//! JSON route, so the service worker can replay it without the app) and what comes back.

use serde::{Deserialize, Serialize};

/// Where the outbox sends check events.
pub const CHECKS_URL: &str = "/api/checks";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckInput {
    /// A UUIDv7 made on the phone when the button was pressed.
    pub client_key: String,
    pub assignment_id: i64,
    /// "in" or "out".
    pub kind: String,
    /// The phone's clock when the button was pressed (epoch ms).
    pub made_at: i64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// The leader's six-digit code, instead of a position.
    pub code: Option<String>,
    /// Why the volunteer checks in outside the site.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckAnswer {
    pub client_key: String,
    /// `false` when this was a repeat of an event stored before.
    pub stored: bool,
    /// inside, outside, unknown, qr or auto.
    pub proof: String,
    pub made_at: i64,
    /// On a check-out: the minutes claimed for the shift.
    pub minutes: Option<u32>,
}

#[cfg(feature = "ssr")]
impl CheckAnswer {
    pub fn of(event: &domain::CheckEvent, stored: bool, minutes: Option<u32>) -> Self {
        Self {
            client_key: event.client_key.clone(),
            stored,
            proof: event.proof.as_str().to_owned(),
            made_at: event.made_at,
            minutes,
        }
    }
}
