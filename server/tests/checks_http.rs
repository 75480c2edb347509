//! `POST /api/checks` end to end through the router: the geofence verdict, exactly-once storage
//! however often the outbox sends, the refusals (each with a message in the reader's language
//! that changes nothing), and the sweeper closing a forgotten check-out.

mod common;

use axum::body::Body;
use axum::http::{header, Request};
use common::app::{body_text, log_in, send, spawn_app, TestApp};
use domain::duty::{HOUR_MS, MINUTE_MS};
use domain::{AssignmentId, ShiftWindow, VolunteerId};
use serde_json::json;

const VOLUNTEER: &str = "13800000005";
/// 山大路科技市场 in the demo: a 50 m circle around this point.
const AT_SITE: (f64, f64) = (36.675, 117.0591);

fn post_check(cookie: Option<&str>, body: &serde_json::Value) -> Request<Body> {
    common::app::post_json("/api/checks", cookie, body)
}

async fn demo_site(t: &TestApp) -> domain::Site {
    common::app::demo_site(t).await
}

async fn new_shift(t: &TestApp, site: domain::SiteId, window: ShiftWindow) -> domain::ShiftId {
    common::app::new_shift(t, site, window).await
}

/// The demo volunteer signed up for a shift at 山大路科技市场 `starts_in` ms from now.
async fn signed_up(t: &TestApp, starts_in: i64) -> (AssignmentId, ShiftWindow) {
    common::app::signed_up(t, VOLUNTEER, starts_in).await
}

