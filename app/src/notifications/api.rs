//! The notification centre's server functions. Each acts on the caller's own notices and
//! settings only: there is no one else's centre to open.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One notice as the centre lists it, already in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeView {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// "08:05", China time.
    pub clock: String,
    pub unread: bool,
    pub urgent: bool,
}

/// The notices of one China day, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayGroup {
    /// "今天", "昨天" or "12月2日 周三".
    pub label: String,
    pub notices: Vec<NoticeView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CentreView {
    pub days: Vec<DayGroup>,
    pub unread: u32,
    /// Pass as `before_at` and `before_id` for older notices; `None` at the end.
    pub older: Option<(i64, i64)>,
}

#[cfg(feature = "ssr")]
const PAGE: u32 = 40;

#[cfg(feature = "ssr")]
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(feature = "ssr")]
fn request_lang() -> crate::i18n::Lang {
    use_context::<http::request::Parts>()
        .map(|parts| crate::i18n::Lang::of_request(&parts.headers))
        .unwrap_or_default()
}

/// The bell's figure: notices due and not read.
#[server(endpoint = "notifications/unread")]
pub async fn unread_count() -> Result<u32, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        Ok(state
            .storage
            .unread_count(who.volunteer_id, now_ms())
            .await?)
    })
    .await
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CentreInput {
    /// The due time and id of the last notice of the page before.
    pub before_at: Option<i64>,
    pub before_id: Option<i64>,
}

#[server(endpoint = "notifications/list")]
pub async fn centre(#[server(default)] input: CentreInput) -> Result<CentreView, AppError> {
    crate::error::answer(async move {
        use domain::notify::NotificationId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let now = now_ms();
        let lang = request_lang();
        let before = input.before_at.zip(input.before_id.map(NotificationId));
        let lines = store
            .notifications(who.volunteer_id, now, before, PAGE + 1)
            .await?;
        let unread = store.unread_count(who.volunteer_id, now).await?;
        let older = (lines.len() > PAGE as usize)
            .then(|| lines.get(PAGE as usize - 1).map(|l| (l.at, l.id.0)))
            .flatten();
        let lines = lines.into_iter().take(PAGE as usize);
        Ok(CentreView {
            days: super::group_by_day(lang, state.incidents.categories.all(), lines, now),
            unread,
            older,
        })
    })
    .await
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenInput {
    pub id: i64,
}

/// Tapping a notice: it is marked read and the browser goes to what it is about. A plain form
/// post, so it works before (or without) the page's script.
#[server(endpoint = "notifications/open")]
pub async fn open_notice(input: OpenInput) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::notify::NotificationId;
        let state = crate::AppState::current()?;
        let store = state.storage.as_ref();
        let who = crate::auth::require_login()?;
        let id = NotificationId(input.id);
        let line = store
            .notification(who.volunteer_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        store
            .mark_read(who.volunteer_id, Some(id), now_ms())
            .await?;
        leptos_axum::redirect(&line.notice.subject.link());
        Ok(())
    })
    .await
}

#[server(endpoint = "notifications/read-all")]
pub async fn read_all() -> Result<u64, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let n = state
            .storage
            .mark_read(who.volunteer_id, None, now_ms())
            .await?;
        leptos_axum::redirect("/notifications");
        Ok(n)
    })
    .await
}

/// One kind's row in the settings table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindSetting {
    /// `NoticeKind::as_str`.
    pub kind: String,
    pub name: String,
    pub push: bool,
    pub sms: bool,
    /// Whether this installation texts this kind at all.
    pub sms_offered: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub kinds: Vec<KindSetting>,
    /// The VAPID key to subscribe with; `None` when push is not set up.
    pub push_key: Option<String>,
}

#[server(endpoint = "notifications/settings")]
pub async fn settings() -> Result<SettingsView, AppError> {
    crate::error::answer(async move {
        use domain::notify::{Channel, NoticeKind};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        let muted = state.storage.muted(who.volunteer_id).await?;
        let lang = request_lang();
        let on = |k: NoticeKind, c: Channel| !muted.contains(&(k, c));
        let kinds = NoticeKind::ALL
            .into_iter()
            .map(|k| KindSetting {
                kind: k.as_str().to_owned(),
                name: super::text::kind_name(lang, k).to_owned(),
                push: on(k, Channel::Push),
                sms: on(k, Channel::Sms),
                sms_offered: state.notify.texts(k),
            })
            .collect();
        Ok(SettingsView {
            kinds,
            push_key: state.notify.push_key.clone(),
        })
    })
    .await
}

/// The settings form: a checkbox per kind and channel, named `<channel>-<kind>`, present when
/// on. Every kind's channels are saved at once, so an unticked box turns that channel off.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SaveSettingsInput {
    #[serde(default)]
    pub on: std::collections::BTreeMap<String, String>,
}

#[server(endpoint = "notifications/save-settings")]
pub async fn save_settings(#[server(default)] input: SaveSettingsInput) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::notify::{Channel, NoticeKind};
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        for name in input.on.keys() {
            let known = name.split_once('-').is_some_and(|(c, k)| {
                matches!(Channel::from_db(c), Some(Channel::Push | Channel::Sms))
                    && NoticeKind::from_db(k).is_some()
            });
            if !known {
                return Err(domain::FieldError::new(
                    "on",
                    domain::MessageKey::NotifySettingUnknown,
                )
                .into());
            }
        }
        for kind in NoticeKind::ALL {
            for channel in [Channel::Push, Channel::Sms] {
                // A kind not texted here had no SMS box on the form: its setting stays as it
                // was, so texts turned on later reach people who never turned them off.
                if channel == Channel::Sms && !state.notify.texts(kind) {
                    continue;
                }
                let on = input
                    .on
                    .contains_key(&format!("{}-{}", channel.as_str(), kind.as_str()));
                state
                    .storage
                    .set_muted(who.volunteer_id, kind, channel, !on)
                    .await?;
            }
        }
        leptos_axum::redirect("/me?notify_saved=1#notify");
        Ok(())
    })
    .await
}

/// What `PushManager.subscribe()` gave the browser, as `public/push.js` posts it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SubscribeInput {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub lang: String,
}

#[server(endpoint = "notifications/subscribe")]
pub async fn subscribe(input: SubscribeInput) -> Result<(), AppError> {
    crate::error::answer(async move {
        use domain::notify::PushSubscriptionRecord;
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        if state.notify.push_key.is_none() {
            return Err(AppError::NotFound);
        }
        let sub = PushSubscriptionRecord {
            id: 0,
            endpoint: input.endpoint,
            p256dh: input.p256dh,
            auth: input.auth,
            lang: crate::i18n::Lang::from_code(&input.lang)
                .unwrap_or_default()
                .code()
                .to_owned(),
        };
        super::check_subscription(&sub)?;
        state
            .storage
            .put_push_subscription(who.volunteer_id, &sub, now_ms())
            .await?;
        Ok(())
    })
    .await
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnsubscribeInput {
    pub endpoint: String,
}

#[server(endpoint = "notifications/unsubscribe")]
pub async fn unsubscribe(input: UnsubscribeInput) -> Result<u64, AppError> {
    crate::error::answer(async move {
        let state = crate::AppState::current()?;
        let who = crate::auth::require_login()?;
        Ok(state
            .storage
            .delete_push_subscription(who.volunteer_id, &input.endpoint)
            .await?)
    })
    .await
}
