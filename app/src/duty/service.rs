//! The duty services the HTTP routes and server functions call: judging and storing a check
//! event (exactly once, however often the phone's outbox sends it), and the calendar link's
//! token.

use super::check::{CheckAnswer, CheckInput};
use crate::AppError;
use domain::duty::hours::{credited_minutes, plausible_made_at};
use domain::duty::port::in_force;
use domain::duty::rules::code_matches;
use domain::{
    AssignmentId, AssignmentState, CheckKind, FieldError, MessageKey, NewCheck, Principal, Proof,
    ServiceClaim,
};

/// The longest reason a volunteer can type for checking in outside the site.
pub const MAX_REASON_CHARS: usize = 200;

/// Judges and stores one check event sent by `who` (only ever for their own assignment).
pub async fn record_check(
    state: &crate::AppState,
    who: &Principal,
    input: &CheckInput,
    now: i64,
) -> Result<CheckAnswer, AppError> {
    let store = state.storage.as_ref();
    let secrets = state.secrets.as_ref();
    let rules = state.duty.as_ref();
    let key = input.client_key.trim();
    let key_ok =
        (16..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if !key_ok {
        return Err(FieldError::new("client_key", MessageKey::Required).into());
    }
    let kind = CheckKind::from_db(&input.kind)
        .ok_or_else(|| AppError::from(FieldError::new("kind", MessageKey::Required)))?;
    let context = store
        .check_context(AssignmentId(input.assignment_id))
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    if context.assignment.volunteer_id != who.volunteer_id {
        // Someone else's check-in still waiting in a shared phone's outbox: it stays there
        // until its maker logs in again, instead of being dropped.
        return Err(AppError::MadeByAnother);
    }
    let assignment = &context.assignment;

    // A repeat of an event already stored (same key, or a second check-in for the same shift)
    // answers with the first: the phone stops sending it and nothing is stored twice. The one
    // exception is a check-in made again on site after one outside or without a position.
    let earlier = &context.checks;
    if let Some(same) = earlier.iter().find(|c| c.client_key == key) {
        return Ok(CheckAnswer::of(same, false, None));
    }
    let check_in = in_force(earlier, CheckKind::In);
    let checked_out = in_force(earlier, CheckKind::Out).is_some();
    let redoing = match (kind, check_in) {
        (CheckKind::In, Some(first)) if first.proof.may_be_redone() && !checked_out => Some(first),
        _ => None,
    };
    if redoing.is_none() {
        if let Some(first) = in_force(earlier, kind) {
            return Ok(CheckAnswer::of(first, false, None));
        }
    }
    if context.cancelled {
        return Err(FieldError::new("assignment_id", MessageKey::ShiftCancelled).into());
    }
    if assignment.state != AssignmentState::SignedUp {
        return Err(AppError::Conflict);
    }
    let made_at = plausible_made_at(input.made_at, now);
    if !rules.accepts_check(context.window, made_at) {
        return Err(FieldError::new("assignment_id", MessageKey::OutsideShiftTime).into());
    }
    if kind == CheckKind::Out && check_in.is_none() {
        return Err(FieldError::new("kind", MessageKey::NotCheckedIn).into());
    }

    let position = match (input.lat, input.lon, input.accuracy_m) {
        (Some(lat), Some(lon), accuracy) => {
            if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                return Err(FieldError::new("lat", MessageKey::LatitudeOutOfRange).into());
            }
            if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                return Err(FieldError::new("lon", MessageKey::LongitudeOutOfRange).into());
            }
            // A missing accuracy stays missing (NULL on both databases), never NaN.
            Some((lat, lon, accuracy.filter(|a| a.is_finite() && *a >= 0.0)))
        }
        _ => None,
    };
    let code = input.code.as_deref().map(str::trim).unwrap_or_default();
    let proof = if !code.is_empty() {
        // Six digits are a million guesses: a few per assignment, then a wait. Counted before
        // the code is compared; the right code gives its count back.
        let subject = assignment.id.0.to_string();
        let counted = crate::throttle::take(
            store,
            secrets,
            &[(crate::throttle::Limit::CODE_ASSIGNMENT, &subject)],
            now,
        )
        .await?;
        if !code_matches(secrets, context.shift_id.0, made_at, code) {
            return Err(FieldError::new("code", MessageKey::CodeInvalid).into());
        }
        for (key, _) in &counted {
            store
                .rate_limit_forgive(key, false)
                .await
                .map_err(AppError::from)?;
        }
        Proof::Qr
    } else if let Some((lat, lon, accuracy)) = position {
        Proof::Position(domain::duty::geofence::verdict(
            &context.fence,
            lat,
            lon,
            accuracy.unwrap_or(f64::NAN),
        ))
    } else {
        Proof::Position(domain::Verdict::Unknown)
    };
    // Made again, a check-in must do better than the first: otherwise the first (and its
    // reason) stands, and the volunteer is told to move closer or use the code.
    if redoing.is_some() && !proof.on_site() {
        return Err(FieldError::new("kind", MessageKey::RecheckNotOnSite).into());
    }
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(FieldError::new("reason", MessageKey::TooLong).into());
    }

    // A check-out carries its hours into the same transaction: if the server dies after the
    // commit, the hours are there; if before, neither is, and the phone's retry stores both.
    let service = match (kind, check_in) {
        (CheckKind::Out, Some(check_in)) => Some(ServiceClaim {
            minutes: credited_minutes(
                check_in.made_at,
                made_at,
                context.window,
                rules.grace_minutes,
            ),
            flagged: [check_in.proof, proof]
                .into_iter()
                .find(|p| p.needs_review())
                .map(|p| p.as_str()),
        }),
        _ => None,
    };
    let (event, stored) = state
        .checks
        .record(NewCheck {
            client_key: key.to_owned(),
            assignment_id: assignment.id,
            kind,
            made_at,
            received_at: now,
            position,
            proof,
            outside_reason: reason.map(str::to_owned),
            supersedes: redoing.map(|first| first.id),
            service,
        })
        .await
        .map_err(AppError::from)?;
    let minutes = service.filter(|_| stored).map(|s| s.minutes);
    Ok(CheckAnswer::of(&event, stored, minutes))
}

/// The secret part of a volunteer's calendar link: calendar apps fetch without cookies, so the
/// link itself is the credential. 128 bits of the server's MAC over the volunteer's id and the
/// link's generation; renewing the link bumps the generation and the old link stops working.
/// (Generation 0 keeps the format links had before they could be renewed.)
pub fn calendar_token(
    secrets: &dyn domain::Secrets,
    volunteer: domain::VolunteerId,
    generation: i64,
) -> String {
    let (message, prefix) = if generation == 0 {
        (volunteer.0.to_string(), volunteer.0.to_string())
    } else {
        let both = format!("{}.{generation}", volunteer.0);
        (both.clone(), both)
    };
    let mac = secrets.mac("calendar", &message);
    let hex: String = mac[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}-{hex}")
}

/// Whose calendar `token` opens and its generation, if it is genuine (compared in constant
/// time). The caller still checks the generation is the person's current one.
pub fn calendar_owner(
    secrets: &dyn domain::Secrets,
    token: &str,
) -> Option<(domain::VolunteerId, i64)> {
    let (prefix, _) = token.split_once('-')?;
    let (id, generation) = match prefix.split_once('.') {
        Some((id, g)) => (id, g.parse::<i64>().ok().filter(|g| *g > 0)?),
        None => (prefix, 0),
    };
    let volunteer = domain::VolunteerId(id.parse().ok()?);
    let expected = calendar_token(secrets, volunteer, generation);
    let same = expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    same.then_some((volunteer, generation))
}
