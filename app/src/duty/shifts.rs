//! `/shifts` (我的班次): my shifts with the next one on top and its big check-in button, and
//! the shifts in my street I can still take, soonest first.

use super::check_panel::CheckPanel;
use super::view::{when, MyShiftCard, ShiftCard};
use crate::actions::{failure, refresh_on_success};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftsPageData {
    pub mine: Vec<MyShiftCard>,
    pub open: Vec<ShiftCard>,
    /// Team leaders and above get a link to the roster page.
    pub can_manage: bool,
    /// The volunteer's own calendar feed (its token is the credential: shown only to them).
    pub calendar_url: String,
    /// When the server answered (epoch ms): offline, the phone shows the last answer it kept,
    /// and the page says how old it is.
    pub generated_at: i64,
}

/// How far ahead the list of shifts to take reaches.
#[cfg(feature = "ssr")]
const LOOK_AHEAD_MS: i64 = 14 * domain::duty::DAY_MS;

/// The area whose shifts a volunteer may take: the street (街道) around their home community,
/// so neighbouring communities can lend a hand in a sensitive period.
#[cfg(feature = "ssr")]
pub(crate) fn sign_up_area(who: &domain::Principal) -> Option<domain::AreaId> {
    let path = &who.home.0;
    path.get(path.len().saturating_sub(2)).copied()
}

#[cfg(feature = "ssr")]
fn my_card(m: domain::MyShift, now: i64, rules: &domain::DutyRules) -> MyShiftCard {
    use domain::duty::shift::may_cancel;
    use domain::duty::MINUTE_MS;
    let window = m.shift.window;
    MyShiftCard {
        assignment_id: m.assignment.id.0,
        waitlisted: m.assignment.state == domain::AssignmentState::Waitlisted,
        checked_in: m.checked_in.map(Into::into),
        checked_out: m.checked_out.map(Into::into),
        service: m
            .service
            .map(|(minutes, s)| (minutes, s.as_str().to_owned())),
        may_cancel: may_cancel(now, window, rules.cancel_cutoff_minutes),
        check_open: rules.accepts_check(window, now),
        under_way: (window.starts_at..window.ends_at).contains(&now),
        cancel_until: window.starts_at - i64::from(rules.cancel_cutoff_minutes) * MINUTE_MS,
        check_opens_at: Some(
            window.starts_at - i64::from(rules.check_in_opens_minutes) * MINUTE_MS,
        )
        .filter(|opens| now < *opens),
        shift: m.shift.into(),
    }
}

/// How far "near me" reaches.
#[cfg(feature = "ssr")]
const NEAR_M: f64 = 3_000.0;

