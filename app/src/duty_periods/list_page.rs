//! `/duty-periods` (专项勤务): the periods asking the reader for availability, and for a
//! coordinator the periods of their area with the form for a new one (or a copy of last year's).

use super::api::{create_period, periods, NewPeriodInput, PeriodLine};
use super::view::{level_label, status_label};
use crate::field::{described_by, Field};
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PeriodsPage() -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let data = Resource::new(|| (), |_| periods());
    view! {
        <Title text=p.title />
        <h1>{p.title}</h1>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => {
                        let mine_empty = d.mine.is_empty();
                        let planned_empty = d.periods.is_empty();
                        view! {
                            <section class="stack" data-testid="my-periods">
                                <h2>{p.mine}</h2>
                                {mine_empty.then(|| view! { <p class="muted">{p.mine_empty}</p> })}
                                <ul class="cards">
                                    {d
                                        .mine
                                        .into_iter()
                                        .map(|l| {
                                            let href = format!("/duty-periods/{}/answer", l.id);
                                            let live = d.watchable.contains(&l.id);
                                            view! { <PeriodCard line=l href live /> }
                                        })
                                        .collect_view()}
                                </ul>
                            </section>
                            {d
                                .may_plan
                                .then(|| {
                                    let earlier = d.periods.clone();
                                    view! {
                                        <section class="stack" data-testid="planned-periods">
                                            <h2>{p.planned}</h2>
                                            {planned_empty
                                                .then(|| view! { <p class="muted">{p.planned_empty}</p> })}
                                            <ul class="cards">
                                                {d
                                                    .periods
                                                    .into_iter()
                                                    .map(|l| {
                                                        let href = format!("/duty-periods/{}", l.id);
                                                        let live = l.status == "running";
                                                        view! { <PeriodCard line=l href live /> }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </section>
                                        <NewPeriodForm sites=d.sites areas=d.areas earlier />
                                    }
                                })}
                        }
                            .into_any()
                    }
                    Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PeriodCard(
    line: PeriodLine,
    href: String,
    /// Offer the live page (a running period the reader may watch).
    live: bool,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let lang = use_lang();
    let dates = format!(
        "{} – {}",
        crate::duty::view::date_label(lang, &line.starts_on),
        crate::duty::view::date_label(lang, &line.ends_on)
    );
    let places = p
        .places_line
        .replace("{sites}", &line.sites.to_string())
        .replace("{places}", &line.min_places.to_string());
    view! {
        <li class="card period-card" data-testid="period-card">
            <a href=href class="period-link">
                <strong>{line.name.clone()}</strong>
                <span class=format!(
                    "badge level-{}",
                    line.level,
                )>{level_label(p, line.level)}</span>
                <span class=format!(
                    "badge status-{}",
                    line.status,
                )>{status_label(p, &line.status)}</span>
            </a>
            <p class="muted">{dates} " · " {line.area.clone()}</p>
            <p class="muted">{places}</p>
            {live
                .then(|| {
                    view! {
                        <a href=format!("/duty-periods/{}/live", line.id) data-testid="period-live">
                            {p.live_link}
                        </a>
                    }
                })}
        </li>
    }
}

#[component]
fn NewPeriodForm(
    sites: Vec<(i64, String, Vec<i64>)>,
    areas: Vec<(i64, String)>,
    earlier: Vec<PeriodLine>,
) -> impl IntoView {
    let t = use_texts();
    let p = t.plan;
    let form = RwSignal::new(NewPeriodInput {
        level: "2".into(),
        slots: "07:00-11:00, 11:00-15:00, 15:00-19:00, 19:00-23:00".into(),
        ..Default::default()
    });
    let create = Action::new(move |input: &NewPeriodInput| create_period(input.clone()));
    // A new period opens its grid at once: that is the next thing a planner does.
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/duty-periods/{id}"), Default::default());
        }
    });
    let problem = move |field: &'static str| crate::actions::field_problem(create, field, t);
    let invalid = move |field: &'static str| {
        let problem = crate::actions::field_problem(create, field, t);
        move || problem().is_some().then_some("true")
    };
    let general = move || {
        create.value().with(|v| match v {
            Some(Err(e)) if e.field_errors().is_empty() => Some(e.user_message(t)),
            _ => None,
        })
    };
    let copying = move || form.with(|f| !f.copy_from.is_empty());
    // Only the sites of the chosen area are offered (the first area, the planner's own, when
    // none is chosen yet).
    let first_area = areas.first().map(|a| a.0).unwrap_or_default();
    let chosen_area = move || form.with(|f| f.area.parse::<i64>().unwrap_or(first_area));
    macro_rules! text_input {
        ($id:literal, $name:literal, $label:expr, $field:ident, $kind:literal) => {
            view! {
                <Field id=$id label=$label name=$name problem=problem($name)>
                    <input
                        id=$id
                        name=$name
                        type=$kind
                        aria-invalid=invalid($name)
                        aria-describedby=described_by($id)
                        prop:value=move || form.with(|f| f.$field.clone())
                        on:input=move |ev| form.update(|f| f.$field = event_target_value(&ev))
                    />
                </Field>
            }
        };
    }
    view! {
        <form
            class="card stack"
            data-testid="new-period"
            novalidate
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                create.dispatch(form.get());
            }
        >
            <h2>{p.new_period}</h2>
            <Field id="period-copy" label=p.copy_from name="copy_from" problem=problem("copy_from")>
                <select
                    id="period-copy"
                    name="copy_from"
                    on:change=move |ev| form.update(|f| f.copy_from = event_target_value(&ev))
                >
                    <option value="">{p.copy_none}</option>
                    {earlier
                        .into_iter()
                        .map(|l| {
                            view! {
                                <option value=l
                                    .id
                                    .to_string()>
                                    {format!("{} ({} – {})", l.name, l.starts_on, l.ends_on)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            {text_input!("period-name", "name", p.name, name, "text")}
            <Field id="period-area" label=p.area name="area" problem=problem("area")>
                <select
                    id="period-area"
                    name="area"
                    aria-invalid=invalid("area")
                    aria-describedby=described_by("period-area")
                    on:change=move |ev| {
                        form.update(|f| {
                            f.area = event_target_value(&ev);
                            f.sites.clear();
                        })
                    }
                >
                    {areas
                        .into_iter()
                        .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
                        .collect_view()}
                </select>
            </Field>
            <Field id="period-level" label=p.level name="level" problem=problem("level")>
                <select
                    id="period-level"
                    name="level"
                    aria-invalid=invalid("level")
                    aria-describedby=described_by("period-level")
                    on:change=move |ev| form.update(|f| f.level = event_target_value(&ev))
                >
                    {[1u8, 2, 3]
                        .into_iter()
                        .map(|n| {
                            view! {
                                <option value=n.to_string() selected=n == 2>
                                    {level_label(p, n)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            <div class="row">
                {text_input!("period-start", "starts_on", p.starts_on, starts_on, "date")}
                {text_input!("period-end", "ends_on", p.ends_on, ends_on, "date")}
            </div>
            <div class="stack" hidden=copying>
                <Field id="period-slots" label=p.slots name="slots" problem=problem("slots")>
                    <textarea
                        id="period-slots"
                        name="slots"
                        rows="2"
                        aria-invalid=invalid("slots")
                        aria-describedby=described_by("period-slots")
                        prop:value=move || form.with(|f| f.slots.clone())
                        on:input=move |ev| form.update(|f| f.slots = event_target_value(&ev))
                    ></textarea>
                </Field>
                <p class="muted small">{p.slots_hint}</p>
                <fieldset class="site-picks" aria-describedby=described_by("period-sites")>
                    <legend>{p.sites}</legend>
                    {sites
                        .into_iter()
                        .map(|(id, name, above)| {
                            let value = id.to_string();
                            let v = value.clone();
                            let v2 = value.clone();
                            let shown = move || above.contains(&chosen_area());
                            view! {
                                <label class="check" hidden=move || !shown()>
                                    <input
                                        type="checkbox"
                                        name="sites"
                                        value=value
                                        prop:checked=move || form.with(|f| f.sites.contains(&v2))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.update(|f| {
                                                f.sites.retain(|s| *s != v);
                                                if on {
                                                    f.sites.push(v.clone());
                                                }
                                            })
                                        }
                                    />
                                    {name}
                                </label>
                            }
                        })
                        .collect_view()}
                    {move || {
                        problem("sites")()
                            .map(|m| {
                                view! {
                                    <p
                                        class="field-error"
                                        role="alert"
                                        id=described_by("period-sites")
                                        data-testid="error-sites"
                                    >
                                        {m}
                                    </p>
                                }
                            })
                    }}
                </fieldset>
            </div>
            {text_input!("period-assembly", "assembly", p.assembly, assembly, "text")}
            {text_input!("period-dress", "dress", p.dress, dress, "text")}
            {text_input!("period-notes", "notes", p.notes, notes, "text")}
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
            <button type="submit" class="button primary" disabled=move || create.pending().get()>
                {move || if create.pending().get() { p.creating } else { p.create }}
            </button>
        </form>
    }
}
