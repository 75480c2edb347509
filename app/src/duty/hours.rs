//! `/me/hours` (我的时长): credited, pending and this year's hours, the star level with a bar to
//! the next star, and the history of credits, corrections and claims.

use super::view::duration;
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursData {
    pub credited_minutes: i64,
    pub pending_minutes: i64,
    pub this_year_minutes: i64,
    /// 勤务积分 from sensitive-period duty, in minutes: beside the hours, never in them.
    pub duty_credit_minutes: i64,
    pub stars: u8,
    /// Hours of the next star, none at the top.
    pub next_star_hours: Option<u32>,
    /// 0..=1 of the way from this star to the next.
    pub fraction: f64,
    pub history: Vec<HistoryLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub served_on: String,
    pub site: String,
    pub minutes: i64,
    /// credit, correction, import, pending or disputed.
    pub kind: String,
    pub reason: Option<String>,
}

#[server(endpoint = "hours/mine")]
pub async fn my_hours() -> Result<HoursData, AppError> {
    crate::error::answer(async move {
        use chrono::Datelike;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let today = domain::duty::local_date(chrono::Utc::now().timestamp_millis());
        let year_start = chrono::NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        let summary = store
            .hours_summary(who.volunteer_id, year_start)
            .await
            .map_err(AppError::from)?;
        let history = store
            .hours_history(who.volunteer_id, 50)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|l| HistoryLine {
                served_on: l.served_on,
                site: l.site_name,
                minutes: l.minutes,
                kind: l.kind,
                reason: l.reason,
            })
            .collect();
        let progress = state.duty.stars.progress(summary.credited_minutes);
        Ok(HoursData {
            credited_minutes: summary.credited_minutes,
            pending_minutes: summary.pending_minutes,
            this_year_minutes: summary.this_year_minutes,
            duty_credit_minutes: summary.duty_credit_minutes,
            stars: progress.stars,
            next_star_hours: progress.next_at_hours,
            fraction: progress.fraction,
            history,
        })
    })
    .await
}

#[component]
pub fn HoursPage() -> impl IntoView {
    let t = use_texts();
    let data = Resource::new(|| (), |_| my_hours());
    view! {
        <Title text=t.hours_title />
        <h1>{t.hours_title}</h1>
        <Suspense fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(h) => view! { <HoursCard hours=h /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/me/hours" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HoursCard(hours: HoursData) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    let stars: String =
        "★".repeat(usize::from(hours.stars)) + &"☆".repeat(5 - usize::from(hours.stars.min(5)));
    let percent = (hours.fraction.clamp(0.0, 1.0) * 100.0).round();
    let to_next = hours.next_star_hours.map(|h| {
        let left = (i64::from(h) * 60 - hours.credited_minutes).max(0);
        duration(lang, left)
    });
    let empty = hours.history.is_empty();
    view! {
        <section class="card stack" data-testid="hours">
            <dl class="figures">
                <div>
                    <dt>{d.credited}</dt>
                    <dd data-testid="credited">{duration(lang, hours.credited_minutes)}</dd>
                </div>
                <div>
                    <dt>{d.pending}</dt>
                    <dd data-testid="pending">{duration(lang, hours.pending_minutes)}</dd>
                </div>
                <div>
                    <dt>{d.this_year}</dt>
                    <dd>{duration(lang, hours.this_year_minutes)}</dd>
                </div>
            </dl>
            {(hours.duty_credit_minutes > 0)
                .then(|| {
                    view! {
                        <p class="muted" data-testid="duty-credit">
                            <strong>{d.duty_credit}</strong>
                            " "
                            {format!("{:.1}", hours.duty_credit_minutes as f64 / 60.0)}
                            " · "
                            {d.duty_credit_note}
                        </p>
                    }
                })}
            <div class="stars">
                <p>
                    <span class="star-row" aria-hidden="true">
                        {stars}
                    </span>
                    " "
                    {d.stars}
                    " "
                    <strong data-testid="stars">{hours.stars}</strong>
                </p>
                <progress
                    max="100"
                    value=percent
                    data-testid="star-progress"
                    aria-label=d.to_next_star
                ></progress>
                <p class="hint">
                    {match to_next {
                        Some(left) => format!("{} {left}", d.to_next_star),
                        None => d.top_star.to_owned(),
                    }}
                </p>
            </div>
        </section>
        <section class="stack">
            <h2>{d.history}</h2>
            {empty.then(|| view! { <p class="empty-state">{t.hours_empty}</p> })}
            <ul class="history">
                {hours
                    .history
                    .into_iter()
                    .map(|l| {
                        let kind = match l.kind.as_str() {
                            "credit" => d.kind_credit,
                            "correction" => d.kind_correction,
                            "import" => d.kind_import,
                            "disputed" => d.disputed,
                            _ => d.pending,
                        };
                        view! {
                            <li class="history-line" data-kind=l.kind.clone()>
                                <span class="muted">
                                    {super::view::date_label(lang, &l.served_on)}
                                </span>
                                <span>{l.site}</span>
                                <span>{kind}</span>
                                <strong>{duration(lang, l.minutes)}</strong>
                                {l.reason.map(|r| view! { <span class="muted reason">{r}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
