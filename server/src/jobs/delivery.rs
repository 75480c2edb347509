//! The delivery job: every few seconds, plans the push and SMS copies of due notices and sends
//! what is due, each delivery held under a lease so several servers share the queue without
//! sending one twice. Survives restarts: everything it knows is in the database.
//!
//! A delivery is retried with backoff (`domain::notify::policy::retry_delay_ms`) on a busy
//! provider, given up after `MAX_ATTEMPTS` with the reason kept, and a text waits out the quiet
//! hours (planned for 07:00) unless the notice is urgent. The one gap a queue in front of an
//! outside service cannot close: a server that dies after the provider accepted a text and
//! before the outcome commits sends it again when the lease ends (at least once, never lost).

use crate::notify::push::{PushError, Subscription, Urgency, WebPush};
use crate::notify::sms::{SmsError, SmsMessage, SmsSender};
use app::i18n::Lang;
use domain::incident::Category;
use domain::notify::policy::retry_delay_ms;
use domain::notify::{Channel, Delivery, DeliveryOutcome, NoticeKind, NotifyRules};
use domain::{PhoneNumber, Storage};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How long a claimed delivery is held before another server may take it.
pub const LEASE_MS: i64 = 60_000;
/// Notices planned per step.
const BATCH: u32 = 100;
/// Deliveries claimed per step: as many as can be sent inside one lease even when every one
/// waits out the providers' 10 s timeout, so no delivery's lease ends while it is still queued
/// on the server that holds it.
const CLAIM: u32 = 5;

/// The ways out this installation has.
pub struct Channels {
    pub sms: Option<Arc<dyn SmsSender>>,
    pub templates: BTreeMap<NoticeKind, String>,
    pub push: Option<Arc<WebPush>>,
    pub rules: NotifyRules,
    /// To write a push message's text (an incident's category by name).
    pub categories: Vec<Category>,
    /// To name the reader a push is for (`app::pwa::viewer_tag`), so the phone's service worker
    /// shows a notice only to the person logged in on it.
    pub secrets: Arc<dyn domain::Secrets>,
}

impl Channels {
    /// Whether a notice of `kind` goes by SMS here: a provider, an approved template for the
    /// kind, and the kind marked worth a text.
    pub fn texts(&self, kind: NoticeKind) -> bool {
        self.sms.is_some()
            && self.templates.contains_key(&kind)
            && self.rules.sms_kinds.contains(&kind)
    }
}

/// What one run did, for its log line and for tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub planned: u64,
    pub sent: u32,
    pub retrying: u32,
    pub failed: u32,
    pub skipped: u32,
}

pub async fn every_few_seconds(store: Arc<dyn Storage>, channels: Arc<Channels>) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let clock = || chrono::Utc::now().timestamp_millis();
        match deliver_now(store.as_ref(), &channels, &clock).await {
            Ok(t) if t == Tally::default() => tracing::trace!("delivery: nothing due"),
            Ok(t) => tracing::info!(
                planned = t.planned,
                sent = t.sent,
                retrying = t.retrying,
                failed = t.failed,
                skipped = t.skipped,
                "delivery: {} sent, {} to retry, {} failed, {} skipped",
                t.sent,
                t.retrying,
                t.failed,
                t.skipped
            ),
            Err(e) => tracing::warn!("delivery failed, next tick tries again: {e}"),
        }
    }
}

/// One run: plan what is due, then send what is due (until nothing is left to claim). `clock`
/// is read afresh for each claim and each outcome: a run can take longer than a lease.
#[tracing::instrument(skip_all)]
pub async fn deliver_now(
    store: &dyn Storage,
    channels: &Channels,
    clock: &(dyn Fn() -> i64 + Sync),
) -> Result<Tally, domain::StorageError> {
    let mut tally = Tally::default();
    let now = clock();
    let sms_from = |kind: NoticeKind, urgent: bool, lead: Option<i64>| {
        (channels.texts(kind) && channels.rules.wants_sms(kind, urgent, lead))
            .then(|| channels.rules.sms_not_before(now, urgent))
    };
    loop {
        let planned = store.plan_deliveries(now, BATCH, &sms_from).await?;
        tally.planned += planned;
        if planned < u64::from(BATCH) {
            break;
        }
    }
    loop {
        let claimed = store.claim_deliveries(clock(), LEASE_MS, CLAIM).await?;
        let n = claimed.len();
        for d in claimed {
            let outcome = attempt(store, channels, &d, clock()).await;
            if !store
                .finish_delivery(d.id, d.lease_until, &outcome, clock())
                .await?
            {
                tracing::warn!(
                    "a delivery outlived its lease; the server that took it over records it"
                );
                continue;
            }
            match &outcome {
                DeliveryOutcome::Sent(_) => tally.sent += 1,
                DeliveryOutcome::RetryAt(..) | DeliveryOutcome::WaitUntil(..) => {
                    tally.retrying += 1
                }
                DeliveryOutcome::Failed(_) | DeliveryOutcome::Gone => tally.failed += 1,
                DeliveryOutcome::Skipped(_) => tally.skipped += 1,
            }
        }
        if n < CLAIM as usize {
            break;
        }
    }
    Ok(tally)
}

