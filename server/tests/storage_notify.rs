//! Conformance suite, notifications: notices written with the change they tell of (once, to
//! the right people), the centre's reads, mutes, push subscriptions, and the delivery queue —
//! planned once, claimed under a lease, shared by two servers without a delivery taken twice.

mod common;

use common::audit;
use domain::duty::HOUR_MS;
use domain::notify::{
    Channel, DeliveryOutcome, NewNotification, Notice, NoticeKind, NotificationId,
    PushSubscriptionRecord, Subject,
};
use domain::{
    AssignmentId, Decision, NewShift, ShiftId, ShiftWindow, SignUpOutcome, SiteId, Storage,
    VolunteerId,
};
use std::collections::BTreeSet;

conformance!(
    a_cancelled_shift_tells_everyone_on_it_once,
    a_place_given_and_hours_decided_are_told_but_not_the_clocks_confirmation,
    the_centre_lists_counts_and_marks_only_the_readers_own,
    deliveries_are_planned_once_per_device_and_channel_and_mutes_hold,
    a_claimed_delivery_is_held_until_its_lease_ends_then_retried,
    reminders_come_from_live_sign_ups_on_shifts_still_on,
    a_phone_code_matches_once_expires_and_runs_out_of_tries,
    an_assignee_and_a_reporter_hear_of_an_incident_but_not_of_their_own_acts,
);
conformance_raw!(two_servers_never_claim_the_same_delivery);

const START: i64 = 1_795_536_000_000 + 8 * HOUR_MS;

async fn site(store: &dyn Storage) -> (domain::AreaId, SiteId) {
    let ([_, _, community], site) = common::school_site(store).await;
    (community, site)
}

async fn shift(store: &dyn Storage, site: SiteId, starts_at: i64, headcount: u32) -> ShiftId {
    store
        .insert_shifts(
            &[NewShift {
                site_id: site,
                window: ShiftWindow::new(starts_at, starts_at + 4 * HOUR_MS).expect("window"),
                headcount,
                leaders_needed: 0,
                notes: String::new(),
                created_by: None,
                created_at: 1,
            }],
            &audit("create_shifts"),
        )
        .await
        .expect("shift")[0]
}

fn id_of(o: SignUpOutcome) -> AssignmentId {
    match o {
        SignUpOutcome::SignedUp(id) | SignUpOutcome::Waitlisted(id) => id,
    }
}

async fn people(store: &dyn Storage, home: domain::AreaId, n: u32) -> Vec<VolunteerId> {
    let mut out = Vec::new();
    for i in 0..n {
        out.push(common::volunteer(store, home, i).await);
    }
    out
}

async fn kinds_of(store: &dyn Storage, who: VolunteerId, now: i64) -> Vec<NoticeKind> {
    store
        .notifications(who, now, None, 50)
        .await
        .expect("list")
        .into_iter()
        .map(|l| l.notice.kind)
        .collect()
}

async fn a_cancelled_shift_tells_everyone_on_it_once(store: &dyn Storage) {
    let (home, site) = site(store).await;
    let v = people(store, home, 4).await;
    let s = shift(store, site, START, 2).await;
    for who in &v[..3] {
        store.sign_up(s, *who, false, 10).await.expect("sign up");
    }
    store
        .cancel_shift(s, "暴雨红色预警", 100, &audit("cancel"))
        .await
        .expect("cancel");
    for who in &v[..3] {
        let lines = store
            .notifications(*who, 100, None, 10)
            .await
            .expect("list");
        assert_eq!(
            lines.len(),
            1,
            "signed up and waitlisted people are told once"
        );
        let n = &lines[0].notice;
        assert_eq!(n.kind, NoticeKind::ShiftCancelled);
        assert_eq!(n.subject, Subject::Shift(s));
        assert_eq!(n.param("reason"), "暴雨红色预警");
        assert_eq!(n.param("site"), "山大路小学");
        assert_eq!(n.param("starts_at"), START.to_string());
    }
    assert!(
        kinds_of(store, v[3], 100).await.is_empty(),
        "nobody else hears of it"
    );
    // A second cancel is refused and tells nobody again.
    assert!(store
        .cancel_shift(s, "again", 200, &audit("cancel"))
        .await
        .is_err());
    assert_eq!(store.unread_count(v[0], 300).await.expect("count"), 1);
}

