//! Logging in and out over HTTP, against the seeded demo district.

mod common;

use axum::body::Body;
use axum::http::{header, StatusCode};
use common::app::{body_text, get, location, log_in, login_request, send, spawn_app};

const VOLUNTEER: &str = "13800000005";
const PASSWORD: &str = server::seed::DEMO_PASSWORD;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_logs_in_sees_themself_and_logs_out() {
    let t = spawn_app().await;
    let cookie = log_in(&t, VOLUNTEER).await;

    let me = send(
        &t,
        get("/me")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(me.status(), StatusCode::OK);
    let html = body_text(me).await;
    assert!(html.contains("王志愿"), "the name is shown");
    assert!(html.contains("山大路社区"), "the home community is shown");
    assert!(
        html.contains(VOLUNTEER),
        "their own number, in full, to themself"
    );

    let out = send(&t, common::app::logout_request(&cookie)).await;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert!(out.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .contains("Max-Age=0"));
    let me = send(
        &t,
        get("/me")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    let html = body_text(me).await;
    assert!(
        !html.contains("王志愿"),
        "the old cookie no longer logs anyone in"
    );
    assert!(html.contains("/login?next=/me"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_or_unknown_number_says_so_and_sets_no_cookie() {
    let t = spawn_app().await;
    for (phone, password) in [(VOLUNTEER, "wrong-password"), ("13912341234", PASSWORD)] {
        let res = send(&t, login_request(phone, password, "/me")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/login?error=login_failed&next=/me");
        assert!(res.headers().get(header::SET_COOKIE).is_none());
    }
    let page = send(
        &t,
        get("/login?error=login_failed&next=/me")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    let html = body_text(page).await;
    assert!(
        html.contains("手机号或密码不对"),
        "translated message on the page"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_number_is_refused_before_any_lookup() {
    let t = spawn_app().await;
    let res = send(&t, login_request("12345", PASSWORD, "/")).await;
    assert_eq!(location(&res), "/login?error=phone_invalid&next=/");
    let res = send(&t, login_request("", PASSWORD, "/")).await;
    assert_eq!(location(&res), "/login?error=phone_required&next=/");
    let page = send(
        &t,
        get("/login?error=phone_invalid")
            .header("accept-language", "en")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(
        body_text(page).await.contains("mobile number"),
        "English message"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_lock_the_number_even_for_the_right_password() {
    let t = spawn_app().await;
    for _ in 0..5 {
        let res = send(&t, login_request(VOLUNTEER, "wrong-password", "/")).await;
        assert_eq!(location(&res), "/login?error=login_failed&next=/");
    }
    let res = send(&t, login_request(VOLUNTEER, PASSWORD, "/")).await;
    assert_eq!(location(&res), "/login?error=rate_limited&next=/&wait=15");
    assert!(res.headers().get(header::SET_COOKIE).is_none());
    let page = send(
        &t,
        get("/login?error=rate_limited&wait=15")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(body_text(page).await.contains("15分钟后再试"));
    // Another account is not locked by this one's failures.
    let _ = log_in(&t, "13800000004").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_sends_only_to_local_pages_and_refuses_cross_site_posts() {
    let t = spawn_app().await;
    let res = send(
        &t,
        login_request(VOLUNTEER, PASSWORD, "https://evil.example/"),
    )
    .await;
    assert_eq!(location(&res), "/");
    let mut req = login_request(VOLUNTEER, PASSWORD, "/");
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().expect("value"));
    let res = send(&t, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get(header::SET_COOKIE).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_or_expired_cookie_is_nobody_and_is_cleared() {
    let t = spawn_app().await;
    let res = send(
        &t,
        get("/me")
            .header(header::COOKIE, "pingan_session=forged-token")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .contains("Max-Age=0"));
    assert!(body_text(res).await.contains("/login?next=/me"));
    // A session past its absolute expiry is refused and removed.
    let cookie = log_in(&t, VOLUNTEER).await;
    let token = cookie.split_once('=').expect("pair").1;
    let hash = server::auth::session::token_hash(token);
    let mut record = t.store.session(&hash).await.expect("read").expect("stored");
    t.store.delete_session(&hash).await.expect("delete");
    record.expires_at_ms = 1;
    t.store
        .insert_session(&record)
        .await
        .expect("reinsert expired");
    let res = send(
        &t,
        get("/me")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(body_text(res).await.contains("/login?next=/me"));
    assert!(
        t.store.session(&hash).await.expect("read").is_none(),
        "expired session deleted"
    );
}
