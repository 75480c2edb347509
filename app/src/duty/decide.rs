//! Hours to decide on `/shifts/manage`: the claims a leader confirms, corrects or disputes
//! (each with what the record shows — a check-in outside the site, one made again on site, the
//! patrol track), and the server function that stores the decision with its ledger entry.

use super::view::{clock, duration, when};
use crate::actions::failure;
use crate::i18n::{use_lang, use_texts};
use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HoursToDecide {
    pub assignment_id: i64,
    pub volunteer: String,
    pub site: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub minutes: u32,
    pub disputed: bool,
    /// outside, unknown or auto: why this record needs a look.
    pub flagged: Option<String>,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    /// The volunteer's reason for checking in outside the site.
    pub reason: Option<String>,
    /// Check-ins made before the one in force (outside or without a position, then made again
    /// on site): when, and what they showed. The record keeps them; so does the leader's view.
    pub superseded: Vec<(i64, String)>,
}

/// What [`decide_hours`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DecideHoursInput {
    pub assignment_id: i64,
    pub decision: String,
    pub minutes: String,
    pub reason: String,
}

/// A leader's decision on claimed hours: `confirm` (with `minutes` when correcting, and then a
/// `reason`) or `dispute` (with a `reason`).
#[server(endpoint = "hours/decide")]
pub async fn decide_hours(input: DecideHoursInput) -> Result<(), AppError> {
    let DecideHoursInput {
        assignment_id,
        decision,
        minutes,
        reason,
    } = input;
    crate::error::answer(async move {
        use domain::{
            Action, AssignmentId, AuditEntry, Decision, FieldError, MessageKey, StorageError,
        };
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        crate::auth::require_login()?;
        let a = store
            .assignment(AssignmentId(assignment_id))
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let (who, shift) =
            super::access::shift_in_scope(store, a.shift_id.0, Action::ConfirmHours).await?;
        // Nobody confirms their own hours.
        if a.volunteer_id == who.volunteer_id {
            return Err(AppError::Forbidden);
        }
        let (claimed, claim_state) = match store.service_of(a.id).await.map_err(AppError::from)? {
            Some((m, s)) if s != domain::ServiceState::Confirmed => (m, s),
            _ => return Err(FieldError::new("decision", MessageKey::AlreadyDecided).into()),
        };
        let reason = reason.trim();
        let reason = (!reason.is_empty()).then(|| reason.to_owned());
        if reason.as_ref().is_some_and(|r| r.chars().count() > 200) {
            return Err(FieldError::new("reason", MessageKey::TooLong).into());
        }
        let most = shift.window.minutes() + 2 * state.duty.grace_minutes;
        let decision = match decision.as_str() {
            "confirm" => {
                let minutes = match domain::duty::form::parse_count("minutes", &minutes)? {
                    None => claimed,
                    Some(m) if (0..=i64::from(most)).contains(&m) => m as u32,
                    Some(_) => {
                        return Err(FieldError::new("minutes", MessageKey::MinutesOutOfRange).into())
                    }
                };
                if minutes != claimed && reason.is_none() {
                    return Err(FieldError::new("reason", MessageKey::ReasonRequired).into());
                }
                Decision::Confirm { minutes, reason }
            }
            "dispute" => Decision::Dispute {
                reason: reason.ok_or_else(|| {
                    AppError::from(FieldError::new("reason", MessageKey::ReasonRequired))
                })?,
            },
            _ => return Err(FieldError::new("decision", MessageKey::Required).into()),
        };
        let now = chrono::Utc::now().timestamp_millis();
        let audit = AuditEntry {
            at_ms: now,
            actor_id: Some(who.volunteer_id),
            action: "decide_hours".into(),
            entity: "assignment".into(),
            entity_id: Some(a.id.0),
            area_id: Some(shift.area_id),
            before: Some(
                serde_json::json!({ "minutes": claimed, "state": claim_state.as_str() })
                    .to_string(),
            ),
            after: Some(serde_json::to_string(&decision).unwrap_or_default()),
        };
        store
            .decide_service(a.id, &decision, Some(who.volunteer_id), now, &audit)
            .await
            .map_err(|e| match e {
                StorageError::ChangedMeanwhile => {
                    AppError::from(FieldError::new("decision", MessageKey::AlreadyDecided))
                }
                other => other.into(),
            })
    })
    .await
}