async fn a_place_given_and_hours_decided_are_told_but_not_the_clocks_confirmation(
    store: &dyn Storage,
) {
    let (home, site) = site(store).await;
    let v = people(store, home, 3).await;
    let s = shift(store, site, START, 1).await;
    let first = id_of(store.sign_up(s, v[0], false, 10).await.expect("1"));
    store.sign_up(s, v[1], false, 11).await.expect("2");
    assert_eq!(
        store.cancel_sign_up(first, 20).await.expect("cancel"),
        Some(v[1])
    );
    assert_eq!(
        kinds_of(store, v[1], 20).await,
        vec![NoticeKind::WaitlistPlaceGiven]
    );
    assert!(kinds_of(store, v[0], 20).await.is_empty());

    let second = id_of(store.sign_up(s, v[1], false, 11).await.expect("same"));
    store
        .open_service(second, 240, None, 30)
        .await
        .expect("open");
    let leader = Decision::Confirm {
        minutes: 200,
        reason: Some("提前离岗".into()),
    };
    store
        .decide_service(second, &leader, Some(v[2]), 40, &audit("decide"))
        .await
        .expect("decide");
    let lines = store.notifications(v[1], 40, None, 10).await.expect("list");
    assert_eq!(lines[0].notice.kind, NoticeKind::HoursCorrected);
    assert_eq!(lines[0].notice.param("minutes"), "200");

    // Hours the clock confirms (no leader) are the normal end of a shift: no notice.
    let other = shift(store, site, START + 24 * HOUR_MS, 1).await;
    let a = id_of(store.sign_up(other, v[2], false, 12).await.expect("3"));
    store.open_service(a, 240, None, 50).await.expect("open");
    let clock = Decision::Confirm {
        minutes: 240,
        reason: None,
    };
    store
        .decide_service(a, &clock, None, 60, &audit("auto"))
        .await
        .expect("auto");
    assert!(kinds_of(store, v[2], 60).await.is_empty());
}

async fn the_centre_lists_counts_and_marks_only_the_readers_own(store: &dyn Storage) {
    let (home, _) = site(store).await;
    let v = people(store, home, 2).await;
    let notice = |i: i64| NewNotification {
        recipient: v[0],
        notice: Notice::new(NoticeKind::HoursConfirmed, Subject::Hours).with("minutes", i),
        key: format!("k{i}"),
        due_at: i * 10,
    };
    let batch: Vec<_> = (1..=5).map(notice).collect();
    assert_eq!(store.add_notifications(&batch, 1).await.expect("add"), 5);
    assert_eq!(
        store.add_notifications(&batch, 2).await.expect("again"),
        0,
        "keys hold"
    );
    // Not yet due: a reminder for later does not show.
    assert_eq!(store.unread_count(v[0], 30).await.expect("count"), 3);
    let page = store.notifications(v[0], 100, None, 2).await.expect("page");
    assert_eq!(page.iter().map(|l| l.at).collect::<Vec<_>>(), vec![50, 40]);
    let rest = store
        .notifications(v[0], 100, Some((page[1].at, page[1].id)), 10)
        .await
        .expect("rest");
    assert_eq!(rest.len(), 3);
    let one = page[0].id;
    assert!(store
        .notification(v[1], one)
        .await
        .expect("other")
        .is_none());
    assert_eq!(
        store.mark_read(v[1], Some(one), 100).await.expect("other"),
        0
    );
    assert_eq!(store.mark_read(v[0], Some(one), 100).await.expect("own"), 1);
    assert!(store
        .notification(v[0], one)
        .await
        .expect("own")
        .expect("there")
        .read_at
        .is_some());
    assert_eq!(store.mark_read(v[0], None, 100).await.expect("all"), 4);
    assert_eq!(store.unread_count(v[0], 100).await.expect("none"), 0);
    assert!(store
        .notification(v[0], NotificationId(one.0 + 1000))
        .await
        .expect("missing")
        .is_none());
}

