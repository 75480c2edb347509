//! A whole application on a fresh, seeded SQLite file, for route and full-stack tests.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use server::config::{FileSettings, Settings};
use server::startup::Application;
use tower::ServiceExt;

pub struct TestApp {
    pub app: Application,
    /// The same database, for checking what a request stored.
    pub store: std::sync::Arc<dyn domain::Storage>,
    pub _db: DbFile,
}

/// Removes the test's SQLite files when the test ends.
pub struct DbFile(std::path::PathBuf);

impl Drop for DbFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", ".key"] {
            let mut p = self.0.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(p);
        }
    }
}

pub async fn spawn_app() -> TestApp {
    let db_path = std::env::temp_dir().join(format!("pingan-http-{}.db", uuid::Uuid::new_v4()));
    let file = FileSettings {
        addr: Some("127.0.0.1:0".into()),
        database_url: Some(format!("sqlite://{}", db_path.display())),
        ..Default::default()
    };
    let settings = Settings::from_layers(file, &|_| None).expect("settings");
    let store = server::storage::connect(&settings.database_url)
        .await
        .expect("db");
    server::seed::demo_district(store.as_ref())
        .await
        .expect("seed");
    let app = Application::build(settings).await.expect("app");
    TestApp {
        app,
        store,
        _db: DbFile(db_path),
    }
}

pub async fn send(t: &TestApp, req: Request<Body>) -> Response {
    t.app.router().oneshot(req).await.expect("response")
}

pub async fn body_text(res: Response) -> String {
    let bytes = axum::body::to_bytes(res.into_body(), 4 << 20)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8")
}

pub fn get(uri: &str) -> axum::http::request::Builder {
    Request::builder().uri(uri)
}

pub fn login_request(phone: &str, password: &str, next: &str) -> Request<Body> {
    let body = format!(
        "phone={}&password={}&next={}",
        urlencode(phone),
        urlencode(password),
        urlencode(next)
    );
    Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(body))
        .expect("request")
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn location(res: &axum::response::Response) -> &str {
    res.headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Logs in and returns the `name=value` of the session cookie.
pub async fn log_in(t: &TestApp, phone: &str) -> String {
    let res = send(t, login_request(phone, server::seed::DEMO_PASSWORD, "/me")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/me");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    cookie.split(';').next().expect("pair").to_owned()
}

/// A JSON `POST` to one of the outbox's routes, as the phone sends it (in Chinese).
pub fn post_json(uri: &str, cookie: Option<&str>, body: &serde_json::Value) -> Request<Body> {
    let mut req = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ACCEPT_LANGUAGE, "zh-CN")
        .header("sec-fetch-site", "same-origin");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(body.to_string())).expect("request")
}

/// A demo login (`13800000005`…) as the database holds them.
pub async fn demo_person(t: &TestApp, phone: &str) -> domain::Volunteer {
    t.store
        .volunteer_by_phone(&domain::PhoneNumber::parse(phone).expect("phone"))
        .await
        .expect("lookup")
        .expect("demo login")
}
