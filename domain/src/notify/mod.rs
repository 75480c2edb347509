//! Notifications (通知): what the application tells a person on its own, without their having
//! opened the page it concerns — a shift cancelled, a reminder, an incident assigned, hours
//! decided.
//!
//! A notice is written by the storage adapter **in the same transaction** as the change it tells
//! of (a cancelled shift and its notices commit together), so no change can be made without its
//! notices, and a notice is never sent for a change that rolled back. It then lives in the
//! database: the in-app centre reads it from there, and the delivery job plans and sends its
//! outside channels (Web Push, SMS) from there, surviving restarts.
//!
//! [`kind`] names what a notice is about, with its parameters; [`policy`] decides channels,
//! quiet hours, daily caps, retries and reminder times; [`port`] is what this needs from
//! storage.

pub mod kind;
pub mod policy;
pub mod port;

pub use kind::{Channel, Notice, NoticeKind, Subject};
pub use policy::NotifyRules;
pub use port::{
    Delivery, DeliveryId, DeliveryOutcome, NewNotification, NotificationId, NotificationLine,
    NotifyStorage, PushSubscriptionRecord, ReminderDue,
};
