//! The notification centre (通知): the bell in the header with the unread count, `/notifications`
//! grouped by day, and the settings on `我的` (which kinds go by push or SMS, push on this
//! phone). The notices themselves are written by storage with the change they tell of (see
//! `domain::notify`); the delivery job sends their push and SMS copies.

pub mod api;
mod bell;
mod page;
mod settings;
pub mod text;

pub use bell::Bell;
pub use page::NotificationsPage;
pub use settings::NotifySettingsCard;

#[cfg(feature = "ssr")]
use api::{DayGroup, NoticeView};

/// Lines (newest first) into days, each labelled "今天", "昨天" or its date.
#[cfg(feature = "ssr")]
fn group_by_day(
    lang: crate::i18n::Lang,
    categories: &[domain::incident::Category],
    lines: impl IntoIterator<Item = domain::notify::NotificationLine>,
    now: i64,
) -> Vec<DayGroup> {
    use domain::duty::{local_date, DAY_MS};
    let t = lang.texts().notify;
    let today = local_date(now);
    let yesterday = local_date(now - DAY_MS);
    let mut days: Vec<(chrono::NaiveDate, DayGroup)> = Vec::new();
    for line in lines {
        let date = local_date(line.at);
        let (title, body) = text::render(lang, categories, &line.notice);
        let view = NoticeView {
            id: line.id.0,
            title,
            body,
            clock: crate::duty::view::clock(line.at),
            unread: line.read_at.is_none(),
            urgent: line.notice.urgent,
        };
        match days.last_mut() {
            Some((d, group)) if *d == date => group.notices.push(view),
            _ => {
                let label = if date == today {
                    t.today.to_owned()
                } else if date == yesterday {
                    t.yesterday.to_owned()
                } else {
                    crate::duty::view::day(lang, line.at)
                };
                days.push((
                    date,
                    DayGroup {
                        label,
                        notices: vec![view],
                    },
                ));
            }
        }
    }
    days.into_iter().map(|(_, g)| g).collect()
}

/// The push services browsers subscribe with (Mozilla's autopush, Microsoft's WNS, Apple's, and
/// Google's FCM for Chromium outside mainland China). The delivery job POSTs to whatever
/// endpoint a person stores, so only these hosts are taken: an endpoint of one's own choosing
/// would make the server send requests into its own network.
#[cfg(feature = "ssr")]
const PUSH_SERVICES: [&str; 4] = [
    ".push.services.mozilla.com",
    ".notify.windows.com",
    ".push.apple.com",
    "fcm.googleapis.com",
];

/// A subscription the push sender can use: an https endpoint at a known push service, a P-256
/// public key (65 bytes) and a 16-byte auth secret, both base64url as browsers give them.
#[cfg(feature = "ssr")]
fn check_subscription(sub: &domain::notify::PushSubscriptionRecord) -> Result<(), crate::AppError> {
    let host = sub
        .endpoint
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("");
    let known = PUSH_SERVICES
        .iter()
        .any(|s| host == s.trim_start_matches('.') || (s.starts_with('.') && host.ends_with(s)));
    let url_ok = sub.endpoint.len() <= 1000 && known && !host.contains(['@', ':']);
    let b64 = |s: &str, bytes: usize| {
        let s = s.trim_end_matches('=');
        s.len() == (bytes * 4).div_ceil(3)
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if url_ok && b64(&sub.p256dh, 65) && b64(&sub.auth, 16) {
        Ok(())
    } else {
        Err(domain::FieldError::new("endpoint", domain::MessageKey::PushSubscriptionInvalid).into())
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use domain::notify::{Notice, NoticeKind, NotificationId, NotificationLine, Subject};

    #[test]
    fn days_are_labelled_today_yesterday_then_by_date() {
        let now = 1_790_000_000_000;
        let line = |id, at| NotificationLine {
            id: NotificationId(id),
            notice: Notice::new(NoticeKind::HoursConfirmed, Subject::Hours).with("minutes", 60),
            at,
            read_at: None,
        };
        let day = domain::duty::DAY_MS;
        let groups = group_by_day(
            crate::i18n::Lang::Zh,
            &[],
            vec![
                line(4, now),
                line(3, now - 1),
                line(2, now - day),
                line(1, now - 3 * day),
            ],
            now,
        );
        let labels: Vec<_> = groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels[..2], ["今天", "昨天"]);
        assert_eq!(groups.len(), 3);
        assert_eq!(groups[0].notices.len(), 2);
    }

    #[test]
    fn a_subscription_needs_https_and_keys_of_the_right_size() {
        let good = domain::notify::PushSubscriptionRecord {
            id: 0,
            endpoint: "https://updates.push.services.mozilla.com/wpush/v2/abc".into(),
            p256dh: "B".repeat(87),
            auth: "a".repeat(22),
            lang: "zh-CN".into(),
        };
        assert!(check_subscription(&good).is_ok());
        for bad in [
            domain::notify::PushSubscriptionRecord {
                endpoint: "http://evil.example/x".into(),
                ..good.clone()
            },
            domain::notify::PushSubscriptionRecord {
                endpoint: "https://127.0.0.1:9901/quitquitquit".into(),
                ..good.clone()
            },
            domain::notify::PushSubscriptionRecord {
                endpoint: "https://evil.example/.push.services.mozilla.com".into(),
                ..good.clone()
            },
            domain::notify::PushSubscriptionRecord {
                endpoint: "https://x.push.services.mozilla.com@evil.example/".into(),
                ..good.clone()
            },
            domain::notify::PushSubscriptionRecord {
                p256dh: "B".repeat(86),
                ..good.clone()
            },
            domain::notify::PushSubscriptionRecord {
                auth: "a+b/".repeat(5) + "aa",
                ..good.clone()
            },
        ] {
            assert!(check_subscription(&bad).is_err());
        }
    }
}
