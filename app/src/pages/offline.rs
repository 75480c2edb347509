use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Pre-cached by the service worker and shown for any page that cannot be fetched offline.
#[component]
pub fn OfflinePage() -> impl IntoView {
    let t = use_texts();
    // The page the reader wanted (the service worker passes it); "retry" goes back there.
    let query = use_query_map();
    let retry = move || {
        query.with(|q| {
            q.get("from")
                .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\"))
                .unwrap_or_else(|| "/".to_owned())
        })
    };
    view! {
        <Title text=t.offline_title />
        <section class="notice" data-testid="offline-page">
            <h1>{t.offline_title}</h1>
            <p>{t.offline_body}</p>
            <a class="button" href=retry data-testid="retry">{t.retry}</a>
        </section>
    }
}
