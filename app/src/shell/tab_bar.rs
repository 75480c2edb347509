//! The volunteer's bottom tab bar: four destinations within thumb reach.

use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TabBar() -> impl IntoView {
    let t = use_texts();
    view! {
        <nav class="tab-bar" aria-label=t.app_name>
            <A href="/shifts" attr:class="tab" exact=true>
                <TabIcon path="M7 3v2M17 3v2M4 8h16M5 5h14a1 1 0 0 1 1 1v13a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zM8 12h3v3H8z" />
                <span>{t.tab_shifts}</span>
            </A>
            <A href="/incidents/new" attr:class="tab" exact=true>
                <TabIcon path="M12 3l9 16H3zM12 10v4M12 17v.5" />
                <span>{t.tab_report}</span>
            </A>
            <A href="/me/hours" attr:class="tab" exact=true>
                <TabIcon path="M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2" />
                <span>{t.tab_hours}</span>
            </A>
            <A href="/me" attr:class="tab" exact=true>
                <TabIcon path="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0" />
                <span>{t.tab_me}</span>
            </A>
        </nav>
    }
}

#[component]
fn TabIcon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="tab-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d=path />
        </svg>
    }
}