fn check(
    key: &str,
    a: AssignmentId,
    kind: &str,
    made_at: i64,
    at: (f64, f64),
) -> serde_json::Value {
    json!({
        "client_key": key, "assignment_id": a.0, "kind": kind, "made_at": made_at,
        "lat": at.0, "lon": at.1, "accuracy_m": 12.0, "code": null, "reason": null
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_is_judged_by_the_fence_and_stored_once_however_often_it_arrives() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (a, _) = signed_up(&t, -30 * MINUTE_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    let key = "0193a4f2-7b1c-7def-8123-456789abcdef";
    let first = send(
        &t,
        post_check(Some(&cookie), &check(key, a, "in", now, AT_SITE)),
    )
    .await;
    assert_eq!(first.status().as_u16(), 201);
    let answer: serde_json::Value = serde_json::from_str(&body_text(first).await).expect("json");
    assert_eq!(answer["proof"], "inside");
    assert_eq!(answer["stored"], true);
    // The outbox sends again when an answer was lost; a second button press makes a new key.
    for body in [
        check(key, a, "in", now + 5_000, AT_SITE),
        check(
            "0193a4f2-7b1c-7def-8123-000000000002",
            a,
            "in",
            now + 9_000,
            AT_SITE,
        ),
    ] {
        let again = send(&t, post_check(Some(&cookie), &body)).await;
        assert_eq!(again.status().as_u16(), 200);
        let again: serde_json::Value = serde_json::from_str(&body_text(again).await).expect("json");
        assert_eq!(again["stored"], false);
        assert_eq!(again["made_at"], now, "the first event stands");
    }
    assert_eq!(t.store.checks_of(a).await.expect("checks").len(), 1);

    let out = send(
        &t,
        post_check(
            Some(&cookie),
            &check(
                "0193a4f2-7b1c-7def-8123-000000000003",
                a,
                "out",
                now + HOUR_MS / 2,
                AT_SITE,
            ),
        ),
    )
    .await;
    // Half an hour in the future is beyond what a phone clock may run ahead: server time is
    // used instead, so the claim is the half hour since the check-in, less a few seconds.
    assert_eq!(out.status().as_u16(), 201);
    let out: serde_json::Value = serde_json::from_str(&body_text(out).await).expect("json");
    assert_eq!(out["minutes"], 0);
    let mine = t
        .store
        .my_shifts(
            VolunteerId(
                t.store
                    .assignment(a)
                    .await
                    .expect("a")
                    .expect("a")
                    .volunteer_id
                    .0,
            ),
            0,
        )
        .await
        .expect("mine");
    let this = mine.iter().find(|m| m.assignment.id == a).expect("listed");
    assert_eq!(this.service, Some((0, domain::ServiceState::Pending)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_or_foreign_check_events_are_refused_in_the_readers_language_and_store_nothing() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let other = log_in(&t, "13800000006").await;
    let (a, _) = signed_up(&t, 20 * MINUTE_MS).await;
    let (later, _) = signed_up(&t, 2 * 24 * HOUR_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    let cases = [
        (
            None,
            check(
                "0193a4f2-7b1c-7def-8123-00000000000a",
                a,
                "in",
                now,
                AT_SITE,
            ),
            401,
            "请先登录",
        ),
        (
            Some(&other),
            check(
                "0193a4f2-7b1c-7def-8123-00000000000b",
                a,
                "in",
                now,
                AT_SITE,
            ),
            // Someone else's check-in (a shared phone): kept on the phone for its maker.
            409,
            "\"held\":true",
        ),
        (
            Some(&cookie),
            check("short", a, "in", now, AT_SITE),
            422,
            "",
        ),
        (
            Some(&cookie),
            check(
                "0193a4f2-7b1c-7def-8123-00000000000c",
                a,
                "out",
                now,
                AT_SITE,
            ),
            422,
            "还没有签到",
        ),
        (
            Some(&cookie),
            check(
                "0193a4f2-7b1c-7def-8123-00000000000d",
                later,
                "in",
                now,
                AT_SITE,
            ),
            422,
            "签到时间",
        ),
        (
            Some(&cookie),
            check(
                "0193a4f2-7b1c-7def-8123-00000000000e",
                a,
                "in",
                now,
                (91.0, 117.0),
            ),
            422,
            "纬度",
        ),
        (
            Some(&cookie),
            json!({"client_key": "0193a4f2-7b1c-7def-8123-00000000000f", "assignment_id": a.0, "kind": "in", "made_at": now, "lat": null, "lon": null, "accuracy_m": null, "code": "000000", "reason": null}),
            422,
            "签到码",
        ),
    ];
    for (who, body, status, text) in cases {
        let res = send(&t, post_check(who.map(String::as_str), &body)).await;
        assert_eq!(res.status().as_u16(), status, "{body}");
        let answer = body_text(res).await;
        assert!(answer.contains("\"error\""), "{answer}");
        assert!(answer.contains(text), "{answer} should say {text}");
    }
    let garbage = Request::post("/api/checks")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, &cookie)
        .body(Body::from("{not json"))
        .expect("request");
    assert_eq!(send(&t, garbage).await.status().as_u16(), 422);
    assert!(t.store.checks_of(a).await.expect("checks").is_empty());
    assert!(t.store.checks_of(later).await.expect("checks").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_leaders_code_proves_presence_without_a_position() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let leader = log_in(&t, "13800000004").await;
    let (a, _) = signed_up(&t, 10 * MINUTE_MS).await;
    let shift = t.store.assignment(a).await.expect("a").expect("a").shift_id;
    let res = send(
        &t,
        Request::post("/api/roster/code")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &leader)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(common::app::input(&format!(
                "shift_id={}",
                shift.0
            ))))
            .expect("request"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let shown: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    let code = shown["code"].as_str().expect("a code").to_owned();
    let qr = shown["qr_svg"].as_str().expect("a QR code");
    assert!(qr.starts_with("<?xml") || qr.starts_with("<svg"), "{qr}");
    let now = chrono::Utc::now().timestamp_millis();
    let body = json!({"client_key": "0193a4f2-7b1c-7def-8123-0000000000c0", "assignment_id": a.0, "kind": "in", "made_at": now, "lat": null, "lon": null, "accuracy_m": null, "code": code, "reason": null});
    let res = send(&t, post_check(Some(&cookie), &body)).await;
    assert_eq!(res.status().as_u16(), 201);
    assert!(body_text(res).await.contains("\"proof\":\"qr\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_closes_a_forgotten_check_out_and_confirms_stale_hours() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (a, window) = signed_up(&t, -30 * MINUTE_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    let res = send(
        &t,
        post_check(
            Some(&cookie),
            &check(
                "0193a4f2-7b1c-7def-8123-0000000000d0",
                a,
                "in",
                now,
                AT_SITE,
            ),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 201);
    let rules = domain::DutyRules::default();
    let store = t.store.as_ref();
    let during = server::jobs::sweeper::sweep(store, &rules, now)
        .await
        .expect("sweep");
    assert_eq!(during.closed, 0, "the shift is still on");
    let after_end = window.ends_at + 16 * MINUTE_MS;
    let swept = server::jobs::sweeper::sweep(store, &rules, after_end)
        .await
        .expect("sweep");
    // This check-in's, and any of the demo 国庆 period's check-ins whose slot ended by then
    // (its seed has people in on the slot under way); this one's is asserted below.
    assert!(swept.closed >= 1, "{swept:?}");
    let again = server::jobs::sweeper::sweep(store, &rules, after_end)
        .await
        .expect("sweep");
    assert_eq!(again.closed, 0, "a second sweep changes nothing");
    let checks = t.store.checks_of(a).await.expect("checks");
    let out = checks
        .iter()
        .find(|c| c.kind == domain::CheckKind::Out)
        .expect("closed");
    assert_eq!(out.proof, domain::Proof::Auto);
    assert_eq!(out.made_at, window.ends_at + 15 * MINUTE_MS);
    let v = t
        .store
        .assignment(a)
        .await
        .expect("a")
        .expect("a")
        .volunteer_id;
    let pending = t
        .store
        .hours_summary(
            v,
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
        )
        .await
        .expect("summary");
    // From the check-in to the end of the shift plus grace: 3.5 h + 15 min, whole minutes.
    let expected = (window.ends_at + 15 * MINUTE_MS - now) / MINUTE_MS;
    assert_eq!(pending.pending_minutes, expected);
    let week_later = after_end + 8 * 24 * HOUR_MS;
    let confirmed = server::jobs::sweeper::sweep(store, &rules, week_later)
        .await
        .expect("sweep");
    assert!(confirmed.auto_confirmed >= 1);
    let totals = t
        .store
        .hours_summary(
            v,
            chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date"),
        )
        .await
        .expect("summary");
    assert_eq!(
        (totals.credited_minutes, totals.pending_minutes),
        (expected, 0)
    );
    assert_eq!(
        domain::duty::hours::total_minutes(&t.store.ledger_minutes(v).await.expect("ledger")),
        totals.credited_minutes,
        "the ledger's sum is the total"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteers_calendar_link_lists_their_shifts_and_only_theirs() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (_, window) = signed_up(&t, 2 * HOUR_MS).await;
    let res = send(
        &t,
        Request::post("/api/shifts/list")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200);
    let page: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    let url = page["calendar_url"]
        .as_str()
        .expect("a calendar link")
        .to_owned();
    // Calendar apps fetch without cookies: the link alone opens it.
    let res = send(&t, Request::get(&url).body(Body::empty()).expect("request")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .expect("ascii")
        .starts_with("text/calendar"));
    let text = body_text(res).await;
    let start = chrono::DateTime::from_timestamp_millis(window.starts_at)
        .expect("time")
        .format("DTSTART:%Y%m%dT%H%M%SZ")
        .to_string();
    assert!(text.contains(&start), "{text}");
    assert!(text.contains("SUMMARY:平安巡逻 · 山大路科技市场"));
    // A token altered in one place, or another volunteer's id with this token, opens nothing.
    let forged = url.replacen("-", "-0", 1);
    let other = url.replacen(&url[10..url.find('-').expect("dash")], "1", 1);
    for bad in [forged, other, "/calendar/nonsense.ics".to_owned()] {
        let res = send(&t, Request::get(&bad).body(Body::empty()).expect("request")).await;
        assert_eq!(res.status().as_u16(), 404, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shifts_near_me_are_those_within_3_km_nearest_first() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let list = |body: &'static str| {
        Request::post("/api/shifts/list")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(common::app::input(body)))
            .expect("request")
    };
    let res = send(&t, list("near_lat=36.675&near_lon=117.0591")).await;
    assert_eq!(res.status().as_u16(), 200);
    let page: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    let open = page["open"].as_array().expect("open shifts");
    assert!(!open.is_empty());
    assert_eq!(open[0]["site"], "山大路科技市场");
    assert_eq!(open[0]["distance_m"], 0);
    let distances: Vec<u64> = open
        .iter()
        .map(|c| c["distance_m"].as_u64().expect("a distance"))
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    assert!(distances.iter().all(|d| *d <= 3_000));
    // 30 km away: nothing near.
    let res = send(&t, list("near_lat=36.80&near_lon=117.30")).await;
    let page: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    assert_eq!(page["open"].as_array().map(Vec::len), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_shift_at_the_same_time_is_refused_with_the_reason() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    // Already on one shift from in 2 h; another over the same hours is refused.
    let (_, window) = signed_up(&t, 2 * HOUR_MS).await;
    let site = demo_site(&t).await.id;
    let other = new_shift(&t, site, window).await;
    let sign_up = |shift: i64| {
        Request::post("/api/shifts/sign-up")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(common::app::input(&format!("shift_id={shift}"))))
            .expect("request")
    };
    let res = send(&t, sign_up(other.0)).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(body_text(res).await.contains("ShiftOverlaps"));
    let v = common::app::demo_person(&t, VOLUNTEER).await;
    let mine = t.store.my_shifts(v.id, 0).await.expect("mine");
    assert!(mine.iter().all(|m| m.shift.id != other), "nothing stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_track_batch_sent_after_check_out_keeps_the_patrols_end() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (a, _) = signed_up(&t, -30 * MINUTE_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    for (n, kind, at) in [(1, "in", now - 20 * MINUTE_MS), (2, "out", now - MINUTE_MS)] {
        let key = format!("0193a4f2-7b1c-7def-8123-0000000007{n:02}");
        let res = send(
            &t,
            post_check(Some(&cookie), &check(&key, a, kind, at, AT_SITE)),
        )
        .await;
        assert_eq!(res.status().as_u16(), 201, "{kind}");
    }
    // The recorder's final flush: samples from the patrol and one taken after the check-out.
    let samples = json!([
        [now - 15 * MINUTE_MS, AT_SITE.0, AT_SITE.1, 8.0],
        [now - 10 * MINUTE_MS, AT_SITE.0 + 0.001, AT_SITE.1, 8.0],
        [now - 30_000, AT_SITE.0 + 0.002, AT_SITE.1, 8.0]
    ]);
    let res = send(
        &t,
        common::app::post_json(
            "/api/shifts/track",
            Some(&cookie),
            &json!({"input": {"assignment_id": a.0, "samples": samples}}),
        ),
    )
    .await;
    assert_eq!(res.status().as_u16(), 200, "not 422 after the check-out");
    assert_eq!(
        body_text(res).await,
        "2",
        "the sample after the check-out is dropped"
    );
    assert_eq!(t.store.track_points(a).await.expect("points").len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_in_made_too_early_is_made_again_on_site_and_the_first_stays_on_record() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (a, _) = signed_up(&t, -10 * MINUTE_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    // Pressed a kilometre away, before arriving.
    let away = (AT_SITE.0 + 0.01, AT_SITE.1);
    let answer = |res: axum::response::Response| async move {
        let status = res.status().as_u16();
        let body: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
        (status, body)
    };
    let key = |n: u32| format!("0193a4f2-7b1c-7def-8123-{n:012}");
    let (status, first) = answer(
        send(
            &t,
            post_check(Some(&cookie), &check(&key(1), a, "in", now - 60_000, away)),
        )
        .await,
    )
    .await;
    assert_eq!((status, first["proof"].as_str()), (201, Some("outside")));

    // Tried again, still away: refused with the reason, and the first stands alone.
    let (status, still) = answer(
        send(
            &t,
            post_check(Some(&cookie), &check(&key(2), a, "in", now - 30_000, away)),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        still["error"]
            .as_str()
            .unwrap_or_default()
            .contains("第一次签到保留"),
        "{still}"
    );

    // On site: stored, and it is the check-in in force.
    let (status, again) = answer(
        send(
            &t,
            post_check(Some(&cookie), &check(&key(3), a, "in", now, AT_SITE)),
        )
        .await,
    )
    .await;
    assert_eq!((status, again["proof"].as_str()), (201, Some("inside")));
    let checks = t.store.checks_of(a).await.expect("checks");
    assert_eq!(
        checks.len(),
        2,
        "both check-ins are in the record: {checks:?}"
    );
    let old = checks
        .iter()
        .find(|c| c.client_key == key(1))
        .expect("first");
    let new = checks
        .iter()
        .find(|c| c.client_key == key(3))
        .expect("second");
    assert!(old.superseded_at.is_some() && new.superseded_at.is_none());

    // An inside check-in is not made again; the outbox's late copy of the first answers with
    // itself, and nothing changes.
    for body in [
        check(&key(4), a, "in", now + 1_000, away),
        check(&key(1), a, "in", now - 60_000, away),
    ] {
        let (status, same) = answer(send(&t, post_check(Some(&cookie), &body)).await).await;
        assert_eq!((status, same["stored"].as_bool()), (200, Some(false)));
    }
    assert_eq!(t.store.checks_of(a).await.expect("checks").len(), 2);

    // The hours count from the check-in in force, and the leader sees the first one too.
    let (status, out) = answer(
        send(
            &t,
            post_check(
                Some(&cookie),
                &check(&key(5), a, "out", now + 2_000, AT_SITE),
            ),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{out}");
    let area = demo_site(&t).await.area_id;
    let to_decide = t.store.services_to_decide(area).await.expect("to decide");
    let this = to_decide
        .iter()
        .find(|s| s.assignment_id == a)
        .expect("listed");
    assert_eq!(this.flagged, None, "the check-in in force was on site");
    assert_eq!(this.checks.len(), 3);

    // Checked out, an outside check-in can no longer be replaced.
    let (b, _) = common::app::signed_up(&t, "13800000006", -10 * MINUTE_MS).await;
    let other = log_in(&t, "13800000006").await;
    for (n, kind, at) in [(6, "in", away), (7, "out", away)] {
        let res = send(
            &t,
            post_check(Some(&other), &check(&key(n), b, kind, now, at)),
        )
        .await;
        assert_eq!(res.status().as_u16(), 201);
    }
    let (status, late) = answer(
        send(
            &t,
            post_check(Some(&other), &check(&key(8), b, "in", now + 1_000, AT_SITE)),
        )
        .await,
    )
    .await;
    assert_eq!((status, late["stored"].as_bool()), (200, Some(false)));
    assert_eq!(late["proof"], "outside");
}
