//! `/shifts/manage` (排班管理): a team leader plans shifts at the sites of their area — one-off
//! or weekly over a date range — copies a week, cancels a shift with a reason, shows the
//! rotating check-in code, and confirms, corrects or disputes the hours their people claim.

#[cfg(feature = "ssr")]
use super::access::{roster_scope, shift_in_scope};
use super::decide::{DecideList, HoursToDecide};
use super::new_shift::{create_shifts, NewShiftForm, NewShiftsInput};
use super::view::{when, ShiftCard};
use crate::actions::{failure, refresh_on_success};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterData {
    /// Sites of the leader's area, for the new-shift form.
    pub sites: Vec<(i64, String)>,
    pub shifts: Vec<ShiftCard>,
    pub to_decide: Vec<HoursToDecide>,
    /// The new-shift form's first date (China time): today, or tomorrow once a morning shift
    /// could no longer start today.
    pub default_date: String,
    /// The longest shift allowed, in minutes.
    pub max_shift_minutes: u32,
    /// Where the listed fortnight of shifts begins (epoch ms).
    pub list_from: i64,
    /// The server's clock when this was read: which shifts are "today's and the next".
    pub now: i64,
}

/// How far the roster lists shifts from where it starts.
pub const LISTED_DAYS: i64 = 14;

/// The leader's roster: hours to decide, the form's choices, and a fortnight of shifts from
/// `from` (epoch ms; yesterday when absent), so shifts planned weeks ahead can be found.
#[server(endpoint = "roster/list")]
pub async fn roster(from: Option<i64>) -> Result<RosterData, AppError> {
    crate::error::answer(async move {
        use domain::duty::DAY_MS;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (_, area) = roster_scope(store).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let sites = store
            .sites_in(area)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| (s.id.0, s.name))
            .collect();
        // From the start of that day in China, so a day's shifts are listed whole.
        let list_from =
            domain::duty::local_ms(domain::duty::local_date(from.unwrap_or(now - DAY_MS)), 0);
        let shifts = store
            .shifts_in(area, list_from, list_from + LISTED_DAYS * DAY_MS)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(ShiftCard::from)
            .collect();
        let to_decide = store
            .services_to_decide(area)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|s| {
                use domain::duty::port::in_force;
                let check_in = in_force(&s.checks, domain::CheckKind::In);
                let check_out = in_force(&s.checks, domain::CheckKind::Out);
                let superseded = s
                    .checks
                    .iter()
                    .filter(|c| c.kind == domain::CheckKind::In && !c.in_force())
                    .map(|c| (c.made_at, c.proof.as_str().to_owned()))
                    .collect();
                HoursToDecide {
                    assignment_id: s.assignment_id.0,
                    volunteer: s.volunteer_name,
                    site: s.shift.site_name,
                    starts_at: s.shift.window.starts_at,
                    ends_at: s.shift.window.ends_at,
                    minutes: s.minutes,
                    disputed: s.state == domain::ServiceState::Disputed,
                    flagged: s.flagged,
                    checked_in_at: check_in.map(|c| c.made_at),
                    checked_out_at: check_out.map(|c| c.made_at),
                    reason: s
                        .checks
                        .iter()
                        .filter(|c| c.kind == domain::CheckKind::In)
                        .find_map(|c| c.outside_reason.clone()),
                    superseded,
                }
            })
            .collect();
        Ok(RosterData {
            sites,
            shifts,
            to_decide,
            // A shift typed with the form's default 08:00 start must not already be past.
            default_date: domain::duty::local_date(now + 16 * 60 * domain::duty::MINUTE_MS)
                .to_string(),
            max_shift_minutes: state.duty.max_shift_minutes,
            list_from,
            now,
        })
    })
    .await
}

#[server(endpoint = "roster/cancel")]
pub async fn cancel_shift(shift_id: i64, reason: String) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::{Action, AuditEntry, FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, shift) = shift_in_scope(store, shift_id, Action::ManageShifts).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new("reason", MessageKey::ReasonRequired).into());
        }
        if reason.chars().count() > 200 {
            return Err(FieldError::new("reason", MessageKey::TooLong).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "cancel_shift".into(),
            entity: "shift".into(),
            entity_id: Some(shift.id.0),
            area_id: Some(shift.area_id),
            before: None,
            after: Some(serde_json::json!({ "reason": reason }).to_string()),
        };
        store
            .cancel_shift(shift.id, reason, now, &audit)
            .await
            .map_err(|e| match e {
                domain::StorageError::MissingReference => AppError::Conflict,
                other => other.into(),
            })
    })
    .await
}

