//! What notifications need from storage. Notices about a change are written by the adapter
//! inside that change's transaction (see the module docs); these methods read them, mark them
//! read, and run their outside deliveries.

use super::kind::{Channel, Notice, NoticeKind};
use crate::duty::port::{AssignmentId, ShiftId};
use crate::storage::StorageError;
use crate::volunteer::VolunteerId;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotificationId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DeliveryId(pub i64);

/// A notice in a person's centre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationLine {
    pub id: NotificationId,
    pub notice: Notice,
    /// When it was due (a reminder's time; otherwise when the change happened).
    pub at: i64,
    pub read_at: Option<i64>,
}

/// One outside delivery the job has claimed: everything it needs to send, read in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: DeliveryId,
    pub notification: NotificationId,
    pub recipient: VolunteerId,
    pub channel: Channel,
    pub notice: Notice,
    /// Tries so far, this one included.
    pub attempts: u32,
    /// SMS: the recipient's number as stored. Push: empty.
    pub phone: String,
    /// Push: the subscription to send to.
    pub push: Option<PushSubscriptionRecord>,
    /// Until when this server holds it: the outcome is recorded only while it still does.
    pub lease_until: i64,
}

/// A device's Web Push subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscriptionRecord {
    pub id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    /// The language the device asked in, for the text the service worker shows.
    pub lang: String,
}

/// How one delivery attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// Handed to the provider (its message id, for support).
    Sent(String),
    /// Try again at this instant (the reason is kept).
    RetryAt(i64, String),
    /// Not tried: it may not go before this instant (quiet hours). Costs no attempt.
    WaitUntil(i64, String),
    /// Given up for good (the reason is kept).
    Failed(String),
    /// Not sent on purpose: turned off, over the daily cap, no longer relevant.
    Skipped(String),
    /// The push service says the subscription is gone: it is deleted with the outcome.
    Gone,
}

/// A live assignment whose shift is close enough to be reminded of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDue {
    pub assignment: AssignmentId,
    pub volunteer: VolunteerId,
    pub shift: ShiftId,
    pub site: String,
    pub starts_at: i64,
    /// When the person signed up: a reminder due before that is not sent.
    pub signed_up_at: i64,
}

/// A notice to write on its own (reminders); notices about a change are written by the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub recipient: VolunteerId,
    pub notice: Notice,
    /// The same key is stored once: a reminder for the same shift, time and lead is one notice
    /// however often the job looks.
    pub key: String,
    pub due_at: i64,
}

#[async_trait]
pub trait NotifyStorage: Send + Sync {
    /// Stores each notice whose key is new; returns how many were.
    async fn add_notifications(
        &self,
        notices: &[NewNotification],
        now: i64,
    ) -> Result<u64, StorageError>;

    /// Notices due by `now`, not yet read.
    async fn unread_count(&self, who: VolunteerId, now: i64) -> Result<u32, StorageError>;

    /// A person's notices due by `now`, newest first (by due time, then id), `limit` of them
    /// after the line `before` (its due time and id: the last line of the previous page).
    async fn notifications(
        &self,
        who: VolunteerId,
        now: i64,
        before: Option<(i64, NotificationId)>,
        limit: u32,
    ) -> Result<Vec<NotificationLine>, StorageError>;

    /// One of the person's notices (`None` for someone else's).
    async fn notification(
        &self,
        who: VolunteerId,
        id: NotificationId,
    ) -> Result<Option<NotificationLine>, StorageError>;

    /// Marks one notice (or, with `None`, all of the person's) read; someone else's id marks
    /// nothing. Returns how many changed.
    async fn mark_read(
        &self,
        who: VolunteerId,
        id: Option<NotificationId>,
        now: i64,
    ) -> Result<u64, StorageError>;

    /// What the person turned off, per kind and channel.
    async fn muted(&self, who: VolunteerId) -> Result<Vec<(NoticeKind, Channel)>, StorageError>;

    async fn set_muted(
        &self,
        who: VolunteerId,
        kind: NoticeKind,
        channel: Channel,
        muted: bool,
    ) -> Result<(), StorageError>;

    /// Stores (or refreshes, by endpoint) a device's subscription for the person.
    async fn put_push_subscription(
        &self,
        who: VolunteerId,
        sub: &PushSubscriptionRecord,
        now: i64,
    ) -> Result<(), StorageError>;

    /// Removes the person's subscription with this endpoint; returns how many went.
    async fn delete_push_subscription(
        &self,
        who: VolunteerId,
        endpoint: &str,
    ) -> Result<u64, StorageError>;

    async fn push_subscriptions(
        &self,
        who: VolunteerId,
    ) -> Result<Vec<PushSubscriptionRecord>, StorageError>;

    /// For up to `limit` due notices not yet planned: one delivery per push subscription of the
    /// recipient, and one SMS when `sms_from(kind, urgent, lead)` gives the earliest instant a
    /// text may go (`None`: no text) — except channels the recipient turned off (unless
    /// urgent). Planned once, even by two servers at once.
    /// Returns how many notices were planned.
    async fn plan_deliveries(
        &self,
        now: i64,
        limit: u32,
        sms_from: &(dyn Fn(NoticeKind, bool, Option<i64>) -> Option<i64> + Sync),
    ) -> Result<u64, StorageError>;

    /// Takes up to `limit` pending deliveries due by `now` that nobody holds, holding each until
    /// `now + lease_ms`: another server skips them meanwhile, and a server that died holding
    /// one lets it go when the lease ends.
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<Delivery>, StorageError>;

    /// Records how an attempt ended, if the caller still holds the delivery (`lease_until` as
    /// claimed); returns whether it did. A server that lost its lease records nothing: the
    /// server that took the delivery over records its own outcome.
    async fn finish_delivery(
        &self,
        id: DeliveryId,
        lease_until: i64,
        outcome: &DeliveryOutcome,
        now: i64,
    ) -> Result<bool, StorageError>;

    /// Texts sent to the person at or after `since`: what the daily cap counts.
    async fn sms_sent_since(&self, who: VolunteerId, since: i64) -> Result<u32, StorageError>;

    /// Live assignments on shifts that are not cancelled and start in [`from`, `to`).
    async fn reminders_due(&self, from: i64, to: i64) -> Result<Vec<ReminderDue>, StorageError>;
}
