//! The progressive-web-app side: service worker registration, the network status banner and
//! the count of events waiting in the phone's outbox.

use crate::i18n::use_texts;
use leptos::prelude::*;

/// Marks `<html data-hydrated="true">` once the wasm runs: styles and tests can tell a live page
/// from a server-rendered one.
pub fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-hydrated", "true");
    }
}

/// The opaque name of a reader the phone's service worker keeps their offline copies under
/// (`x-pingan-viewer`): a MAC of the person's id, so the worker can tell readers apart without
/// learning who they are.
#[cfg(feature = "ssr")]
pub fn viewer_tag(secrets: &dyn domain::Secrets, id: domain::VolunteerId) -> String {
    let mac = secrets.mac("sw-viewer", &id.0.to_string());
    mac[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Marks a server function's answer as the reader's own data that the service worker may keep
/// for them, to answer the same call when the phone is offline (their own shifts: a patrol that
/// loses signal can still check out). Kept per reader and dropped like their pages.
#[cfg(feature = "ssr")]
pub fn keep_offline_for(secrets: &dyn domain::Secrets, id: domain::VolunteerId) {
    use http::header::{HeaderName, HeaderValue, CACHE_CONTROL};
    let Some(res) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(v) = HeaderValue::from_str(&viewer_tag(secrets, id)) {
        res.insert_header(HeaderName::from_static("x-pingan-viewer"), v);
    }
    res.insert_header(
        HeaderName::from_static("x-pingan-offline"),
        HeaderValue::from_static("keep"),
    );
    res.insert_header(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
}

/// Registers `/sw.js` once the app has hydrated. The worker pre-caches the shell and serves the
/// offline page; without JavaScript the site simply works online.
pub fn register_service_worker() {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return;
        };
        let container = window.navigator().service_worker();
        // The promise's outcome only matters to the worker itself; a failure (e.g. a private
        // window) leaves the site working online, so it is deliberately not awaited.
        let _registration = container.register("/sw.js");
    }
}

/// A strip under the header while the browser reports no network.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let t = use_texts();
    let online = RwSignal::new(true);
    // After hydration only: the server always renders "online", and changing it earlier would
    // make the browser's tree differ from the server's.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::{closure::Closure, JsCast};
        if let Some(window) = web_sys::window() {
            online.set(window.navigator().on_line());
            for (event, value) in [("online", true), ("offline", false)] {
                let handler = Closure::<dyn Fn()>::new(move || online.set(value));
                let _ = window
                    .add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
                // The banner lives as long as the page, so the listener may too.
                handler.forget();
            }
        }
    });
    view! {
        <Show when=move || !online.get()>
            <p class="offline-banner" role="status" data-testid="offline-banner">
                {t.offline_banner}
            </p>
        </Show>
    }
}

/// How many events (check-ins, check-outs, reports) wait in the phone's outbox, on every page:
/// the outbox retries by itself, and the volunteer sees that something is still on the phone.
#[component]
pub fn OutboxStatus() -> impl IntoView {
    let t = use_texts();
    let pending = RwSignal::new(0u32);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| crate::duty::outbox::watch(move |n, _| pending.set(n)));
    view! {
        <Show when=move || { pending.get() > 0 }>
            <p class="outbox-status" role="status" data-testid="outbox-pending">
                {move || t.outbox_pending.replace("{n}", &pending.get().to_string())}
            </p>
        </Show>
    }
}
