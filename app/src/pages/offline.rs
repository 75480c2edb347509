use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Pre-cached by the service worker and shown for any page that cannot be fetched offline.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let t = use_texts();
    // The page the reader wanted (the service worker passes it); "retry" goes back there.
    // The service worker serves the pre-cached `/offline` (rendered without the query), and
    // hydration keeps server-rendered attributes, so the link is set once the app runs.
    let query = use_query_map();
    let retry = RwSignal::new("/".to_owned());
    Effect::new(move |_| {
        let from = query.with(|q| q.get("from"));
        if let Some(p) = from.filter(|p| is_local_path(p)) {
            retry.set(p);
        }
    });
    view! {
        <Title text=t.offline_title />
        <section class="notice" data-testid="offline-page">
            <h1>{t.offline_title}</h1>
            <p>{t.offline_body}</p>
            <a class="button" href=move || retry.get() data-testid="retry">
                {t.retry}
            </a>
        </section>
    }
}

/// Shown in a page's place when the page's code (its wasm chunk) could not be fetched: offline,
/// on a page whose code the phone has not downloaded yet. "Retry" loads the page afresh.
#[component]
pub fn PageNotLoaded() -> impl IntoView {
    let t = use_texts();
    let here = leptos_router::hooks::use_location().pathname;
    view! {
        <section class="notice" data-testid="page-not-loaded" role="alert">
            <h1>{t.offline_title}</h1>
            <p>{t.page_not_loaded}</p>
            // `rel="external"`: a full load, not the router, which would try the chunk again
            // without the page's data.
            <a class="button" href=move || here.get() rel="external">
                {t.retry}
            </a>
        </section>
    }
}

/// Only a path on this site: never `//other.host` or `/\\other.host`, which browsers treat as
/// another site.
fn is_local_path(p: &str) -> bool {
    p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn retry_leads_only_to_this_site() {
        assert!(is_local_path("/incidents/new"));
        assert!(!is_local_path("//evil.example/x"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
    }
}