/// My shifts and the shifts I can take: those of my street, or — given the phone's position —
/// those within 3 km anywhere in my district, nearest first.
#[server(endpoint = "shifts/list")]
pub async fn shifts_page(
    near_lat: Option<f64>,
    near_lon: Option<f64>,
) -> Result<ShiftsPageData, AppError> {
    crate::error::answer(async move {
        use domain::duty::HOUR_MS;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        if !who.status.on_duty_roll() {
            return Err(AppError::Forbidden);
        }
        let now = chrono::Utc::now().timestamp_millis();
        // A shift that ended a few hours ago stays on top, showing its check-out and hours.
        let mine = store
            .my_shifts(who.volunteer_id, now - 12 * HOUR_MS)
            .await
            .map_err(AppError::from)?;
        let taken: std::collections::HashSet<_> = mine.iter().map(|m| m.shift.id).collect();
        let near = match (near_lat, near_lon) {
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                Some((lat, lon))
            }
            _ => None,
        };
        let area = match near {
            Some(_) => who.home.0.first().copied(),
            None => sign_up_area(&who),
        };
        let mut open: Vec<ShiftCard> = match area {
            Some(area) => store
                .shifts_in(area, now, now + LOOK_AHEAD_MS)
                .await
                .map_err(AppError::from)?
                .into_iter()
                // A shift under way with room left can still be joined.
                .filter(|s| s.cancelled.is_none() && !taken.contains(&s.id))
                .map(ShiftCard::from)
                .collect(),
            None => Vec::new(),
        };
        if let (Some((lat, lon)), Some(area)) = (near, area) {
            let fences: std::collections::HashMap<i64, domain::geometry::Fence> = store
                .sites_in(area)
                .await
                .map_err(AppError::from)?
                .into_iter()
                .map(|s| (s.id.0, s.fence))
                .collect();
            for card in &mut open {
                card.distance_m = fences
                    .get(&card.site_id)
                    .map(|f| domain::duty::geofence::distance_m(f, lat, lon).round() as u32);
            }
            open.retain(|c| c.distance_m.is_some_and(|d| f64::from(d) <= NEAR_M));
            open.sort_by_key(|c| (c.distance_m, c.starts_at));
        }
        // The plain list (not "near me", whose question holds the phone's position) may be
        // kept on the phone for this reader, so the volunteer's own shifts open offline.
        if near.is_none() {
            crate::pwa::keep_offline_for(state.secrets.as_ref(), who.volunteer_id);
        }
        Ok(ShiftsPageData {
            generated_at: now,
            mine: mine
                .into_iter()
                .map(|m| my_card(m, now, &state.duty))
                .collect(),
            open,
            can_manage: who.highest_role() >= domain::Role::TeamLeader,
            calendar_url: super::calendar::calendar_url(&state, who.volunteer_id).await?,
        })
    })
    .await
}

/// Signs the reader up; `true` when they landed on the waitlist.
#[server(endpoint = "shifts/sign-up")]
pub async fn sign_up(shift_id: i64) -> Result<bool, AppError> {
    crate::error::answer(async move {
        use domain::duty::DAY_MS;
        use domain::{Action, FieldError, MessageKey, ShiftId, SignUpOutcome};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        if !who.status.on_duty_roll() {
            return Err(AppError::Forbidden);
        }
        let shift = store
            .shift(ShiftId(shift_id))
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let path = store
            .area_path(shift.area_id)
            .await
            .map_err(AppError::from)?;
        let leads_here = who.may(Action::ManageShifts, &path);
        // Any shift of the volunteer's own district ("near me" reaches past their street).
        let in_reach = who.home.0.first().is_some_and(|d| path.contains(*d)) || leads_here;
        if !in_reach {
            return Err(AppError::NotFound);
        }
        if shift.cancelled.is_some() {
            return Err(FieldError::new("shift", MessageKey::ShiftCancelled).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        // Joining a shift under way is allowed (someone arrives to help); an ended one is not.
        if shift.window.ends_at <= now {
            return Err(FieldError::new("shift", MessageKey::OutsideShiftTime).into());
        }
        let window = shift.window;
        // Signing up twice is harmless (storage answers with the existing place), so the
        // shift itself is left out of what the fatigue rules weigh it against.
        let others: Vec<_> = store
            .duty_windows(
                who.volunteer_id,
                window.starts_at - 2 * DAY_MS,
                window.ends_at + 2 * DAY_MS,
            )
            .await
            .map_err(AppError::from)?
            .into_iter()
            .filter(|(id, _)| *id != shift.id)
            .map(|(_, w)| w)
            .collect();
        state
            .duty
            .fatigue
            .check(&others, window)
            .map_err(|refusal| AppError::from(FieldError::new("shift", refusal.key())))?;
        let outcome = store
            .sign_up(shift.id, who.volunteer_id, leads_here, now)
            .await
            .map_err(|e| match e {
                // Cancelled between the read above and the write.
                domain::StorageError::MissingReference => {
                    AppError::from(FieldError::new("shift", MessageKey::ShiftCancelled))
                }
                other => other.into(),
            })?;
        Ok(matches!(outcome, SignUpOutcome::Waitlisted(_)))
    })
    .await
}

#[server(endpoint = "shifts/cancel-sign-up")]
pub async fn cancel_sign_up(assignment_id: i64) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::duty::shift::may_cancel;
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let a = super::access::own_assignment(store, &who, assignment_id).await?;
        let shift = super::access::shift_of(store, &a).await?;
        let now = chrono::Utc::now().timestamp_millis();
        if shift.cancelled.is_none()
            && !may_cancel(now, shift.window, state.duty.cancel_cutoff_minutes)
        {
            return Err(FieldError::new("assignment_id", MessageKey::CancelTooLate).into());
        }
        store
            .cancel_sign_up(a.id, now)
            .await
            .map_err(AppError::from)?;
        Ok(())
    })
    .await
}

