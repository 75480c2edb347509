//! The pruner: once an hour, drops what only ages — sessions past their expiry or idle timeout,
//! rate-limit counters whose window is over. Idempotent, so several servers may prune at once.

use domain::duty::DAY_MS;
use domain::Storage;
use std::sync::Arc;
use std::time::Duration;

/// Prunes now and then every hour, for as long as the server runs.
pub async fn every_hour(store: Arc<dyn Storage>, session_idle_ms: i64) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        prune_now(store.as_ref(), session_idle_ms).await;
    }
}

/// One run, with its one log line. Each step runs even when the other failed; what failed is
/// tried again the next hour.
#[tracing::instrument(skip_all)]
async fn prune_now(store: &dyn Storage, session_idle_ms: i64) {
    let now = chrono::Utc::now().timestamp_millis();
    let sessions = store
        .delete_expired_sessions(now, now - session_idle_ms)
        .await;
    // The longest window is a day (logins per number); a day past it nothing is left.
    let counters = store.prune_rate_limits(now - 2 * DAY_MS, now).await;
    match (sessions, counters) {
        (Ok(0), Ok(0)) => tracing::debug!("pruning: nothing to drop"),
        (Ok(sessions), Ok(counters)) => tracing::info!(
            sessions,
            counters,
            "pruned {sessions} expired sessions and {counters} old rate-limit counters"
        ),
        (sessions, counters) => {
            let said = |step: Result<u64, domain::StorageError>| match step {
                Ok(n) => format!("{n} pruned"),
                Err(e) => format!("failed ({e})"),
            };
            tracing::warn!(
                "pruning failed in part: expired sessions {}, rate-limit counters {}",
                said(sessions),
                said(counters)
            );
        }
    }
}