async fn attempt(store: &dyn Storage, ch: &Channels, d: &Delivery, now: i64) -> DeliveryOutcome {
    match d.channel {
        Channel::Sms => text(store, ch, d, now).await,
        Channel::Push => push(ch, d, now).await,
        Channel::InApp => DeliveryOutcome::Skipped("in-app needs no delivery".into()),
    }
}

fn again(attempts: u32, wait: Option<Duration>, now: i64, why: String) -> DeliveryOutcome {
    let wait_ms = wait.map(|w| i64::try_from(w.as_millis()).unwrap_or(i64::MAX));
    match retry_delay_ms(attempts, wait_ms) {
        Some(delay) => DeliveryOutcome::RetryAt(now.saturating_add(delay), why),
        None => DeliveryOutcome::Failed(format!("gave up after {attempts} attempts: {why}")),
    }
}

async fn text(store: &dyn Storage, ch: &Channels, d: &Delivery, now: i64) -> DeliveryOutcome {
    let Some(sender) = &ch.sms else {
        return DeliveryOutcome::Skipped("no SMS provider".into());
    };
    let Some(template) = ch.templates.get(&d.notice.kind) else {
        return DeliveryOutcome::Skipped("no template for this kind".into());
    };
    let not_before = ch.rules.sms_not_before(now, d.notice.urgent);
    if not_before > now {
        return DeliveryOutcome::WaitUntil(not_before, "quiet hours".into());
    }
    let Ok(phone) = PhoneNumber::parse(&d.phone) else {
        return DeliveryOutcome::Failed("the stored number is not a mobile number".into());
    };
    let day_start = domain::duty::local_date(now)
        .and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(domain::duty::CHINA_OFFSET).single())
        .map_or(now, |t| t.timestamp_millis());
    match store.sms_sent_since(d.recipient, day_start).await {
        Ok(n) if n >= ch.rules.sms_daily_cap && !d.notice.urgent => {
            return DeliveryOutcome::Skipped(format!("daily cap of {n} texts reached"));
        }
        Ok(_) => {}
        Err(e) => return again(d.attempts, None, now, format!("daily count failed: {e}")),
    }
    let values = app::notifications::text::values(Lang::Zh, &ch.categories, &d.notice);
    let params = d
        .notice
        .kind
        .sms_params()
        .iter()
        .map(|name| {
            let value = values
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            ((*name).to_owned(), value)
        })
        .collect();
    let message = SmsMessage {
        phone,
        template: template.clone(),
        params,
    };
    match sender.send(&message).await {
        Ok(receipt) => {
            DeliveryOutcome::Sent(format!("{}:{}", sender.provider(), receipt.provider_id))
        }
        Err(SmsError::Retry { code, after }) => again(d.attempts, after, now, code),
        Err(SmsError::Refused { code, message }) => {
            DeliveryOutcome::Failed(format!("{code}: {message}"))
        }
    }
}

async fn push(ch: &Channels, d: &Delivery, now: i64) -> DeliveryOutcome {
    let (Some(sender), Some(sub)) = (&ch.push, &d.push) else {
        return DeliveryOutcome::Skipped("push is off or the subscription is gone".into());
    };
    let lang = Lang::from_code(&sub.lang).unwrap_or_default();
    let (title, body) = app::notifications::text::render(lang, &ch.categories, &d.notice);
    let payload = serde_json::json!({
        "title": title,
        "body": body,
        "url": d.notice.subject.link(),
        "tag": format!("n{}", d.notification.0),
        "viewer": app::pwa::viewer_tag(ch.secrets.as_ref(), d.recipient),
    });
    let to = Subscription {
        endpoint: sub.endpoint.clone(),
        p256dh: sub.p256dh.clone(),
        auth: sub.auth.clone(),
    };
    let urgency = if d.notice.urgent {
        Urgency::High
    } else {
        Urgency::Normal
    };
    // A day: news older than that is better read in the centre than popped up.
    match sender
        .send(&to, payload.to_string().as_bytes(), 86_400, urgency)
        .await
    {
        Ok(()) => DeliveryOutcome::Sent("push".into()),
        Err(PushError::Gone) => DeliveryOutcome::Gone,
        Err(PushError::Retry(why, after)) => again(d.attempts, after, now, why),
        Err(PushError::Refused(why)) => DeliveryOutcome::Failed(why),
    }
}
