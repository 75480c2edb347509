//! The big check-in / check-out button of one of my shifts. Pressing it asks the phone for a
//! fresh position, makes the event (with its UUIDv7) and hands it to the outbox, which keeps it
//! until the server has it: offline, the card says "waiting to send" and nothing is lost.

use super::api::{explain_check, CheckByForm, ExplainCheckInput};
use super::check_press::{send, How, Phase, Press};
use crate::actions::{failure, refresh_on_success};
use crate::duty::view::{clock, duration, CheckView, MyShiftCard};
use crate::i18n::{use_lang, use_texts};
use leptos::prelude::*;

#[component]
pub fn CheckPanel(
    card: MyShiftCard,
    refresh: RwSignal<u32>,
    waiting: RwSignal<Vec<i64>>,
    /// A code from a scanned QR link, filled in and shown.
    prefill: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    // With JavaScript the buttons press through the outbox (a position, offline safety);
    // without it (or before the app's code has arrived) they are plain forms the server
    // handles, and this action shows the server's answer when the page comes back.
    let by_form = ServerAction::<CheckByForm>::new();
    let form_error = failure(*by_form, t);
    let form_url = <CheckByForm as leptos::server_fn::ServerFn>::PATH;
    let phase = RwSignal::new(Phase::Idle);
    let code_open = RwSignal::new(prefill.is_some());
    let code = RwSignal::new(prefill.unwrap_or_default());
    let id = card.assignment_id;
    let next_kind = match (&card.checked_in, &card.checked_out) {
        (None, _) => Some("in"),
        (Some(_), None) => Some("out"),
        (Some(_), Some(_)) => None,
    };
    // A check-in outside the site (or without a position) can be made again on site while
    // check-in is open: the server keeps the first on record and this one counts.
    let redo = card.check_open
        && card.checked_out.is_none()
        && card
            .checked_in
            .as_ref()
            .is_some_and(|c| matches!(c.proof.as_str(), "outside" | "unknown"));
    let press = move |kind: &'static str, how: How| {
        let code = matches!(how, How::Code).then(|| code.get_untracked());
        let how = Press {
            code,
            // Without a position, a check-in is stored only when the volunteer says so.
            needs_position: kind == "in" && matches!(how, How::Position),
        };
        send(id, kind, how, (phase, refresh, waiting), t);
    };
    // No position for a check-in: the code is the way in, so its entry opens.
    Effect::new(move |_| {
        if phase.get() == Phase::NoPosition {
            code_open.set(true);
        }
    });
    let busy = move || {
        matches!(phase.get(), Phase::Locating | Phase::Sending) || waiting.with(|w| w.contains(&id))
    };
    // The app presses instead of the browser posting the form.
    let enhanced = move |kind: &'static str, how: How| {
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            press(kind, how);
        }
    };
    let status = move || match phase.get() {
        _ if waiting.with(|w| w.contains(&id)) => Some(d.waiting_to_send.to_owned()),
        Phase::Idle | Phase::Refused(_) | Phase::NoPosition => None,
        Phase::Locating => Some(d.locating.to_owned()),
        Phase::Sending => Some(t.loading.to_owned()),
        Phase::Waiting => Some(d.waiting_to_send.to_owned()),
    };
    let refused = move || match phase.get() {
        Phase::Refused(why) => Some(why),
        _ => None,
    };
    let no_position = move || phase.get() == Phase::NoPosition;
    // The kind the code entry makes: the check-in made again, else the next step.
    let code_kind = if redo { Some("in") } else { next_kind };
    let needs_reason = card
        .checked_in
        .as_ref()
        .filter(|c| c.reason.is_none() && matches!(c.proof.as_str(), "outside" | "unknown"))
        .cloned();
    let done = card.checked_out.clone().map(|out| {
        let service = card.service.clone();
        view! {
            <p class="check-state done" data-testid="check-state">
                {d.checked_out}
                " "
                {clock(out.made_at)}
                {service
                    .map(|(minutes, state)| {
                        let label = match state.as_str() {
                            "confirmed" => d.credited,
                            "disputed" => d.disputed,
                            _ => d.pending,
                        };
                        view! {
                            " · "
                            {duration(lang, i64::from(minutes))}
                            " · "
                            <span data-testid="service-state">{label}</span>
                        }
                    })}
            </p>
        }
    });
    let checked_in = card
        .checked_in
        .clone()
        .map(|c| view! { <CheckedIn check=c /> });
    let open = card.check_open;
    // A plain form's refusal comes back in the address, not tied to one card: it is shown
    // where check-in is open (a volunteer has one such shift at a time).
    let plain_form_error = move || form_error().filter(|_| open);
    let on_duty = card.checked_in.is_some() && card.checked_out.is_none();
    let has_track = card.checked_in.is_some();
    view! {
        <div class="check-panel">
            {checked_in}
            {on_duty.then(|| view! { <crate::duty::track::TrackRecorder assignment_id=id /> })}
            {redo
                .then(|| {
                    view! {
                        <div class="stack recheck" data-testid="recheck">
                            <p class="muted">{d.recheck_hint}</p>
                            <form
                                method="post"
                                action=form_url
                                on:submit=enhanced("in", How::Position)
                            >
                                <input
                                    type="hidden"
                                    name="input[assignment_id]"
                                    value=id.to_string()
                                />
                                <input type="hidden" name="input[kind]" value="in" />
                                <button
                                    type="submit"
                                    class="button primary block check-button"
                                    data-testid="recheck-in"
                                    disabled=busy
                                >
                                    {d.recheck_in}
                                </button>
                            </form>
                        </div>
                    }
                })} {needs_reason.map(|c| view! { <ReasonForm check=c refresh /> })} {done}
            {next_kind
                .filter(|_| open)
                .map(|kind| {
                    let (label, testid) = if kind == "in" {
                        (d.check_in, "check-in")
                    } else {
                        (d.check_out, "check-out")
                    };
                    let class = if redo {
                        "button block check-button"
                    } else {
                        "button primary block check-button"
                    };
                    view! {
                        <form method="post" action=form_url on:submit=enhanced(kind, How::Position)>
                            <input type="hidden" name="input[assignment_id]" value=id.to_string() />
                            <input type="hidden" name="input[kind]" value=kind />
                            <button type="submit" class=class data-testid=testid disabled=busy>
                                {label}
                            </button>
                        </form>
                    }
                })}
            {move || {
                no_position()
                    .then(|| {
                        view! {
                            <div class="alert warn stack" role="alert" data-testid="no-position">
                                <p>{d.location_blocked}</p>
                                <button
                                    type="button"
                                    class="button text"
                                    data-testid="check-in-anyway"
                                    disabled=busy
                                    on:click=move |_| press("in", How::Unknown)
                                >
                                    {d.check_in_anyway}
                                </button>
                            </div>
                        }
                    })
            }}
            {code_kind
                .filter(|_| open)
                .map(|kind| {
                    let label = if kind == "in" { d.check_in } else { d.check_out };
                    view! {
                        <details class="code-entry" open=move || code_open.get()>
                            <summary>{d.use_code}</summary>
                            <form
                                class="stack"
                                method="post"
                                action=form_url
                                on:submit=enhanced(kind, How::Code)
                            >
                                <input
                                    type="hidden"
                                    name="input[assignment_id]"
                                    value=id.to_string()
                                />
                                <input type="hidden" name="input[kind]" value=kind />
                                <label class="field">
                                    <span>{d.code_label}</span>
                                    <input
                                        name="input[code]"
                                        inputmode="numeric"
                                        maxlength="6"
                                        autocomplete="one-time-code"
                                        data-testid="code"
                                        prop:value=code
                                        on:input=move |ev| code.set(event_target_value(&ev))
                                    />
                                </label>
                                <button
                                    type="submit"
                                    class="button block"
                                    data-testid="code-submit"
                                    disabled=busy
                                >
                                    {label}
                                </button>
                            </form>
                        </details>
                    }
                })}
            <p class="check-status" role="status" aria-live="polite" data-testid="check-status">
                {status}
            </p>
            {move || {
                refused()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert">
                                {e}
                            </p>
                        }
                    })
            }}
            {move || {
                plain_form_error()
                    .map(|e| {
                        view! {
                            <p class="form-error" role="alert" data-testid="form-error">
                                {e}
                            </p>
                        }
                    })
            }} {has_track.then(|| view! { <crate::duty::track::TrackPanel assignment_id=id /> })}
        </div>
    }
    .into_any()
}

