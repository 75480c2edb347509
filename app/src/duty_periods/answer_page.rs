//! `/duty-periods/{id}/answer`: a volunteer says on their phone when they can come — one big
//! button per day and slot that cycles 能来 → 看情况 → 不能来, "all day" per day, and an
//! optional "at most N slots" — and may change it until the roster is out.

use super::api::{answer, my_answer, AnswerData, AnswerInput, PeriodInput};
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn AnswerPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let data = Resource::new(id, |id| async move {
        match id {
            Some(period) => my_answer(PeriodInput { period }).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Answers d /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn next(c: char) -> char {
    match c {
        'y' => 'm',
        'm' => 'n',
        _ => 'y',
    }
}

#[component]
fn Answers(d: AnswerData) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let slots = d.slots.len();
    let grid = RwSignal::new(d.answers.chars().collect::<Vec<char>>());
    let most = RwSignal::new(d.most_slots.map(|n| n.to_string()).unwrap_or_default());
    let period = d.period.id;
    let save = Action::new(move |(answers, most): &(String, String)| {
        answer(AnswerInput {
            period,
            answers: answers.clone(),
            most_slots: most.clone(),
        })
    });
    let problem = crate::actions::field_problem(save, "most_slots", t);
    let general = move || {
        save.value().with(|v| match v {
            Some(Err(e)) if e.field_errors().iter().all(|f| f.field != "most_slots") => {
                Some(e.user_message(t))
            }
            _ => None,
        })
    };
    let saved = move || save.value().with(|v| matches!(v, Some(Ok(()))));
    let open = d.open;
    let count = move || grid.with(|g| g.iter().filter(|c| **c == 'y').count());
    let briefing: Vec<(&'static str, String)> = [
        (p.assembly, d.assembly.clone()),
        (p.dress, d.dress.clone()),
        (p.notes, d.notes.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    view! {
        <Title text=p.answer_title />
        <h1>{d.period.name.clone()}</h1>
        <p class="muted">
            {format!(
                "{} – {} · {}",
                crate::duty::view::date_label(lang, &d.period.starts_on),
                crate::duty::view::date_label(lang, &d.period.ends_on),
                d.period.area,
            )}
        </p>
        {(!briefing.is_empty())
            .then(|| {
                view! {
                    <dl class="card briefing">
                        {briefing
                            .into_iter()
                            .map(|(k, v)| {
                                view! {
                                    <dt>{k}</dt>
                                    <dd>{v}</dd>
                                }
                            })
                            .collect_view()}
                    </dl>
                }
            })}
        <h2>{p.answer_title}</h2>
        {if open {
            view! { <p class="muted">{p.answer_intro}</p> }.into_any()
        } else {
            view! {
                <p class="form-error" role="status">
                    {p.closed_answers}
                </p>
            }
                .into_any()
        }}
        <div class="stack answer-days" data-testid="answer-grid">
            {d
                .days
                .iter()
                .enumerate()
                .map(|(day, date)| {
                    view! {
                        <section class="card answer-day">
                            <div class="row spread">
                                <h3>{crate::duty::view::date_label(lang, date)}</h3>
                                <button
                                    type="button"
                                    class="button small"
                                    disabled=!open
                                    on:click=move |_| {
                                        grid.update(|g| {
                                            for s in 0..slots {
                                                g[day * slots + s] = 'y';
                                            }
                                        })
                                    }
                                >
                                    {p.all_day}
                                </button>
                            </div>
                            <div class="slot-buttons">
                                {d
                                    .slots
                                    .iter()
                                    .enumerate()
                                    .map(|(slot, label)| {
                                        let i = day * slots + slot;
                                        let state = move || {
                                            grid.with(|g| g.get(i).copied().unwrap_or('n'))
                                        };
                                        view! {
                                            <button
                                                type="button"
                                                class=move || format!("slot-answer answer-{}", state())
                                                data-testid=format!("answer-{day}-{slot}")
                                                disabled=!open
                                                on:click=move |_| grid.update(|g| g[i] = next(g[i]))
                                            >
                                                <span class="slot-time">{label.clone()}</span>
                                                <span class="slot-state">
                                                    {move || match state() {
                                                        'y' => p.yes,
                                                        'm' => p.maybe,
                                                        _ => p.no,
                                                    }}
                                                </span>
                                            </button>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </section>
                    }
                })
                .collect_view()}
        </div>
        <p class="muted" data-testid="answer-count">
            {move || p.count_yes.replace("{n}", &count().to_string())}
        </p>
        <Field id="answer-most" label=p.most_slots name="most_slots" problem>
            <input
                id="answer-most"
                name="most_slots"
                inputmode="numeric"
                disabled=!open
                aria-invalid=move || problem().is_some().then_some("true")
                aria-describedby=described_by("answer-most")
                prop:value=move || most.get()
                on:input=move |ev| most.set(event_target_value(&ev))
            />
        </Field>
        {move || {
            general()
                .map(|m| {
                    view! {
                        <p class="form-error" role="alert">
                            {m}
                        </p>
                    }
                })
        }}
        {move || {
            saved()
                .then(|| {
                    view! {
                        <p class="ok" role="status" data-testid="answer-saved">
                            {p.saved}
                        </p>
                    }
                })
        }}
        {d
            .answered_at
            .map(|at| {
                view! {
                    <p class="muted small">
                        {p
                            .answered_at
                            .replace(
                                "{time}",
                                &format!(
                                    "{} {}",
                                    crate::duty::view::day(lang, at),
                                    crate::duty::view::clock(at),
                                ),
                            )}
                    </p>
                }
            })}
        <button
            type="button"
            class="button primary block"
            data-testid="send-answer"
            disabled=move || !open || save.pending().get()
            on:click=move |_| {
                save.dispatch((grid.get().into_iter().collect(), most.get()));
            }
        >
            {p.save_answer}
        </button>
    }
}