fn sub(n: u32) -> PushSubscriptionRecord {
    PushSubscriptionRecord {
        id: 0,
        endpoint: format!("https://push.example/{n}"),
        p256dh: "B".repeat(87),
        auth: "a".repeat(22),
        lang: "zh-CN".into(),
    }
}

async fn deliveries_are_planned_once_per_device_and_channel_and_mutes_hold(store: &dyn Storage) {
    let (home, _) = site(store).await;
    let v = people(store, home, 2).await;
    store
        .put_push_subscription(v[0], &sub(1), 1)
        .await
        .expect("phone");
    store
        .put_push_subscription(v[0], &sub(2), 1)
        .await
        .expect("tablet");
    store
        .put_push_subscription(v[1], &sub(3), 1)
        .await
        .expect("other");
    store
        .set_muted(v[1], NoticeKind::ShiftCancelled, Channel::Push, true)
        .await
        .expect("mute");
    assert_eq!(
        store.muted(v[1]).await.expect("muted"),
        vec![(NoticeKind::ShiftCancelled, Channel::Push)]
    );
    let cancelled = |who, key: &str, urgent| NewNotification {
        recipient: who,
        notice: Notice::new(NoticeKind::ShiftCancelled, Subject::Me).urgent(urgent),
        key: key.into(),
        due_at: 10,
    };
    store
        .add_notifications(
            &[
                cancelled(v[0], "a", false),
                cancelled(v[1], "b", false),
                cancelled(v[1], "c", true),
            ],
            1,
        )
        .await
        .expect("add");
    let texts_at =
        |_: NoticeKind, urgent: bool, _: Option<i64>| Some(if urgent { 10 } else { 500 });
    assert_eq!(
        store
            .plan_deliveries(10, 100, &texts_at)
            .await
            .expect("plan"),
        3
    );
    assert_eq!(
        store
            .plan_deliveries(10, 100, &texts_at)
            .await
            .expect("again"),
        0
    );
    let claimed = store
        .claim_deliveries(10, 60_000, 100)
        .await
        .expect("claim");
    let seen: Vec<(VolunteerId, Channel)> =
        claimed.iter().map(|d| (d.recipient, d.channel)).collect();
    // v0: two devices by push (the text waits until 500); v1's muted push is skipped unless
    // urgent, and the urgent one's text is due now.
    assert_eq!(
        seen.iter().filter(|s| **s == (v[0], Channel::Push)).count(),
        2
    );
    assert_eq!(
        seen.iter().filter(|s| **s == (v[1], Channel::Push)).count(),
        1
    );
    assert_eq!(
        seen.iter().filter(|s| **s == (v[1], Channel::Sms)).count(),
        1
    );
    assert_eq!(seen.len(), 4);
    let sms = claimed
        .iter()
        .find(|d| d.channel == Channel::Sms)
        .expect("sms");
    assert_eq!(sms.phone, "13700000001", "a text carries the number");
    assert!(claimed
        .iter()
        .filter(|d| d.channel == Channel::Push)
        .all(|d| d.phone.is_empty()));
    let later = store
        .claim_deliveries(500, 60_000, 100)
        .await
        .expect("later");
    assert_eq!(
        later.len(),
        2,
        "the texts held for quiet hours, and none of the leased"
    );
}

