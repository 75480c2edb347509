//! `/duty-periods/{id}`: a coordinator's desk page for one period. The demand as a grid (sites
//! down, the day's slots across, one day at a time so it fits a tablet), filled by rule or cell
//! by cell with the totals always in view; then availability answers, the generated roster
//! coloured by fill with why a cell is short, changes by hand, and publishing.

use super::api::{
    change_status, generate, plan, publish_roster, set_cells, CellsInput, GenerateReport,
    PeriodInput, PlanData, StatusInput,
};
use super::plan_cells::{CellPanel, Grid, NeedFields};
use super::plan_steps::Steps;
use super::view::{level_label, status_label};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::duty_period::port::PublishedRoster;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The cell being looked at: site, day, slot.
pub(super) type Picked = Option<(i64, u16, u16)>;

#[component]
pub fn PeriodPlanPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()));
    let refresh = RwSignal::new(0u32);
    let data = Resource::new(
        move || (id(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(period) => plan(PeriodInput { period }).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let day = RwSignal::new(0u16);
    let picked = RwSignal::new(None::<(i64, u16, u16)>);
    // The actions and their outcomes live here, above the refresh they cause: a page drawn
    // again after "填写" or "发布排班" still says what was done.
    let report = RwSignal::new(None::<GenerateReport>);
    let acts = PlanActions::new(refresh, report);
    view! {
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Plan d refresh day picked report acts /> }.into_any(),
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The page's actions, made once per page so their outcomes survive the data's refresh.
#[derive(Clone, Copy)]
pub(super) struct PlanActions {
    pub(super) publish: Action<StatusInput, Result<u32, AppError>>,
    pub(super) close: Action<StatusInput, Result<u32, AppError>>,
    pub(super) generate: Action<PeriodInput, Result<GenerateReport, AppError>>,
    pub(super) publish_roster: Action<PeriodInput, Result<PublishedRoster, AppError>>,
    pub(super) fill: Action<CellsInput, Result<u32, AppError>>,
    pub(super) fill_form: RwSignal<CellsInput>,
}

impl PlanActions {
    fn new(refresh: RwSignal<u32>, report: RwSignal<Option<GenerateReport>>) -> Self {
        use crate::actions::refresh_on_success;
        let publish = Action::new(|i: &StatusInput| change_status(i.clone()));
        refresh_on_success(publish, refresh);
        let close = Action::new(|i: &StatusInput| change_status(i.clone()));
        refresh_on_success(close, refresh);
        let run = Action::new(|i: &PeriodInput| generate(*i));
        Effect::new(move |_| {
            if let Some(Ok(r)) = run.value().get() {
                report.set(Some(r));
                refresh.update(|n| *n += 1);
            }
        });
        let out = Action::new(|i: &PeriodInput| publish_roster(*i));
        refresh_on_success(out, refresh);
        let fill = Action::new(|i: &CellsInput| set_cells(i.clone()));
        refresh_on_success(fill, refresh);
        Self {
            publish,
            close,
            generate: run,
            publish_roster: out,
            fill,
            fill_form: RwSignal::new(CellsInput {
                min: "3".into(),
                ..Default::default()
            }),
        }
    }
}

#[component]
fn Plan(
    d: PlanData,
    refresh: RwSignal<u32>,
    day: RwSignal<u16>,
    picked: RwSignal<Picked>,
    report: RwSignal<Option<GenerateReport>>,
    acts: PlanActions,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let period = d.period.clone();
    let dates = format!(
        "{} – {}",
        crate::duty::view::date_label(lang, &period.starts_on),
        crate::duty::view::date_label(lang, &period.ends_on)
    );
    let status = period.status.clone();
    let draft = status == "draft";
    let briefing: Vec<(&'static str, String)> = [
        (p.assembly, d.assembly.clone()),
        (p.dress, d.dress.clone()),
        (p.notes, d.notes.clone()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let total = d.total;
    let totals_line = p
        .totals_line
        .replace("{min}", &total.min_places.to_string())
        .replace("{min_hours}", &total.min_hours.to_string())
        .replace("{target}", &total.target_places.to_string())
        .replace("{target_hours}", &total.target_hours.to_string());
    let per_day = d.per_day.clone();
    let day_line = move || {
        per_day.get(usize::from(day.get())).map(|t| {
            p.totals_line
                .replace("{min}", &t.min_places.to_string())
                .replace("{min_hours}", &t.min_hours.to_string())
                .replace("{target}", &t.target_places.to_string())
                .replace("{target_hours}", &t.target_hours.to_string())
        })
    };
    let d = StoredValue::new(d);
    view! {
        <Title text=period.name.clone() />
        <header class="stack period-head">
            <h1>{period.name.clone()}</h1>
            <p>
                <span class=format!(
                    "badge level-{}",
                    period.level,
                )>{level_label(p, period.level)}</span>
                " "
                <span class=format!("badge status-{}", status) data-testid="period-status">
                    {status_label(p, &status)}
                </span>
                " "
                {dates}
                " · "
                {period.area.clone()}
            </p>
            {(!briefing.is_empty())
                .then(|| {
                    view! {
                        <details class="card briefing">
                            <summary>{p.briefing}</summary>
                            <dl>
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
                        </details>
                    }
                })}
            {(status != "draft")
                .then(|| {
                    view! {
                        <a
                            href=format!("/duty-periods/{}/print", period.id)
                            data-testid="print-link"
                        >
                            {p.print_link}
                        </a>
                    }
                })}
            <p class="totals" data-testid="period-totals">
                <strong>{p.totals}</strong>
                " "
                {totals_line}
            </p>
        </header>
        <Steps status=status.clone() period=period.id report d acts />
        <section class="stack">
            <div class="day-tabs" role="tablist">
                {d
                    .with_value(|d| d.days.clone())
                    .into_iter()
                    .enumerate()
                    .map(|(i, date)| {
                        let i = i as u16;
                        view! {
                            <button
                                type="button"
                                role="tab"
                                class="button small"
                                aria-selected=move || (day.get() == i).to_string()
                                on:click=move |_| {
                                    day.set(i);
                                    picked.set(None);
                                }
                            >
                                {crate::duty::view::date_label(lang, &date)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <p class="muted" data-testid="day-totals">
                <strong>{p.day_total}</strong>
                " "
                {day_line}
            </p>
            {(!draft)
                .then(|| {
                    view! {
                        <p class="legend">
                            <span class="fill-short">{p.legend_short}</span>
                            <span class="fill-min">{p.legend_min}</span>
                            <span class="fill-target">{p.legend_target}</span>
                        </p>
                    }
                })}
            {move || view! { <Grid d=d.get_value() day=day.get() picked draft /> }}
            {move || {
                picked
                    .get()
                    .map(|at| {
                        view! { <CellPanel d=d.get_value() at picked refresh draft /> }
                    })
            }}
        </section>
        {draft.then(|| view! { <FillForm d=d.get_value() acts /> })}
        {d.with_value(|d| d.turnout.clone()).map(|t| view! { <TurnoutTable t /> })}
    }
}

/// 勤务统计: 人次, hours, coverage of the minimum, no-shows and late arrivals, per day, per
/// site and in total.
#[component]
fn TurnoutTable(t: super::api::TurnoutView) -> impl IntoView {
    let texts = use_texts();
    let p = texts.plan;
    let lang = use_lang();
    let row = |name: String, x: domain::duty_period::turnout::Turnout, strong: bool| {
        let coverage = format!("{:.1}%", f64::from(x.coverage_permille()) / 10.0);
        let hours = format!("{:.1}", x.minutes as f64 / 60.0);
        view! {
            <tr class=strong.then_some("total")>
                <th scope="row">{name}</th>
                <td>{x.came}</td>
                <td>{hours}</td>
                <td>{coverage}</td>
                <td>{x.no_shows}</td>
                <td>{x.late}</td>
            </tr>
        }
    };
    let head = move |first: &'static str| {
        view! {
            <thead>
                <tr>
                    <th scope="col">{first}</th>
                    <th scope="col">{p.col_came}</th>
                    <th scope="col">{p.col_hours}</th>
                    <th scope="col">{p.col_coverage}</th>
                    <th scope="col">{p.col_no_shows}</th>
                    <th scope="col">{p.col_late}</th>
                </tr>
            </thead>
        }
    };
    view! {
        <section class="card stack" data-testid="turnout">
            <h2>{p.turnout_title}</h2>
            <div class="grid-wrap">
                <table class="turnout-table">
                    {head(p.col_day)}
                    <tbody>
                        {t
                            .days
                            .into_iter()
                            .map(|(d, x)| row(crate::duty::view::date_label(lang, &d), x, false))
                            .collect_view()} {row(p.totals.to_owned(), t.total, true)}
                    </tbody>
                </table>
            </div>
            <div class="grid-wrap">
                <table class="turnout-table">
                    {head(p.col_site)}
                    <tbody>
                        {t.sites.into_iter().map(|(s, x)| row(s, x, false)).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// "Every day, these slots, these sites: this need."
#[component]
fn FillForm(d: PlanData, acts: PlanActions) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let form = acts.fill_form;
    let fill = acts.fill;
    let period = d.period.id;
    view! {
        <section class="card stack" data-testid="fill-rule">
            <h2>{p.fill_title}</h2>
            <p class="muted small">{p.fill_hint}</p>
            <fieldset class="site-picks">
                <legend>{p.sites}</legend>
                {d
                    .sites
                    .iter()
                    .map(|(id, name)| {
                        let id = *id;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || form.with(|f| f.sites.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.update(|f| {
                                            f.sites.retain(|s| *s != id);
                                            if on {
                                                f.sites.push(id);
                                            }
                                        })
                                    }
                                />
                                {name.clone()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="site-picks">
                <legend>{p.slots}</legend>
                {d
                    .slots
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let i = i as u16;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || form.with(|f| f.slots.contains(&i))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        form.update(|f| {
                                            f.slots.retain(|s| *s != i);
                                            if on {
                                                f.slots.push(i);
                                            }
                                        })
                                    }
                                />
                                {label.clone()}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <NeedFields form action=fill prefix="fill" />
            <button
                type="button"
                class="button primary"
                data-testid="fill"
                on:click=move |_| {
                    fill.dispatch(CellsInput { period, ..form.get() });
                }
            >
                {p.fill}
            </button>
            {move || {
                fill.value()
                    .get()
                    .and_then(Result::ok)
                    .map(|n| {
                        view! {
                            <p class="ok" role="status">
                                {p.filled.replace("{n}", &n.to_string())}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
