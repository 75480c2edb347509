//! The volunteer's calendar link (`/calendar/{token}.ics`): shown on `/shifts`, with a way to
//! replace it when it was shared too widely — the old link stops working at once. Renewing is
//! audited.

use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;

/// The reader's current calendar link.
#[cfg(feature = "ssr")]
pub async fn calendar_url(
    state: &crate::AppState,
    volunteer: domain::VolunteerId,
) -> Result<String, AppError> {
    let person = state
        .storage
        .volunteer(volunteer)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    Ok(format!(
        "/calendar/{}.ics",
        super::service::calendar_token(
            state.secrets.as_ref(),
            volunteer,
            person.calendar_generation
        )
    ))
}

/// Makes the reader a new calendar link; the old one answers "not found" from now on.
#[server(endpoint = "shifts/calendar-renew")]
pub async fn renew_calendar() -> Result<String, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let audit = domain::AuditEntry {
            at_ms: chrono::Utc::now().timestamp_millis(),
            actor_id: Some(who.volunteer_id),
            action: "renew_calendar".into(),
            entity: "volunteer".into(),
            entity_id: Some(who.volunteer_id.0),
            area_id: who.home.leaf(),
            before: None,
            after: None,
        };
        state
            .storage
            .renew_calendar(who.volunteer_id, &audit)
            .await
            .map_err(AppError::from)?;
        calendar_url(&state, who.volunteer_id).await
    })
    .await
}

#[component]
pub fn CalendarLink(url: String) -> impl IntoView {
    let d = use_texts().duty;
    let url = RwSignal::new(url);
    let renew = ServerAction::<RenewCalendar>::new();
    Effect::new(move |_| {
        if let Some(Ok(new)) = renew.value().get() {
            url.set(new);
        }
    });
    let renewed = move || matches!(renew.value().get(), Some(Ok(_)));
    view! {
        <div class="stack calendar-link">
            <a class="shortcut" href=move || url.get() data-testid="calendar-link">
                {d.calendar_feed}
            </a>
            <ActionForm action=renew>
                <button type="submit" class="button small" data-testid="calendar-renew">
                    {d.calendar_renew}
                </button>
            </ActionForm>
            <Show when=renewed>
                <p class="alert ok" role="status">
                    {d.calendar_renewed}
                </p>
            </Show>
        </div>
    }
}