async fn a_claimed_delivery_is_held_until_its_lease_ends_then_retried(store: &dyn Storage) {
    let (home, _) = site(store).await;
    let v = people(store, home, 1).await;
    store
        .put_push_subscription(v[0], &sub(1), 1)
        .await
        .expect("sub");
    let n = NewNotification {
        recipient: v[0],
        notice: Notice::new(NoticeKind::HoursDisputed, Subject::Hours),
        key: "k".into(),
        due_at: 10,
    };
    store.add_notifications(&[n], 1).await.expect("add");
    let none = |_: NoticeKind, _: bool, _: Option<i64>| None;
    store.plan_deliveries(10, 10, &none).await.expect("plan");
    let first = store.claim_deliveries(10, 1_000, 10).await.expect("claim");
    assert_eq!((first.len(), first[0].attempts), (1, 1));
    // A server that died holding it: nobody takes it until the lease ends.
    assert!(store
        .claim_deliveries(500, 1_000, 10)
        .await
        .expect("held")
        .is_empty());
    let again = store
        .claim_deliveries(1_010, 1_000, 10)
        .await
        .expect("expired");
    assert_eq!((again.len(), again[0].attempts), (1, 2));
    let id = again[0].id;
    // The first holder's lease is over: its late outcome is not recorded.
    assert!(!store
        .finish_delivery(
            id,
            first[0].lease_until,
            &DeliveryOutcome::Sent("late".into()),
            1_015
        )
        .await
        .expect("stale"));
    assert!(store
        .finish_delivery(
            id,
            again[0].lease_until,
            &DeliveryOutcome::RetryAt(5_000, "busy".into()),
            1_020
        )
        .await
        .expect("retry"));
    assert!(store
        .claim_deliveries(4_999, 1_000, 10)
        .await
        .expect("early")
        .is_empty());
    let third = store.claim_deliveries(5_000, 1_000, 10).await.expect("due");
    assert_eq!((third.len(), third[0].attempts), (1, 3));
    // Waiting out the quiet hours is no attempt.
    assert!(store
        .finish_delivery(
            id,
            third[0].lease_until,
            &DeliveryOutcome::WaitUntil(6_000, "quiet".into()),
            5_001
        )
        .await
        .expect("wait"));
    let fourth = store
        .claim_deliveries(6_000, 1_000, 10)
        .await
        .expect("after");
    assert_eq!(fourth[0].attempts, 3);
    assert!(store
        .finish_delivery(id, fourth[0].lease_until, &DeliveryOutcome::Gone, 6_010)
        .await
        .expect("gone"));
    assert!(store
        .push_subscriptions(v[0])
        .await
        .expect("subs")
        .is_empty());
    assert!(store
        .claim_deliveries(99_999, 1_000, 10)
        .await
        .expect("done")
        .is_empty());
}

async fn reminders_come_from_live_sign_ups_on_shifts_still_on(store: &dyn Storage) {
    let (home, site) = site(store).await;
    let v = people(store, home, 3).await;
    let on = shift(store, site, START, 5).await;
    let off = shift(store, site, START + HOUR_MS, 5).await;
    let kept = id_of(store.sign_up(on, v[0], false, 10).await.expect("1"));
    let gone = id_of(store.sign_up(on, v[1], false, 11).await.expect("2"));
    store.cancel_sign_up(gone, 12).await.expect("cancel");
    store.sign_up(off, v[2], false, 13).await.expect("3");
    store
        .cancel_shift(off, "取消", 14, &audit("cancel"))
        .await
        .expect("off");
    let due = store
        .reminders_due(START - HOUR_MS, START + 2 * HOUR_MS)
        .await
        .expect("due");
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].assignment, due[0].volunteer, due[0].shift),
        (kept, v[0], on)
    );
    assert_eq!(due[0].signed_up_at, 10);
}

async fn two_servers_never_claim_the_same_delivery(db: &common::TestDb) {
    let store = db.store.as_ref();
    let (home, _) = site(store).await;
    let v = people(store, home, 1).await;
    for n in 0..4 {
        store
            .put_push_subscription(v[0], &sub(n), 1)
            .await
            .expect("sub");
    }
    let batch: Vec<_> = (0..50)
        .map(|i| NewNotification {
            recipient: v[0],
            notice: Notice::new(NoticeKind::ShiftReminder, Subject::Me),
            key: format!("r{i}"),
            due_at: 10,
        })
        .collect();
    store.add_notifications(&batch, 1).await.expect("add");
    let other = db.another_store().await;
    let none = |_: NoticeKind, _: bool, _: Option<i64>| None;
    // Both servers plan at once: each notice becomes its deliveries once.
    let (a, b) = tokio::join!(
        store.plan_deliveries(10, 7, &none),
        other.plan_deliveries(10, 7, &none)
    );
    let mut planned = a.expect("a") + b.expect("b");
    while planned < 50 {
        planned += store.plan_deliveries(10, 7, &none).await.expect("rest");
    }
    let mut taken = Vec::new();
    loop {
        let (a, b) = tokio::join!(
            store.claim_deliveries(10, 60_000, 9),
            other.claim_deliveries(10, 60_000, 9)
        );
        let (a, b) = (a.expect("a"), b.expect("b"));
        if a.is_empty() && b.is_empty() {
            break;
        }
        taken.extend(a.into_iter().chain(b).map(|d| d.id));
    }
    let distinct: BTreeSet<_> = taken.iter().copied().collect();
    assert_eq!(taken.len(), 200, "50 notices × 4 devices");
    assert_eq!(distinct.len(), taken.len(), "no delivery claimed twice");
}

