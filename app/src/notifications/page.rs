//! `/notifications`: the reader's notices grouped by day, newest first. Each notice is a plain
//! form button (open = mark read and go to what it is about), so the list works before the
//! page's script arrives or without it.

use super::api::{centre, CentreInput, CentreView, DayGroup, NoticeView};
use crate::i18n::use_texts;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    let n = t.notify;
    let query = use_query_map();
    let number = move |name: &str| query.with(|q| q.get(name).and_then(|b| b.parse::<i64>().ok()));
    let before = move || (number("before_at"), number("before_id"));
    let data = Resource::new(before, |(before_at, before_id)| {
        centre(CentreInput {
            before_at,
            before_id,
        })
    });
    view! {
        <Title text=n.title />
        <h1>{n.title}</h1>
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <Centre view /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/notifications" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Centre(view: CentreView) -> impl IntoView {
    let t = use_texts();
    let n = t.notify;
    let empty = view.days.is_empty();
    let older = view
        .older
        .map(|(at, id)| format!("/notifications?before_at={at}&before_id={id}"));
    view! {
        <section class="stack notice-centre" data-testid="notice-centre">
            {(view.unread > 0)
                .then(|| {
                    view! {
                        <form
                            class="notice-actions"
                            method="post"
                            action="/api/notifications/read-all"
                        >
                            <span class="muted" data-testid="unread-line">
                                {view.unread}
                                " "
                                {n.unread}
                            </span>
                            <button type="submit" class="button secondary">
                                {n.mark_all_read}
                            </button>
                        </form>
                    }
                })}
            {empty.then(|| view! { <p class="empty-state">{n.empty}</p> })}
            {view.days.into_iter().map(|day| view! { <Day day /> }).collect_view()}
            {older
                .map(|href| {
                    view! {
                        <a class="button secondary" href=href>
                            {n.more}
                        </a>
                    }
                })}
        </section>
    }
}

#[component]
fn Day(day: DayGroup) -> impl IntoView {
    view! {
        <h2 class="notice-day">{day.label}</h2>
        <ul class="notice-list">
            {day.notices.into_iter().map(|notice| view! { <Notice notice /> }).collect_view()}
        </ul>
    }
}

#[component]
fn Notice(notice: NoticeView) -> impl IntoView {
    let n = use_texts().notify;
    let class = match (notice.unread, notice.urgent) {
        (true, true) => "notice unread urgent",
        (true, false) => "notice unread",
        (false, true) => "notice urgent",
        (false, false) => "notice",
    };
    view! {
        <li class=class data-testid="notice">
            <form method="post" action="/api/notifications/open">
                <input type="hidden" name="input[id]" value=notice.id />
                <button type="submit" class="notice-open">
                    <span class="notice-head">
                        {notice
                            .unread
                            .then(|| view! { <span class="dot" aria-label=n.new_badge></span> })}
                        {notice
                            .urgent
                            .then(|| view! { <span class="badge urgent">{n.urgent_badge}</span> })}
                        <strong class="notice-title">{notice.title}</strong>
                        <span class="muted notice-clock">{notice.clock}</span>
                    </span>
                    <span class="notice-body">{notice.body}</span>
                </button>
            </form>
        </li>
    }
}