#[component]
fn CheckedIn(check: CheckView) -> impl IntoView {
    let d = use_texts().duty;
    let verdict = match check.proof.as_str() {
        "inside" => d.verdict_inside,
        "outside" => d.verdict_outside,
        "qr" => d.verdict_qr,
        "auto" => d.verdict_auto,
        _ => d.verdict_unknown,
    };
    view! {
        <p class="check-state" data-testid="checked-in" data-proof=check.proof.clone()>
            {d.checked_in}
            " "
            {clock(check.made_at)}
            " · "
            {verdict}
        </p>
        {(check.proof == "outside").then(|| view! { <p class="alert warn">{d.outside_fence}</p> })}
    }
    .into_any()
}

/// Asks for the reason of a check-in outside the site (or without a position).
#[component]
fn ReasonForm(check: CheckView, refresh: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let reason = RwSignal::new(String::new());
    let key = check.client_key.clone();
    let save = Action::new(move |(key, reason): &(String, String)| {
        explain_check(ExplainCheckInput {
            client_key: key.clone(),
            reason: reason.clone(),
        })
    });
    refresh_on_success(save, refresh);
    let error = failure(save, t);
    view! {
        <form
            class="stack reason-form"
            data-testid="reason-form"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save.dispatch((key.clone(), reason.get()));
            }
        >
            <label class="field">
                <span>{d.reason}</span>
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
            <button type="submit" class="button block" disabled=move || save.pending().get()>
                {d.send_reason}
            </button>
        </form>
    }
    .into_any()
}
