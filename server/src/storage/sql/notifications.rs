//! The in-app centre (unread count, the list, marking read), what each person turned off,
//! their devices' push subscriptions, and the delivery queue the job works through.

use super::{begin, Conn, Pool, FOR_UPDATE_SKIP_LOCKED};
use crate::storage::error::{count, Result};
use crate::storage::rows::{convert, DeliveryRow, NotificationRow, PushSubscriptionRow};
use domain::notify::{
    Channel, Delivery, DeliveryId, DeliveryOutcome, NewNotification, NoticeKind, NotificationId,
    NotificationLine, PushSubscriptionRecord, ReminderDue,
};
use domain::{AssignmentId, ShiftId, VolunteerId};

pub async fn add_many(pool: &Pool, notices: &[NewNotification], now: i64) -> Result<u64> {
    let mut tx = begin(pool).await?;
    let mut added = 0;
    for n in notices {
        if super::notices::add(&mut tx, n.recipient, &n.notice, &n.key, None, n.due_at, now).await?
        {
            added += 1;
        }
    }
    tx.commit().await?;
    Ok(added)
}

pub async fn unread_count(pool: &Pool, who: VolunteerId, now: i64) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications \
         WHERE recipient_id = $1 AND read_at IS NULL AND due_at <= $2",
    )
    .bind(who.0)
    .bind(now)
    .fetch_one(pool)
    .await?;
    count(n)
}

pub async fn page(
    pool: &Pool,
    who: VolunteerId,
    now: i64,
    before: Option<(i64, NotificationId)>,
    limit: u32,
) -> Result<Vec<NotificationLine>> {
    // Keyset paging on the order itself: a reminder written late (larger id, earlier time) is
    // on the page its time puts it, never skipped between pages.
    let (before_at, before_id) = match before {
        Some((at, id)) => (Some(at), Some(id.0)),
        None => (None, None),
    };
    let rows: Vec<NotificationRow> = sqlx::query_as(
        "SELECT id, kind, subject, params, urgent, due_at, read_at FROM notifications \
         WHERE recipient_id = $1 AND due_at <= $2 \
         AND ($3 IS NULL OR due_at < $3 OR (due_at = $3 AND id < $4)) \
         ORDER BY due_at DESC, id DESC LIMIT $5",
    )
    .bind(who.0)
    .bind(now)
    .bind(before_at)
    .bind(before_id)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    convert(rows)
}

pub async fn one(
    pool: &Pool,
    who: VolunteerId,
    id: NotificationId,
) -> Result<Option<NotificationLine>> {
    let row: Option<NotificationRow> = sqlx::query_as(
        "SELECT id, kind, subject, params, urgent, due_at, read_at FROM notifications \
         WHERE recipient_id = $1 AND id = $2",
    )
    .bind(who.0)
    .bind(id.0)
    .fetch_optional(pool)
    .await?;
    row.map(NotificationLine::try_from).transpose()
}

pub async fn mark_read(
    pool: &Pool,
    who: VolunteerId,
    id: Option<NotificationId>,
    now: i64,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = $3 WHERE recipient_id = $1 \
         AND ($2 IS NULL OR id = $2) AND read_at IS NULL AND due_at <= $3",
    )
    .bind(who.0)
    .bind(id.map(|i| i.0))
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

pub async fn muted(pool: &Pool, who: VolunteerId) -> Result<Vec<(NoticeKind, Channel)>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, channel FROM notification_mutes WHERE volunteer_id = $1")
            .bind(who.0)
            .fetch_all(pool)
            .await?;
    // A kind this build no longer knows mutes nothing.
    Ok(rows
        .into_iter()
        .filter_map(|(k, c)| Some((NoticeKind::from_db(&k)?, Channel::from_db(&c)?)))
        .collect())
}

pub async fn set_muted(
    pool: &Pool,
    who: VolunteerId,
    kind: NoticeKind,
    channel: Channel,
    muted: bool,
) -> Result<()> {
    let sql = if muted {
        "INSERT INTO notification_mutes (volunteer_id, kind, channel) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING"
    } else {
        "DELETE FROM notification_mutes WHERE volunteer_id = $1 AND kind = $2 AND channel = $3"
    };
    sqlx::query(sql)
        .bind(who.0)
        .bind(kind.as_str())
        .bind(channel.as_str())
        .execute(pool)
        .await?;
    Ok(())
}

