//! The report tab, until the incidents feature arrives: it says plainly what will appear here.

use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ReportPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.report_title />
        <h1>{t.report_title}</h1>
        <p class="empty-state">{t.report_intro}</p>
    }
}
