//! The delivery job end to end on both databases: notices into texts and pushes through local
//! fakes of the providers over real HTTP — retried on a provider's 500s and sent once, sent
//! once across a restart and across a server that died holding a delivery, held through the
//! quiet hours, capped per day, and a push subscription the service calls gone is dropped; and
//! the reminder job: the evening before and an hour before, once each, none for a shift
//! cancelled meanwhile or to someone who signed up after the reminder's time.

mod common;

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use domain::notify::{Channel, NewNotification, Notice, NoticeKind, NotifyRules, Subject};
use domain::{AreaId, Storage, VolunteerId};
use secrecy::SecretString;
use server::jobs::delivery::{deliver_now, Channels, LEASE_MS};
use server::notify::push::{VapidKeys, WebPush};
use server::notify::sms::{sender, AliyunConfig, SmsProvider};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

conformance_raw!(
    a_text_is_retried_through_a_providers_500s_and_sent_once,
    a_notice_survives_a_restart_and_a_dead_servers_lease_and_is_sent_once,
    quiet_hours_hold_a_text_and_the_daily_cap_skips_the_rest,
    a_push_the_service_calls_gone_drops_the_subscription,
    a_shift_is_reminded_the_evening_before_and_an_hour_before_once_each,
);

/// 2026-12-08 12:00 in China.
fn noon() -> i64 {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 8)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .and_then(|t| t.and_local_timezone(domain::duty::CHINA_OFFSET).single())
        .map(|t| t.timestamp_millis())
        .expect("noon")
}

/// A stand-in for Aliyun's SMS endpoint: refuses unsigned requests like the real one, answers
/// HTTP 500 to the first `failures` signed ones, then "OK"; counts what it accepted.
struct FakeSms {
    calls: AtomicU32,
    accepted: AtomicU32,
    failures: u32,
}

