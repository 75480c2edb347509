//! The reminder job: once a minute, reads the shifts starting within two days and writes the
//! reminders that have come due (the evening before, an hour before). Reading the shifts each
//! time — instead of scheduling reminders when a shift is planned — is what makes a moved shift
//! move its reminders and a cancelled one send none. A reminder's key names the assignment,
//! the start and the lead, so however often (and on however many servers) the job looks, each
//! is written once.

use domain::duty::{DAY_MS, MINUTE_MS};
use domain::notify::{NewNotification, Notice, NoticeKind, NotifyRules, Subject};
use domain::Storage;
use std::sync::Arc;
use std::time::Duration;

/// A reminder that came due while no server ran is still written if it is this recent; older
/// ones would only be noise.
const CATCH_UP_MS: i64 = 30 * MINUTE_MS;

pub async fn every_minute(store: Arc<dyn Storage>, rules: Arc<NotifyRules>) {
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = chrono::Utc::now().timestamp_millis();
        match remind_now(store.as_ref(), &rules, now).await {
            Ok(0) => tracing::debug!("reminders: none due"),
            Ok(n) => tracing::info!(reminders = n, "wrote {n} shift reminders"),
            Err(e) => tracing::warn!("reminders failed, next minute tries again: {e}"),
        }
    }
}

/// One run; returns how many reminders were new.
#[tracing::instrument(skip_all)]
pub async fn remind_now(
    store: &dyn Storage,
    rules: &NotifyRules,
    now: i64,
) -> Result<u64, domain::StorageError> {
    let upcoming = store.reminders_due(now, now + 2 * DAY_MS).await?;
    let mut due = Vec::new();
    for r in upcoming {
        for (lead, at) in rules.reminders(r.starts_at) {
            let fresh = at <= now && at > now - CATCH_UP_MS;
            // Someone who signed up after the reminder's time needs no reminder of what they
            // just chose.
            if fresh && at >= r.signed_up_at {
                due.push(NewNotification {
                    recipient: r.volunteer,
                    notice: Notice::new(NoticeKind::ShiftReminder, Subject::Shift(r.shift))
                        .with("site", &r.site)
                        .with("starts_at", r.starts_at)
                        .with("lead", lead.as_str()),
                    key: format!(
                        "reminder:{}:{}:{}",
                        r.assignment.0,
                        r.starts_at,
                        lead.as_str()
                    ),
                    due_at: at,
                });
            }
        }
    }
    if due.is_empty() {
        return Ok(0);
    }
    store.add_notifications(&due, now).await
}
