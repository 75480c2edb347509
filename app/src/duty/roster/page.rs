//! `/shifts/manage` (排班管理): a team leader plans shifts at the sites of their area — one-off
//! or weekly over a date range — copies a week, cancels a shift with a reason, shows the
//! rotating check-in code, and confirms, corrects or disputes the hours their people claim.

use super::api::{
    cancel_shift, check_code, copy_week, create_shifts, roster, CancelShiftInput, CheckCodeInput,
    CodeCard, NewShiftsInput, RosterInput, LISTED_DAYS,
};
use super::new_shift_form::NewShiftForm;
use crate::actions::{failure, refresh_on_success};
use crate::duty::decide::DecideList;
use crate::duty::view::{when, ShiftCard};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn RosterPage() -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let refresh = RwSignal::new(0u32);
    // Where the list of shifts starts: yesterday, or where the leader paged to.
    let list_from = RwSignal::new(None::<i64>);
    let data = Resource::new(
        move || (refresh.get(), list_from.get()),
        |(_, from)| roster(RosterInput { from }),
    );
    // The form's fields live here, above the list, so a refresh after a change re-draws the
    // form without losing what is being typed (and the page asks the server once).
    let form = RwSignal::new(NewShiftsInput {
        start: "08:00".into(),
        end: "12:00".into(),
        headcount: "4".into(),
        ..Default::default()
    });
    // Their outcomes ("3 shifts created") outlive the refresh they cause, so they live here too.
    let create = Action::new(move |input: &NewShiftsInput| create_shifts(input.clone()));
    refresh_on_success(create, refresh);
    let copy = Action::new(move |_: &()| copy_week());
    refresh_on_success(copy, refresh);
    // What the leader just decided: the card leaves the list, the sentence stays.
    let decided = RwSignal::new(Vec::<String>::new());
    view! {
        <Title text=d.manage_title />
        <h1>{d.manage_title}</h1>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(r) => {
                        // Hours waiting for the leader come first: what a leader opens the page for.
                        view! {
                            <DecideList items=r.to_decide refresh decided />
                            <NewShiftForm
                                sites=r.sites
                                today=r.default_date
                                max_minutes=r.max_shift_minutes
                                form
                                create
                                list_from
                            />
                            <ShiftList
                                shifts=r.shifts
                                from=r.list_from
                                now=r.now
                                list_from
                                copy
                                refresh
                            />
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
fn ShiftList(
    shifts: Vec<ShiftCard>,
    /// Where this fortnight starts.
    from: i64,
    now: i64,
    list_from: RwSignal<Option<i64>>,
    copy: Action<(), Result<u32, AppError>>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let copied = move || {
        copy.value().with(|v| match v {
            Some(Ok(n)) => Some(format!("{}{n}", d.copied)),
            Some(Err(e)) => Some(e.user_message(t)),
            None => None,
        })
    };
    let empty = shifts.is_empty();
    let lang = use_lang();
    // One fold per day, the first two open: a street's fortnight is a hundred shifts.
    let mut days: Vec<(String, Vec<ShiftCard>)> = Vec::new();
    for shift in shifts {
        let day = crate::duty::view::day(lang, shift.starts_at);
        match days.last_mut() {
            Some((d, list)) if *d == day => list.push(shift),
            _ => days.push((day, vec![shift])),
        }
    }
    view! {
        <section class="stack" data-testid="roster-list">
            <h2>{d.upcoming}</h2>
            <div class="pager">
                <button
                    type="button"
                    class="button small"
                    data-testid="list-earlier"
                    on:click=move |_| list_from.set(Some(from - LISTED_DAYS * domain::duty::DAY_MS))
                >
                    {d.list_earlier}
                </button>
                <span class="muted" data-testid="list-range">
                    {crate::duty::view::day(lang, from)}
                    " – "
                    {crate::duty::view::day(lang, from + (LISTED_DAYS - 1) * domain::duty::DAY_MS)}
                </span>
                <button
                    type="button"
                    class="button small"
                    data-testid="list-later"
                    on:click=move |_| list_from.set(Some(from + LISTED_DAYS * domain::duty::DAY_MS))
                >
                    {d.list_later}
                </button>
            </div>
            {empty.then(|| view! { <p class="empty-state">{d.upcoming_empty}</p> })}
            {days
                .into_iter()
                .enumerate()
                .map(|(i, (day, list))| {
                    view! {
                        <details class="roster-day" open={i < 2}>
                            <summary>{day} " · " {list.len()}</summary>
                            <div class="stack">
                                {list
                                    .into_iter()
                                    .map(|shift| {
                                        let soon = shift.ends_at
                                            > now - 12 * 60 * domain::duty::MINUTE_MS
                                            && shift.starts_at < now + domain::duty::DAY_MS;
                                        // Today's and the next day's shifts show their people at once.
                                        view! { <RosterShift shift soon refresh /> }
                                    })
                                    .collect_view()}
                            </div>
                        </details>
                    }
                })
                .collect_view()}
            <button
                type="button"
                class="button block"
                disabled=move || copy.pending().get()
                on:click=move |_| {
                    copy.dispatch(());
                }
            >
                {d.copy_week}
            </button>
            {move || {
                copied()
                    .map(|text| {
                        view! {
                            <p class="alert ok" role="status">
                                {text}
                            </p>
                        }
                    })
            }}
        </section>
    }
    .into_any()
}

#[component]
fn RosterShift(shift: ShiftCard, soon: bool, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    let id = shift.id;
    let reason = RwSignal::new(String::new());
    let cancel = Action::new(move |(id, why): &(i64, String)| {
        cancel_shift(CancelShiftInput {
            shift_id: *id,
            reason: why.clone(),
        })
    });
    refresh_on_success(cancel, refresh);
    let error = failure(cancel, t);
    let code = RwSignal::new(None::<CodeCard>);
    let show_code = Action::new(move |id: &i64| check_code(CheckCodeInput { shift_id: *id }));
    Effect::new(move |_| {
        if let Some(Ok(c)) = show_code.value().get() {
            code.set(Some(c));
        }
    });
    // Once shown, the code follows its 30-second rotation until the page is left.
    #[cfg(feature = "hydrate")]
    {
        let shown = move || code.with_untracked(Option::is_some);
        if let Ok(timer) = leptos::prelude::set_interval_with_handle(
            move || {
                if shown() {
                    show_code.dispatch(id);
                }
            },
            std::time::Duration::from_secs(10),
        ) {
            on_cleanup(move || timer.clear());
        }
    }
    let live = shift.cancelled.is_none();
    view! {
        <article class="card shift" data-testid="roster-shift" data-site=shift.site.clone()>
            <div class="shift-head">
                <h3>{shift.site.clone()}</h3>
            </div>
            <p class="shift-when">{when(lang, shift.starts_at, shift.ends_at)}</p>
            <crate::duty::view::Filled shift=shift.clone() />
            <crate::duty::people::ShiftPeople shift_id=id soon refresh />
            {(!shift.notes.is_empty())
                .then(|| view! { <p class="muted">{shift.notes.clone()}</p> })}
            {shift
                .cancelled
                .clone()
                .map(|why| view! { <p class="alert warn">{d.cancelled_shift} ": " {why}</p> })}
            {live
                .then(|| {
                    view! {
                        <button
                            type="button"
                            class="button block"
                            data-testid="show-code"
                            on:click=move |_| {
                                show_code.dispatch(id);
                            }
                        >
                            {d.show_code}
                        </button>
                        {move || {
                            code.get()
                                .map(|c| {
                                    view! {
                                        <div class="check-qr" inner_html=c.qr_svg.clone()></div>
                                        <p
                                            class="check-code"
                                            data-testid="check-code"
                                            aria-label=d.qr_title
                                        >
                                            {c.code.clone()}
                                        </p>
                                        <p class="hint">{d.qr_intro} " (" {c.seconds_left} "s)"</p>
                                    }
                                })
                        }}
                        <details class="cancel-shift">
                            <summary>{d.cancel_shift}</summary>
                            <form
                                class="stack"
                                on:submit=move |ev: leptos::ev::SubmitEvent| {
                                    ev.prevent_default();
                                    cancel.dispatch((id, reason.get()));
                                }
                            >
                                <label class="field">
                                    <span>{d.cancel_reason}</span>
                                    <input
                                        maxlength="200"
                                        prop:value=reason
                                        on:input=move |ev| reason.set(event_target_value(&ev))
                                    />
                                </label>
                                {move || {
                                    error()
                                        .map(|e| {
                                            view! {
                                                <p class="form-error" role="alert">
                                                    {e}
                                                </p>
                                            }
                                        })
                                }}
                                <button
                                    type="submit"
                                    class="button danger block"
                                    disabled=move || cancel.pending().get()
                                >
                                    {d.cancel_shift}
                                </button>
                            </form>
                        </details>
                    }
                })}
        </article>
    }
    .into_any()
}
