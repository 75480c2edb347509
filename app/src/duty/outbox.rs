//! The wasm side of the outbox (`public/outbox.js`): hand it an event, learn what became of it,
//! and hear when waiting events go out. The script keeps events in IndexedDB so the service
//! worker can send them too; this module only talks to it.

use serde::Deserialize;

/// What the outbox did with one event.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Outcome {
    /// "sent", "waiting" (kept; sent when the network returns) or "refused" (dropped).
    pub status: String,
    pub client_key: Option<String>,
    /// The server's answer when sent.
    pub answer: Option<serde_json::Value>,
    /// The server's reason when refused, in the reader's language.
    pub error: Option<String>,
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Outcome;
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{closure::Closure, JsCast, JsValue};

    fn outbox() -> Option<JsValue> {
        let window = web_sys::window()?;
        Reflect::get(&window, &JsValue::from_str("PinganOutbox"))
            .ok()
            .filter(|v| v.is_object())
    }

    fn method(outbox: &JsValue, name: &str) -> Option<Function> {
        Reflect::get(outbox, &JsValue::from_str(name))
            .ok()?
            .dyn_into()
            .ok()
    }

    /// A UUIDv7 for a new event.
    pub fn new_key() -> Option<String> {
        let outbox = outbox()?;
        method(&outbox, "uuidv7")?.call0(&outbox).ok()?.as_string()
    }

    /// Keeps `body` (JSON) in the outbox and tries to send it to `url` now.
    pub async fn submit(url: &str, body: &str) -> Result<Outcome, String> {
        let outbox = outbox().ok_or("outbox script not loaded")?;
        let submit = method(&outbox, "submit").ok_or("outbox.submit missing")?;
        let promise: Promise = submit
            .call2(&outbox, &JsValue::from_str(url), &JsValue::from_str(body))
            .map_err(|e| format!("{e:?}"))?
            .dyn_into()
            .map_err(|_| "outbox.submit did not return a promise".to_owned())?;
        let text = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(|e| format!("{e:?}"))?
            .as_string()
            .ok_or("outbox answer is not text")?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }

    /// Calls `changed(pending, sent_keys)` whenever the outbox reports, and once at start.
    pub fn watch(changed: impl Fn(u32, Vec<String>) + 'static) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let changed = std::rc::Rc::new(changed);
        let on_event = {
            let changed = changed.clone();
            Closure::<dyn Fn(web_sys::CustomEvent)>::new(move |ev: web_sys::CustomEvent| {
                let detail = ev.detail();
                let pending = Reflect::get(&detail, &JsValue::from_str("pending"))
                    .ok()
                    .and_then(|v| v.as_f64())
                    .unwrap_or(0.0) as u32;
                let mut sent = Vec::new();
                if let Ok(results) = Reflect::get(&detail, &JsValue::from_str("results")) {
                    for r in js_sys::Array::from(&results).iter() {
                        let status = Reflect::get(&r, &JsValue::from_str("status"))
                            .ok()
                            .and_then(|v| v.as_string());
                        let key = Reflect::get(&r, &JsValue::from_str("client_key"))
                            .ok()
                            .and_then(|v| v.as_string());
                        // Stored events change what the page shows; a refused one changed
                        // nothing, and reading the list again would wipe the card's own
                        // message saying why it was refused.
                        if let (Some(status), Some(key)) = (status, key) {
                            if status == "sent" {
                                sent.push(key);
                            }
                        }
                    }
                }
                changed(pending, sent);
            })
        };
        let _ = window
            .add_event_listener_with_callback("pingan-outbox", on_event.as_ref().unchecked_ref());
        // The listener lives as long as the page.
        on_event.forget();
        if let Some(outbox) = outbox() {
            if let Some(pending) = method(&outbox, "pending")
                .and_then(|f| f.call0(&outbox).ok())
                .and_then(|p| p.dyn_into::<Promise>().ok())
            {
                leptos::task::spawn_local(async move {
                    if let Ok(n) = wasm_bindgen_futures::JsFuture::from(pending).await {
                        changed(n.as_f64().unwrap_or(0.0) as u32, Vec::new());
                    }
                });
            }
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{new_key, submit, watch};