/// The volunteer's reason for a check-in the fence judged outside (or could not judge).
#[server(endpoint = "shifts/explain")]
pub async fn explain_check(client_key: String, reason: String) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new("reason", MessageKey::ReasonRequired).into());
        }
        if reason.chars().count() > super::service::MAX_REASON_CHARS {
            return Err(FieldError::new("reason", MessageKey::TooLong).into());
        }
        state
            .storage
            .explain_check(&client_key, who.volunteer_id, reason)
            .await
            .map_err(AppError::from)
    })
    .await
}

#[component]
pub fn ShiftsPage() -> impl IntoView {
    let t = use_texts();
    let refresh = RwSignal::new(0u32);
    // The phone's position once the volunteer asks for shifts near them.
    let near = RwSignal::new(None::<(f64, f64)>);
    let data = Resource::new(
        move || (refresh.get(), near.get()),
        |(_, near)| shifts_page(near.map(|n| n.0), near.map(|n| n.1)),
    );
    // The assignments whose event waits in the outbox (kept here, above the list, so a refresh
    // of the list does not forget them); the shell shows how many events wait.
    let waiting = RwSignal::new(Vec::<i64>::new());
    // `/shifts?code=123456`: the link in the leader's QR code, scanned with the phone camera.
    let prefill = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("code"))
        .filter(|c| c.len() == 6 && c.chars().all(|ch| ch.is_ascii_digit()));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        super::outbox::watch(move |n, sent| {
            if n == 0 {
                waiting.set(Vec::new());
            }
            if !sent.is_empty() {
                refresh.update(|r| *r += 1);
            }
        });
    });
    view! {
        <Title text=t.shifts_title />
        <h1>{t.shifts_title}</h1>
        <Transition fallback=move || {
            view! { <p class="loading">{t.loading}</p> }
        }>
            {move || {
                let prefill = prefill.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            view! { <ShiftLists page refresh waiting prefill near /> }.into_any()
                        }
                        Err(AppError::Unauthenticated) => {
                            view! { <crate::auth::LoginPrompt next="/shifts" /> }.into_any()
                        }
                        Err(e) => view! { <crate::pages::PageError e /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn ShiftLists(
    page: ShiftsPageData,
    refresh: RwSignal<u32>,
    waiting: RwSignal<Vec<i64>>,
    prefill: Option<String>,
    near: RwSignal<Option<(f64, f64)>>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let locating = RwSignal::new(false);
    // Location blocked: the button says why nothing was sorted instead of doing nothing.
    let near_blocked = RwSignal::new(false);
    let find_near = move |_| {
        locating.set(true);
        crate::geolocation::request_position(60_000, move |fix| {
            locating.set(false);
            match fix {
                crate::geolocation::Fix::Found { lat, lon, .. } => {
                    near_blocked.set(false);
                    near.set(Some((lat, lon)));
                }
                _ => near_blocked.set(true),
            }
        });
    };
    // Shown once hydrated (the server's answer is always fresh): offline, or an answer more
    // than a minute old, means this is what the phone kept.
    let generated_at = page.generated_at;
    let kept = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let offline = web_sys::window().is_some_and(|w| !w.navigator().on_line());
        kept.set(offline || js_sys::Date::now() as i64 - generated_at > 60_000);
    });
    let lang = use_lang();
    let mine_empty = page.mine.is_empty();
    let mut seen_next = false;
    let open_empty = page.open.is_empty();
    view! {
        {page
            .can_manage
            .then(|| {
                view! {
                    <a class="shortcut" href="/shifts/manage" data-testid="roster-link">
                        {d.manage_link}
                    </a>
                }
            })}
        <section class="stack" aria-labelledby="mine-title">
            <h2 id="mine-title">{d.my_shifts}</h2>
            {move || {
                kept.get()
                    .then(|| {
                        view! {
                            <p class="alert warn" role="status" data-testid="last-updated">
                                {d.last_updated.replace("{at}", &moment(lang, generated_at))}
                            </p>
                        }
                    })
            }}
            {mine_empty.then(|| view! { <p class="empty-state">{d.my_shifts_empty}</p> })}
            {page
                .mine
                .into_iter()
                .map(|card| {
                    let is_next = !seen_next && !card.under_way && card.checked_out.is_none()
                        && card.shift.cancelled.is_none();
                    seen_next |= is_next;
                    let code = prefill
                        .clone()
                        .filter(|_| card.check_open && card.checked_out.is_none());
                    // "Next" is the first shift still to come: not under way, done or cancelled.
                    // A scanned code goes to the shift open for check-in now.
                    view! { <MyShift card next=is_next refresh waiting prefill=code /> }
                })
                .collect_view()}
        </section>
        <section class="stack" aria-labelledby="open-title">
            <div class="section-head">
                <h2 id="open-title">{d.open_shifts}</h2>
                <button
                    type="button"
                    class="button small"
                    data-testid="near-me"
                    on:click=find_near
                    disabled=move || locating.get()
                >
                    {move || if near.get().is_some() { d.nearest_first } else { d.near_me }}
                </button>
            </div>
            {move || {
                near_blocked
                    .get()
                    .then(|| {
                        view! {
                            <p class="alert warn" role="alert" data-testid="near-blocked">
                                {d.location_blocked_near}
                            </p>
                        }
                    })
            }}
            {open_empty.then(|| view! { <p class="empty-state">{d.open_shifts_empty}</p> })}
            {page
                .open
                .into_iter()
                .map(|shift| view! { <OpenShift shift refresh /> })
                .collect_view()}
        </section>
        <super::calendar::CalendarLink url=page.calendar_url />
    }
    .into_any()
}

/// "已报名 3/5 · 队长 1/1 · 候补 2"
#[component]
pub(super) fn Filled(shift: ShiftCard) -> impl IntoView {
    let d = use_texts().duty;
    view! {
        <p class="shift-filled" data-testid="filled">
            <span>{d.filled} " " {shift.signed_up} "/" {shift.headcount}</span>
            {(shift.leaders_needed > 0)
                .then(|| {
                    view! {
                        <span>
                            " · " {d.leaders} " " {shift.leaders_signed_up} "/"
                            {shift.leaders_needed}
                        </span>
                    }
                })}
            {(shift.waitlisted > 0)
                .then(|| view! { <span>" · " {d.waitlist_count} " " {shift.waitlisted}</span> })}
        </p>
    }
}

#[component]
fn MyShift(
    card: MyShiftCard,
    next: bool,
    refresh: RwSignal<u32>,
    waiting: RwSignal<Vec<i64>>,
    prefill: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    let id = card.assignment_id;
    // A server-handled form: with JavaScript off it is posted and the page comes back.
    let cancel = ServerAction::<CancelSignUp>::new();
    refresh_on_success(*cancel, refresh);
    let cancel_error = failure(*cancel, t);
    let shift = card.shift.clone();
    let show_cancel =
        card.may_cancel && card.checked_in.is_none() && card.shift.cancelled.is_none();
    view! {
        <article
            class="card shift mine"
            data-testid="my-shift"
            data-site=shift.site.clone()
            data-assignment=id.to_string()
        >
            <div class="shift-head">
                <h3>{shift.site.clone()}</h3>
                {if card.under_way && card.checked_out.is_none() && shift.cancelled.is_none() {
                    Some(
                        view! {
                            <span class="badge" data-status="registered" data-testid="under-way">
                                {d.under_way_badge}
                            </span>
                        }
                            .into_any(),
                    )
                } else if next && shift.cancelled.is_none() {
                    Some(
                        view! {
                            <span class="badge" data-status="registered" data-testid="next">
                                {d.next_badge}
                            </span>
                        }
                            .into_any(),
                    )
                } else {
                    None
                }}
                {card
                    .waitlisted
                    .then(|| {
                        view! {
                            <span class="badge" data-status="applied">
                                {d.waitlisted}
                            </span>
                        }
                    })}
            </div>
            <p class="shift-when">{when(lang, shift.starts_at, shift.ends_at)}</p>
            {shift
                .cancelled
                .clone()
                .map(|why| {
                    view! {
                        <p class="alert warn" role="status" data-testid="cancelled">
                            {d.cancelled_shift}
                            ": "
                            {why}
                        </p>
                    }
                })}
            {(!shift.notes.is_empty())
                .then(|| view! { <p class="muted">{shift.notes.clone()}</p> })}
            {(shift.cancelled.is_none() && !card.waitlisted)
                .then(|| {
                    view! {
                        <CheckPanel card=card.clone() refresh waiting prefill=prefill.clone() />
                    }
                })}
            {card
                .check_opens_at
                .filter(|_| shift.cancelled.is_none() && !card.waitlisted)
                .map(|at| {
                    view! {
                        <p class="muted" data-testid="check-opens">
                            {d.check_opens.replace("{at}", &moment(lang, at))}
                        </p>
                    }
                })}
            {show_cancel
                .then(|| {
                    view! {
                        <p class="muted" data-testid="cancel-until">
                            {d.cancel_until.replace("{at}", &moment(lang, card.cancel_until))}
                        </p>
                        <ActionForm action=cancel>
                            <input type="hidden" name="assignment_id" value=id.to_string() />
                            <button
                                type="submit"
                                class="button block"
                                data-testid="cancel-sign-up"
                                disabled=move || cancel.pending().get()
                            >
                                {d.cancel_sign_up}
                            </button>
                        </ActionForm>
                    }
                })}
            // Past the cut-off the button goes: the card says since when, and what to do instead.
            {(!card.may_cancel && card.checked_in.is_none() && shift.cancelled.is_none())
                .then(|| {
                    view! {
                        <p class="muted" data-testid="cancel-closed">
                            {d.cancel_closed.replace("{at}", &moment(lang, card.cancel_until))}
                        </p>
                    }
                })}
            {move || {
                cancel_error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
        </article>
    }
    .into_any()
}

#[component]
fn OpenShift(shift: ShiftCard, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    let id = shift.id;
    // A server-handled form: with JavaScript off it is posted and the page comes back.
    let take = ServerAction::<SignUp>::new();
    refresh_on_success(*take, refresh);
    let error = failure(*take, t);
    let label = if shift.is_full() {
        d.join_waitlist
    } else {
        d.sign_up
    };
    view! {
        <article class="card shift" data-testid="open-shift" data-site=shift.site.clone()>
            <div class="shift-head">
                <h3>{shift.site.clone()}</h3>
            </div>
            <p class="shift-when">{when(lang, shift.starts_at, shift.ends_at)}</p>
            <Filled shift=shift.clone() />
            {shift
                .distance_m
                .map(|m| {
                    view! {
                        <p class="muted" data-testid="distance">
                            {d.distance}
                            " "
                            {m}
                            " m"
                        </p>
                    }
                })}
            {(!shift.notes.is_empty())
                .then(|| view! { <p class="muted">{shift.notes.clone()}</p> })}
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
            <ActionForm action=take>
                <input type="hidden" name="shift_id" value=id.to_string() />
                <button
                    type="submit"
                    class="button primary block"
                    data-testid="sign-up"
                    disabled=move || take.pending().get()
                >
                    {label}
                </button>
            </ActionForm>
        </article>
    }
    .into_any()
}

/// "12月2日 周三 08:00": a day and a clock time, as the cards write moments.
fn moment(lang: crate::i18n::Lang, at: i64) -> String {
    format!("{} {}", super::view::day(lang, at), super::view::clock(at))
}
