//! The volunteer's tab pages. Their content arrives with the shifts, incidents and hours
//! features; until then each says plainly what will appear here.

use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ShiftsPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.shifts_title />
        <h1>{t.shifts_title}</h1>
        <p class="empty-state">{t.shifts_empty}</p>
    }
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.report_title />
        <h1>{t.report_title}</h1>
        <p class="empty-state">{t.report_intro}</p>
    }
}

#[component]
pub fn HoursPage() -> impl IntoView {
    let t = use_texts();
    view! {
        <Title text=t.hours_title />
        <h1>{t.hours_title}</h1>
        <p class="empty-state">{t.hours_empty}</p>
    }
}
