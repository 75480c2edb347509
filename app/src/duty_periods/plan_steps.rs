//! The plan page's next step by the period's status: publish and ask, answer rates, generate
//! with the reasons for short cells, publish the roster, close.

use super::api::{GenerateReport, PeriodInput, PlanData, StatusInput};
use super::plan_page::PlanActions;
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;

/// What a planner does next, by the period's status.
#[component]
pub(super) fn Steps(
    status: String,
    period: i64,
    report: RwSignal<Option<GenerateReport>>,
    d: StoredValue<PlanData>,
    acts: PlanActions,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let PlanActions {
        publish,
        close,
        generate: run,
        publish_roster: out,
        ..
    } = acts;
    let to = move |to: &str| StatusInput {
        period,
        to: to.to_owned(),
    };
    let failed = move || {
        [
            crate::actions::failure(publish, t)(),
            crate::actions::failure(close, t)(),
            crate::actions::failure(run, t)(),
            crate::actions::failure(out, t)(),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let site_name = move |id: i64| {
        d.with_value(|d| {
            d.sites
                .iter()
                .find(|s| s.0 == id)
                .map(|s| s.1.clone())
                .unwrap_or_default()
        })
    };
    let when = move |day: u16, slot: u16| {
        d.with_value(|d| {
            let date = d.days.get(usize::from(day)).cloned().unwrap_or_default();
            format!(
                "{} {}",
                crate::duty::view::date_label(lang, &date),
                d.slots.get(usize::from(slot)).cloned().unwrap_or_default()
            )
        })
    };
    let rates = d.with_value(|d| d.rates.clone());
    view! {
        <section class="card stack steps" data-testid="period-steps">
            {match status.as_str() {
                "draft" => {
                    view! {
                        <p class="muted">{p.publish_hint}</p>
                        <button
                            type="button"
                            class="button primary"
                            data-testid="publish-period"
                            disabled=move || publish.pending().get()
                            on:click=move |_| {
                                publish.dispatch(to("publish"));
                            }
                        >
                            {p.publish}
                        </button>
                    }
                        .into_any()
                }
                "published" => {
                    view! {
                        <h2>{p.rates}</h2>
                        <ul class="rates" data-testid="answer-rates">
                            {rates
                                .into_iter()
                                .map(|r| {
                                    let line = p
                                        .rate_line
                                        .replace("{answered}", &r.answered.to_string())
                                        .replace("{volunteers}", &r.volunteers.to_string());
                                    view! {
                                        <li>
                                            <span>{r.community}</span>
                                            " "
                                            <span class="muted">{line}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        <div class="row">
                            <button
                                type="button"
                                class="button primary"
                                data-testid="generate"
                                disabled=move || run.pending().get()
                                on:click=move |_| {
                                    run.dispatch(PeriodInput { period });
                                }
                            >
                                {move || {
                                    if run.pending().get() { p.generating } else { p.generate }
                                }}
                            </button>
                            <button
                                type="button"
                                class="button"
                                data-testid="publish-roster"
                                disabled=move || out.pending().get()
                                on:click=move |_| {
                                    out.dispatch(PeriodInput { period });
                                }
                            >
                                {p.publish_roster}
                            </button>
                        </div>
                        <p class="muted small">{p.publish_roster_hint}</p>
                    }
                        .into_any()
                }
                "running" => {
                    view! {
                        <button
                            type="button"
                            class="button"
                            data-testid="close-period"
                            on:click=move |_| {
                                close.dispatch(to("close"));
                            }
                        >
                            {p.close_period}
                        </button>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            {move || {
                publish
                    .value()
                    .get()
                    .and_then(Result::ok)
                    .map(|n| {
                        view! {
                            <p class="ok" role="status">
                                {p.published_told.replace("{n}", &n.to_string())}
                            </p>
                        }
                    })
            }}
            {move || {
                out.value()
                    .get()
                    .and_then(Result::ok)
                    .map(|r| {
                        view! {
                            <p class="ok" role="status" data-testid="roster-published">
                                {p
                                    .roster_published
                                    .replace("{shifts}", &r.shifts.to_string())
                                    .replace("{assignments}", &r.assignments.to_string())
                                    .replace("{open}", &r.open_places.to_string())}
                            </p>
                        }
                    })
            }}
            {move || {
                report
                    .get()
                    .map(|r| {
                        let mut head = p.generated.replace("{n}", &r.placed.to_string());
                        if r.dropped > 0 {
                            head.push_str(&p.dropped.replace("{n}", &r.dropped.to_string()));
                        }
                        let all = r.short.is_empty();
                        view! {
                            <div class="stack" role="status" data-testid="generate-report">
                                <p class="ok">{head}</p>
                                {all.then(|| view! { <p>{p.all_filled}</p> })}
                                {(!all)
                                    .then(|| {
                                        view! {
                                            <h3>{p.short_title}</h3>
                                            <ul class="short-list">
                                                {r
                                                    .short
                                                    .into_iter()
                                                    .map(|s| {
                                                        let mut line = p
                                                            .short_line
                                                            .replace("{site}", &site_name(s.site))
                                                            .replace("{day}", &when(s.day, s.slot))
                                                            .replace(" {slot}", "")
                                                            .replace("{needed}", &s.needed.to_string())
                                                            .replace("{placed}", &s.placed.to_string())
                                                            .replace("{available}", &s.available.to_string());
                                                        for (n, text) in [
                                                            (s.elsewhere, p.short_elsewhere),
                                                            (s.day_full, p.short_day_full),
                                                            (s.own_limit, p.short_own_limit),
                                                            (s.leaders_short, p.short_leaders),
                                                        ] {
                                                            if n > 0 {
                                                                line.push('；');
                                                                line.push_str(&text.replace("{n}", &n.to_string()));
                                                            }
                                                        }
                                                        view! { <li>{line}</li> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        }
                                    })}
                            </div>
                        }
                    })
            }}
            {move || {
                failed()
                    .map(|m| {
                        view! {
                            <p class="form-error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
