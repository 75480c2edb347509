//! The plan page's grid of one day and the panel of the cell picked: its need while the period
//! is a draft, its people afterwards.

use super::api::{edit_roster, set_cells, CellView, CellsInput, PlanData, RosterEditInput};
use super::plan_page::Picked;
use super::view::fill_class;
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;

#[component]
pub(super) fn Grid(d: PlanData, day: u16, picked: RwSignal<Picked>, draft: bool) -> impl IntoView {
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
pub(super) fn CellPanel(
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
pub(super) fn NeedForm(
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
pub(super) fn NeedFields(
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
pub(super) fn People(
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
