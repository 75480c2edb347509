//! Sending a checked report off: into the phone's outbox with the UUIDv7 that makes it
//! exactly-once, and what became of it.

#[cfg(feature = "hydrate")]
use super::wire::{ReportAnswer, ReportInput, INCIDENTS_URL};
#[cfg(feature = "hydrate")]
use leptos::prelude::*;

/// What became of the last report sent off.
#[cfg_attr(
    not(feature = "hydrate"),
    allow(dead_code, reason = "only the browser sends reports")
)]
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Sent {
    Stored(i64),
    Queued,
}

/// Hands a checked report to the outbox (with the UUIDv7 that makes it exactly-once) and
/// reports what became of it.
#[cfg(feature = "hydrate")]
pub(super) fn send_report(
    mut input: ReportInput,
    sending: RwSignal<bool>,
    sent: RwSignal<Option<Sent>>,
    error: RwSignal<Option<(String, String)>>,
    t: &'static crate::i18n::Texts,
) {
    let Some(client_key) = crate::duty::outbox::new_key() else {
        error.set(Some(("form".into(), t.error_internal.to_owned())));
        return;
    };
    input.client_key = client_key;
    let Ok(json) = serde_json::to_string(&input) else {
        return;
    };
    sending.set(true);
    leptos::task::spawn_local(async move {
        let outcome = crate::duty::outbox::submit(INCIDENTS_URL, &json).await;
        sending.set(false);
        match outcome {
            Ok(o) if o.status == "sent" => {
                let id = o
                    .answer
                    .and_then(|a| serde_json::from_value::<ReportAnswer>(a).ok())
                    .map(|a| a.id)
                    .unwrap_or_default();
                sent.set(Some(Sent::Stored(id)));
            }
            Ok(o) if o.status == "waiting" => sent.set(Some(Sent::Queued)),
            Ok(o) => error.set(Some((
                "form".into(),
                o.error.unwrap_or_else(|| t.error_internal.to_owned()),
            ))),
            Err(_) => error.set(Some(("form".into(), t.error_internal.to_owned()))),
        }
    });
}

/// The phone's clock (epoch ms). `chrono`'s clock is not available in wasm; the browser's is.
pub(super) fn phone_clock_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}