#[component]
pub(super) fn DecideList(
    items: Vec<HoursToDecide>,
    refresh: RwSignal<u32>,
    decided: RwSignal<Vec<String>>,
) -> impl IntoView {
    let d = use_texts().duty;
    let empty = items.is_empty();
    view! {
        <section class="stack">
            <h2>{d.decide_title}</h2>
            {empty.then(|| view! { <p class="empty-state">{d.decide_empty}</p> })}
            <ul class="decided" role="status" data-testid="decided">
                {move || {
                    decided
                        .get()
                        .into_iter()
                        .map(|line| view! { <li class="alert ok">{line}</li> })
                        .collect_view()
                }}
            </ul>
            {items
                .into_iter()
                .map(|item| view! { <DecideCard item refresh decided /> })
                .collect_view()}
        </section>
    }
    .into_any()
}

#[component]
fn DecideCard(
    item: HoursToDecide,
    refresh: RwSignal<u32>,
    decided: RwSignal<Vec<String>>,
) -> impl IntoView {
    let t = use_texts();
    let d = t.duty;
    let lang = use_lang();
    let id = item.assignment_id;
    let minutes = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let decide = Action::new(move |(decision, m, r): &(&'static str, String, String)| {
        decide_hours(DecideHoursInput {
            assignment_id: id,
            decision: (*decision).to_owned(),
            minutes: m.clone(),
            reason: r.clone(),
        })
    });
    let last = RwSignal::new("confirm");
    // Said before the list is read again (which takes this card away): what was decided.
    let volunteer = item.volunteer.clone();
    Effect::new(move |_| {
        let Some(Ok(())) = decide.value().get() else {
            return;
        };
        let line = if last.get_untracked() == "dispute" {
            d.decided_dispute.replace("{name}", &volunteer)
        } else {
            d.decided_confirm.replace("{name}", &volunteer)
        };
        decided.update(|all| all.push(line));
        refresh.update(|r| *r += 1);
    });
    let error = failure(decide, t);
    let flag = item.flagged.as_deref().map(|f| match f {
        "outside" => d.flag_outside,
        "auto" => d.flag_auto,
        _ => d.flag_unknown,
    });
    let times = match (item.checked_in_at, item.checked_out_at) {
        (Some(i), Some(o)) => format!("{}–{}", clock(i), clock(o)),
        _ => String::new(),
    };
    view! {
        <article class="card decide" data-testid="decide" data-volunteer=item.volunteer.clone()>
            <div class="shift-head">
                <h3>{item.volunteer.clone()}</h3>
                {item
                    .disputed
                    .then(|| {
                        view! {
                            <span class="badge" data-status="rejected">
                                {d.disputed}
                            </span>
                        }
                    })}
            </div>
            <p class="shift-when">
                {item.site.clone()} " · " {when(lang, item.starts_at, item.ends_at)}
            </p>
            <p>
                {d.claimed} " "
                <strong data-testid="claimed">{duration(lang, i64::from(item.minutes))}</strong> " "
                {times}
            </p>
            {flag
                .map(|f| {
                    view! {
                        <p class="alert warn" data-testid="flag">
                            {f}
                        </p>
                    }
                })}
            {item
                .superseded
                .iter()
                .map(|(at, proof)| {
                    let shown = if proof == "outside" {
                        d.verdict_outside
                    } else {
                        d.verdict_unknown
                    };
                    view! {
                        <p class="muted" data-testid="superseded">
                            {d
                                .superseded_check_in
                                .replace("{at}", &clock(*at))
                                .replace("{verdict}", shown)}
                        </p>
                    }
                })
                .collect_view()}
            {item.reason.clone().map(|r| view! { <p class="muted">{d.reason} ": " {r}</p> })}
            <super::track::TrackPanel assignment_id=id />
            <div class="row">
                <label class="field">
                    <span>{d.correct_to}</span>
                    <input
                        inputmode="numeric"
                        prop:value=minutes
                        on:input=move |ev| minutes.set(event_target_value(&ev))
                    />
                </label>
                <label class="field">
                    <span>{d.reason}</span>
                    <input
                        maxlength="200"
                        prop:value=reason
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                </label>
            </div>
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
            <div class="row">
                <button
                    type="button"
                    class="button primary"
                    data-testid="confirm-hours"
                    disabled=move || decide.pending().get()
                    on:click=move |_| {
                        last.set("confirm");
                        decide.dispatch(("confirm", minutes.get(), reason.get()));
                    }
                >
                    {d.confirm}
                </button>
                <button
                    type="button"
                    class="button"
                    data-testid="dispute-hours"
                    disabled=move || decide.pending().get()
                    on:click=move |_| {
                        last.set("dispute");
                        decide.dispatch(("dispute", String::new(), reason.get()));
                    }
                >
                    {d.dispute}
                </button>
            </div>
        </article>
    }
    .into_any()
}
