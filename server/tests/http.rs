//! Route tests (requests `oneshot` into the router) and one full-stack test over a real socket.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::app::{body_text, get, send, spawn_app, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_the_database_and_version() {
    let t = spawn_app().await;
    let res = send(&t, get("/health").body(Body::empty()).expect("req")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body_text(res).await).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["database"], "ok");
    assert_eq!(json["backend"], "sqlite");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_is_complete_chinese_html_by_default() {
    let t = spawn_app().await;
    let res = send(&t, get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers().contains_key("x-request-id"),
        "every response names its request"
    );
    let html = body_text(res).await;
    assert!(html.contains(r#"<html lang="zh-CN""#), "html lang");
    for text in [
        "我的班次",
        "上报",
        "我的时长",
        "我的",
        "历下区",
        "rel=\"manifest\"",
    ] {
        assert!(html.contains(text), "home page lacks {text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_csp_whose_nonce_matches_the_inline_script() {
    let t = spawn_app().await;
    let res = send(&t, get("/me").body(Body::empty()).expect("req")).await;
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(res.headers()[header::REFERRER_POLICY], "same-origin");
    assert!(csp.contains("frame-ancestors 'none'"));
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("nonce in CSP")
        .to_owned();
    let html = body_text(res).await;
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "inline script carries the nonce"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_by_accept_language_and_by_cookie() {
    let t = spawn_app().await;
    let res = send(
        &t,
        get("/")
            .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    let html = body_text(res).await;
    assert!(html.contains(r#"<html lang="en""#) && html.contains("My shifts"));

    let res = send(
        &t,
        get("/")
            .header(header::ACCEPT_LANGUAGE, "zh-CN")
            .header(header::COOKIE, "lang=en")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert!(
        body_text(res).await.contains(r#"<html lang="en""#),
        "the cookie wins"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_page_answers_404_with_a_page() {
    let t = spawn_app().await;
    let res = send(&t, get("/no/such/page").body(Body::empty()).expect("req")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(body_text(res).await.contains("页面不存在"));
}

fn lang_post(origin: Option<&str>, fetch_site: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method("POST")
        .uri("/lang")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    if let Some(s) = fetch_site {
        b = b.header("sec-fetch-site", s);
    }
    b.body(Body::from("lang=en&next=%2Fme")).expect("req")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_switch_sets_a_cookie_and_returns_to_the_page() {
    let t = spawn_app().await;
    let res = send(
        &t,
        lang_post(Some("http://127.0.0.1:3000"), Some("same-origin")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/me");
    let cookie = res.headers()[header::SET_COOKIE].to_str().expect("ascii");
    assert!(
        cookie.starts_with("lang=en;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let t = spawn_app().await;
    for req in [
        lang_post(Some("https://evil.example"), None),
        lang_post(None, Some("cross-site")),
        lang_post(Some("null"), None),
    ] {
        let res = send(&t, req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!res.headers().contains_key(header::SET_COOKIE));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_worker_is_never_cached_and_lists_the_offline_page() {
    let t = spawn_app().await;
    let res = send(&t, get("/sw.js").body(Body::empty()).expect("req")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let js = body_text(res).await;
    assert!(js.contains("\"/offline\"") && js.contains("pingan-shell-"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_opened_before_a_deploy_still_gets_its_builds_files() {
    let site = std::env::temp_dir().join(format!("pingan-site-{}", uuid::Uuid::new_v4()));
    let pkg = site.join("pkg");
    let previous = site.join(server::startup::PREVIOUS_PKG);
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::create_dir_all(&previous).expect("previous");
    std::fs::write(pkg.join("pingan.new1.js"), "// this build").expect("new");
    std::fs::write(previous.join("pingan.old1.js"), "// the build before").expect("old");
    let root = site.clone();
    let t = common::app::spawn_app_with(move |f| f.site_root = Some(root)).await;
    let this = send(
        &t,
        get("/pkg/pingan.new1.js").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(this.status(), StatusCode::OK);
    assert_eq!(body_text(this).await, "// this build");
    let before = send(
        &t,
        get("/pkg/pingan.old1.js").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(before.status(), StatusCode::OK);
    assert_eq!(body_text(before).await, "// the build before");
    let gone = send(
        &t,
        get("/pkg/pingan.older.js")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    let _ = std::fs::remove_dir_all(&site);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_when_the_browser_accepts_it() {
    let t = spawn_app().await;
    let res = send(
        &t,
        get("/")
            .header(header::ACCEPT_ENCODING, "br, gzip")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_server_serves_over_a_socket() {
    let t = spawn_app().await;
    let addr = t.app.local_addr();
    assert_ne!(addr.port(), 0, "port 0 was resolved to a real port");
    let TestApp { app, _db, .. } = t;
    tokio::spawn(app.run_until_stopped());
    // Loopback only: no proxy from the environment may stand in between.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("client");
    let health = client
        .get(format!("http://{addr}/health"))
        .send()
        .await
        .expect("health over HTTP");
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    let home = client
        .get(format!("http://{addr}/"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("home over HTTP");
    assert!(home.text().await.expect("body").contains("Pingan Vest"));
}

/// One server under concurrent load: many pages rendered at once must all complete (a stalled
/// render would hold a volunteer's phone on a white screen).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_requests_at_once() {
    let t = spawn_app().await;
    let addr = t.app.local_addr();
    let TestApp { app, _db, .. } = t;
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("client");
    let pages = ["/", "/shifts", "/me", "/incidents/new", "/no-such-page"];
    let requests = (0..60).map(|i| {
        let client = client.clone();
        let url = format!("http://{addr}{}", pages[i % pages.len()]);
        let lang = if i % 2 == 0 { "zh-CN" } else { "en" };
        async move {
            client
                .get(url)
                .header("accept-language", lang)
                .send()
                .await
                .expect("response within the timeout")
                .status()
        }
    });
    let statuses = futures::future::join_all(requests).await;
    assert_eq!(statuses.len(), 60);
    for (i, status) in statuses.iter().enumerate() {
        let expected = if pages[i % pages.len()] == "/no-such-page" {
            404
        } else {
            200
        };
        assert_eq!(status.as_u16(), expected, "request {i}");
    }
}