async fn a_phone_code_matches_once_expires_and_runs_out_of_tries(store: &dyn Storage) {
    use domain::phone_code::CodeCheck;
    let phone = domain::PhoneNumber::parse("13912345678").expect("phone");
    let check = |mac: &'static str, now| store.check_phone_code(&phone, mac, now, 3);
    assert_eq!(check("right", 10).await.expect("none"), CodeCheck::Missing);
    store
        .put_phone_code(&phone, "right", 0, 100)
        .await
        .expect("put");
    assert_eq!(check("wrong", 10).await.expect("1"), CodeCheck::Wrong);
    assert_eq!(check("right", 10).await.expect("2"), CodeCheck::Matches);
    assert_eq!(check("right", 11).await.expect("spent"), CodeCheck::Missing);
    // A new code replaces the old and starts its tries again; past its time it is gone.
    store
        .put_phone_code(&phone, "again", 20, 120)
        .await
        .expect("put");
    assert_eq!(check("again", 120).await.expect("late"), CodeCheck::Expired);
    assert_eq!(check("again", 121).await.expect("gone"), CodeCheck::Missing);
    store
        .put_phone_code(&phone, "third", 200, 900)
        .await
        .expect("put");
    for _ in 0..3 {
        assert_eq!(check("wrong", 300).await.expect("wrong"), CodeCheck::Wrong);
    }
    assert_eq!(
        check("third", 300).await.expect("out"),
        CodeCheck::Exhausted
    );
}

async fn an_assignee_and_a_reporter_hear_of_an_incident_but_not_of_their_own_acts(
    store: &dyn Storage,
) {
    use domain::incident::port::{ChangeKind, IncidentChange};
    use domain::incident::{IncidentStatus, Severity};
    let (home, _) = site(store).await;
    let v = people(store, home, 3).await;
    let (reporter, leader, helper) = (v[0], v[1], v[2]);
    let urgent = domain::incident::port::NewIncident {
        severity: Severity::Urgent,
        ..common::app::incident_report("notify-incident".into(), reporter, home)
    };
    let id = store.insert_incident(&urgent).await.expect("report").id();
    let change = |actor, at, step: &str, what| IncidentChange {
        actor,
        at,
        step: step.into(),
        what,
        note: None,
    };
    store
        .change_incident(
            id,
            &change(leader, 10, "assign", ChangeKind::Assign(Some(helper))),
        )
        .await
        .expect("assign");
    let told = store
        .notifications(helper, 10, None, 5)
        .await
        .expect("helper");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].notice.kind, NoticeKind::IncidentAssigned);
    assert!(
        told[0].notice.urgent,
        "an urgent incident is an urgent notice"
    );
    assert_eq!(told[0].notice.subject, Subject::Incident(id));
    let step = ChangeKind::Status {
        from: IncidentStatus::Reported,
        to: IncidentStatus::Acknowledged,
        referred_to: None,
    };
    store
        .change_incident(id, &change(leader, 20, "acknowledge", step))
        .await
        .expect("acknowledge");
    let reporter_told = store
        .notifications(reporter, 20, None, 5)
        .await
        .expect("reporter");
    assert_eq!(reporter_told.len(), 1);
    assert_eq!(
        reporter_told[0].notice.kind,
        NoticeKind::ReportStatusChanged
    );
    assert_eq!(reporter_told[0].notice.param("status"), "acknowledged");
    // A leader who assigns to themselves is not told of it.
    store
        .change_incident(
            id,
            &change(leader, 30, "assign", ChangeKind::Assign(Some(leader))),
        )
        .await
        .expect("self");
    assert!(kinds_of(store, leader, 30).await.is_empty());
}
