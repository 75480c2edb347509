//! Personal data on demand. Lists show `138****5678`; someone who needs to call a volunteer
//! (their team leader, a coordinator) taps "show number", which checks scope and writes who
//! looked at whose number into the audit log. An association admin also sees the ID number.

use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub phone: String,
    /// Only for those allowed to open the sealed ID number, when one is on file.
    pub id_number: Option<String>,
}

/// What [`reveal_contact`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RevealContactInput {
    pub volunteer_id: i64,
}

#[server(endpoint = "volunteers/contact")]
pub async fn reveal_contact(input: RevealContactInput) -> Result<Contact, AppError> {
    let RevealContactInput { volunteer_id } = input;
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, VolunteerId};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let id = VolunteerId(volunteer_id);
        let (who, v) = crate::auth::require_over_volunteer(store, id, Action::SeeContact).await?;
        let home = store
            .area_path(v.home_area_id)
            .await
            .map_err(AppError::from)?;
        let id_number = if who.may(Action::SeeIdNumber, &home) {
            store
                .sealed_id_number(id)
                .await
                .map_err(AppError::from)?
                .and_then(|sealed| state.secrets.open(&sealed))
        } else {
            None
        };
        store
            .append_audit(&AuditEntry {
                at_ms: chrono::Utc::now().timestamp_millis(),
                actor_id: Some(who.volunteer_id),
                action: "reveal_contact".into(),
                entity: "volunteer".into(),
                entity_id: Some(id.0),
                area_id: Some(v.home_area_id),
                before: None,
                after: Some(format!(r#"{{"id_number":{}}}"#, id_number.is_some())),
            })
            .await
            .map_err(AppError::from)?;
        Ok(Contact {
            phone: v.phone.as_str().to_owned(),
            id_number,
        })
    })
    .await
}

/// A masked number with a "show number" button that swaps in the full one.
#[component]
pub fn ContactReveal(volunteer_id: i64, masked: String) -> impl IntoView {
    let t = use_texts();
    let reveal =
        Action::new(move |id: &i64| reveal_contact(RevealContactInput { volunteer_id: *id }));
    view! {
        <span class="contact" data-testid="person-phone">
            {move || match reveal.value().get() {
                Some(Ok(c)) => {
                    view! {
                        <a href=format!("tel:{}", c.phone) data-testid="full-phone">
                            {c.phone.clone()}
                        </a>
                        {c
                            .id_number
                            .map(|n| {
                                view! {
                                    <span class="muted" data-testid="full-id">
                                        " · "
                                        {n}
                                    </span>
                                }
                            })}
                    }
                        .into_any()
                }
                Some(Err(e)) => {
                    view! {
                        <span>{masked.clone()}</span>
                        <span class="field-error">" "{e.user_message(t)}</span>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <span>{masked.clone()}</span>
                        " "
                        <button
                            type="button"
                            class="link-button"
                            disabled=move || reveal.pending().get()
                            on:click=move |_| {
                                reveal.dispatch(volunteer_id);
                            }
                        >
                            {t.show_contact}
                        </button>
                    }
                        .into_any()
                }
            }}
        </span>
    }
}
