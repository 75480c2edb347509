//! `domain::notify::NotifyStorage` for this backend.

use super::{notifications, Store};
use domain::notify::{
    Channel, Delivery, DeliveryId, DeliveryOutcome, NewNotification, NoticeKind, NotificationId,
    NotificationLine, PushSubscriptionRecord, ReminderDue,
};
use domain::{StorageError, VolunteerId};

type Answer<T> = Result<T, StorageError>;

#[async_trait::async_trait]
impl domain::notify::NotifyStorage for Store {
    async fn add_notifications(&self, notices: &[NewNotification], now: i64) -> Answer<u64> {
        Ok(notifications::add_many(&self.pool, notices, now).await?)
    }

    async fn unread_count(&self, who: VolunteerId, now: i64) -> Answer<u32> {
        Ok(notifications::unread_count(&self.pool, who, now).await?)
    }

    async fn notifications(
        &self,
        who: VolunteerId,
        now: i64,
        before: Option<(i64, NotificationId)>,
        limit: u32,
    ) -> Answer<Vec<NotificationLine>> {
        Ok(notifications::page(&self.pool, who, now, before, limit).await?)
    }

    async fn notification(
        &self,
        who: VolunteerId,
        id: NotificationId,
    ) -> Answer<Option<NotificationLine>> {
        Ok(notifications::one(&self.pool, who, id).await?)
    }

    async fn mark_read(
        &self,
        who: VolunteerId,
        id: Option<NotificationId>,
        now: i64,
    ) -> Answer<u64> {
        Ok(notifications::mark_read(&self.pool, who, id, now).await?)
    }

    async fn muted(&self, who: VolunteerId) -> Answer<Vec<(NoticeKind, Channel)>> {
        Ok(notifications::muted(&self.pool, who).await?)
    }

    async fn set_muted(
        &self,
        who: VolunteerId,
        kind: NoticeKind,
        channel: Channel,
        muted: bool,
    ) -> Answer<()> {
        Ok(notifications::set_muted(&self.pool, who, kind, channel, muted).await?)
    }

    async fn put_push_subscription(
        &self,
        who: VolunteerId,
        sub: &PushSubscriptionRecord,
        now: i64,
    ) -> Answer<()> {
        Ok(notifications::put_subscription(&self.pool, who, sub, now).await?)
    }

    async fn delete_push_subscription(&self, who: VolunteerId, endpoint: &str) -> Answer<u64> {
        Ok(notifications::delete_subscription(&self.pool, who, endpoint).await?)
    }

    async fn push_subscriptions(&self, who: VolunteerId) -> Answer<Vec<PushSubscriptionRecord>> {
        Ok(notifications::subscriptions(&self.pool, who).await?)
    }

    async fn plan_deliveries(
        &self,
        now: i64,
        limit: u32,
        sms_from: &(dyn Fn(NoticeKind, bool, Option<i64>) -> Option<i64> + Sync),
    ) -> Answer<u64> {
        Ok(notifications::plan(&self.pool, now, limit, sms_from).await?)
    }

    async fn claim_deliveries(&self, now: i64, lease_ms: i64, limit: u32) -> Answer<Vec<Delivery>> {
        Ok(notifications::claim(&self.pool, now, lease_ms, limit).await?)
    }

    async fn finish_delivery(
        &self,
        id: DeliveryId,
        lease_until: i64,
        outcome: &DeliveryOutcome,
        now: i64,
    ) -> Answer<bool> {
        Ok(notifications::finish(&self.pool, id, lease_until, outcome, now).await?)
    }

    async fn sms_sent_since(&self, who: VolunteerId, since: i64) -> Answer<u32> {
        Ok(notifications::sms_sent_since(&self.pool, who, since).await?)
    }

    async fn reminders_due(&self, from: i64, to: i64) -> Answer<Vec<ReminderDue>> {
        Ok(notifications::reminders_due(&self.pool, from, to).await?)
    }
}
