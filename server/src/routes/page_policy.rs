//! Every page carries its Content-Security-Policy with the nonce of its hydration scripts:
//! under the fallback policy (`default-src 'self'`) those scripts are blocked and the page never
//! hydrates — buttons dead, the volunteer stuck. The render notes its nonce in a slot the
//! request carries, and this middleware writes the policy (and keeps pages out of shared caches)
//! on every HTML answer. Setting these headers through Leptos' `ResponseOptions` while rendering
//! was tried first: under concurrent load about one page in a few hundred left without them.

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

/// Image origins beyond this one a page may load: the configured map tile service, if any.
#[derive(Debug, Clone, Default)]
pub struct ImageSources(Option<Arc<str>>);

impl ImageSources {
    pub fn of(tiles: Option<&app::incidents::TileLayer>) -> Self {
        Self(tiles.and_then(|t| t.origin()).map(Arc::from))
    }
}

/// The policy of a page: only scripts carrying this response's nonce (Leptos' own hydration
/// scripts) run inline; everything else must come from this origin (images also from the
/// tile service).
pub fn page_policy(nonce: Option<&str>, images: &ImageSources) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    let tiles = images
        .0
        .as_deref()
        .map(|o| format!(" {o}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:{tiles}; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Middleware: gives the request a nonce slot; an HTML answer gets the page policy with the
/// nonce its render noted, and `private, no-cache` (pages hold personal data).
pub async fn set_page_headers(
    axum::extract::State(images): axum::extract::State<ImageSources>,
    mut req: Request,
    next: Next,
) -> Response {
    // Pages are GETs; the hot POST routes (check-ins) skip the slot entirely.
    if req.method() != axum::http::Method::GET {
        return next.run(req).await;
    }
    let slot = NonceSlot::default();
    req.extensions_mut().insert(slot.clone());
    let uri = req.uri().clone();
    let mut res = next.run(req).await;
    let html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return res;
    }
    let nonce = slot.0.lock().ok().and_then(|n| n.clone());
    if nonce.is_none() {
        tracing::warn!(path = %uri.path(), "page rendered without a nonce: its scripts will not run");
    }
    if let Ok(value) = HeaderValue::from_str(&page_policy(nonce.as_deref(), &images)) {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    // The volunteer's own field pages may be kept by the phone's service worker for reading
    // offline (for the same reader only); every other page — lists of people, the audit log,
    // an incident with its reporter — is never stored anywhere.
    if offline_keepable(uri.path()) {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        res.headers_mut().insert(
            header::HeaderName::from_static("x-pingan-offline"),
            HeaderValue::from_static("keep"),
        );
    } else {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    res
}

/// The pages a volunteer needs on patrol that show nobody's data but their own (their shifts,
/// hours, reports, and their community's public incidents without reporters).
pub const OFFLINE_PAGES: [&str; 9] = [
    "/",
    "/shifts",
    "/me",
    "/me/hours",
    "/incidents/new",
    "/incidents",
    "/login",
    "/apply",
    "/offline",
];

pub fn offline_keepable(path: &str) -> bool {
    OFFLINE_PAGES.contains(&path)
}
