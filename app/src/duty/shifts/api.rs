//! The server functions of `/shifts`: the lists, taking and leaving a shift, the reason for a
//! check-in outside the site, and the plain-form check-in for phones without the app's code.

#[cfg(feature = "ssr")]
use crate::duty::check::CheckInput;
use crate::duty::view::{MyShiftCard, ShiftCard};
use crate::AppError;
use leptos::prelude::*;
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
fn sign_up_area(who: &domain::Principal) -> Option<domain::AreaId> {
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

/// What [`shifts_page`] takes, as one value: the fields are the form's names. Every field
/// may be left out, and a call with none sends an empty body: hence the default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShiftsPageInput {
    pub near_lat: Option<f64>,
    pub near_lon: Option<f64>,
}

/// My shifts and the shifts I can take: those of my street, or — given the phone's position —
/// those within 3 km anywhere in my district, nearest first.
#[server(endpoint = "shifts/list")]
pub async fn shifts_page(
    #[server(default)] input: ShiftsPageInput,
) -> Result<ShiftsPageData, AppError> {
    let ShiftsPageInput { near_lat, near_lon } = input;
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
            calendar_url: crate::duty::calendar::calendar_url(&state, who.volunteer_id).await?,
        })
    })
    .await
}

/// What [`sign_up`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SignUpInput {
    pub shift_id: i64,
}

/// Signs the reader up; `true` when they landed on the waitlist.
#[server(endpoint = "shifts/sign-up")]
pub async fn sign_up(input: SignUpInput) -> Result<bool, AppError> {
    let SignUpInput { shift_id } = input;
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
        let now = chrono::Utc::now().timestamp_millis();
        if let Some(refusal) = domain::duty::week::sign_up_refusal(&shift, now) {
            return Err(FieldError::new("shift", refusal).into());
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

/// What [`cancel_sign_up`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CancelSignUpInput {
    pub assignment_id: i64,
}

#[server(endpoint = "shifts/cancel-sign-up")]
pub async fn cancel_sign_up(input: CancelSignUpInput) -> Result<(), AppError> {
    let CancelSignUpInput { assignment_id } = input;
    crate::error::answer(async move {
        use domain::duty::shift::may_cancel;
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let a = crate::duty::access::own_assignment(store, &who, assignment_id).await?;
        let shift = crate::duty::access::shift_of(store, &a).await?;
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

/// What [`explain_check`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ExplainCheckInput {
    pub client_key: String,
    pub reason: String,
}

/// The volunteer's reason for a check-in the fence judged outside (or could not judge).
#[server(endpoint = "shifts/explain")]
pub async fn explain_check(input: ExplainCheckInput) -> Result<(), AppError> {
    let ExplainCheckInput { client_key, reason } = input;
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(FieldError::new("reason", MessageKey::ReasonRequired).into());
        }
        if reason.chars().count() > crate::duty::service::MAX_REASON_CHARS {
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

/// What [`check_by_form`] takes, as one value: the fields are the form's names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckByFormInput {
    pub assignment_id: i64,
    pub kind: String,
    pub code: Option<String>,
}

/// The plain-form way to check in with the leader's code, or to check out (JavaScript off, or
/// the app's code not yet arrived on a slow network): judged and stored like the outbox's
/// events, without a position. A check-in by position needs the app to ask the phone where it
/// is, so without a code it is refused with a message that says so — and the code is offered
/// beside it.
#[server(endpoint = "shifts/check-form")]
pub async fn check_by_form(input: CheckByFormInput) -> Result<(), crate::AppError> {
    let CheckByFormInput {
        assignment_id,
        kind,
        code,
    } = input;
    crate::error::answer(async move {
        use domain::{FieldError, MessageKey};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let code = code.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if kind == "in" && code.is_none() {
            return Err(FieldError::new("code", MessageKey::CheckInNeedsApp).into());
        }
        let now = chrono::Utc::now().timestamp_millis();
        let input = CheckInput {
            // Made here: a form has no outbox to give it one. A second press is refused by
            // the one-check-in-in-force rule, not stored twice.
            client_key: uuid::Uuid::now_v7().to_string(),
            assignment_id,
            kind,
            made_at: now,
            lat: None,
            lon: None,
            accuracy_m: None,
            code,
            reason: None,
        };
        // "Made by another" tells the outbox of a shared phone to keep an event for its maker;
        // a form has no outbox, and someone else's sign-up is simply not the reader's to see.
        match crate::duty::service::record_check(&state, &who, &input, now).await {
            Ok(_) => Ok(()),
            Err(crate::AppError::MadeByAnother) => Err(crate::AppError::NotFound),
            Err(e) => Err(e),
        }
    })
    .await
}
