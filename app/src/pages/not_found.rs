use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

/// Answers with status 404 on the server, so crawlers and monitors see a real miss.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = use_texts();
    view! {
        <Title text=t.not_found_title />
        <section class="notice">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <a class="button" href="/">
                {t.back_home}
            </a>
        </section>
    }
}
