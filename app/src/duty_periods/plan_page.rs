//! `/duty-periods/{id}`: a coordinator's desk page for one period. The demand as a grid (sites
//! down, the day's slots across, one day at a time so it fits a tablet), filled by rule or cell
//! by cell with the totals always in view; then availability answers, the generated roster
//! coloured by fill with why a cell is short, changes by hand, and publishing.

use super::api::{
    change_status, edit_roster, generate, plan, publish_roster, set_cells, CellView, CellsInput,
    GenerateReport, PeriodInput, PlanData, RosterEditInput, StatusInput,
};
use super::view::{fill_class, level_label, status_label};
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use domain::duty_period::port::PublishedRoster;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The cell being looked at: site, day, slot.
type Picked = Option<(i64, u16, u16)>;

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
struct PlanActions {
    publish: Action<StatusInput, Result<u32, AppError>>,
    close: Action<StatusInput, Result<u32, AppError>>,
    generate: Action<PeriodInput, Result<GenerateReport, AppError>>,
    publish_roster: Action<PeriodInput, Result<PublishedRoster, AppError>>,
    fill: Action<CellsInput, Result<u32, AppError>>,
    fill_form: RwSignal<CellsInput>,
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

/// What a planner does next, by the period's status.
#[component]
fn Steps(
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

#[component]
fn Grid(d: PlanData, day: u16, picked: RwSignal<Picked>, draft: bool) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let cell = |site: i64, slot: u16| -> Option<&CellView> {
        d.cells
            .iter()
            .find(|c| c.site == site && c.day == day && c.slot == slot)
    };
    view! {
        <div class="grid-wrap">
            <table class="demand-grid" data-testid="demand-grid">
                <thead>
                    <tr>
                        <th scope="col">{p.sites}</th>
                        {d
                            .slots
                            .iter()
                            .map(|s| view! { <th scope="col">{s.clone()}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {d
                        .sites
                        .iter()
                        .map(|(site, name)| {
                            let site = *site;
                            view! {
                                <tr>
                                    <th scope="row">{name.clone()}</th>
                                    {(0..d.slots.len() as u16)
                                        .map(|slot| {
                                            let c = cell(site, slot);
                                            let (min, target, leaders, skill, placed) = c
                                                .map(|c| {
                                                    (
                                                        c.min,
                                                        c.target,
                                                        c.leaders,
                                                        c.skill.clone(),
                                                        c.placed.len(),
                                                    )
                                                })
                                                .unwrap_or((0, 0, 0, String::new(), 0));
                                            let class = if draft || c.is_none() {
                                                "cell".to_owned()
                                            } else {
                                                format!("cell {}", fill_class(placed, min, target))
                                            };
                                            let text = if c.is_none() {
                                                "–".to_owned()
                                            } else if draft {
                                                format!("{min}/{target}")
                                            } else {
                                                format!("{placed}/{min}")
                                            };
                                            view! {
                                                <td>
                                                    <button
                                                        type="button"
                                                        class=class
                                                        data-testid=format!("cell-{site}-{day}-{slot}")
                                                        aria-pressed=move || {
                                                            (picked.get() == Some((site, day, slot))).to_string()
                                                        }
                                                        on:click=move |_| picked.set(Some((site, day, slot)))
                                                    >
                                                        <span class="cell-count">{text}</span>
                                                        {(leaders > 0)
                                                            .then(|| {
                                                                view! {
                                                                    <span class="cell-note">
                                                                        {format!("{} {leaders}", p.leader_mark)}
                                                                    </span>
                                                                }
                                                            })}
                                                        {(!skill.is_empty())
                                                            .then(|| view! { <span class="cell-note">{skill}</span> })}
                                                    </button>
                                                </td>
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One cell: its need while the period is a draft, its people afterwards.
#[component]
fn CellPanel(
    d: PlanData,
    at: (i64, u16, u16),
    picked: RwSignal<Picked>,
    refresh: RwSignal<u32>,
    draft: bool,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let (site, day, slot) = at;
    let cell = d
        .cells
        .iter()
        .find(|c| c.site == site && c.day == day && c.slot == slot)
        .cloned();
    let title = p
        .cell_title
        .replace(
            "{site}",
            &d.sites
                .iter()
                .find(|s| s.0 == site)
                .map(|s| s.1.clone())
                .unwrap_or_default(),
        )
        .replace(
            "{day}",
            &crate::duty::view::date_label(
                lang,
                d.days
                    .get(usize::from(day))
                    .map(String::as_str)
                    .unwrap_or(""),
            ),
        )
        .replace(
            "{slot}",
            d.slots
                .get(usize::from(slot))
                .map(String::as_str)
                .unwrap_or(""),
        );
    view! {
        <section class="card stack cell-panel" data-testid="cell-panel">
            <div class="row spread">
                <h2>{title}</h2>
                <button type="button" class="button small" on:click=move |_| picked.set(None)>
                    {p.close}
                </button>
            </div>
            {if draft {
                view! { <NeedForm period=d.period.id at cell refresh /> }.into_any()
            } else {
                view! {
                    <People
                        period=d.period.id
                        at
                        cell
                        answered=d.answered.clone()
                        refresh
                        editable=d.period.status == "published"
                    />
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn NeedForm(
    period: i64,
    at: (i64, u16, u16),
    cell: Option<CellView>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let (site, day, slot) = at;
    let form = RwSignal::new(CellsInput {
        period,
        sites: vec![site],
        days: vec![day],
        slots: vec![slot],
        min: cell.as_ref().map(|c| c.min.to_string()).unwrap_or_default(),
        target: cell
            .as_ref()
            .map(|c| c.target.to_string())
            .unwrap_or_default(),
        leaders: cell
            .as_ref()
            .map(|c| c.leaders.to_string())
            .unwrap_or_default(),
        skill: cell.map(|c| c.skill).unwrap_or_default(),
    });
    let save = Action::new(move |input: &CellsInput| set_cells(input.clone()));
    crate::actions::refresh_on_success(save, refresh);
    view! {
        <NeedFields form action=save prefix="cell" />
        <button
            type="button"
            class="button primary"
            data-testid="save-cell"
            on:click=move |_| {
                save.dispatch(form.get());
            }
        >
            {p.save_cell}
        </button>
    }
}

/// The four fields of a need, with their problems beside them.
#[component]
fn NeedFields(
    form: RwSignal<CellsInput>,
    action: Action<CellsInput, Result<u32, AppError>>,
    prefix: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let problem = move |field: &'static str| crate::actions::field_problem(action, field, t);
    let general = move || {
        action.value().with(|v| match v {
            Some(Err(e)) if e.field_errors().is_empty() => Some(e.user_message(t)),
            _ => None,
        })
    };
    let ids: &'static [(&'static str, &'static str)] = match prefix {
        "cell" => &[
            ("cell-min", "min"),
            ("cell-target", "target"),
            ("cell-leaders", "leaders"),
            ("cell-skill", "skill"),
        ],
        _ => &[
            ("fill-min", "min"),
            ("fill-target", "target"),
            ("fill-leaders", "leaders"),
            ("fill-skill", "skill"),
        ],
    };
    let label = move |name: &str| match name {
        "min" => p.min,
        "target" => p.target,
        "leaders" => p.leaders,
        _ => p.skill,
    };
    view! {
        <div class="row need-fields">
            {ids
                .iter()
                .map(|&(id, name)| {
                    let get = move || {
                        form.with(|f| match name {
                            "min" => f.min.clone(),
                            "target" => f.target.clone(),
                            "leaders" => f.leaders.clone(),
                            _ => f.skill.clone(),
                        })
                    };
                    let problem = problem(name);
                    view! {
                        <Field id label=label(name) name problem>
                            <input
                                id=id
                                name=name
                                inputmode=if name == "skill" { "text" } else { "numeric" }
                                aria-invalid=move || problem().is_some().then_some("true")
                                aria-describedby=described_by(id)
                                prop:value=get
                                on:input=move |ev| {
                                    let v = event_target_value(&ev);
                                    form.update(|f| match name {
                                        "min" => f.min = v,
                                        "target" => f.target = v,
                                        "leaders" => f.leaders = v,
                                        _ => f.skill = v,
                                    })
                                }
                            />
                        </Field>
                    }
                })
                .collect_view()}
        </div>
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
    }
}

#[component]
fn People(
    period: i64,
    at: (i64, u16, u16),
    cell: Option<CellView>,
    answered: Vec<(i64, String)>,
    refresh: RwSignal<u32>,
    editable: bool,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let (site, day, slot) = at;
    let edit = Action::new(move |input: &RosterEditInput| edit_roster(input.clone()));
    crate::actions::refresh_on_success(edit, refresh);
    let base = RosterEditInput {
        period,
        site,
        day,
        slot,
        ..Default::default()
    };
    let placed = cell.as_ref().map(|c| c.placed.clone()).unwrap_or_default();
    let locked = placed.iter().any(|x| x.locked);
    let choice = RwSignal::new(String::new());
    let on_cell: Vec<i64> = placed.iter().map(|x| x.volunteer).collect();
    let candidates: Vec<(i64, String)> = answered
        .into_iter()
        .filter(|(id, _)| !on_cell.contains(id))
        .collect();
    let problem = crate::actions::field_problem(edit, "volunteer", t);
    let general = crate::actions::failure(edit, t);
    let b = base.clone();
    view! {
        <h3>{p.placed_people}</h3>
        {placed.is_empty().then(|| view! { <p class="muted">{p.nobody}</p> })}
        <ul class="people" data-testid="cell-people">
            {placed
                .into_iter()
                .map(|x| {
                    let remove = RosterEditInput {
                        what: "remove".into(),
                        volunteer: x.volunteer,
                        ..base.clone()
                    };
                    let replace = RosterEditInput {
                        what: "place".into(),
                        replacing: x.volunteer,
                        ..base.clone()
                    };
                    view! {
                        <li class="row spread">
                            <span>
                                {x.name.clone()}
                                {x
                                    .as_leader
                                    .then(|| view! { <span class="badge">{p.leader_mark}</span> })}
                                {x
                                    .locked
                                    .then(|| view! { <span class="badge">{p.locked_mark}</span> })}
                            </span>
                            {editable
                                .then(|| {
                                    let remove = remove.clone();
                                    let replace = replace.clone();
                                    view! {
                                        <span class="row">
                                            <button
                                                type="button"
                                                class="button small"
                                                on:click=move |_| {
                                                    edit.dispatch(remove.clone());
                                                }
                                            >
                                                {p.remove}
                                            </button>
                                            <button
                                                type="button"
                                                class="button small"
                                                data-testid="replace-person"
                                                disabled=move || choice.with(String::is_empty)
                                                on:click=move |_| {
                                                    let volunteer = choice.get().parse().unwrap_or(0);
                                                    edit.dispatch(RosterEditInput {
                                                        volunteer,
                                                        ..replace.clone()
                                                    });
                                                }
                                            >
                                                {p.replace_person}
                                            </button>
                                        </span>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {editable
            .then(|| {
                let add = RosterEditInput {
                    what: "place".into(),
                    ..b.clone()
                };
                let lock = RosterEditInput {
                    what: if locked { "unlock" } else { "lock" }.into(),
                    ..b.clone()
                };
                view! {
                    <Field id="cell-person" label=p.add_person name="volunteer" problem>
                        <select
                            id="cell-person"
                            name="volunteer"
                            aria-describedby=described_by("cell-person")
                            on:change=move |ev| choice.set(event_target_value(&ev))
                        >
                            <option value="">{p.choose}</option>
                            {candidates
                                .into_iter()
                                .map(|(id, name)| {
                                    view! { <option value=id.to_string()>{name}</option> }
                                })
                                .collect_view()}
                        </select>
                    </Field>
                    <div class="row">
                        <button
                            type="button"
                            class="button"
                            data-testid="place-person"
                            disabled=move || choice.with(String::is_empty)
                            on:click=move |_| {
                                let volunteer = choice.get().parse().unwrap_or(0);
                                edit.dispatch(RosterEditInput {
                                    volunteer,
                                    ..add.clone()
                                });
                            }
                        >
                            {p.place}
                        </button>
                        <button
                            type="button"
                            class="button"
                            on:click=move |_| {
                                edit.dispatch(lock.clone());
                            }
                        >
                            {if locked { p.unlock } else { p.lock }}
                        </button>
                    </div>
                    {move || {
                        if problem().is_some() {
                            None
                        } else {
                            general()
                                .map(|m| {
                                    view! {
                                        <p class="form-error" role="alert">
                                            {m}
                                        </p>
                                    }
                                })
                        }
                    }}
                }
            })}
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