/// A device subscribing again (new keys, or another person logged in on it) takes over its
/// endpoint's row: an endpoint belongs to one browser, so to whoever subscribed it last.
pub async fn put_subscription(
    pool: &Pool,
    who: VolunteerId,
    sub: &PushSubscriptionRecord,
    now: i64,
) -> Result<()> {
    let mut tx = begin(pool).await?;
    // An endpoint someone else subscribed is a new row for the new person: the deliveries
    // planned for the last one (they point at the row) must not follow the phone to them.
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND volunteer_id <> $2")
        .bind(&sub.endpoint)
        .bind(who.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO push_subscriptions (volunteer_id, endpoint, p256dh, auth, lang, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (endpoint) DO UPDATE SET \
         volunteer_id = excluded.volunteer_id, p256dh = excluded.p256dh, auth = excluded.auth, \
         lang = excluded.lang, created_at = excluded.created_at",
    )
    .bind(who.0)
    .bind(&sub.endpoint)
    .bind(&sub.p256dh)
    .bind(&sub.auth)
    .bind(&sub.lang)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // A person's newest few devices: enough for a phone, a tablet and a desk, and no way to
    // fill the queue with endpoints of one's own choosing.
    sqlx::query(
        "DELETE FROM push_subscriptions WHERE volunteer_id = $1 AND id NOT IN \
         (SELECT id FROM push_subscriptions WHERE volunteer_id = $1 \
          ORDER BY created_at DESC, id DESC LIMIT $2)",
    )
    .bind(who.0)
    .bind(MAX_DEVICES)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Push subscriptions kept per person; a sixth device replaces the oldest.
const MAX_DEVICES: i64 = 5;

pub async fn delete_subscription(pool: &Pool, who: VolunteerId, endpoint: &str) -> Result<u64> {
    let done =
        sqlx::query("DELETE FROM push_subscriptions WHERE volunteer_id = $1 AND endpoint = $2")
            .bind(who.0)
            .bind(endpoint)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

pub async fn subscriptions(pool: &Pool, who: VolunteerId) -> Result<Vec<PushSubscriptionRecord>> {
    subscriptions_of(&mut *pool.acquire().await?, who).await
}

async fn subscriptions_of(
    conn: &mut Conn,
    who: VolunteerId,
) -> Result<Vec<PushSubscriptionRecord>> {
    let rows: Vec<PushSubscriptionRow> = sqlx::query_as(
        "SELECT id, endpoint, p256dh, auth, lang FROM push_subscriptions \
         WHERE volunteer_id = $1 ORDER BY id",
    )
    .bind(who.0)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(PushSubscriptionRecord::from).collect())
}

/// Turns due notices into deliveries, once: the notices are locked (PostgreSQL) or the whole
/// database is (SQLite's write transaction) while they are planned, and each is marked planned
/// in the same transaction.
pub async fn plan(
    pool: &Pool,
    now: i64,
    limit: u32,
    sms_from: &(dyn Fn(NoticeKind, bool, Option<i64>) -> Option<i64> + Sync),
) -> Result<u64> {
    let mut tx = begin(pool).await?;
    let due: Vec<(i64, i64, String, bool, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT id, recipient_id, kind, urgent, lead_ms FROM notifications \
         WHERE planned_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2 \
         {FOR_UPDATE_SKIP_LOCKED}"
    ))
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    for (id, recipient, kind, urgent, lead) in &due {
        let recipient = VolunteerId(*recipient);
        let off: Vec<String> = sqlx::query_scalar(
            "SELECT channel FROM notification_mutes WHERE volunteer_id = $1 AND kind = $2",
        )
        .bind(recipient.0)
        .bind(kind)
        .fetch_all(&mut *tx)
        .await?;
        let on = |c: Channel| *urgent || !off.iter().any(|o| o == c.as_str());
        if on(Channel::Push) {
            for sub in subscriptions_of(&mut tx, recipient).await? {
                queue(&mut tx, *id, Channel::Push, Some(sub.id), now).await?;
            }
        }
        let sms_at = NoticeKind::from_db(kind).and_then(|k| sms_from(k, *urgent, *lead));
        if let Some(at) = sms_at.filter(|_| on(Channel::Sms)) {
            queue(&mut tx, *id, Channel::Sms, None, at).await?;
        }
        sqlx::query("UPDATE notifications SET planned_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(due.len() as u64)
}

async fn queue(
    conn: &mut Conn,
    notification: i64,
    channel: Channel,
    subscription: Option<i64>,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notification_deliveries (notification_id, channel, subscription_id, \
         next_attempt_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(notification)
    .bind(channel.as_str())
    .bind(subscription)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn claim(pool: &Pool, now: i64, lease_ms: i64, limit: u32) -> Result<Vec<Delivery>> {
    let mut tx = begin(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "UPDATE notification_deliveries SET lease_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM notification_deliveries WHERE status = 'pending' \
         AND next_attempt_at <= $1 AND lease_until <= $1 ORDER BY next_attempt_at, id \
         LIMIT $3 {FOR_UPDATE_SKIP_LOCKED}) RETURNING id"
    ))
    .bind(now)
    .bind(now + lease_ms)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row: DeliveryRow = sqlx::query_as(
            "SELECT d.id, d.notification_id, n.recipient_id, d.channel, d.attempts, n.kind, \
             n.subject, n.params, n.urgent, v.phone, p.id AS sub_id, p.endpoint, p.p256dh, \
             p.auth, p.lang FROM notification_deliveries d \
             JOIN notifications n ON n.id = d.notification_id \
             JOIN volunteers v ON v.id = n.recipient_id \
             LEFT JOIN push_subscriptions p ON p.id = d.subscription_id \
             AND p.volunteer_id = n.recipient_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let mut delivery = Delivery::try_from(row)?;
        delivery.lease_until = now + lease_ms;
        claimed.push(delivery);
    }
    tx.commit().await?;
    Ok(claimed)
}

pub async fn finish(
    pool: &Pool,
    id: DeliveryId,
    lease_until: i64,
    outcome: &DeliveryOutcome,
    now: i64,
) -> Result<bool> {
    let (status, next, said, given_back) = match outcome {
        DeliveryOutcome::Sent(receipt) => ("sent", now, receipt.as_str(), 0),
        DeliveryOutcome::RetryAt(at, why) => ("pending", *at, why.as_str(), 0),
        // Waiting out the quiet hours was no attempt: the claim's count is given back.
        DeliveryOutcome::WaitUntil(at, why) => ("pending", *at, why.as_str(), 1),
        DeliveryOutcome::Failed(why) => ("failed", now, why.as_str(), 0),
        DeliveryOutcome::Skipped(why) => ("skipped", now, why.as_str(), 0),
        DeliveryOutcome::Gone => ("failed", now, "subscription gone", 0),
    };
    let mut tx = begin(pool).await?;
    let done = sqlx::query(
        "UPDATE notification_deliveries SET status = $2, next_attempt_at = $3, lease_until = 0, \
         outcome = $4, done_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $5 END, \
         attempts = attempts - $7 WHERE id = $1 AND lease_until = $6",
    )
    .bind(id.0)
    .bind(status)
    .bind(next)
    .bind(said)
    .bind(now)
    .bind(lease_until)
    .bind(i64::from(given_back))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        // Another server took the delivery over when this one's lease ran out; its outcome is
        // the one recorded.
        return Ok(false);
    }
    if *outcome == DeliveryOutcome::Gone {
        sqlx::query(
            "DELETE FROM push_subscriptions WHERE id = \
             (SELECT subscription_id FROM notification_deliveries WHERE id = $1)",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub async fn sms_sent_since(pool: &Pool, who: VolunteerId, since: i64) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notification_deliveries d \
         JOIN notifications n ON n.id = d.notification_id WHERE n.recipient_id = $1 \
         AND d.channel = 'sms' AND d.status = 'sent' AND d.done_at >= $2",
    )
    .bind(who.0)
    .bind(since)
    .fetch_one(pool)
    .await?;
    count(n)
}

pub async fn reminders_due(pool: &Pool, from: i64, to: i64) -> Result<Vec<ReminderDue>> {
    let rows: Vec<(i64, i64, i64, String, i64, i64)> = sqlx::query_as(
        "SELECT a.id, a.volunteer_id, sh.id, s.name, sh.starts_at, a.signed_up_at \
         FROM shifts sh JOIN sites s ON s.id = sh.site_id \
         JOIN assignments a ON a.shift_id = sh.id \
         WHERE sh.starts_at >= $1 AND sh.starts_at < $2 AND sh.cancelled_at IS NULL \
         AND a.state = 'signed_up' ORDER BY sh.starts_at, a.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(a, v, sh, site, starts_at, signed_up_at)| ReminderDue {
            assignment: AssignmentId(a),
            volunteer: VolunteerId(v),
            shift: ShiftId(sh),
            site,
            starts_at,
            signed_up_at,
        })
        .collect())
}
