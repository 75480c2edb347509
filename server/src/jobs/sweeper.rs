//! The duty sweeper: once a minute, everything time alone decides — forgotten check-outs closed,
//! no-shows recorded, hours nobody confirmed confirmed, old movements coarsened. Every step is
//! idempotent, so several servers may sweep the same database.

use domain::duty::hours::{automatic_check_out_at, credited_minutes};
use domain::duty::DAY_MS;
use domain::{AuditEntry, CheckKind, Decision, DutyRules, NewCheck, Proof, ServiceClaim, Storage};
use std::sync::Arc;
use std::time::Duration;

/// Sweeps now and then every minute, for as long as the server runs.
pub async fn every_minute(store: Arc<dyn Storage>, rules: Arc<DutyRules>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        sweep_now(store.as_ref(), &rules).await;
    }
}

/// One run, with its one log line: what it changed (info), that there was nothing to do
/// (debug), or why it failed (warn; the next minute tries again).
#[tracing::instrument(skip_all)]
async fn sweep_now(store: &dyn Storage, rules: &DutyRules) {
    let now = chrono::Utc::now().timestamp_millis();
    match sweep(store, rules, now).await {
        Ok(done) if done != Sweep::default() => tracing::info!(
            closed = done.closed,
            no_shows = done.no_shows,
            auto_confirmed = done.auto_confirmed,
            recovered = done.recovered,
            tracks_coarsened = done.tracks_coarsened,
            checks_coarsened = done.checks_coarsened,
            "duty sweep: {} forgotten check-outs closed, {} no-shows, {} hours confirmed",
            done.closed,
            done.no_shows,
            done.auto_confirmed,
        ),
        Ok(_) => tracing::debug!("duty sweep: nothing to do"),
        Err(e) => tracing::warn!("duty sweep failed: {e}"),
    }
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    pub closed: u32,
    pub no_shows: u64,
    pub auto_confirmed: u32,
    pub tracks_coarsened: u32,
    /// Check-outs found without their hours, credited now.
    pub recovered: u32,
    pub checks_coarsened: u64,
}

/// Everything time decides, as of `now`. Run every minute by `every_minute`; safe to run twice
/// or on two servers at once (each step is idempotent).
pub async fn sweep(
    store: &dyn Storage,
    rules: &DutyRules,
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
                supersedes: None,
                service: Some(ServiceClaim {
                    minutes: credited_minutes(first_in, made_at, window, rules.grace_minutes),
                    flagged: Some(Proof::Auto.as_str()),
                }),
            })
            .await?;
        if stored {
            done.closed += 1;
        }
    }
    // Check-outs stored before they carried their hours (or by anything that stored an event
    // alone) are credited from the events themselves, as the check-out would have been.
    for lost in store.check_outs_without_hours().await? {
        let minutes = credited_minutes(
            lost.check_in.made_at,
            lost.check_out.made_at,
            lost.window,
            rules.grace_minutes,
        );
        let flag = [lost.check_in.proof, lost.check_out.proof]
            .into_iter()
            .find(|p| p.needs_review())
            .map(|p| p.as_str());
        if store
            .open_service(lost.assignment_id, minutes, flag, now)
            .await?
        {
            done.recovered += 1;
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
            Ok(()) => done.auto_confirmed += 1,
            // A leader decided it in the meantime: theirs stands, and it is not counted here.
            Err(domain::StorageError::ChangedMeanwhile) => {}
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
    // Check-in positions are movements too (PIPL art. 28): coarsened on the same schedule.
    done.checks_coarsened = store.coarsen_check_positions(retention).await?;
    Ok(done)
}