async fn fake_sms(failures: u32) -> (SocketAddr, Arc<FakeSms>) {
    let fake = Arc::new(FakeSms {
        calls: AtomicU32::new(0),
        accepted: AtomicU32::new(0),
        failures,
    });
    let state = fake.clone();
    let app = Router::new().route(
        "/",
        post(move |body: String| {
            let fake = state.clone();
            async move {
                let n = fake.calls.fetch_add(1, Ordering::SeqCst);
                let signed = ["Signature=", "PhoneNumbers=", "TemplateCode=SMS_1"]
                    .iter()
                    .all(|p| body.contains(p));
                if !signed {
                    return (
                        StatusCode::BAD_REQUEST,
                        r#"{"Code":"MissingParameter"}"#.to_owned(),
                    );
                }
                if n < fake.failures {
                    return (StatusCode::INTERNAL_SERVER_ERROR, "busy".to_owned());
                }
                fake.accepted.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::OK,
                    format!(
                        r#"{{"Code":"OK","Message":"OK","BizId":"biz{n}","RequestId":"r{n}"}}"#
                    ),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, fake)
}

fn texting(addr: SocketAddr, rules: NotifyRules) -> Channels {
    let provider = SmsProvider::Aliyun(AliyunConfig {
        base_url: format!("http://{addr}/"),
        access_key_id: "id".into(),
        access_key_secret: SecretString::from("secret"),
        sign_name: "平安马甲".into(),
        region: "cn-hangzhou".into(),
    });
    Channels {
        sms: Some(sender(&provider)),
        templates: BTreeMap::from([(NoticeKind::ShiftCancelled, "SMS_1".to_owned())]),
        push: None,
        rules,
        categories: vec![],
        secrets: Arc::new(server::crypto::ServerSecrets::new(&SecretString::from(
            "a test secret of at least thirty-two characters",
        ))),
    }
}

async fn person(store: &dyn Storage) -> VolunteerId {
    let [_, _, c]: [AreaId; 3] =
        common::area_chain(store, ["历下区", "解放路街道", "山大路社区"]).await;
    common::volunteer(store, c, 1).await
}

fn cancelled(who: VolunteerId, key: &str, due_at: i64) -> NewNotification {
    NewNotification {
        recipient: who,
        notice: Notice::new(NoticeKind::ShiftCancelled, Subject::Me)
            .with("site", "山大路小学")
            .with("starts_at", due_at + 3_600_000)
            .with("reason", "暴雨"),
        key: key.into(),
        due_at,
    }
}

async fn a_text_is_retried_through_a_providers_500s_and_sent_once(db: &common::TestDb) {
    let store = db.store.as_ref();
    let who = person(store).await;
    let (addr, fake) = fake_sms(3).await;
    let channels = texting(addr, NotifyRules::default());
    // Texted: a kind marked worth it with a template; not: the mark without a template, nor a
    // template without the mark.
    assert!(channels.texts(NoticeKind::ShiftCancelled));
    let unmarked = texting(
        addr,
        NotifyRules {
            sms_kinds: vec![NoticeKind::HoursConfirmed],
            ..NotifyRules::default()
        },
    );
    assert!(!unmarked.texts(NoticeKind::ShiftCancelled));
    assert!(!unmarked.texts(NoticeKind::HoursConfirmed));
    let t0 = noon();
    store
        .add_notifications(&[cancelled(who, "c1", t0)], t0)
        .await
        .expect("add");
    // 500, then the backoff's 30 s, 2 min and 10 min; each run before its time sends nothing.
    let mut at = t0;
    for wait in [30_000, 120_000, 600_000] {
        let tally = deliver_now(store, &channels, &|| at).await.expect("run");
        assert_eq!((tally.sent, tally.retrying), (0, 1));
        let early = deliver_now(store, &channels, &|| at + wait - 1)
            .await
            .expect("early");
        assert_eq!(early.retrying + early.sent, 0, "not before its time");
        at += wait;
    }
    let tally = deliver_now(store, &channels, &|| at).await.expect("last");
    assert_eq!(tally.sent, 1);
    for later in 1..3 {
        let again = deliver_now(store, &channels, &|| at + later * 3_600_000)
            .await
            .expect("later");
        assert_eq!(again.sent + again.retrying, 0);
    }
    assert_eq!(fake.calls.load(Ordering::SeqCst), 4);
    assert_eq!(fake.accepted.load(Ordering::SeqCst), 1, "one text");
    assert_eq!(store.sms_sent_since(who, t0).await.expect("count"), 1);
}

async fn a_notice_survives_a_restart_and_a_dead_servers_lease_and_is_sent_once(
    db: &common::TestDb,
) {
    let who = person(db.store.as_ref()).await;
    let (addr, fake) = fake_sms(0).await;
    let channels = texting(addr, NotifyRules::default());
    let t0 = noon();
    db.store
        .add_notifications(&[cancelled(who, "a", t0), cancelled(who, "b", t0)], t0)
        .await
        .expect("add");
    // The first server plans both, takes one under its lease and dies before sending.
    let texts = |_: NoticeKind, _: bool, _: Option<i64>| Some(t0);
    db.store
        .plan_deliveries(t0, 10, &texts)
        .await
        .expect("plan");
    let held = db
        .store
        .claim_deliveries(t0, LEASE_MS, 1)
        .await
        .expect("claim");
    assert_eq!(held.len(), 1);
    // A restarted (or second) server: the free one goes at once, the held one when the lease
    // ends.
    let restarted = db.another_store().await;
    let now = deliver_now(restarted.as_ref(), &channels, &|| t0 + 1)
        .await
        .expect("run");
    assert_eq!(now.sent, 1);
    let after = deliver_now(restarted.as_ref(), &channels, &|| t0 + LEASE_MS)
        .await
        .expect("run");
    assert_eq!(after.sent, 1);
    let more = deliver_now(restarted.as_ref(), &channels, &|| t0 + 10 * LEASE_MS)
        .await
        .expect("run");
    assert_eq!(more.sent, 0);
    assert_eq!(
        fake.accepted.load(Ordering::SeqCst),
        2,
        "each notice texted once"
    );
}

async fn quiet_hours_hold_a_text_and_the_daily_cap_skips_the_rest(db: &common::TestDb) {
    let store = db.store.as_ref();
    let who = person(store).await;
    let (addr, fake) = fake_sms(0).await;
    let rules = NotifyRules {
        sms_daily_cap: 1,
        ..NotifyRules::default()
    };
    let channels = texting(addr, rules);
    let eleven_pm = noon() + 11 * 3_600_000;
    let seven_am = noon() + 19 * 3_600_000;
    store
        .add_notifications(
            &[
                cancelled(who, "night", eleven_pm),
                cancelled(who, "second", eleven_pm),
            ],
            eleven_pm,
        )
        .await
        .expect("add");
    let night = deliver_now(store, &channels, &|| eleven_pm)
        .await
        .expect("night");
    assert_eq!(
        (night.planned, night.sent),
        (2, 0),
        "nothing goes out at 23:00"
    );
    let before = deliver_now(store, &channels, &|| seven_am - 1)
        .await
        .expect("06:59");
    assert_eq!(before.sent, 0);
    let morning = deliver_now(store, &channels, &|| seven_am)
        .await
        .expect("07:00");
    assert_eq!(
        (morning.sent, morning.skipped),
        (1, 1),
        "one text, the cap skips the other"
    );
    assert_eq!(fake.accepted.load(Ordering::SeqCst), 1);
    // The in-app centre still has both.
    assert_eq!(store.unread_count(who, seven_am).await.expect("unread"), 2);
}

async fn a_push_the_service_calls_gone_drops_the_subscription(db: &common::TestDb) {
    let store = db.store.as_ref();
    let who = person(store).await;
    let app = Router::new()
        .route("/live", post(|| async { StatusCode::CREATED }))
        .route("/gone", post(|| async { StatusCode::GONE }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    // A real browser key pair's public half and auth secret are not needed by this fake: any
    // valid P-256 point will do, so the server's own VAPID key stands in.
    let keys = VapidKeys::derive(b"a browser");
    for path in ["live", "gone"] {
        let sub = domain::notify::PushSubscriptionRecord {
            id: 0,
            endpoint: format!("http://{addr}/{path}"),
            p256dh: keys.public_key_base64url(),
            auth: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            lang: "en".into(),
        };
        store
            .put_push_subscription(who, &sub, 1)
            .await
            .expect("subscribe");
    }
    let channels = Channels {
        sms: None,
        templates: BTreeMap::new(),
        push: Some(Arc::new(WebPush::new(
            VapidKeys::derive(b"the server's secret"),
            "mailto:ops@example.cn".into(),
        ))),
        rules: NotifyRules::default(),
        categories: vec![],
        secrets: Arc::new(server::crypto::ServerSecrets::new(&SecretString::from(
            "a test secret of at least thirty-two characters",
        ))),
    };
    let t0 = noon();
    store
        .add_notifications(&[cancelled(who, "p", t0)], t0)
        .await
        .expect("add");
    let tally = deliver_now(store, &channels, &|| t0).await.expect("run");
    assert_eq!((tally.sent, tally.failed), (1, 1));
    let left = store.push_subscriptions(who).await.expect("subs");
    assert_eq!(left.len(), 1);
    assert!(left[0].endpoint.ends_with("/live"));
    let muted = store.muted(who).await.expect("muted");
    assert!(!muted.contains(&(NoticeKind::ShiftCancelled, Channel::Push)));
}

/// 2026-12-09 08:00 in China, a shift's start; its reminders fall at 20:00 the evening before
/// and at 07:00.
fn tomorrow_eight() -> i64 {
    noon() + 20 * 3_600_000
}

async fn a_shift_is_reminded_the_evening_before_and_an_hour_before_once_each(db: &common::TestDb) {
    use server::jobs::reminders::remind_now;
    let store = db.store.as_ref();
    let ([_, _, community], site) = common::school_site(store).await;
    let who = common::volunteer(store, community, 7).await;
    let start = tomorrow_eight();
    let shift = |starts_at: i64| domain::NewShift {
        site_id: site,
        window: domain::ShiftWindow::new(starts_at, starts_at + 4 * 3_600_000).expect("window"),
        headcount: 3,
        leaders_needed: 0,
        notes: String::new(),
        created_by: None,
        created_at: 1,
    };
    let ids = store
        .insert_shifts(
            &[shift(start), shift(start + 5 * 3_600_000)],
            &common::audit("plan"),
        )
        .await
        .expect("shifts");
    store
        .sign_up(ids[0], who, false, noon())
        .await
        .expect("sign up");
    store
        .sign_up(ids[1], who, false, noon())
        .await
        .expect("second");
    let rules = NotifyRules::default();
    let evening = noon() + 8 * 3_600_000;
    assert_eq!(
        remind_now(store, &rules, evening - 60_000)
            .await
            .expect("19:59"),
        0
    );
    assert_eq!(
        remind_now(store, &rules, evening).await.expect("20:00"),
        2,
        "both shifts"
    );
    assert_eq!(
        remind_now(store, &rules, evening + 60_000)
            .await
            .expect("20:01"),
        0,
        "once"
    );
    // The second shift is cancelled overnight: its hour-before reminder never comes.
    store
        .cancel_shift(
            ids[1],
            "取消",
            evening + 3_600_000,
            &common::audit("cancel"),
        )
        .await
        .expect("cancel");
    let seven = start - 3_600_000;
    assert_eq!(remind_now(store, &rules, seven).await.expect("07:00"), 1);
    assert_eq!(
        remind_now(store, &rules, seven + 5 * 3_600_000)
            .await
            .expect("12:00"),
        0
    );
    let kinds: Vec<_> = store
        .notifications(who, start, None, 10)
        .await
        .expect("list")
        .into_iter()
        .map(|l| (l.notice.kind, l.notice.param("lead").to_owned()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (NoticeKind::ShiftReminder, "soon".to_owned()),
            (NoticeKind::ShiftCancelled, String::new()),
            (NoticeKind::ShiftReminder, "evening".to_owned()),
            (NoticeKind::ShiftReminder, "evening".to_owned()),
        ]
    );
    // Someone who signs up after 20:00 gets no evening reminder for it.
    let late = common::volunteer(store, community, 8).await;
    store
        .sign_up(ids[0], late, false, evening + 10)
        .await
        .expect("late");
    assert_eq!(
        remind_now(store, &rules, evening + 60_000)
            .await
            .expect("again"),
        0
    );
}
