//! The holes issue #10 names, each proven closed over real HTTP requests into the router:
//! nobody acts on someone who outranks them, passwords a person owns, login throttling behind a
//! proxy and under a parallel burst, public endpoints that cannot exhaust the server, transport
//! headers, pages a shared phone must not keep, and who learns who reported or handles an
//! incident.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::app::{
    body_text, demo_person, get, incident_report, location, log_in, login_request, send, server_fn,
    spawn_app, spawn_app_with, TestApp,
};
use domain::incident::port::NewIncident;
use serde_json::json;
use std::net::SocketAddr;

const VOLUNTEER: &str = "13800000005";
const NEIGHBOUR: &str = "13800000006";
const THIRD: &str = "13800000007";
const LEADER: &str = "13800000004";
const COORDINATOR: &str = "13800000003";
const ASSOCIATION: &str = "13800000002";
const SYSTEM: &str = "13800000001";
const PASSWORD: &str = server::seed::DEMO_PASSWORD;

/// A login as it arrives from `peer`, optionally with the header a proxy adds.
fn login_from(
    peer: &str,
    forwarded_for: Option<&str>,
    phone: &str,
    password: &str,
) -> Request<Body> {
    let mut req = login_request(phone, password, "/");
    let addr: SocketAddr = format!("{peer}:40000").parse().expect("addr");
    req.extensions_mut().insert(ConnectInfo(addr));
    if let Some(xff) = forwarded_for {
        req.headers_mut()
            .insert("x-forwarded-for", xff.parse().expect("value"));
    }
    req
}

/// The newest audit entries about `entity`.
async fn latest_audit(t: &TestApp, entity: &str, limit: u32) -> Vec<domain::AuditRecord> {
    t.store
        .audit_entries(&domain::AuditFilter {
            entity: Some(entity.into()),
            limit,
            ..Default::default()
        })
        .await
        .expect("audit")
}

/// The change-password form as the page posts it.
fn password_form(cookie: Option<&str>, body: String) -> Request<Body> {
    let mut req = Request::post("/auth/password")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body)).expect("req")
}

async fn id_of(t: &TestApp, phone: &str) -> i64 {
    demo_person(t, phone).await.id.0
}

