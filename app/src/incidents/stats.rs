//! `/incidents/stats` (隐患统计): how many incidents per area, per category and per month in a
//! period, as bar charts drawn in SVG (no chart library, nothing to download).

use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::incident::Category;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One bar: its label and its count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatsData {
    pub total: u32,
    pub by_area: Vec<Bar>,
    /// Category codes; the page names them in the reader's language.
    pub by_category: Vec<Bar>,
    /// `2026-11`, oldest first, every month of the period (empty ones too).
    pub by_month: Vec<Bar>,
    pub categories: Vec<Category>,
}

/// The most incidents one statistics page counts.
#[cfg(feature = "ssr")]
const MAX_FACTS: u32 = 50_000;

/// Counts facts per key, largest first (ties by key), as bars.
#[cfg(feature = "ssr")]
fn bars(keys: impl Iterator<Item = String>) -> Vec<Bar> {
    let mut counts = std::collections::BTreeMap::<String, u32>::new();
    for k in keys {
        *counts.entry(k).or_default() += 1;
    }
    let mut out: Vec<Bar> = counts
        .into_iter()
        .map(|(label, count)| Bar { label, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    out
}

/// The start of a period of about `days` in whole calendar months (China time), ending with
/// the current one: 365 days → the last 12 months from the 1st, so no month is counted in
/// part and every bar of the month chart is a whole month.
#[cfg(feature = "ssr")]
fn period_start(now: i64, days: u32) -> i64 {
    use chrono::Datelike;
    let months = (f64::from(days.clamp(28, 366)) / 30.4).round().max(1.0) as u32;
    let today = domain::duty::local_date(now);
    let first = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(months - 1)))
        .unwrap_or(today);
    domain::duty::local_ms(first, 0)
}

/// Every month from `from` to `to` (China dates) as `YYYY-MM`, with the facts' counts.
#[cfg(feature = "ssr")]
fn months(from: i64, to: i64, made: &[i64]) -> Vec<Bar> {
    use chrono::Datelike;
    let key = |at: i64| {
        let d = domain::duty::local_date(at);
        format!("{:04}-{:02}", d.year(), d.month())
    };
    let mut out = Vec::new();
    let mut d = domain::duty::local_date(from).with_day(1);
    let last = domain::duty::local_date(to);
    while let Some(month) = d.filter(|m| *m <= last) {
        let label = format!("{:04}-{:02}", month.year(), month.month());
        let count = made.iter().filter(|at| key(**at) == label).count() as u32;
        out.push(Bar { label, count });
        d = month.checked_add_months(chrono::Months::new(1));
    }
    out
}

/// What [`incident_stats`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentStatsInput {
    pub days: u32,
}

#[server(endpoint = "incidents/stats")]
pub async fn incident_stats(input: IncidentStatsInput) -> Result<StatsData, AppError> {
    let IncidentStatsInput { days } = input;
    crate::error::answer(async move {
        use domain::incident::port::{IncidentQuery, Viewer};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let viewer = super::access::viewer_of(store, &who).await?;
        if !matches!(viewer, Viewer::Area(_)) {
            // Statistics are for those who lead an area.
            return Err(AppError::Forbidden);
        }
        let now = chrono::Utc::now().timestamp_millis();
        let from = period_start(now, days);
        let facts = store
            .incident_facts(
                viewer,
                &IncidentQuery {
                    from: Some(from),
                    ..Default::default()
                },
                MAX_FACTS,
            )
            .await
            .map_err(AppError::from)?;
        let mut names = std::collections::HashMap::new();
        for f in &facts {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(f.area_id) {
                let name = store
                    .area(f.area_id)
                    .await
                    .map_err(AppError::from)?
                    .map(|a| a.name)
                    .unwrap_or_default();
                slot.insert(name);
            }
        }
        // A rejected report was not an incident (a mistake, a duplicate): it is not counted.
        let facts: Vec<_> = facts
            .into_iter()
            .filter(|f| f.status != domain::incident::IncidentStatus::Rejected)
            .collect();
        let made: Vec<i64> = facts.iter().map(|f| f.made_at).collect();
        Ok(StatsData {
            total: facts.len() as u32,
            by_area: bars(
                facts
                    .iter()
                    .map(|f| names.get(&f.area_id).cloned().unwrap_or_default()),
            ),
            by_category: bars(facts.iter().map(|f| f.category.clone())),
            by_month: months(from, now, &made),
            categories: state.incidents.categories.all().to_vec(),
        })
    })
    .await
}

