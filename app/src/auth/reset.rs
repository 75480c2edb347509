//! An association admin resets a volunteer's password: a temporary one is shown once to the
//! admin (to pass on in person or by phone), every session of that volunteer ends, and the
//! audit log records who did it — never the password.

use crate::AppError;
use leptos::prelude::*;

/// What [`reset_password`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ResetPasswordInput {
    pub volunteer_id: i64,
}

#[server(endpoint = "accounts/reset-password")]
pub async fn reset_password(input: ResetPasswordInput) -> Result<String, AppError> {
    let ResetPasswordInput { volunteer_id } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, VolunteerId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let id = VolunteerId(volunteer_id);
        let (who, v) = crate::auth::require_outranking(store, id, Action::ResetPassword).await?;
        let temporary = state.secrets.temporary_password();
        let hash = state
            .secrets
            .hash_password(&temporary)
            .await
            .map_err(|e| AppError::internal("password hash", e))?;
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "reset_password".into(),
            entity: "volunteer".into(),
            entity_id: Some(id.0),
            area_id: Some(v.home_area_id),
            before: None,
            after: None,
        };
        store
            .reset_password(id, &hash, now, &audit)
            .await
            .map_err(AppError::from)?;
        Ok(temporary.expose().to_owned())
    })
    .await
}
