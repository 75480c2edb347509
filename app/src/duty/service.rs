//! The duty services the HTTP routes and the sweeper call: judging and storing a check event
//! (exactly once, however often the phone's outbox sends it), and what time alone decides —
//! forgotten check-outs, no-shows, hours nobody confirmed.

use super::check::{CheckAnswer, CheckInput};
use crate::AppError;
use domain::duty::hours::{automatic_check_out_at, credited_minutes, plausible_made_at};
use domain::duty::rules::code_matches;
use domain::duty::DAY_MS;
use domain::{
    AssignmentId, AssignmentState, AuditEntry, CheckKind, Decision, FieldError, MessageKey,
    NewCheck, Principal, Proof, Storage,
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
    // answers with the first: the phone stops sending it and nothing is stored twice.
    let earlier = &context.checks;
    if let Some(first) = earlier
        .iter()
        .find(|c| c.client_key == key)
        .or_else(|| earlier.iter().find(|c| c.kind == kind))
    {
        return Ok(CheckAnswer::of(first, false, None));
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
    let check_in = earlier.iter().find(|c| c.kind == CheckKind::In);
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
            Some((lat, lon, accuracy.unwrap_or(f64::NAN)))
        }
        _ => None,
    };
    let code = input.code.as_deref().map(str::trim).unwrap_or_default();
    let proof = if !code.is_empty() {
        if !code_matches(secrets, context.shift_id.0, made_at, code) {
            return Err(FieldError::new("code", MessageKey::CodeInvalid).into());
        }
        Proof::Qr
    } else if let Some((lat, lon, accuracy)) = position {
        Proof::Position(domain::duty::geofence::verdict(
            &context.fence,
            lat,
            lon,
            accuracy,
        ))
    } else {
        Proof::Position(domain::Verdict::Unknown)
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(FieldError::new("reason", MessageKey::TooLong).into());
    }

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
        })
        .await
        .map_err(AppError::from)?;
    let mut minutes = None;
    if stored && kind == CheckKind::Out {
        if let Some(check_in) = check_in {
            let credited = credited_minutes(
                check_in.made_at,
                event.made_at,
                context.window,
                rules.grace_minutes,
            );
            let flag = [check_in.proof, event.proof]
                .into_iter()
                .find(|p| p.needs_review())
                .map(|p| p.as_str());
            store
                .open_service(assignment.id, credited, flag, now)
                .await
                .map_err(AppError::from)?;
            minutes = Some(credited);
        }
    }
    Ok(CheckAnswer::of(&event, stored, minutes))
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    pub closed: u32,
    pub no_shows: u64,
    pub auto_confirmed: u32,
    pub tracks_coarsened: u32,
}

/// Everything time decides, as of `now`. Runs every minute in the server; safe to run twice
/// or on two servers at once (each step is idempotent).
pub async fn sweep(
    store: &dyn Storage,
    rules: &domain::DutyRules,
    now: i64,
) -> Result<Sweep, domain::StorageError> {
    let grace_ms = i64::from(rules.grace_minutes) * domain::duty::MINUTE_MS;
    let mut done = Sweep::default();
    for (id, window, first_in) in store.forgotten_check_outs(now - grace_ms).await? {
        let made_at = automatic_check_out_at(window, rules.grace_minutes);
        let (_, stored) = store
            .record_check(&NewCheck {
                client_key: format!("auto-out-{}", id.0),
                assignment_id: id,
                kind: CheckKind::Out,
                made_at,
                received_at: now,
                position: None,
                proof: Proof::Auto,
                outside_reason: None,
            })
            .await?;
        let credited = credited_minutes(first_in, made_at, window, rules.grace_minutes);
        store
            .open_service(id, credited, Some(Proof::Auto.as_str()), now)
            .await?;
        if stored {
            done.closed += 1;
        }
    }
    done.no_shows = store.mark_no_shows(now - grace_ms).await?;
    let due = now - i64::from(rules.auto_confirm_days) * DAY_MS;
    for (id, minutes) in store.pending_services_before(due).await? {
        let audit = AuditEntry {
            at_ms: now,
            actor_id: None,
            action: "auto_confirm_hours".into(),
            entity: "assignment".into(),
            entity_id: Some(id.0),
            area_id: None,
            before: Some(r#"{"state":"pending"}"#.into()),
            after: Some(format!(r#"{{"state":"confirmed","minutes":{minutes}}}"#)),
        };
        let decision = Decision::Confirm {
            minutes,
            reason: None,
        };
        match store.decide_service(id, &decision, None, now, &audit).await {
            // A leader decided it in the meantime: nothing left to do.
            Ok(()) | Err(domain::StorageError::Constraint(_)) => done.auto_confirmed += 1,
            Err(e) => return Err(e),
        }
    }
    // Tracks past their retention keep only their length and coarse cells.
    let retention = now - i64::from(rules.track_retention_days) * DAY_MS;
    for id in store.tracks_to_coarsen(retention).await? {
        use domain::duty::track::{coarse_cells, length_m, MIN_CELL_M};
        let points = store.track_points(id).await?;
        store
            .coarsen_track(
                id,
                length_m(&points),
                &coarse_cells(&points, MIN_CELL_M),
                now,
            )
            .await?;
        done.tracks_coarsened += 1;
    }
    Ok(done)
}

/// The secret part of a volunteer's calendar link: calendar apps fetch without cookies, so the
/// link itself is the credential. 128 bits of the server's MAC over the volunteer's id.
pub fn calendar_token(secrets: &dyn domain::Secrets, volunteer: domain::VolunteerId) -> String {
    let mac = secrets.mac("calendar", &volunteer.0.to_string());
    let hex: String = mac[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", volunteer.0)
}

/// Whose calendar `token` opens, if it is genuine (compared in constant time).
pub fn calendar_owner(secrets: &dyn domain::Secrets, token: &str) -> Option<domain::VolunteerId> {
    let (id, _) = token.split_once('-')?;
    let volunteer = domain::VolunteerId(id.parse().ok()?);
    let expected = calendar_token(secrets, volunteer);
    let same = expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    same.then_some(volunteer)
}
