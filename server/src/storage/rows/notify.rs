//! Notifications, their deliveries and push subscriptions.

use crate::storage::error::{corrupt, Error};
use domain::notify::{
    Channel, Delivery, DeliveryId, Notice, NoticeKind, NotificationId, NotificationLine,
    PushSubscriptionRecord, Subject,
};
use domain::VolunteerId;

fn notice(kind: &str, subject: &str, params: &str, urgent: bool) -> Result<Notice, Error> {
    Ok(Notice {
        kind: NoticeKind::from_db(kind).ok_or_else(|| corrupt("notifications.kind"))?,
        subject: Subject::from_db(subject).ok_or_else(|| corrupt("notifications.subject"))?,
        params: Notice::params_from_json(params).ok_or_else(|| corrupt("notifications.params"))?,
        urgent,
    })
}

#[derive(sqlx::FromRow)]
pub struct NotificationRow {
    id: i64,
    kind: String,
    subject: String,
    params: String,
    urgent: bool,
    due_at: i64,
    read_at: Option<i64>,
}

impl TryFrom<NotificationRow> for NotificationLine {
    type Error = Error;

    fn try_from(r: NotificationRow) -> Result<Self, Error> {
        Ok(NotificationLine {
            id: NotificationId(r.id),
            notice: notice(&r.kind, &r.subject, &r.params, r.urgent)?,
            at: r.due_at,
            read_at: r.read_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PushSubscriptionRow {
    id: i64,
    endpoint: String,
    p256dh: String,
    auth: String,
    lang: String,
}

impl From<PushSubscriptionRow> for PushSubscriptionRecord {
    fn from(r: PushSubscriptionRow) -> Self {
        PushSubscriptionRecord {
            id: r.id,
            endpoint: r.endpoint,
            p256dh: r.p256dh,
            auth: r.auth,
            lang: r.lang,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct DeliveryRow {
    id: i64,
    notification_id: i64,
    recipient_id: i64,
    channel: String,
    attempts: i64,
    kind: String,
    subject: String,
    params: String,
    urgent: bool,
    phone: String,
    sub_id: Option<i64>,
    endpoint: Option<String>,
    p256dh: Option<String>,
    auth: Option<String>,
    lang: Option<String>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = Error;

    fn try_from(r: DeliveryRow) -> Result<Self, Error> {
        let push = match (r.sub_id, r.endpoint, r.p256dh, r.auth, r.lang) {
            (Some(id), Some(endpoint), Some(p256dh), Some(auth), Some(lang)) => {
                Some(PushSubscriptionRecord {
                    id,
                    endpoint,
                    p256dh,
                    auth,
                    lang,
                })
            }
            _ => None,
        };
        let channel = Channel::from_db(&r.channel)
            .ok_or_else(|| corrupt("notification_deliveries.channel"))?;
        Ok(Delivery {
            id: DeliveryId(r.id),
            notification: NotificationId(r.notification_id),
            recipient: VolunteerId(r.recipient_id),
            channel,
            notice: notice(&r.kind, &r.subject, &r.params, r.urgent)?,
            attempts: u32::try_from(r.attempts)
                .map_err(|_| corrupt("notification_deliveries.attempts"))?,
            // Only a text needs the number; a push delivery does not carry it around.
            phone: if channel == Channel::Sms {
                r.phone
            } else {
                String::new()
            },
            push,
            // Set by the claim that read it.
            lease_until: 0,
        })
    }
}