/// Copies this week's (Monday to Sunday, China time) live shifts of the area to next week,
/// skipping any that next week already has; returns how many were made.
#[server(endpoint = "roster/copy-week")]
pub async fn copy_week() -> Result<u32, AppError> {
    crate::error::answer(async move {
        use chrono::Datelike;
        use domain::duty::{local_date, local_ms, WEEK_MS};
        use domain::{AuditEntry, NewShift};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let (who, area) = roster_scope(store).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let today = local_date(now);
        let monday = local_ms(
            today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday())),
            0,
        );
        let all = store
            .shifts_in(area, monday, monday + 2 * WEEK_MS)
            .await
            .map_err(AppError::from)?;
        let next_week: std::collections::HashSet<_> = all
            .iter()
            .filter(|s| s.window.starts_at >= monday + WEEK_MS)
            .map(|s| (s.site_id, s.window.starts_at))
            .collect();
        let copies: Vec<NewShift> = all
            .iter()
            .filter(|s| s.cancelled.is_none() && s.window.starts_at < monday + WEEK_MS)
            .filter(|s| s.window.starts_at >= monday)
            .filter(|s| !next_week.contains(&(s.site_id, s.window.starts_at + WEEK_MS)))
            .filter_map(|s| {
                Some(NewShift {
                    site_id: s.site_id,
                    window: domain::duty::shift::copy_week(&[s.window], 1)
                        .into_iter()
                        .next()?,
                    headcount: s.headcount,
                    leaders_needed: s.leaders_needed,
                    notes: s.notes.clone(),
                    created_by: Some(who.volunteer_id),
                    created_at: now,
                })
            })
            .collect();
        if copies.is_empty() {
            return Ok(0);
        }
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "copy_week".into(),
            entity: "area".into(),
            entity_id: Some(area.0),
            area_id: Some(area),
            before: None,
            after: Some(serde_json::json!({ "shifts": copies.len() }).to_string()),
        };
        let ids = store
            .insert_shifts(&copies, &audit)
            .await
            .map_err(AppError::from)?;
        Ok(ids.len() as u32)
    })
    .await
}

/// A shift's check-in code as the leader's phone shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CodeCard {
    pub code: String,
    /// Seconds until the next code.
    pub seconds_left: u32,
    /// A QR code (SVG) of the link `/shifts?code=…` on this server: a volunteer scans it with
    /// the phone's camera or WeChat and lands on their shifts with the code filled in.
    pub qr_svg: String,
}

/// The shift's current check-in code, the seconds it stays valid, and its QR code.
#[server(endpoint = "roster/code")]
pub async fn check_code(shift_id: i64) -> Result<CodeCard, AppError> {
    crate::error::answer(async move {
        use domain::duty::rules::{check_in_code, CODE_PERIOD_MS};
        let state = crate::AppState::current()?;
        let (_, shift) = shift_in_scope(
            state.storage.as_ref(),
            shift_id,
            domain::Action::ManageShifts,
        )
        .await?;
        let now = chrono::Utc::now().timestamp_millis();
        let left = CODE_PERIOD_MS - now.rem_euclid(CODE_PERIOD_MS);
        let code = check_in_code(state.secrets.as_ref(), shift.id.0, now);
        Ok(CodeCard {
            qr_svg: qr_link(&code),
            code,
            seconds_left: (left / 1000) as u32,
        })
    })
    .await
}

/// The QR code of this server's `/shifts?code=…` (the host the leader's phone used).
#[cfg(feature = "ssr")]
fn qr_link(code: &str) -> String {
    use qrcode::render::svg;
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let header = |name: &str| {
        parts
            .as_ref()
            .and_then(|p| p.headers.get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let host = header("host").unwrap_or_else(|| "localhost".into());
    let scheme = header("x-forwarded-proto").unwrap_or_else(|| "http".into());
    let link = format!("{scheme}://{host}/shifts?code={code}");
    match qrcode::QrCode::new(link.as_bytes()) {
        Ok(qr) => qr
            .render::<svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

#[component]
pub fn RosterPage() -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let refresh = RwSignal::new(0u32);
    // Where the list of shifts starts: yesterday, or where the leader paged to.
    let list_from = RwSignal::new(None::<i64>);
    let data = Resource::new(
        move || (refresh.get(), list_from.get()),
        |(_, from)| roster(from),
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
        let day = super::view::day(lang, shift.starts_at);
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
                    {super::view::day(lang, from)}
                    " – "
                    {super::view::day(lang, from + (LISTED_DAYS - 1) * domain::duty::DAY_MS)}
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
    let cancel = Action::new(move |(id, why): &(i64, String)| cancel_shift(*id, why.clone()));
    refresh_on_success(cancel, refresh);
    let error = failure(cancel, t);
    let code = RwSignal::new(None::<CodeCard>);
    let show_code = Action::new(move |id: &i64| check_code(*id));
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
            <super::shifts::Filled shift=shift.clone() />
            <super::people::ShiftPeople shift_id=id soon refresh />
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
