//! The registration code: with an SMS provider configured, `/apply` texts a six-digit code to
//! the number given, and the application is stored only with it (`api::store_application`), so
//! nobody registers someone else's number. Without a provider no code is asked for.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The code as stored: a MAC over the number and the digits, never the digits themselves.
#[cfg(feature = "ssr")]
pub fn code_mac(secrets: &dyn domain::Secrets, phone: &domain::PhoneNumber, code: &str) -> String {
    let mac = secrets.mac("phone-code", &format!("{}:{code}", phone.as_str()));
    mac.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether this installation texts a code before storing an application. Public, like the form.
#[server(endpoint = "volunteers/code-needed")]
pub async fn code_needed() -> Result<bool, AppError> {
    crate::error::answer(async move { Ok(crate::AppState::current()?.codes.is_some()) }).await
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SendCodeInput {
    pub phone: String,
}

/// Texts a fresh code to the number (replacing an earlier one); answers the number masked, as
/// the page repeats it. At most one text a minute and five a day per number, twenty an hour per
/// client; a number already registered gets none (it is refused as taken, as the form would).
#[server(endpoint = "volunteers/send-code")]
pub async fn send_code(input: SendCodeInput) -> Result<String, AppError> {
    crate::error::answer(async move {
        use crate::throttle::Limit;
        use domain::phone_code::{code_from, CODE_TTL_MS};
        use domain::{FieldError, MessageKey, PhoneNumber};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let Some(codes) = state.codes.clone() else {
            return Err(AppError::NotFound);
        };
        let phone = PhoneNumber::parse(&input.phone).map_err(AppError::Invalid)?;
        if store.volunteer_by_phone(&phone).await?.is_some() {
            return Err(FieldError::new("phone", MessageKey::PhoneTaken).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let client = crate::auth::client_addr();
        crate::throttle::take(
            store,
            state.secrets.as_ref(),
            &[
                (Limit::CODE_TEXT_NUMBER, phone.as_str()),
                (Limit::CODE_TEXT_NUMBER_DAY, phone.as_str()),
                (Limit::CODE_TEXT_CLIENT, &client),
            ],
            now,
        )
        .await?;
        let code = code_from(uuid::Uuid::new_v4().as_u128());
        let mac = code_mac(state.secrets.as_ref(), &phone, &code);
        store
            .put_phone_code(&phone, &mac, now, now + CODE_TTL_MS)
            .await?;
        if let Err(why) = codes.send_code(&phone, &code).await {
            tracing::warn!(phone = %phone.masked(), "registration code not sent: {why}");
            return Err(FieldError::new("phone", MessageKey::SmsNotSent).into());
        }
        Ok(phone.masked())
    })
    .await
}
