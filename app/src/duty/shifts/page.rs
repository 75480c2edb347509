//! `/shifts` (我的班次): my shifts with the next one on top and its big check-in button, and
//! the shifts in my street I can still take, soonest first.

use super::api::{shifts_page, CancelSignUp, ShiftsPageData, ShiftsPageInput, SignUp};
use super::check_panel::CheckPanel;
use crate::actions::{failure, refresh_on_success};
use crate::duty::view::{when, MyShiftCard, ShiftCard};
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ShiftsPage() -> impl IntoView {
    let t = use_texts();
    let refresh = RwSignal::new(0u32);
    // The phone's position once the volunteer asks for shifts near them.
    let near = RwSignal::new(None::<(f64, f64)>);
    let data = Resource::new(
        move || (refresh.get(), near.get()),
        |(_, near)| {
            shifts_page(ShiftsPageInput {
                near_lat: near.map(|n| n.0),
                near_lon: near.map(|n| n.1),
            })
        },
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
        crate::duty::outbox::watch(move |n, sent| {
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
        <crate::duty::calendar::CalendarLink url=page.calendar_url />
    }
    .into_any()
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
                            <input type="hidden" name="input[assignment_id]" value=id.to_string() />
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
            <crate::duty::view::Filled shift=shift.clone() />
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
                <input type="hidden" name="input[shift_id]" value=id.to_string() />
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
    format!(
        "{} {}",
        crate::duty::view::day(lang, at),
        crate::duty::view::clock(at)
    )
}