async fn call(t: &TestApp, endpoint: &str, body: String, cookie: &str) -> (u16, String) {
    let res = send(t, server_fn(endpoint, body, false, Some(cookie))).await;
    let status = res.status().as_u16();
    (status, body_text(res).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_resets_suspends_or_places_a_person_who_outranks_them() {
    let t = spawn_app().await;
    let association = log_in(&t, ASSOCIATION).await;
    let coordinator = log_in(&t, COORDINATOR).await;
    let system = id_of(&t, SYSTEM).await;
    let association_id = id_of(&t, ASSOCIATION).await;
    let coordinator_id = id_of(&t, COORDINATOR).await;
    let leader_id = id_of(&t, LEADER).await;

    // The takeover: an association admin resetting the system admin's password.
    let (status, body) = call(
        &t,
        "accounts/reset-password",
        format!("volunteer_id={system}"),
        &association,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let _still_theirs = log_in(&t, SYSTEM).await;
    // A coordinator suspending or retiring their own association admin, or themselves.
    for target in [association_id, coordinator_id] {
        for decision in ["Suspend", "Retire"] {
            let (status, body) = call(
                &t,
                "volunteers/decide",
                format!("volunteer_id={target}&decision={decision}&reason=%E6%B5%8B%E8%AF%95"),
                &coordinator,
            )
            .await;
            assert!(
                matches!(status, 403 | 404),
                "{decision} {target}: {status} {body}"
            );
        }
    }
    let _admin_still_in = log_in(&t, ASSOCIATION).await;
    // Resetting oneself through the app is refused too (the command line does that).
    let (status, _) = call(
        &t,
        "accounts/reset-password",
        format!("volunteer_id={association_id}"),
        &association,
    )
    .await;
    assert_eq!(status, 403);
    // Above a team leader, a coordinator may act on them.
    let (status, body) = call(
        &t,
        "accounts/reset-password",
        format!("volunteer_id={leader_id}"),
        &association,
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_password_must_be_replaced_before_anything_else_works() {
    let t = spawn_app().await;
    let admin = log_in(&t, ASSOCIATION).await;
    let id = id_of(&t, VOLUNTEER).await;
    let earlier = log_in(&t, VOLUNTEER).await;
    let (status, body) = call(
        &t,
        "accounts/reset-password",
        format!("volunteer_id={id}"),
        &admin,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let temporary: String = serde_json::from_str(&body).expect("the temporary password");

    let res = send(&t, login_request(VOLUNTEER, &temporary, "/shifts")).await;
    assert_eq!(location(&res), "/password?temporary=1&next=/shifts");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    // Pages lead to the form; server functions answer as to nobody.
    let page = send(
        &t,
        get("/me")
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(location(&page), "/password?temporary=1");
    let (status, _) = call(&t, "shifts/list", String::new(), &cookie).await;
    assert_eq!(status, 401);
    let form = send(
        &t,
        get("/password?temporary=1")
            .header(header::COOKIE, &cookie)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(form.status(), StatusCode::OK);
    assert!(body_text(form).await.contains("临时密码"));

    let change = |old: &str, new: &str| {
        password_form(
            Some(&cookie),
            format!(
                "old={}&new={}&next=%2Fshifts",
                common::app::urlencode(old),
                common::app::urlencode(new)
            ),
        )
    };
    // Bad input: each refused with its message key, nothing changed.
    for (old, new, error) in [
        ("wrong-password", "巡逻平安新密码2026", "old_password_wrong"),
        (temporary.as_str(), "short", "password_too_short"),
        (temporary.as_str(), VOLUNTEER, "password_is_phone"),
        (temporary.as_str(), temporary.as_str(), "password_unchanged"),
    ] {
        let res = send(&t, change(old, new)).await;
        assert_eq!(
            location(&res),
            format!("/password?error={error}&next=/shifts"),
            "{new}"
        );
    }
    let res = send(&t, change(&temporary, "巡逻平安新密码2026")).await;
    assert_eq!(location(&res), "/shifts?password_changed=1");
    let (status, _) = call(&t, "shifts/list", String::new(), &cookie).await;
    assert_eq!(status, 200, "the same session now works");
    let (status, _) = call(&t, "shifts/list", String::new(), &earlier).await;
    assert_eq!(status, 401, "every other session ended with the reset");
    let res = send(&t, login_request(VOLUNTEER, "巡逻平安新密码2026", "/me")).await;
    assert_eq!(location(&res), "/me");
    let log = latest_audit(&t, "volunteer", 3).await;
    assert_eq!(log[0].entry.action, "change_password");
    assert!(log[0].entry.after.is_none(), "never the password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_changes_their_own_password_and_their_other_sessions_end() {
    let t = spawn_app().await;
    let here = log_in(&t, NEIGHBOUR).await;
    let elsewhere = log_in(&t, NEIGHBOUR).await;
    let res = send(
        &t,
        password_form(
            Some(&here),
            format!("old={PASSWORD}&new=abcdefgh-2026&next=%2Fme"),
        ),
    )
    .await;
    assert_eq!(location(&res), "/me?password_changed=1");
    assert_eq!(call(&t, "hours/mine", String::new(), &here).await.0, 200);
    assert_eq!(
        call(&t, "hours/mine", String::new(), &elsewhere).await.0,
        401
    );
    // Nobody logged in is sent to the login.
    let res = send(&t, password_form(None, "old=a&new=b".into())).await;
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_resets_a_system_admin_to_a_temporary_password() {
    let t = spawn_app().await;
    let secrets = server::crypto::ServerSecrets::new(&secrecy::SecretString::from(
        "a-test-secret-of-at-least-32-characters".to_owned(),
    ));
    let temporary = server::cli::reset_password(t.store.as_ref(), &secrets, SYSTEM)
        .await
        .expect("reset");
    let res = send(&t, login_request(SYSTEM, temporary.expose(), "/")).await;
    assert_eq!(location(&res), "/password?temporary=1&next=/");
    assert!(
        server::cli::reset_password(t.store.as_ref(), &secrets, "12345")
            .await
            .is_err()
    );
    assert!(
        server::cli::reset_password(t.store.as_ref(), &secrets, "13912341234")
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let t = spawn_app_with(|f| f.trusted_proxies = Some("10.0.0.1".into())).await;
    // An attacker behind the proxy guesses the volunteer's password until refused.
    for _ in 0..5 {
        let res = send(
            &t,
            login_from(
                "10.0.0.1",
                Some("198.51.100.7"),
                VOLUNTEER,
                "wrong-password",
            ),
        )
        .await;
        assert!(location(&res).contains("error=login_failed"));
    }
    let res = send(
        &t,
        login_from("10.0.0.1", Some("198.51.100.7"), VOLUNTEER, PASSWORD),
    )
    .await;
    assert!(
        location(&res).contains("error=rate_limited"),
        "the guesser is stopped"
    );
    // The volunteer, behind the same proxy from their own phone, still gets in.
    let res = send(
        &t,
        login_from("10.0.0.1", Some("203.0.113.20"), VOLUNTEER, PASSWORD),
    )
    .await;
    assert_eq!(location(&res), "/", "the owner is not locked out");
    // A client talking to the server directly cannot pick its address with the header.
    for n in 0..5 {
        let res = send(
            &t,
            login_from(
                "192.0.2.9",
                Some(&format!("198.51.100.{n}")),
                NEIGHBOUR,
                "wrong-password",
            ),
        )
        .await;
        assert!(location(&res).contains("error=login_failed"));
    }
    let res = send(
        &t,
        login_from("192.0.2.9", Some("198.51.100.99"), NEIGHBOUR, PASSWORD),
    )
    .await;
    assert!(location(&res).contains("error=rate_limited"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parallel_burst_of_guesses_passes_the_limit_only_five_times() {
    let t = spawn_app().await;
    let router = t.app.router();
    let guesses = (0..20).map(|_| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let res = router
                .oneshot(login_from("192.0.2.50", None, VOLUNTEER, "wrong-password"))
                .await
                .expect("response");
            location(&res).to_owned()
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|l| l.contains("login_failed"))
        .count();
    let refused = answers
        .iter()
        .filter(|l| l.contains("rate_limited"))
        .count();
    assert_eq!(checked, 5, "{answers:?}");
    assert_eq!(refused, 15);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guesses_from_many_clients_slow_the_number_down_but_never_for_long() {
    let t = spawn_app_with(|f| f.trusted_proxies = Some("10.0.0.0/8".into())).await;
    for n in 0..app::throttle::LOGIN_FREE_FAILURES + 1 {
        let res = send(
            &t,
            login_from(
                "10.0.0.1",
                Some(&format!("198.51.100.{n}")),
                VOLUNTEER,
                "wrong-password",
            ),
        )
        .await;
        assert!(location(&res).contains("error=login_failed"), "{n}");
    }
    // Past the free failures, every client waits — minutes, not the rest of the day.
    let res = send(
        &t,
        login_from("10.0.0.1", Some("203.0.113.20"), VOLUNTEER, PASSWORD),
    )
    .await;
    let at = location(&res);
    assert!(at.contains("error=rate_limited"), "{at}");
    let wait: u32 = at
        .rsplit("wait=")
        .next()
        .expect("wait")
        .parse()
        .expect("minutes");
    assert!((1..=15).contains(&wait), "{wait}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applying_is_limited_per_client_and_a_taken_number_is_refused_first() {
    let t = spawn_app().await;
    let community = demo_person(&t, VOLUNTEER).await.home_area_id.0;
    let apply = |n: u32, phone: String| {
        let body = json!({"input": {"name": format!("申请人{n}"), "phone": phone, "password": "巡逻平安2026", "community_id": community, "id_number": "", "skills": [], "consent": true}});
        let mut req = server_fn("volunteers/apply", body.to_string(), true, None);
        req.extensions_mut().insert(ConnectInfo(
            "192.0.2.77:5000".parse::<SocketAddr>().expect("addr"),
        ));
        req
    };
    let limit = app::throttle::Limit::APPLY_CLIENT.limit;
    for n in 0..limit {
        let res = send(&t, apply(n, format!("1350000{n:04}"))).await;
        assert_eq!(res.status().as_u16(), 200, "{}", body_text(res).await);
    }
    let res = send(&t, apply(99, "13500009999".into())).await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(t
        .store
        .volunteer_by_phone(&domain::PhoneNumber::parse("13500009999").expect("phone"))
        .await
        .expect("lookup")
        .is_none());
    // A number already taken is refused as such before any limit or hash.
    let res = send(&t, apply(98, "13500000000".into())).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(body_text(res).await.contains("PhoneTaken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_check_in_codes_are_limited_per_assignment() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (a, _) = common::app::signed_up(&t, VOLUNTEER, -10 * domain::duty::MINUTE_MS).await;
    let now = chrono::Utc::now().timestamp_millis();
    let attempt = |n: u32, code: &str| json!({"client_key": format!("0193a4f2-7b1c-7def-8123-{n:012}"), "assignment_id": a.0, "kind": "in", "made_at": now, "lat": null, "lon": null, "accuracy_m": null, "code": code, "reason": null});
    let limit = app::throttle::Limit::CODE_ASSIGNMENT.limit;
    for n in 0..limit {
        let res = send(
            &t,
            common::app::post_json("/api/checks", Some(&cookie), &attempt(n, "000000")),
        )
        .await;
        assert_eq!(res.status().as_u16(), 422);
    }
    let res = send(
        &t,
        common::app::post_json("/api/checks", Some(&cookie), &attempt(99, "000000")),
    )
    .await;
    assert_eq!(
        res.status().as_u16(),
        429,
        "a million codes cannot be tried one by one"
    );
    assert!(t.store.checks_of(a).await.expect("checks").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_clears_the_http_cache_but_never_the_outbox() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let res = send(&t, common::app::logout_request(&cookie)).await;
    let clear = res.headers()["clear-site-data"].to_str().expect("ascii");
    assert_eq!(clear, "\"cache\"");
    assert!(!clear.contains("storage"), "the outbox lives in IndexedDB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_say_whose_they_are_and_which_a_phone_may_keep() {
    let t = spawn_app().await;
    let volunteer = log_in(&t, VOLUNTEER).await;
    let leader = log_in(&t, LEADER).await;
    let page = |path: &str, cookie: &str| {
        get(path)
            .header(header::COOKIE, cookie)
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .expect("req")
    };
    let shifts = send(&t, page("/shifts", &volunteer)).await;
    assert_eq!(shifts.headers()["x-pingan-offline"], "keep");
    assert_eq!(shifts.headers()[header::CACHE_CONTROL], "private, no-cache");
    let mine = shifts.headers()["x-pingan-viewer"]
        .to_str()
        .expect("v")
        .to_owned();
    let theirs = send(&t, page("/shifts", &leader)).await.headers()["x-pingan-viewer"]
        .to_str()
        .expect("v")
        .to_owned();
    assert_ne!(mine, theirs, "each reader has their own");
    assert!(!mine.contains(&id_of(&t, VOLUNTEER).await.to_string()) || mine.len() == 16);
    for desk in ["/volunteers", "/audit", "/teams"] {
        let res = send(&t, page(desk, &leader)).await;
        assert!(res.headers().get("x-pingan-offline").is_none(), "{desk}");
        assert_eq!(
            res.headers()[header::CACHE_CONTROL],
            "private, no-store",
            "{desk}"
        );
    }
    let anonymous = send(&t, get("/login").body(Body::empty()).expect("req")).await;
    assert!(anonymous.headers().get("x-pingan-viewer").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_browsers_are_told_to_stay_and_cookies_are_host_only() {
    let plain = spawn_app().await;
    let res = send(&plain, get("/login").body(Body::empty()).expect("req")).await;
    assert!(res
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    let t = spawn_app_with(|f| f.public_url = Some("https://pingan.example.cn".into())).await;
    let res = send(&t, get("/login").body(Body::empty()).expect("req")).await;
    assert_eq!(
        res.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=63072000; includeSubDomains"
    );
    let res = send(&t, login_request(VOLUNTEER, PASSWORD, "/")).await;
    let cookie = res.headers()[header::SET_COOKIE].to_str().expect("ascii");
    assert!(cookie.starts_with("__Host-pingan_session="), "{cookie}");
    assert!(cookie.contains("; Secure"));
}

/// A report by `reporter` in their community, assigned by the leader to `assignee` and made
/// public; returns its id.
async fn handled_incident(t: &TestApp, reporter: &str, assignee: &str) -> i64 {
    let person = demo_person(t, reporter).await;
    let stored = t
        .store
        .insert_incident(&NewIncident {
            made_at: chrono::Utc::now().timestamp_millis(),
            received_at: chrono::Utc::now().timestamp_millis(),
            ..incident_report(
                format!("sight-{}", uuid::Uuid::now_v7()),
                person.id,
                person.home_area_id,
            )
        })
        .await
        .expect("incident");
    let id = stored.id().0;
    let leader = log_in(t, LEADER).await;
    let assignee = id_of(t, assignee).await;
    let (status, body) = call(
        t,
        "incidents/assign",
        format!("id={id}&volunteer_id={assignee}"),
        &leader,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(
        t,
        "incidents/publish",
        format!("id={id}&public=true"),
        &leader,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incident_never_tells_a_neighbour_who_handles_or_reported_it() {
    let t = spawn_app().await;
    let reporter_name = demo_person(&t, VOLUNTEER).await.name;
    let assignee_name = demo_person(&t, NEIGHBOUR).await.name;
    let id = handled_incident(&t, VOLUNTEER, NEIGHBOUR).await;
    let detail = |cookie: String| {
        let t = &t;
        async move { call(t, "incidents/detail", format!("id={id}"), &cookie).await }
    };
    // The assignee: who handles it (themselves), not who reported it.
    let (status, body) = detail(log_in(&t, NEIGHBOUR).await).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        !body.contains(&reporter_name),
        "the assignee is not told the reporter: {body}"
    );
    // A neighbour reading the public incident: neither.
    let (status, body) = detail(log_in(&t, THIRD).await).await;
    assert_eq!(status, 200, "{body}");
    assert!(!body.contains(&reporter_name), "{body}");
    assert!(
        !body.contains(&assignee_name),
        "the public view names no assignee: {body}"
    );
    // The reporter: themselves, not the assignee.
    let (_, body) = detail(log_in(&t, VOLUNTEER).await).await;
    assert!(body.contains(&reporter_name));
    assert!(!body.contains(&assignee_name), "{body}");
    // The leader: both.
    let (_, body) = detail(log_in(&t, LEADER).await).await;
    assert!(body.contains(&reporter_name) && body.contains(&assignee_name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_is_named_only_from_the_team_and_leadership_can_be_revoked() {
    let t = spawn_app().await;
    let coordinator = log_in(&t, COORDINATOR).await;
    let (status, body) = call(
        &t,
        "teams/create",
        "community_id=".to_owned()
            + &demo_person(&t, VOLUNTEER).await.home_area_id.0.to_string()
            + "&name=%E4%B8%80%E9%98%9F",
        &coordinator,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let team: i64 = body.trim().parse().expect("team id");
    let volunteer = id_of(&t, VOLUNTEER).await;
    // Not a member yet: refused, and no role given.
    let (status, _) = call(
        &t,
        "teams/leader",
        format!("team_id={team}&volunteer_id={volunteer}"),
        &coordinator,
    )
    .await;
    assert_eq!(status, 422);
    assert!(t
        .store
        .grants(domain::VolunteerId(volunteer))
        .await
        .expect("g")
        .is_empty());
    let (status, _) = call(
        &t,
        "teams/member",
        format!("team_id={team}&phone={VOLUNTEER}"),
        &coordinator,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        &t,
        "teams/leader",
        format!("team_id={team}&volunteer_id={volunteer}"),
        &coordinator,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        t.store
            .grants(domain::VolunteerId(volunteer))
            .await
            .expect("g")
            .len(),
        1
    );
    let (status, body) = call(
        &t,
        "teams/revoke-leader",
        format!("team_id={team}&volunteer_id={volunteer}"),
        &coordinator,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(t
        .store
        .grants(domain::VolunteerId(volunteer))
        .await
        .expect("g")
        .is_empty());
    let (status, _) = call(
        &t,
        "teams/revoke-leader",
        format!("team_id={team}&volunteer_id={volunteer}"),
        &coordinator,
    )
    .await;
    assert_eq!(status, 409, "not a leader any more");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_looking_at_a_track_is_audited() {
    let t = spawn_app().await;
    let (a, _) = common::app::signed_up(&t, VOLUNTEER, -10 * domain::duty::MINUTE_MS).await;
    let leader = log_in(&t, LEADER).await;
    let (status, body) = call(
        &t,
        "shifts/track-view",
        format!("assignment_id={}", a.0),
        &leader,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let log = latest_audit(&t, "assignment", 1).await;
    assert_eq!(log[0].entry.action, "view_track");
    assert_eq!(log[0].entry.entity_id, Some(a.0));
    // The volunteer's own look is not an event.
    let own = log_in(&t, VOLUNTEER).await;
    call(
        &t,
        "shifts/track-view",
        format!("assignment_id={}", a.0),
        &own,
    )
    .await;
    let after = latest_audit(&t, "assignment", 5).await;
    assert_eq!(after.len(), 1);
}

/// Makes the session in `cookie` look unused for `idle_ms`.
async fn idle_for(t: &TestApp, cookie: &str, idle_ms: i64) {
    let token = cookie.split_once('=').expect("pair").1;
    let hash = server::auth::session::token_hash(token);
    let mut record = t.store.session(&hash).await.expect("read").expect("stored");
    t.store.delete_session(&hash).await.expect("delete");
    record.last_seen_at_ms = chrono::Utc::now().timestamp_millis() - idle_ms;
    t.store.insert_session(&record).await.expect("reinsert");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_session_left_alone_ends_sooner_than_a_volunteers() {
    let t = spawn_app().await;
    let admin = log_in(&t, ASSOCIATION).await;
    let volunteer = log_in(&t, VOLUNTEER).await;
    let forty_minutes = 40 * 60 * 1000;
    idle_for(&t, &admin, forty_minutes).await;
    idle_for(&t, &volunteer, forty_minutes).await;
    assert_eq!(call(&t, "hours/mine", String::new(), &admin).await.0, 401);
    assert_eq!(
        call(&t, "hours/mine", String::new(), &volunteer).await.0,
        200,
        "a volunteer on a long patrol stays logged in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewed_calendar_link_replaces_the_old_one() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;
    let (_, page) = call(&t, "shifts/list", String::new(), &cookie).await;
    let page: serde_json::Value = serde_json::from_str(&page).expect("json");
    let old = page["calendar_url"].as_str().expect("link").to_owned();
    let fetch = |url: String| {
        let t = &t;
        async move {
            send(t, get(&url).body(Body::empty()).expect("req"))
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(fetch(old.clone()).await, 200);
    let (status, body) = call(&t, "shifts/calendar-renew", String::new(), &cookie).await;
    assert_eq!(status, 200, "{body}");
    let new: String = serde_json::from_str(&body).expect("the new link");
    assert_ne!(new, old);
    assert_eq!(fetch(old).await, 404, "the old link stops working at once");
    assert_eq!(fetch(new).await, 200);
    let log = latest_audit(&t, "volunteer", 1).await;
    assert_eq!(log[0].entry.action, "renew_calendar");
}
