//! Every page must carry its Content-Security-Policy with the nonce of its hydration scripts:
//! under the fallback policy (`default-src 'self'`) those scripts are blocked and the page never
//! hydrates — buttons dead, the volunteer stuck. Leptos sets the header while rendering
//! (`app::shell`), but under concurrent load a rendered page was seen leaving without it
//! (about one page in a few hundred in the browser tests). So the nonce is also noted here, in
//! a slot the request carries, and the policy is set from it when the header is missing.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, Mutex};

/// Where the page render leaves its nonce for [`ensure`].
#[derive(Clone, Default)]
struct NonceSlot(Arc<Mutex<Option<String>>>);

/// Called in the Leptos context of every page render: notes this response's nonce.
pub fn remember_nonce() {
    use leptos::prelude::use_context;
    let (Some(parts), Some(nonce)) = (
        use_context::<http::request::Parts>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    if let Some(slot) = parts.extensions.get::<NonceSlot>() {
        if let Ok(mut held) = slot.0.lock() {
            *held = Some(nonce.to_string());
        }
    }
}

/// Middleware: gives the request a nonce slot; an HTML answer without a policy gets the page
/// policy with the nonce its render noted.
pub async fn ensure(mut req: Request, next: Next) -> Response {
    let slot = NonceSlot::default();
    req.extensions_mut().insert(slot.clone());
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        return res;
    }
    let nonce = slot.0.lock().ok().and_then(|n| n.clone());
    if nonce.is_none() {
        tracing::warn!(%path, "page rendered without a nonce: its scripts will not run");
    }
    if let Ok(value) = HeaderValue::from_str(&app::page_policy(nonce.as_deref())) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    res
}
