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

/// The plain-form way to check in with the leader's code, or to check out (JavaScript off, or
/// the app's code not yet arrived on a slow network): judged and stored like the outbox's
/// events, without a position. A check-in by position needs the app to ask the phone where it
/// is, so without a code it is refused with a message that says so — and the code is offered
/// beside it.
#[leptos::server(endpoint = "shifts/check-form")]
pub async fn check_by_form(
    assignment_id: i64,
    kind: String,
    code: Option<String>,
) -> Result<(), crate::AppError> {
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let code = code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if kind == "in" && code.is_none() {
            return Err(FieldError::new("code", MessageKey::CheckInNeedsApp).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let input = CheckInput {
            // Made here: a form has no outbox to give it one. A second press is refused by
            // the one-check-in-in-force rule, not stored twice.
            client_key: uuid::Uuid::now_v7().to_string(),
            assignment_id,
            kind,
            made_at: now,
            lat: None,
            lon: None,
            accuracy_m: None,
            code,
            reason: None,
        };
        // "Made by another" tells the outbox of a shared phone to keep an event for its maker;
        // a form has no outbox, and someone else's sign-up is simply not the reader's to see.
        match super::service::record_check(&state, &who, &input, now).await {
            Ok(_) => Ok(()),
            Err(crate::AppError::MadeByAnother) => Err(crate::AppError::NotFound),
            Err(e) => Err(e),
        }
    })
    .await
}