#[component]
pub fn StatsPage() -> impl IntoView {
    let t = use_texts();
    let i = t.incident;
    let query = use_query_map();
    let days = Memo::new(move |_| {
        query.with(|q| {
            q.get("days")
                .and_then(|d| d.parse::<u32>().ok())
                .filter(|d| [30, 90, 365].contains(d))
                .unwrap_or(365)
        })
    });
    let data = Resource::new(
        move || days.get(),
        |days| incident_stats(IncidentStatsInput { days }),
    );
    view! {
        <Title text=i.stats_title />
        <h1>{i.stats_title}</h1>
        <nav class="map-controls">
            <span class="muted">{i.last_days}</span>
            {[30u32, 90, 365]
                .into_iter()
                .map(|d| {
                    view! {
                        <a
                            class="chip-link"
                            aria-current=move || (days.get() == d).then_some("true")
                            href=format!("/incidents/stats?days={d}")
                        >
                            {d}
                            " "
                            {i.days}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(stats) => view! { <StatsView stats /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <crate::auth::LoginPrompt next="/incidents/stats" /> }.into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StatsView(stats: StatsData) -> impl IntoView {
    let i = use_texts().incident;
    let lang = use_lang();
    if stats.total == 0 {
        return view! {
            <p class="empty-state" data-testid="stats-empty">
                {i.stats_empty}
            </p>
        }
        .into_any();
    }
    let by_category: Vec<Bar> = stats
        .by_category
        .iter()
        .map(|b| Bar {
            label: super::view::category_label(&stats.categories, &b.label, lang),
            count: b.count,
        })
        .collect();
    view! {
        <p class="muted" data-testid="stats-total">
            {i.total}
            " "
            {stats.total}
        </p>
        <BarChart title=i.by_area bars=stats.by_area testid="by-area" />
        <BarChart title=i.by_category bars=by_category testid="by-category" />
        <ColumnChart title=i.by_month bars=stats.by_month testid="by-month" />
    }
    .into_any()
}

/// Horizontal bars, one row each: long Chinese area names stay readable on a narrow phone.
#[component]
fn BarChart(title: &'static str, bars: Vec<Bar>, testid: &'static str) -> impl IntoView {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    // 400 units across a phone's card: 1 unit is about 1 px, so the labels read at 14 px.
    let row = 30;
    let height = (bars.len() as i32 * row).max(row);
    view! {
        <section class="card stack chart" data-testid=testid>
            <h2>{title}</h2>
            <svg
                viewBox=format!("0 0 400 {height}")
                role="img"
                aria-label=title
                xmlns="http://www.w3.org/2000/svg"
            >
                {bars
                    .into_iter()
                    .enumerate()
                    .map(|(n, b)| {
                        let y = n as i32 * row;
                        let w = 190.0 * f64::from(b.count) / f64::from(max);
                        view! {
                            <g
                                class="bar"
                                data-label=b.label.clone()
                                data-count=b.count.to_string()
                            >
                                <text x="0" y=(y + 20).to_string() class="bar-label">
                                    {b.label.clone()}
                                </text>
                                <rect
                                    x="150"
                                    y=(y + 6).to_string()
                                    width=format!("{w:.1}")
                                    height="18"
                                    rx="3"
                                />
                                <text
                                    x=format!("{:.1}", 156.0 + w)
                                    y=(y + 20).to_string()
                                    class="bar-value"
                                >
                                    {b.count}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </section>
    }
}

/// Vertical columns in time order, for months.
#[component]
fn ColumnChart(title: &'static str, bars: Vec<Bar>, testid: &'static str) -> impl IntoView {
    let max = bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let n = bars.len().max(1) as f64;
    let slot = 400.0 / n;
    view! {
        <section class="card stack chart" data-testid=testid>
            <h2>{title}</h2>
            <svg
                viewBox="0 0 400 150"
                role="img"
                aria-label=title
                xmlns="http://www.w3.org/2000/svg"
            >
                {bars
                    .into_iter()
                    .enumerate()
                    .map(|(k, b)| {
                        let h = 100.0 * f64::from(b.count) / f64::from(max);
                        let x = k as f64 * slot;
                        let label = b
                            .label
                            .rsplit('-')
                            .next()
                            .unwrap_or("")
                            .trim_start_matches('0')
                            .to_owned();
                        // Month numbers only, so twelve labels fit a phone's width.
                        view! {
                            <g
                                class="bar"
                                data-label=b.label.clone()
                                data-count=b.count.to_string()
                            >
                                <rect
                                    x=format!("{:.1}", x + slot * 0.15)
                                    y=format!("{:.1}", 125.0 - h)
                                    width=format!("{:.1}", slot * 0.7)
                                    height=format!("{h:.1}")
                                    rx="4"
                                />
                                {(b.count > 0)
                                    .then(|| {
                                        view! {
                                            <text
                                                x=format!("{:.1}", x + slot / 2.0)
                                                y=format!("{:.1}", 120.0 - h)
                                                text-anchor="middle"
                                                class="bar-value"
                                            >
                                                {b.count}
                                            </text>
                                        }
                                    })}
                                <text
                                    x=format!("{:.1}", x + slot / 2.0)
                                    y="144"
                                    text-anchor="middle"
                                    class="bar-label"
                                >
                                    {label}
                                </text>
                            </g>
                        }
                    })
                    .collect_view()}
            </svg>
        </section>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn bars_count_and_rank() {
        let b = bars(["fire", "security", "fire"].into_iter().map(String::from));
        assert_eq!(
            b,
            vec![
                Bar {
                    label: "fire".into(),
                    count: 2
                },
                Bar {
                    label: "security".into(),
                    count: 1
                }
            ]
        );
    }

    #[test]
    fn a_year_is_the_last_twelve_whole_months() {
        // 2026-11-25 12:00 China time.
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T04:00:00Z")
            .expect("time")
            .timestamp_millis();
        let from = period_start(now, 365);
        let labels: Vec<_> = months(from, now, &[])
            .into_iter()
            .map(|b| b.label)
            .collect();
        assert_eq!(labels.len(), 12);
        assert_eq!(labels[0], "2025-12");
        assert_eq!(labels[11], "2026-11");
        assert_eq!(months(period_start(now, 30), now, &[]).len(), 1);
        assert_eq!(months(period_start(now, 90), now, &[]).len(), 3);
    }

    #[test]
    fn months_cover_the_period_in_china_time() {
        // 2026-01-31 20:00 UTC is 2026-02-01 04:00 in China: it counts for February.
        let at = chrono::DateTime::parse_from_rfc3339("2026-01-31T20:00:00Z")
            .expect("time")
            .timestamp_millis();
        let from = at - 40 * domain::duty::DAY_MS;
        let m = months(from, at + domain::duty::DAY_MS, &[at]);
        let labels: Vec<_> = m.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["2025-12", "2026-01", "2026-02"]);
        assert_eq!(m[2].count, 1);
        assert_eq!(m[1].count, 0);
    }
}
